/* Unit tests of the local searches (vg_graph_local.h): on seeded random graphs with INTEGER and TEXT
 * ids, parallel edges, self-loops and zero weights, every traversal and shortest path run on the
 * part a search fetched gives exactly the rows of the same algorithm on the whole graph, whatever
 * order the lists come in; plus the budget, a failing fetch, the heap, and every allocation failing. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vg_graph_heap.h"
#include "vg_graph_local.h"
#include "vg_test.h"

typedef struct edge {
    int64_t s, d;
    double w;
} edge;

/* The fetch callback's source: an edge list scanned from a rotating offset, so each fetch reports its
 * rows in another order (as an index does: not sorted by the other end). TEXT ids are "n<int>". */
typedef struct edge_source {
    const edge *e;
    size_t n;
    int text;
    unsigned fetches;
    unsigned fail_at; /* the fetch number that fails with code 99; 0: none */
} edge_source;

/* The integer of a TEXT id "n<int>". */
static int64_t text_id(const char *text, size_t len) {
    char buf[32];
    if (len > sizeof buf - 1) len = sizeof buf - 1;
    memcpy(buf, text, len);
    buf[len] = 0;
    return strtoll(buf + 1, NULL, 10);
}

static int64_t id_of(const vg_graph_local *l, uint32_t u) {
    const vg_graph_ids *ids = &l->b.ids;
    return ids->type == VG_GRAPH_INT_IDS ? ids->ints[u] : text_id(ids->text + ids->text_off[u], ids->text_len[u]);
}

static int fetch_edges(void *ctx, vg_graph_local *l, uint32_t u, vg_graph_direction side) {
    edge_source *src = ctx;
    if (++src->fetches == src->fail_at) return 99;
    int64_t id = id_of(l, u);
    size_t rotate = src->n ? (src->fetches * 7919u) % src->n : 0;
    for (size_t i = 0; i < src->n; i++) {
        const edge *e = &src->e[(i + rotate) % src->n];
        if ((side == VG_GRAPH_REVERSE ? e->d : e->s) != id) continue;
        int64_t other = side == VG_GRAPH_REVERSE ? e->s : e->d;
        vg_graph_status st;
        if (src->text) {
            char name[32];
            int len = snprintf(name, sizeof name, "n%lld", (long long)other);
            st = vg_graph_local_add_text(l, u, side, name, (size_t)len, e->w);
        } else {
            st = vg_graph_local_add_int(l, u, side, other, e->w);
        }
        if (st != VG_GRAPH_OK) return 1;
    }
    return 0;
}

static vg_graph whole(const edge *e, size_t n, int text) {
    vg_graph_builder b;
    memset(&b, 0, sizeof b);
    b.weighted = 1;
    for (size_t i = 0; i < n; i++) {
        if (text) {
            char s[32], d[32];
            int sl = snprintf(s, sizeof s, "n%lld", (long long)e[i].s), dl = snprintf(d, sizeof d, "n%lld", (long long)e[i].d);
            vg_graph_add_text_edge(&b, s, (size_t)sl, d, (size_t)dl, e[i].w);
        } else {
            vg_graph_add_int_edge(&b, e[i].s, e[i].d, e[i].w);
        }
    }
    vg_graph g;
    CHECK(vg_graph_build(&b, 1, &g) == VG_GRAPH_OK, "build the whole graph");
    return g;
}

static int64_t graph_id(const vg_graph *g, uint32_t v) {
    if (v == VG_GRAPH_NONE) return INT64_MIN;
    return g->type == VG_GRAPH_INT_IDS ? g->ints[v] : text_id(g->text + g->text_off[v], g->text_len[v]);
}

static uint32_t find(const vg_graph *g, int64_t id, int text) {
    if (!text) return vg_graph_find_int(g, id);
    char name[32];
    int len = snprintf(name, sizeof name, "n%lld", (long long)id);
    return vg_graph_find_text(g, name, (size_t)len);
}

/* Whether two row sets name the same ids, links and values in the same order. */
static int same_rows(const vg_graph *a, const vg_graph_rows *ra, const vg_graph *b, const vg_graph_rows *rb) {
    if (ra->count != rb->count) return 0;
    for (uint32_t i = 0; i < ra->count; i++) {
        if (graph_id(a, ra->node[i]) != graph_id(b, rb->node[i]) || graph_id(a, ra->link[i]) != graph_id(b, rb->link[i]) ||
            ra->value[i] != rb->value[i])
            return 0;
    }
    return 1;
}

