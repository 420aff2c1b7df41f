/* The integrity check of hnsw_index: PRAGMA integrity_check (SQLite >= 3.44 calls xIntegrity) and
 * INSERT INTO t(t) VALUES ('integrity-check') on every SQLite. It writes the dirty nodes first, then
 * reads the shadow tables directly, not any cache, and reports the first damage found: _config's
 * values, a node row outside the slots, a node BLOB that does not parse (lengths, level, flags, list
 * counts, a link outside the slots or to itself, a vector that is not finite float32), a link to a
 * freed slot or above the neighbour's level, an entry point missing or below a live node's level (a
 * row inserted when none was live takes over as entry point, so tombstones may sit above it), a rowid
 * row that names a tombstone or a node of another rowid, a live node without its rowid row, a
 * tombstone row that names a live node, a freed slot that holds a node, or counts that disagree. */
#include <string.h>

#include "vg_alloc.h"
#include "vg_hnsw_vtab.h"

typedef struct check {
    vg_hnsw_vtab *vt;
    uint32_t slots;
    uint8_t *level;   /* by slot */
    uint8_t *flags;   /* by slot */
    int64_t *rowid;   /* by slot */
    uint8_t *claimed; /* by slot: a rowid, tombstone or free row names it */
    uint8_t *present; /* by slot: it has a node row */
    size_t live, tombs, rows;
    int live_top; /* the highest level of a live node */
    char *problem;
} check;

/* The problem of a check whose report found no memory: the check stops, and fails with SQLITE_NOMEM
 * (not with a later, wrong finding, nor with a finding that names nothing). */
static char out_of_memory[] = "out of memory";

/* Records the first problem: what (sqlite3_mprintf'd, taken over) prefixed with the table. */
static void report(check *c, char *what) {
    const vg_hnsw_params *p = &c->vt->params;
    /* compact storage names itself (and its rescore), so what a finding is about is plain */
    if (!c->problem && !what)
        c->problem = out_of_memory;
    else if (!c->problem && p->storage == VG_ELEM_F32)
        c->problem = sqlite3_mprintf("hnsw_index %s: %s", c->vt->name, what);
    else if (!c->problem)
        c->problem = sqlite3_mprintf("hnsw_index %s (storage %s, rescore %d): %s", c->vt->name, vg_elem_name(p->storage),
                                     p->rescore, what);
    if (!c->problem) c->problem = out_of_memory;
    sqlite3_free(what);
}

/* Reads every node row (pass 0: levels, flags, rowids; pass 1: each link against its target's level). */
static int check_nodes(check *c, int pass) {
    sqlite3_stmt *s;
    int rc = vg_hnsw_prepare(c->vt, "SELECT slot, data FROM \"%w\".\"%w_nodes\" ORDER BY slot", &s);
    if (rc != SQLITE_OK) return rc;
    sqlite3_int64 last = -1;
    char err[VG_HNSW_ERR_LEN];
    while (!c->problem && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        sqlite3_int64 slot = sqlite3_column_int64(s, 0);
        if (slot <= last || slot < 0 || slot >= (sqlite3_int64)c->slots) {
            report(c, sqlite3_mprintf("a node row in slot %lld, of %lld slots", slot, (long long)c->slots));
            break;
        }
        last = slot;
        vg_hnsw_blob b;
        const void *data = sqlite3_column_blob(s, 1);
        size_t n = (size_t)sqlite3_column_bytes(s, 1);
        if (sqlite3_column_type(s, 1) != SQLITE_BLOB) {
            report(c, sqlite3_mprintf("node in slot %lld: its data is not a BLOB", slot));
            break;
        }
        if (vg_hnsw_blob_parse(&c->vt->layout, data, n, (uint32_t)slot, c->slots, &b, err) != VG_HNSW_OK) {
            report(c, sqlite3_mprintf("node in slot %lld: %s", slot, err));
            break;
        }
        if (pass == 0) {
            vg_hnsw_node *node = NULL;
            vg_hnsw_rc r = vg_hnsw_node_from_blob(&c->vt->layout, &b, (uint32_t)slot, 0, c->vt->kernels, &node, err);
            if (r == VG_HNSW_NOMEM) {
                rc = SQLITE_NOMEM;
                break;
            }
            if (r != VG_HNSW_OK) {
                report(c, sqlite3_mprintf("node in slot %lld: %s", slot, err));
                break;
            }
            vg_hnsw_node_free(node);
            c->present[slot] = 1;
            c->rows++;
            c->level[slot] = (uint8_t)b.level;
            c->flags[slot] = (uint8_t)b.flags;
            c->rowid[slot] = b.rowid;
            if (b.flags & VG_HNSW_NODE_TOMBSTONE) c->tombs++;
            else c->live++;
            if (!(b.flags & VG_HNSW_NODE_TOMBSTONE) && b.level > c->live_top) c->live_top = b.level;
            continue;
        }
        const unsigned char *p = b.lists;
        for (int l = 0; l <= b.level && !c->problem; l++) {
            uint32_t count = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
            p += 4;
            for (uint32_t i = 0; i < count; i++, p += 4) {
                uint32_t t = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
                if (!c->present[t])
                    report(c, sqlite3_mprintf("node in slot %lld links to slot %lld, which holds no node", slot,
                                              (long long)t));
                else if (c->level[t] < l)
                    report(c, sqlite3_mprintf("node in slot %lld links to slot %lld on level %d, above its level",
                                              slot, (long long)t, l));
            }
        }
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE && rc != SQLITE_OK) return vg_hnsw_sql_error(c->vt, rc);

    return rc == SQLITE_NOMEM ? rc : SQLITE_OK;
}

