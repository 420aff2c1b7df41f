/* Reading a whole edge table for the graph functions: once, with one statement of names found in the
 * schema (vg_graph_source_functions.c) as quoted identifiers, straight into the graph builder. */
#include <string.h>

#include "vg_graph_sql.h"

/* The statement that reads every edge row of t. */
static char *edge_query(const vg_graph_table *t) {
    if (t->col[2])
        return sqlite3_mprintf("SELECT \"%w\", \"%w\", \"%w\" FROM \"%w\".\"%w\"", t->col[0], t->col[1], t->col[2], t->schema,
                               t->name);
    return sqlite3_mprintf("SELECT \"%w\", \"%w\" FROM \"%w\".\"%w\"", t->col[0], t->col[1], t->schema, t->name);
}

/* INTEGER edges go to the builder in batches, so that it can prefetch their hash slots. */
#define BATCH 256

typedef struct int_batch {
    int64_t src[BATCH], dst[BATCH];
    double weight[BATCH];
    size_t n;
} int_batch;

static int flush(const char *fname, vg_graph_builder *b, int_batch *batch, char **err) {
    vg_graph_status st = vg_graph_add_int_edges(b, batch->src, batch->dst, batch->weight, batch->n);
    batch->n = 0;
    return vg_graph_builder_code(fname, st, err);
}

/* Adds one edge row. Its values are read through sqlite3_column_value (one mutex round-trip per column,
 * not per call): the unprotected values are safe here, inside the outer statement's step, which holds
 * the connection's mutex. */
static int add_row(const char *fname, const vg_graph_table *t, sqlite3_stmt *stmt, vg_graph_builder *b,
                   int_batch *batch, char **err) {
    sqlite3_value *s = sqlite3_column_value(stmt, 0), *d = sqlite3_column_value(stmt, 1);
    int ts = sqlite3_value_type(s), td = sqlite3_value_type(d);
    if (ts == SQLITE_NULL || td == SQLITE_NULL) return SQLITE_OK;
    double w = 0.0;
    if (b->weighted) {
        sqlite3_value *weight = sqlite3_column_value(stmt, 2);
        if (sqlite3_value_type(weight) == SQLITE_NULL) return SQLITE_OK;
        int wrc = vg_graph_check_weight(fname, t, weight, s, d, &w, err);
        if (wrc != SQLITE_OK) return wrc;
    }
    /* ids still waiting in the batch are INTEGER ids the builder has not seen yet */
    int rc = vg_graph_check_ids(fname, t, batch->n ? VG_GRAPH_INT_IDS : b->ids.type, ts, td, err);
    if (rc != SQLITE_OK) return rc;
    if (ts == SQLITE_INTEGER) {
        batch->src[batch->n] = sqlite3_value_int64(s);
        batch->dst[batch->n] = sqlite3_value_int64(d);
        batch->weight[batch->n] = w;
        return ++batch->n == BATCH ? flush(fname, b, batch, err) : SQLITE_OK;
    }
    const char *st = (const char *)sqlite3_value_text(s);
    size_t sl = (size_t)sqlite3_value_bytes(s);
    const char *dt = (const char *)sqlite3_value_text(d);
    size_t dl = (size_t)sqlite3_value_bytes(d);
    if (!st || !dt) return SQLITE_NOMEM;
    return vg_graph_builder_code(fname, vg_graph_add_text_edge(b, st, sl, dt, dl, w), err);
}

int vg_graph_load(sqlite3 *db, const char *fname, const vg_graph_table *t, int with_in_edges, vg_graph *g,
                  char **err) {
    sqlite3_stmt *stmt = NULL;
    vg_graph_builder b;
    memset(&b, 0, sizeof b);
    memset(g, 0, sizeof *g);
    b.weighted = t->col[2] != NULL;
    char *sql = edge_query(t);
    int rc = sql ? sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) : SQLITE_NOMEM;
    if (rc == SQLITE_OK) {
        int_batch batch;
        batch.n = 0;
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW && (rc = add_row(fname, t, stmt, &b, &batch, err)) == SQLITE_OK) {
        }
        if (rc == SQLITE_DONE) rc = flush(fname, &b, &batch, err);
    }
    if (rc != SQLITE_OK && rc != SQLITE_NOMEM && !*err)
        rc = vg_graph_fail(err, rc, sqlite3_mprintf("%s: reading %s: %s", fname, t->source->table, sqlite3_errmsg(db)));
    sqlite3_finalize(stmt);
    sqlite3_free(sql);
    if (rc != SQLITE_OK) {
        vg_graph_builder_free(&b);
        return rc;
    }
    return vg_graph_build(&b, with_in_edges, g) == VG_GRAPH_OK ? SQLITE_OK : SQLITE_NOMEM;
}
