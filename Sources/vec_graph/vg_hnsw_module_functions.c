/* The hnsw_index module: create/connect/disconnect/destroy/rename, transactions and savepoints, the
 * change log written at commit, shadow-table names, and its registration with the module version
 * the running SQLite understands.
 *
 * A write transaction changes private copies of nodes in this connection's view; they reach the
 * shadow tables at each savepoint and before COMMIT (SQLite rolls the tables back by itself), and
 * the shared store only once the COMMIT has succeeded. */
#include <string.h>

#include "vg_alloc.h"
#include "vg_functions.h"
#include "vg_hnsw_options.h"
#include "vg_hnsw_registry.h"
#include "vg_hnsw_vtab.h"

static int set_error(char **err, int rc, const char *fmt, const char *detail) {
    *err = sqlite3_mprintf(fmt, detail);
    return *err ? rc : SQLITE_NOMEM; /* not "vtable constructor failed" when the message found no memory */
}

/* Column names the table's own name must not take (its command column is named after it). */
static int name_taken(const char *name) {
    static const char *const columns[] = {"vector", "distance", "k", "ef_search", "allowed", "exact"};
    for (size_t i = 0; i < sizeof columns / sizeof columns[0]; i++)
        if (sqlite3_stricmp(name, columns[i]) == 0) return 1;
    return 0;
}

static int init(sqlite3 *db, void *aux, int argc, const char *const *argv, sqlite3_vtab **out, char **err, int create) {
    vg_hnsw_params params;
    char msg[VG_HNSW_ERR_LEN];
    if (vg_hnsw_parse_options(argc - 3, argv + 3, &params, msg) != 0)
        return set_error(err, SQLITE_ERROR, "hnsw_index: %s", msg);
    if (name_taken(argv[2]))
        return set_error(err, SQLITE_ERROR, "hnsw_index: a table cannot be named %s, which is one of its columns",
                         argv[2]);
    char *decl = sqlite3_mprintf("CREATE TABLE x(vector, distance, k HIDDEN, ef_search HIDDEN, allowed HIDDEN,"
                                 " exact HIDDEN, \"%w\" HIDDEN)",
                                 argv[2]);
    if (!decl) return SQLITE_NOMEM;
    int rc = sqlite3_declare_vtab(db, decl);
    sqlite3_free(decl);
    if (rc != SQLITE_OK) return rc;
    /* conflict clauses (OR REPLACE, OR IGNORE) are handled in xUpdate */
    sqlite3_vtab_config(db, SQLITE_VTAB_CONSTRAINT_SUPPORT, 1);
    if (create && (rc = vg_hnsw_shadow_create(db, argv[1], argv[2], &params)) != SQLITE_OK)
        return set_error(err, rc, "hnsw_index: could not create the shadow tables: %s", sqlite3_errmsg(db));
    vg_hnsw_vtab *vt = sqlite3_malloc(sizeof *vt);
    if (!vt) return SQLITE_NOMEM;
    memset(vt, 0, sizeof *vt);
    vt->db = db;
    vt->checked_schema = -1; /* no pair of schema versions: checked at first use */
    vt->params = params;
    vg_hnsw_layout_init(&vt->layout, &params);
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
    vg_hnsw_shadow_finalize(vt);
    vg_hnsw_view_free(vt->view);
    vg_hnsw_registry_release(vt->store);
    sqlite3_free(vt->schema);
    sqlite3_free(vt->name);
    sqlite3_free(vt->base.zErrMsg);
    sqlite3_free(vt);
    return SQLITE_OK;
}

static int hnsw_destroy(sqlite3_vtab *tab) {
    int rc = vg_hnsw_shadow_drop((vg_hnsw_vtab *)tab);
    if (rc == SQLITE_OK) hnsw_disconnect(tab);
    return rc;
}

static int hnsw_rename(sqlite3_vtab *tab, const char *new_name) {
    return vg_hnsw_shadow_rename((vg_hnsw_vtab *)tab, new_name);
}

static int hnsw_begin(sqlite3_vtab *tab) {
    (void)tab;
    return SQLITE_OK;
}

/* A change log BLOB: the slots as little-endian uint32 (NULL when the list is replaced by "all"). */
static int bind_slots(sqlite3_stmt *s, int col, const uint32_t *slots, size_t n, int all) {
    if (all) return sqlite3_bind_null(s, col);
    unsigned char *b = sqlite3_malloc64(n ? 4 * n : 1);
    if (!b) return SQLITE_NOMEM;
    for (size_t i = 0; i < n; i++)
        for (int j = 0; j < 4; j++) b[4 * i + (size_t)j] = (unsigned char)(slots[i] >> (8 * j));
    return sqlite3_bind_blob64(s, col, b, 4 * n, sqlite3_free);
}

