/* Unit tests of the HNSW engine over the test disk (hnsw_disk.c): maps, heaps, the level generator,
 * options, the node BLOB codec and its checks, exact and approximate search against brute force (l2,
 * cosine, inner product), budgets and snapshots of the shared store, tombstones, their purge and the
 * slots it frees, churn, optimize, filters, the flat copy, and out-of-memory at every allocation of an
 * insert. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hnsw_disk.h"
#include "vg_alloc.h"
#include "vg_compact.h"
#include "vg_hnsw_graph.h"
#include "vg_hnsw_heap.h"
#include "vg_hnsw_internal.h" /* one test edits a view's private nodes */
#include "vg_hnsw_map.h"
#include "vg_hnsw_node.h"
#include "vg_hnsw_options.h"
#include "vg_test.h"

static uint64_t rng = 0x2545f4914f6cdd1du;

static uint64_t next_random(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Values on a grid of 1/8 in [-2, 2), so float32 arithmetic on them is exact for small dims. */
static float grid_value(void) {
    return (float)((int)(next_random() % 32) - 16) / 8.0f;
}

static void test_map(void) {
    vg_hnsw_map m = {0};
    enum { N = 5000 };
    static int64_t keys[N];
    int ok = 1;
    for (int i = 0; i < N; i++) {
        keys[i] = (int64_t)(next_random() >> 1) - (int64_t)(i % 2 ? 0 : 4611686018427387904LL);
        ok &= vg_hnsw_map_put(&m, keys[i], (uint32_t)i) == 0;
    }
    CHECK(ok && m.count == N, "put %zu keys", m.count);
    for (int i = 0; i < N; i += 2) vg_hnsw_map_remove(&m, keys[i]);
    int found = 1;
    for (int i = 0; i < N; i++) {
        uint32_t want = i % 2 ? (uint32_t)i : VG_HNSW_NO_SLOT;
        found &= vg_hnsw_map_get(&m, keys[i]) == want;
    }
    CHECK(found && m.count == N / 2, "after removing every other key: count %zu", m.count);
    vg_hnsw_map_free(&m);
}

static void test_heap(void) {
    vg_hnsw_heap mn = {0}, mx = {0};
    mx.max = 1;
    for (uint32_t i = 0; i < 100; i++) {
        double d = (double)((i * 37) % 100);
        vg_hnsw_heap_push(&mn, d, i);
        vg_hnsw_heap_push(&mx, d, i);
    }
    int ordered = 1;
    double last_min = -1, last_max = 1000;
    for (int i = 0; i < 100; i++) {
        vg_hnsw_item a = vg_hnsw_heap_pop(&mn), b = vg_hnsw_heap_pop(&mx);
        ordered &= a.d > last_min && b.d < last_max;
        last_min = a.d;
        last_max = b.d;
    }
    CHECK(ordered && mn.count == 0, "heaps pop in order");
    vg_hnsw_heap_free(&mn);
    vg_hnsw_heap_free(&mx);
}

static void test_levels(void) {
    vg_hnsw_params p = {4, VG_HNSW_L2, 16, 100, 7, 16, VG_ELEM_F32, 0};
    int counts[VG_HNSW_MAX_LEVEL + 1] = {0}, same = 1;
    for (int64_t r = 0; r < 100000; r++) {
        int l = vg_hnsw_level_for(&p, r);
        counts[l]++;
        same &= l == vg_hnsw_level_for(&p, r);
    }
    CHECK(same, "the level of a rowid is reproducible");
    /* P(level >= 1) = 1/m = 6.25% */
    CHECK(counts[0] > 93000 && counts[0] < 94500, "level 0 holds %d of 100000", counts[0]);
    CHECK(counts[1] > 5400 && counts[1] < 6400, "level 1 holds %d", counts[1]);
}

static void rejects(int n, const char *const *args, const char *want) {
    vg_hnsw_params p;
    char err[VG_HNSW_ERR_LEN] = "";
    CHECK(vg_hnsw_parse_options(n, args, &p, err) != 0 && strstr(err, want), "'%s' lacks '%s'", err, want);
}

static void test_options(void) {
    const char *good[] = {" dimensions = 8 ", "metric='cosine'", "m=8", "ef_construction=\"50\"", "seed=3", "cache_mb=64"};
    vg_hnsw_params p;
    char err[VG_HNSW_ERR_LEN] = "";
    CHECK(vg_hnsw_parse_options(6, good, &p, err) == 0, "%s", err);
    CHECK(p.dims == 8 && p.metric == VG_HNSW_COSINE && p.m == 8 && p.ef_construction == 50 && p.seed == 3 &&
              p.cache_mb == 64,
          "parsed");
    const char *dims_only[] = {"dimensions=3"};
    CHECK(vg_hnsw_parse_options(1, dims_only, &p, err) == 0 && p.m == 16 && p.ef_construction == 200 &&
              p.metric == VG_HNSW_L2 && p.cache_mb == VG_HNSW_DEFAULT_CACHE_MB,
          "defaults");
    rejects(0, NULL, "dimensions=N is required");
    const char *bad_dims[] = {"dimensions=0"};
    rejects(1, bad_dims, "dimensions must be an integer from 1 to 65536, got '0'");
    const char *huge_dims[] = {"dimensions=99999999999999999999"};
    rejects(1, huge_dims, "dimensions must be an integer");
    const char *metric[] = {"dimensions=3", "metric=hamming"};
    rejects(2, metric, "unknown metric 'hamming' (expected l2, cosine or inner_product)");
    const char *unknown[] = {"dimensions=3", "efc=3"};
    rejects(2, unknown, "unknown option 'efc'");
    const char *twice[] = {"dimensions=3", "dimensions=4"};
    rejects(2, twice, "option 'dimensions' given twice");
    const char *novalue[] = {"dimensions"};
    rejects(1, novalue, "expected key=value, got 'dimensions'");
    const char *small_m[] = {"dimensions=3", "m=1"};
    rejects(2, small_m, "m must be an integer from 2 to 128");
    const char *cache[] = {"dimensions=3", "cache_mb=0"};
    rejects(2, cache, "cache_mb must be an integer from 1 to 1048576");
}

/* ---- an index over the test disk ---- */

typedef struct dataset {
    int n, dims;
    float *v;
} dataset;

static dataset make_data(int n, int dims) {
    dataset d = {n, dims, malloc((size_t)n * (size_t)dims * sizeof(float))};
    for (int i = 0; i < n * dims; i++) d.v[i] = grid_value();
    /* no zero vectors (cosine has no direction for them) */
    for (int i = 0; i < n; i++)
        if (d.v[(size_t)i * (size_t)dims] == 0.0f) d.v[(size_t)i * (size_t)dims] = 0.125f;
    return d;
}

static const float *vec_of(const dataset *d, int i) {
    return d->v + (size_t)i * (size_t)d->dims;
}

/* The index, its writer, and what the extension's rowid, tombstone and free-slot bookkeeping does for
 * row i (rowid 1000 + i). */
typedef struct index {
    vg_hnsw_params p;
    disk *d;
    vg_hnsw_store *store;
    disk_conn w;
    uint32_t *slot_of; /* row -> slot, VG_HNSW_NO_SLOT when deleted */
    int64_t *row_of;   /* slot -> row; -1 for a tombstone, -2 for a freed slot */
    uint32_t *tombs;   /* tombstone slots, any order */
    size_t n_tombs;
    uint32_t *free;    /* freed slots */
    size_t n_free;
    uint16_t cycle;    /* the purge cycle */
    int live;
} index;

/* How the indexes the tests open store their vectors (the tests of compact storage change it). */
static vg_elem storage_under_test = VG_ELEM_F32;

static void index_open(index *ix, const dataset *d, vg_hnsw_metric metric, int m, int efc, size_t budget) {
    memset(ix, 0, sizeof *ix);
    ix->p = (vg_hnsw_params){d->dims, metric, m, efc, 42, 16, storage_under_test, 0};
    ix->d = disk_new(&ix->p, vg_kernels_best());
    ix->store = vg_hnsw_store_new(&ix->p, 0, budget);
    disk_conn_open(&ix->w, ix->d, ix->store, &ix->p, vg_kernels_best());
    size_t room = (size_t)d->n * 3 + 16;
    ix->slot_of = malloc((size_t)d->n * sizeof *ix->slot_of);
    for (int i = 0; i < d->n; i++) ix->slot_of[i] = VG_HNSW_NO_SLOT;
    ix->row_of = malloc(room * sizeof *ix->row_of);
    ix->tombs = malloc(room * sizeof *ix->tombs);
    ix->free = malloc(room * sizeof *ix->free);
    ix->cycle = 1;
}

static void index_close(index *ix) {
    disk_conn_close(&ix->w);
    vg_hnsw_store_free(ix->store);
    disk_free(ix->d);
    free(ix->slot_of);
    free(ix->row_of);
    free(ix->tombs);
    free(ix->free);
}

/* Inserts row i into a freed slot when there is one, else a new slot (as the extension does). */
static int index_insert(index *ix, const dataset *d, int i) {
    vg_hnsw_view *v = ix->w.v;
    uint32_t slot = ix->n_free ? ix->free[ix->n_free - 1] : vg_hnsw_view_slots(v);
    unsigned char code[1024];
    const void *stored = vec_of(d, i);
    if (ix->p.storage != VG_ELEM_F32) {
        char err[VG_ERR_LEN];
        if (vg_compact_encode(ix->p.storage, vec_of(d, i), (size_t)d->dims, code, err) != 0) return -1;
        stored = code;
    }
    if (vg_hnsw_insert(v, slot, 1000 + i, stored, ix->live == 0) != VG_HNSW_OK) return -1;
    if (ix->n_free) ix->n_free--;
    ix->slot_of[i] = slot;
    ix->row_of[slot] = i;
    ix->live++;
    return 0;
}

static int index_delete(index *ix, int i) {
    uint32_t slot = ix->slot_of[i];
    if (vg_hnsw_tombstone(ix->w.v, slot, ix->cycle) != VG_HNSW_OK) return -1;
    ix->slot_of[i] = VG_HNSW_NO_SLOT;
    ix->row_of[slot] = -1;
    ix->tombs[ix->n_tombs++] = slot;
    ix->live--;
    return 0;
}

/* Row i takes the vector now in d (an UPDATE): a tombstone and a new node. */
static int index_update(index *ix, const dataset *d, int i) {
    return index_delete(ix, i) == 0 && index_insert(ix, d, i) == 0 ? 0 : -1;
}

/* A whole purge cycle at once, inside the writer's transaction, as the extension's purge passes the
 * slots: every node cleaned of its links to the tombstones made so far, but those tombstones (not the
 * entry point), whose links are kept reachable before they are freed. */
static int index_purge(index *ix) {
    vg_hnsw_view *v = ix->w.v;
    uint16_t next = (uint16_t)(ix->cycle + 1);
    int ok = 1;
    for (uint32_t s = 0; s < vg_hnsw_view_slots(v); s++) {
        if (ix->row_of[s] >= 0 || (ix->row_of[s] == -1 && s == vg_hnsw_view_entry(v)))
            ok &= vg_hnsw_clean(v, s, next, 0) == VG_HNSW_OK;
        else if (ix->row_of[s] == -1)
            ok &= vg_hnsw_before_free(v, s) == VG_HNSW_OK;
    }
    size_t kept = 0;
    for (size_t t = 0; t < ix->n_tombs; t++) {
        uint32_t s = ix->tombs[t];
        if (s == vg_hnsw_view_entry(v)) {
            ix->tombs[kept++] = s;
            continue;
        }
        ok &= disk_conn_free_slot(&ix->w, s) == 0;
        ix->row_of[s] = -2;
        ix->free[ix->n_free++] = s;
    }
    ix->n_tombs = kept;
    ix->cycle = next;
    return ok ? 0 : -1;
}

/* Inserts rows [from, to) in transactions of batch rows. */
static int index_fill(index *ix, const dataset *d, int from, int to, int batch) {
    int ok = 1;
    for (int i = from; i < to; i += batch) {
        disk_conn_write(&ix->w);
        for (int j = i; j < to && j < i + batch; j++) ok &= index_insert(ix, d, j) == 0;
        ok &= disk_conn_commit(&ix->w) == 0;
    }
    return ok;
}

/* optimize, as the extension runs it: the freed slots sorted; then its renumbering (live slots keep
 * their order) in the bookkeeping. */
static int index_optimize(index *ix) {
    uint32_t before = vg_hnsw_view_slots(ix->w.v), *free_sorted = malloc((ix->n_free + 1) * sizeof *free_sorted);
    size_t n = 0;
    for (uint32_t s = 0; s < before; s++)
        if (ix->row_of[s] == -2) free_sorted[n++] = s;
    disk_conn_write(&ix->w);
    int ok = vg_hnsw_optimize(ix->w.v, free_sorted, n) == VG_HNSW_OK;
    ok &= disk_conn_commit(&ix->w) == 0;
    free(free_sorted);
    uint32_t live = 0;
    for (uint32_t s = 0; s < before; s++) {
        if (ix->row_of[s] < 0) continue;
        ix->slot_of[ix->row_of[s]] = live;
        ix->row_of[live++] = ix->row_of[s];
    }
    ix->n_tombs = ix->n_free = 0;
    return ok ? 0 : -1;
}

/* The exact k nearest of q among the live rows (and allowed ones), by brute force. */
/* The distance compact storage should give, in double from the decoded vectors: float16 against the
 * float32 query; int8 between both vectors quantized; bit the Hamming distance of both signs. */
static double compact_oracle(const vg_hnsw_params *p, const float *q, const float *x) {
    size_t n = (size_t)p->dims;
    unsigned char cq[1024], cx[1024];
    float dq[256], dx[256];
    char err[VG_ERR_LEN];
    vg_compact_encode(p->storage, x, n, cx, err);
    if (p->storage == VG_ELEM_BIT) {
        vg_compact_encode(p->storage, q, n, cq, err);
        int bits = 0;
        for (size_t i = 0; i < (n + 7) / 8; i++)
            for (unsigned b = cq[i] ^ cx[i]; b; b >>= 1) bits += (int)(b & 1u);
        return bits;
    }
    vg_compact_decode(p->storage, cx, n, dx);
    if (p->storage == VG_ELEM_I8) {
        vg_compact_encode(p->storage, q, n, cq, err);
        vg_compact_decode(p->storage, cq, n, dq);
    } else {
        memcpy(dq, q, n * sizeof *q);
    }
    double l2 = 0, dot = 0, qq = 0, xx = 0;
    for (size_t i = 0; i < n; i++) {
        l2 += ((double)dq[i] - dx[i]) * ((double)dq[i] - dx[i]);
        dot += (double)dq[i] * dx[i];
        qq += (double)dq[i] * dq[i];
        xx += (double)dx[i] * dx[i];
    }
    if (p->metric == VG_HNSW_L2) return l2;
    if (p->metric == VG_HNSW_IP) return -dot;
    if (qq * xx <= 0) return 1.0;
    double c = 1.0 - dot / sqrt(qq * xx);
    return c < 0 ? 0 : c > 2 ? 2 : c;
}

static int brute_force(const index *ix, const dataset *d, const float *q, int k, const unsigned char *allowed,
                       vg_hnsw_hit *out) {
    int n = 0;
    for (int i = 0; i < d->n; i++) {
        if (ix->slot_of[i] == VG_HNSW_NO_SLOT || (allowed && !allowed[i])) continue;
        double dist = ix->p.storage == VG_ELEM_F32 ? vg_hnsw_distance(&ix->p, vg_kernels_best(), q, vec_of(d, i))
                                                   : compact_oracle(&ix->p, q, vec_of(d, i));
        vg_hnsw_hit h = {1000 + i, dist, ix->slot_of[i]};
        int j;
        if (n < k) j = n++;
        else if (h.distance < out[k - 1].distance) j = k - 1;
        else continue;
        while (j > 0 && out[j - 1].distance > h.distance) {
            out[j] = out[j - 1];
            j--;
        }
        out[j] = h;
    }
    return n;
}

/* How many of the hits match brute force's distances (so ties count as matches); compact storage's
 * float kernels against the double oracle within a relative 1e-4. */
static int matches(const vg_hnsw_hit *got, int n_got, const vg_hnsw_hit *want, int n_want) {
    int same = 0;
    double rel = storage_under_test == VG_ELEM_F32 ? 0 : 1e-4;
    for (int i = 0; i < n_got && i < n_want; i++)
        same += fabs(got[i].distance - want[i].distance) <= 1e-6 + rel * fabs(want[i].distance);
    return same;
}

static int same_hits(const vg_hnsw_hit *a, int na, const vg_hnsw_hit *b, int nb) {
    int same = na == nb;
    for (int i = 0; same && i < na; i++)
        same = a[i].rowid == b[i].rowid && a[i].distance == b[i].distance && a[i].slot == b[i].slot;
    return same;
}

/* A search through connection c (a reader), over its store. */
static vg_hnsw_rc search(disk_conn *c, const float *q, int k, int ef, const uint32_t *allowed, size_t n,
                         vg_hnsw_hit *out, int *n_out) {
    disk_conn_read(c);
    vg_hnsw_rc rc = vg_hnsw_search(c->v, q, k, ef, allowed, n, out, n_out);
    disk_conn_done(c);
    return rc;
}

/* Every link names a slot on a level it has (and, unless allowed, no live node links to a
 * tombstone), tombstones are where the bookkeeping says, and level 0 reaches every live node. */
static int graph_sound(disk_conn *c, const index *ix, int tomb_links_allowed) {
    disk_conn_read(c);
    vg_hnsw_view *v = c->v;
    uint32_t n = vg_hnsw_view_slots(v), entry = vg_hnsw_view_entry(v);
    int ok = entry != VG_HNSW_NO_SLOT;
    unsigned char *seen = calloc(n + 1, 1);
    uint32_t *queue = malloc((n + 1) * sizeof *queue);
    size_t head = 0, tail = 0, live_reached = 0, live = 0;
    vg_hnsw_layout L;
    vg_hnsw_layout_init(&L, &ix->p);
    for (uint32_t s = 0; s < n; s++) live += ix->row_of[s] >= 0;
    if (ok) {
        queue[tail++] = entry;
        seen[entry] = 1;
    }
    while (ok && head < tail) {
        uint32_t s = queue[head++];
        const vg_hnsw_node *node = vg_hnsw_view_node(v, s);
        if (!node) {
            ok = 0;
            break;
        }
        int tomb = (node->flags & VG_HNSW_NODE_TOMBSTONE) != 0;
        live_reached += !tomb;
        ok &= tomb == (ix->row_of[s] == -1);
        for (int l = 0; l <= node->level; l++) {
            const uint32_t *list = vg_hnsw_node_list(&L, node, l);
            for (uint32_t i = 1; i <= list[0]; i++) {
                const vg_hnsw_node *t = vg_hnsw_view_node(v, list[i]);
                ok &= t && t->level >= l && list[i] != s;
                if (t && !tomb_links_allowed && !tomb) ok &= !(t->flags & VG_HNSW_NODE_TOMBSTONE);
                if (l == 0 && !seen[list[i]]) {
                    seen[list[i]] = 1;
                    queue[tail++] = list[i];
                }
            }
        }
    }
    disk_conn_done(c);
    free(seen);
    free(queue);
    return ok && live_reached == live;
}

static void test_codec(void) {
    vg_hnsw_params p = {3, VG_HNSW_L2, 2, 10, 1, 16, VG_ELEM_F32, 0};
    vg_hnsw_layout L;
    vg_hnsw_layout_init(&L, &p);
    vg_hnsw_node *n = vg_hnsw_node_new(&L, 1, 5);
    float *v = (float *)(void *)vg_hnsw_node_code(n);
    v[0] = 1.5f, v[1] = -2.0f, v[2] = 0.25f;
    n->rowid = -42;
    n->flags = VG_HNSW_NODE_TOMBSTONE;
    uint32_t *l0 = vg_hnsw_node_list(&L, n, 0), *l1 = vg_hnsw_node_list(&L, n, 1);
    l0[0] = 3, l0[1] = 0, l0[2] = 7, l0[3] = 2;
    l1[0] = 1, l1[1] = 7;
    size_t len = vg_hnsw_node_blob_size(&L, n);
    CHECK(len == 12 + 12 + 4 + 12 + 4 + 4, "BLOB size %zu", len);
    unsigned char blob[64], bad[64];
    vg_hnsw_node_encode(&L, n, blob);
    vg_hnsw_blob b;
    char err[VG_HNSW_ERR_LEN] = "";
    vg_hnsw_node *back = NULL;
    CHECK(vg_hnsw_blob_parse(&L, blob, len, 5, 8, &b, err) == VG_HNSW_OK, "%s", err);
    CHECK(vg_hnsw_node_from_blob(&L, &b, 5, 0, vg_kernels_best(), &back, err) == VG_HNSW_OK, "%s", err);
    CHECK(back && back->rowid == -42 && back->level == 1 && back->flags == VG_HNSW_NODE_TOMBSTONE &&
              memcmp((float *)(void *)vg_hnsw_node_code(back), v, 12) == 0 && memcmp(vg_hnsw_node_list(&L, back, 0), l0, 16) == 0 &&
              memcmp(vg_hnsw_node_list(&L, back, 1), l1, 8) == 0,
          "a node round-trips through its BLOB");
    vg_hnsw_node_free(back);
    struct {
        size_t at;
        unsigned char byte;
        size_t len;
        uint32_t n_slots;
        const char *want;
    } cases[] = {
        {0, 0, 11, 8, "at least"},
        {8, 17, 0, 8, "level 17"},
        {9, 0x40, 0, 8, "unknown flags"},
        {24, 9, 0, 8, "more than the index allows"},
        {0, 0, len - 1, 8, "ends inside"},
        {0, 0, len - 5, 8, "ends before"},
        {0, 0, 0, 7, "links to slot 7 of 7"},
        {28, 5, 0, 8, "links to itself"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memcpy(bad, blob, len);
        if (!cases[i].len && cases[i].byte) bad[cases[i].at] = cases[i].byte;
        size_t n_bad = cases[i].len ? cases[i].len : len;
        err[0] = 0;
        CHECK(vg_hnsw_blob_parse(&L, bad, n_bad, 5, cases[i].n_slots, &b, err) == VG_HNSW_CORRUPT &&
                  strstr(err, cases[i].want),
              "case %zu: '%s' lacks '%s'", i, err, cases[i].want);
    }
    memcpy(bad, blob, len);
    bad[len] = 0;
    CHECK(vg_hnsw_blob_parse(&L, bad, len + 1, 5, 8, &b, err) == VG_HNSW_CORRUPT && strstr(err, "after its lists"),
          "trailing bytes: %s", err);
    memcpy(bad, blob, len);
    memset(bad + 12, 0xff, 4); /* a NaN */
    CHECK(vg_hnsw_blob_parse(&L, bad, len, 5, 8, &b, err) == VG_HNSW_OK &&
              vg_hnsw_node_from_blob(&L, &b, 5, 0, vg_kernels_best(), &back, err) == VG_HNSW_CORRUPT && !back &&
              strstr(err, "vector"),
          "a NaN in the vector: %s", err);
    vg_hnsw_node_free(n);
}

static void test_exact(vg_hnsw_metric metric) {
    dataset d = make_data(300, 8);
    index ix;
    index_open(&ix, &d, metric, 8, 100, 64u << 20);
    CHECK(index_fill(&ix, &d, 0, 300, 300), "built");
    disk_conn r;
    disk_conn_open(&r, ix.d, ix.store, &ix.p, vg_kernels_best());
    vg_hnsw_hit got[10], want[10];
    int exact = 1;
    for (int t = 0; t < 50; t++) {
        float q[8];
        for (int i = 0; i < 8; i++) q[i] = grid_value() + 0.0625f;
        int n = 0;
        exact &= search(&r, q, 10, 300, NULL, 0, got, &n) == VG_HNSW_OK;
        int nw = brute_force(&ix, &d, q, 10, NULL, want);
        exact &= n == 10 && matches(got, n, want, nw) == 10;
    }
    CHECK(exact, "metric %d, storage %s: ef_search >= n gives the exact top 10", (int)metric,
          vg_elem_name(storage_under_test));
    disk_conn_close(&r);
    index_close(&ix);
    free(d.v);
}

/* Recall of a reader, and the same answers from a store with a budget so small that it evicts most
 * nodes, and from a view with no store at all. */
static void test_recall_and_budget(void) {
    dataset d = make_data(3000, 16);
    index ix;
    index_open(&ix, &d, VG_HNSW_L2, 16, 200, 64u << 20);
    CHECK(index_fill(&ix, &d, 0, 3000, 500), "built in transactions of 500");
    vg_hnsw_store *tiny = vg_hnsw_store_new(&ix.p, vg_hnsw_store_generation(ix.store), 64 * 1024);
    disk_conn r, small, alone;
    disk_conn_open(&r, ix.d, ix.store, &ix.p, vg_kernels_best());
    disk_conn_open(&small, ix.d, tiny, &ix.p, vg_kernels_best());
    disk_conn_open(&alone, ix.d, NULL, &ix.p, vg_kernels_best());
    vg_hnsw_hit got[10], want[10], other[10];
    int hits = 0, same = 1;
    for (int t = 0; t < 100; t++) {
        float q[16];
        for (int i = 0; i < 16; i++) q[i] = grid_value();
        int n = 0, n2 = 0, n3 = 0;
        search(&r, q, 10, 64, NULL, 0, got, &n);
        hits += matches(got, n, want, brute_force(&ix, &d, q, 10, NULL, want));
        search(&small, q, 10, 64, NULL, 0, other, &n2);
        same &= same_hits(got, n, other, n2);
        search(&alone, q, 10, 64, NULL, 0, other, &n3);
        same &= same_hits(got, n, other, n3);
    }
    CHECK(hits >= 950, "recall@10 at ef_search 64 over 3000 points: %d/1000", hits);
    CHECK(same, "a 64 KiB budget and no store give the same answers as a roomy store");
    vg_hnsw_store_stats stats;
    vg_hnsw_store_stats_get(tiny, &stats);
    CHECK(stats.evictions > 0 && stats.node_bytes <= 64 * 1024, "the small store evicted (%llu) and holds %zu bytes",
          stats.evictions, stats.node_bytes);
    vg_hnsw_store_stats_get(ix.store, &stats);
    CHECK(stats.nodes == 3000 && stats.evictions == 0, "the roomy store holds every node (%zu)", stats.nodes);
    disk_conn_close(&r);
    disk_conn_close(&small);
    disk_conn_close(&alone);
    vg_hnsw_store_free(tiny);
    index_close(&ix);
    free(d.v);
}

/* rescore's originals kept beside shared nodes: every connection of the store sees one once kept, the
 * store's bytes count it, a changed node drops it, a write transaction's own nodes never take one,
 * and a full store keeps none past its budget. */
static void test_originals(void) {
    dataset d = make_data(300, 8);
    index ix;
    index_open(&ix, &d, VG_HNSW_L2, 8, 50, 64u << 20);
    index_fill(&ix, &d, 0, 300, 300);
    disk_conn a, b;
    disk_conn_open(&a, ix.d, ix.store, &ix.p, vg_kernels_best());
    disk_conn_open(&b, ix.d, ix.store, &ix.p, vg_kernels_best());
    vg_hnsw_hit got[5];
    int n = 0;
    search(&a, vec_of(&d, 7), 5, 50, NULL, 0, got, &n);
    uint32_t slot = ix.slot_of[7];
    float values[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    vg_hnsw_store_stats before, after;
    vg_hnsw_store_stats_get(ix.store, &before);
    disk_conn_read(&a);
    const float *none = vg_hnsw_view_original(a.v, slot);
    vg_hnsw_view_keep_original(a.v, slot, 1007 + 1, values); /* another row's: not taken */
    const float *still = vg_hnsw_view_original(a.v, slot);
    vg_hnsw_view_keep_original(a.v, slot, 1007, values);
    disk_conn_done(&a);
    CHECK(n == 5 && got[0].slot == slot && !none && !still, "no original before one is kept, nor for another rowid");
    vg_hnsw_store_stats_get(ix.store, &after);
    CHECK(after.node_bytes == before.node_bytes + sizeof values, "the store counts the kept original (%zu -> %zu)",
          before.node_bytes, after.node_bytes);
    disk_conn_read(&b);
    const float *seen = vg_hnsw_view_original(b.v, slot);
    disk_conn_done(&b);
    CHECK(seen && seen != values && memcmp(seen, values, sizeof values) == 0, "another connection sees a copy");
    /* the writer's own node (a private copy) neither shows nor takes one */
    disk_conn_write(&ix.w);
    CHECK(vg_hnsw_set_rowid(ix.w.v, slot, 1007) == VG_HNSW_OK, "the row's node changed in a transaction");
    const float *own = vg_hnsw_view_original(ix.w.v, slot);
    vg_hnsw_view_keep_original(ix.w.v, slot, 1007, values);
    CHECK(!own && !vg_hnsw_view_original(ix.w.v, slot), "a transaction's own node has no original");
    CHECK(disk_conn_commit(&ix.w) == 0, "committed");
    search(&b, vec_of(&d, 7), 5, 50, NULL, 0, got, &n);
    disk_conn_read(&b);
    const float *after_change = vg_hnsw_view_original(b.v, slot);
    disk_conn_done(&b);
    CHECK(n == 5 && got[0].slot == slot && !after_change, "the committed change dropped the kept original");
    /* a store at its budget keeps no original past it */
    vg_hnsw_store *tiny = vg_hnsw_store_new(&ix.p, vg_hnsw_store_generation(ix.store), 16 * 1024);
    disk_conn t;
    disk_conn_open(&t, ix.d, tiny, &ix.p, vg_kernels_best());
    for (int i = 0; i < 300; i += 3) {
        search(&t, vec_of(&d, i), 5, 50, NULL, 0, got, &n);
        disk_conn_read(&t);
        for (int j = 0; j < n; j++) vg_hnsw_view_keep_original(t.v, got[j].slot, got[j].rowid, values);
        disk_conn_done(&t);
    }
    vg_hnsw_store_stats_get(tiny, &after);
    CHECK(after.node_bytes <= 16 * 1024, "a 16 KiB store stays within it with originals (%zu bytes)", after.node_bytes);
    disk_conn_close(&t);
    vg_hnsw_store_free(tiny);
    disk_conn_close(&a);
    disk_conn_close(&b);
    index_close(&ix);
    free(d.v);
}

/* A reader of an older snapshot keeps seeing it: nodes read at a later generation are not its. */
static void test_snapshots(void) {
    dataset d = make_data(200, 4);
    index ix;
    index_open(&ix, &d, VG_HNSW_L2, 4, 50, 64u << 20);
    index_fill(&ix, &d, 0, 100, 100);
    disk_conn old, now;
    disk_conn_open(&old, ix.d, ix.store, &ix.p, vg_kernels_best());
    disk_conn_open(&now, ix.d, ix.store, &ix.p, vg_kernels_best());
    disk_conn_read(&old); /* the old snapshot, kept in old.ver */
    disk_conn_done(&old);
    /* delete half, add the other 100 rows */
    disk_conn_write(&ix.w);
    int ok = 1;
    for (int i = 0; i < 100; i += 2) ok &= index_delete(&ix, i) == 0;
    for (int i = 100; i < 200; i++) ok &= index_insert(&ix, &d, i) == 0;
    ok &= disk_conn_commit(&ix.w) == 0;
    CHECK(ok, "changes committed");
    vg_hnsw_hit got[100];
    int n = 0, only_old = 1, only_new = 1;
    /* the new reader first, so the store fills with the new generation's nodes */
    search(&now, vec_of(&d, 150), 100, 400, NULL, 0, got, &n);
    for (int i = 0; i < n; i++) only_new &= got[i].rowid >= 1100 || got[i].rowid % 2 == 1;
    CHECK(n == 100 && only_new, "the new snapshot: %d rows, none deleted", n);
    vg_hnsw_view_snapshot(old.v, disk_gen(old.ver), disk_slots(old.ver), disk_entry(old.ver));
    vg_hnsw_view_begin(old.v);
    vg_hnsw_search(old.v, vec_of(&d, 150), 100, 400, NULL, 0, got, &n);
    vg_hnsw_view_end(old.v);
    for (int i = 0; i < n; i++) only_old &= got[i].rowid < 1100;
    CHECK(n == 100 && only_old, "the old snapshot: its 100 rows, none of the new");
    disk_conn_close(&old);
    disk_conn_close(&now);
    index_close(&ix);
    free(d.v);
}

/* Deletes (tombstones), updates (a tombstone and a new node) and inserts, with small m, and now and
 * then a purge cycle that frees the tombstones' slots for later inserts: every live row stays
 * reachable and finds itself; searches return only live rows, and k of them. Then optimize. */
static void test_churn(void) {
    enum { N = 3000, DIMS = 12 };
    dataset d = make_data(N, DIMS);
    index ix;
    index_open(&ix, &d, VG_HNSW_L2, 4, 100, 64u << 20);
    index_fill(&ix, &d, 0, N / 2, 250);
    static int order[N];
    for (int i = 0; i < N / 2; i++) order[i] = i;
    for (int i = N / 2 - 1; i > 0; i--) {
        int j = (int)(next_random() % (uint64_t)(i + 1)), t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    int ok = 1, next_new = N / 2;
    for (int i = 0; i < N / 2; i++) {
        if (i % 50 == 0) disk_conn_write(&ix.w);
        int r = order[i];
        switch (next_random() % 3) {
        case 0: ok &= index_delete(&ix, r) == 0; break;
        case 1:
            for (int k = 0; k < DIMS; k++) d.v[(size_t)r * DIMS + (size_t)k] = grid_value();
            ok &= index_update(&ix, &d, r) == 0;
            break;
        default: ok &= index_delete(&ix, r) == 0 && index_insert(&ix, &d, next_new++) == 0; break;
        }
        if (i % 250 == 249) ok &= index_purge(&ix) == 0;
        if (i % 50 == 49) ok &= disk_conn_commit(&ix.w) == 0;
    }
    CHECK(ok, "deletes, updates, inserts and purges succeed");
    CHECK(ix.n_free > 0 && vg_hnsw_view_slots(ix.w.v) < (uint32_t)(N / 2 + N / 2 * 2 / 3),
          "inserts took freed slots: %u slots for %d rows, %zu free", vg_hnsw_view_slots(ix.w.v), ix.live, ix.n_free);
    disk_conn r;
    disk_conn_open(&r, ix.d, ix.store, &ix.p, vg_kernels_best());
    CHECK(graph_sound(&r, &ix, 1), "m=4: links sound (none to a freed slot), level 0 reaches every live row");
    int lost = 0, live_only = 1, full = 1;
    vg_hnsw_hit got[10];
    for (int i = 0; i < N; i++) {
        if (ix.slot_of[i] == VG_HNSW_NO_SLOT) continue;
        int n = 0, found = 0;
        search(&r, vec_of(&d, i), 10, 200, NULL, 0, got, &n);
        for (int j = 0; j < n; j++) {
            found |= got[j].rowid == 1000 + i;
            live_only &= ix.slot_of[got[j].rowid - 1000] != VG_HNSW_NO_SLOT;
        }
        full &= n == (ix.live < 10 ? ix.live : 10);
        lost += !found;
    }
    CHECK(lost == 0, "m=4: every live row finds itself at ef_search 200 (%d lost)", lost);
    CHECK(live_only && full, "only live rows, and 10 of them");
    int live = ix.live;
    CHECK(index_optimize(&ix) == 0, "optimize");
    CHECK(vg_hnsw_view_slots(ix.w.v) == (uint32_t)live, "optimize left %u slots for %d live rows",
          vg_hnsw_view_slots(ix.w.v), live);
    CHECK(graph_sound(&r, &ix, 0), "after optimize: no links to tombstones, level 0 reaches every row");
    lost = 0;
    for (int i = 0; i < N; i++) {
        if (ix.slot_of[i] == VG_HNSW_NO_SLOT) continue;
        int n = 0;
        search(&r, vec_of(&d, i), 1, 64, NULL, 0, got, &n);
        lost += !(n == 1 && got[0].rowid == 1000 + i);
    }
    CHECK(lost == 0, "after optimize every row is its own nearest neighbour at k=1 (%d lost)", lost);
    disk_conn_close(&r);
    index_close(&ix);
    free(d.v);
}

/* A node whose one in-link comes from a node that is then deleted: when the purge frees that
 * tombstone, the node is linked again from a live node near it, so it is still reached and found. */
static void test_last_link_from_tombstone(void) {
    enum { N = 400, DIMS = 8 };
    dataset d = make_data(N, DIMS);
    index ix;
    index_open(&ix, &d, VG_HNSW_L2, 8, 100, 64u << 20);
    int ok = index_fill(&ix, &d, 0, N, N);
    disk_conn_write(&ix.w);
    vg_hnsw_view *v = ix.w.v;
    /* a row x on level 0 keeps one in-link, from t, its nearest neighbour; every other goes */
    int row = 0;
    while (vg_hnsw_level_for(&ix.p, 1000 + row) != 0) row++;
    uint32_t x = ix.slot_of[row], t = VG_HNSW_NO_SLOT, entry = vg_hnsw_view_entry(v);
    const vg_hnsw_node *xn = vg_hnsw_view_node(v, x);
    ok &= xn && xn->level == 0 && x != entry;
    if (ok) t = vg_hnsw_node_list(&v->L, xn, 0)[1];
    ok &= t != VG_HNSW_NO_SLOT && t != entry;
    for (uint32_t s = 0; ok && s < vg_hnsw_view_slots(v); s++) {
        vg_hnsw_node *n = vg_hnsw_get_mut(v, s);
        ok &= n != NULL;
        for (int l = 0; ok && l <= n->level; l++) {
            uint32_t *list = vg_hnsw_node_list(&v->L, n, l), kept = 0;
            for (uint32_t i = 1; i <= list[0]; i++)
                if (list[i] != x || s == t) list[1 + kept++] = list[i];
            if (s == t && l == 0 && kept == list[0] && kept < (uint32_t)v->L.m0) list[1 + kept++] = x;
            list[0] = kept;
        }
    }
    ok &= disk_conn_commit(&ix.w) == 0;
    CHECK(ok, "row %d (slot %u) keeps one in-link, from slot %u", row, x, t);
    disk_conn r;
    disk_conn_open(&r, ix.d, ix.store, &ix.p, vg_kernels_best());
    CHECK(graph_sound(&r, &ix, 1), "before the delete, row %d is reached through it", row);
    disk_conn_write(&ix.w);
    ok &= index_delete(&ix, (int)ix.row_of[t]) == 0 && vg_hnsw_before_free(v, t) == VG_HNSW_OK;
    int live_in = 0;
    for (uint32_t s = 0; ok && s < vg_hnsw_view_slots(v); s++) {
        const vg_hnsw_node *n = vg_hnsw_view_node(v, s);
        const uint32_t *list = vg_hnsw_node_list(&v->L, n, 0);
        for (uint32_t i = 1; i <= list[0]; i++) live_in += list[i] == x && !(n->flags & VG_HNSW_NODE_TOMBSTONE);
    }
    CHECK(ok && live_in == 1, "before its tombstone in-link is freed, a live node links to row %d (%d)", row, live_in);
    ok &= index_purge(&ix) == 0 && index_purge(&ix) == 0;
    ok &= disk_conn_commit(&ix.w) == 0;
    CHECK(ok && ix.row_of[t] == -2, "the tombstone of its in-link is freed");
    CHECK(graph_sound(&r, &ix, 0), "level 0 still reaches every live row, row %d too", row);
    vg_hnsw_hit got[1];
    int n = 0;
    search(&r, vec_of(&d, row), 1, 64, NULL, 0, got, &n);
    CHECK(n == 1 && got[0].rowid == 1000 + row, "row %d is its own nearest neighbour (%d hits)", row, n);
    disk_conn_close(&r);
    index_close(&ix);
    free(d.v);
}

/* Deleting everything leaves an index of tombstones that returns nothing and takes new rows. */
static void test_delete_all(void) {
    dataset d = make_data(60, 4);
    index ix;
    index_open(&ix, &d, VG_HNSW_COSINE, 4, 50, 64u << 20);
    index_fill(&ix, &d, 0, 50, 50);
    disk_conn_write(&ix.w);
    int ok = 1;
    for (int i = 0; i < 50; i++) ok &= index_delete(&ix, i) == 0;
    ok &= disk_conn_commit(&ix.w) == 0;
    disk_conn r;
    disk_conn_open(&r, ix.d, ix.store, &ix.p, vg_kernels_best());
    vg_hnsw_hit got[10];
    int n = -1;
    search(&r, vec_of(&d, 3), 10, 64, NULL, 0, got, &n);
    CHECK(ok && n == 0, "an index of tombstones returns nothing (%d)", n);
    ok &= index_fill(&ix, &d, 50, 60, 10);
    search(&r, vec_of(&d, 55), 10, 64, NULL, 0, got, &n);
    int fresh = n == 10;
    for (int i = 0; i < n; i++) fresh &= got[i].rowid >= 1050;
    CHECK(ok && fresh, "new rows among tombstones are found (%d)", n);
    disk_conn_close(&r);
    index_close(&ix);
    free(d.v);
}

static void test_filter(void) {
    dataset d = make_data(2000, 8);
    index ix;
    index_open(&ix, &d, VG_HNSW_L2, 8, 100, 64u << 20);
    index_fill(&ix, &d, 0, 2000, 1000);
    disk_conn r;
    disk_conn_open(&r, ix.d, ix.store, &ix.p, vg_kernels_best());
    static unsigned char allowed[2000];
    uint32_t small[20], large[1000];
    vg_hnsw_hit got[10], want[10];
    int exact_small = 1, hits_large = 0;
    for (int t = 0; t < 20; t++) {
        float q[8];
        for (int i = 0; i < 8; i++) q[i] = grid_value() + 0.0625f;
        int n = 0;
        memset(allowed, 0, sizeof allowed);
        for (int i = 0; i < 20; i++) {
            small[i] = ix.slot_of[97 * i];
            allowed[97 * i] = 1;
        }
        search(&r, q, 10, 64, small, 20, got, &n);
        exact_small &= n == 10 && matches(got, n, want, brute_force(&ix, &d, q, 10, allowed, want)) == 10;
        for (int i = 0; i < n; i++) exact_small &= allowed[got[i].rowid - 1000];
        memset(allowed, 0, sizeof allowed);
        for (int i = 0; i < 1000; i++) {
            large[i] = ix.slot_of[2 * i];
            allowed[2 * i] = 1;
        }
        search(&r, q, 10, 64, large, 1000, got, &n);
        int nw = brute_force(&ix, &d, q, 10, allowed, want);
        for (int i = 0; i < n; i++) hits_large += allowed[got[i].rowid - 1000] ? 0 : -100;
        hits_large += matches(got, n, want, nw);
    }
    CHECK(exact_small, "a small allowed set gives the exact top 10 among it");
    CHECK(hits_large >= 190, "a large allowed set: recall %d/200, only allowed rows", hits_large);
    disk_conn_close(&r);
    index_close(&ix);
    free(d.v);
}

/* Exact search from a flat copy equals brute force, also after changes it must not answer for. */
static void test_flat(void) {
    dataset d = make_data(500, 6);
    index ix;
    index_open(&ix, &d, VG_HNSW_IP, 6, 50, 64u << 20);
    index_fill(&ix, &d, 0, 400, 400);
    disk_conn r;
    disk_conn_open(&r, ix.d, ix.store, &ix.p, vg_kernels_best());
    /* the flat copy of the current generation, as the extension builds it from the nodes */
    disk_conn_read(&r);
    vg_hnsw_flat *f = vg_hnsw_flat_new(&ix.p, vg_hnsw_view_slots(r.v), vg_hnsw_view_generation(r.v));
    for (uint32_t s = 0; s < vg_hnsw_view_slots(r.v); s++) {
        const vg_hnsw_node *n = vg_hnsw_view_node(r.v, s);
        vg_hnsw_flat_set(f, s, n);
    }
    CHECK(vg_hnsw_flat_finish(f) == VG_HNSW_OK && vg_hnsw_store_put_flat(ix.store, f), "flat copy taken");
    CHECK(vg_hnsw_flat_find(f, 1000 + 17) == ix.slot_of[17] && vg_hnsw_flat_find(f, 5) == VG_HNSW_NO_SLOT,
          "the flat copy maps rowids to slots");
    disk_conn_done(&r);
    /* then changes: deletes, updates, inserts */
    disk_conn_write(&ix.w);
    int ok = 1;
    for (int i = 0; i < 20; i++) ok &= index_delete(&ix, 3 * i) == 0;
    for (int i = 1; i < 200; i += 13) {
        if (ix.slot_of[i] == VG_HNSW_NO_SLOT) continue;
        for (int k = 0; k < 6; k++) d.v[(size_t)i * 6 + (size_t)k] = grid_value();
        ok &= index_update(&ix, &d, i) == 0;
    }
    for (int i = 400; i < 420; i++) ok &= index_insert(&ix, &d, i) == 0;
    ok &= disk_conn_commit(&ix.w) == 0;
    CHECK(ok, "changes committed");
    int exact = 1, used_flat = 1;
    vg_hnsw_hit got[10], want[10];
    for (int t = 0; t < 30; t++) {
        float q[6];
        for (int i = 0; i < 6; i++) q[i] = grid_value();
        disk_conn_read(&r);
        uint32_t *skip;
        size_t n_skip;
        vg_hnsw_rc rc;
        const vg_hnsw_flat *flat = vg_hnsw_view_flat(r.v, &skip, &n_skip, &rc);
        used_flat &= flat == f && n_skip > 0;
        int n = 0;
        exact &= vg_hnsw_search_exact(r.v, flat, skip, n_skip, q, 10, NULL, 0, got, &n) == VG_HNSW_OK;
        vg_free(skip);
        disk_conn_done(&r);
        int nw = brute_force(&ix, &d, q, 10, NULL, want);
        exact &= n == nw && matches(got, n, want, nw) == 10;
    }
    CHECK(used_flat, "the flat copy of the older generation answers, skipping the changed slots");
    CHECK(exact, "exact search over flat copy and changed nodes equals brute force");
    disk_conn_close(&r);
    index_close(&ix);
    free(d.v);
}

/* An insert that runs out of memory at any allocation fails with VG_HNSW_NOMEM and leaks nothing
 * (ASan's leak check runs over the whole unit test binary). */
static void test_oom(void) {
    dataset d = make_data(120, 4);
    int failures = 0, bad = 0, done = 0;
    for (long at = 0; at < 2000 && !done; at++) {
        index ix;
        index_open(&ix, &d, VG_HNSW_L2, 4, 20, 64u << 20);
        index_fill(&ix, &d, 0, 100, 100);
        disk_conn_write(&ix.w);
        vg_test_fail_alloc_after(at);
        vg_hnsw_rc rc = vg_hnsw_insert(ix.w.v, vg_hnsw_view_slots(ix.w.v), 5000, vec_of(&d, 110), 0);
        vg_test_fail_alloc_after(-1);
        failures += rc == VG_HNSW_NOMEM;
        bad += rc != VG_HNSW_NOMEM && rc != VG_HNSW_OK;
        done = rc == VG_HNSW_OK;
        vg_hnsw_view_txn_end(ix.w.v, 0);
        disk_conn_done(&ix.w);
        index_close(&ix);
    }
    CHECK(done && failures >= 5 && bad == 0, "an insert under failing allocations: %d NOMEM, %d other, then OK",
          failures, bad);
    free(d.v);
}

void test_hnsw(void) {
    test_map();
    test_heap();
    test_levels();
    test_options();
    test_codec();
    test_exact(VG_HNSW_L2);
    test_exact(VG_HNSW_COSINE);
    test_exact(VG_HNSW_IP);
    test_recall_and_budget();
    test_snapshots();
    test_churn();
    test_last_link_from_tombstone();
    test_delete_all();
    test_filter();
    test_flat();
    test_oom();
    /* compact storage (last: the tests above keep their random streams): the graph over float16, int8
     * and bit vectors, against the oracle of each */
    for (vg_elem t = VG_ELEM_F16; t <= VG_ELEM_BIT; t++) {
        storage_under_test = t;
        test_exact(VG_HNSW_L2);
        if (t != VG_ELEM_BIT) test_exact(VG_HNSW_COSINE);
        if (t != VG_ELEM_BIT) test_exact(VG_HNSW_IP);
    }
    storage_under_test = VG_ELEM_F32;
    test_originals();
}
