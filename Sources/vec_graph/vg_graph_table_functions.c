/* The graph table-valued functions as eponymous virtual tables (xCreate NULL): graph_bfs, graph_dfs,
 * graph_shortest_path, graph_components, graph_pagerank. Inputs are equality constraints on hidden
 * columns, so both graph_bfs('edges', 'src', 'dst', 1) and WHERE edge_table = 'edges' AND ... work.
 * xFilter computes every row at once (see vg_graph_run_functions.c); the cursor then walks them, holding
 * a reference to the graph its node ids come from. Every module of a connection shares its graph
 * state (strategy and cache, vg_graph_conn_functions.c), released by the module destructor. */
#include <string.h>

#include "vg_functions.h"
#include "vg_graph_sql.h"

#define MAX_ARGS 6

/* How to produce an output column from a result row. */
typedef enum out_kind { OUT_NODE, OUT_LINK, OUT_INT, OUT_REAL, OUT_DISTANCE, OUT_ORDER } out_kind;

typedef struct graph_function {
    const char *name;
    const char *declaration;
    const char *usage;
    int n_out;
    out_kind out[3];
    int n_args;
    const char *arg_name[MAX_ARGS];
    unsigned required; /* bit i: hidden column i must be given */
    vg_graph_runner run;
} graph_function;

static const graph_function functions[] = {
    {"graph_bfs",
     "CREATE TABLE x(node, depth INTEGER, parent, edge_table HIDDEN, src_col HIDDEN, dst_col HIDDEN, start_node HIDDEN,"
     " max_depth HIDDEN, direction HIDDEN)",
     "graph_bfs(edge_table, src_col, dst_col, start_node [, max_depth [, direction]])",
     3, {OUT_NODE, OUT_INT, OUT_LINK}, 6,
     {"edge_table", "src_col", "dst_col", "start_node", "max_depth", "direction"}, 0xF, vg_graph_run_bfs},
    {"graph_dfs",
     "CREATE TABLE x(node, depth INTEGER, parent, edge_table HIDDEN, src_col HIDDEN, dst_col HIDDEN, start_node HIDDEN,"
     " max_depth HIDDEN, direction HIDDEN)",
     "graph_dfs(edge_table, src_col, dst_col, start_node [, max_depth [, direction]])",
     3, {OUT_NODE, OUT_INT, OUT_LINK}, 6,
     {"edge_table", "src_col", "dst_col", "start_node", "max_depth", "direction"}, 0xF, vg_graph_run_dfs},
    {"graph_shortest_path",
     "CREATE TABLE x(node, distance, path_order INTEGER, edge_table HIDDEN, src_col HIDDEN, dst_col HIDDEN,"
     " start_node HIDDEN, end_node HIDDEN, weight_col HIDDEN)",
     "graph_shortest_path(edge_table, src_col, dst_col, start_node, end_node [, weight_col])",
     3, {OUT_NODE, OUT_DISTANCE, OUT_ORDER}, 6,
     {"edge_table", "src_col", "dst_col", "start_node", "end_node", "weight_col"}, 0x1F, vg_graph_run_shortest_path},
    {"graph_components",
     "CREATE TABLE x(node, component_id, component_size INTEGER, edge_table HIDDEN, src_col HIDDEN, dst_col HIDDEN)",
     "graph_components(edge_table, src_col, dst_col)",
     3, {OUT_NODE, OUT_LINK, OUT_INT}, 3,
     {"edge_table", "src_col", "dst_col"}, 0x7, vg_graph_run_components},
    {"graph_pagerank",
     "CREATE TABLE x(node, rank REAL, edge_table HIDDEN, src_col HIDDEN, dst_col HIDDEN, damping HIDDEN,"
     " iterations HIDDEN)",
     "graph_pagerank(edge_table, src_col, dst_col [, damping [, iterations]])",
     2, {OUT_NODE, OUT_REAL}, 5,
     {"edge_table", "src_col", "dst_col", "damping", "iterations"}, 0x7, vg_graph_run_pagerank},
};

/* How deep one function may be nested in itself, through a view used as its edge table. */
#define MAX_NESTING 4

/* A module's client data: its function and the connection's graph state. */
typedef struct graph_module {
    const graph_function *fn;
    vg_graph_conn *conn;
} graph_module;

typedef struct graph_vtab {
    sqlite3_vtab base;
    sqlite3 *db;
    const graph_function *fn;
    vg_graph_conn *conn;
    int nesting;
} graph_vtab;

typedef struct graph_cursor {
    sqlite3_vtab_cursor base;
    sqlite3_value *args[MAX_ARGS];
    vg_graph_result res;
    uint32_t row;
} graph_cursor;

