/* An indexed binary min-heap of node numbers ordered by (key[node], node), for Dijkstra over a built
 * graph and for the weighted local expansions. The caller owns the arrays (and may move them when
 * it grows them): item has room for every node that can be in the heap at once, pos has one slot per
 * node, set to VG_GRAPH_NONE for a node not in the heap. */
#ifndef VG_GRAPH_HEAP_H
#define VG_GRAPH_HEAP_H

#include <stdint.h>

typedef struct vg_graph_heap {
    uint32_t *item;
    uint32_t *pos;
    const double *key;
    uint32_t size;
} vg_graph_heap;

/* Puts v in the heap, or moves it up after its key went down. */
void vg_graph_heap_update(vg_graph_heap *h, uint32_t v);
/* Removes and returns the smallest node; the heap must not be empty. */
uint32_t vg_graph_heap_pop(vg_graph_heap *h);

#endif
