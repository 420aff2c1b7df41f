/* hnsw_index's INSERT, UPDATE and DELETE, with SQLite's conflict clauses, the purge of tombstones,
 * and its commands.
 *
 *   DELETE     the node becomes a tombstone (a waypoint for searches, never a result), and the purge
 *              moves on by VG_HNSW_CLEAN_PER_TOMBSTONE nodes.
 *   INSERT     a new node, in a freed slot when there is one, else a new slot. On an existing rowid:
 *              OR REPLACE replaces its vector, OR IGNORE keeps the old row, anything else fails with
 *              "rowid N already exists".
 *   UPDATE     a new vector: the old node becomes a tombstone and the row a new node (the cost of a
 *              delete and an insert); a new rowid alone only renames the node.
 *   commands   INSERT INTO t(t) VALUES ('optimize') | ('integrity-check') | ('cache_mb=N'): the last
 *              sets this process's cache budget for the index (the CREATE option is the default).
 * The purge goes round the slots in cycles, a cursor in _config: each node it passes is cleaned of
 * its links to the tombstones of earlier cycles (vg_hnsw_clean); when the cursor has been round, no
 * node links to those any more, and their slots are freed. So a tombstone lives at most two cycles,
 * and the work is a few node cleanings per delete, never a pass over the index.
 * Each checks its input before changing anything, writes the rowid and tombstone rows at once, and
 * changes the view's private nodes, written at the next savepoint or COMMIT. A change can fail
 * half-way only for want of memory (or a failed read): SQLite then rolls back the statement (to
 * tables flushed when it began) or the transaction. */
#include <stdlib.h>
#include <string.h>

#include "vg_hnsw_vtab.h"
#include "vg_vector.h"

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
        vt->seen.valid = 0; /* the view and vt->state are the transaction's now, not what was seen before it */
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

/* Frees the slots of the tombstones of cycles before the current one (but the entry point's, which
 * stays a waypoint), then starts the next cycle from slot 0. */
static int end_cycle(vg_hnsw_vtab *vt) {
    sqlite3_stmt *s;
    int rc = vg_hnsw_statement(vt, VG_HNSW_SQL_TARGETS_READ, &s);
    if (rc != SQLITE_OK) return rc;
    sqlite3_bind_int64(s, 1, vt->state.cycle);
    uint32_t *slots = NULL, entry = vg_hnsw_view_entry(vt->view);
    size_t n = 0, cap = 0;
    while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        rc = SQLITE_OK;
        sqlite3_int64 t = sqlite3_column_int64(s, 0);
        if (t < 0 || t >= (sqlite3_int64)vg_hnsw_view_slots(vt->view)) {
            rc = vg_hnsw_error(vt, SQLITE_CORRUPT_VTAB, "%s is damaged: %s_tombstones names slot %lld", vt->name,
                               vt->name, (long long)t);
            break;
        }
        if ((uint32_t)t == entry) continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            uint32_t *p = sqlite3_realloc64(slots, cap * sizeof *p);
            if (!p) {
                rc = SQLITE_NOMEM;
                break;
            }
            slots = p;
        }
        slots[n++] = (uint32_t)t;
    }
    if (rc == SQLITE_DONE) rc = SQLITE_OK;
    else if (rc != SQLITE_OK && rc != SQLITE_NOMEM && rc != SQLITE_CORRUPT_VTAB) rc = vg_hnsw_sql_error(vt, rc);
    sqlite3_reset(s);
    for (size_t i = 0; rc == SQLITE_OK && i < n; i++) {
        rc = run_slot(vt, VG_HNSW_SQL_NODE_DELETE, slots[i], 0, 0);
        if (rc == SQLITE_OK) rc = run_slot(vt, VG_HNSW_SQL_TOMB_DELETE, slots[i], 0, 0);
        if (rc == SQLITE_OK) rc = run_slot(vt, VG_HNSW_SQL_FREE_ADD, slots[i], 0, 0);
        if (rc == SQLITE_OK) rc = vg_hnsw_engine_error(vt, vg_hnsw_view_free_slot(vt->view, slots[i]));
        if (rc == SQLITE_OK) vt->state.free++;
    }
    sqlite3_free(slots);
    if (rc == SQLITE_OK) {
        vt->state.cycle++;
        vt->state.cursor = 0;
    }
    return rc;
}

