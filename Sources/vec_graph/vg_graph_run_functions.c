/* One call of each graph table-valued function: checks its arguments (before touching the edge
 * table), gets its graph (a search's from vg_graph_for_search, a whole one from vg_graph_acquire),
 * finds the start and end nodes, and runs the algorithm into rows. */
#include <string.h>

#include "vg_graph_sql.h"

/* Argument positions among the hidden columns, shared by every function. */
enum { ARG_EDGE_TABLE, ARG_SRC_COL, ARG_DST_COL, ARG_FOURTH, ARG_FIFTH, ARG_SIXTH };

static int is_null(sqlite3_value *v) {
    return !v || sqlite3_value_type(v) == SQLITE_NULL;
}

/* A bad argument: "fname: what, got <its value>" (SQLITE_NOMEM when its text or the message cannot be
 * allocated). */
static int bad_arg(char **err, const char *fname, const char *what, sqlite3_value *v) {
    const char *got = vg_graph_shown(v);
    return vg_graph_fail(err, SQLITE_ERROR, got ? sqlite3_mprintf("%s: %s, got %s", fname, what, got) : NULL);
}

/* A name argument: TEXT; NULL is allowed (as "not given") only when optional. */
static int name_arg(const char *fname, sqlite3_value *v, const char *what, int optional, const char **out, char **err) {
    *out = NULL;
    if (is_null(v) && optional) return SQLITE_OK;
    if (!is_null(v) && sqlite3_value_type(v) == SQLITE_TEXT) {
        *out = (const char *)sqlite3_value_text(v);
        return *out ? SQLITE_OK : SQLITE_NOMEM;
    }
    const char *got = vg_graph_shown(v);
    return vg_graph_fail(err, SQLITE_ERROR,
                         got ? sqlite3_mprintf("%s: %s must be a name (TEXT), got %s", fname, what, got) : NULL);
}

static int source_args(const char *fname, sqlite3_value *const *args, vg_graph_source *source, char **err) {
    memset(source, 0, sizeof *source);
    int rc = name_arg(fname, args[ARG_EDGE_TABLE], "edge_table", 0, &source->table, err);
    if (rc == SQLITE_OK) rc = name_arg(fname, args[ARG_SRC_COL], "src_col", 0, &source->src_col, err);
    if (rc == SQLITE_OK) rc = name_arg(fname, args[ARG_DST_COL], "dst_col", 0, &source->dst_col, err);
    return rc;
}

static int status_code(vg_graph_status st) {
    return st == VG_GRAPH_OK ? SQLITE_OK : SQLITE_NOMEM;
}

static int max_depth_arg(const char *fname, sqlite3_value *v, uint32_t *out, char **err) {
    *out = VG_GRAPH_NONE;
    if (is_null(v)) return SQLITE_OK;
    if (sqlite3_value_type(v) == SQLITE_INTEGER && sqlite3_value_int64(v) >= 0) {
        sqlite3_int64 d = sqlite3_value_int64(v);
        *out = d < (sqlite3_int64)VG_GRAPH_NONE ? (uint32_t)d : VG_GRAPH_NONE;
        return SQLITE_OK;
    }
    return bad_arg(err, fname, "max_depth must be an integer >= 0", v);
}

static int direction_arg(const char *fname, sqlite3_value *v, vg_graph_direction *out, char **err) {
    static const char *const names[] = {"forward", "reverse", "both"};
    *out = VG_GRAPH_FORWARD;
    if (is_null(v)) return SQLITE_OK;
    const char *text = vg_graph_shown(v);
    if (!text) return SQLITE_NOMEM; /* its text could not be made */
    for (int i = 0; sqlite3_value_type(v) == SQLITE_TEXT && i < 3; i++) {
        if (sqlite3_stricmp(text, names[i]) == 0) {
            *out = (vg_graph_direction)i;
            return SQLITE_OK;
        }
    }
    return vg_graph_fail(err, SQLITE_ERROR,
                         sqlite3_mprintf("%s: direction must be 'forward', 'reverse' or 'both', got %Q", fname, text));
}

/* The graph of a search from the start node (and to end_node), in res->graph (NULL: no rows). */
static int search_graph(sqlite3 *db, vg_graph_conn *conn, const char *fname, const vg_graph_source *source,
                        const vg_graph_search *search, vg_graph_result *res, char **err) {
    vg_graph_table t;
    int rc = vg_graph_resolve(db, conn, fname, source, &t, err);
    if (rc == SQLITE_OK) rc = vg_graph_for_search(db, conn, fname, &t, search, &res->graph, err);
    vg_graph_table_free(&t);
    return rc;
}

/* The whole graph of the edge table, in res->graph. */
static int whole_graph(sqlite3 *db, vg_graph_conn *conn, const char *fname, const vg_graph_source *source,
                       vg_graph_result *res, char **err) {
    vg_graph_table t;
    int rc = vg_graph_resolve(db, conn, fname, source, &t, err);
    if (rc == SQLITE_OK) rc = vg_graph_acquire(db, conn, fname, &t, 0, &res->graph, err);
    vg_graph_table_free(&t);
    return rc;
}

/* The node an argument names in res's graph, or VG_GRAPH_NONE. */
static uint32_t find_node(const vg_graph_result *res, sqlite3_value *v) {
    vg_graph_node_id id = vg_graph_node_arg(v);
    return res->graph ? vg_graph_find_node(&res->graph->graph, &id) : VG_GRAPH_NONE;
}

