/* Unit tests of the graph algorithms (vg_graph.h): id interning and ordering, the CSR layout, BFS, DFS,
 * shortest paths and their tie rules, components and PageRank, on hand-made and seeded random graphs. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vg_graph.h"
#include "vg_test.h"

typedef struct edge {
    int64_t s, d;
    double w;
} edge;

static vg_graph make(const edge *edges, size_t n, int weighted, int with_in) {
    vg_graph_builder b;
    memset(&b, 0, sizeof b);
    b.weighted = weighted;
    for (size_t i = 0; i < n; i++)
        CHECK(vg_graph_add_int_edge(&b, edges[i].s, edges[i].d, edges[i].w) == VG_GRAPH_OK, "add edge %zu", i);
    vg_graph g;
    CHECK(vg_graph_build(&b, with_in, &g) == VG_GRAPH_OK, "build");
    return g;
}

/* Whether rows hold exactly these node ids, link ids (-1: none; links NULL: not checked) and values
 * (values NULL: not checked). Tests use non-negative ids only. */
static int rows_match(const vg_graph *g, const vg_graph_rows *r, const int64_t *nodes, const int64_t *links,
                      const double *values, uint32_t count) {
    if (r->count != count) return 0;
    for (uint32_t i = 0; i < count; i++) {
        if (g->ints[r->node[i]] != nodes[i]) return 0;
        if (links && (links[i] < 0 ? r->link[i] != VG_GRAPH_NONE : r->link[i] == VG_GRAPH_NONE || g->ints[r->link[i]] != links[i]))
            return 0;
        if (values && r->value[i] != values[i]) return 0;
    }
    return 1;
}

static void test_ids(void) {
    vg_graph_ids ids;
    memset(&ids, 0, sizeof ids);
    uint32_t n = 0, again = 0;
    int ok = 1;
    for (int64_t i = 0; i < 5000; i++) ok &= vg_graph_ids_int(&ids, i * 7919 - 20000, &n) == VG_GRAPH_OK && n == (uint32_t)i;
    for (int64_t i = 0; i < 5000; i++) ok &= vg_graph_ids_int(&ids, i * 7919 - 20000, &again) == VG_GRAPH_OK && again == (uint32_t)i;
    CHECK(ok && ids.count == 5000, "5000 int ids interned once each (count %u)", ids.count);
    vg_graph_ids_free(&ids);

    char name[32];
    ok = 1;
    for (int i = 0; i < 3000; i++) {
        size_t len = (size_t)snprintf(name, sizeof name, "node-%d", i);
        ok &= vg_graph_ids_text(&ids, name, len, &n) == VG_GRAPH_OK && n == (uint32_t)i;
    }
    ok &= vg_graph_ids_text(&ids, "node-17", 7, &again) == VG_GRAPH_OK && again == 17;
    ok &= vg_graph_ids_text(&ids, "node-1", 6, &again) == VG_GRAPH_OK && again == 1;
    ok &= vg_graph_ids_text(&ids, "", 0, &again) == VG_GRAPH_OK && again == 3000;
    ok &= vg_graph_ids_text(&ids, "a\0b", 3, &again) == VG_GRAPH_OK && again == 3001;
    ok &= vg_graph_ids_text(&ids, "a\0c", 3, &again) == VG_GRAPH_OK && again == 3002;
    CHECK(ok && ids.count == 3003, "text ids interned by bytes and length (count %u)", ids.count);
    vg_graph_ids_free(&ids);
}

