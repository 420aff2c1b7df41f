/* hnsw_index's INSERT, UPDATE and DELETE, with SQLite's conflict clauses, and its commands.
 *
 *   DELETE     the node becomes a tombstone (a waypoint for searches, never a result); its slot
 *              goes to {name}_tombstones for a later insert to take.
 *   INSERT     into a tombstone's slot when there is one (not the entry point's), else a new slot.
 *              On an existing rowid: OR REPLACE replaces its vector, OR IGNORE keeps the old row,
 *              anything else fails with "rowid N already exists".
 *   UPDATE     a new vector goes into the row's own slot (the old node is unlinked from its
 *              neighbours first, as hnswlib's updatePoint); a new rowid alone only renames it.
 *   commands   INSERT INTO t(t) VALUES ('optimize') | ('integrity-check').
 * Each checks its input before changing anything, writes the rowid and tombstone rows at once, and
 * changes the view's private nodes, written at the next savepoint or COMMIT. A change can fail
 * half-way only for want of memory (or a failed read): SQLite then rolls back the statement (to
 * tables flushed when it began) or the transaction. */
#include <string.h>

#include "vg_hnsw_vtab.h"

/* The rowid of an INSERT or of an UPDATE's new row: an integer, not NULL. */
static int read_rowid(vg_hnsw_vtab *vt, sqlite3_value *value, sqlite3_int64 *out) {
    int type = sqlite3_value_type(value);
    if (type == SQLITE_NULL)
        return vg_hnsw_error(vt, SQLITE_CONSTRAINT, "%s: INSERT needs an explicit integer rowid", vt->name);
    if (type != SQLITE_INTEGER) return vg_hnsw_error(vt, SQLITE_MISMATCH, "%s: rowid must be an integer", vt->name);
    *out = sqlite3_value_int64(value);
    return SQLITE_OK;
}

int vg_hnsw_write_begin(vg_hnsw_vtab *vt) {
    int rc = vg_hnsw_refresh(vt);
    if (rc != SQLITE_OK) return rc;
    if (!vt->in_txn) {
        vg_hnsw_view_txn_begin(vt->view);
        vt->in_txn = 1;
    }
    if (vt->bumped) return SQLITE_OK;
    sqlite3_stmt *s;
    rc = vg_hnsw_statement(vt, VG_HNSW_SQL_GEN_BUMP, &s);
    if (rc == SQLITE_OK) rc = vg_hnsw_run(vt, s);
    if (rc == SQLITE_OK) vt->bumped = 1;
    return rc;
}

/* A failed engine change breaks nothing the tables hold: SQLite rolls back what the statement wrote,
 * and the view goes back to them (as after ROLLBACK TO). */
static int changed(vg_hnsw_vtab *vt, vg_hnsw_rc r) {
    if (r == VG_HNSW_OK) return SQLITE_OK;
    int rc = vg_hnsw_engine_error(vt, r);
    vg_hnsw_view_discard(vt->view);
    vt->stale = 1;
    return rc;
}

static int run_slot(vg_hnsw_vtab *vt, int id, sqlite3_int64 a, int two, sqlite3_int64 b) {
    sqlite3_stmt *s;
    int rc = vg_hnsw_statement(vt, id, &s);
    if (rc != SQLITE_OK) return rc;
    sqlite3_bind_int64(s, 1, a);
    if (two) sqlite3_bind_int64(s, 2, b);
    return vg_hnsw_run(vt, s);
}

static int delete_row(vg_hnsw_vtab *vt, sqlite3_int64 rowid, uint32_t slot) {
    vg_hnsw_view_begin(vt->view);
    int rc = changed(vt, vg_hnsw_tombstone(vt->view, slot));
    vg_hnsw_view_end(vt->view);
    if (rc == SQLITE_OK) rc = run_slot(vt, VG_HNSW_SQL_ROWID_DELETE, rowid, 0, 0);
    if (rc == SQLITE_OK) rc = run_slot(vt, VG_HNSW_SQL_TOMB_ADD, slot, 0, 0);
    if (rc == SQLITE_OK) vt->state.live--;
    return rc;
}