static int graph_connect(sqlite3 *db, void *aux, int argc, const char *const *argv, sqlite3_vtab **out, char **err) {
    (void)argc;
    (void)argv;
    const graph_module *module = aux;
    const graph_function *fn = module->fn;
    int rc = sqlite3_declare_vtab(db, fn->declaration);
    if (rc != SQLITE_OK) {
        *err = sqlite3_mprintf("%s: %s", fn->name, sqlite3_errmsg(db));
        return rc;
    }
    graph_vtab *vt = sqlite3_malloc(sizeof *vt);
    if (!vt) return SQLITE_NOMEM;
    memset(vt, 0, sizeof *vt);
    vt->db = db;
    vt->fn = fn;
    vt->conn = module->conn;
    *out = &vt->base;
    return SQLITE_OK;
}

static int graph_disconnect(sqlite3_vtab *tab) {
    sqlite3_free(tab);
    return SQLITE_OK;
}

/* Uses the first usable equality constraint of each hidden column, in column order, as xFilter's
 * arguments; idxNum records which columns are given. A plan that lacks a required argument is not
 * refused (SQLITE_CONSTRAINT would end in "no query solution" on recent SQLite, and older ones do
 * not know it) but priced out: when nothing better exists, xFilter names the missing argument. */
static int graph_best_index(sqlite3_vtab *tab, sqlite3_index_info *info) {
    const graph_function *fn = ((graph_vtab *)tab)->fn;
    int chosen[MAX_ARGS];
    for (int a = 0; a < MAX_ARGS; a++) chosen[a] = -1;
    for (int i = 0; i < info->nConstraint; i++) {
        const struct sqlite3_index_constraint *c = &info->aConstraint[i];
        int a = c->iColumn - fn->n_out;
        if (a < 0 || a >= fn->n_args || !c->usable || c->op != SQLITE_INDEX_CONSTRAINT_EQ || chosen[a] >= 0) continue;
        chosen[a] = i;
    }
    int given = 0, n = 0;
    for (int a = 0; a < fn->n_args; a++) {
        if (chosen[a] < 0) continue;
        info->aConstraintUsage[chosen[a]].argvIndex = ++n;
        info->aConstraintUsage[chosen[a]].omit = 1;
        given |= 1 << a;
    }
    info->idxNum = given;
    if ((fn->required & ~(unsigned)given) != 0) {
        info->estimatedCost = 1e30;
        info->estimatedRows = 2147483647;
    } else {
        info->estimatedCost = 100000.0;
        info->estimatedRows = 1000;
    }
    return SQLITE_OK;
}

static int graph_open(sqlite3_vtab *tab, sqlite3_vtab_cursor **out) {
    (void)tab;
    graph_cursor *cur = sqlite3_malloc(sizeof *cur);
    if (!cur) return SQLITE_NOMEM;
    memset(cur, 0, sizeof *cur);
    *out = &cur->base;
    return SQLITE_OK;
}

static void reset(graph_cursor *cur) {
    for (int a = 0; a < MAX_ARGS; a++) {
        sqlite3_value_free(cur->args[a]);
        cur->args[a] = NULL;
    }
    vg_graph_shared_release(cur->res.graph);
    cur->res.graph = NULL;
    vg_graph_rows_free(&cur->res.rows);
    cur->res.weighted = 0;
    cur->row = 0;
}

static int graph_close(sqlite3_vtab_cursor *base) {
    reset((graph_cursor *)base);
    sqlite3_free(base);
    return SQLITE_OK;
}

/* Every plain error of the graph functions comes with a message: SQLITE_ERROR without one is a
 * message whose allocation failed, so it is reported as what it is, SQLITE_NOMEM. */
static int set_error(sqlite3_vtab *tab, int rc, char *message) {
    sqlite3_free(tab->zErrMsg);
    tab->zErrMsg = message;
    return rc == SQLITE_ERROR && !message ? SQLITE_NOMEM : rc;
}

