/* The local searches of vg_graph_local.h: which adjacency lists a traversal or a shortest path from
 * a start node reads, found by fetching them as the search goes. They only decide what to fetch;
 * the rows, parents and tie rules of the result come from running the algorithms of vg_graph.h on
 * the fetched part. Each search fetches a node's list on one side at most once, so the rows a fetch
 * adds are exactly that node's. */
#include <math.h>
#include <string.h>

#include "vg_alloc.h"
#include "vg_graph_heap.h"
#include "vg_graph_local.h"

/* A growable list of node numbers. */
typedef struct node_list {
    uint32_t *node;
    size_t count, cap;
} node_list;

static vg_graph_status push(node_list *list, uint32_t v) {
    if (list->count == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 64;
        uint32_t *node = vg_realloc(list->node, cap * sizeof *node);
        if (!node) return VG_GRAPH_NOMEM;
        list->node = node;
        list->cap = cap;
    }
    list->node[list->count++] = v;
    return VG_GRAPH_OK;
}

static void swap_lists(node_list *a, node_list *b) {
    node_list t = *a;
    *a = *b;
    *b = t;
    b->count = 0;
}

/* Per node state of a search from each end (0: from start, along out-rows; 1: from end, along
 * in-rows), grown with the local's node count: hop counts, or distances with a heap. */
typedef struct search {
    vg_graph_local *local;
    uint32_t cap;
    uint32_t *hops[2];
    double *dist[2];
    uint32_t *pos[2], *item[2];
    vg_graph_heap heap[2];
} search;

static vg_graph_status grow(void **array, size_t size, uint32_t cap) {
    void *p = vg_realloc(*array, (size_t)cap * size);
    if (!p) return VG_GRAPH_NOMEM;
    *array = p;
    return VG_GRAPH_OK;
}

/* Makes room for every node numbered so far: new nodes are unreached and in no heap. */
static vg_graph_status cover(search *s) {
    uint32_t count = s->local->b.ids.count;
    if (count <= s->cap) return VG_GRAPH_OK;
    uint32_t cap = s->cap ? s->cap : 64;
    while (cap < count) cap = cap > VG_GRAPH_NONE / 2 ? VG_GRAPH_NONE : cap * 2;
    for (int e = 0; e < 2; e++) {
        if (grow((void **)&s->hops[e], sizeof *s->hops[e], cap) || grow((void **)&s->dist[e], sizeof *s->dist[e], cap) ||
            grow((void **)&s->pos[e], sizeof *s->pos[e], cap) || grow((void **)&s->item[e], sizeof *s->item[e], cap))
            return VG_GRAPH_NOMEM;
        for (uint32_t v = s->cap; v < cap; v++) {
            s->hops[e][v] = VG_GRAPH_NONE;
            s->dist[e][v] = INFINITY;
            s->pos[e][v] = VG_GRAPH_NONE;
        }
        s->heap[e].item = s->item[e];
        s->heap[e].pos = s->pos[e];
        s->heap[e].key = s->dist[e];
    }
    s->cap = cap;
    return VG_GRAPH_OK;
}

static void search_init(search *s, vg_graph_local *local) {
    memset(s, 0, sizeof *s);
    s->local = local;
}

static void search_free(search *s) {
    for (int e = 0; e < 2; e++) {
        vg_free(s->hops[e]);
        vg_free(s->dist[e]);
        vg_free(s->pos[e]);
        vg_free(s->item[e]);
    }
}

/* The rows u's fetch on side added: [*from, *to) of the out-rows or in-rows. */
static vg_graph_status fetch(search *s, uint32_t u, vg_graph_direction side, size_t *from, size_t *to) {
    vg_graph_local *l = s->local;
    *from = side == VG_GRAPH_REVERSE ? l->in_count : l->b.count;
    vg_graph_status st = vg_graph_local_fetch(l, u, side);
    *to = side == VG_GRAPH_REVERSE ? l->in_count : l->b.count;
    return st == VG_GRAPH_OK ? cover(s) : st;
}

/* The node at the other end of row k, and its weight. */
static uint32_t other_end(const vg_graph_local *l, vg_graph_direction side, size_t k) {
    return side == VG_GRAPH_REVERSE ? l->in_src[k] : l->b.dst[k];
}

static double row_weight(const vg_graph_local *l, vg_graph_direction side, size_t k) {
    return side == VG_GRAPH_REVERSE ? l->in_weight[k] : l->b.weight[k];
}

