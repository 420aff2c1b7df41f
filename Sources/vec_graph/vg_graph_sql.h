/* What the graph table-valued functions' SQLite-facing files (and node2vec_train) share: a
 * connection's strategy and graph cache, a user's edge table resolved against the schema, reading it
 * whole or through its indexes, and running one function's algorithm from its hidden-column
 * arguments. Every name that reaches SQL was found in the schema with bound parameters, and is quoted. */
#ifndef VG_GRAPH_SQL_H
#define VG_GRAPH_SQL_H

#include "vg_graph.h"
#include "vg_graph_cache.h"
#include "vg_graph_local.h"
#include "vg_sqlite.h"

/* How calls get their graph: the planner's choice, or (VEC_GRAPH_STRATEGY, for tests and benchmarks)
 * always through indexes where they serve, always a full read, always through the cache. */
typedef enum vg_graph_strategy { VG_GRAPH_AUTO, VG_GRAPH_INDEX, VG_GRAPH_LOAD, VG_GRAPH_CACHED } vg_graph_strategy;

/* Where the edges are: names as the user wrote them, unquoted ("edges", "aux.edges"). */
typedef struct vg_graph_source {
    const char *table;
    const char *src_col, *dst_col;
    const char *weight_col; /* NULL: unweighted */
} vg_graph_source;

/* An index that serves lookups on one column: that column leads it, it is not partial, and its
 * collation is one whose equality includes byte equality. */
typedef struct vg_graph_index {
    char *name;
    const char *collation;  /* "BINARY", "NOCASE" or "RTRIM"; NULL: no such index */
    sqlite3_int64 rows;     /* from sqlite_stat1: rows of the table, and rows per key; 0: unknown */
    sqlite3_int64 per_key;
} vg_graph_index;

/* An edge table found in the schema. */
typedef struct vg_graph_table {
    const vg_graph_source *source; /* the names as given, for messages */
    char *schema;                  /* as pragma_database_list spells it */
    char *name;                    /* as the schema spells it */
    char *col[3];                  /* src, dst and weight (NULL: unweighted) as the schema spells them */
    int is_table;                  /* an ordinary or WITHOUT ROWID table: not a view or a virtual table */
    int has_stat1;                 /* its database has sqlite_stat1 */
    const char *rowid;             /* a name of the rowid that no column shadows; NULL if all are */
    sqlite3_int64 rows;            /* its rows, estimated (vg_graph_source_functions.c); 0: unknown */
    int rows_known;                /* rows was estimated, at this connection's change count rows_changes */
    int64_t rows_changes;
    vg_graph_index index[2];       /* for lookups by src (forward) and by dst (reverse) */
} vg_graph_table;

/* A resolved table a connection keeps (vg_graph_tables_functions.c). */
#define VG_GRAPH_TABLE_ENTRIES 8
typedef struct vg_graph_table_entry {
    char *key;                 /* the names as given, length-prefixed; NULL: a free slot */
    vg_graph_table table;
    int64_t versions[2];       /* PRAGMA schema_version of main and temp when it was resolved */
} vg_graph_table_entry;

/* One connection's graph state, shared by every function registered on it (reference counted: each
 * registration holds one, released by SQLite through the registration's destructor). */
typedef struct vg_graph_conn {
    vg_graph_strategy strategy;
    vg_graph_cache cache;
    vg_graph_table_entry tables[VG_GRAPH_TABLE_ENTRIES];
    int next_table;            /* the slot a new table entry takes when none is free */
    int refs;
} vg_graph_conn;

/* A new state with one reference, its strategy read from VEC_GRAPH_STRATEGY (unset or "auto", "index",
 * "load", "cache"); SQLITE_ERROR with *err set for another value. */
int vg_graph_conn_new(vg_graph_conn **out, char **err);
void vg_graph_conn_retain(vg_graph_conn *conn);
/* Drops a reference (a registration destructor: takes the state as void *). */
void vg_graph_conn_release(void *conn);

