/* node2vec_train's output: finding the hnsw_index (names are bound parameters; only names read back
 * from the schema reach SQL, as quoted identifiers), checking its dimensions from its CREATE VIRTUAL
 * TABLE options, and writing every vector inside one savepoint. A failed write is undone whether or not
 * SQLite rolled back by itself (an interrupt inside hnsw_index's own statements may leave the
 * transaction open), without a COMMIT that the caller's progress handler could stop again. */
#include <stdlib.h>
#include <string.h>

#include "vg_node2vec_schema.h"
#include "vg_node2vec_sql.h"
#include "vg_vector.h"

/* Looks schema.name up in sqlite_master (names compared as SQLite does); *table and *sql are
 * sqlite3_mprintf'd when found, else left NULL. An unknown schema is "not found". */
static int find_table(sqlite3 *db, const char *schema, const char *name, char **table, char **sql) {
    char *query = sqlite3_mprintf("SELECT name, sql FROM \"%w\".sqlite_master WHERE type = 'table' AND name = ?1 COLLATE NOCASE", schema);
    if (!query) return SQLITE_NOMEM;
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(db, query, -1, &stmt, NULL);
    sqlite3_free(query);
    if (rc != SQLITE_OK) return rc == SQLITE_ERROR ? SQLITE_OK : rc; /* no such schema; not an I/O error */
    sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        *table = sqlite3_mprintf("%s", (const char *)sqlite3_column_text(stmt, 0));
        *sql = sqlite3_mprintf("%s", sqlite3_column_text(stmt, 1) ? (const char *)sqlite3_column_text(stmt, 1) : "");
        rc = *table && *sql ? SQLITE_DONE : SQLITE_NOMEM;
    }
    sqlite3_finalize(stmt);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Tries name in temp, main and each attached database in turn. */
