/* The graph algorithms behind the graph_* table-valued functions, in plain C (no SQLite calls, so the
 * C unit tests link them): an edge builder that maps INTEGER or TEXT node ids to dense indexes, a
 * compressed adjacency (CSR) graph, and BFS, DFS, shortest path, components and PageRank over it.
 *
 * Dense indexes follow the node ids' order (integers ascending; text by bytes, as SQLite's BINARY
 * collation), so "ascending node" and "ascending index" are the same thing everywhere. */
#ifndef VG_GRAPH_H
#define VG_GRAPH_H

#include <stddef.h>
#include <stdint.h>

/* "No node": the parent of a start node, an unreached node. */
#define VG_GRAPH_NONE UINT32_MAX

/* OVER_BUDGET and FETCH_FAILED come only from a local expansion (vg_graph_local.h). */
typedef enum vg_graph_status {
    VG_GRAPH_OK = 0,
    VG_GRAPH_NOMEM,
    VG_GRAPH_TOO_BIG,
    VG_GRAPH_OVER_BUDGET,
    VG_GRAPH_FETCH_FAILED
} vg_graph_status;

typedef enum vg_graph_id_type { VG_GRAPH_NO_IDS = 0, VG_GRAPH_INT_IDS, VG_GRAPH_TEXT_IDS } vg_graph_id_type;

typedef enum vg_graph_direction { VG_GRAPH_FORWARD, VG_GRAPH_REVERSE, VG_GRAPH_BOTH } vg_graph_direction;

/* One hash slot: an INT id itself or a TEXT id's 64-bit hash, and the id's number (VG_GRAPH_NONE:
 * empty). Keeping the key in the slot makes a lookup one cache miss. */
typedef struct vg_graph_slot {
    uint64_t key;
    uint32_t number;
} vg_graph_slot;

/* Distinct node ids in first-seen order, with an open-addressing hash index over them. TEXT ids are
 * interned into one arena. */
typedef struct vg_graph_ids {
    vg_graph_id_type type;
    uint32_t count, cap;
    int64_t *ints;        /* INT: each node's id */
    size_t *text_off;     /* TEXT: each node's bytes in text */
    size_t *text_len;
    char *text;
    size_t text_used, text_cap;
    vg_graph_slot *slots; /* a power of two long */
    size_t slot_count;
} vg_graph_ids;

/* Maps an id to its first-seen number, adding it when new. The table's type is set by the first id. */
vg_graph_status vg_graph_ids_int(vg_graph_ids *ids, int64_t id, uint32_t *number);
vg_graph_status vg_graph_ids_text(vg_graph_ids *ids, const char *id, size_t len, uint32_t *number);
/* Asks the CPU to fetch the slot an INT id's lookup starts at (a hint; no effect on the result). */
void vg_graph_ids_prefetch_int(const vg_graph_ids *ids, int64_t id);
void vg_graph_ids_free(vg_graph_ids *ids);

/* Edges as they are read, endpoints as first-seen numbers. Zero-initialise, then add edges. */
typedef struct vg_graph_builder {
    vg_graph_ids ids;
    int weighted;
    uint32_t *src, *dst;
    double *weight;       /* only when weighted */
    size_t count, cap;
} vg_graph_builder;

vg_graph_status vg_graph_add_int_edge(vg_graph_builder *b, int64_t src, int64_t dst, double weight);
/* Adds n INT edges at once (weight may be NULL when unweighted), prefetching their hash slots first:
 * one edge at a time, a large table costs a cache miss per lookup. */
vg_graph_status vg_graph_add_int_edges(vg_graph_builder *b, const int64_t *src, const int64_t *dst, const double *weight,
                                       size_t n);
vg_graph_status vg_graph_add_text_edge(vg_graph_builder *b, const char *src, size_t src_len, const char *dst,
                                       size_t dst_len, double weight);
/* Adds an edge between two ids the builder has already numbered (b->ids). */
vg_graph_status vg_graph_add_numbered_edge(vg_graph_builder *b, uint32_t src, uint32_t dst, double weight);
void vg_graph_builder_free(vg_graph_builder *b);

/* A graph in compressed adjacency form. Out-lists (and in-lists) are sorted by ascending node; each
 * edge row is one entry, so parallel edges and self-loops are kept. */
