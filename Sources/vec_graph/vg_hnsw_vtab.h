/* The hnsw_index virtual table's state, shared by its SQLite-facing files: the module (lifecycle and
 * transactions), the shadow-table store, the query cursor and the integrity check. */
#ifndef VG_HNSW_VTAB_H
#define VG_HNSW_VTAB_H

#include "vg_hnsw_graph.h"
#include "vg_kernels.h"
#include "vg_sqlite.h"

/* The largest k and ef_search a query may ask for. */
#define VG_HNSW_MAX_K 100000
/* ef_search when a query gives none: max(k, VG_HNSW_DEFAULT_EF). */
#define VG_HNSW_DEFAULT_EF 64

/* Columns, in declaration order; the rowid is the node id. */
enum { VG_HNSW_COL_VECTOR, VG_HNSW_COL_DISTANCE, VG_HNSW_COL_K, VG_HNSW_COL_EF, VG_HNSW_COL_ALLOWED };

/* The statements the store keeps prepared (see vg_hnsw_store_functions.c). */
enum {
    VG_HNSW_SQL_GEN_READ,
    VG_HNSW_SQL_GEN_BUMP,
    VG_HNSW_SQL_ENTRY_WRITE,
    VG_HNSW_SQL_NODE_INSERT,
    VG_HNSW_SQL_NODE_DELETE,
    VG_HNSW_SQL_EDGES_WRITE,
    VG_HNSW_SQL_EDGES_DELETE,
    VG_HNSW_SQL_VECTOR_READ,
    VG_HNSW_SQL_COUNT
};

typedef struct vg_hnsw_vtab {
    sqlite3_vtab base;
    sqlite3 *db;
    char *schema; /* "main", "temp" or an attached database's name */
    char *name;
    vg_hnsw_params params;
    const vg_kernels *kernels;
    /* The graph as of generation `generation` of {name}_config, or NULL: loaded on first use, dropped
     * on rollback, reloaded when another connection committed (the stored generation moved). */
    vg_hnsw_graph *graph;
    sqlite3_int64 generation;
    int bumped;      /* this transaction already advanced the stored generation */
    int entry_moved; /* the entry point changed since the last flush */
    int broken;      /* a flush failed half-way: the transaction can only roll back */
    sqlite3_stmt *stmt[VG_HNSW_SQL_COUNT];
} vg_hnsw_vtab;

/* Sets the table's error message (printf-style, prefixed "hnsw_index: ") and returns rc. */
int vg_hnsw_error(vg_hnsw_vtab *vt, int rc, const char *fmt, ...);

/* Shadow tables: create (with the initial config rows), drop, rename. */
int vg_hnsw_store_create(sqlite3 *db, const char *schema, const char *name);
int vg_hnsw_store_drop(vg_hnsw_vtab *vt);
int vg_hnsw_store_rename(vg_hnsw_vtab *vt, const char *new_name);
/* Finalizes the prepared statements (before a rename and on disconnect). */
void vg_hnsw_store_finalize(vg_hnsw_vtab *vt);
/* Drops the in-memory graph: the next use reloads it from the shadow tables. */
void vg_hnsw_store_invalidate(vg_hnsw_vtab *vt);
/* Makes vt->graph current (loading or reloading as needed). */
int vg_hnsw_store_graph(vg_hnsw_vtab *vt);
/* Advances the stored generation once per write transaction, before the first change. */
int vg_hnsw_store_bump(vg_hnsw_vtab *vt);
/* Writes a new node's row, or deletes a node's rows. */
int vg_hnsw_store_insert_node(vg_hnsw_vtab *vt, sqlite3_int64 rowid, int level, const float *v);
int vg_hnsw_store_delete_node(vg_hnsw_vtab *vt, sqlite3_int64 rowid);
/* Writes the lists of every dirty node (once each, in rowid order) and the entry point if it moved,
 * then clears the dirty list. Called before the tables must match the graph: at a savepoint (so
 * ROLLBACK TO finds them as they were), before COMMIT, before PRAGMA integrity_check. */
int vg_hnsw_store_flush(vg_hnsw_vtab *vt);
/* The stored vector of rowid as a SQL result on ctx (NULL when absent). */
int vg_hnsw_store_result_vector(vg_hnsw_vtab *vt, sqlite3_int64 rowid, sqlite3_context *ctx);
/* A statement on a shadow table ("%s" in fmt stands for the quoted schema and table prefix). */
int vg_hnsw_store_prepare(vg_hnsw_vtab *vt, const char *sql_fmt, sqlite3_stmt **out);

/* Reads a query or row vector (float32 BLOB or JSON text) into a sqlite3_malloc'd array of the
 * index's dimensions; what names the value in messages ("query vector", "vector"). */
int vg_hnsw_read_vector(vg_hnsw_vtab *vt, sqlite3_value *value, const char *what, float **out);

/* Query planning and the cursor (vg_hnsw_query_functions.c). */
int vg_hnsw_best_index(sqlite3_vtab *tab, sqlite3_index_info *info);
int vg_hnsw_open(sqlite3_vtab *tab, sqlite3_vtab_cursor **out);
int vg_hnsw_close(sqlite3_vtab_cursor *cur);
int vg_hnsw_filter(sqlite3_vtab_cursor *cur, int idx_num, const char *idx_str, int argc, sqlite3_value **argv);
int vg_hnsw_next(sqlite3_vtab_cursor *cur);
int vg_hnsw_eof(sqlite3_vtab_cursor *cur);
int vg_hnsw_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col);
int vg_hnsw_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid);

/* INSERT, UPDATE and DELETE (vg_hnsw_write_functions.c). */
int vg_hnsw_update(sqlite3_vtab *tab, int argc, sqlite3_value **argv, sqlite3_int64 *rowid);

/* PRAGMA integrity_check's hook, SQLite >= 3.44 (vg_hnsw_integrity_functions.c). */
int vg_hnsw_integrity(sqlite3_vtab *tab, const char *schema, const char *name, int flags, char **err);

#endif
