/* The hnsw_index virtual table's state, shared by its SQLite-facing files: the module (lifecycle and
 * transactions), the shadow tables, reading nodes, the query cursor, writes and commands, and the
 * integrity check. */
#ifndef VG_HNSW_VTAB_H
#define VG_HNSW_VTAB_H

#include "vg_hnsw_graph.h"
#include "vg_hnsw_node.h"
#include "vg_kernels.h"
#include "vg_sqlite.h"

/* The largest k and ef_search a query may ask for. */
#define VG_HNSW_MAX_K 100000
/* ef_search when a query gives none: max(k, VG_HNSW_DEFAULT_EF). */
#define VG_HNSW_DEFAULT_EF 64
/* The storage format this version writes ({name}_config 'format'). */
#define VG_HNSW_FORMAT 2
/* How many change log entries {name}_changes keeps. */
#define VG_HNSW_CHANGES_KEPT 256
/* How many nodes the purge cleans for each tombstone made: a purge cycle then passes every slot
 * while an eighth of them become tombstones, so at most about a quarter are tombstones at a time. */
#define VG_HNSW_CLEAN_PER_TOMBSTONE 8

/* Columns, in declaration order; the rowid is the row's id. The last one, named like the table,
 * takes commands (INSERT INTO t(t) VALUES ('optimize')), as FTS5's does. */
enum {
    VG_HNSW_COL_VECTOR,
    VG_HNSW_COL_DISTANCE,
    VG_HNSW_COL_K,
    VG_HNSW_COL_EF,
    VG_HNSW_COL_ALLOWED,
    VG_HNSW_COL_EXACT,
    VG_HNSW_COL_COMMAND
};

/* The statements the table keeps prepared (see vg_hnsw_shadow_functions.c). */
enum {
    VG_HNSW_SQL_CONFIG_READ,
    VG_HNSW_SQL_CONFIG_WRITE,
    VG_HNSW_SQL_GEN_BUMP,
    VG_HNSW_SQL_NODE_READ,
    VG_HNSW_SQL_NODE_WRITE,
    VG_HNSW_SQL_ROWID_READ,
    VG_HNSW_SQL_ROWID_WRITE,
    VG_HNSW_SQL_ROWID_DELETE,
    VG_HNSW_SQL_NODE_DELETE,
    VG_HNSW_SQL_TOMB_ADD,
    VG_HNSW_SQL_TOMB_DELETE,
    VG_HNSW_SQL_TARGETS_READ,
    VG_HNSW_SQL_FREE_ADD,
    VG_HNSW_SQL_FREE_DELETE,
    VG_HNSW_SQL_FREE_PICK,
    VG_HNSW_SQL_FREE_READ,
    VG_HNSW_SQL_CLEAN_SCAN,
    VG_HNSW_SQL_CHANGES_READ,
    VG_HNSW_SQL_CHANGES_WRITE,
    VG_HNSW_SQL_CHANGES_PRUNE,
    VG_HNSW_SQL_VECTOR_READ,
    VG_HNSW_SQL_SCHEMA_VERSION,
    VG_HNSW_SQL_TEMP_SCHEMA_VERSION,
    VG_HNSW_SQL_ORIGINAL_READ,
    VG_HNSW_SQL_ORIGINAL_WRITE,
    VG_HNSW_SQL_ORIGINAL_DELETE,
    VG_HNSW_SQL_COUNT
};

/* The committed state _config describes: slots = live rows + tombstones + freed slots; cycle and
 * cursor are where the purge of tombstones stands (vg_hnsw_write_functions.c); storage and rescore
 * are the table's options, kept to be checked against its declaration. */
typedef struct vg_hnsw_state {
    int64_t format, id, generation, slots, entry, live, free, cycle, cursor, storage, rescore;
} vg_hnsw_state;

/* The data versions (SQLITE_FCNTL_DATA_VERSION) of an index's database and of temp when a refresh
 * outside a write transaction read the tables. Every commit to a database file, by this connection
 * or another, changes its data version; while both are the same, the tables are as that refresh read
 * them, and the next refresh has nothing to read. */
typedef struct vg_hnsw_seen {
    unsigned own, temp;
    int temp_open; /* temp had a database (else no temp object can sit on a shadow table) */
    int valid;
} vg_hnsw_seen;

