/* INSERT INTO t(t) VALUES ('optimize'): reads every node into this connection's view, purges the
 * tombstones and renumbers the slots (vg_hnsw_optimize), then rewrites {name}_nodes, _rowids,
 * _tombstones and _free from the view, all inside the user's transaction. Its change log entry says "every
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

/* Whether slot has a row in {name}_nodes, into *held. */
static int has_node(vg_hnsw_vtab *vt, sqlite3_int64 slot, int *held) {
    sqlite3_stmt *s;
    int rc = vg_hnsw_statement(vt, VG_HNSW_SQL_NODE_READ, &s);
    if (rc != SQLITE_OK) return rc;
    sqlite3_bind_int64(s, 1, slot);
    rc = sqlite3_step(s);
    sqlite3_reset(s);
    *held = rc == SQLITE_ROW;
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : vg_hnsw_sql_error(vt, rc);
}

/* The freed slots, in order; each must hold no node. */
static int read_free(vg_hnsw_vtab *vt, uint32_t **out, size_t *n) {
    sqlite3_stmt *s;
    int rc = vg_hnsw_prepare(vt, "SELECT slot FROM \"%w\".\"%w_free\" ORDER BY slot", &s);
    if (rc != SQLITE_OK) return rc;
    size_t cap = (size_t)vt->state.free + 1;
    uint32_t *slots = sqlite3_malloc64(cap * sizeof *slots);
    *n = 0;
    if (!slots) rc = SQLITE_NOMEM;
    while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        sqlite3_int64 slot = sqlite3_column_int64(s, 0);
        rc = SQLITE_OK;
        int held = 0;
        if (*n >= cap - 1 || slot < 0 || slot >= (sqlite3_int64)vg_hnsw_view_slots(vt->view))
            rc = vg_hnsw_error(vt, SQLITE_CORRUPT_VTAB, "%s is damaged: %s_free does not match _config's 'free'",
                               vt->name, vt->name);
        else if ((rc = has_node(vt, slot, &held)) == SQLITE_OK && held)
            rc = vg_hnsw_error(vt, SQLITE_CORRUPT_VTAB, "%s is damaged: %s_free names slot %lld, which holds a node",
                               vt->name, vt->name, (long long)slot);
        else if (rc == SQLITE_OK) slots[(*n)++] = (uint32_t)slot;
    }
    if (rc == SQLITE_DONE) rc = SQLITE_OK;
    else if (rc != SQLITE_OK && rc != SQLITE_NOMEM && rc != SQLITE_CORRUPT_VTAB) rc = vg_hnsw_sql_error(vt, rc);
    sqlite3_finalize(s);
    if (rc != SQLITE_OK) {
        sqlite3_free(slots);
        slots = NULL;
    }
    *out = slots;
    return rc;
}

int vg_hnsw_command_optimize(vg_hnsw_vtab *vt) {
    uint32_t *free_slots = NULL;
    size_t n_free = 0;
    int rc = vg_hnsw_flush(vt);
    if (rc == SQLITE_OK) rc = read_free(vt, &free_slots, &n_free);
    if (rc != SQLITE_OK) return rc;
    vg_hnsw_view_begin(vt->view);
    vg_hnsw_rc r = vg_hnsw_optimize(vt->view, free_slots, n_free);
    vg_hnsw_view_end(vt->view);
    sqlite3_free(free_slots);
    if (r != VG_HNSW_OK) {
        rc = vg_hnsw_engine_error(vt, r);
        vg_hnsw_view_discard(vt->view);
        vt->stale = 1;
        return rc;
    }
    rc = exec(vt, "DELETE FROM \"%w\".\"%w_nodes\"");
    if (rc == SQLITE_OK) rc = exec(vt, "DELETE FROM \"%w\".\"%w_rowids\"");
    if (rc == SQLITE_OK) rc = exec(vt, "DELETE FROM \"%w\".\"%w_tombstones\"");
    if (rc == SQLITE_OK) rc = exec(vt, "DELETE FROM \"%w\".\"%w_free\"");
    /* every earlier change log entry is superseded by this one's "every slot" */
    if (rc == SQLITE_OK) rc = exec(vt, "DELETE FROM \"%w\".\"%w_changes\"");
    vt->state.live = vg_hnsw_view_slots(vt->view);
    vt->state.free = vt->state.cursor = 0;
    if (rc == SQLITE_OK) rc = write_rowids(vt);
    if (rc == SQLITE_OK) rc = vg_hnsw_flush(vt);
    if (rc != SQLITE_OK && vt->in_txn) vt->broken = 1; /* unless SQLite already rolled back */
    return rc;
}
