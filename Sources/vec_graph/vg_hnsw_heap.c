/* The (distance, slot) binary heaps of the HNSW search. */
#include "vg_alloc.h"

#include "vg_hnsw_heap.h"

static int less(vg_hnsw_item a, vg_hnsw_item b) {
    return a.d < b.d || (a.d == b.d && a.slot < b.slot);
}

/* Whether a belongs above b in h. */
static int above(const vg_hnsw_heap *h, vg_hnsw_item a, vg_hnsw_item b) {
    return h->max ? less(b, a) : less(a, b);
}

void vg_hnsw_heap_free(vg_hnsw_heap *h) {
    vg_free(h->items);
    h->items = NULL;
    h->count = h->cap = 0;
}

int vg_hnsw_heap_push(vg_hnsw_heap *h, double d, uint32_t slot) {
    if (h->count == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 64;
        vg_hnsw_item *items = vg_realloc(h->items, cap * sizeof *items);
        if (!items) return -1;
        h->items = items;
        h->cap = cap;
    }
    vg_hnsw_item it = {d, slot};
    size_t i = h->count++;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!above(h, it, h->items[parent])) break;
        h->items[i] = h->items[parent];
        i = parent;
    }
    h->items[i] = it;
    return 0;
}

vg_hnsw_item vg_hnsw_heap_pop(vg_hnsw_heap *h) {
    vg_hnsw_item top = h->items[0], last = h->items[--h->count];
    size_t i = 0, n = h->count;
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= n) break;
        if (child + 1 < n && above(h, h->items[child + 1], h->items[child])) child++;
        if (!above(h, h->items[child], last)) break;
        h->items[i] = h->items[child];
        i = child;
    }
    if (n) h->items[i] = last;
    return top;
}

void vg_hnsw_heap_sort_items(vg_hnsw_heap *h) {
    size_t n = h->count;
    /* heapsort: each pop frees the last position, where the item just popped (the largest left) goes */
    while (h->count > 1) {
        vg_hnsw_item top = vg_hnsw_heap_pop(h);
        h->items[h->count] = top;
    }
    h->count = n;
}
