/* Unit tests of node2vec's plain-C parts (vg_node2vec.h, vg_node2vec_schema.h): the undirected view,
 * the alias table's frequencies, walks that follow edges with node2vec's exact second-order
 * probabilities, training's determinism, stop and community structure, and reading hnsw_index
 * options back from CREATE VIRTUAL TABLE text. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vg_kernels.h"
#include "vg_node2vec.h"
#include "vg_node2vec_schema.h"
#include "vg_test.h"

/* The undirected view of n edges given as id pairs e[2i], e[2i+1]. */
static vg_node2vec_graph undirected(const int64_t *e, size_t n) {
    vg_graph_builder b;
    memset(&b, 0, sizeof b);
    for (size_t i = 0; i < n; i++) vg_graph_add_int_edge(&b, e[2 * i], e[2 * i + 1], 0.0);
    vg_graph g;
    vg_node2vec_graph ug;
    memset(&ug, 0, sizeof ug);
    CHECK(vg_graph_build(&b, 1, &g) == VG_GRAPH_OK, "build");
    CHECK(vg_node2vec_graph_from(&g, &ug) == VG_NODE2VEC_OK, "undirected view");
    vg_graph_free(&g);
    return ug;
}

static void test_undirected(void) {
    /* node ids 10, 20, 30, 40 become 0..3; 40 has only a self-loop */
    static const int64_t e[] = {10, 20, 20, 10, 20, 30, 30, 10, 10, 20, 40, 40, 30, 30};
    vg_node2vec_graph g = undirected(e, 7);
    static const size_t start[] = {0, 2, 4, 6, 6};
    static const uint32_t adj[] = {1, 2, 0, 2, 0, 1};
    CHECK(g.node_count == 4 && memcmp(g.start, start, sizeof start) == 0 && memcmp(g.adj, adj, sizeof adj) == 0,
          "merged, deduplicated, without self-loops");
    vg_node2vec_rng rng = {1};
    uint32_t walk[8];
    CHECK(vg_node2vec_walk(&g, 1, 1, 3, 8, &rng, walk) == 1 && walk[0] == 3, "a walk from a lone node stays put");
    vg_node2vec_graph_free(&g);
}

static void test_alias(void) {
    static const double w[] = {1, 2, 3, 0, 4};
    vg_node2vec_alias a;
    CHECK(vg_node2vec_alias_build(w, 5, &a) == VG_NODE2VEC_OK, "alias build");
    long hits[5] = {0};
    vg_node2vec_rng rng = {7};
    const long draws = 1000000;
    for (long i = 0; i < draws; i++) hits[vg_node2vec_alias_draw(&a, vg_node2vec_next(&rng))]++;
    CHECK(hits[3] == 0, "a zero weight is never drawn (%ld)", hits[3]);
    for (int i = 0; i < 5; i++) {
        double expect = w[i] / 10.0, got = (double)hits[i] / draws;
        CHECK(fabs(got - expect) < 0.003, "alias frequency of %d: %.4f vs %.4f", i, got, expect);
    }
    vg_node2vec_alias_free(&a);
}

/* From t = 0 through v = 1, the next step's frequencies against node2vec's weights: 0 (return, 1/p),
 * 2 (a neighbour of 0: 1) and 3, 4 (farther: 1/q). */
static void check_step(double p, double q) {
    static const int64_t e[] = {0, 1, 1, 2, 1, 3, 1, 4, 0, 2};
    vg_node2vec_graph g = undirected(e, 5);
    double w[5] = {1 / p, 0, 1, 1 / q, 1 / q}, sum = w[0] + w[2] + w[3] + w[4];
    long hits[5] = {0}, trials = 0;
    vg_node2vec_rng rng = {11};
    uint32_t walk[3];
    int edges_ok = 1;
    while (trials < 400000) {
        uint32_t len = vg_node2vec_walk(&g, p, q, 0, 3, &rng, walk);
        edges_ok &= len == 3;
        if (walk[1] != 1) continue;
        hits[walk[2]]++;
        trials++;
    }
    CHECK(edges_ok && hits[1] == 0, "walks have full length and never stay in place");
    for (int x = 0; x < 5; x++) {
        double expect = w[x] / sum, got = (double)hits[x] / trials;
        CHECK(fabs(got - expect) < 0.005, "p %g q %g: P(1 -> %d | from 0) %.4f vs %.4f", p, q, x, got, expect);
    }
    vg_node2vec_graph_free(&g);
}

static void test_walks(void) {
    check_step(1, 1);
    check_step(0.5, 2);
    check_step(4, 0.25);
    check_step(0.1, 1); /* 1/p above the envelope: the outlier block */
    check_step(0.05, 0.5);
    /* every step of a long walk on a ring of 50 follows an edge */
    int64_t ring[100];
    for (int i = 0; i < 50; i++) ring[2 * i] = i, ring[2 * i + 1] = (i + 1) % 50;
    vg_node2vec_graph g = undirected(ring, 50);
    vg_node2vec_rng rng = {3};
    uint32_t walk[1000];
    uint32_t len = vg_node2vec_walk(&g, 0.7, 3, 5, 1000, &rng, walk);
    int ok = len == 1000 && walk[0] == 5;
    for (uint32_t i = 1; i < len; i++) ok &= (walk[i] + 1) % 50 == walk[i - 1] || (walk[i - 1] + 1) % 50 == walk[i];
    CHECK(ok, "ring walk follows edges");
    vg_node2vec_graph_free(&g);
}

