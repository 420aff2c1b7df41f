/* hnsw_index's shadow tables, written inside the user's transaction:
 *   {name}_config(key PRIMARY KEY, value)  format, generation (advanced by every write transaction,
 *                                          so a connection can tell its cached graph is stale), entry
 *   {name}_nodes(id PRIMARY KEY, level, vector)   one row per node; vector as float32 BLOB
 *   {name}_edges(id PRIMARY KEY, neighbors)       one row per node: all its neighbour lists in one BLOB
 * Why per-node list BLOBs rather than one row per edge: the graph is read and written a whole list at
 * a time; an insert rewrites the lists of about 2*m neighbours, which is that many small row writes
 * instead of ~2*m*m edge-row deletes and inserts, and the file holds 8 bytes per edge rather than a
 * row plus an index entry. Keeping lists apart from vectors means relinking a node never rewrites
 * its vector. */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "vg_hnsw_codec.h"
#include "vg_hnsw_vtab.h"
#include "vg_vector.h"

static const char *const statement_sql[VG_HNSW_SQL_COUNT] = {
    [VG_HNSW_SQL_GEN_READ] = "SELECT value FROM \"%w\".\"%w_config\" WHERE key = 'generation'",
    [VG_HNSW_SQL_GEN_BUMP] = "UPDATE \"%w\".\"%w_config\" SET value = value + 1 WHERE key = 'generation'",
    [VG_HNSW_SQL_ENTRY_WRITE] = "UPDATE \"%w\".\"%w_config\" SET value = ?1 WHERE key = 'entry'",
    [VG_HNSW_SQL_NODE_INSERT] = "INSERT INTO \"%w\".\"%w_nodes\"(id, level, vector) VALUES (?1, ?2, ?3)",
    [VG_HNSW_SQL_NODE_DELETE] = "DELETE FROM \"%w\".\"%w_nodes\" WHERE id = ?1",
    [VG_HNSW_SQL_EDGES_WRITE] = "INSERT OR REPLACE INTO \"%w\".\"%w_edges\"(id, neighbors) VALUES (?1, ?2)",
    [VG_HNSW_SQL_EDGES_DELETE] = "DELETE FROM \"%w\".\"%w_edges\" WHERE id = ?1",
    [VG_HNSW_SQL_VECTOR_READ] = "SELECT vector FROM \"%w\".\"%w_nodes\" WHERE id = ?1",
};

static const char *const shadow_suffix[] = {"config", "nodes", "edges"};

int vg_hnsw_error(vg_hnsw_vtab *vt, int rc, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *msg = sqlite3_vmprintf(fmt, ap);
    va_end(ap);
    sqlite3_free(vt->base.zErrMsg);
    vt->base.zErrMsg = msg ? sqlite3_mprintf("hnsw_index: %s", msg) : NULL;
    sqlite3_free(msg);
    return rc;
}

/* Copies SQLite's message for a failed shadow-table statement into the table's error. */
static int sql_error(vg_hnsw_vtab *vt, int rc) {
    return vg_hnsw_error(vt, rc, "%s: %s", vt->name, sqlite3_errmsg(vt->db));
}

int vg_hnsw_store_prepare(vg_hnsw_vtab *vt, const char *sql_fmt, sqlite3_stmt **out) {
    char *sql = sqlite3_mprintf(sql_fmt, vt->schema, vt->name);
    if (!sql) return SQLITE_NOMEM;
    int rc = sqlite3_prepare_v2(vt->db, sql, -1, out, NULL);
    sqlite3_free(sql);
    return rc == SQLITE_OK ? rc : sql_error(vt, rc);
}

/* The kept statement id, prepared on first use and reset for the caller. */
static int statement(vg_hnsw_vtab *vt, int id, sqlite3_stmt **out) {
    if (!vt->stmt[id]) {
        int rc = vg_hnsw_store_prepare(vt, statement_sql[id], &vt->stmt[id]);
        if (rc != SQLITE_OK) return rc;
    }
    *out = vt->stmt[id];
    return SQLITE_OK;
}

/* Steps a write statement to completion and resets it. */
static int run(vg_hnsw_vtab *vt, sqlite3_stmt *stmt) {
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    return rc == SQLITE_DONE ? SQLITE_OK : sql_error(vt, sqlite3_errcode(vt->db));
}