/* Moves the purge on by budget nodes from the cursor, ending the cycle when it reaches the end. */
static int purge_step(vg_hnsw_vtab *vt, int budget) {
    if (vg_hnsw_view_slots(vt->view) - (uint32_t)vt->state.live - (uint32_t)vt->state.free == 0) return SQLITE_OK;
    /* the slots come from {name}_nodes: this transaction's new nodes must be there, or the cursor
     * passes them uncleaned and the cycle's end frees tombstones they still link to */
    int rc = vg_hnsw_flush(vt);
    if (rc != SQLITE_OK) return rc;
    sqlite3_stmt *s;
    rc = vg_hnsw_statement(vt, VG_HNSW_SQL_CLEAN_SCAN, &s);
    if (rc != SQLITE_OK) return rc;
    sqlite3_bind_int64(s, 1, vt->state.cursor);
    sqlite3_bind_int(s, 2, budget);
    uint32_t slots[4 * VG_HNSW_CLEAN_PER_TOMBSTONE];
    int n = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW && n < budget) slots[n++] = (uint32_t)sqlite3_column_int64(s, 0);
    rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : vg_hnsw_sql_error(vt, rc);
    sqlite3_reset(s);
    uint16_t cycle = (uint16_t)vt->state.cycle;
    uint32_t entry = vg_hnsw_view_entry(vt->view);
    vg_hnsw_view_begin(vt->view);
    for (int i = 0; rc == SQLITE_OK && i < n; i++) {
        const vg_hnsw_node *node = vg_hnsw_view_node(vt->view, slots[i]);
        if (!node) {
            rc = changed(vt, vg_hnsw_view_error(vt->view));
            break;
        }
        /* a tombstone about to be freed needs no cleaning, but what it links to must stay reachable;
         * the entry point is never freed */
        int target = (node->flags & VG_HNSW_NODE_TOMBSTONE) && node->cycle != cycle;
        if (!target || slots[i] == entry) rc = changed(vt, vg_hnsw_clean(vt->view, slots[i], cycle, 0));
        else rc = changed(vt, vg_hnsw_before_free(vt->view, slots[i]));
        vt->state.cursor = (int64_t)slots[i] + 1;
    }
    vg_hnsw_view_end(vt->view);
    if (rc == SQLITE_OK && n < budget) rc = end_cycle(vt);
    return rc;
}

static int delete_row(vg_hnsw_vtab *vt, sqlite3_int64 rowid, uint32_t slot) {
    vg_hnsw_view_begin(vt->view);
    int rc = changed(vt, vg_hnsw_tombstone(vt->view, slot, (uint16_t)vt->state.cycle));
    vg_hnsw_view_end(vt->view);
    if (rc == SQLITE_OK) rc = run_slot(vt, VG_HNSW_SQL_ROWID_DELETE, rowid, 0, 0);
    if (rc == SQLITE_OK && vt->params.rescore) rc = run_slot(vt, VG_HNSW_SQL_ORIGINAL_DELETE, rowid, 0, 0);
    if (rc == SQLITE_OK) rc = run_slot(vt, VG_HNSW_SQL_TOMB_ADD, slot, 1, vt->state.cycle);
    if (rc == SQLITE_OK) vt->state.live--;
    if (rc == SQLITE_OK) rc = purge_step(vt, VG_HNSW_CLEAN_PER_TOMBSTONE);
    return rc;
}

