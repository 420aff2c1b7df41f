/* The part of an edge table one search reads, gathered one adjacency list at a time (through an
 * index, in the extension) instead of by reading every row. Plain C: the lists come from a fetch
 * callback, so the unit tests can feed them from an in-memory graph.
 *
 * A search (vg_graph_expand_*) fetches the out-rows (source = u) or in-rows (target = u) of each node
 * u whose list the algorithm will read. vg_graph_local_build then turns the rows into a graph G' on
 * which the unchanged algorithm of vg_graph.h gives exactly its result on the whole table: every list
 * it reads in G' is complete. An edge row fetched from both ends (u's out-rows and v's in-rows) is
 * kept once: an in-row counts only when its source's out-rows were not fetched. */
#ifndef VG_GRAPH_LOCAL_H
#define VG_GRAPH_LOCAL_H

#include "vg_graph.h"

/* Per node flags (vg_graph_local.flags). */
#define VG_GRAPH_LOCAL_OUT 1u /* out-rows fetched */
#define VG_GRAPH_LOCAL_IN 2u  /* in-rows fetched */
#define VG_GRAPH_LOCAL_MET 4u /* seen in a fetched row: a node of the table */

/* What one fetched row costs, in rows of a full table read; a lookup costs VG_GRAPH_LOCAL_LOOKUP_COST. */
#define VG_GRAPH_LOCAL_ROW_COST 3
#define VG_GRAPH_LOCAL_LOOKUP_COST 10

typedef struct vg_graph_local vg_graph_local;

/* Fetches the rows of node u on one side (VG_GRAPH_FORWARD: rows whose source is u; VG_GRAPH_REVERSE:
 * rows whose target is u) and reports each with vg_graph_local_add_int/_text. Returns 0, or an error
 * code of the caller's own (kept in fetch_rc; the expansion then stops with VG_GRAPH_FETCH_FAILED). */
typedef int (*vg_graph_fetch)(void *ctx, vg_graph_local *local, uint32_t u, vg_graph_direction side);

struct vg_graph_local {
    vg_graph_builder b;        /* the ids met so far (numbers in first-seen order) and the out-rows */
    uint32_t *in_src, *in_dst; /* the in-rows */
    double *in_weight;         /* only when b.weighted */
    size_t in_count, in_cap;
    unsigned char *flags;      /* per node */
    uint32_t flags_cap;
    uint32_t given;            /* numbers below it are ids the caller gave (start, end), not met in rows */
    vg_graph_fetch fetch;
    void *ctx;
    int fetch_rc;
    size_t cost;               /* spent so far, in row units */
    size_t fetches;
    size_t budget;             /* a fetch that would start beyond it fails with VG_GRAPH_OVER_BUDGET */
};

/* Zeroes local for a search with that callback; weighted rows carry a weight. */
void vg_graph_local_init(vg_graph_local *local, int weighted, vg_graph_fetch fetch, void *ctx, size_t budget);
void vg_graph_local_free(vg_graph_local *local);

/* Numbers an id the caller gives (a start or end node) before any fetch. */
vg_graph_status vg_graph_local_give_int(vg_graph_local *local, int64_t id, uint32_t *number);
vg_graph_status vg_graph_local_give_text(vg_graph_local *local, const char *id, size_t len, uint32_t *number);

/* Fetches u's rows on one side (once; a second call does nothing) within the budget. */
vg_graph_status vg_graph_local_fetch(vg_graph_local *local, uint32_t u, vg_graph_direction side);

/* Whether n more fetches at the average cost so far would stay within the budget: a layered search
 * asks before each layer, so that it stops before a layer it cannot finish rather than in it. */
int vg_graph_local_affordable(const vg_graph_local *local, size_t n);

/* Called by the fetch callback for each row of u: the node at the other end and the row's weight. */
vg_graph_status vg_graph_local_add_int(vg_graph_local *local, uint32_t u, vg_graph_direction side, int64_t other,
                                       double weight);
vg_graph_status vg_graph_local_add_text(vg_graph_local *local, uint32_t u, vg_graph_direction side, const char *other,
                                        size_t len, double weight);

/* Builds G' from the fetched rows (as vg_graph_build). Consumes the rows; local must still be freed. */
vg_graph_status vg_graph_local_build(vg_graph_local *local, int with_in_edges, vg_graph *g);

/* The searches. Each fetches every list its algorithm reads (a superset is fine) and nothing it does
 * not need to decide that; start and end are given numbers.
 *
 * A traversal (vg_graph_bfs, vg_graph_dfs) from start: the lists of every node fewer than max_depth
 * hops away (VG_GRAPH_NONE: all reachable), out-rows unless dir is REVERSE, in-rows unless FORWARD. */
vg_graph_status vg_graph_expand_traversal(vg_graph_local *local, uint32_t start, uint32_t max_depth,
                                          vg_graph_direction dir);

/* vg_graph_shortest_path from start to end. Forward only, by hop count: whole layers in ascending
 * node order, up to the first node with an edge to end (its smallest predecessor). Weighted: every
 * node within the end's distance. bidirectional also fetches in-rows from end and meets in the
 * middle: full layers (hops) or Dijkstra from both ends until the two frontiers' distances add up to
 * more than the shortest path found, so every edge of every shortest path is fetched. */
vg_graph_status vg_graph_expand_path(vg_graph_local *local, uint32_t start, uint32_t end, int weighted,
                                     int bidirectional);

#endif
