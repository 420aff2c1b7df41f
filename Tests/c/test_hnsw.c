/* Unit tests of the HNSW graph: rowid map, heaps, level generator, options, neighbour-list codec,
 * exactness against brute force (l2, cosine, inner product), recall, deletion with repair,
 * reachability under heavy churn, filters. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vg_hnsw_codec.h"
#include "vg_hnsw_graph.h"
#include "vg_hnsw_heap.h"
#include "vg_hnsw_map.h"
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
    vg_hnsw_params p = {4, VG_HNSW_L2, 16, 100, 7};
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
    const char *good[] = {" dimensions = 8 ", "metric='cosine'", "m=8", "ef_construction=\"50\"", "seed=3"};
    vg_hnsw_params p;
    char err[VG_HNSW_ERR_LEN] = "";
    CHECK(vg_hnsw_parse_options(5, good, &p, err) == 0, "%s", err);
    CHECK(p.dims == 8 && p.metric == VG_HNSW_COSINE && p.m == 8 && p.ef_construction == 50 && p.seed == 3, "parsed");
    const char *dims_only[] = {"dimensions=3"};
    CHECK(vg_hnsw_parse_options(1, dims_only, &p, err) == 0 && p.m == 16 && p.ef_construction == 200 &&
              p.metric == VG_HNSW_L2,
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
}

typedef struct dataset {
    int n, dims;
    float *v;
} dataset;

static dataset make_data(int n, int dims) {
    dataset d = {n, dims, malloc((size_t)n * (size_t)dims * sizeof(float))};
    for (int i = 0; i < n * dims; i++) d.v[i] = grid_value();
    /* no zero vectors (cosine has no direction for them) */
    for (int i = 0; i < n; i++) d.v[(size_t)i * (size_t)dims] = d.v[(size_t)i * (size_t)dims] == 0.0f ? 0.125f : d.v[(size_t)i * (size_t)dims];
    return d;
}

static vg_hnsw_graph *build(const dataset *d, vg_hnsw_metric metric, int m, int efc) {
    vg_hnsw_params p = {d->dims, metric, m, efc, 42};
    vg_hnsw_graph *g = vg_hnsw_graph_new(&p, vg_kernels_best());
    int ok = 1;
    for (int i = 0; i < d->n; i++) {
        ok &= vg_hnsw_insert(g, 1000 + i, d->v + (size_t)i * (size_t)d->dims) == VG_HNSW_OK;
        vg_hnsw_dirty_clear(g);
    }
    CHECK(ok && vg_hnsw_count(g) == (size_t)d->n, "built %zu nodes", vg_hnsw_count(g));
    return g;
}