void vg_hnsw_store_finalize(vg_hnsw_vtab *vt) {
    for (int i = 0; i < VG_HNSW_SQL_COUNT; i++) {
        sqlite3_finalize(vt->stmt[i]);
        vt->stmt[i] = NULL;
    }
}

void vg_hnsw_store_invalidate(vg_hnsw_vtab *vt) {
    vg_hnsw_graph_free(vt->graph);
    vt->graph = NULL;
}

static int exec_each(sqlite3 *db, const char *schema, const char *name, const char *fmt) {
    for (int i = 0; i < 3; i++) {
        char *sql = sqlite3_mprintf(fmt, schema, name, shadow_suffix[i]);
        if (!sql) return SQLITE_NOMEM;
        int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
        sqlite3_free(sql);
        if (rc != SQLITE_OK) return rc;
    }
    return SQLITE_OK;
}

int vg_hnsw_store_create(sqlite3 *db, const char *schema, const char *name) {
    char *sql = sqlite3_mprintf(
        "CREATE TABLE \"%w\".\"%w_config\"(key TEXT PRIMARY KEY, value) WITHOUT ROWID;"
        "INSERT INTO \"%w\".\"%w_config\"(key, value) VALUES ('format', 1), ('generation', 0), ('entry', NULL);"
        "CREATE TABLE \"%w\".\"%w_nodes\"(id INTEGER PRIMARY KEY, level INTEGER NOT NULL, vector BLOB NOT NULL);"
        "CREATE TABLE \"%w\".\"%w_edges\"(id INTEGER PRIMARY KEY, neighbors BLOB NOT NULL);",
        schema, name, schema, name, schema, name, schema, name);
    if (!sql) return SQLITE_NOMEM;
    int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_free(sql);
    return rc;
}

int vg_hnsw_store_drop(vg_hnsw_vtab *vt) {
    vg_hnsw_store_finalize(vt);
    int rc = exec_each(vt->db, vt->schema, vt->name, "DROP TABLE IF EXISTS \"%w\".\"%w_%s\"");
    return rc == SQLITE_OK ? rc : sql_error(vt, rc);
}

int vg_hnsw_store_rename(vg_hnsw_vtab *vt, const char *new_name) {
    vg_hnsw_store_finalize(vt);
    for (int i = 0; i < 3; i++) {
        char *sql = sqlite3_mprintf("ALTER TABLE \"%w\".\"%w_%s\" RENAME TO \"%w_%s\"", vt->schema, vt->name,
                                    shadow_suffix[i], new_name, shadow_suffix[i]);
        if (!sql) return SQLITE_NOMEM;
        int rc = sqlite3_exec(vt->db, sql, NULL, NULL, NULL);
        sqlite3_free(sql);
        if (rc != SQLITE_OK) return sql_error(vt, rc);
    }
    char *name = sqlite3_mprintf("%s", new_name);
    if (!name) return SQLITE_NOMEM;
    sqlite3_free(vt->name);
    vt->name = name;
    return SQLITE_OK;
}

static int read_generation(vg_hnsw_vtab *vt, sqlite3_int64 *out) {
    sqlite3_stmt *s;
    int rc = statement(vt, VG_HNSW_SQL_GEN_READ, &s);
    if (rc != SQLITE_OK) return rc;
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        *out = sqlite3_column_int64(s, 0);
        rc = SQLITE_OK;
    } else if (rc == SQLITE_DONE) {
        rc = vg_hnsw_error(vt, SQLITE_CORRUPT_VTAB, "%s is damaged: %s_config has no generation row", vt->name, vt->name);
    } else {
        rc = sql_error(vt, rc);
    }
    sqlite3_reset(s);
    return rc;
}

static int corrupt(vg_hnsw_vtab *vt, sqlite3_int64 rowid, const char *problem) {
    return vg_hnsw_error(vt, SQLITE_CORRUPT_VTAB, "%s is damaged: node %lld: %s (PRAGMA integrity_check reports more)",
                         vt->name, (long long)rowid, problem);
}

