/* node2vec_train(edge_table, src_col, dst_col, output_table, dimensions, p, q, num_walks, walk_length,
 * window, neg_samples, learning_rate, epochs [, seed]): checks every argument and the output index,
 * gets the edge table's graph as the graph functions do (the connection's cache, or a full read), trains (vg_node2vec_train.c) and writes the
 * vectors (vg_node2vec_output_functions.c); returns the number of nodes embedded. Training polls for
 * sqlite3_interrupt and progress handlers; nothing is written unless every vector is. */
#include <math.h>
#include <string.h>

#include "vg_functions.h"
#include "vg_node2vec.h"
#include "vg_graph_sql.h"
#include "vg_node2vec_sql.h"
#include "vg_vector.h"

/* Bounds beyond which no useful call lies (and counters stay far from overflow). */
#define MAX_COUNT 1000000
#define MIN_PQ 1e-6
#define MAX_PQ 1e6

enum { ARG_EDGE_TABLE, ARG_SRC, ARG_DST, ARG_OUTPUT, ARG_DIMS, ARG_P, ARG_Q, ARG_NUM_WALKS, ARG_WALK_LENGTH,
       ARG_WINDOW, ARG_NEG, ARG_RATE, ARG_EPOCHS, ARG_SEED, ARG_COUNT };

static const char *const arg_name[ARG_COUNT] = {"edge_table", "src_col", "dst_col", "output_table", "dimensions",
                                                "p", "q", "num_walks", "walk_length", "window", "neg_samples",
                                                "learning_rate", "epochs", "seed"};

static void fail(sqlite3_context *ctx, int rc, char *msg) {
    sqlite3_result_error(ctx, msg ? msg : VG_NODE2VEC_FNAME ": out of memory", -1);
    sqlite3_result_error_code(ctx, msg ? rc : SQLITE_NOMEM);
    sqlite3_free(msg);
}

/* A bad argument's message is not made when its value's text cannot be (vg_graph_shown NULL): *err
 * stays NULL, which fail() reports as out of memory. */
static const char *text_arg(sqlite3_value **argv, int i, char **err) {
    int is_text = sqlite3_value_type(argv[i]) == SQLITE_TEXT;
    const char *s = is_text ? (const char *)sqlite3_value_text(argv[i]) : NULL;
    if (!is_text) *err = sqlite3_mprintf("%s: %s must be a table or column name (TEXT)", VG_NODE2VEC_FNAME, arg_name[i]);
    return s;
}

static int count_arg(sqlite3_value **argv, int i, sqlite3_int64 max, uint32_t *out, char **err) {
    sqlite3_int64 v = sqlite3_value_int64(argv[i]);
    if (sqlite3_value_type(argv[i]) == SQLITE_INTEGER && v >= 1 && v <= max) {
        *out = (uint32_t)v;
        return 1;
    }
    const char *got = vg_graph_shown(argv[i]);
    if (got)
        *err = sqlite3_mprintf("%s: %s must be an integer from 1 to %lld, got %s", VG_NODE2VEC_FNAME, arg_name[i], max, got);
    return 0;
}

/* A number > 0, and within [lo, hi]. */
static int positive_arg(sqlite3_value **argv, int i, double lo, double hi, double *out, char **err) {
    int type = sqlite3_value_type(argv[i]);
    double v = sqlite3_value_double(argv[i]);
    int positive = (type == SQLITE_INTEGER || type == SQLITE_FLOAT) && v > 0.0, in_range = v >= lo && v <= hi;
    *out = v;
    if (positive && in_range) return 1;
    const char *got = vg_graph_shown(argv[i]);
    if (got && !positive)
        *err = sqlite3_mprintf("%s: %s must be a number > 0, got %s", VG_NODE2VEC_FNAME, arg_name[i], got);
    else if (got)
        *err = sqlite3_mprintf("%s: %s must be from %g to %g, got %s", VG_NODE2VEC_FNAME, arg_name[i], lo, hi, got);
    return 0;
}