static int find_unqualified(sqlite3 *db, const char *name, vg_node2vec_output *out, char **sql) {
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(db, "SELECT name FROM pragma_database_list ORDER BY seq <> 1, seq", -1, &stmt, NULL);
    while (rc == SQLITE_OK && !out->table && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        out->schema = sqlite3_mprintf("%s", (const char *)sqlite3_column_text(stmt, 0));
        rc = out->schema ? find_table(db, out->schema, name, &out->table, sql) : SQLITE_NOMEM;
        if (!out->table) {
            sqlite3_free(out->schema);
            out->schema = NULL;
        }
    }
    sqlite3_finalize(stmt);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

int vg_node2vec_output_open(sqlite3 *db, const char *name, uint32_t dims, vg_node2vec_output *out, char **err) {
    const char *f = VG_NODE2VEC_FNAME;
    char *sql = NULL;
    memset(out, 0, sizeof *out);
    int rc = find_unqualified(db, name, out, &sql);
    const char *dot = strchr(name, '.');
    if (rc == SQLITE_OK && !out->table && dot) {
        out->schema = sqlite3_mprintf("%.*s", (int)(dot - name), name);
        rc = out->schema ? find_table(db, out->schema, dot + 1, &out->table, &sql) : SQLITE_NOMEM;
    }
    char msg[VG_HNSW_ERR_LEN];
    if (rc != SQLITE_OK) {
        /* finalizing the lookup's statements cleared the connection's message (an interrupt's, say) */
        const char *why = sqlite3_errcode(db) != SQLITE_OK ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
        if (rc != SQLITE_NOMEM) *err = sqlite3_mprintf("%s: output_table %Q: %s", f, name, why);
    } else if (!out->table) {
        *err = sqlite3_mprintf("%s: no such table: %s (output_table must be an hnsw_index)", f, name);
        rc = SQLITE_ERROR;
    } else {
        vg_node2vec_schema_rc s = vg_node2vec_hnsw_options(sql, &out->params, msg);
        /* SQLITE_ERROR with *err NULL (its allocation failed) is reported as out of memory */
        if (s == VG_NODE2VEC_SCHEMA_NOMEM) rc = SQLITE_NOMEM;
        else if (s != VG_NODE2VEC_SCHEMA_OK || (uint32_t)out->params.dims != dims) rc = SQLITE_ERROR;
        if (s == VG_NODE2VEC_SCHEMA_NOT_HNSW) *err = sqlite3_mprintf("%s: output_table %s is not an hnsw_index", f, name);
        else if (s == VG_NODE2VEC_SCHEMA_BAD) *err = sqlite3_mprintf("%s: output_table %s: %s", f, name, msg);
        else if (rc == SQLITE_ERROR)
            *err = sqlite3_mprintf("%s: dimensions is %u but output_table %s has %d", f, dims, name, out->params.dims);
    }
    sqlite3_free(sql);
    if (rc != SQLITE_OK) vg_node2vec_output_close(out);
    return rc;
}

void vg_node2vec_output_close(vg_node2vec_output *out) {
    sqlite3_free(out->schema);
    sqlite3_free(out->table);
    memset(out, 0, sizeof *out);
}

/* The statements of one write, on the output table and (TEXT ids) its node-id table. */
enum { DELETE_VEC, INSERT_VEC, INSERT_ID, STMT_COUNT };

typedef struct writer {
    sqlite3 *db;
    const vg_node2vec_output *out;
    const vg_graph *g;
    sqlite3_int64 *rowid; /* each node's rowid */
    unsigned char *fresh; /* TEXT ids: the node has no row in {table}_node_ids yet */
    sqlite3_stmt *stmt[STMT_COUNT];
} writer;

static int prepare(writer *w, const char *fmt, sqlite3_stmt **stmt) {
    char *sql = sqlite3_mprintf(fmt, w->out->schema, w->out->table);
    if (!sql) return SQLITE_NOMEM;
    int rc = sqlite3_prepare_v2(w->db, sql, -1, stmt, NULL);
    sqlite3_free(sql);
    return rc;
}

static const char *text_id(const vg_graph *g, uint32_t u, int *len) {
    *len = (int)g->text_len[u];
    return g->text + g->text_off[u];
}

/* TEXT ids, before any write: each node's id in {table}_node_ids, new nodes numbered after the
 * largest id there, in node order. */
static int assign_text_rowids(writer *w) {
    char *table = NULL, *sql = NULL, *name = sqlite3_mprintf("%s_node_ids", w->out->table);
    int rc = name ? find_table(w->db, w->out->schema, name, &table, &sql) : SQLITE_NOMEM;
    sqlite3_free(name);
    sqlite3_free(sql);
    sqlite3_stmt *max = NULL, *get = NULL;
    sqlite3_int64 next = 1;
    if (rc == SQLITE_OK && table) {
        rc = prepare(w, "SELECT coalesce(max(id), 0) + 1 FROM \"%w\".\"%w_node_ids\"", &max);
        if (rc == SQLITE_OK) rc = prepare(w, "SELECT id FROM \"%w\".\"%w_node_ids\" WHERE node = ?1", &get);
        if (rc == SQLITE_OK && (rc = sqlite3_step(max)) == SQLITE_ROW) {
            next = sqlite3_column_int64(max, 0);
            rc = SQLITE_OK;
        }
    }
    sqlite3_free(table);
    for (uint32_t u = 0; rc == SQLITE_OK && u < w->g->node_count; u++) {
        int len;
        const char *id = text_id(w->g, u, &len);
        w->fresh[u] = 1;
        if (get) {
            sqlite3_bind_text(get, 1, id, len, SQLITE_STATIC);
            rc = sqlite3_step(get);
            if (rc == SQLITE_ROW) {
                w->rowid[u] = sqlite3_column_int64(get, 0);
                w->fresh[u] = 0;
            }
            rc = sqlite3_reset(get);
        }
        if (w->fresh[u]) w->rowid[u] = next++;
    }
    sqlite3_finalize(max);
    sqlite3_finalize(get);
    return rc;
}

static int run(sqlite3_stmt *stmt) {
    int rc = sqlite3_step(stmt);
    int reset = sqlite3_reset(stmt);
    return rc == SQLITE_DONE ? SQLITE_OK : reset != SQLITE_OK ? reset : rc;
}

/* Everything between SAVEPOINT and RELEASE. */
static int write_all(writer *w, const float *vectors, uint32_t dims, unsigned char *blob) {
    int text = w->g->type == VG_GRAPH_TEXT_IDS;
    int rc = SQLITE_OK;
    if (text) {
        char *sql = sqlite3_mprintf("CREATE TABLE IF NOT EXISTS \"%w\".\"%w_node_ids\"(id INTEGER PRIMARY KEY, node TEXT NOT NULL UNIQUE)",
                                    w->out->schema, w->out->table);
        rc = sql ? sqlite3_exec(w->db, sql, NULL, NULL, NULL) : SQLITE_NOMEM;
        sqlite3_free(sql);
        if (rc == SQLITE_OK) rc = prepare(w, "INSERT INTO \"%w\".\"%w_node_ids\"(id, node) VALUES (?1, ?2)", &w->stmt[INSERT_ID]);
    }
    if (rc == SQLITE_OK) rc = prepare(w, "DELETE FROM \"%w\".\"%w\" WHERE rowid = ?1", &w->stmt[DELETE_VEC]);
    if (rc == SQLITE_OK) rc = prepare(w, "INSERT INTO \"%w\".\"%w\"(rowid, vector) VALUES (?1, ?2)", &w->stmt[INSERT_VEC]);
    for (uint32_t u = 0; rc == SQLITE_OK && u < w->g->node_count; u++) {
        if (text && w->fresh[u]) {
            int len;
            const char *id = text_id(w->g, u, &len);
            sqlite3_bind_int64(w->stmt[INSERT_ID], 1, w->rowid[u]);
            sqlite3_bind_text(w->stmt[INSERT_ID], 2, id, len, SQLITE_STATIC);
            if ((rc = run(w->stmt[INSERT_ID])) != SQLITE_OK) break; /* binding would clear the message */
        }
        vg_blob_encode(vectors + (size_t)u * dims, dims, blob);
        sqlite3_bind_int64(w->stmt[DELETE_VEC], 1, w->rowid[u]);
        sqlite3_bind_int64(w->stmt[INSERT_VEC], 1, w->rowid[u]);
        sqlite3_bind_blob(w->stmt[INSERT_VEC], 2, blob, (int)(dims * 4), SQLITE_STATIC);
        if (rc == SQLITE_OK) rc = run(w->stmt[DELETE_VEC]);
        if (rc == SQLITE_OK) rc = run(w->stmt[INSERT_VEC]);
    }
    return rc;
}

int vg_node2vec_output_write(sqlite3 *db, const vg_node2vec_output *out, const vg_graph *g, const float *vectors,
                             uint32_t dims, char **err) {
    writer w;
    memset(&w, 0, sizeof w);
    w.db = db;
    w.out = out;
    w.g = g;
    w.rowid = sqlite3_malloc64((sqlite3_uint64)g->node_count * sizeof *w.rowid);
    w.fresh = sqlite3_malloc64(g->node_count);
    unsigned char *blob = sqlite3_malloc64((sqlite3_uint64)dims * 4);
    int rc = w.rowid && w.fresh && blob ? SQLITE_OK : SQLITE_NOMEM;
    if (rc == SQLITE_OK && g->type == VG_GRAPH_TEXT_IDS) rc = assign_text_rowids(&w);
    for (uint32_t u = 0; rc == SQLITE_OK && g->type == VG_GRAPH_INT_IDS && u < g->node_count; u++) w.rowid[u] = g->ints[u];
    int opened = 0, outermost = sqlite3_get_autocommit(db); /* the savepoint begins the transaction */
    if (rc == SQLITE_OK) {
        rc = sqlite3_exec(db, "SAVEPOINT node2vec_train", NULL, NULL, NULL);
        /* a progress handler can fail the statement after it began the transaction */
        opened = rc == SQLITE_OK || (outermost && !sqlite3_get_autocommit(db));
    }
    if (rc == SQLITE_OK) rc = write_all(&w, vectors, dims, blob);
    if (rc == SQLITE_OK) rc = sqlite3_exec(db, "RELEASE node2vec_train", NULL, NULL, NULL);
    if (rc != SQLITE_OK && rc != SQLITE_NOMEM) /* before finalizing, which clears the message */
        *err = sqlite3_mprintf("%s: writing %s: %s", VG_NODE2VEC_FNAME, out->table, sqlite3_errmsg(db));
    for (int i = 0; i < STMT_COUNT; i++) sqlite3_finalize(w.stmt[i]);
    /* The outermost savepoint's RELEASE would be a COMMIT, whose writes (hnsw_index's xSync) a
     * progress handler still asking to stop interrupts, leaving the transaction open: ROLLBACK it. A
     * nested one's ROLLBACK TO and RELEASE write nothing. */
    if (rc != SQLITE_OK && opened && !sqlite3_get_autocommit(db)) {
        int undo = sqlite3_exec(db, outermost ? "ROLLBACK" : "ROLLBACK TO node2vec_train; RELEASE node2vec_train", NULL, NULL, NULL);
        if (undo != SQLITE_OK) { /* an I/O error there can undo the caller's whole transaction: say so */
            sqlite3_free(*err);
            *err = undo == SQLITE_NOMEM ? NULL
                                        : sqlite3_mprintf("%s: writing %s: undoing the failed write: %s", VG_NODE2VEC_FNAME,
                                                          out->table, sqlite3_errmsg(db));
            rc = undo;
        }
    }
    sqlite3_free(w.rowid);
    sqlite3_free(w.fresh);
    sqlite3_free(blob);
    return rc;
}