static int load_nodes(vg_hnsw_vtab *vt, vg_hnsw_graph *g) {
    sqlite3_stmt *s;
    int rc = vg_hnsw_store_prepare(vt, "SELECT id, level, vector FROM \"%w\".\"%w_nodes\"", &s);
    if (rc != SQLITE_OK) return rc;
    size_t bytes = (size_t)vt->params.dims * 4;
    float *v = sqlite3_malloc64(bytes);
    char err[VG_ERR_LEN];
    if (!v) rc = SQLITE_NOMEM;
    while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        sqlite3_int64 id = sqlite3_column_int64(s, 0);
        int level = sqlite3_column_int(s, 1);
        const void *blob = sqlite3_column_blob(s, 2);
        size_t n = (size_t)sqlite3_column_bytes(s, 2);
        rc = SQLITE_OK;
        if (n != bytes) {
            rc = corrupt(vt, id, "vector has the wrong length");
        } else if (vg_blob_decode(blob, n, v, err) != 0) {
            rc = corrupt(vt, id, err);
        } else {
            vg_hnsw_rc r = vg_hnsw_load_node(g, id, level, v);
            if (r == VG_HNSW_NOMEM) rc = SQLITE_NOMEM;
            else if (r != VG_HNSW_OK) rc = corrupt(vt, id, "bad level");
        }
    }
    if (rc == SQLITE_DONE) rc = SQLITE_OK;
    else if (rc != SQLITE_OK && rc != SQLITE_NOMEM && rc != SQLITE_CORRUPT_VTAB) rc = sql_error(vt, rc);
    sqlite3_free(v);
    sqlite3_finalize(s);
    return rc;
}

static int load_edges(vg_hnsw_vtab *vt, vg_hnsw_graph *g) {
    sqlite3_stmt *s;
    int rc = vg_hnsw_store_prepare(vt, "SELECT id, neighbors FROM \"%w\".\"%w_edges\"", &s);
    if (rc != SQLITE_OK) return rc;
    int64_t ids[2 * 128];
    size_t rows = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        sqlite3_int64 id = sqlite3_column_int64(s, 0);
        const unsigned char *blob = sqlite3_column_blob(s, 1);
        size_t n = (size_t)sqlite3_column_bytes(s, 1);
        int level = vg_hnsw_level(g, id);
        vg_hnsw_links_view view;
        char err[200];
        rc = SQLITE_OK;
        rows++;
        if (level < 0) {
            rc = corrupt(vt, id, "has neighbours but no node row");
        } else if (vg_hnsw_links_parse(blob, n, level, &vt->params, &view, err) != 0) {
            rc = corrupt(vt, id, err);
        }
        for (int l = 0; rc == SQLITE_OK && l < view.levels; l++) {
            for (int i = 0; i < view.count[l]; i++) ids[i] = vg_hnsw_links_id(blob, view.offset[l], i);
            vg_hnsw_rc r = vg_hnsw_load_links(g, id, l, ids, view.count[l]);
            if (r != VG_HNSW_OK) rc = corrupt(vt, id, "links to a missing node or above a neighbour's level");
        }
        if (rc != SQLITE_OK) break;
    }
    if (rc == SQLITE_DONE) rc = rows == vg_hnsw_count(g) ? SQLITE_OK : corrupt(vt, -1, "some nodes have no neighbour row");
    else if (rc != SQLITE_OK && rc != SQLITE_CORRUPT_VTAB) rc = sql_error(vt, rc);
    sqlite3_finalize(s);
    return rc;
}

static int load_entry(vg_hnsw_vtab *vt, vg_hnsw_graph *g) {
    sqlite3_stmt *s;
    int rc = vg_hnsw_store_prepare(vt, "SELECT value FROM \"%w\".\"%w_config\" WHERE key = 'entry'", &s);
    if (rc != SQLITE_OK) return rc;
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        int empty = sqlite3_column_type(s, 0) == SQLITE_NULL;
        sqlite3_int64 entry = sqlite3_column_int64(s, 0);
        rc = SQLITE_OK;
        if (empty != (vg_hnsw_count(g) == 0) || (!empty && vg_hnsw_load_entry(g, entry) != VG_HNSW_OK))
            rc = corrupt(vt, entry, "the entry point is missing or not on the top level");
    } else {
        rc = rc == SQLITE_DONE ? corrupt(vt, -1, "no entry row in config") : sql_error(vt, rc);
    }
    sqlite3_finalize(s);
    return rc;
}

