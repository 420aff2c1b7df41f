/* The in-memory HNSW graph (Malkov & Yashunin, heuristic neighbour selection): insert, delete with
 * neighbour repair, KNN search with an optional allowed-rowid filter. No SQLite here: the virtual
 * table keeps this graph as a cache of its shadow tables and writes back the nodes it reports dirty. */
#ifndef VG_HNSW_GRAPH_H
#define VG_HNSW_GRAPH_H

#include <stddef.h>
#include <stdint.h>

#include "vg_kernels.h"

/* Levels run 0..VG_HNSW_MAX_LEVEL; a node on level L has L+1 neighbour lists. */
#define VG_HNSW_MAX_LEVEL 16

typedef enum vg_hnsw_metric { VG_HNSW_L2 = 0, VG_HNSW_COSINE = 1, VG_HNSW_IP = 2 } vg_hnsw_metric;

typedef struct vg_hnsw_params {
    int dims;
    vg_hnsw_metric metric;
    int m;               /* neighbours per node on levels >= 1; 2*m on level 0 */
    int ef_construction; /* candidate list size while inserting */
    uint64_t seed;       /* the level generator's seed: same seed and rowid, same level */
} vg_hnsw_params;

typedef enum vg_hnsw_rc { VG_HNSW_OK = 0, VG_HNSW_NOMEM, VG_HNSW_EXISTS, VG_HNSW_MISSING, VG_HNSW_CORRUPT } vg_hnsw_rc;

typedef struct vg_hnsw_hit {
    int64_t rowid;
    double distance;
} vg_hnsw_hit;

typedef struct vg_hnsw_graph vg_hnsw_graph;

/* A graph with no nodes, or NULL when out of memory. */
vg_hnsw_graph *vg_hnsw_graph_new(const vg_hnsw_params *params, const vg_kernels *kernels);
void vg_hnsw_graph_free(vg_hnsw_graph *g);

/* The level of rowid: floor(-ln(U) / ln(m)) with U drawn from a hash of (seed, rowid), capped. */
int vg_hnsw_level_for(const vg_hnsw_params *params, int64_t rowid);

size_t vg_hnsw_count(const vg_hnsw_graph *g);
int vg_hnsw_contains(const vg_hnsw_graph *g, int64_t rowid);
/* The stored vector of rowid (dims floats), or NULL. Valid until the next change to the graph. */
const float *vg_hnsw_vector(const vg_hnsw_graph *g, int64_t rowid);
/* The level of rowid, or -1 when absent. */
int vg_hnsw_level(const vg_hnsw_graph *g, int64_t rowid);
/* 1 and the entry point's rowid, or 0 when the graph is empty. */
int vg_hnsw_entry(const vg_hnsw_graph *g, int64_t *rowid);

/* Inserts rowid with vector v (dims finite floats, non-zero for cosine) at its level. */
vg_hnsw_rc vg_hnsw_insert(vg_hnsw_graph *g, int64_t rowid, const float *v);
/* Removes rowid, relinking every node that pointed to it; may move the entry point. */
vg_hnsw_rc vg_hnsw_delete(vg_hnsw_graph *g, int64_t rowid);

/* Nodes whose neighbour lists changed since the last vg_hnsw_dirty_clear (deleted ones excluded). */
size_t vg_hnsw_dirty_count(const vg_hnsw_graph *g);
int64_t vg_hnsw_dirty_rowid(const vg_hnsw_graph *g, size_t i);
void vg_hnsw_dirty_clear(vg_hnsw_graph *g);

/* Loading from storage: add every node first, then their links, then the entry point. */
vg_hnsw_rc vg_hnsw_load_node(vg_hnsw_graph *g, int64_t rowid, int level, const float *v);
/* Sets rowid's list on level to the n rowids in ids (all loaded, level >= this level, n within the cap). */
vg_hnsw_rc vg_hnsw_load_links(vg_hnsw_graph *g, int64_t rowid, int level, const int64_t *ids, int n);
vg_hnsw_rc vg_hnsw_load_entry(vg_hnsw_graph *g, int64_t rowid);

/* Number of neighbours of rowid on level, and the i-th one's rowid. */
int vg_hnsw_link_count(const vg_hnsw_graph *g, int64_t rowid, int level);
int64_t vg_hnsw_link(const vg_hnsw_graph *g, int64_t rowid, int level, int i);
/* Most neighbours a node keeps on level: 2*m on level 0, m above. */
int vg_hnsw_max_links(const vg_hnsw_params *params, int level);

/* The k nearest of query q (dims floats), ascending by distance. ef is the candidate list size
 * (raised to k). With allowed != NULL only those n_allowed rowids may be returned: exactly, by
 * brute force, when the set is small, else by a graph search that only collects allowed nodes.
 * Writes at most k hits to out and sets *n_out. */
vg_hnsw_rc vg_hnsw_search(vg_hnsw_graph *g, const float *q, int k, int ef, const int64_t *allowed, size_t n_allowed,
                          vg_hnsw_hit *out, int *n_out);

/* The distance the index uses between q and v: squared L2, 1 - cosine (clamped to [0, 2]) or -dot. */
double vg_hnsw_distance(const vg_hnsw_graph *g, const float *q, const float *v);

#endif
