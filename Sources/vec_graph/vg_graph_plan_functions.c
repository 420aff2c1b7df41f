/* Which graph a search from a start node runs on (graph_bfs, graph_dfs, graph_shortest_path):
 *   1. a current cached whole graph, when the connection keeps one (free);
 *   2. else, when the table has an index on each column the search follows, the part around the
 *      start read through them (vg_graph_expand.c), within a budget: 1/BUDGET_FRACTION of the cost of
 *      reading the whole table (its rows from sqlite_stat1, else its rowid span, at most what the
 *      database's pages hold; a WITHOUT ROWID table: that bound), in row units; with
 *      sqlite_stat1's rows per key, a bounded traversal predicted to cost more skips straight to 3
 *      (the estimate is vg_graph_resolve's);
 *   3. else, and once a search passes its budget, the whole table (then cached, see
 *      vg_graph_conn_functions.c).
 * VEC_GRAPH_STRATEGY forces one: "index" (2 without a budget, wherever the indexes exist; never a
 * cache), "load" (3, never cached), "cache" (1, else 3). */
#include <stdint.h>
#include <string.h>

#include "vg_graph_sql.h"

/* An index-driven search may cost at most this fraction of a full read. */
#define BUDGET_FRACTION 32
/* The budget when the table's size is unknown (its database's page count could not be read). */
#define UNKNOWN_SIZE_BUDGET 65536
/* from_indexes' "read the table instead". */
#define READ_TABLE (-2)

/* The budget of an index-driven search following the sides in use (0: read the table instead). */
static size_t budget(const vg_graph_table *t, const vg_graph_search *search, const int use[2]) {
    size_t limit = t->rows > 0 ? (size_t)(t->rows / BUDGET_FRACTION) : UNKNOWN_SIZE_BUDGET;
    if (search->end || search->max_depth == VG_GRAPH_NONE) return limit;
    double growth = 0, per_node = 0;
    for (int side = 0; side < 2; side++) {
        if (!use[side]) continue;
        if (t->index[side].per_key <= 0) return limit; /* no statistics: the budget alone decides */
        growth += (double)t->index[side].per_key;
        per_node += VG_GRAPH_LOCAL_LOOKUP_COST + VG_GRAPH_LOCAL_ROW_COST * (double)t->index[side].per_key;
    }
    double lists = 0, layer = 1;
    for (uint32_t depth = 0; depth < search->max_depth && lists * per_node <= (double)limit; depth++) {
        lists += layer;
        layer *= growth;
    }
    return lists * per_node > (double)limit ? 0 : limit;
}

static vg_graph_status give(vg_graph_local *local, const vg_graph_node_id *id, uint32_t *number) {
    return id->type == VG_GRAPH_INT_IDS ? vg_graph_local_give_int(local, id->i, number)
                                        : vg_graph_local_give_text(local, id->text, id->len, number);
}

/* Whether start is a node of the table: met in a fetched row, or in its rows on a side not read yet.
 * *known 0 when a side without an index leaves it open. */
static vg_graph_status start_exists(vg_graph_local *local, const vg_graph_table *t, uint32_t start, int *exists,
                                    int *known) {
    *known = 1;
    vg_graph_status st = VG_GRAPH_OK;
    for (int side = 0; side < 2 && st == VG_GRAPH_OK && !(local->flags[start] & VG_GRAPH_LOCAL_MET); side++) {
        if (!t->index[side].name) *known = 0;
        else st = vg_graph_local_fetch(local, start, side ? VG_GRAPH_REVERSE : VG_GRAPH_FORWARD);
    }
    *exists = (local->flags[start] & VG_GRAPH_LOCAL_MET) != 0;
    if (*exists) *known = 1;
    return st;
}

