/* What node2vec_train's SQLite-facing files share: its output hnsw_index, checked before training
 * and written after it inside one savepoint. */
#ifndef VG_NODE2VEC_SQL_H
#define VG_NODE2VEC_SQL_H

#include "vg_graph.h"
#include "vg_hnsw_graph.h"
#include "vg_sqlite.h"

#define VG_NODE2VEC_FNAME "node2vec_train"

/* An hnsw_index found in the schema: where it is and how it was created. */
typedef struct vg_node2vec_output {
    char *schema; /* sqlite3_mprintf'd, as in PRAGMA database_list */
    char *table;  /* sqlite3_mprintf'd, as in sqlite_master */
    vg_hnsw_params params;
} vg_node2vec_output;

/* Finds name (a table name, or "schema.table") as SQLite resolves it (temp, main, then attached
 * databases) and checks it is an hnsw_index of dims dimensions. Errors as vg_graph_load's. */
int vg_node2vec_output_open(sqlite3 *db, const char *name, uint32_t dims, vg_node2vec_output *out, char **err);
void vg_node2vec_output_close(vg_node2vec_output *out);

/* Stores vectors (node_count * dims floats, in g's node order) under each node's rowid, replacing a
 * vector already there, all inside SAVEPOINT node2vec_train; on failure the savepoint is rolled back
 * (or SQLite already rolled the transaction back, as it does when a write is interrupted). TEXT ids
 * get rowids from {table}_node_ids(id INTEGER PRIMARY KEY, node TEXT NOT NULL UNIQUE). */
int vg_node2vec_output_write(sqlite3 *db, const vg_node2vec_output *out, const vg_graph *g, const float *vectors,
                             uint32_t dims, char **err);

#endif