/* The slot a new row takes: a freed one, else a new one. */
static int free_slot(vg_hnsw_vtab *vt, uint32_t *slot, int *reused) {
    sqlite3_stmt *s;
    int rc = vg_hnsw_statement(vt, VG_HNSW_SQL_FREE_PICK, &s);
    if (rc != SQLITE_OK) return rc;
    uint32_t slots = vg_hnsw_view_slots(vt->view);
    rc = sqlite3_step(s);
    *slot = slots;
    *reused = 0;
    if (rc == SQLITE_ROW) {
        sqlite3_int64 t = sqlite3_column_int64(s, 0);
        if (sqlite3_column_type(s, 0) != SQLITE_INTEGER || t < 0 || t >= slots)
            rc = vg_hnsw_error(vt, SQLITE_CORRUPT_VTAB, "%s is damaged: %s_free names slot %lld of %u", vt->name,
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
    if (rc == SQLITE_OK && !*reused && slots == VG_HNSW_NO_SLOT - 1)
        rc = vg_hnsw_error(vt, SQLITE_FULL, "%s: the index is full (%u slots)", vt->name, slots);
    return rc;
}

/* A new row's vector: as given (float32: the original rescore keeps) and as the index stores it. */
typedef struct row_vector {
    float *f;
    unsigned char *code; /* f for f32 storage, else its own */
} row_vector;

static void row_vector_free(row_vector *rv) {
    if (rv->code != (unsigned char *)rv->f) sqlite3_free(rv->code);
    sqlite3_free(rv->f);
}

/* Encodes rv->f for the index's storage (a float16 out of range is an error, and for cosine so is a
 * vector that float16 rounds to zero). */
static int encode_vector(vg_hnsw_vtab *vt, row_vector *rv) {
    vg_elem t = vt->params.storage;
    rv->code = (unsigned char *)rv->f;
    if (t == VG_ELEM_F32) return SQLITE_OK;
    char err[VG_ERR_LEN];
    if (!(rv->code = sqlite3_malloc64(vt->layout.code_bytes))) return SQLITE_NOMEM;
    if (vg_compact_encode(t, rv->f, (size_t)vt->params.dims, rv->code, err) != 0)
        return vg_hnsw_error(vt, SQLITE_ERROR, "%s: vector: %s", vt->name, err);
    if (t == VG_ELEM_F16 && vt->params.metric == VG_HNSW_COSINE) {
        int zero = 1;
        for (size_t i = 0; i < vt->layout.code_bytes && zero; i += 2) zero = !(rv->code[i] | (rv->code[i + 1] & 0x7f));
        if (zero)
            return vg_hnsw_error(vt, SQLITE_ERROR, "%s: vector is a zero vector in float16, which has no direction "
                                 "(metric cosine)", vt->name);
    }
    return SQLITE_OK;
}

/* With rescore, the float32 original of rowid. */
static int write_original(vg_hnsw_vtab *vt, sqlite3_int64 rowid, const float *f) {
    size_t bytes = 4 * (size_t)vt->params.dims;
    unsigned char *blob = sqlite3_malloc64(bytes);
    sqlite3_stmt *s;
    int rc = blob ? vg_hnsw_statement(vt, VG_HNSW_SQL_ORIGINAL_WRITE, &s) : SQLITE_NOMEM;
    if (rc == SQLITE_OK) {
        vg_blob_encode(f, (size_t)vt->params.dims, blob);
        sqlite3_bind_int64(s, 1, rowid);
        sqlite3_bind_blob(s, 2, blob, (int)bytes, SQLITE_STATIC);
        rc = vg_hnsw_run(vt, s);
    }
    sqlite3_free(blob);
    return rc;
}

static int insert_row(vg_hnsw_vtab *vt, sqlite3_int64 rowid, const row_vector *rv) {
    uint32_t slot;
    int reused, rc = free_slot(vt, &slot, &reused);
    if (rc == SQLITE_OK) {
        vg_hnsw_view_begin(vt->view);
        rc = changed(vt, vg_hnsw_insert(vt->view, slot, rowid, rv->code, vt->state.live == 0));
        vg_hnsw_view_end(vt->view);
    }
    if (rc == SQLITE_OK && vt->params.rescore) rc = write_original(vt, rowid, rv->f);
    if (rc == SQLITE_OK && reused) {
        rc = run_slot(vt, VG_HNSW_SQL_FREE_DELETE, slot, 0, 0);
        if (rc == SQLITE_OK) vt->state.free--;
    }
    if (rc == SQLITE_OK) rc = run_slot(vt, VG_HNSW_SQL_ROWID_WRITE, rowid, 1, slot);
    if (rc == SQLITE_OK) vt->state.live++;
    return rc;
}

/* Row old_id (in slot) becomes row new_id with vector rv: a new node, the old one a tombstone; with
 * the same stored vector, the node only takes the new rowid (if it differs, or always with rescore),
 * and rescore's original is written again (a compact vector may stand for several float32 ones). */
static int replace_row(vg_hnsw_vtab *vt, sqlite3_int64 old_id, uint32_t slot, sqlite3_int64 new_id,
                       const row_vector *rv) {
    vg_hnsw_view_begin(vt->view);
    const vg_hnsw_node *n = vg_hnsw_view_node(vt->view, slot);
    int same = n && memcmp(vg_hnsw_node_code(n), rv->code, vt->layout.code_bytes) == 0;
    int rc = n ? SQLITE_OK : changed(vt, vg_hnsw_view_error(vt->view));
    /* with rescore the node changes even for the same rowid: its new generation tells every reader that
     * the original kept beside the old one (vg_hnsw_view_keep_original) is out of date */
    if (rc == SQLITE_OK && same && (new_id != old_id || vt->params.rescore))
        rc = changed(vt, vg_hnsw_set_rowid(vt->view, slot, new_id));
    vg_hnsw_view_end(vt->view);
    if (rc != SQLITE_OK) return rc;
    if (same) {
        if (vt->params.rescore && new_id != old_id) rc = run_slot(vt, VG_HNSW_SQL_ORIGINAL_DELETE, old_id, 0, 0);
        if (rc == SQLITE_OK && vt->params.rescore) rc = write_original(vt, new_id, rv->f);
        if (rc != SQLITE_OK || new_id == old_id) return rc;
        rc = run_slot(vt, VG_HNSW_SQL_ROWID_DELETE, old_id, 0, 0);
        return rc == SQLITE_OK ? run_slot(vt, VG_HNSW_SQL_ROWID_WRITE, new_id, 1, slot) : rc;
    }
    rc = delete_row(vt, old_id, slot);
    return rc == SQLITE_OK ? insert_row(vt, new_id, rv) : rc;
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
    if (sqlite3_value_type(cmd) == SQLITE_TEXT && text && sqlite3_strnicmp(text, "cache_mb=", 9) == 0) {
        char *end;
        long long mb = strtoll(text + 9, &end, 10);
        if (end == text + 9 || *end || mb < 1 || mb > 1048576)
            return vg_hnsw_error(vt, SQLITE_ERROR, "%s: cache_mb must be an integer from 1 to 1048576, got %Q",
                                 vt->name, text + 9);
        int rc = vg_hnsw_refresh(vt);
        if (rc == SQLITE_OK) vg_hnsw_store_set_budget(vt->store, (size_t)mb << 20);
        return rc;
    }
    return vg_hnsw_error(vt, SQLITE_ERROR,
                         "%s: unknown command %Q (expected 'optimize', 'integrity-check' or 'cache_mb=N')", vt->name,
                         text ? text : "NULL");
}

static int update(vg_hnsw_vtab *vt, int argc, sqlite3_value **argv, sqlite3_int64 *rowid) {
    int is_delete = argc == 1, is_insert = !is_delete && sqlite3_value_type(argv[0]) == SQLITE_NULL;
    if (is_insert && sqlite3_value_type(argv[2 + VG_HNSW_COL_COMMAND]) != SQLITE_NULL)
        return command(vt, argv[2 + VG_HNSW_COL_COMMAND]);
    sqlite3_int64 old_id = is_insert ? 0 : sqlite3_value_int64(argv[0]), new_id = old_id;
    row_vector v = {NULL, NULL};
    int rc = SQLITE_OK;
    if (!is_delete) {
        rc = read_rowid(vt, argv[1], &new_id);
        for (int col = VG_HNSW_COL_DISTANCE; rc == SQLITE_OK && is_insert && col < VG_HNSW_COL_COMMAND; col++)
            if (sqlite3_value_type(argv[2 + col]) != SQLITE_NULL)
                rc = vg_hnsw_error(vt, SQLITE_ERROR, "%s: only rowid and vector can be inserted", vt->name);
        if (rc == SQLITE_OK) rc = vg_hnsw_read_vector(vt, argv[2 + VG_HNSW_COL_VECTOR], "vector", &v.f);
        if (rc == SQLITE_OK) rc = encode_vector(vt, &v);
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
        if (rc == SQLITE_OK) rc = replace_row(vt, new_id, new_slot, new_id, &v);
    } else if (rc == SQLITE_OK && is_delete) {
        if (old_slot != VG_HNSW_NO_SLOT) rc = delete_row(vt, old_id, old_slot);
    } else if (rc == SQLITE_OK && (is_insert || old_slot == VG_HNSW_NO_SLOT)) {
        rc = insert_row(vt, new_id, &v);
    } else if (rc == SQLITE_OK) {
        rc = replace_row(vt, old_id, old_slot, new_id, &v);
    }
    if (rc == SQLITE_DONE) rc = SQLITE_OK; /* OR IGNORE kept the old row */
    if (rc == SQLITE_OK && is_insert) *rowid = new_id;
    row_vector_free(&v);
    return rc;
}

int vg_hnsw_update(sqlite3_vtab *tab, int argc, sqlite3_value **argv, sqlite3_int64 *rowid) {
    vg_hnsw_vtab *vt = (vg_hnsw_vtab *)tab;
    vg_hnsw_enter(vt);
    return vg_hnsw_leave(vt, update(vt, argc, argv, rowid));
}
