/* Registration of vec_graph's SQL functions, one group per file. */
#ifndef VG_FUNCTIONS_H
#define VG_FUNCTIONS_H

#include "vg_kernels.h"
#include "vg_sqlite.h"

/* vg_f32, vg_to_json, vg_dims, vg_distance_l2/_cosine/_ip, computing with kernels. */
int vg_register_vector_functions(sqlite3 *db, const vg_kernels *kernels);

/* vg_f16, vg_i8, vg_bit and vg_distance_hamming (compact vectors); vg_register_vector_functions calls it. */
int vg_register_compact_functions(sqlite3 *db, const vg_kernels *kernels);

/* vec_graph_version() and vec_graph_kernel(). */
int vg_register_info_functions(sqlite3 *db, const vg_kernels *kernels);

/* A connection's graph state (vg_graph_sql.h): its strategy and its cache of loaded graphs, shared by
 * the graph functions and node2vec_train. vg_graph_conn_new makes one with a reference for the caller;
 * each registration below takes its own. */
typedef struct vg_graph_conn vg_graph_conn;
int vg_graph_conn_new(vg_graph_conn **out, char **err);
void vg_graph_conn_release(void *conn);

/* graph_bfs, graph_dfs, graph_shortest_path, graph_components, graph_pagerank (table-valued). */
int vg_register_graph_functions(sqlite3 *db, vg_graph_conn *graphs);

/* node2vec_train: node embeddings from an edge table into an hnsw_index (dot products with kernels). */
int vg_register_node2vec(sqlite3 *db, const vg_kernels *kernels, vg_graph_conn *graphs);

/* The hnsw_index virtual table (HNSW vector index in shadow tables), computing with kernels. */
int vg_register_hnsw(sqlite3 *db, const vg_kernels *kernels);

#endif
