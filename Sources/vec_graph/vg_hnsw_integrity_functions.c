/* PRAGMA integrity_check for hnsw_index (SQLite >= 3.44 calls xIntegrity): flushes the dirty lists,
 * then reads the shadow tables directly, not the cached graph, and reports the first damage found: a
 * vector of the wrong length or not finite, a level outside 0..16, a node without its neighbour row
 * (or the reverse), a neighbour list that does not parse, a dangling neighbour, a link above the
 * neighbour's level, a self-link, or an entry point that is missing or not on the top level. */
#include "vg_hnsw_codec.h"
#include "vg_hnsw_map.h"
#include "vg_hnsw_vtab.h"
#include "vg_vector.h"

typedef struct check {
    vg_hnsw_vtab *vt;
    vg_hnsw_map levels; /* node rowid -> level */
    int top;
    char *problem; /* the first problem, sqlite3_mprintf'd */
} check;

static void report(check *c, sqlite3_int64 id, const char *what) {
    if (!c->problem) c->problem = sqlite3_mprintf("hnsw_index %s: node %lld: %s", c->vt->name, (long long)id, what);
}

static int check_nodes(check *c) {
    sqlite3_stmt *s;
    int rc = vg_hnsw_store_prepare(c->vt, "SELECT id, level, vector FROM \"%w\".\"%w_nodes\"", &s);
    if (rc != SQLITE_OK) return rc;
    size_t bytes = (size_t)c->vt->params.dims * 4;
    char err[VG_ERR_LEN];
    while ((rc = sqlite3_step(s)) == SQLITE_ROW && !c->problem) {
        sqlite3_int64 id = sqlite3_column_int64(s, 0), level = sqlite3_column_int64(s, 1);
        const void *blob = sqlite3_column_blob(s, 2);
        size_t n = (size_t)sqlite3_column_bytes(s, 2);
        if (level < 0 || level > VG_HNSW_MAX_LEVEL) {
            report(c, id, "bad level (outside 0..16)");
        } else if (n != bytes) {
            char *what = sqlite3_mprintf("vector has %lld bytes, %lld expected", (long long)n, (long long)bytes);
            report(c, id, what ? what : "vector has the wrong length");
            sqlite3_free(what);
        } else if (vg_blob_decode(blob, n, NULL, err) != 0 || sqlite3_column_type(s, 2) != SQLITE_BLOB) {
            report(c, id, "vector is not a float32 BLOB");
        } else if (vg_hnsw_map_put(&c->levels, id, (uint32_t)level) != 0) {
            rc = SQLITE_NOMEM;
            break;
        }
        if (level > c->top) c->top = (int)level;
    }
    sqlite3_finalize(s);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

static void check_links(check *c, sqlite3_int64 id, const unsigned char *blob, size_t n) {
    uint32_t level = vg_hnsw_map_get(&c->levels, id);
    vg_hnsw_links_view view;
    char err[200];
    if (level == VG_HNSW_NO_SLOT) {
        report(c, id, "has a neighbour row but no node row");
        return;
    }
    if (vg_hnsw_links_parse(blob, n, (int)level, &c->vt->params, &view, err) != 0) {
        report(c, id, err);
        return;
    }
    for (int l = 0; l < view.levels; l++) {
        for (int i = 0; i < view.count[l]; i++) {
            sqlite3_int64 t = vg_hnsw_links_id(blob, view.offset[l], i);
            uint32_t tl = vg_hnsw_map_get(&c->levels, t);
            char *what = NULL;
            if (t == id) what = sqlite3_mprintf("links to itself on level %d", l);
            else if (tl == VG_HNSW_NO_SLOT) what = sqlite3_mprintf("dangling neighbour %lld on level %d", (long long)t, l);
            else if ((int)tl < l) what = sqlite3_mprintf("links to node %lld on level %d, above its level %d", (long long)t, l, (int)tl);
            if (what) report(c, id, what);
            sqlite3_free(what);
        }
    }
}

static int check_edges(check *c) {
    sqlite3_stmt *s;
    int rc = vg_hnsw_store_prepare(c->vt, "SELECT id, neighbors FROM \"%w\".\"%w_edges\"", &s);
    if (rc != SQLITE_OK) return rc;
    size_t rows = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW && !c->problem) {
        rows++;
        check_links(c, sqlite3_column_int64(s, 0), sqlite3_column_blob(s, 1), (size_t)sqlite3_column_bytes(s, 1));
    }
    sqlite3_finalize(s);
    if (rc == SQLITE_DONE && rows != c->levels.count && !c->problem)
        c->problem = sqlite3_mprintf("hnsw_index %s: %lld nodes but %lld neighbour rows", c->vt->name,
                                     (long long)c->levels.count, (long long)rows);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

static int check_entry(check *c) {
    sqlite3_stmt *s;
    int rc = vg_hnsw_store_prepare(c->vt, "SELECT value FROM \"%w\".\"%w_config\" WHERE key = 'entry'", &s);
    if (rc != SQLITE_OK) return rc;
    rc = sqlite3_step(s);
    int present = rc == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL;
    sqlite3_int64 entry = present ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_finalize(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return rc;
    uint32_t level = present ? vg_hnsw_map_get(&c->levels, entry) : VG_HNSW_NO_SLOT;
    if (present != (c->levels.count > 0) || (present && (level == VG_HNSW_NO_SLOT || (int)level != c->top)))
        report(c, entry, "the entry point is missing or not on the top level");
    return SQLITE_OK;
}

int vg_hnsw_integrity(sqlite3_vtab *tab, const char *schema, const char *name, int flags, char **err) {
    (void)schema;
    (void)name;
    (void)flags;
    check c = {(vg_hnsw_vtab *)tab, {0}, -1, NULL};
    /* inside a write transaction, the changes not yet flushed belong in what is checked */
    int rc = vg_hnsw_store_flush(c.vt);
    if (rc == SQLITE_OK) rc = check_nodes(&c);
    if (rc == SQLITE_OK && !c.problem) rc = check_edges(&c);
    if (rc == SQLITE_OK && !c.problem) rc = check_entry(&c);
    vg_hnsw_map_free(&c.levels);
    *err = c.problem;
    return rc;
}