typedef struct vg_hnsw_vtab {
    sqlite3_vtab base;
    sqlite3 *db;
    char *schema; /* "main", "temp" or an attached database's name */
    char *name;
    vg_hnsw_params params;
    const vg_kernels *kernels;
    vg_hnsw_store *store; /* shared through the registry; NULL until first used */
    vg_hnsw_view *view;   /* this connection's */
    vg_hnsw_state state;  /* as of the view's snapshot (inside a write transaction: its own) */
    int in_txn;  /* a write transaction of this connection changed the index (the view holds it) */
    int bumped;  /* ... and advanced _config's generation, which a ROLLBACK TO may undo */
    int stale;   /* a ROLLBACK TO happened: the view takes slots and entry from the tables again */
    int broken;  /* a write failed half-way: the transaction can only roll back */
    int busy;    /* inside xUpdate or xFilter (vg_hnsw_enter / vg_hnsw_leave) */
    int rollback_pending; /* SQLite rolled the transaction back while busy: the view ends it on leaving */
    int unsaved;          /* savepoint n + 1 whose flush failed: its ROLLBACK TO keeps the view (below) */
    int64_t checked_schema; /* the schema versions (its database's, temp's) the shadow tables were checked at */
    vg_hnsw_seen seen;      /* what the last refresh outside a write transaction saw (vg_hnsw_seen) */
    vg_hnsw_layout layout;
    int load_rc;                      /* the SQLite code of the last node read that failed */
    char load_error[VG_HNSW_ERR_LEN + 64]; /* and why */
    sqlite3_stmt *stmt[VG_HNSW_SQL_COUNT];
} vg_hnsw_vtab;

/* Brackets xUpdate and xFilter: a rollback SQLite makes from inside them (an out-of-memory or I/O
 * error in one of the table's own statements rolls the whole transaction back there and then) ends
 * the view's transaction only when they return, since their caller still holds its nodes. */
void vg_hnsw_enter(vg_hnsw_vtab *vt);
int vg_hnsw_leave(vg_hnsw_vtab *vt, int rc);

/* Sets the table's error message (printf-style, prefixed "hnsw_index: ") and returns rc. */
int vg_hnsw_error(vg_hnsw_vtab *vt, int rc, const char *fmt, ...);
/* The SQLite code and message for an engine failure (a read's own message when it was one). */
int vg_hnsw_engine_error(vg_hnsw_vtab *vt, vg_hnsw_rc rc);

/* ---- shadow tables (vg_hnsw_shadow_functions.c) ---- */
int vg_hnsw_shadow_create(sqlite3 *db, const char *schema, const char *name, const vg_hnsw_params *p);
int vg_hnsw_shadow_drop(vg_hnsw_vtab *vt);
int vg_hnsw_shadow_rename(vg_hnsw_vtab *vt, const char *new_name);
/* Finalizes the prepared statements (before a rename and on disconnect). */
void vg_hnsw_shadow_finalize(vg_hnsw_vtab *vt);
/* The kept statement id, prepared on first use (reset, bindings cleared). */
int vg_hnsw_statement(vg_hnsw_vtab *vt, int id, sqlite3_stmt **out);
/* Steps a write statement to completion and resets it. */
int vg_hnsw_run(vg_hnsw_vtab *vt, sqlite3_stmt *stmt);
/* A statement on a shadow table ("%s" in fmt stands for the quoted schema and table prefix). */
int vg_hnsw_prepare(vg_hnsw_vtab *vt, const char *sql_fmt, sqlite3_stmt **out);
/* Copies SQLite's message for a failed shadow-table statement into the table's error. */
int vg_hnsw_sql_error(vg_hnsw_vtab *vt, int rc);
/* Checks, whenever its database's or temp's schema changed since the last check, that every shadow
 * table is a table with the columns and key hnsw_index made and that no trigger sits on one: a
 * database file is untrusted input, and so is what SQL did to it since. */
int vg_hnsw_shadow_check(vg_hnsw_vtab *vt);
/* Reads _config into *st (checking every value). */
int vg_hnsw_config_read(vg_hnsw_vtab *vt, vg_hnsw_state *st);
int vg_hnsw_config_write(vg_hnsw_vtab *vt, const char *key, int64_t value, int is_null);
/* The slot of rowid (VG_HNSW_NO_SLOT when the index has no such row). */
int vg_hnsw_rowid_slot(vg_hnsw_vtab *vt, sqlite3_int64 rowid, uint32_t *slot);