/* The exact k nearest of q among the live rows (alive[i] != 0, or all when alive is NULL). */
static int brute_force(const vg_hnsw_graph *g, const dataset *d, const float *q, int k, const unsigned char *alive,
                       vg_hnsw_hit *out) {
    int n = 0;
    for (int i = 0; i < d->n; i++) {
        if (alive && !alive[i]) continue;
        vg_hnsw_hit h = {1000 + i, vg_hnsw_distance(g, q, d->v + (size_t)i * (size_t)d->dims)};
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

/* How many of the k hits match brute force's distances (so ties count as matches). */
static int matches(const vg_hnsw_hit *got, int n_got, const vg_hnsw_hit *want, int n_want) {
    int same = 0;
    for (int i = 0; i < n_got && i < n_want; i++) same += fabs(got[i].distance - want[i].distance) <= 1e-6;
    return same;
}

static void test_exact(vg_hnsw_metric metric) {
    dataset d = make_data(300, 8);
    vg_hnsw_graph *g = build(&d, metric, 8, 100);
    vg_hnsw_hit got[10], want[10];
    int exact = 1;
    for (int t = 0; t < 50; t++) {
        float q[8];
        for (int i = 0; i < 8; i++) q[i] = grid_value() + 0.0625f;
        int n = 0;
        vg_hnsw_search(g, q, 10, 300, NULL, 0, got, &n);
        int nw = brute_force(g, &d, q, 10, NULL, want);
        exact &= n == 10 && matches(got, n, want, nw) == 10;
    }
    CHECK(exact, "metric %d: ef_search >= n gives the exact top 10", (int)metric);
    vg_hnsw_graph_free(g);
    free(d.v);
}

static void test_recall(void) {
    dataset d = make_data(3000, 16);
    vg_hnsw_graph *g = build(&d, VG_HNSW_L2, 16, 200);
    vg_hnsw_hit got[10], want[10];
    int hits = 0;
    for (int t = 0; t < 100; t++) {
        float q[16];
        for (int i = 0; i < 16; i++) q[i] = grid_value();
        int n = 0;
        vg_hnsw_search(g, q, 10, 64, NULL, 0, got, &n);
        hits += matches(got, n, want, brute_force(g, &d, q, 10, NULL, want));
    }
    CHECK(hits >= 950, "recall@10 at ef_search 64 over 3000 points: %d/1000", hits);
    vg_hnsw_graph_free(g);
    free(d.v);
}

/* Every link points at a live node on a level it has, and level 0 reaches every node from the entry. */
static int graph_sound(const vg_hnsw_graph *g, const dataset *d, const unsigned char *alive) {
    int ok = 1;
    int64_t entry;
    if (!vg_hnsw_entry(g, &entry)) return vg_hnsw_count(g) == 0;
    unsigned char *seen = calloc((size_t)d->n, 1);
    int *queue = malloc((size_t)d->n * sizeof(int)), head = 0, tail = 0, reached = 1;
    queue[tail++] = (int)(entry - 1000);
    seen[entry - 1000] = 1;
    while (head < tail) {
        int64_t r = 1000 + queue[head++];
        for (int l = 0; l <= vg_hnsw_level(g, r); l++) {
            for (int i = 0; i < vg_hnsw_link_count(g, r, l); i++) {
                int64_t t = vg_hnsw_link(g, r, l, i);
                int idx = (int)(t - 1000);
                ok &= alive[idx] && vg_hnsw_level(g, t) >= l && t != r;
                if (l == 0 && !seen[idx]) {
                    seen[idx] = 1;
                    reached++;
                    queue[tail++] = idx;
                }
            }
        }
    }
    ok &= reached == (int)vg_hnsw_count(g);
    free(seen);
    free(queue);
    return ok;
}

static void test_delete(void) {
    dataset d = make_data(400, 8);
    vg_hnsw_graph *g = build(&d, VG_HNSW_L2, 8, 100);
    unsigned char alive[400];
    memset(alive, 1, sizeof alive);
    int64_t entry;
    vg_hnsw_entry(g, &entry);
    CHECK(vg_hnsw_delete(g, entry) == VG_HNSW_OK, "delete the entry point");
    alive[entry - 1000] = 0;
    for (int i = 0; i < 400; i += 3) {
        if (!alive[i]) continue;
        CHECK(vg_hnsw_delete(g, 1000 + i) == VG_HNSW_OK, "delete %d", 1000 + i);
        alive[i] = 0;
    }
    int dirty_live = 1;
    for (size_t i = 0; i < vg_hnsw_dirty_count(g); i++) dirty_live &= alive[vg_hnsw_dirty_rowid(g, i) - 1000];
    CHECK(dirty_live && vg_hnsw_dirty_count(g) > 0, "dirty nodes are live ones");
    CHECK(vg_hnsw_delete(g, 1000) == VG_HNSW_MISSING, "deleting a missing rowid");
    CHECK(graph_sound(g, &d, alive), "no dangling links, level 0 connected after deletions");
    vg_hnsw_hit got[10], want[10];
    int exact = 1;
    for (int t = 0; t < 30; t++) {
        float q[8];
        for (int i = 0; i < 8; i++) q[i] = grid_value() + 0.0625f;
        int n = 0;
        vg_hnsw_search(g, q, 10, 400, NULL, 0, got, &n);
        exact &= matches(got, n, want, brute_force(g, &d, q, 10, alive, want)) == 10;
    }
    CHECK(exact, "exact top 10 after deletions");
    /* delete the rest: the graph empties cleanly, then takes new nodes */
    for (int i = 0; i < 400; i++)
        if (alive[i]) vg_hnsw_delete(g, 1000 + i);
    CHECK(vg_hnsw_count(g) == 0 && !vg_hnsw_entry(g, &entry), "empty after deleting everything");
    CHECK(vg_hnsw_insert(g, 5, d.v) == VG_HNSW_OK && vg_hnsw_insert(g, 5, d.v) == VG_HNSW_EXISTS, "reuse");
    vg_hnsw_graph_free(g);
    free(d.v);
}

/* Small m, heavy churn: half the rows deleted or re-inserted with a new vector (an UPDATE) in a
 * seeded random order. Every live node must stay reachable on level 0 and find itself. */
static void test_churn(void) {
    enum { N = 2000, DIMS = 12 };
    dataset d = make_data(N, DIMS);
    vg_hnsw_graph *g = build(&d, VG_HNSW_L2, 4, 100);
    static unsigned char alive[N];
    static int order[N];
    memset(alive, 1, sizeof alive);
    for (int i = 0; i < N; i++) order[i] = i;
    for (int i = N - 1; i > 0; i--) {
        int j = (int)(next_random() % (uint64_t)(i + 1)), t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    int ok = 1;
    for (int i = 0; i < N / 2; i++) {
        int r = order[i];
        ok &= vg_hnsw_delete(g, 1000 + r) == VG_HNSW_OK;
        if (next_random() % 2) {
            alive[r] = 0;
            continue;
        }
        float *v = d.v + (size_t)r * DIMS;
        for (int k = 0; k < DIMS; k++) v[k] = grid_value();
        ok &= vg_hnsw_insert(g, 1000 + r, v) == VG_HNSW_OK;
    }
    CHECK(ok, "deletes and re-inserts succeed");
    CHECK(graph_sound(g, &d, alive), "m=4: level 0 connected after heavy churn");
    int lost = 0;
    vg_hnsw_hit got[10];
    for (int i = 0; i < N; i++) {
        if (!alive[i]) continue;
        int n = 0, found = 0;
        vg_hnsw_search(g, d.v + (size_t)i * DIMS, 10, 200, NULL, 0, got, &n);
        for (int j = 0; j < n; j++) found |= got[j].rowid == 1000 + i;
        lost += !found;
    }
    CHECK(lost == 0, "m=4: every live node finds itself at ef_search 200 (%d lost)", lost);
    vg_hnsw_graph_free(g);
    free(d.v);
}

static void test_filter(void) {
    dataset d = make_data(2000, 8);
    vg_hnsw_graph *g = build(&d, VG_HNSW_L2, 8, 100);
    static unsigned char alive[2000];
    static int64_t small[20], large[1000];
    for (int i = 0; i < 20; i++) small[i] = 1000 + 97 * i;
    for (int i = 0; i < 1000; i++) large[i] = 1000 + 2 * i;
    vg_hnsw_hit got[10], want[10];
    int exact_small = 1, hits_large = 0;
    for (int t = 0; t < 20; t++) {
        float q[8];
        for (int i = 0; i < 8; i++) q[i] = grid_value() + 0.0625f;
        int n = 0;
        memset(alive, 0, sizeof alive);
        for (int i = 0; i < 20; i++) alive[small[i] - 1000] = 1;
        vg_hnsw_search(g, q, 10, 64, small, 20, got, &n);
        exact_small &= n == 10 && matches(got, n, want, brute_force(g, &d, q, 10, alive, want)) == 10;
        for (int i = 0; i < n; i++) exact_small &= alive[got[i].rowid - 1000];
        memset(alive, 0, sizeof alive);
        for (int i = 0; i < 1000; i++) alive[large[i] - 1000] = 1;
        vg_hnsw_search(g, q, 10, 64, large, 1000, got, &n);
        int nw = brute_force(g, &d, q, 10, alive, want);
        for (int i = 0; i < n; i++) hits_large += alive[got[i].rowid - 1000] ? 0 : -100;
        hits_large += matches(got, n, want, nw);
    }
    CHECK(exact_small, "a small allowed set gives the exact top 10 among it");
    CHECK(hits_large >= 190, "a large allowed set: recall %d/200, only allowed rows", hits_large);
    int n = 0;
    int64_t none[] = {7, 8};
    vg_hnsw_search(g, d.v, 10, 64, none, 2, got, &n);
    CHECK(n == 0, "allowed rowids absent from the index: no hits");
    vg_hnsw_graph_free(g);
    free(d.v);
}

/* Encode every node's lists, load them into a new graph: the same answers. */
static void test_codec_roundtrip(void) {
    dataset d = make_data(200, 4);
    vg_hnsw_graph *g = build(&d, VG_HNSW_COSINE, 4, 50);
    vg_hnsw_params p = {4, VG_HNSW_COSINE, 4, 50, 42};
    vg_hnsw_graph *h = vg_hnsw_graph_new(&p, vg_kernels_best());
    for (int i = 0; i < 200; i++) vg_hnsw_load_node(h, 1000 + i, vg_hnsw_level(g, 1000 + i), d.v + 4 * i);
    unsigned char blob[4096];
    int ok = 1;
    for (int i = 0; i < 200; i++) {
        int64_t r = 1000 + i;
        size_t n = vg_hnsw_links_encode(g, r, blob, sizeof blob);
        vg_hnsw_links_view view;
        char err[200];
        ok &= vg_hnsw_links_parse(blob, n, vg_hnsw_level(g, r), &p, &view, err) == 0;
        for (int l = 0; ok && l < view.levels; l++) {
            int64_t ids[64];
            for (int j = 0; j < view.count[l]; j++) ids[j] = vg_hnsw_links_id(blob, view.offset[l], j);
            ok &= vg_hnsw_load_links(h, r, l, ids, view.count[l]) == VG_HNSW_OK;
        }
        vg_hnsw_links_view bad;
        ok &= vg_hnsw_links_parse(blob, n - 1, vg_hnsw_level(g, r), &p, &bad, err) != 0;
    }
    int64_t entry;
    vg_hnsw_entry(g, &entry);
    ok &= vg_hnsw_load_entry(h, entry) == VG_HNSW_OK;
    CHECK(ok, "lists round-trip through the BLOB codec");
    vg_hnsw_hit a[5], b[5];
    int same = 1;
    for (int t = 0; t < 20; t++) {
        int na = 0, nb = 0;
        vg_hnsw_search(g, d.v + 4 * t, 5, 16, NULL, 0, a, &na);
        vg_hnsw_search(h, d.v + 4 * t, 5, 16, NULL, 0, b, &nb);
        same &= na == nb && memcmp(a, b, (size_t)na * sizeof a[0]) == 0;
    }
    CHECK(same, "a reloaded graph answers like the original");
    int64_t dangling[] = {99999};
    CHECK(vg_hnsw_load_links(h, 1000, 0, dangling, 1) == VG_HNSW_MISSING, "a dangling link is refused");
    vg_hnsw_graph_free(g);
    vg_hnsw_graph_free(h);
    free(d.v);
}

void test_hnsw(void) {
    test_map();
    test_heap();
    test_levels();
    test_options();
    test_exact(VG_HNSW_L2);
    test_exact(VG_HNSW_COSINE);
    test_exact(VG_HNSW_IP);
    test_recall();
    test_delete();
    test_churn();
    test_filter();
    test_codec_roundtrip();
}
