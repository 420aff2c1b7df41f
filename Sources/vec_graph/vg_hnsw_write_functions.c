/* hnsw_index's INSERT, UPDATE and DELETE: each checks its input before changing anything, writes the
 * node's own row of {name}_nodes (and {name}_edges when deleting), then changes the cached graph. The
 * relinked neighbour lists stay dirty in memory until the next flush (a savepoint, COMMIT), so a node
 * relinked by many inserts of one transaction is written once. A graph change can only fail half-way
 * for want of memory: the cache is dropped, and SQLite, seeing SQLITE_NOMEM, rolls back the statement
 * (to tables flushed when it began) or the transaction; the next use reloads from the tables. */
#include "vg_hnsw_vtab.h"

/* Applies a graph change's result: on failure drops the cache; on success notes an entry move. */
static int finish(vg_hnsw_vtab *vt, vg_hnsw_rc r, int had_entry, int64_t old_entry) {
    if (r != VG_HNSW_OK) {
        vg_hnsw_store_invalidate(vt);
        return SQLITE_NOMEM;
    }
    int64_t entry = 0;
    int has_entry = vg_hnsw_entry(vt->graph, &entry);
    if (has_entry != had_entry || entry != old_entry) vt->entry_moved = 1;
    return SQLITE_OK;
}

static int remove_node(vg_hnsw_vtab *vt, sqlite3_int64 rowid) {
    int64_t old_entry = 0;
    int had_entry = vg_hnsw_entry(vt->graph, &old_entry);
    int rc = vg_hnsw_store_delete_node(vt, rowid);
    return rc == SQLITE_OK ? finish(vt, vg_hnsw_delete(vt->graph, rowid), had_entry, old_entry) : rc;
}

static int add_node(vg_hnsw_vtab *vt, sqlite3_int64 rowid, const float *v) {
    int64_t old_entry = 0;
    int had_entry = vg_hnsw_entry(vt->graph, &old_entry);
    int rc = vg_hnsw_store_insert_node(vt, rowid, vg_hnsw_level_for(&vt->params, rowid), v);
    return rc == SQLITE_OK ? finish(vt, vg_hnsw_insert(vt->graph, rowid, v), had_entry, old_entry) : rc;
}

/* The rowid of an INSERT or of an UPDATE's new row: an integer, not NULL. */
static int read_rowid(vg_hnsw_vtab *vt, sqlite3_value *value, sqlite3_int64 *out) {
    int type = sqlite3_value_type(value);
    if (type == SQLITE_NULL)
        return vg_hnsw_error(vt, SQLITE_CONSTRAINT, "%s: INSERT needs an explicit integer rowid", vt->name);
    if (type != SQLITE_INTEGER)
        return vg_hnsw_error(vt, SQLITE_MISMATCH, "%s: rowid must be an integer", vt->name);
    *out = sqlite3_value_int64(value);
    return SQLITE_OK;
}

int vg_hnsw_update(sqlite3_vtab *tab, int argc, sqlite3_value **argv, sqlite3_int64 *rowid) {
    vg_hnsw_vtab *vt = (vg_hnsw_vtab *)tab;
    int is_delete = argc == 1, is_insert = !is_delete && sqlite3_value_type(argv[0]) == SQLITE_NULL;
    sqlite3_int64 old_id = is_insert ? 0 : sqlite3_value_int64(argv[0]), new_id = old_id;
    float *v = NULL;
    int rc = SQLITE_OK;
    if (!is_delete) {
        rc = read_rowid(vt, argv[1], &new_id);
        for (int col = VG_HNSW_COL_DISTANCE; rc == SQLITE_OK && is_insert && col <= VG_HNSW_COL_ALLOWED; col++)
            if (sqlite3_value_type(argv[2 + col]) != SQLITE_NULL)
                rc = vg_hnsw_error(vt, SQLITE_ERROR, "%s: only rowid and vector can be inserted", vt->name);
        if (rc == SQLITE_OK) rc = vg_hnsw_read_vector(vt, argv[2 + VG_HNSW_COL_VECTOR], "vector", &v);
    }
    if (rc == SQLITE_OK) rc = vg_hnsw_store_graph(vt);
    if (rc == SQLITE_OK && !is_delete && (is_insert || new_id != old_id) && vg_hnsw_contains(vt->graph, new_id))
        rc = vg_hnsw_error(vt, SQLITE_CONSTRAINT, "%s: rowid %lld already exists", vt->name, (long long)new_id);
    if (rc == SQLITE_OK) rc = vg_hnsw_store_bump(vt);
    if (rc == SQLITE_OK && !is_insert && vg_hnsw_contains(vt->graph, old_id)) rc = remove_node(vt, old_id);
    if (rc == SQLITE_OK && !is_delete) rc = add_node(vt, new_id, v);
    if (rc == SQLITE_OK && is_insert) *rowid = new_id;
    sqlite3_free(v);
    return rc;
}