vg_graph_status vg_graph_expand_traversal(vg_graph_local *local, uint32_t start, uint32_t max_depth,
                                          vg_graph_direction dir) {
    search s;
    search_init(&s, local);
    node_list layer = {NULL, 0, 0}, next = {NULL, 0, 0};
    vg_graph_status st = cover(&s);
    if (st == VG_GRAPH_OK) st = push(&layer, start);
    if (st == VG_GRAPH_OK) s.hops[0][start] = 0;
    size_t sides = dir == VG_GRAPH_BOTH ? 2 : 1;
    for (uint32_t depth = 0; st == VG_GRAPH_OK && layer.count > 0 && depth < max_depth; depth++) {
        if (!vg_graph_local_affordable(local, layer.count * sides)) st = VG_GRAPH_OVER_BUDGET;
        for (size_t i = 0; i < layer.count && st == VG_GRAPH_OK; i++) {
            for (int k = 0; k < 2 && st == VG_GRAPH_OK; k++) {
                vg_graph_direction side = k ? VG_GRAPH_REVERSE : VG_GRAPH_FORWARD;
                if ((side == VG_GRAPH_REVERSE && dir == VG_GRAPH_FORWARD) || (side == VG_GRAPH_FORWARD && dir == VG_GRAPH_REVERSE))
                    continue;
                size_t from, to;
                st = fetch(&s, layer.node[i], side, &from, &to);
                for (size_t r = from; r < to && st == VG_GRAPH_OK; r++) {
                    uint32_t v = other_end(local, side, r);
                    if (s.hops[0][v] != VG_GRAPH_NONE) continue;
                    s.hops[0][v] = depth + 1;
                    st = push(&next, v);
                }
            }
        }
        swap_lists(&layer, &next);
    }
    vg_free(layer.node);
    vg_free(next.node);
    search_free(&s);
    return st;
}

/* Whether node a's id sorts before b's (the graph's ascending order). */
static int id_before(const vg_graph_ids *ids, uint32_t a, uint32_t b) {
    if (ids->type == VG_GRAPH_INT_IDS) return ids->ints[a] < ids->ints[b];
    return vg_graph_compare_text(ids->text + ids->text_off[a], ids->text_len[a], ids->text + ids->text_off[b],
                                 ids->text_len[b]) < 0;
}

/* Heapsort of a layer into ascending id order. */
static void sift_down(const vg_graph_ids *ids, uint32_t *a, size_t n, size_t i) {
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= n) return;
        if (child + 1 < n && id_before(ids, a[child], a[child + 1])) child++;
        if (!id_before(ids, a[i], a[child])) return;
        uint32_t t = a[i];
        a[i] = a[child];
        a[child] = t;
        i = child;
    }
}

static void sort_by_id(const vg_graph_ids *ids, node_list *list) {
    uint32_t *a = list->node;
    size_t n = list->count;
    for (size_t i = n / 2; i-- > 0;) sift_down(ids, a, n, i);
    for (size_t end = n; end-- > 1;) {
        uint32_t t = a[0];
        a[0] = a[end];
        a[end] = t;
        sift_down(ids, a, end, 0);
    }
}

/* Hop count from start only: layer after layer, each in ascending order, until a node with an edge to
 * end. vg_graph_shortest_path reads the lists of the layers before end's predecessors', and of that
 * layer it needs the smallest node with an edge to end: the first one met here. */
static vg_graph_status hops_forward(search *s, uint32_t start, uint32_t end) {
    vg_graph_local *l = s->local;
    node_list layer = {NULL, 0, 0}, next = {NULL, 0, 0};
    vg_graph_status st = push(&layer, start);
    s->hops[0][start] = 0;
    int found = 0;
    while (st == VG_GRAPH_OK && !found && layer.count > 0) {
        /* (the end may show up early in the layer; asking for half of it keeps long searches short) */
        if (!vg_graph_local_affordable(l, (layer.count + 1) / 2)) {
            st = VG_GRAPH_OVER_BUDGET;
            break;
        }
        sort_by_id(&l->b.ids, &layer);
        for (size_t i = 0; i < layer.count && st == VG_GRAPH_OK && !found; i++) {
            size_t from, to;
            st = fetch(s, layer.node[i], VG_GRAPH_FORWARD, &from, &to);
            for (size_t r = from; r < to && st == VG_GRAPH_OK; r++) {
                uint32_t v = l->b.dst[r];
                found |= v == end;
                if (s->hops[0][v] != VG_GRAPH_NONE) continue;
                s->hops[0][v] = s->hops[0][layer.node[i]] + 1;
                st = push(&next, v);
            }
        }
        swap_lists(&layer, &next);
    }
    vg_free(layer.node);
    vg_free(next.node);
    return st;
}

/* Hop count from both ends: whole layers, always on the side with the smaller frontier, until a
 * layer meets the other side. With a forward and b backward layers done, the path has a + b hops, and
 * each of its edges leaves a node of the first a layers or enters one of the first b. */