static vg_graph_status give(vg_graph_local *l, int64_t id, int text, uint32_t *number) {
    if (!text) return vg_graph_local_give_int(l, id, number);
    char name[32];
    int len = snprintf(name, sizeof name, "n%lld", (long long)id);
    return vg_graph_local_give_text(l, name, (size_t)len, number);
}

typedef vg_graph_status (*traversal)(const vg_graph *, uint32_t, uint32_t, vg_graph_direction, vg_graph_rows *);

/* One traversal through a local search against the whole graph; returns the lists fetched. */
static unsigned check_traversal(const vg_graph *g, edge_source *src, int64_t start, uint32_t max_depth,
                                vg_graph_direction dir, traversal walk, const char *what) {
    vg_graph_local l;
    vg_graph_local_init(&l, 1, fetch_edges, src, SIZE_MAX);
    src->fetches = 0;
    uint32_t s;
    vg_graph_status st = give(&l, start, src->text, &s);
    if (st == VG_GRAPH_OK) st = vg_graph_expand_traversal(&l, s, max_depth, dir);
    /* as the SQL side does: a start met in no row yet is looked up on both sides */
    if (st == VG_GRAPH_OK && !(l.flags[s] & VG_GRAPH_LOCAL_MET)) st = vg_graph_local_fetch(&l, s, VG_GRAPH_FORWARD);
    if (st == VG_GRAPH_OK && !(l.flags[s] & VG_GRAPH_LOCAL_MET)) st = vg_graph_local_fetch(&l, s, VG_GRAPH_REVERSE);
    /* each table row the search fetched (from either end) is one edge of the part */
    size_t rows = 0;
    for (size_t i = 0; st == VG_GRAPH_OK && i < src->n; i++) {
        int fetched = 0;
        for (uint32_t v = 0; v < l.b.ids.count; v++) {
            int64_t id = id_of(&l, v);
            fetched |= (id == src->e[i].s && (l.flags[v] & VG_GRAPH_LOCAL_OUT)) || (id == src->e[i].d && (l.flags[v] & VG_GRAPH_LOCAL_IN));
        }
        rows += fetched;
    }
    vg_graph part;
    memset(&part, 0, sizeof part);
    if (st == VG_GRAPH_OK) st = vg_graph_local_build(&l, 1, &part);
    CHECK(st != VG_GRAPH_OK || part.edge_count == rows, "%zu rows fetched, %zu edges", rows, part.edge_count);
    vg_graph_rows want, got;
    memset(&want, 0, sizeof want);
    memset(&got, 0, sizeof got);
    /* a start in no row is no node: no rows (the SQL side sees it in the flags, as here) */
    uint32_t gs = find(g, start, src->text);
    if (gs != VG_GRAPH_NONE) walk(g, gs, max_depth, dir, &want);
    if (st == VG_GRAPH_OK && (l.flags[s] & VG_GRAPH_LOCAL_MET)) walk(&part, find(&part, start, src->text), max_depth, dir, &got);
    CHECK(st != VG_GRAPH_OK || (gs == VG_GRAPH_NONE) == !(l.flags[s] & VG_GRAPH_LOCAL_MET), "a start in no row is no node");
    CHECK(st == VG_GRAPH_OK && same_rows(g, &want, &part, &got), "%s from %lld, depth %u, direction %d: %u rows vs %u",
          what, (long long)start, max_depth, (int)dir, want.count, got.count);
    vg_graph_rows_free(&want);
    vg_graph_rows_free(&got);
    vg_graph_free(&part);
    vg_graph_local_free(&l);
    return src->fetches;
}

static void check_path(const vg_graph *g, edge_source *src, int64_t start, int64_t end, int weighted, int bidirectional) {
    vg_graph_local l;
    vg_graph_local_init(&l, weighted, fetch_edges, src, SIZE_MAX);
    uint32_t s, e;
    vg_graph_status st = give(&l, start, src->text, &s);
    if (st == VG_GRAPH_OK) st = give(&l, end, src->text, &e);
    if (st == VG_GRAPH_OK) st = vg_graph_expand_path(&l, s, e, weighted, bidirectional);
    vg_graph part;
    memset(&part, 0, sizeof part);
    if (st == VG_GRAPH_OK) st = vg_graph_local_build(&l, 0, &part);
    vg_graph_rows want, got;
    memset(&want, 0, sizeof want);
    memset(&got, 0, sizeof got);
    uint32_t gs = find(g, start, src->text), ge = find(g, end, src->text);
    if (gs != VG_GRAPH_NONE && ge != VG_GRAPH_NONE) vg_graph_shortest_path(g, gs, ge, weighted, &want);
    /* a path from start to itself needs start to be a node, which the SQL side checks with a lookup */
    if (st == VG_GRAPH_OK && (start != end || gs != VG_GRAPH_NONE))
        vg_graph_shortest_path(&part, find(&part, start, src->text), find(&part, end, src->text), weighted, &got);
    CHECK(st == VG_GRAPH_OK && same_rows(g, &want, &part, &got), "path %lld -> %lld (weighted %d, bidirectional %d): %u vs %u rows",
          (long long)start, (long long)end, weighted, bidirectional, want.count, got.count);
    vg_graph_rows_free(&want);
    vg_graph_rows_free(&got);
    vg_graph_free(&part);
    vg_graph_local_free(&l);
}

