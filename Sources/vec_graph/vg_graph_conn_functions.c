/* A connection's graph state: the strategy VEC_GRAPH_STRATEGY asks for, and the cache of whole
 * graphs, with the rule for what may be cached and the token that proves an entry current.
 *
 * Cached: ordinary and WITHOUT ROWID tables in main or temp. Not views or virtual tables (what they
 * return can depend on anything), not attached databases (a DETACH and an ATTACH of the same file
 * changed meanwhile would look unchanged to every counter below), and not a main database that
 * sqlite3_deserialize replaced (the memdb VFS: the same reason). The token is
 *   - this connection's changes (sqlite3_total_changes64 where the running SQLite has it, else
 *     sqlite3_total_changes): every row it inserts, updates or deletes, in any table, also in a
 *     transaction or savepoint it then rolls back;
 *   - PRAGMA data_version of the table's database: commits by other connections;
 *   - PRAGMA schema_version of that database: every schema change (ALTER TABLE, DROP and CREATE,
 *     indexes), by any connection; a rolled-back one restores the old version and the old content.
 * A ROLLBACK does not turn the change counter back, so a graph read after this connection's own
 * uncommitted writes would look current after they are rolled back: graphs are only stored when this
 * connection holds no uncommitted change of the table's database (no write transaction open on it:
 * sqlite3_txn_state from 3.34, before that no transaction at all) and no writing statement of it is
 * running (a trigger or an INSERT ... SELECT around the call). */
#include <stdlib.h>
#include <string.h>

#include "vg_graph_sql.h"

int vg_graph_conn_new(vg_graph_conn **out, char **err) {
    static const char *const names[] = {"auto", "index", "load", "cache"};
    const char *env = getenv("VEC_GRAPH_STRATEGY");
    int strategy = env && env[0] ? -1 : VG_GRAPH_AUTO;
    for (int i = 0; i < 4 && strategy < 0; i++)
        if (strcmp(env, names[i]) == 0) strategy = i;
    *out = NULL;
    if (strategy < 0) {
        *err = sqlite3_mprintf("VEC_GRAPH_STRATEGY must be auto, index, load or cache, got '%s'", env);
        return SQLITE_ERROR;
    }
    vg_graph_conn *conn = sqlite3_malloc(sizeof *conn);
    if (!conn) return SQLITE_NOMEM;
    memset(conn, 0, sizeof *conn);
    conn->strategy = (vg_graph_strategy)strategy;
    vg_graph_cache_init(&conn->cache, VG_GRAPH_CACHE_BUDGET, VG_GRAPH_CACHE_ENTRIES);
    conn->refs = 1;
    *out = conn;
    return SQLITE_OK;
}

void vg_graph_conn_retain(vg_graph_conn *conn) {
    conn->refs++;
}

void vg_graph_conn_release(void *p) {
    vg_graph_conn *conn = p;
    if (!conn || --conn->refs > 0) return;
    vg_graph_cache_clear(&conn->cache);
    vg_graph_tables_clear(conn);
    sqlite3_free(conn);
}

static int cacheable(sqlite3 *db, const vg_graph_table *t) {
    if (!t->is_table) return 0;
    if (sqlite3_stricmp(t->schema, "temp") == 0) return 1;
    if (sqlite3_stricmp(t->schema, "main") != 0) return 0;
    sqlite3_vfs *vfs = NULL;
    return sqlite3_file_control(db, "main", SQLITE_FCNTL_VFS_POINTER, &vfs) == SQLITE_OK && vfs && vfs->zName &&
           strcmp(vfs->zName, "memdb") != 0;
}

/* Whether what this connection reads of t's database now is committed (see the top of the file). */
static int committed_state(sqlite3 *db, const vg_graph_table *t) {
    for (sqlite3_stmt *stmt = sqlite3_next_stmt(db, NULL); stmt; stmt = sqlite3_next_stmt(db, stmt))
        if (sqlite3_stmt_busy(stmt) && !sqlite3_stmt_readonly(stmt)) return 0;
    if (sqlite3_get_autocommit(db)) return 1;
#if SQLITE_VERSION_NUMBER >= 3034000
    if (VG_RUNNING_SQLITE() >= 3034000) return sqlite3_txn_state(db, t->schema) != SQLITE_TXN_WRITE;
#else
    (void)t;
#endif
    return 0;
}