static vg_graph_status hops_both(search *s, uint32_t start, uint32_t end) {
    vg_graph_local *l = s->local;
    node_list layer[2] = {{NULL, 0, 0}, {NULL, 0, 0}}, next = {NULL, 0, 0};
    vg_graph_status st = push(&layer[0], start);
    if (st == VG_GRAPH_OK) st = push(&layer[1], end);
    s->hops[0][start] = 0;
    s->hops[1][end] = 0;
    int met = 0;
    while (st == VG_GRAPH_OK && !met && layer[0].count > 0 && layer[1].count > 0) {
        int e = layer[1].count < layer[0].count;
        vg_graph_direction side = e ? VG_GRAPH_REVERSE : VG_GRAPH_FORWARD;
        if (!vg_graph_local_affordable(l, layer[e].count)) {
            st = VG_GRAPH_OVER_BUDGET;
            break;
        }
        for (size_t i = 0; i < layer[e].count && st == VG_GRAPH_OK; i++) {
            uint32_t u = layer[e].node[i];
            size_t from, to;
            st = fetch(s, u, side, &from, &to);
            for (size_t r = from; r < to && st == VG_GRAPH_OK; r++) {
                uint32_t v = other_end(l, side, r);
                if (s->hops[e][v] != VG_GRAPH_NONE) continue;
                s->hops[e][v] = s->hops[e][u] + 1;
                met |= s->hops[!e][v] != VG_GRAPH_NONE;
                st = push(&next, v);
            }
        }
        swap_lists(&layer[e], &next);
    }
    vg_free(layer[0].node);
    vg_free(layer[1].node);
    vg_free(next.node);
    return st;
}

/* Settles the smallest node of end e's heap and relaxes its rows; *best is the shortest start-to-end
 * distance found through a node reached from both ends. */
static vg_graph_status settle(search *s, int e, double *best) {
    vg_graph_local *l = s->local;
    vg_graph_direction side = e ? VG_GRAPH_REVERSE : VG_GRAPH_FORWARD;
    uint32_t u = vg_graph_heap_pop(&s->heap[e]);
    size_t from, to;
    vg_graph_status st = fetch(s, u, side, &from, &to);
    for (size_t r = from; r < to && st == VG_GRAPH_OK; r++) {
        uint32_t v = other_end(l, side, r);
        double d = s->dist[e][u] + row_weight(l, side, r);
        if (d < s->dist[e][v]) {
            s->dist[e][v] = d;
            vg_graph_heap_update(&s->heap[e], v);
        }
        double through = s->dist[0][v] + s->dist[1][v];
        if (through < *best) *best = through;
    }
    return st;
}

/* Dijkstra from start, and from end too when bidirectional, settling on the side with the smaller
 * heap, until the smallest keys of the two heaps add up to more than the best path (from start only:
 * until the smallest key exceeds end's distance). Strictly more: with zero weights, a node at exactly
 * that distance may still be on a shortest path, and every shortest-path node must get settled by one
 * side. A side whose heap runs empty has settled everything it reaches, which also suffices. */
static vg_graph_status weighted(search *s, uint32_t start, uint32_t end, int bidirectional) {
    double best = INFINITY;
    s->dist[0][start] = 0.0;
    vg_graph_heap_update(&s->heap[0], start);
    if (bidirectional) {
        s->dist[1][end] = 0.0;
        vg_graph_heap_update(&s->heap[1], end);
    }
    vg_graph_status st = VG_GRAPH_OK;
    while (st == VG_GRAPH_OK && s->heap[0].size > 0) {
        double top0 = s->dist[0][s->heap[0].item[0]];
        if (!bidirectional) {
            if (top0 > s->dist[0][end]) break;
            st = settle(s, 0, &best);
            continue;
        }
        if (s->heap[1].size == 0 || top0 + s->dist[1][s->heap[1].item[0]] > best) break;
        st = settle(s, s->heap[1].size < s->heap[0].size, &best);
    }
    return st;
}

vg_graph_status vg_graph_expand_path(vg_graph_local *local, uint32_t start, uint32_t end, int weighted_path,
                                     int bidirectional) {
    if (start == end) return VG_GRAPH_OK; /* the path is start alone, if start is a node at all */
    search s;
    search_init(&s, local);
    vg_graph_status st = cover(&s);
    if (st == VG_GRAPH_OK) {
        if (weighted_path) st = weighted(&s, start, end, bidirectional);
        else st = bidirectional ? hops_both(&s, start, end) : hops_forward(&s, start, end);
    }
    search_free(&s);
    return st;
}