static void test_build(void) {
    static const edge e[] = {{30, 10, 0}, {10, 30, 0}, {10, 20, 0}, {20, 20, 0}, {10, 20, 0}, {-5, 10, 0}};
    vg_graph g = make(e, 6, 0, 1);
    static const int64_t want_ids[] = {-5, 10, 20, 30};
    CHECK(g.node_count == 4 && g.edge_count == 6, "4 nodes, 6 edges: %u, %zu", g.node_count, g.edge_count);
    for (uint32_t i = 0; i < 4 && g.node_count == 4; i++) CHECK(g.ints[i] == want_ids[i], "id %u = %lld", i, (long long)g.ints[i]);
    /* out-lists by index: -5:[10] 10:[20,20,30] 20:[20] 30:[10] */
    static const size_t want_start[] = {0, 1, 4, 5, 6};
    static const uint32_t want_out[] = {1, 2, 2, 3, 2, 1};
    CHECK(memcmp(g.out_start, want_start, sizeof want_start) == 0, "out_start");
    CHECK(memcmp(g.out_node, want_out, sizeof want_out) == 0, "out lists ascending, parallel edges kept");
    /* in-lists: -5:[] 10:[-5,30] 20:[10,10,20] 30:[10] */
    static const size_t want_in_start[] = {0, 0, 2, 5, 6};
    static const uint32_t want_in[] = {0, 3, 1, 1, 2, 1};
    CHECK(memcmp(g.in_start, want_in_start, sizeof want_in_start) == 0, "in_start");
    CHECK(memcmp(g.in_node, want_in, sizeof want_in) == 0, "in lists ascending");
    CHECK(vg_graph_find_int(&g, 20) == 2 && vg_graph_find_int(&g, -5) == 0 && vg_graph_find_int(&g, 31) == VG_GRAPH_NONE,
          "find_int");
    CHECK(vg_graph_find_text(&g, "20", 2) == VG_GRAPH_NONE, "a TEXT id is not found in an INTEGER graph");
    vg_graph_free(&g);

    static const edge extremes[] = {{INT64_MAX, -1, 0}, {0, INT64_MIN, 0}, {65536, 1, 0}, {256, -256, 0}, {255, 1 << 30, 0}};
    g = make(extremes, 5, 0, 0);
    static const int64_t want_sorted[] = {INT64_MIN, -256, -1, 0, 1, 255, 256, 65536, 1 << 30, INT64_MAX};
    CHECK(g.node_count == 10, "10 extreme ids: %u", g.node_count);
    for (uint32_t i = 0; i < 10 && g.node_count == 10; i++)
        CHECK(g.ints[i] == want_sorted[i], "extreme id %u = %lld", i, (long long)g.ints[i]);
    vg_graph_free(&g);

    vg_graph empty = make(NULL, 0, 0, 1);
    CHECK(empty.node_count == 0 && empty.type == VG_GRAPH_NO_IDS, "empty graph");
    CHECK(vg_graph_find_int(&empty, 1) == VG_GRAPH_NONE, "nothing in an empty graph");
    vg_graph_rows r;
    CHECK(vg_graph_components(&empty, &r) == VG_GRAPH_OK && r.count == 0, "components of nothing");
    vg_graph_rows_free(&r);
    CHECK(vg_graph_pagerank(&empty, 0.85, -1, &r) == VG_GRAPH_OK && r.count == 0, "pagerank of nothing");
    vg_graph_rows_free(&r);
    vg_graph_free(&empty);

    vg_graph_builder b;
    memset(&b, 0, sizeof b);
    static const char *const names[][2] = {{"b", "a"}, {"ab", "a"}, {"B", ""}, {"a", "b"}};
    for (int i = 0; i < 4; i++)
        CHECK(vg_graph_add_text_edge(&b, names[i][0], strlen(names[i][0]), names[i][1], strlen(names[i][1]), 0) == VG_GRAPH_OK,
              "add text edge");
    vg_graph t;
    CHECK(vg_graph_build(&b, 0, &t) == VG_GRAPH_OK && t.node_count == 5, "text graph");
    static const char *const sorted[] = {"", "B", "a", "ab", "b"};
    for (uint32_t i = 0; i < t.node_count; i++)
        CHECK(t.text_len[i] == strlen(sorted[i]) && memcmp(t.text + t.text_off[i], sorted[i], t.text_len[i]) == 0,
              "text id %u in BINARY order", i);
    CHECK(vg_graph_find_text(&t, "ab", 2) == 3 && vg_graph_find_text(&t, "", 0) == 0 && vg_graph_find_text(&t, "abc", 3) == VG_GRAPH_NONE,
          "find_text");
    vg_graph_free(&t);
}