static uint64_t next(uint64_t *seed) {
    *seed = *seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return *seed >> 33;
}

/* Random graphs: n nodes with ids 7k - 50, m edges, weights in quarters from 0 to 3 (sums exact). */
static edge *random_edges(uint64_t *seed, size_t nodes, size_t m) {
    edge *e = malloc(m * sizeof *e);
    for (size_t i = 0; i < m; i++) {
        e[i].s = (int64_t)(next(seed) % nodes) * 7 - 50;
        e[i].d = (int64_t)(next(seed) % nodes) * 7 - 50;
        e[i].w = (double)(next(seed) % 13) / 4.0;
    }
    return e;
}

static void test_equivalence(void) {
    uint64_t seed = 20261201;
    static const uint32_t depths[] = {0, 1, 2, 3, VG_GRAPH_NONE};
    unsigned fewer = 0, traversals = 0;
    for (int round = 0; round < 24; round++) {
        size_t nodes = 4 + (size_t)round * 3, m = nodes * (1 + (size_t)round % 4);
        edge *e = random_edges(&seed, nodes, m);
        int text = round % 3 == 2;
        vg_graph g = whole(e, m, text);
        edge_source src = {e, m, text, 0, 0};
        for (int k = 0; k < 6; k++) {
            int64_t start = (int64_t)(next(&seed) % nodes) * 7 - 50, end = (int64_t)(next(&seed) % nodes) * 7 - 50;
            for (int d = 0; d < 5; d++) {
                for (int dir = 0; dir < 3; dir++) {
                    unsigned lists = check_traversal(&g, &src, start, depths[d], (vg_graph_direction)dir, vg_graph_bfs, "bfs");
                    check_traversal(&g, &src, start, depths[d], (vg_graph_direction)dir, vg_graph_dfs, "dfs");
                    fewer += lists < (dir == VG_GRAPH_BOTH ? 2 : 1) * g.node_count;
                    traversals++;
                }
            }
            for (int w = 0; w < 2; w++)
                for (int bi = 0; bi < 2; bi++) check_path(&g, &src, start, end, w, bi);
            check_path(&g, &src, start, start, 1, 1);
        }
        vg_graph_free(&g);
        free(e);
    }
    CHECK(fewer * 2 > traversals, "most traversals fetch fewer lists than the graph has (%u of %u)", fewer, traversals);
}

/* Hand-made: the forward hop search stops at the first node with an edge to the end, and the
 * bidirectional one meets in the middle with fewer lookups. A chain 0 -> 1 -> ... -> 9 with side
 * branches from every node. */
static void test_search_sizes(void) {
    edge e[40];
    size_t m = 0;
    for (int i = 0; i < 9; i++) e[m++] = (edge){i, i + 1, 1};
    for (int i = 0; i < 10; i++) e[m++] = (edge){i, 100 + i, 1};
    edge_source src = {e, m, 0, 0, 0};
    vg_graph_local l;
    for (int bi = 0; bi < 2; bi++) {
        vg_graph_local_init(&l, 0, fetch_edges, &src, SIZE_MAX);
        src.fetches = 0;
        uint32_t s, t;
        vg_graph_local_give_int(&l, 0, &s);
        vg_graph_local_give_int(&l, 9, &t);
        CHECK(vg_graph_expand_path(&l, s, t, 0, bi) == VG_GRAPH_OK, "chain path");
        /* forward: 0..8 each once (their side branches too: 100..108 are leaves, fetched only if a layer
         * holds them before the end shows up); bidirectional: about half from each end */
        CHECK(bi ? src.fetches <= 12 : src.fetches <= 18, "chain 0 -> 9: %u lookups (bidirectional %d)", src.fetches, bi);
        vg_graph_local_free(&l);
    }
}