/* ---- reading (vg_hnsw_load_functions.c) ---- */
/* The engine's source: one node BLOB by slot, checked. */
vg_hnsw_source vg_hnsw_table_source(vg_hnsw_vtab *vt);
/* Makes the view current for a statement: reads _config, joins the shared store, brings the store
 * up to date from the change log. Inside this connection's write transaction the view is its own.
 * Outside one, in autocommit mode, from SQLite 3.26.0, it reads nothing while the data versions are
 * what the last refresh saw (vg_hnsw_seen). */
int vg_hnsw_refresh(vg_hnsw_vtab *vt);
/* The flat copy for an exact search (building and offering it to the store when there is none and it
 * fits the budget), with the slots it must not answer for; NULL with SQLITE_OK when there can be none. */
int vg_hnsw_flat_get(vg_hnsw_vtab *vt, const vg_hnsw_flat **flat, uint32_t **skip, size_t *n_skip);
/* The exact k nearest by reading every node row once (when no flat copy can be held). */
int vg_hnsw_exact_scan(vg_hnsw_vtab *vt, const float *q, int k, const uint32_t *slots, size_t n_slots,
                       vg_hnsw_hit *out, int *n_out);
/* Writes the dirty nodes and _config's slots, entry and live count (before a savepoint, COMMIT, an
 * integrity check, a scan of the tables). */
int vg_hnsw_flush(vg_hnsw_vtab *vt);

/* Reads a query or row vector (float32 BLOB or JSON text) into a sqlite3_malloc'd array of the
 * index's dimensions; what names the value in messages ("query vector", "vector"). */
int vg_hnsw_read_vector(vg_hnsw_vtab *vt, sqlite3_value *value, const char *what, float **out);

/* ---- compact storage (vg_hnsw_rescore_functions.c) ---- */
/* Ranks the n_hits candidates by their float32 originals and keeps the best k. */
int vg_hnsw_rescore(vg_hnsw_vtab *vt, const float *q, vg_hnsw_hit *hits, int *n_hits, int k);
/* The exact k nearest by the float32 originals: of the distinct rowids ids, or of every row (ids NULL). */
int vg_hnsw_exact_originals(vg_hnsw_vtab *vt, const float *q, int k, const int64_t *ids, size_t n_ids,
                            vg_hnsw_hit *out, int *n_out);
/* The vector column's value: rowid's original (with rescore), or the stored vector code
 * (layout.code_bytes bytes) as a float32 or typed compact BLOB. */
int vg_hnsw_result_original(vg_hnsw_vtab *vt, sqlite3_int64 rowid, sqlite3_context *ctx);
int vg_hnsw_result_stored(vg_hnsw_vtab *vt, const void *code, sqlite3_context *ctx);

/* ---- query planning and the cursor (vg_hnsw_query_functions.c) ---- */
int vg_hnsw_best_index(sqlite3_vtab *tab, sqlite3_index_info *info);
int vg_hnsw_open(sqlite3_vtab *tab, sqlite3_vtab_cursor **out);
int vg_hnsw_close(sqlite3_vtab_cursor *cur);
int vg_hnsw_filter(sqlite3_vtab_cursor *cur, int idx_num, const char *idx_str, int argc, sqlite3_value **argv);
int vg_hnsw_next(sqlite3_vtab_cursor *cur);
int vg_hnsw_eof(sqlite3_vtab_cursor *cur);
int vg_hnsw_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col);
int vg_hnsw_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid);

/* ---- INSERT, UPDATE, DELETE and commands (vg_hnsw_write_functions.c) ---- */
int vg_hnsw_update(sqlite3_vtab *tab, int argc, sqlite3_value **argv, sqlite3_int64 *rowid);
/* Starts this connection's write transaction on the index (advancing the generation once). */
int vg_hnsw_write_begin(vg_hnsw_vtab *vt);

/* ---- 'optimize' (vg_hnsw_optimize_functions.c) ---- */
int vg_hnsw_command_optimize(vg_hnsw_vtab *vt);

/* ---- integrity (vg_hnsw_integrity_functions.c) ---- */
/* Checks the shadow tables; *problem is the first damage found (sqlite3_malloc'd) or NULL. */
int vg_hnsw_check(vg_hnsw_vtab *vt, char **problem);
/* PRAGMA integrity_check's hook, SQLite >= 3.44. */
int vg_hnsw_integrity(sqlite3_vtab *tab, const char *schema, const char *name, int flags, char **err);

#endif