static int read_params(int argc, sqlite3_value **argv, vg_graph_source *src, const char **output,
                       vg_node2vec_params *p, char **err) {
    memset(p, 0, sizeof *p);
    memset(src, 0, sizeof *src);
    if (!(src->table = text_arg(argv, ARG_EDGE_TABLE, err)) || !(src->src_col = text_arg(argv, ARG_SRC, err)) ||
        !(src->dst_col = text_arg(argv, ARG_DST, err)) || !(*output = text_arg(argv, ARG_OUTPUT, err)) ||
        !count_arg(argv, ARG_DIMS, VG_MAX_DIMS, &p->dims, err) ||
        !positive_arg(argv, ARG_P, MIN_PQ, MAX_PQ, &p->p, err) || !positive_arg(argv, ARG_Q, MIN_PQ, MAX_PQ, &p->q, err) ||
        !count_arg(argv, ARG_NUM_WALKS, MAX_COUNT, &p->num_walks, err) ||
        !count_arg(argv, ARG_WALK_LENGTH, MAX_COUNT, &p->walk_length, err) ||
        !count_arg(argv, ARG_WINDOW, MAX_COUNT, &p->window, err) ||
        !count_arg(argv, ARG_NEG, MAX_COUNT, &p->neg_samples, err) ||
        !positive_arg(argv, ARG_RATE, 0.0, 1e6, &p->learning_rate, err) ||
        !count_arg(argv, ARG_EPOCHS, MAX_COUNT, &p->epochs, err))
        return 0;
    p->seed = VG_NODE2VEC_DEFAULT_SEED;
    if (argc > ARG_SEED && sqlite3_value_type(argv[ARG_SEED]) != SQLITE_NULL) {
        if (sqlite3_value_type(argv[ARG_SEED]) != SQLITE_INTEGER) {
            const char *got = vg_graph_shown(argv[ARG_SEED]);
            if (got) *err = sqlite3_mprintf("%s: seed must be an integer, got %s", VG_NODE2VEC_FNAME, got);
            return 0;
        }
        p->seed = (uint64_t)sqlite3_value_int64(argv[ARG_SEED]);
    }
    return 1;
}

/* The stop callback's state: a cheap statement whose step fails once the connection is interrupted
 * (sqlite3_interrupt) or a progress handler asks to stop; on SQLite >= 3.41 sqlite3_is_interrupted
 * answers first, without running anything. SQLite counts a statement's steps from 0 at every run,
 * so the probe runs ~1,100 VM steps (~10 us): a progress handler called every N <= 1000 steps (as
 * apps set them for time limits) is called during every poll. */
#define PROBE_SQL "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 64) SELECT count(*) FROM n"

typedef struct poller {
    sqlite3 *db;
    sqlite3_stmt *probe;
    int rc;
} poller;

static int should_stop(void *ctx) {
    poller *pl = ctx;
#if SQLITE_VERSION_NUMBER >= 3041000
    if (VG_RUNNING_SQLITE() >= 3041000 && sqlite3_is_interrupted(pl->db)) {
        pl->rc = SQLITE_INTERRUPT;
        return 1;
    }
#endif
    sqlite3_step(pl->probe);
    pl->rc = sqlite3_reset(pl->probe); /* the step's error, if it failed */
    if (pl->rc == SQLITE_OK) return 0;
    if (pl->rc != SQLITE_NOMEM) pl->rc = SQLITE_INTERRUPT;
    return 1;
}

static int all_finite(const float *v, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i])) return 0;
    return 1;
}

/* Trains on the loaded graph into vectors; err set on failure (except out of memory). */
static int train(sqlite3 *db, const vg_graph *g, const vg_node2vec_params *p, const vg_kernels *k, float *vectors,
                 char **err) {
    vg_node2vec_graph ug;
    if (vg_node2vec_graph_from(g, &ug) != VG_NODE2VEC_OK) return SQLITE_NOMEM;
    poller pl = {db, NULL, SQLITE_OK};
    int rc = sqlite3_prepare_v2(db, PROBE_SQL, -1, &pl.probe, NULL);
    if (rc == SQLITE_OK) {
        vg_node2vec_status st = vg_node2vec_train(&ug, p, k->dot, should_stop, &pl, vectors);
        rc = st == VG_NODE2VEC_NOMEM ? SQLITE_NOMEM : st == VG_NODE2VEC_STOPPED ? pl.rc : SQLITE_OK;
    }
    sqlite3_finalize(pl.probe);
    vg_node2vec_graph_free(&ug);
    if (rc == SQLITE_INTERRUPT) *err = sqlite3_mprintf("%s: interrupted", VG_NODE2VEC_FNAME);
    if (rc == SQLITE_OK && !all_finite(vectors, (size_t)g->node_count * p->dims)) {
        *err = sqlite3_mprintf("%s: training diverged (vectors are not finite): lower learning_rate", VG_NODE2VEC_FNAME);
        rc = SQLITE_ERROR;
    }
    return rc;
}