int vg_hnsw_store_graph(vg_hnsw_vtab *vt) {
    sqlite3_int64 generation = vt->generation;
    if (vt->broken)
        return vg_hnsw_error(vt, SQLITE_ABORT, "%s: writing the index failed earlier in this transaction: roll it back",
                             vt->name);
    /* A connection that wrote in this transaction holds the write lock: nobody else changed anything. */
    if (vt->graph && vt->bumped) return SQLITE_OK;
    int rc = read_generation(vt, &generation);
    if (rc != SQLITE_OK) return rc;
    if (vt->graph && generation == vt->generation) return SQLITE_OK;
    vg_hnsw_store_invalidate(vt);
    vg_hnsw_graph *g = vg_hnsw_graph_new(&vt->params, vt->kernels);
    if (!g) return SQLITE_NOMEM;
    rc = load_nodes(vt, g);
    if (rc == SQLITE_OK) rc = load_edges(vt, g);
    if (rc == SQLITE_OK) rc = load_entry(vt, g);
    if (rc != SQLITE_OK) {
        vg_hnsw_graph_free(g);
        return rc;
    }
    vt->graph = g;
    vt->generation = generation;
    return SQLITE_OK;
}

int vg_hnsw_store_bump(vg_hnsw_vtab *vt) {
    if (vt->bumped) return SQLITE_OK;
    sqlite3_stmt *s;
    int rc = statement(vt, VG_HNSW_SQL_GEN_BUMP, &s);
    if (rc == SQLITE_OK) rc = run(vt, s);
    if (rc != SQLITE_OK) return rc;
    vt->generation++;
    vt->bumped = 1;
    return SQLITE_OK;
}

int vg_hnsw_store_insert_node(vg_hnsw_vtab *vt, sqlite3_int64 rowid, int level, const float *v) {
    sqlite3_stmt *s;
    int bytes = vt->params.dims * 4;
    unsigned char *blob = sqlite3_malloc(bytes);
    if (!blob) return SQLITE_NOMEM;
    vg_blob_encode(v, (size_t)vt->params.dims, blob);
    int rc = statement(vt, VG_HNSW_SQL_NODE_INSERT, &s);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(s, 1, rowid);
        sqlite3_bind_int(s, 2, level);
        sqlite3_bind_blob(s, 3, blob, bytes, sqlite3_free);
        rc = run(vt, s);
    } else {
        sqlite3_free(blob);
    }
    return rc;
}

int vg_hnsw_store_delete_node(vg_hnsw_vtab *vt, sqlite3_int64 rowid) {
    static const int ids[] = {VG_HNSW_SQL_NODE_DELETE, VG_HNSW_SQL_EDGES_DELETE};
    for (int i = 0; i < 2; i++) {
        sqlite3_stmt *s;
        int rc = statement(vt, ids[i], &s);
        if (rc != SQLITE_OK) return rc;
        sqlite3_bind_int64(s, 1, rowid);
        rc = run(vt, s);
        if (rc != SQLITE_OK) return rc;
    }
    return SQLITE_OK;
}

static int write_entry(vg_hnsw_vtab *vt) {
    sqlite3_stmt *s;
    int64_t entry;
    int rc = statement(vt, VG_HNSW_SQL_ENTRY_WRITE, &s);
    if (rc != SQLITE_OK) return rc;
    if (vg_hnsw_entry(vt->graph, &entry)) sqlite3_bind_int64(s, 1, entry);
    else sqlite3_bind_null(s, 1);
    return run(vt, s);
}

