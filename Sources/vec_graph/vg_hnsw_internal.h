/* The HNSW graph's representation, shared by its files (graph store, insert/delete, search). */
#ifndef VG_HNSW_INTERNAL_H
#define VG_HNSW_INTERNAL_H

#include "vg_hnsw_graph.h"
#include "vg_hnsw_heap.h"
#include "vg_hnsw_map.h"

/* Nodes live in slots; a deleted node's slot goes on a free list and is reused. Vectors sit in one
 * array (slot * dims) and level-0 lists in another (slot * (1 + 2*m): a count and 2*m slots), so a
 * search reaches both without chasing a pointer and growing them never leaves one dangling. The
 * lists of levels 1..L of a node above level 0 are one array of its own: a count and m slots each. */
struct vg_hnsw_graph {
    vg_hnsw_params p;
    const vg_kernels *k;
    int m0;
    size_t slots, cap;
    int64_t *rowid;
    int *level; /* -1: a free slot */
    float *norm2;
    float *vectors;
    uint32_t *level0;
    uint32_t **upper; /* NULL for a node on level 0 */
    uint32_t *free_slots;
    size_t n_free;
    vg_hnsw_map map;
    uint32_t entry; /* VG_HNSW_NO_SLOT when empty */
    int max_level;
    uint32_t *visited; /* visited[slot] == epoch: seen in this search */
    uint32_t epoch;
    unsigned char *dirty_mark;
    uint32_t *dirty;
    size_t n_dirty, cap_dirty;
    vg_hnsw_heap cand, res;
    uint32_t *fresh; /* 2*m slots: a search's not yet visited neighbours of one node */
};

#if defined(__GNUC__) || defined(__clang__)
#define VG_HNSW_PREFETCH(p) __builtin_prefetch(p)
#else
#define VG_HNSW_PREFETCH(p) ((void)(p))
#endif

/* The list of slot on level: list[0] is the count, list[1..] the neighbour slots. */
static inline uint32_t *vg_hnsw_list(const vg_hnsw_graph *g, uint32_t slot, int level) {
    if (level == 0) return g->level0 + (size_t)slot * (size_t)(1 + g->m0);
    return g->upper[slot] + (size_t)(level - 1) * (size_t)(1 + g->p.m);
}

static inline const float *vg_hnsw_vec(const vg_hnsw_graph *g, uint32_t slot) {
    return g->vectors + (size_t)slot * (size_t)g->p.dims;
}

/* Distance between a query (with its squared norm, used by cosine) and a slot's vector. */
double vg_hnsw_dist_query(const vg_hnsw_graph *g, const float *q, float q_norm2, uint32_t slot);
float vg_hnsw_norm2(const vg_hnsw_graph *g, const float *v);

/* Takes a slot for rowid (level, vector v, empty links) and maps it; VG_HNSW_NO_SLOT when out of
 * memory. vg_hnsw_free_slot unmaps a slot and puts it on the free list. */
uint32_t vg_hnsw_add_slot(vg_hnsw_graph *g, int64_t rowid, int level, const float *v);
void vg_hnsw_free_slot(vg_hnsw_graph *g, uint32_t slot);

/* Starts a new visit epoch (clearing the marks when the counter wraps). */
void vg_hnsw_new_visit(vg_hnsw_graph *g);
/* Records slot as having changed links. Returns 0, or -1 when out of memory. */
int vg_hnsw_mark_dirty(vg_hnsw_graph *g, uint32_t slot);

/* From entry slot ep, greedy descent on level: returns the closest slot found. */
uint32_t vg_hnsw_greedy(vg_hnsw_graph *g, const float *q, float qn, uint32_t ep, int level);
/* Best-first search on level from entry slot ep, leaving the ef best in g->res (a max-heap).
 * allowed, indexed by slot, restricts what enters g->res (the walk still crosses other nodes).
 * Returns 0, or -1 when out of memory. */
int vg_hnsw_search_layer(vg_hnsw_graph *g, const float *q, float qn, uint32_t ep, int ef, int level,
                         const unsigned char *allowed);

#endif