/* Finds source->table as SQLite resolves it (temp, main, attached databases; or "schema.table"), its
 * columns and (for a table) the indexes that serve lookups and its size, or takes them from conn's
 * cache of resolved tables where they are current (conn may be NULL). On failure an SQLite code
 * with *err set (sqlite3_mprintf'd, starting with fname; NULL only when out of memory). Free t with vg_graph_table_free, also after a failure. */
int vg_graph_resolve(sqlite3 *db, vg_graph_conn *conn, const char *fname, const vg_graph_source *source,
                     vg_graph_table *t, char **err);
void vg_graph_table_free(vg_graph_table *t);

/* The connection's cache of resolved tables (vg_graph_tables_functions.c): the schema versions that
 * make an entry current (SQLITE_ERROR: do not cache now), an entry's copy into t (1) or 0, keeping t. */
int vg_graph_tables_versions(sqlite3 *db, int64_t versions[2]);
int vg_graph_tables_find(vg_graph_conn *conn, const char *key, const int64_t versions[2], vg_graph_table *t);
void vg_graph_tables_keep(vg_graph_conn *conn, const char *key, const int64_t versions[2], const vg_graph_table *t);
void vg_graph_tables_clear(vg_graph_conn *conn);

/* One integer PRAGMA of a database ("PRAGMA schema.name"), and this connection's change count
 * (sqlite3_total_changes64 where the running SQLite has it, else sqlite3_total_changes). */
int vg_graph_pragma(sqlite3 *db, const char *schema, const char *name, int64_t *out);
int64_t vg_graph_changes(sqlite3 *db);

/* Reads every edge of t with one statement and builds g. Rows with a NULL endpoint (or a NULL weight)
 * are skipped. Errors as vg_graph_resolve's. */
int vg_graph_load(sqlite3 *db, const char *fname, const vg_graph_table *t, int with_in_edges, vg_graph *g,
                  char **err);

/* The whole graph of t, from the connection's cache when the strategy uses it and t can be cached
 * (an ordinary table in main or temp), else read (and then cached). Release *out. */
int vg_graph_acquire(sqlite3 *db, vg_graph_conn *conn, const char *fname, const vg_graph_table *t,
                     int with_in_edges, vg_graph_shared **out, char **err);

/* A current cached whole graph of t (with in-edges if asked) when the strategy uses the cache, else
 * *out NULL; never reads the table. */
int vg_graph_cached(sqlite3 *db, vg_graph_conn *conn, const vg_graph_table *t, int with_in_edges,
                    vg_graph_shared **out);

/* A search from a start node: a traversal (end NULL) or a shortest path. */
typedef struct vg_graph_search {
    sqlite3_value *start, *end;
    uint32_t max_depth;         /* traversal; VG_GRAPH_NONE: no limit */
    vg_graph_direction dir;     /* traversal */
} vg_graph_search;

/* The graph a search runs on: cached, read whole, or just the part around start read through t's
 * indexes, as the strategy and the planner choose; the search's result is the same on each.
 * *out NULL (and SQLITE_OK): start, or the path's end, is no node, so there are no rows. */
int vg_graph_for_search(sqlite3 *db, vg_graph_conn *conn, const char *fname, const vg_graph_table *t,
                        const vg_graph_search *search, vg_graph_shared **out, char **err);

/* Reads part of t through its indexes (vg_graph_lookup_functions.c): out-rows by src, in-rows by dst. */
typedef struct vg_graph_lookups {
    sqlite3 *db;
    const char *fname;
    const vg_graph_table *t;
    sqlite3_stmt *stmt[2]; /* by src, by dst; NULL until first used */
    char *err;
} vg_graph_lookups;

/* The fetch callback's code for "no index search here": read the table instead. */
#define VG_GRAPH_NOT_A_SEARCH (-1)