typedef vg_graph_status (*traversal)(const vg_graph *, uint32_t, uint32_t, vg_graph_direction, vg_graph_rows *);

/* graph_bfs and graph_dfs: hidden columns edge_table, src_col, dst_col, start_node, max_depth, direction. */
static int traverse(sqlite3 *db, vg_graph_conn *conn, const char *fname, sqlite3_value *const *args,
                    vg_graph_result *res, char **err, traversal walk) {
    vg_graph_source source;
    vg_graph_search search = {args[ARG_FOURTH], NULL, VG_GRAPH_NONE, VG_GRAPH_FORWARD};
    int rc = source_args(fname, args, &source, err);
    if (rc == SQLITE_OK) rc = max_depth_arg(fname, args[ARG_FIFTH], &search.max_depth, err);
    if (rc == SQLITE_OK) rc = direction_arg(fname, args[ARG_SIXTH], &search.dir, err);
    if (rc == SQLITE_OK) rc = search_graph(db, conn, fname, &source, &search, res, err);
    if (rc != SQLITE_OK) return rc;
    uint32_t start = find_node(res, args[ARG_FOURTH]);
    return start == VG_GRAPH_NONE ? SQLITE_OK
                                  : status_code(walk(&res->graph->graph, start, search.max_depth, search.dir, &res->rows));
}

int vg_graph_run_bfs(sqlite3 *db, vg_graph_conn *conn, const char *fname, sqlite3_value *const *args,
                     vg_graph_result *res, char **err) {
    return traverse(db, conn, fname, args, res, err, vg_graph_bfs);
}

int vg_graph_run_dfs(sqlite3 *db, vg_graph_conn *conn, const char *fname, sqlite3_value *const *args,
                     vg_graph_result *res, char **err) {
    return traverse(db, conn, fname, args, res, err, vg_graph_dfs);
}

/* Hidden columns edge_table, src_col, dst_col, start_node, end_node, weight_col. */
int vg_graph_run_shortest_path(sqlite3 *db, vg_graph_conn *conn, const char *fname, sqlite3_value *const *args,
                               vg_graph_result *res, char **err) {
    vg_graph_source source;
    vg_graph_search search = {args[ARG_FOURTH], args[ARG_FIFTH], VG_GRAPH_NONE, VG_GRAPH_FORWARD};
    int rc = source_args(fname, args, &source, err);
    if (rc == SQLITE_OK) rc = name_arg(fname, args[ARG_SIXTH], "weight_col", 1, &source.weight_col, err);
    if (rc == SQLITE_OK) rc = search_graph(db, conn, fname, &source, &search, res, err);
    if (rc != SQLITE_OK) return rc;
    res->weighted = source.weight_col != NULL;
    uint32_t start = find_node(res, args[ARG_FOURTH]), end = find_node(res, args[ARG_FIFTH]);
    if (start == VG_GRAPH_NONE || end == VG_GRAPH_NONE) return SQLITE_OK;
    return status_code(vg_graph_shortest_path(&res->graph->graph, start, end, res->weighted, &res->rows));
}

/* Hidden columns edge_table, src_col, dst_col. */
int vg_graph_run_components(sqlite3 *db, vg_graph_conn *conn, const char *fname, sqlite3_value *const *args,
                            vg_graph_result *res, char **err) {
    vg_graph_source source;
    int rc = source_args(fname, args, &source, err);
    if (rc == SQLITE_OK) rc = whole_graph(db, conn, fname, &source, res, err);
    return rc == SQLITE_OK ? status_code(vg_graph_components(&res->graph->graph, &res->rows)) : rc;
}

/* The largest iterations argument accepted. */
#define MAX_ITERATIONS 1000000
#define VG_GRAPH_STR(x) VG_GRAPH_STR_(x)
#define VG_GRAPH_STR_(x) #x

/* Hidden columns edge_table, src_col, dst_col, damping, iterations. */
int vg_graph_run_pagerank(sqlite3 *db, vg_graph_conn *conn, const char *fname, sqlite3_value *const *args,
                          vg_graph_result *res, char **err) {
    vg_graph_source source;
    double damping = 0.85;
    long long iterations = -1;
    sqlite3_value *d = args[ARG_FOURTH], *it = args[ARG_FIFTH];
    int rc = source_args(fname, args, &source, err);
    if (rc == SQLITE_OK && !is_null(d)) {
        int type = sqlite3_value_type(d);
        damping = sqlite3_value_double(d);
        if ((type != SQLITE_INTEGER && type != SQLITE_FLOAT) || !(damping >= 0.0 && damping <= 1.0))
            rc = bad_arg(err, fname, "damping must be a number from 0 to 1", d);
    }
    if (rc == SQLITE_OK && !is_null(it)) {
        iterations = sqlite3_value_int64(it);
        if (sqlite3_value_type(it) != SQLITE_INTEGER || iterations < 0 || iterations > MAX_ITERATIONS)
            rc = bad_arg(err, fname, "iterations must be an integer from 0 to " VG_GRAPH_STR(MAX_ITERATIONS), it);
    }
    if (rc == SQLITE_OK) rc = whole_graph(db, conn, fname, &source, res, err);
    return rc == SQLITE_OK ? status_code(vg_graph_pagerank(&res->graph->graph, damping, iterations, &res->rows)) : rc;
}