static void test_traversals(void) {
    /* 1 -> 3, 1 -> 2, 2 -> 4, 3 -> 4, 4 -> 1, 4 -> 5, 6 -> 1 */
    static const edge e[] = {{1, 3, 0}, {1, 2, 0}, {2, 4, 0}, {3, 4, 0}, {4, 1, 0}, {4, 5, 0}, {6, 1, 0}};
    vg_graph g = make(e, 7, 0, 1);
    vg_graph_rows r;
    CHECK(vg_graph_bfs(&g, vg_graph_find_int(&g, 1), VG_GRAPH_NONE, VG_GRAPH_FORWARD, &r) == VG_GRAPH_OK, "bfs");
    CHECK(rows_match(&g, &r, (int64_t[]){1, 2, 3, 4, 5}, (int64_t[]){-1, 1, 1, 2, 4}, (double[]){0, 1, 1, 2, 3}, 5), "bfs forward");
    vg_graph_rows_free(&r);
    CHECK(vg_graph_bfs(&g, vg_graph_find_int(&g, 1), 1, VG_GRAPH_FORWARD, &r) == VG_GRAPH_OK, "bfs");
    CHECK(rows_match(&g, &r, (int64_t[]){1, 2, 3}, NULL, (double[]){0, 1, 1}, 3), "bfs max_depth 1");
    vg_graph_rows_free(&r);
    CHECK(vg_graph_bfs(&g, vg_graph_find_int(&g, 1), 0, VG_GRAPH_FORWARD, &r) == VG_GRAPH_OK, "bfs");
    CHECK(rows_match(&g, &r, (int64_t[]){1}, NULL, NULL, 1), "bfs max_depth 0");
    vg_graph_rows_free(&r);
    CHECK(vg_graph_bfs(&g, vg_graph_find_int(&g, 1), VG_GRAPH_NONE, VG_GRAPH_REVERSE, &r) == VG_GRAPH_OK, "bfs");
    CHECK(rows_match(&g, &r, (int64_t[]){1, 4, 6, 2, 3}, (int64_t[]){-1, 1, 1, 4, 4}, (double[]){0, 1, 1, 2, 2}, 5), "bfs reverse");
    vg_graph_rows_free(&r);
    CHECK(vg_graph_bfs(&g, vg_graph_find_int(&g, 5), VG_GRAPH_NONE, VG_GRAPH_BOTH, &r) == VG_GRAPH_OK, "bfs");
    CHECK(rows_match(&g, &r, (int64_t[]){5, 4, 1, 2, 3, 6}, (int64_t[]){-1, 5, 4, 4, 4, 1}, (double[]){0, 1, 2, 2, 2, 3}, 6), "bfs both");
    vg_graph_rows_free(&r);

    CHECK(vg_graph_dfs(&g, vg_graph_find_int(&g, 1), VG_GRAPH_NONE, VG_GRAPH_FORWARD, &r) == VG_GRAPH_OK, "dfs");
    CHECK(rows_match(&g, &r, (int64_t[]){1, 2, 4, 5, 3}, (int64_t[]){-1, 1, 2, 4, 1}, (double[]){0, 1, 2, 3, 1}, 5), "dfs forward");
    vg_graph_rows_free(&r);
    CHECK(vg_graph_dfs(&g, vg_graph_find_int(&g, 1), 2, VG_GRAPH_FORWARD, &r) == VG_GRAPH_OK, "dfs");
    CHECK(rows_match(&g, &r, (int64_t[]){1, 2, 4, 3}, (int64_t[]){-1, 1, 2, 1}, (double[]){0, 1, 2, 1}, 4), "dfs max_depth 2");
    vg_graph_rows_free(&r);
    CHECK(vg_graph_dfs(&g, vg_graph_find_int(&g, 5), VG_GRAPH_NONE, VG_GRAPH_BOTH, &r) == VG_GRAPH_OK, "dfs");
    CHECK(rows_match(&g, &r, (int64_t[]){5, 4, 1, 2, 3, 6}, (int64_t[]){-1, 5, 4, 1, 1, 1}, (double[]){0, 1, 2, 3, 3, 3}, 6), "dfs both");
    vg_graph_rows_free(&r);
    CHECK(vg_graph_dfs(&g, vg_graph_find_int(&g, 5), VG_GRAPH_NONE, VG_GRAPH_FORWARD, &r) == VG_GRAPH_OK, "dfs");
    CHECK(rows_match(&g, &r, (int64_t[]){5}, NULL, NULL, 1), "dfs from a sink");
    vg_graph_rows_free(&r);
    vg_graph_free(&g);
}