/* Starts lookups on t (each side's statement is prepared at its first fetch); close them after. */
void vg_graph_lookups_init(vg_graph_lookups *lk, sqlite3 *db, const char *fname, const vg_graph_table *t);
void vg_graph_lookups_close(vg_graph_lookups *lk);
/* A vg_graph_fetch over lk: VG_GRAPH_NOT_A_SEARCH when the side's statement cannot be prepared or
 * scans instead of searching; other errors with lk->err set (NULL only when out of memory). */
int vg_graph_lookups_fetch(void *lk, vg_graph_local *local, uint32_t u, vg_graph_direction side);

/* Errors (vg_graph_rows_functions.c). *err = message and rc, or SQLITE_NOMEM when the message is
 * NULL (its allocation failed): a failed allocation is never reported as another error. */
int vg_graph_fail(char **err, int rc, char *message);
/* A value as an error message shows it: its text, or "NULL"; NULL when converting it to text ran out
 * of memory (so the message is not made: vg_graph_fail then reports SQLITE_NOMEM). */
const char *vg_graph_shown(sqlite3_value *v);

/* Row checks shared by the full read and the lookups (vg_graph_rows_functions.c). */
const char *vg_graph_type_name(int type);
/* A row's endpoint types: INTEGER or TEXT, and the type seen so far (NO_IDS: none yet). */
int vg_graph_check_ids(const char *fname, const vg_graph_table *t, vg_graph_id_type seen, int src_type, int dst_type,
                       char **err);
/* A row's weight into *w: a finite number >= 0. */
int vg_graph_check_weight(const char *fname, const vg_graph_table *t, sqlite3_value *weight, sqlite3_value *src,
                          sqlite3_value *dst, double *w, char **err);
/* A builder status as an SQLite code (TOO_BIG with a message). */
int vg_graph_builder_code(const char *fname, vg_graph_status st, char **err);

/* A node id given as an argument: an INTEGER (or a REAL with an integral value) or a TEXT. */
typedef struct vg_graph_node_id {
    vg_graph_id_type type; /* NO_IDS: no node can have this id */
    sqlite3_int64 i;
    const char *text;
    size_t len;
} vg_graph_node_id;

vg_graph_node_id vg_graph_node_arg(sqlite3_value *v);
/* The node of g with that id, or VG_GRAPH_NONE. */
uint32_t vg_graph_find_node(const vg_graph *g, const vg_graph_node_id *id);

/* One call's outcome: the graph (for node ids; NULL when there are no rows), the rows, and whether row
 * values are REAL distances. */
typedef struct vg_graph_result {
    vg_graph_shared *graph;
    vg_graph_rows rows;
    int weighted;
} vg_graph_result;

/* Runs one function. args holds the hidden columns' values in declaration order, NULL pointers for
 * arguments not given (the required ones are always given). Same error convention as vg_graph_resolve. */
typedef int (*vg_graph_runner)(sqlite3 *db, vg_graph_conn *conn, const char *fname, sqlite3_value *const *args,
                               vg_graph_result *res, char **err);

int vg_graph_run_bfs(sqlite3 *db, vg_graph_conn *conn, const char *fname, sqlite3_value *const *args,
                     vg_graph_result *res, char **err);
int vg_graph_run_dfs(sqlite3 *db, vg_graph_conn *conn, const char *fname, sqlite3_value *const *args,
                     vg_graph_result *res, char **err);
int vg_graph_run_shortest_path(sqlite3 *db, vg_graph_conn *conn, const char *fname, sqlite3_value *const *args,
                               vg_graph_result *res, char **err);
int vg_graph_run_components(sqlite3 *db, vg_graph_conn *conn, const char *fname, sqlite3_value *const *args,
                            vg_graph_result *res, char **err);
int vg_graph_run_pagerank(sqlite3 *db, vg_graph_conn *conn, const char *fname, sqlite3_value *const *args,
                          vg_graph_result *res, char **err);

#endif
