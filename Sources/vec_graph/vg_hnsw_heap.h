/* Binary heaps of (distance, node slot) for the HNSW search: a min-heap of candidates to expand and a
 * max-heap of the best results so far. Ties on distance order by slot, so runs are reproducible. */
#ifndef VG_HNSW_HEAP_H
#define VG_HNSW_HEAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct vg_hnsw_item {
    double d;
    uint32_t slot;
} vg_hnsw_item;

typedef struct vg_hnsw_heap {
    vg_hnsw_item *items;
    size_t count, cap;
    int max; /* 1: the top is the largest item; 0: the smallest */
} vg_hnsw_heap;

void vg_hnsw_heap_free(vg_hnsw_heap *h);
/* Returns 0, or -1 when out of memory. */
int vg_hnsw_heap_push(vg_hnsw_heap *h, double d, uint32_t slot);
/* Removes and returns the top item; the heap must not be empty. */
vg_hnsw_item vg_hnsw_heap_pop(vg_hnsw_heap *h);
/* Sorts the items of a max-heap ascending by (distance, slot) in place; the heap is no longer a heap. */
void vg_hnsw_heap_sort_items(vg_hnsw_heap *h);

#endif
