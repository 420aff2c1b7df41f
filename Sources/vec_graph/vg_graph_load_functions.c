/* Reading a user's edge table for the graph functions. Names are looked up with bound parameters
 * (pragma_table_info), and only names found in the schema reach SQL, as quoted identifiers; the edges
 * are then read once, with one statement, straight into the graph builder. */
#include <math.h>
#include <string.h>

#include "vg_graph_sql.h"

/* The columns the caller asked for, and how the schema spells them. */
typedef struct wanted_columns {
    const char *name[3];
    char *found[3];
    int count;
} wanted_columns;

static void free_found(wanted_columns *w) {
    for (int i = 0; i < w->count; i++) {
        sqlite3_free(w->found[i]);
        w->found[i] = NULL;
    }
}

/* Lists the columns of schema.table (schema NULL: the usual search order) and records the wanted
 * ones. Sets *exists when the table (or view) has any column. */
static int scan_columns(sqlite3 *db, const char *schema, const char *table, wanted_columns *w, int *exists) {
    sqlite3_stmt *stmt = NULL;
    *exists = 0;
    int rc = sqlite3_prepare_v2(db, schema ? "SELECT name FROM pragma_table_info(?1, ?2)" : "SELECT name FROM pragma_table_info(?1)",
                                -1, &stmt, NULL);
    if (rc != SQLITE_OK) return rc;
    sqlite3_bind_text(stmt, 1, table, -1, SQLITE_STATIC);
    if (schema) sqlite3_bind_text(stmt, 2, schema, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(stmt, 0);
        *exists = 1;
        for (int i = 0; name && i < w->count; i++) {
            if (w->found[i] || sqlite3_stricmp(name, w->name[i]) != 0) continue;
            w->found[i] = sqlite3_mprintf("%s", name);
            if (!w->found[i]) rc = SQLITE_NOMEM;
        }
        if (rc == SQLITE_NOMEM) break;
    }
    sqlite3_finalize(stmt);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Resolves source->table, first as one name, then as "schema.table", and builds the edge query. */
static int edge_query(sqlite3 *db, const char *fname, const vg_graph_source *source, char **sql, char **err) {
    wanted_columns w = {{source->src_col, source->dst_col, source->weight_col}, {NULL, NULL, NULL}, source->weight_col ? 3 : 2};
    char *schema = NULL;
    const char *table = source->table;
    int exists = 0;
    int rc = scan_columns(db, NULL, table, &w, &exists);
    if (rc == SQLITE_OK && !exists && strchr(table, '.')) {
        const char *dot = strchr(table, '.');
        schema = sqlite3_mprintf("%.*s", (int)(dot - table), table);
        if (!schema) return SQLITE_NOMEM;
        table = dot + 1;
        /* an unknown schema makes the pragma fail: that is "no such table" too */
        if (scan_columns(db, schema, table, &w, &exists) == SQLITE_NOMEM) rc = SQLITE_NOMEM;
    }
    if (rc != SQLITE_OK) {
        if (rc != SQLITE_NOMEM) *err = sqlite3_mprintf("%s: edge_table %Q: %s", fname, source->table, sqlite3_errmsg(db));
    } else if (!exists) {
        *err = sqlite3_mprintf("%s: no such table: %s", fname, source->table);
        rc = SQLITE_ERROR;
    } else {
        static const char *const role[3] = {"src_col", "dst_col", "weight_col"};
        for (int i = 0; i < w.count && rc == SQLITE_OK; i++) {
            if (w.found[i]) continue;
            *err = sqlite3_mprintf("%s: %s: no such column in %s: %s", fname, role[i], source->table, w.name[i]);
            rc = SQLITE_ERROR;
        }
    }
    if (rc == SQLITE_OK) {
        char *from = schema ? sqlite3_mprintf("\"%w\".\"%w\"", schema, table) : sqlite3_mprintf("\"%w\"", table);
        if (from && w.count == 3) *sql = sqlite3_mprintf("SELECT \"%w\", \"%w\", \"%w\" FROM %s", w.found[0], w.found[1], w.found[2], from);
        else if (from) *sql = sqlite3_mprintf("SELECT \"%w\", \"%w\" FROM %s", w.found[0], w.found[1], from);
        if (!from || !*sql) rc = SQLITE_NOMEM;
        sqlite3_free(from);
    }
    free_found(&w);
    sqlite3_free(schema);
    return rc;
}

static const char *type_name(int type) {
    switch (type) {
    case SQLITE_INTEGER: return "INTEGER";
    case SQLITE_FLOAT: return "REAL";
    case SQLITE_TEXT: return "TEXT";
    case SQLITE_BLOB: return "BLOB";
    default: return "NULL";
    }
}

/* Checks a row's endpoint types: INTEGER or TEXT, one type for the whole table. */
static int check_ids(const char *fname, const vg_graph_source *source, vg_graph_id_type seen, int ts, int td, char **err) {
    int type[2] = {ts, td};
    const char *column[2] = {source->src_col, source->dst_col};
    for (int i = 0; i < 2; i++) {
        if (type[i] != SQLITE_INTEGER && type[i] != SQLITE_TEXT) {
            *err = sqlite3_mprintf("%s: node ids must be INTEGER or TEXT, but %s holds a %s value", fname, column[i],
                                   type_name(type[i]));
            return SQLITE_MISMATCH;
        }
    }
    int first = seen == VG_GRAPH_INT_IDS ? SQLITE_INTEGER : seen == VG_GRAPH_TEXT_IDS ? SQLITE_TEXT : ts;
    for (int i = 0; i < 2; i++) {
        if (type[i] == first) continue;
        *err = sqlite3_mprintf("%s: node ids mix INTEGER and TEXT (%s holds a %s id after %s ids): use one type", fname,
                               column[i], type_name(type[i]), type_name(first));
        return SQLITE_MISMATCH;
    }
    return SQLITE_OK;
}

/* Reads a row's weight into *w: a finite number >= 0. */
static int check_weight(const char *fname, const vg_graph_source *source, sqlite3_stmt *stmt, double *w, char **err) {
    sqlite3_value *v = sqlite3_column_value(stmt, 2);
    int type = sqlite3_value_type(v);
    if (type != SQLITE_INTEGER && type != SQLITE_FLOAT) {
        *err = sqlite3_mprintf("%s: weights must be numbers, but %s holds a %s value", fname, source->weight_col, type_name(type));
        return SQLITE_MISMATCH;
    }
    *w = sqlite3_value_double(v);
    if (*w >= 0.0 && isfinite(*w)) return SQLITE_OK;
    *err = sqlite3_mprintf("%s: weight %s on edge %s -> %s: weights must be finite and >= 0", fname,
                           (const char *)sqlite3_column_text(stmt, 2), (const char *)sqlite3_column_text(stmt, 0),
                           (const char *)sqlite3_column_text(stmt, 1));
    return SQLITE_ERROR;
}

static int builder_code(const char *fname, vg_graph_status st, char **err) {
    if (st == VG_GRAPH_OK) return SQLITE_OK;
    if (st == VG_GRAPH_NOMEM) return SQLITE_NOMEM;
    *err = sqlite3_mprintf("%s: graph too large: at most %u nodes and %u edges", fname, VG_GRAPH_NONE - 1, VG_GRAPH_NONE - 1);
    return SQLITE_TOOBIG;
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
    return builder_code(fname, st, err);
}

/* Adds one edge row. Its values are read through sqlite3_column_value (one mutex round-trip per column,
 * not per call): the unprotected values are safe here, inside the outer statement's step, which holds
 * the connection's mutex. */
static int add_row(const char *fname, const vg_graph_source *source, sqlite3_stmt *stmt, vg_graph_builder *b,
                   int_batch *batch, char **err) {
    sqlite3_value *s = sqlite3_column_value(stmt, 0), *d = sqlite3_column_value(stmt, 1);
    int ts = sqlite3_value_type(s), td = sqlite3_value_type(d);
    if (ts == SQLITE_NULL || td == SQLITE_NULL) return SQLITE_OK;
    double w = 0.0;
    if (b->weighted) {
        if (sqlite3_column_type(stmt, 2) == SQLITE_NULL) return SQLITE_OK;
        int wrc = check_weight(fname, source, stmt, &w, err);
        if (wrc != SQLITE_OK) return wrc;
    }
    /* ids still waiting in the batch are INTEGER ids the builder has not seen yet */
    int rc = check_ids(fname, source, batch->n ? VG_GRAPH_INT_IDS : b->ids.type, ts, td, err);
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
    return builder_code(fname, vg_graph_add_text_edge(b, st, sl, dt, dl, w), err);
}

int vg_graph_load(sqlite3 *db, const char *fname, const vg_graph_source *source, int with_in_edges, vg_graph *g,
                  char **err) {
    char *sql = NULL;
    sqlite3_stmt *stmt = NULL;
    vg_graph_builder b;
    memset(&b, 0, sizeof b);
    memset(g, 0, sizeof *g);
    b.weighted = source->weight_col != NULL;
    int rc = edge_query(db, fname, source, &sql, err);
    if (rc == SQLITE_OK) rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);
    if (rc == SQLITE_OK) {
        int_batch batch;
        batch.n = 0;
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW && (rc = add_row(fname, source, stmt, &b, &batch, err)) == SQLITE_OK) {
        }
        if (rc == SQLITE_DONE) rc = flush(fname, &b, &batch, err);
    }
    if (rc != SQLITE_OK && rc != SQLITE_NOMEM && !*err)
        *err = sqlite3_mprintf("%s: reading %s: %s", fname, source->table, sqlite3_errmsg(db));
    sqlite3_finalize(stmt);
    sqlite3_free(sql);
    if (rc != SQLITE_OK) {
        vg_graph_builder_free(&b);
        return rc;
    }
    return vg_graph_build(&b, with_in_edges, g) == VG_GRAPH_OK ? SQLITE_OK : SQLITE_NOMEM;
}
