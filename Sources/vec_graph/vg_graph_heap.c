/* The indexed binary min-heap of vg_graph_heap.h: sift up on insert or decrease, sift down on pop,
 * every move recorded in pos. */
#include "vg_graph.h"
#include "vg_graph_heap.h"

static int before(const vg_graph_heap *h, uint32_t a, uint32_t b) {
    return h->key[a] < h->key[b] || (h->key[a] == h->key[b] && a < b);
}

static void set_slot(vg_graph_heap *h, uint32_t slot, uint32_t v) {
    h->item[slot] = v;
    h->pos[v] = slot;
}

void vg_graph_heap_update(vg_graph_heap *h, uint32_t v) {
    uint32_t slot = h->pos[v];
    if (slot == VG_GRAPH_NONE) slot = h->size++;
    while (slot > 0 && before(h, v, h->item[(slot - 1) / 2])) {
        set_slot(h, slot, h->item[(slot - 1) / 2]);
        slot = (slot - 1) / 2;
    }
    set_slot(h, slot, v);
}

uint32_t vg_graph_heap_pop(vg_graph_heap *h) {
    uint32_t top = h->item[0], v = h->item[--h->size], slot = 0;
    h->pos[top] = VG_GRAPH_NONE;
    if (h->size == 0) return top;
    for (;;) {
        uint32_t child = 2 * slot + 1;
        if (child >= h->size) break;
        if (child + 1 < h->size && before(h, h->item[child + 1], h->item[child])) child++;
        if (!before(h, h->item[child], v)) break;
        set_slot(h, slot, h->item[child]);
        slot = child;
    }
    set_slot(h, slot, v);
    return top;
}