/* A local search's status as an SQLite code, or READ_TABLE. */
static int local_rc(vg_graph_status st, const vg_graph_local *local, vg_graph_lookups *lk, const char *fname, char **err) {
    switch (st) {
    case VG_GRAPH_OK: return SQLITE_OK;
    case VG_GRAPH_OVER_BUDGET: return READ_TABLE;
    case VG_GRAPH_FETCH_FAILED:
        if (local->fetch_rc == VG_GRAPH_NOT_A_SEARCH) return READ_TABLE;
        *err = lk->err;
        lk->err = NULL;
        return local->fetch_rc;
    default: return vg_graph_builder_code(fname, st, err);
    }
}

/* The part of t a search reads, through t's indexes (*out NULL: start is no node); READ_TABLE when
 * they cannot serve it. */
static int from_indexes(sqlite3 *db, const vg_graph_conn *conn, const char *fname, const vg_graph_table *t,
                        const vg_graph_search *search, const vg_graph_node_id *ids, vg_graph_shared **out, char **err) {
    int path = search->end != NULL;
    int use[2] = {path || search->dir != VG_GRAPH_REVERSE, path ? t->index[1].name != NULL : search->dir != VG_GRAPH_FORWARD};
    if ((use[0] && !t->index[0].name) || (use[1] && !t->index[1].name)) return READ_TABLE;
    size_t limit = conn->strategy == VG_GRAPH_INDEX ? SIZE_MAX : budget(t, search, use);
    if (limit == 0) return READ_TABLE;

    vg_graph_lookups lk;
    vg_graph_lookups_init(&lk, db, fname, t);
    vg_graph_local local;
    vg_graph_local_init(&local, path && t->col[2], vg_graph_lookups_fetch, &lk, limit);
    uint32_t start, end = 0;
    vg_graph_status st = give(&local, &ids[0], &start);
    if (st == VG_GRAPH_OK && path) st = give(&local, &ids[1], &end);
    if (st == VG_GRAPH_OK)
        st = path ? vg_graph_expand_path(&local, start, end, t->col[2] != NULL, use[1])
                  : vg_graph_expand_traversal(&local, start, search->max_depth, search->dir);
    int exists = 1, known = 1;
    if (st == VG_GRAPH_OK && (!path || start == end)) st = start_exists(&local, t, start, &exists, &known);
    vg_graph g;
    memset(&g, 0, sizeof g);
    if (st == VG_GRAPH_OK && exists) st = vg_graph_local_build(&local, !path && search->dir != VG_GRAPH_FORWARD, &g);
    int rc = local_rc(st, &local, &lk, fname, err);
    if (rc == SQLITE_OK && !known) rc = READ_TABLE;
    if (rc == SQLITE_OK && exists && !(*out = vg_graph_share(&g))) rc = SQLITE_NOMEM;
    vg_graph_free(&g);
    vg_graph_local_free(&local);
    vg_graph_lookups_close(&lk);
    return rc;
}

int vg_graph_for_search(sqlite3 *db, vg_graph_conn *conn, const char *fname, const vg_graph_table *t,
                        const vg_graph_search *search, vg_graph_shared **out, char **err) {
    *out = NULL;
    vg_graph_node_id ids[2] = {vg_graph_node_arg(search->start), vg_graph_node_arg(search->end)};
    if (ids[0].type == VG_GRAPH_NO_IDS || (search->end && ids[1].type != ids[0].type)) return SQLITE_OK;
    int with_in_edges = !search->end && search->dir != VG_GRAPH_FORWARD;
    int rc = vg_graph_cached(db, conn, t, with_in_edges, out);
    if (rc != SQLITE_OK || *out) return rc;
    if ((conn->strategy == VG_GRAPH_AUTO || conn->strategy == VG_GRAPH_INDEX) && t->is_table) {
        rc = from_indexes(db, conn, fname, t, search, ids, out, err);
        if (rc != READ_TABLE) return rc;
    }
    return vg_graph_acquire(db, conn, fname, t, with_in_edges, out, err);
}
