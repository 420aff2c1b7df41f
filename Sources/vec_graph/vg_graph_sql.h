/* What the graph table-valued functions' SQLite-facing files share: reading a user's edge table into
 * a graph, and running one function's algorithm from its hidden-column arguments. */
#ifndef VG_GRAPH_SQL_H
#define VG_GRAPH_SQL_H

#include "vg_graph.h"
#include "vg_sqlite.h"

/* Where the edges are: table names as the user wrote them, unquoted ("edges", "aux.edges"). */
typedef struct vg_graph_source {
    const char *table;
    const char *src_col, *dst_col;
    const char *weight_col;  /* NULL: unweighted */
} vg_graph_source;

/* Checks the table and column names against the schema (bound parameters, never spliced), then reads
 * every edge with one quoted-identifier statement and builds g. Rows with a NULL endpoint (or a NULL
 * weight) are skipped. On failure returns an SQLite code with *err set (sqlite3_mprintf'd message
 * that starts with fname; NULL only when out of memory). */
int vg_graph_load(sqlite3 *db, const char *fname, const vg_graph_source *source, int with_in_edges, vg_graph *g,
                  char **err);

/* One call's outcome: the graph (for node ids), the rows, and whether row values are REAL distances. */
typedef struct vg_graph_result {
    vg_graph graph;
    vg_graph_rows rows;
    int weighted;
} vg_graph_result;

/* Runs one function. args holds the hidden columns' values in declaration order, NULL pointers for
 * arguments not given (the required ones are always given). Same error convention as vg_graph_load. */
typedef int (*vg_graph_runner)(sqlite3 *db, const char *fname, sqlite3_value *const *args, vg_graph_result *res,
                               char **err);

int vg_graph_run_bfs(sqlite3 *db, const char *fname, sqlite3_value *const *args, vg_graph_result *res, char **err);
int vg_graph_run_dfs(sqlite3 *db, const char *fname, sqlite3_value *const *args, vg_graph_result *res, char **err);
int vg_graph_run_shortest_path(sqlite3 *db, const char *fname, sqlite3_value *const *args, vg_graph_result *res,
                               char **err);
int vg_graph_run_components(sqlite3 *db, const char *fname, sqlite3_value *const *args, vg_graph_result *res,
                            char **err);
int vg_graph_run_pagerank(sqlite3 *db, const char *fname, sqlite3_value *const *args, vg_graph_result *res,
                          char **err);

#endif
