/* INSERT INTO t(t) VALUES ('optimize'): reads every node into this connection's view, purges the
 * tombstones and renumbers the slots (vg_hnsw_optimize), then rewrites {name}_nodes, _rowids and
 * _tombstones from the view, all inside the user's transaction. Its change log entry says "every
 * slot", so other connections drop what they cached. */
#include "vg_hnsw_vtab.h"

static int exec(vg_hnsw_vtab *vt, const char *fmt) {
    char *sql = sqlite3_mprintf(fmt, vt->schema, vt->name);
    if (!sql) return SQLITE_NOMEM;
    int rc = sqlite3_exec(vt->db, sql, NULL, NULL, NULL);
    sqlite3_free(sql);
    return rc == SQLITE_OK ? rc : vg_hnsw_sql_error(vt, rc);
}

static int write_rowids(vg_hnsw_vtab *vt) {
    sqlite3_stmt *s;
    int rc = vg_hnsw_statement(vt, VG_HNSW_SQL_ROWID_WRITE, &s);
    uint32_t n = vg_hnsw_view_slots(vt->view);
    vg_hnsw_view_begin(vt->view);
    for (uint32_t slot = 0; rc == SQLITE_OK && slot < n; slot++) {
        const vg_hnsw_node *node = vg_hnsw_view_node(vt->view, slot);
        if (!node) {
            rc = vg_hnsw_engine_error(vt, vg_hnsw_view_error(vt->view));
            break;
        }
        sqlite3_bind_int64(s, 1, node->rowid);
        sqlite3_bind_int64(s, 2, slot);
        rc = vg_hnsw_run(vt, s);
    }
    vg_hnsw_view_end(vt->view);
    return rc;
}

int vg_hnsw_command_optimize(vg_hnsw_vtab *vt) {
    int rc = vg_hnsw_flush(vt);
    if (rc != SQLITE_OK) return rc;
    vg_hnsw_view_begin(vt->view);
    vg_hnsw_rc r = vg_hnsw_optimize(vt->view);
    vg_hnsw_view_end(vt->view);
    if (r != VG_HNSW_OK) {
        rc = vg_hnsw_engine_error(vt, r);
        vg_hnsw_view_discard(vt->view);
        vt->stale = 1;
        return rc;
    }
    rc = exec(vt, "DELETE FROM \"%w\".\"%w_nodes\"");
    if (rc == SQLITE_OK) rc = exec(vt, "DELETE FROM \"%w\".\"%w_rowids\"");
    if (rc == SQLITE_OK) rc = exec(vt, "DELETE FROM \"%w\".\"%w_tombstones\"");
    vt->state.live = vg_hnsw_view_slots(vt->view);
    if (rc == SQLITE_OK) rc = write_rowids(vt);
    if (rc == SQLITE_OK) rc = vg_hnsw_flush(vt);
    if (rc != SQLITE_OK) vt->broken = 1;
    return rc;
}
