/* The hnsw_index module: create/connect/disconnect/destroy/rename, transactions and savepoints
 * (which drop the cached graph on rollback), shadow-table names, and its registration with the
 * module version the running SQLite understands. */
#include <string.h>

#include "vg_functions.h"
#include "vg_hnsw_options.h"
#include "vg_hnsw_vtab.h"

static int set_error(char **err, int rc, const char *fmt, const char *detail) {
    *err = sqlite3_mprintf(fmt, detail);
    return rc;
}

static int init(sqlite3 *db, void *aux, int argc, const char *const *argv, sqlite3_vtab **out, char **err, int create) {
    vg_hnsw_params params;
    char msg[VG_HNSW_ERR_LEN];
    if (vg_hnsw_parse_options(argc - 3, argv + 3, &params, msg) != 0)
        return set_error(err, SQLITE_ERROR, "hnsw_index: %s", msg);
    int rc = sqlite3_declare_vtab(db, "CREATE TABLE x(vector, distance, k HIDDEN, ef_search HIDDEN, allowed HIDDEN)");
    if (rc != SQLITE_OK) return rc;
    if (create && (rc = vg_hnsw_store_create(db, argv[1], argv[2])) != SQLITE_OK)
        return set_error(err, rc, "hnsw_index: could not create the shadow tables: %s", sqlite3_errmsg(db));
    vg_hnsw_vtab *vt = sqlite3_malloc(sizeof *vt);
    if (!vt) return SQLITE_NOMEM;
    memset(vt, 0, sizeof *vt);
    vt->db = db;
    vt->params = params;
    vt->kernels = aux;
    vt->schema = sqlite3_mprintf("%s", argv[1]);
    vt->name = sqlite3_mprintf("%s", argv[2]);
    if (!vt->schema || !vt->name) {
        sqlite3_free(vt->schema);
        sqlite3_free(vt->name);
        sqlite3_free(vt);
        return SQLITE_NOMEM;
    }
    *out = &vt->base;
    return SQLITE_OK;
}

static int hnsw_create(sqlite3 *db, void *aux, int argc, const char *const *argv, sqlite3_vtab **out, char **err) {
    return init(db, aux, argc, argv, out, err, 1);
}

static int hnsw_connect(sqlite3 *db, void *aux, int argc, const char *const *argv, sqlite3_vtab **out, char **err) {
    return init(db, aux, argc, argv, out, err, 0);
}

static int hnsw_disconnect(sqlite3_vtab *tab) {
    vg_hnsw_vtab *vt = (vg_hnsw_vtab *)tab;
    vg_hnsw_store_finalize(vt);
    vg_hnsw_store_invalidate(vt);
    sqlite3_free(vt->schema);
    sqlite3_free(vt->name);
    sqlite3_free(vt);
    return SQLITE_OK;
}

static int hnsw_destroy(sqlite3_vtab *tab) {
    int rc = vg_hnsw_store_drop((vg_hnsw_vtab *)tab);
    if (rc == SQLITE_OK) hnsw_disconnect(tab);
    return rc;
}

static int hnsw_rename(sqlite3_vtab *tab, const char *new_name) {
    return vg_hnsw_store_rename((vg_hnsw_vtab *)tab, new_name);
}

static int hnsw_begin(sqlite3_vtab *tab) {
    ((vg_hnsw_vtab *)tab)->bumped = 0;
    return SQLITE_OK;
}

/* COMMIT's first phase: the dirty lists go to the shadow tables, or the commit fails (and rolls
 * back) when a write broke the transaction. */
static int hnsw_sync(sqlite3_vtab *tab) {
    vg_hnsw_vtab *vt = (vg_hnsw_vtab *)tab;
    if (vt->broken)
        return vg_hnsw_error(vt, SQLITE_ABORT, "%s: an earlier write of this transaction failed; it was rolled back",
                             vt->name);
    return vg_hnsw_store_flush(vt);
}

static int hnsw_commit(sqlite3_vtab *tab) {
    ((vg_hnsw_vtab *)tab)->bumped = 0;
    return SQLITE_OK;
}

/* The shadow tables are rolled back by SQLite itself; the cached graph cannot be, so it goes, with
 * whatever it had not flushed (which belonged to what is being rolled back). */
static int hnsw_rollback_to(sqlite3_vtab *tab, int n) {
    (void)n;
    vg_hnsw_vtab *vt = (vg_hnsw_vtab *)tab;
    vg_hnsw_store_invalidate(vt);
    vt->bumped = vt->entry_moved = 0;
    return SQLITE_OK;
}

/* A whole rollback also ends a transaction that a failed flush had broken. */
static int hnsw_rollback(sqlite3_vtab *tab) {
    ((vg_hnsw_vtab *)tab)->broken = 0;
    return hnsw_rollback_to(tab, 0);
}

/* A savepoint (or a statement that may need undoing) begins: the tables must match the graph then,
 * since ROLLBACK TO restores them to this moment and the graph is reloaded from them. */
static int hnsw_savepoint(sqlite3_vtab *tab, int n) {
    (void)n;
    return vg_hnsw_store_flush((vg_hnsw_vtab *)tab);
}

static int hnsw_release(sqlite3_vtab *tab, int n) {
    (void)tab;
    (void)n;
    return SQLITE_OK;
}

#if SQLITE_VERSION_NUMBER >= 3026000
static int hnsw_shadow_name(const char *suffix) {
    return strcmp(suffix, "config") == 0 || strcmp(suffix, "nodes") == 0 || strcmp(suffix, "edges") == 0;
}
#endif

#define HNSW_METHODS                                                                                           \
    .xCreate = hnsw_create, .xConnect = hnsw_connect, .xBestIndex = vg_hnsw_best_index,                       \
    .xDisconnect = hnsw_disconnect, .xDestroy = hnsw_destroy, .xOpen = vg_hnsw_open, .xClose = vg_hnsw_close, \
    .xFilter = vg_hnsw_filter, .xNext = vg_hnsw_next, .xEof = vg_hnsw_eof, .xColumn = vg_hnsw_column,         \
    .xRowid = vg_hnsw_rowid, .xUpdate = vg_hnsw_update, .xBegin = hnsw_begin, .xSync = hnsw_sync,             \
    .xCommit = hnsw_commit, .xRollback = hnsw_rollback, .xRename = hnsw_rename, .xSavepoint = hnsw_savepoint, \
    .xRelease = hnsw_release, .xRollbackTo = hnsw_rollback_to

/* One struct per module version: SQLite reads only the fields of the version it is told. */
static const sqlite3_module module_v2 = {.iVersion = 2, HNSW_METHODS};
#if SQLITE_VERSION_NUMBER >= 3026000
static const sqlite3_module module_v3 = {.iVersion = 3, HNSW_METHODS, .xShadowName = hnsw_shadow_name};
#endif
#if SQLITE_VERSION_NUMBER >= 3044000
static const sqlite3_module module_v4 = {
    .iVersion = 4, HNSW_METHODS, .xShadowName = hnsw_shadow_name, .xIntegrity = vg_hnsw_integrity};
#endif

int vg_register_hnsw(sqlite3 *db, const vg_kernels *kernels) {
    const sqlite3_module *module = &module_v2;
#if SQLITE_VERSION_NUMBER >= 3026000
    if (VG_RUNNING_SQLITE() >= 3026000) module = &module_v3;
#endif
#if SQLITE_VERSION_NUMBER >= 3044000
    if (VG_RUNNING_SQLITE() >= 3044000) module = &module_v4;
#endif
    return sqlite3_create_module_v2(db, "hnsw_index", module, (void *)kernels, NULL);
}