static int graph_filter(sqlite3_vtab_cursor *base, int idx_num, const char *idx_str, int argc, sqlite3_value **argv) {
    (void)idx_str;
    graph_cursor *cur = (graph_cursor *)base;
    graph_vtab *vt = (graph_vtab *)base->pVtab;
    const graph_function *fn = vt->fn;
    reset(cur);
    for (int a = 0, k = 0; a < fn->n_args && k < argc; a++) {
        if (!(idx_num & (1 << a))) continue;
        cur->args[a] = sqlite3_value_dup(argv[k++]);
        if (!cur->args[a]) return SQLITE_NOMEM;
    }
    for (int a = 0; a < fn->n_args; a++) {
        if (!(fn->required & (1u << a)) || cur->args[a]) continue;
        return set_error(&vt->base, SQLITE_ERROR, sqlite3_mprintf("%s: missing argument %s; usage: %s", fn->name,
                                                                  fn->arg_name[a], fn->usage));
    }
    if (vt->nesting >= MAX_NESTING)
        return set_error(&vt->base, SQLITE_ERROR, sqlite3_mprintf("%s: nested too deeply (does edge_table read %s?)",
                                                                  fn->name, fn->name));
    char *err = NULL;
    vt->nesting++;
    int rc = fn->run(vt->db, vt->conn, fn->name, cur->args, &cur->res, &err);
    vt->nesting--;
    if (rc != SQLITE_OK) {
        reset(cur);
        return set_error(&vt->base, rc, err);
    }
    return SQLITE_OK;
}

static int graph_next(sqlite3_vtab_cursor *base) {
    ((graph_cursor *)base)->row++;
    return SQLITE_OK;
}

static int graph_eof(sqlite3_vtab_cursor *base) {
    graph_cursor *cur = (graph_cursor *)base;
    return cur->row >= cur->res.rows.count;
}

static void result_node(sqlite3_context *ctx, const vg_graph_shared *shared, uint32_t v) {
    const vg_graph *g = &shared->graph;
    if (v == VG_GRAPH_NONE) sqlite3_result_null(ctx);
    else if (g->type == VG_GRAPH_INT_IDS) sqlite3_result_int64(ctx, g->ints[v]);
    else sqlite3_result_text(ctx, g->text + g->text_off[v], (int)g->text_len[v], SQLITE_TRANSIENT);
}

static int graph_column(sqlite3_vtab_cursor *base, sqlite3_context *ctx, int col) {
    graph_cursor *cur = (graph_cursor *)base;
    const graph_function *fn = ((graph_vtab *)base->pVtab)->fn;
    const vg_graph_rows *rows = &cur->res.rows;
    uint32_t r = cur->row;
    if (col >= fn->n_out) {
        sqlite3_value *arg = cur->args[col - fn->n_out];
        if (arg) sqlite3_result_value(ctx, arg);
        else sqlite3_result_null(ctx);
        return SQLITE_OK;
    }
    switch (fn->out[col]) {
    case OUT_NODE: result_node(ctx, cur->res.graph, rows->node[r]); break;
    case OUT_LINK: result_node(ctx, cur->res.graph, rows->link[r]); break;
    case OUT_INT: sqlite3_result_int64(ctx, (sqlite3_int64)rows->value[r]); break;
    case OUT_REAL: sqlite3_result_double(ctx, rows->value[r]); break;
    case OUT_DISTANCE:
        if (cur->res.weighted) sqlite3_result_double(ctx, rows->value[r]);
        else sqlite3_result_int64(ctx, (sqlite3_int64)rows->value[r]);
        break;
    case OUT_ORDER: sqlite3_result_int64(ctx, r); break;
    }
    return SQLITE_OK;
}

static int graph_rowid(sqlite3_vtab_cursor *base, sqlite3_int64 *rowid) {
    *rowid = (sqlite3_int64)((graph_cursor *)base)->row + 1;
    return SQLITE_OK;
}

static const sqlite3_module graph_module_methods = {
    .iVersion = 0,
    .xCreate = NULL, /* eponymous only: no CREATE VIRTUAL TABLE */
    .xConnect = graph_connect,
    .xBestIndex = graph_best_index,
    .xDisconnect = graph_disconnect,
    .xOpen = graph_open,
    .xClose = graph_close,
    .xFilter = graph_filter,
    .xNext = graph_next,
    .xEof = graph_eof,
    .xColumn = graph_column,
    .xRowid = graph_rowid,
};

static void graph_module_free(void *p) {
    graph_module *module = p;
    vg_graph_conn_release(module->conn);
    sqlite3_free(module);
}

int vg_register_graph_functions(sqlite3 *db, vg_graph_conn *conn) {
    for (size_t i = 0; i < sizeof functions / sizeof functions[0]; i++) {
        graph_module *module = sqlite3_malloc(sizeof *module);
        if (!module) return SQLITE_NOMEM;
        module->fn = &functions[i];
        module->conn = conn;
        vg_graph_conn_retain(conn);
        /* on failure SQLite calls graph_module_free itself */
        int rc = sqlite3_create_module_v2(db, functions[i].name, &graph_module_methods, module, graph_module_free);
        if (rc != SQLITE_OK) return rc;
    }
    return SQLITE_OK;
}