/* The function's client data. */
typedef struct node2vec_app {
    const vg_kernels *kernels;
    vg_graph_conn *graphs;
} node2vec_app;

/* The edge table's graph with in-edges (node2vec walks it undirected), in *out. */
static int edge_graph(sqlite3 *db, vg_graph_conn *graphs, const vg_graph_source *src, vg_graph_shared **out, char **err) {
    vg_graph_table t;
    int rc = vg_graph_resolve(db, graphs, VG_NODE2VEC_FNAME, src, &t, err);
    if (rc == SQLITE_OK) rc = vg_graph_acquire(db, graphs, VG_NODE2VEC_FNAME, &t, 1, out, err);
    vg_graph_table_free(&t);
    return rc;
}

static void node2vec_train(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
    sqlite3 *db = sqlite3_context_db_handle(ctx);
    const node2vec_app *app = sqlite3_user_data(ctx);
    vg_graph_source src;
    const char *output = NULL;
    vg_node2vec_params p;
    char *err = NULL;
    if (!read_params(argc, argv, &src, &output, &p, &err)) {
        fail(ctx, SQLITE_ERROR, err);
        return;
    }
    vg_node2vec_output out;
    vg_graph_shared *shared = NULL;
    float *vectors = NULL;
    int rc = vg_node2vec_output_open(db, output, p.dims, &out, &err);
    if (rc == SQLITE_OK) rc = edge_graph(db, app->graphs, &src, &shared, &err);
    const vg_graph *g = shared ? &shared->graph : NULL;
    if (rc == SQLITE_OK && g->node_count == 0) {
        err = sqlite3_mprintf("%s: the graph is empty: %s has no edge with two non-NULL ends", VG_NODE2VEC_FNAME, src.table);
        rc = SQLITE_ERROR;
    }
    if (rc == SQLITE_OK) {
        vectors = sqlite3_malloc64((sqlite3_uint64)g->node_count * p.dims * sizeof *vectors);
        rc = vectors ? train(db, g, &p, app->kernels, vectors, &err) : SQLITE_NOMEM;
    }
    if (rc == SQLITE_OK) rc = vg_node2vec_output_write(db, &out, g, vectors, p.dims, &err);
    if (rc == SQLITE_OK) sqlite3_result_int64(ctx, (sqlite3_int64)g->node_count);
    else fail(ctx, rc, err);
    sqlite3_free(vectors);
    vg_graph_shared_release(shared);
    vg_node2vec_output_close(&out);
}

static void node2vec_app_free(void *p) {
    node2vec_app *app = p;
    vg_graph_conn_release(app->graphs);
    sqlite3_free(app);
}

int vg_register_node2vec(sqlite3 *db, const vg_kernels *kernels, vg_graph_conn *graphs) {
    /* it writes: never from a trigger or a view when the running SQLite can say so */
    int flags = SQLITE_UTF8 | (VG_RUNNING_SQLITE() >= 3030000 ? SQLITE_DIRECTONLY : 0);
    int rc = SQLITE_OK;
    for (int n = ARG_COUNT - 1; n <= ARG_COUNT && rc == SQLITE_OK; n++) {
        node2vec_app *app = sqlite3_malloc(sizeof *app);
        if (!app) return SQLITE_NOMEM;
        app->kernels = kernels;
        app->graphs = graphs;
        vg_graph_conn_retain(graphs);
        /* on failure SQLite calls node2vec_app_free itself */
        rc = sqlite3_create_function_v2(db, "node2vec_train", n, flags, app, node2vec_train, NULL, NULL, node2vec_app_free);
    }
    return rc;
}