/* Two shortest routes 1 -> 4 -> 5 and 1 -> 2 -> 3 -> 5 (2 -> 3 weighs 0): the tie rule picks the
 * second (2 and 3 settle before 4). After one step from each end the frontiers' distances add up to
 * the best path, but 2 -> 3 is fetched by neither side yet: stopping there would miss the route. */
static void test_zero_weight_tie(void) {
    static const edge e[] = {{1, 4, 1}, {4, 5, 1}, {1, 2, 1}, {2, 3, 0}, {3, 5, 1}};
    vg_graph g = whole(e, 5, 0);
    edge_source src = {e, 5, 0, 0, 0};
    check_path(&g, &src, 1, 5, 1, 1);
    check_path(&g, &src, 1, 5, 1, 0);
    vg_graph_free(&g);
}

static void test_budget_and_failures(void) {
    uint64_t seed = 7;
    edge *e = random_edges(&seed, 30, 120);
    edge_source src = {e, 120, 0, 0, 0};
    vg_graph_local l;
    vg_graph_local_init(&l, 0, fetch_edges, &src, 3 * VG_GRAPH_LOCAL_LOOKUP_COST);
    uint32_t s;
    vg_graph_local_give_int(&l, e[0].s, &s);
    CHECK(vg_graph_expand_traversal(&l, s, VG_GRAPH_NONE, VG_GRAPH_BOTH) == VG_GRAPH_OVER_BUDGET && l.fetches == 2,
          "over budget: the start's two lists fetched, then stopped before a layer it could not pay for (%zu fetches)",
          l.fetches);
    vg_graph_local_free(&l);

    src.fetches = 0;
    src.fail_at = 3;
    vg_graph_local_init(&l, 0, fetch_edges, &src, SIZE_MAX);
    vg_graph_local_give_int(&l, e[0].s, &s);
    CHECK(vg_graph_expand_traversal(&l, s, VG_GRAPH_NONE, VG_GRAPH_FORWARD) == VG_GRAPH_FETCH_FAILED && l.fetch_rc == 99,
          "a failing fetch stops the search with its code");
    vg_graph_local_free(&l);
    src.fail_at = 0;

    /* every allocation failing in turn: NOMEM or success, nothing leaks (ASan) */
    int ok = 1;
    for (long k = 0; k < 400; k++) {
        vg_test_fail_alloc_after(k);
        vg_graph_local_init(&l, 1, fetch_edges, &src, SIZE_MAX);
        uint32_t a, b;
        vg_graph_status st = vg_graph_local_give_int(&l, e[0].s, &a);
        if (st == VG_GRAPH_OK) st = vg_graph_local_give_int(&l, e[1].d, &b);
        if (st == VG_GRAPH_OK) st = vg_graph_expand_path(&l, a, b, 1, 1);
        if (st == VG_GRAPH_OK) st = vg_graph_expand_traversal(&l, a, 2, VG_GRAPH_BOTH);
        /* the fetch callback reports a failed add as its code 1 */
        ok &= st == VG_GRAPH_OK || st == VG_GRAPH_NOMEM || (st == VG_GRAPH_FETCH_FAILED && l.fetch_rc == 1);
        vg_graph_local_free(&l);
    }
    vg_test_fail_alloc_after(-1);
    CHECK(ok, "allocation failures end a search cleanly");
    free(e);
}

static void test_heap(void) {
    enum { N = 200 };
    double key[N];
    uint32_t item[N], pos[N];
    uint64_t seed = 3;
    vg_graph_heap h = {item, pos, key, 0};
    for (uint32_t v = 0; v < N; v++) {
        key[v] = (double)(next(&seed) % 50);
        pos[v] = VG_GRAPH_NONE;
        vg_graph_heap_update(&h, v);
    }
    for (uint32_t v = 0; v < N; v += 3) {
        key[v] -= 10; /* decrease some keys */
        vg_graph_heap_update(&h, v);
    }
    int ok = 1;
    uint32_t prev = vg_graph_heap_pop(&h);
    while (h.size > 0) {
        uint32_t v = vg_graph_heap_pop(&h);
        ok &= key[prev] < key[v] || (key[prev] == key[v] && prev < v);
        prev = v;
    }
    CHECK(ok, "the heap pops in (key, node) order after decreases");
}

void test_graph_local(void) {
    test_heap();
    test_equivalence();
    test_search_sizes();
    test_zero_weight_tie();
    test_budget_and_failures();
}