static int compare_rowids(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* Writes the dirty nodes' lists in rowid order (B-tree appends rather than scattered inserts). */
static int write_dirty(vg_hnsw_vtab *vt) {
    vg_hnsw_graph *g = vt->graph;
    size_t n = vg_hnsw_dirty_count(g), cap = 0;
    sqlite3_stmt *s = NULL;
    int rc = statement(vt, VG_HNSW_SQL_EDGES_WRITE, &s);
    int64_t *ids = sqlite3_malloc64((n ? n : 1) * sizeof *ids);
    unsigned char *buf = NULL;
    if (!ids) rc = SQLITE_NOMEM;
    for (size_t i = 0; rc == SQLITE_OK && i < n; i++) ids[i] = vg_hnsw_dirty_rowid(g, i);
    if (rc == SQLITE_OK) qsort(ids, n, sizeof *ids, compare_rowids);
    for (size_t i = 0; rc == SQLITE_OK && i < n; i++) {
        size_t len = vg_hnsw_links_encode(g, ids[i], buf, cap);
        if (len > cap) {
            sqlite3_free(buf);
            cap = len > 1024 ? len : 1024;
            if (!(buf = sqlite3_malloc64(cap))) {
                rc = SQLITE_NOMEM;
                break;
            }
            len = vg_hnsw_links_encode(g, ids[i], buf, cap);
        }
        sqlite3_bind_int64(s, 1, ids[i]);
        sqlite3_bind_blob(s, 2, buf, (int)len, SQLITE_STATIC);
        rc = run(vt, s);
    }
    sqlite3_free(buf);
    sqlite3_free(ids);
    return rc;
}

int vg_hnsw_store_flush(vg_hnsw_vtab *vt) {
    if (!vt->graph || (vg_hnsw_dirty_count(vt->graph) == 0 && !vt->entry_moved)) return SQLITE_OK;
    int rc = write_dirty(vt);
    if (rc == SQLITE_OK && vt->entry_moved) rc = write_entry(vt);
    if (rc == SQLITE_OK) {
        vg_hnsw_dirty_clear(vt->graph);
        vt->entry_moved = 0;
    } else {
        /* some lists were written, others not: only a rollback can make the tables whole again */
        vg_hnsw_store_invalidate(vt);
        vt->broken = 1;
    }
    return rc;
}

int vg_hnsw_store_result_vector(vg_hnsw_vtab *vt, sqlite3_int64 rowid, sqlite3_context *ctx) {
    sqlite3_stmt *s;
    int rc = statement(vt, VG_HNSW_SQL_VECTOR_READ, &s);
    if (rc != SQLITE_OK) return rc;
    sqlite3_bind_int64(s, 1, rowid);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) sqlite3_result_value(ctx, sqlite3_column_value(s, 0));
    else sqlite3_result_null(ctx);
    rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : sql_error(vt, rc);
    sqlite3_reset(s);
    return rc;
}

int vg_hnsw_read_vector(vg_hnsw_vtab *vt, sqlite3_value *value, const char *what, float **out) {
    char err[VG_ERR_LEN];
    size_t dims = 0;
    *out = NULL;
    int type = sqlite3_value_type(value);
    if (type == SQLITE_NULL) return vg_hnsw_error(vt, SQLITE_ERROR, "%s: %s is NULL", vt->name, what);
    if (type != SQLITE_BLOB && type != SQLITE_TEXT)
        return vg_hnsw_error(vt, SQLITE_ERROR, "%s: %s: expected a float32 BLOB or a JSON array text, got a number",
                             vt->name, what);
    const void *p = type == SQLITE_BLOB ? sqlite3_value_blob(value) : (const void *)sqlite3_value_text(value);
    size_t n = (size_t)sqlite3_value_bytes(value);
    int bad = type == SQLITE_BLOB ? vg_blob_decode(p, n, NULL, err) : vg_json_parse(p, n, NULL, 0, &dims, err);
    if (!bad && type == SQLITE_BLOB) dims = n / 4;
    if (bad) return vg_hnsw_error(vt, SQLITE_ERROR, "%s: %s: %s", vt->name, what, err);
    if (dims != (size_t)vt->params.dims)
        return vg_hnsw_error(vt, SQLITE_ERROR, "%s: %s has %lld dimensions, the index has %d", vt->name, what,
                             (long long)dims, vt->params.dims);
    float *v = sqlite3_malloc64(dims * sizeof(float));
    if (!v) return SQLITE_NOMEM;
    bad = type == SQLITE_BLOB ? vg_blob_decode(p, n, v, err) : vg_json_parse(p, n, v, dims, &dims, err);
    if (bad) {
        sqlite3_free(v);
        return vg_hnsw_error(vt, SQLITE_ERROR, "%s: %s: %s", vt->name, what, err);
    }
    if (vt->params.metric == VG_HNSW_COSINE) {
        int zero = 1;
        for (size_t i = 0; i < dims && zero; i++) zero = v[i] == 0.0f;
        if (zero) {
            sqlite3_free(v);
            return vg_hnsw_error(vt, SQLITE_ERROR, "%s: %s is a zero vector, which has no direction (metric cosine)",
                                 vt->name, what);
        }
    }
    *out = v;
    return SQLITE_OK;
}