static void test_paths(void) {
    /* two 2-hop routes 1->3->9 and 1->2->9 (the smaller predecessor 2 wins); 1->9 weighted 10 */
    static const edge e[] = {{1, 3, 1}, {1, 2, 1}, {3, 9, 1}, {2, 9, 1}, {9, 4, 0}, {4, 9, 0}, {5, 1, 1}};
    vg_graph g = make(e, 7, 1, 0);
    vg_graph_rows r;
    uint32_t one = vg_graph_find_int(&g, 1), nine = vg_graph_find_int(&g, 9), four = vg_graph_find_int(&g, 4);
    CHECK(vg_graph_shortest_path(&g, one, nine, 0, &r) == VG_GRAPH_OK, "hops");
    CHECK(rows_match(&g, &r, (int64_t[]){1, 2, 9}, NULL, (double[]){0, 1, 2}, 3), "hop path takes the smaller predecessor");
    vg_graph_rows_free(&r);
    CHECK(vg_graph_shortest_path(&g, one, nine, 1, &r) == VG_GRAPH_OK, "dijkstra");
    CHECK(rows_match(&g, &r, (int64_t[]){1, 2, 9}, NULL, (double[]){0, 1, 2}, 3), "weighted path takes the first settled");
    vg_graph_rows_free(&r);
    CHECK(vg_graph_shortest_path(&g, one, four, 1, &r) == VG_GRAPH_OK, "dijkstra");
    CHECK(rows_match(&g, &r, (int64_t[]){1, 2, 9, 4}, NULL, (double[]){0, 1, 2, 2}, 4), "zero-weight cycle");
    vg_graph_rows_free(&r);
    CHECK(vg_graph_shortest_path(&g, nine, one, 0, &r) == VG_GRAPH_OK && r.count == 0, "unreachable: no rows");
    vg_graph_rows_free(&r);
    CHECK(vg_graph_shortest_path(&g, nine, one, 1, &r) == VG_GRAPH_OK && r.count == 0, "unreachable weighted: no rows");
    vg_graph_rows_free(&r);
    CHECK(vg_graph_shortest_path(&g, four, four, 0, &r) == VG_GRAPH_OK && rows_match(&g, &r, (int64_t[]){4}, NULL, (double[]){0}, 1),
          "start = end: one row");
    vg_graph_rows_free(&r);
    vg_graph_free(&g);

    /* weights: the 3-hop route is lighter than the direct edge */
    static const edge w[] = {{1, 4, 10}, {1, 2, 2}, {2, 3, 2.5}, {3, 4, 0.5}, {2, 4, 8}};
    g = make(w, 5, 1, 0);
    CHECK(vg_graph_shortest_path(&g, vg_graph_find_int(&g, 1), vg_graph_find_int(&g, 4), 1, &r) == VG_GRAPH_OK, "dijkstra");
    CHECK(rows_match(&g, &r, (int64_t[]){1, 2, 3, 4}, NULL, (double[]){0, 2, 4.5, 5}, 4), "lightest path");
    vg_graph_rows_free(&r);
    CHECK(vg_graph_shortest_path(&g, vg_graph_find_int(&g, 1), vg_graph_find_int(&g, 4), 0, &r) == VG_GRAPH_OK, "hops");
    CHECK(rows_match(&g, &r, (int64_t[]){1, 4}, NULL, (double[]){0, 1}, 2), "fewest hops");
    vg_graph_rows_free(&r);
    vg_graph_free(&g);
}

