/* Unit tests of node2vec's plain-C parts (vg_node2vec.h, vg_node2vec_schema.h): the undirected view,
 * the alias table's frequencies, walks that follow edges with node2vec's exact second-order
 * probabilities, the rejection sampler's proposals per step with extreme p and q and walks drawn in
 * budgets of proposals, training's determinism, stop (also inside one walk) and community structure,
 * and reading hnsw_index options back from CREATE VIRTUAL TABLE text. */
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

/* A whole walk in one budget; its length. */
static uint32_t walk_all(const vg_node2vec_graph *g, double p, double q, uint32_t start, uint32_t length,
                         vg_node2vec_rng *rng, uint32_t *walk) {
    vg_node2vec_walker w;
    vg_node2vec_walk_start(&w, g, p, q, start, length, walk);
    vg_node2vec_walk_on(&w, rng, UINT64_MAX);
    return w.done ? w.len : 0;
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
    CHECK(walk_all(&g, 1, 1, 3, 8, &rng, walk) == 1 && walk[0] == 3, "a walk from a lone node stays put");
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
        uint32_t len = walk_all(&g, p, q, 0, 3, &rng, walk);
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
    uint32_t len = walk_all(&g, 0.7, 3, 5, 1000, &rng, walk);
    int ok = len == 1000 && walk[0] == 5;
    for (uint32_t i = 1; i < len; i++) ok &= (walk[i] + 1) % 50 == walk[i - 1] || (walk[i - 1] + 1) % 50 == walk[i];
    CHECK(ok, "ring walk follows edges");
    vg_node2vec_graph_free(&g);
}

/* Node 0 joined to each of 1..leaves. */
static vg_node2vec_graph star(int leaves) {
    int64_t e[2 * 16];
    for (int i = 0; i < leaves; i++) e[2 * i] = 0, e[2 * i + 1] = i + 1;
    return undirected(e, (size_t)leaves);
}

/* Every pair of 0..n-1 joined. */
static vg_node2vec_graph clique(int n) {
    int64_t e[2 * 120];
    size_t m = 0;
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++) e[2 * m] = i, e[2 * m + 1] = j, m++;
    return undirected(e, m);
}

/* A walk of length nodes from start drawn in budgets of `budget` proposals equals the walk drawn in
 * one (walk, proposals made, the random stream's position after it). */
static void check_budgets(const vg_node2vec_graph *g, double p, double q, uint32_t start, uint32_t length,
                          const uint32_t *whole, uint64_t proposals, uint64_t after, uint64_t budget) {
    uint32_t *walk = malloc(length * sizeof *walk);
    vg_node2vec_rng rng = {5};
    vg_node2vec_walker w;
    vg_node2vec_walk_start(&w, g, p, q, start, length, walk);
    uint64_t made = 0, calls = 0;
    int within = 1;
    while (!w.done) {
        uint64_t got = vg_node2vec_walk_on(&w, &rng, budget);
        within &= got >= 1 && got <= budget;
        made += got;
        calls++;
    }
    CHECK(within && made == proposals && w.len == length && memcmp(walk, whole, length * sizeof *walk) == 0 &&
              rng.state == after,
          "p %g q %g: the walk in budgets of %llu (%llu calls) is the walk in one", p, q, (unsigned long long)budget,
          (unsigned long long)calls);
    free(walk);
}

/* Why one walk can be long: node2vec_train allows p and q from 1e-6 to 1e6, and the rejection
 * sampler's proposals per step are then up to about 1e6 (here 1e4, the same derivation). Star of 5
 * leaves, p = q = 1e4, from a leaf: a step from the centre weighs every neighbour 1/q = 1/p = 1e-4
 * (no leaf neighbours another) under an envelope of 1, so each proposal is accepted with
 * probability 1e-4: 1e4 proposals a step on average; a leaf's step has no choice (one). Clique of 5,
 * p = 1e4, q = 1e-4: the envelope is 1/q = 1e4 over 4 neighbours, and the 3 that neighbour t weigh 1
 * (t itself 1e-4): 4e4 / 3.0001 = 13,332.9 proposals a step. Each mean of n steps within 3 standard
 * deviations (a geometric count's deviation is about its mean: mean * 3 / sqrt(n)). Then the same
 * walks drawn in budgets of 1, 7 and 1000 proposals. */
static void test_walk_budgets(void) {
    struct {
        vg_node2vec_graph g;
        double p, q;
        uint32_t length, cheap; /* cheap: steps of one proposal (the first, and each from a leaf) */
        double per_step;        /* the others' expected proposals */
    } c[2] = {{star(5), 1e4, 1e4, 801, 400, 1e4}, {clique(5), 1e4, 1e-4, 301, 1, 4e4 / 3.0001}};
    CHECK(c[0].g.start[1] == 5 && c[0].g.start[2] == 6, "the star's node 0 is its centre, node 1 a leaf");
    for (int k = 0; k < 2; k++) {
        uint32_t *walk = malloc(c[k].length * sizeof *walk);
        vg_node2vec_rng rng = {5};
        vg_node2vec_walker w;
        vg_node2vec_walk_start(&w, &c[k].g, c[k].p, c[k].q, 1, c[k].length, walk);
        uint64_t proposals = vg_node2vec_walk_on(&w, &rng, UINT64_MAX);
        double n = c[k].length - 1 - c[k].cheap, mean = (double)(proposals - c[k].cheap) / n;
        double tolerance = c[k].per_step * 3 / sqrt(n);
        CHECK(w.done && w.len == c[k].length && fabs(mean - c[k].per_step) < tolerance,
              "p %g q %g: %.0f proposals a step, expected %.0f +- %.0f", c[k].p, c[k].q, mean, c[k].per_step, tolerance);
        static const uint64_t budgets[] = {1, 7, 1000};
        for (int b = 0; b < 3; b++)
            check_budgets(&c[k].g, c[k].p, c[k].q, 1, c[k].length, walk, proposals, rng.state, budgets[b]);
        free(walk);
        vg_node2vec_graph_free(&c[k].g);
    }
}

static int stop_now(void *ctx) {
    ++*(int *)ctx;
    return 1;
}

static int stop_second(void *ctx) {
    return ++*(int *)ctx >= 2;
}

static int stop_third(void *ctx) {
    return ++*(int *)ctx >= 3;
}

/* node2vec_train's extremes: a walk of a million nodes at p = q = 1e6 on a star, about 1e6 proposals
 * for each step from the centre (test_walk_budgets' derivation), and at p = 1e6, q = 1e-6 on a clique
 * (about 1.3e6 a step): days of work in the first walk; training polls inside it and stops at the
 * third poll. */
static void test_stop_in_walk(void) {
    vg_node2vec_graph g[2] = {star(5), clique(5)};
    double q[2] = {1e6, 1e-6};
    for (int k = 0; k < 2; k++) {
        vg_node2vec_params p = {4, 1e6, q[k], 1, 1000000, 1, 1, 1, 0.025, 42};
        float *out = malloc((size_t)g[k].node_count * p.dims * sizeof *out);
        int polls = 0;
        CHECK(vg_node2vec_train(&g[k], &p, vg_kernels_scalar.dot, stop_third, &polls, out) == VG_NODE2VEC_STOPPED &&
                  polls == 3,
              "p 1e6 q %g: stopped inside the first walk at the third poll (polls %d)", q[k], polls);
        free(out);
        vg_node2vec_graph_free(&g[k]);
    }
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
    test_walk_budgets();
    test_train();
    test_stop_in_walk();
    test_schema();
}