/* The slot a new row takes: a tombstone's other than the entry point's, else a new one. */
static int free_slot(vg_hnsw_vtab *vt, uint32_t *slot, int *reused) {
    sqlite3_stmt *s;
    int rc = vg_hnsw_statement(vt, VG_HNSW_SQL_TOMB_PICK, &s);
    if (rc != SQLITE_OK) return rc;
    uint32_t entry = vg_hnsw_view_entry(vt->view), slots = vg_hnsw_view_slots(vt->view);
    sqlite3_bind_int64(s, 1, entry == VG_HNSW_NO_SLOT ? -1 : (sqlite3_int64)entry);
    rc = sqlite3_step(s);
    *slot = slots;
    *reused = 0;
    if (rc == SQLITE_ROW) {
        sqlite3_int64 t = sqlite3_column_int64(s, 0);
        if (sqlite3_column_type(s, 0) != SQLITE_INTEGER || t < 0 || t >= slots)
            rc = vg_hnsw_error(vt, SQLITE_CORRUPT_VTAB, "%s is damaged: %s_tombstones names slot %lld of %u", vt->name,
                               vt->name, (long long)t, slots);
        else {
            *slot = (uint32_t)t;
            *reused = 1;
            rc = SQLITE_OK;
        }
    } else {
        rc = rc == SQLITE_DONE ? SQLITE_OK : vg_hnsw_sql_error(vt, rc);
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (rc == SQLITE_OK && !*reused && slots == VG_HNSW_NO_SLOT - 1)
        rc = vg_hnsw_error(vt, SQLITE_FULL, "%s: the index is full (%u slots)", vt->name, slots);
    return rc;
}

/* Puts vec into slot for rowid (a new or tombstone slot, or the row's own slot on UPDATE). */
static int place(vg_hnsw_vtab *vt, uint32_t slot, sqlite3_int64 rowid, const float *vec) {
    vg_hnsw_view_begin(vt->view);
    int rc = changed(vt, vg_hnsw_insert(vt->view, slot, rowid, vec));
    vg_hnsw_view_end(vt->view);
    return rc;
}

static int insert_row(vg_hnsw_vtab *vt, sqlite3_int64 rowid, const float *vec) {
    uint32_t slot;
    int reused, rc = free_slot(vt, &slot, &reused);
    if (rc == SQLITE_OK) rc = place(vt, slot, rowid, vec);
    if (rc == SQLITE_OK && reused) rc = run_slot(vt, VG_HNSW_SQL_TOMB_DELETE, slot, 0, 0);
    if (rc == SQLITE_OK) rc = run_slot(vt, VG_HNSW_SQL_ROWID_WRITE, rowid, 1, slot);
    if (rc == SQLITE_OK) vt->state.live++;
    return rc;
}

/* The row's vector replaced (its own slot takes the new one); an unchanged vector changes nothing. */
static int replace_vector(vg_hnsw_vtab *vt, sqlite3_int64 rowid, uint32_t slot, const float *vec) {
    vg_hnsw_view_begin(vt->view);
    const vg_hnsw_node *n = vg_hnsw_view_node(vt->view, slot);
    int same = n && !(n->flags & VG_HNSW_NODE_TOMBSTONE) &&
               memcmp(vg_hnsw_node_vec(n), vec, (size_t)vt->params.dims * sizeof(float)) == 0;
    int rc = n ? SQLITE_OK : changed(vt, vg_hnsw_view_error(vt->view));
    vg_hnsw_view_end(vt->view);
    if (rc != SQLITE_OK || same) return rc;
    return place(vt, slot, rowid, vec);
}

/* What to do with a new row whose rowid exists: SQLITE_OK to go on (replacing), SQLITE_DONE to keep
 * the old row (OR IGNORE), or an error. */
static int conflict(vg_hnsw_vtab *vt, sqlite3_int64 rowid) {
    switch (sqlite3_vtab_on_conflict(vt->db)) {
    case SQLITE_REPLACE: return SQLITE_OK;
    case SQLITE_IGNORE: return SQLITE_DONE;
    default: return vg_hnsw_error(vt, SQLITE_CONSTRAINT, "%s: rowid %lld already exists", vt->name, (long long)rowid);
    }
}

static int command(vg_hnsw_vtab *vt, sqlite3_value *cmd) {
    const char *text = (const char *)sqlite3_value_text(cmd);
    if (sqlite3_value_type(cmd) == SQLITE_TEXT && text && sqlite3_stricmp(text, "optimize") == 0) {
        int rc = vg_hnsw_write_begin(vt);
        return rc == SQLITE_OK ? vg_hnsw_command_optimize(vt) : rc;
    }
    if (sqlite3_value_type(cmd) == SQLITE_TEXT && text && sqlite3_stricmp(text, "integrity-check") == 0) {
        char *problem = NULL;
        int rc = vg_hnsw_refresh(vt);
        if (rc == SQLITE_OK) rc = vg_hnsw_check(vt, &problem);
        if (rc == SQLITE_OK && problem) {
            /* the finding is the message, as PRAGMA integrity_check prints it */
            sqlite3_free(vt->base.zErrMsg);
            vt->base.zErrMsg = problem;
            return SQLITE_CORRUPT_VTAB;
        }
        sqlite3_free(problem);
        return rc;
    }
    return vg_hnsw_error(vt, SQLITE_ERROR, "%s: unknown command %Q (expected 'optimize' or 'integrity-check')",
                         vt->name, text ? text : "NULL");
}

int vg_hnsw_update(sqlite3_vtab *tab, int argc, sqlite3_value **argv, sqlite3_int64 *rowid) {
    vg_hnsw_vtab *vt = (vg_hnsw_vtab *)tab;
    int is_delete = argc == 1, is_insert = !is_delete && sqlite3_value_type(argv[0]) == SQLITE_NULL;
    if (is_insert && sqlite3_value_type(argv[2 + VG_HNSW_COL_COMMAND]) != SQLITE_NULL)
        return command(vt, argv[2 + VG_HNSW_COL_COMMAND]);
    sqlite3_int64 old_id = is_insert ? 0 : sqlite3_value_int64(argv[0]), new_id = old_id;
    float *v = NULL;
    int rc = SQLITE_OK;
    if (!is_delete) {
        rc = read_rowid(vt, argv[1], &new_id);
        for (int col = VG_HNSW_COL_DISTANCE; rc == SQLITE_OK && is_insert && col < VG_HNSW_COL_COMMAND; col++)
            if (sqlite3_value_type(argv[2 + col]) != SQLITE_NULL)
                rc = vg_hnsw_error(vt, SQLITE_ERROR, "%s: only rowid and vector can be inserted", vt->name);
        if (rc == SQLITE_OK) rc = vg_hnsw_read_vector(vt, argv[2 + VG_HNSW_COL_VECTOR], "vector", &v);
    }
    /* every check before the first change, as SQLITE_VTAB_CONSTRAINT_SUPPORT promises SQLite */
    if (rc == SQLITE_OK) rc = vg_hnsw_refresh(vt);
    uint32_t old_slot = VG_HNSW_NO_SLOT, new_slot = VG_HNSW_NO_SLOT;
    if (rc == SQLITE_OK && !is_insert) rc = vg_hnsw_rowid_slot(vt, old_id, &old_slot);
    if (rc == SQLITE_OK && !is_delete && (is_insert || new_id != old_id)) rc = vg_hnsw_rowid_slot(vt, new_id, &new_slot);
    if (rc == SQLITE_OK && new_slot != VG_HNSW_NO_SLOT) rc = conflict(vt, new_id);
    if (rc == SQLITE_OK) rc = vg_hnsw_write_begin(vt);
    if (rc == SQLITE_OK && new_slot != VG_HNSW_NO_SLOT) {
        /* the new rowid exists and OR REPLACE puts the vector there (an UPDATE drops its old row) */
        if (!is_insert && old_slot != VG_HNSW_NO_SLOT) rc = delete_row(vt, old_id, old_slot);
        if (rc == SQLITE_OK) rc = replace_vector(vt, new_id, new_slot, v);
    } else if (rc == SQLITE_OK && is_delete) {
        if (old_slot != VG_HNSW_NO_SLOT) rc = delete_row(vt, old_id, old_slot);
    } else if (rc == SQLITE_OK && (is_insert || old_slot == VG_HNSW_NO_SLOT)) {
        rc = insert_row(vt, new_id, v);
    } else if (rc == SQLITE_OK) {
        /* an UPDATE: the row keeps its slot, under its new rowid when it has one */
        rc = replace_vector(vt, new_id, old_slot, v);
        if (rc == SQLITE_OK && new_id != old_id) {
            vg_hnsw_view_begin(vt->view);
            rc = changed(vt, vg_hnsw_set_rowid(vt->view, old_slot, new_id));
            vg_hnsw_view_end(vt->view);
            if (rc == SQLITE_OK) rc = run_slot(vt, VG_HNSW_SQL_ROWID_DELETE, old_id, 0, 0);
            if (rc == SQLITE_OK) rc = run_slot(vt, VG_HNSW_SQL_ROWID_WRITE, new_id, 1, old_slot);
        }
    }
    if (rc == SQLITE_DONE) rc = SQLITE_OK; /* OR IGNORE kept the old row */
    if (rc == SQLITE_OK && is_insert) *rowid = new_id;
    sqlite3_free(v);
    return rc;
}