int vg_graph_pragma(sqlite3 *db, const char *schema, const char *name, int64_t *out) {
    char *sql = sqlite3_mprintf("PRAGMA \"%w\".%s", schema, name);
    if (!sql) return SQLITE_NOMEM;
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);
    sqlite3_free(sql);
    if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        *out = sqlite3_column_int64(stmt, 0);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(stmt);
    return rc;
}

int64_t vg_graph_changes(sqlite3 *db) {
#if SQLITE_VERSION_NUMBER >= 3036001
    if (VG_RUNNING_SQLITE() >= 3036001) return sqlite3_total_changes64(db);
#endif
    return sqlite3_total_changes(db);
}

static int read_token(sqlite3 *db, const vg_graph_table *t, vg_graph_token *token) {
    token->changes = vg_graph_changes(db);
    int rc = vg_graph_pragma(db, t->schema, "schema_version", &token->schema_version);
    return rc == SQLITE_OK ? vg_graph_pragma(db, t->schema, "data_version", &token->data_version) : rc;
}

/* The cache key: each name with its length in front (so no two lists of names make the same key). */
static char *cache_key(const vg_graph_table *t, size_t *len) {
    const char *part[5] = {t->schema, t->name, t->col[0], t->col[1], t->col[2]};
    char *key = sqlite3_mprintf("%d:%s%d:%s%d:%s%d:%s", (int)strlen(part[0]), part[0], (int)strlen(part[1]), part[1],
                                (int)strlen(part[2]), part[2], (int)strlen(part[3]), part[3]);
    if (key && part[4]) {
        char *weighted = sqlite3_mprintf("%s%d:%s", key, (int)strlen(part[4]), part[4]);
        sqlite3_free(key);
        key = weighted;
    }
    *len = key ? strlen(key) : 0;
    return key;
}

/* A current cached graph of t, or NULL. With want_token, the token now is left in *token for a
 * following vg_graph_cache_put (computed before the table is read, so a change meanwhile shows). */
static int cached(sqlite3 *db, vg_graph_conn *conn, const vg_graph_table *t, int with_in_edges, int want_token,
                  vg_graph_token *token, vg_graph_shared **out) {
    *out = NULL;
    size_t len;
    char *key = cache_key(t, &len);
    if (!key) return SQLITE_NOMEM;
    int rc = SQLITE_OK;
    if (want_token || vg_graph_cache_has(&conn->cache, key, len)) {
        rc = read_token(db, t, token);
        if (rc == SQLITE_OK) *out = vg_graph_cache_get(&conn->cache, key, len, with_in_edges, token);
    }
    sqlite3_free(key);
    return rc;
}

/* Whether calls through conn keep whole graphs of t. */
static int uses_cache(sqlite3 *db, const vg_graph_conn *conn, const vg_graph_table *t) {
    return (conn->strategy == VG_GRAPH_AUTO || conn->strategy == VG_GRAPH_CACHED) && cacheable(db, t);
}

int vg_graph_cached(sqlite3 *db, vg_graph_conn *conn, const vg_graph_table *t, int with_in_edges,
                    vg_graph_shared **out) {
    vg_graph_token token;
    *out = NULL;
    return uses_cache(db, conn, t) ? cached(db, conn, t, with_in_edges, 0, &token, out) : SQLITE_OK;
}

int vg_graph_acquire(sqlite3 *db, vg_graph_conn *conn, const char *fname, const vg_graph_table *t,
                     int with_in_edges, vg_graph_shared **out, char **err) {
    vg_graph_token token;
    int keep = uses_cache(db, conn, t);
    int rc = keep ? cached(db, conn, t, with_in_edges, 1, &token, out) : SQLITE_OK;
    if (rc != SQLITE_OK || (keep && *out)) {
        if (rc != SQLITE_OK && rc != SQLITE_NOMEM)
            rc = vg_graph_fail(err, rc, sqlite3_mprintf("%s: %s: %s", fname, t->source->table, sqlite3_errmsg(db)));
        return rc;
    }
    vg_graph g;
    rc = vg_graph_load(db, fname, t, with_in_edges, &g, err);
    if (rc != SQLITE_OK) return rc;
    *out = vg_graph_share(&g);
    if (!*out) return SQLITE_NOMEM;
    if (keep && committed_state(db, t)) {
        size_t len;
        char *key = cache_key(t, &len);
        if (key) vg_graph_cache_put(&conn->cache, key, len, with_in_edges, &token, *out); /* if not, just uncached */
        sqlite3_free(key);
    }
    return SQLITE_OK;
}