static void test_components(void) {
    static const edge e[] = {{7, 3, 0}, {9, 9, 0}, {3, 5, 0}, {8, 6, 0}, {6, 2, 0}, {4, 4, 0}, {4, 8, 0}};
    vg_graph g = make(e, 7, 0, 0);
    vg_graph_rows r;
    CHECK(vg_graph_components(&g, &r) == VG_GRAPH_OK, "components");
    CHECK(rows_match(&g, &r, (int64_t[]){2, 3, 4, 5, 6, 7, 8, 9}, (int64_t[]){2, 3, 2, 3, 2, 3, 2, 9},
                     (double[]){4, 3, 4, 3, 4, 3, 4, 1}, 8),
          "component = smallest node, with sizes");
    vg_graph_rows_free(&r);
    vg_graph_free(&g);
}

static double rank_of(const vg_graph *g, const vg_graph_rows *r, int64_t id) {
    return r->value[vg_graph_find_int(g, id)];
}

static void test_pagerank(void) {
    static const edge cycle[] = {{1, 2, 0}, {2, 1, 0}};
    vg_graph g = make(cycle, 2, 0, 0);
    vg_graph_rows r;
    CHECK(vg_graph_pagerank(&g, 0.85, -1, &r) == VG_GRAPH_OK, "pagerank");
    CHECK(fabs(rank_of(&g, &r, 1) - 0.5) < 1e-12 && fabs(rank_of(&g, &r, 2) - 0.5) < 1e-12, "2-cycle: 0.5 each");
    vg_graph_rows_free(&r);
    vg_graph_free(&g);

    /* 1 -> 2, and 2 dangling: both start at 1/2 */
    static const edge chain[] = {{1, 2, 0}};
    g = make(chain, 1, 0, 0);
    CHECK(vg_graph_pagerank(&g, 0.85, 0, &r) == VG_GRAPH_OK && r.value[0] == 0.5 && r.value[1] == 0.5, "0 iterations: 1/N");
    vg_graph_rows_free(&r);
    CHECK(vg_graph_pagerank(&g, 0.85, 1, &r) == VG_GRAPH_OK, "pagerank");
    CHECK(fabs(r.value[0] - (0.85 * 0.25 + 0.075)) < 1e-15 && fabs(r.value[1] - (0.85 * 0.75 + 0.075)) < 1e-15, "one step by hand");
    vg_graph_rows_free(&r);
    CHECK(vg_graph_pagerank(&g, 0.85, -1, &r) == VG_GRAPH_OK, "pagerank");
    /* x1 = 0.425 x2 + 0.075 with x2 = 1 - x1, so x1 = 0.5 / 1.425 */
    double want1 = 0.5 / 1.425;
    CHECK(fabs(r.value[0] - want1) < 1e-5 && fabs(r.value[0] + r.value[1] - 1) < 1e-12, "dangling fixed point %.9f vs %.9f",
          r.value[0], want1);
    vg_graph_rows_free(&r);
    vg_graph_free(&g);

    /* a self-loop keeps rank at home: 1 -> 1, 1 -> 2, 2 -> 1 */
    static const edge loop[] = {{1, 1, 0}, {1, 2, 0}, {2, 1, 0}};
    g = make(loop, 3, 0, 0);
    CHECK(vg_graph_pagerank(&g, 0.85, -1, &r) == VG_GRAPH_OK, "pagerank");
    /* x2 = 0.85 * x1 / 2 + 0.075 with x1 = 1 - x2, so x2 = 0.5 / 1.425 */
    double want2 = 0.5 / 1.425;
    CHECK(fabs(r.value[1] - want2) < 1e-5, "self-loop fixed point %.9f vs %.9f", r.value[1], want2);
    vg_graph_rows_free(&r);
    vg_graph_free(&g);
}

/* Seeded random graphs: BFS depths against a relaxation to a fixed point, and every BFS/DFS parent
 * is an edge; components agree with BFS over both directions. */