static int stop_now(void *ctx) {
    ++*(int *)ctx;
    return 1;
}

static int stop_second(void *ctx) {
    return ++*(int *)ctx >= 2;
}

static float cosine(const float *a, const float *b, uint32_t n) {
    double ab = 0, aa = 0, bb = 0;
    for (uint32_t i = 0; i < n; i++) ab += a[i] * b[i], aa += a[i] * a[i], bb += b[i] * b[i];
    return (float)(ab / sqrt(aa * bb));
}

/* Two 12-cliques joined by one edge: vectors of one clique point one way. */
static void test_train(void) {
    int64_t e[400];
    size_t n = 0;
    for (int c = 0; c < 2; c++)
        for (int i = 0; i < 12; i++)
            for (int j = i + 1; j < 12; j++) e[2 * n] = c * 12 + i, e[2 * n + 1] = c * 12 + j, n++;
    e[2 * n] = 0, e[2 * n + 1] = 12, n++;
    vg_node2vec_graph g = undirected(e, n);
    vg_node2vec_params p = {16, 1, 1, 20, 20, 3, 5, 2, 0.025, 5};
    size_t floats = (size_t)g.node_count * p.dims;
    float *a = malloc(floats * sizeof *a), *b = malloc(floats * sizeof *b);
    vg_node2vec_dot dot = vg_kernels_scalar.dot;
    CHECK(vg_node2vec_train(&g, &p, dot, NULL, NULL, a) == VG_NODE2VEC_OK, "train");
    CHECK(vg_node2vec_train(&g, &p, dot, NULL, NULL, b) == VG_NODE2VEC_OK, "train again");
    CHECK(memcmp(a, b, floats * sizeof *a) == 0, "same seed, same bytes");
    p.seed = 6;
    CHECK(vg_node2vec_train(&g, &p, dot, NULL, NULL, b) == VG_NODE2VEC_OK && memcmp(a, b, floats * sizeof *a) != 0,
          "another seed, other vectors");
    p.q = 0.5;
    p.p = 2;
    CHECK(vg_node2vec_train(&g, &p, vg_kernels_best()->dot, NULL, NULL, b) == VG_NODE2VEC_OK, "biased, best kernel");
    double within = 0, across = 0;
    int nw = 0, na = 0;
    for (int u = 0; u < 24; u++)
        for (int v = u + 1; v < 24; v++) {
            float c = cosine(a + u * 16, a + v * 16, 16);
            if (u / 12 == v / 12) within += c, nw++;
            else across += c, na++;
        }
    CHECK(within / nw > across / na + 0.5, "cliques separate: mean cosine within %.3f, across %.3f", within / nw, across / na);
    int polls = 0;
    CHECK(vg_node2vec_train(&g, &p, dot, stop_now, &polls, b) == VG_NODE2VEC_STOPPED && polls == 1, "stop ends training");
    /* a million negatives per pair and a window over the whole walk: years of work before the first
     * walk is trained; polled by work done, training stops at the second poll */
    p.neg_samples = 1000000;
    p.window = 1000000;
    polls = 0;
    CHECK(vg_node2vec_train(&g, &p, dot, stop_second, &polls, b) == VG_NODE2VEC_STOPPED && polls == 2,
          "a huge request stops when asked (polls %d)", polls);
    free(a);
    free(b);
    vg_node2vec_graph_free(&g);
}

static void test_schema(void) {
    vg_hnsw_params p;
    char err[VG_HNSW_ERR_LEN];
    CHECK(vg_node2vec_hnsw_options("CREATE VIRTUAL TABLE idx USING hnsw_index(dimensions=64, metric='cosine')", &p, err) ==
              VG_NODE2VEC_SCHEMA_OK && p.dims == 64 && p.metric == VG_HNSW_COSINE,
          "plain");
    CHECK(vg_node2vec_hnsw_options("create virtual table \"a \"\" (USING x)\".[b, c] /* c */ using HNSW_INDEX ( -- x\n"
                                   " m = 8 , dimensions = '3' )",
                                   &p, err) == VG_NODE2VEC_SCHEMA_OK && p.dims == 3 && p.m == 8,
          "quoted names, comments, case");
    CHECK(vg_node2vec_hnsw_options("CREATE VIRTUAL TABLE IF NOT EXISTS main.t USING hnsw_index(dimensions=2)", &p, err) ==
              VG_NODE2VEC_SCHEMA_OK && p.dims == 2,
          "IF NOT EXISTS, schema");
    CHECK(vg_node2vec_hnsw_options("CREATE VIRTUAL TABLE t USING fts5(content)", &p, err) == VG_NODE2VEC_SCHEMA_NOT_HNSW,
          "another module");
    CHECK(vg_node2vec_hnsw_options("CREATE TABLE hnsw_index(dimensions)", &p, err) == VG_NODE2VEC_SCHEMA_NOT_HNSW,
          "an ordinary table");
    CHECK(vg_node2vec_hnsw_options("CREATE VIRTUAL TABLE t USING hnsw_index(metric='l2')", &p, err) ==
              VG_NODE2VEC_SCHEMA_BAD && strstr(err, "dimensions=N is required"),
          "options the index would refuse: %s", err);
}

void test_node2vec(void) {
    test_undirected();
    test_alias();
    test_walks();
    test_train();
    test_schema();
}