typedef struct vg_graph {
    vg_graph_id_type type;
    uint32_t node_count;
    size_t edge_count;
    int64_t *ints;                  /* INT: ids, ascending */
    char *text;                     /* TEXT: the arena, ids at text_off/text_len, ascending */
    size_t *text_off, *text_len;
    size_t *out_start;              /* node_count + 1 */
    uint32_t *out_node;             /* edge_count */
    double *out_weight;             /* edge_count, only when built from a weighted builder */
    size_t *in_start;               /* only when built with in-edges */
    uint32_t *in_node;
} vg_graph;

/* Sorts the ids, renumbers the edges and builds the adjacency, and in-lists too when with_in_edges.
 * Consumes the builder (it is freed whatever the outcome); g is zeroed on failure. */
vg_graph_status vg_graph_build(vg_graph_builder *b, int with_in_edges, vg_graph *g);
void vg_graph_free(vg_graph *g);

/* SQLite's BINARY collation (bytes, then length): < 0, 0 or > 0 as a sorts before, with or after b. */
int vg_graph_compare_text(const char *a, size_t alen, const char *b, size_t blen);

/* The index of a node id, or VG_GRAPH_NONE when the graph has no such node (or ids of another type). */
uint32_t vg_graph_find_int(const vg_graph *g, int64_t id);
uint32_t vg_graph_find_text(const vg_graph *g, const char *id, size_t len);

/* An algorithm's result rows. What link and value hold depends on the algorithm (see each). */
typedef struct vg_graph_rows {
    uint32_t count;
    uint32_t *node;
    uint32_t *link;       /* a node or VG_GRAPH_NONE */
    double *value;
} vg_graph_rows;

/* Room for capacity rows (count 0); rows_free releases them, and is safe on zeroed rows. */
vg_graph_status vg_graph_rows_alloc(vg_graph_rows *rows, uint32_t capacity);
void vg_graph_rows_free(vg_graph_rows *rows);

/* Breadth-first from start: rows in visit order, link = parent, value = depth. Neighbours are visited
 * in ascending order; nodes deeper than max_depth are not visited (VG_GRAPH_NONE: no limit).
 * REVERSE follows edges backwards and BOTH either way; both need a graph built with in-edges. */
vg_graph_status vg_graph_bfs(const vg_graph *g, uint32_t start, uint32_t max_depth, vg_graph_direction dir,
                             vg_graph_rows *out);

/* Depth-first preorder from start, neighbours in ascending order, each node visited once: link = the
 * DFS-tree parent, value = depth in that tree; nodes at max_depth are visited but not expanded. */
vg_graph_status vg_graph_dfs(const vg_graph *g, uint32_t start, uint32_t max_depth, vg_graph_direction dir,
                             vg_graph_rows *out);

/* The shortest path from start to end along edge directions: rows from start to end, value = distance
 * from start, link unused (NONE); no rows when end is unreachable. With weighted (a graph built from
 * a weighted builder; weights must be >= 0) Dijkstra, else hop count. Ties: nodes are settled in
 * (distance, node) order and a node's predecessor is the first settled node that reaches it at its
 * final distance — without weights, the smallest node one hop closer to start. */
vg_graph_status vg_graph_shortest_path(const vg_graph *g, uint32_t start, uint32_t end, int weighted,
                                       vg_graph_rows *out);

/* Weakly connected components: one row per node in ascending order, link = the smallest node of its
 * component, value = the component's size. */
vg_graph_status vg_graph_components(const vg_graph *g, vg_graph_rows *out);

/* The convergence rule of networkx.pagerank: stop when the L1 change of an iteration is below
 * node_count * VG_GRAPH_PAGERANK_TOL. Without a given count, at most VG_GRAPH_PAGERANK_MAX_ITER. */
#define VG_GRAPH_PAGERANK_TOL 1e-6
#define VG_GRAPH_PAGERANK_MAX_ITER 1000

/* PageRank by power iteration as networkx.pagerank: ranks start at 1/N; a dangling node (no out-edge)
 * spreads its rank over every node; each edge row carries 1/out-degree of its source (parallel edges
 * add up, self-loops count). iterations < 0: until converged, else exactly that many. One row per
 * node in ascending order, value = rank, link unused. */
vg_graph_status vg_graph_pagerank(const vg_graph *g, double damping, long long iterations, vg_graph_rows *out);

#endif