static void test_random(void) {
    uint64_t seed = 20261126;
    for (int round = 0; round < 20; round++) {
        size_t nodes = 5 + (size_t)round * 7, m = nodes * 2;
        edge *e = malloc(m * sizeof *e);
        for (size_t i = 0; i < m; i++) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            e[i].s = (int64_t)((seed >> 33) % nodes) * 3;
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            e[i].d = (int64_t)((seed >> 33) % nodes) * 3;
            e[i].w = 1;
        }
        vg_graph g = make(e, m, 1, 1);
        uint32_t n = g.node_count;
        uint32_t *depth = malloc(n * sizeof *depth);
        for (uint32_t v = 0; v < n; v++) depth[v] = VG_GRAPH_NONE;
        depth[0] = 0;
        for (int changed = 1; changed;) {
            changed = 0;
            for (size_t i = 0; i < m; i++) {
                uint32_t s = vg_graph_find_int(&g, e[i].s), d = vg_graph_find_int(&g, e[i].d);
                if (depth[s] != VG_GRAPH_NONE && depth[s] + 1 < depth[d]) {
                    depth[d] = depth[s] + 1;
                    changed = 1;
                }
            }
        }
        vg_graph_rows bfs, dfs, path;
        CHECK(vg_graph_bfs(&g, 0, VG_GRAPH_NONE, VG_GRAPH_FORWARD, &bfs) == VG_GRAPH_OK, "bfs");
        CHECK(vg_graph_dfs(&g, 0, VG_GRAPH_NONE, VG_GRAPH_FORWARD, &dfs) == VG_GRAPH_OK, "dfs");
        uint32_t reached = 0;
        for (uint32_t v = 0; v < n; v++) reached += depth[v] != VG_GRAPH_NONE;
        CHECK(bfs.count == reached && dfs.count == reached, "round %d: reached %u, bfs %u, dfs %u", round, reached, bfs.count,
              dfs.count);
        for (uint32_t i = 0; i < bfs.count; i++) {
            CHECK(bfs.value[i] == depth[bfs.node[i]], "round %d: bfs depth", round);
            uint32_t v = bfs.node[i];
            CHECK(vg_graph_shortest_path(&g, 0, v, 0, &path) == VG_GRAPH_OK && path.count == depth[v] + 1, "hop path length");
            vg_graph_rows_free(&path);
            CHECK(vg_graph_shortest_path(&g, 0, v, 1, &path) == VG_GRAPH_OK && path.count == depth[v] + 1 &&
                      path.value[path.count - 1] == depth[v],
                  "unit-weight path length");
            vg_graph_rows_free(&path);
        }
        vg_graph_rows both, comp;
        CHECK(vg_graph_bfs(&g, 0, VG_GRAPH_NONE, VG_GRAPH_BOTH, &both) == VG_GRAPH_OK, "bfs both");
        CHECK(vg_graph_components(&g, &comp) == VG_GRAPH_OK, "components");
        uint32_t in_first = 0;
        for (uint32_t v = 0; v < n; v++) in_first += comp.link[v] == 0;
        CHECK(in_first == both.count && comp.value[0] == both.count, "round %d: component of node 0 = its undirected reach", round);
        vg_graph_rows rank;
        CHECK(vg_graph_pagerank(&g, 0.85, -1, &rank) == VG_GRAPH_OK, "pagerank");
        double sum = 0;
        for (uint32_t v = 0; v < n; v++) sum += rank.value[v];
        CHECK(fabs(sum - 1.0) < 1e-9, "round %d: ranks sum to 1 (%.12f)", round, sum);
        vg_graph_rows_free(&rank);
        vg_graph_rows_free(&both);
        vg_graph_rows_free(&comp);
        vg_graph_rows_free(&bfs);
        vg_graph_rows_free(&dfs);
        free(depth);
        free(e);
        vg_graph_free(&g);
    }
}

/* The local searches and the cache, in their own files. */
void test_graph_local(void);
void test_graph_cache(void);

void test_graph(void) {
    test_ids();
    test_build();
    test_traversals();
    test_paths();
    test_components();
    test_pagerank();
    test_random();
    test_graph_local();
    test_graph_cache();
}