/* The change log entry of this transaction's generation, and the oldest entry pruned. */
static int write_change(vg_hnsw_vtab *vt) {
    vg_hnsw_delta d;
    vg_hnsw_view_delta(vt->view, &d);
    int64_t gen = vg_hnsw_view_generation(vt->view) + 1;
    sqlite3_stmt *s;
    int rc = vg_hnsw_statement(vt, VG_HNSW_SQL_CHANGES_WRITE, &s);
    if (rc != SQLITE_OK) return rc;
    sqlite3_bind_int64(s, 1, gen);
    rc = bind_slots(s, 2, d.slots, d.n, d.all);
    if (rc == SQLITE_OK) rc = bind_slots(s, 3, d.content, d.n_content, d.all_content);
    if (rc != SQLITE_OK) {
        sqlite3_clear_bindings(s);
        return rc;
    }
    rc = vg_hnsw_run(vt, s);
    if (rc == SQLITE_OK && gen > VG_HNSW_CHANGES_KEPT) {
        rc = vg_hnsw_statement(vt, VG_HNSW_SQL_CHANGES_PRUNE, &s);
        if (rc == SQLITE_OK) {
            sqlite3_bind_int64(s, 1, gen - VG_HNSW_CHANGES_KEPT);
            rc = vg_hnsw_run(vt, s);
        }
    }
    return rc;
}

/* COMMIT's first phase: the dirty nodes and the change log go to the shadow tables, or the commit
 * fails (and rolls back) when a write broke the transaction. */
static int hnsw_sync(sqlite3_vtab *tab) {
    vg_hnsw_vtab *vt = (vg_hnsw_vtab *)tab;
    if (vt->broken)
        return vg_hnsw_error(vt, SQLITE_ABORT, "%s: an earlier write of this transaction failed; it was rolled back",
                             vt->name);
    if (!vt->in_txn) return SQLITE_OK;
    /* after a ROLLBACK TO, the tables tell whether anything of this transaction is left */
    int rc = vt->stale ? vg_hnsw_refresh(vt) : SQLITE_OK;
    if (rc != SQLITE_OK || !vt->bumped) return rc;
    rc = vg_hnsw_flush(vt);
    if (rc == SQLITE_OK) rc = write_change(vt);
    if (rc != SQLITE_OK && vt->in_txn) vt->broken = 1; /* unless SQLite already rolled back */
    return rc;
}

static void end_txn(vg_hnsw_vtab *vt, int committed) {
    if (vt->busy) vt->rollback_pending |= vt->in_txn; /* a rollback from inside xUpdate or xFilter */
    else if (vt->view && vt->in_txn) vg_hnsw_view_txn_end(vt->view, committed && vt->bumped);
    vt->in_txn = vt->bumped = vt->stale = vt->broken = vt->unsaved = 0;
}

void vg_hnsw_enter(vg_hnsw_vtab *vt) {
    vt->busy++;
}

int vg_hnsw_leave(vg_hnsw_vtab *vt, int rc) {
    if (--vt->busy == 0 && vt->rollback_pending) {
        vt->rollback_pending = 0;
        if (vt->view) vg_hnsw_view_txn_end(vt->view, 0);
    }
    return rc;
}

/* The transaction is durable: its nodes go to the shared store. */
static int hnsw_commit(sqlite3_vtab *tab) {
    end_txn((vg_hnsw_vtab *)tab, 1);
    return SQLITE_OK;
}

static int hnsw_rollback(sqlite3_vtab *tab) {
    end_txn((vg_hnsw_vtab *)tab, 0);
    return SQLITE_OK;
}

/* SQLite rolls the shadow tables back to the savepoint, whose state they held (flushed then); the
 * private nodes changed since go, and the view takes slots and entry from the tables again.
 * But when the savepoint's own flush failed, the tables never held its state: the view does (the
 * statement that opened it failed before changing anything), and keeps it, still dirty, for the
 * next flush to write whole (the rows the failed flush wrote are outside the statement's undo). */
static int hnsw_rollback_to(sqlite3_vtab *tab, int n) {
    vg_hnsw_vtab *vt = (vg_hnsw_vtab *)tab;
    if (vt->in_txn && !(vt->unsaved && vt->unsaved == n + 1)) { /* n is -1 for the outermost */
        vg_hnsw_view_discard(vt->view);
        vt->stale = 1;
    }
    vt->broken = vt->unsaved = 0;
    return SQLITE_OK;
}

/* A savepoint (or a statement that may need undoing) begins: the tables must match the view then.
 * Not from inside the table's own work: its own statements (a flush's writes, on a file whose
 * schema makes them open savepoints) would flush again, without end. */
static int hnsw_savepoint(sqlite3_vtab *tab, int n) {
    vg_hnsw_vtab *vt = (vg_hnsw_vtab *)tab;
    int rc = vt->broken || vt->busy ? SQLITE_OK : vg_hnsw_flush(vt);
    /* unless SQLite rolled the whole transaction back already (an I/O error does) */
    if (rc != SQLITE_OK && vt->in_txn) vt->unsaved = n + 1;
    return rc;
}

static int hnsw_release(sqlite3_vtab *tab, int n) {
    (void)tab;
    (void)n;
    return SQLITE_OK;
}

#if SQLITE_VERSION_NUMBER >= 3026000
static int hnsw_shadow_name(const char *suffix) {
    static const char *const names[] = {"config", "nodes", "rowids", "tombstones", "free", "changes", "vectors", "edges"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(suffix, names[i]) == 0) return 1;
    return 0;
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