enum { CLAIM_ROWIDS, CLAIM_TOMBSTONES, CLAIM_FREE };

/* Reads a table of slots (rowids: id and slot; tombstones, free: slot) against the nodes. */
static int check_claims(check *c, int which) {
    static const char *const sql[] = {"SELECT slot, id FROM \"%w\".\"%w_rowids\"",
                                      "SELECT slot FROM \"%w\".\"%w_tombstones\"",
                                      "SELECT slot FROM \"%w\".\"%w_free\""};
    int rowids = which == CLAIM_ROWIDS;
    sqlite3_stmt *s;
    int rc = vg_hnsw_prepare(c->vt, sql[which], &s);
    if (rc != SQLITE_OK) return rc;
    size_t rows = 0;
    while (!c->problem && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        sqlite3_int64 slot = sqlite3_column_int64(s, 0);
        rows++;
        sqlite3_int64 id = rowids ? sqlite3_column_int64(s, 1) : 0;
        if (sqlite3_column_type(s, 0) != SQLITE_INTEGER || slot < 0 || slot >= (sqlite3_int64)c->slots) {
            report(c, rowids ? sqlite3_mprintf("rowids: rowid %lld names slot %lld, outside the slots", id, slot)
                             : sqlite3_mprintf("%s: slot %lld is outside the slots", which == CLAIM_FREE ? "free" : "tombstones", slot));
            break;
        }
        int tomb = (c->flags[slot] & VG_HNSW_NODE_TOMBSTONE) != 0;
        if (which == CLAIM_FREE && c->present[slot]) report(c, sqlite3_mprintf("free: slot %lld holds a node", slot));
        else if (which != CLAIM_FREE && !c->present[slot])
            report(c, sqlite3_mprintf("%s: slot %lld holds no node", rowids ? "rowids" : "tombstones", slot));
        else if (which == CLAIM_TOMBSTONES && !tomb) report(c, sqlite3_mprintf("tombstones: slot %lld holds a live node", slot));
        else if (c->claimed[slot]) report(c, sqlite3_mprintf("slot %lld is named twice by the rowids and tombstones", slot));
        else if (rowids && tomb) report(c, sqlite3_mprintf("rowids: rowid %lld names slot %lld, a tombstone", id, slot));
        else if (rowids && c->rowid[slot] != id)
            report(c, sqlite3_mprintf("rowids: rowid %lld names slot %lld, which holds rowid %lld", id, slot,
                                      (long long)c->rowid[slot]));
        c->claimed[slot] = 1;
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return vg_hnsw_sql_error(c->vt, rc);
    static const char *const counts[] = {"%lld rowid rows for %lld live nodes", "%lld tombstone rows for %lld tombstones",
                                         "%lld free rows for %lld slots without a node"};
    size_t want = which == CLAIM_ROWIDS ? c->live : which == CLAIM_TOMBSTONES ? c->tombs : c->slots - c->rows;
    if (!c->problem && rows != want) report(c, sqlite3_mprintf(counts[which], (long long)rows, (long long)want));
    return SQLITE_OK;
}

/* With rescore: one float32 original of dims values for each live rowid, and no other. */
static int check_originals(check *c) {
    vg_hnsw_vtab *vt = c->vt;
    sqlite3_stmt *s;
    char *sql = sqlite3_mprintf("SELECT r.id FROM \"%w\".\"%w_rowids\" r LEFT JOIN \"%w\".\"%w_vectors\" v ON v.id = r.id"
                                " WHERE v.id IS NULL OR typeof(v.vector) != 'blob' OR length(v.vector) != ?1 LIMIT 1",
                                vt->schema, vt->name, vt->schema, vt->name);
    if (!sql) return SQLITE_NOMEM;
    int rc = sqlite3_prepare_v2(vt->db, sql, -1, &s, NULL);
    sqlite3_free(sql);
    if (rc != SQLITE_OK) return vg_hnsw_sql_error(vt, rc);
    sqlite3_bind_int64(s, 1, 4 * (sqlite3_int64)c->vt->params.dims);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        report(c, sqlite3_mprintf("vectors: rowid %lld has no original of %d float32 values", sqlite3_column_int64(s, 0),
                                  c->vt->params.dims));
    sqlite3_finalize(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return vg_hnsw_sql_error(c->vt, rc);
    if (c->problem) return SQLITE_OK;
    rc = vg_hnsw_prepare(c->vt, "SELECT count(*) FROM \"%w\".\"%w_vectors\"", &s);
    if (rc != SQLITE_OK) return rc;
    rc = sqlite3_step(s);
    sqlite3_int64 rows = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    if (rc != SQLITE_ROW) return vg_hnsw_sql_error(c->vt, rc);
    if ((size_t)rows != c->live)
        report(c, sqlite3_mprintf("vectors: %lld originals for %lld live rows", (long long)rows, (long long)c->live));
    return SQLITE_OK;
}

int vg_hnsw_check(vg_hnsw_vtab *vt, char **problem) {
    *problem = NULL;
    int rc = vg_hnsw_flush(vt);
    if (rc != SQLITE_OK) return rc;
    vg_hnsw_state st;
    rc = vg_hnsw_config_read(vt, &st);
    if (rc == SQLITE_CORRUPT_VTAB || rc == SQLITE_ERROR) {
        /* _config's own damage is the finding */
        *problem = sqlite3_mprintf("%s", vt->base.zErrMsg ? vt->base.zErrMsg : "hnsw_index: _config is damaged");
        return *problem ? SQLITE_OK : SQLITE_NOMEM;
    }
    if (rc != SQLITE_OK) return rc;
    check c = {vt, (uint32_t)st.slots, NULL, NULL, NULL, NULL, NULL, 0, 0, 0, -1, NULL};
    size_t n = c.slots ? c.slots : 1;
    c.level = vg_calloc(n, 1);
    c.flags = vg_calloc(n, 1);
    c.rowid = vg_calloc(n, sizeof *c.rowid);
    c.claimed = vg_calloc(n, 1);
    c.present = vg_calloc(n, 1);
    if (!c.level || !c.flags || !c.rowid || !c.claimed || !c.present) rc = SQLITE_NOMEM;
    if (rc == SQLITE_OK) rc = check_nodes(&c, 0);
    if (rc == SQLITE_OK && !c.problem) rc = check_nodes(&c, 1);
    if (rc == SQLITE_OK && !c.problem && c.slots && (!c.present[st.entry] || c.level[st.entry] < c.live_top))
        report(&c, sqlite3_mprintf("the entry point (slot %lld) is not a node on the top level %d", (long long)st.entry,
                                   c.live_top));
    for (int which = CLAIM_ROWIDS; rc == SQLITE_OK && !c.problem && which <= CLAIM_FREE; which++)
        rc = check_claims(&c, which);
    if (rc == SQLITE_OK && !c.problem && (size_t)st.free != c.slots - c.rows)
        report(&c, sqlite3_mprintf("_config says %lld free slots, %lld slots hold no node", (long long)st.free,
                                   (long long)(c.slots - c.rows)));
    if (rc == SQLITE_OK && !c.problem && vt->params.rescore) rc = check_originals(&c);
    if (rc == SQLITE_OK && !c.problem && (size_t)st.live != c.live)
        report(&c, sqlite3_mprintf("_config says %lld live rows, the nodes hold %lld", (long long)st.live, (long long)c.live));
    vg_free(c.level);
    vg_free(c.flags);
    vg_free(c.rowid);
    vg_free(c.claimed);
    vg_free(c.present);
    if (c.problem == out_of_memory) {
        c.problem = NULL;
        if (rc == SQLITE_OK) rc = SQLITE_NOMEM;
    }
    if (rc != SQLITE_OK) {
        sqlite3_free(c.problem);
        return rc;
    }
    *problem = c.problem;
    return SQLITE_OK;
}

int vg_hnsw_integrity(sqlite3_vtab *tab, const char *schema, const char *name, int flags, char **err) {
    (void)schema;
    (void)name;
    (void)flags;
    vg_hnsw_vtab *vt = (vg_hnsw_vtab *)tab;
    int rc = vt->view ? SQLITE_OK : vg_hnsw_refresh(vt);
    if (rc == SQLITE_OK) rc = vg_hnsw_check(vt, err);
    return rc;
}
