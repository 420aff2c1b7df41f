/* HNSW search over a view: greedy descent through the upper levels, best-first search on a level,
 * the KNN query with an optional allowed-slot filter, and exact search over every slot (or a given
 * set) from the flat copy and the nodes. Tombstones are crossed but never returned. */
#include <stdlib.h>

#include "vg_alloc.h"
#include "vg_hnsw_internal.h"

/* Where slot's node probably is, for prefetching only: the private copy, else the store's pointer
 * without looking at the node (its generation is checked when it is read), so a prefetch never waits
 * for the node's own cache line. */
static inline const vg_hnsw_node *peek(const vg_hnsw_view *v, uint32_t slot) {
    const vg_hnsw_node *n = vg_hnsw_privmap_get(&v->priv, slot);
    if (n) return n;
    if (!v->pin.slots || slot >= v->pin.slots->cap) return NULL;
    return vg_atomic_load_ptr(&v->pin.slots->node[slot]);
}

/* Prefetches the nodes of the n slots in slots: their store pointers first, then (once those are
 * likely there) each node's header and the start of its vector. */
static void prefetch_nodes(const vg_hnsw_view *v, const uint32_t *slots, uint32_t n) {
    for (uint32_t i = 0; i < n; i++) {
        const void *at = vg_hnsw_shared_addr(v, slots[i]);
        if (at) VG_HNSW_PREFETCH(at);
    }
    for (uint32_t i = 0; i < n; i++) {
        const vg_hnsw_node *p = peek(v, slots[i]);
        if (p) {
            VG_HNSW_PREFETCH(&p->gen); /* the header, read first (on another line than the code, often) */
            VG_HNSW_PREFETCH(vg_hnsw_node_code(p));
        }
    }
}

/* How much of the next vector a distance loop prefetches: the hardware prefetcher takes the rest. */
#define VG_HNSW_AHEAD_BYTES 512

/* While one distance is computed: the next vector's lines after its first (prefetch_nodes took that). */
static inline void prefetch_ahead(const vg_hnsw_view *v, uint32_t slot) {
    const vg_hnsw_node *next = peek(v, slot);
    if (!next) return;
    const unsigned char *code = vg_hnsw_node_code(next);
    size_t ahead = v->L.code_bytes < VG_HNSW_AHEAD_BYTES ? v->L.code_bytes : VG_HNSW_AHEAD_BYTES;
    for (size_t at = 64; at < ahead; at += 64) VG_HNSW_PREFETCH(code + at);
}

uint32_t vg_hnsw_greedy(vg_hnsw_view *v, const vg_hnsw_probe *p, uint32_t ep, int level) {
    const vg_hnsw_node *at = vg_hnsw_get(v, ep);
    if (!at) return VG_HNSW_NO_SLOT;
    double best = vg_hnsw_dist_node(v, p, at);
    for (int moved = 1; moved;) {
        moved = 0;
        const uint32_t *list = vg_hnsw_list_at(v, at, level);
        if (!list) return VG_HNSW_NO_SLOT;
        prefetch_nodes(v, list + 1, list[0]);
        const vg_hnsw_node *next = at;
        uint32_t next_slot = ep;
        for (uint32_t i = 1; i <= list[0]; i++) {
            const vg_hnsw_node *n = vg_hnsw_get(v, list[i]);
            if (!n) return VG_HNSW_NO_SLOT;
            if (i < list[0]) prefetch_ahead(v, list[i + 1]);
            double d = vg_hnsw_dist_node(v, p, n);
            if (d < best || (d == best && list[i] < next_slot)) {
                best = d;
                next = n;
                next_slot = list[i];
                moved = 1;
            }
        }
        at = next;
        ep = next_slot;
    }
    return ep;
}

/* Moves the not yet visited neighbours in list into v->fresh, marking them visited and prefetching
 * where their nodes are. Returns how many. */
static uint32_t fresh_neighbours(vg_hnsw_view *v, const uint32_t *list) {
    uint32_t n = 0;
    uint8_t epoch = v->epoch;
    for (uint32_t i = 1; i <= list[0]; i++) VG_HNSW_PREFETCH(&v->visited[list[i]]);
    for (uint32_t i = 1; i <= list[0]; i++) {
        uint32_t s = list[i];
        if (v->visited[s] == epoch) continue;
        v->visited[s] = epoch;
        v->fresh[n++] = s;
    }
    prefetch_nodes(v, v->fresh, n);
    return n;
}

static inline int may_return(const vg_hnsw_node *n, uint32_t slot, const unsigned char *allowed, uint32_t skip) {
    return !(n->flags & (VG_HNSW_NODE_TOMBSTONE | VG_HNSW_NODE_FREED)) && slot != skip && (!allowed || allowed[slot]);
}

int vg_hnsw_search_layer(vg_hnsw_view *v, const vg_hnsw_probe *p, uint32_t ep, int ef, int level,
                         const unsigned char *allowed, uint32_t skip) {
    vg_hnsw_heap *cand = &v->cand, *res = &v->res;
    cand->count = res->count = 0;
    if (vg_hnsw_new_visit(v) != 0) return -1;
    const vg_hnsw_node *start = vg_hnsw_get(v, ep);
    if (!start) return -1;
    double d = vg_hnsw_dist_node(v, p, start);
    v->visited[ep] = v->epoch;
    if (skip != VG_HNSW_NO_SLOT) v->visited[skip] = v->epoch;
    if (vg_hnsw_heap_push(cand, d, ep) != 0) goto nomem;
    if (may_return(start, ep, allowed, skip) && vg_hnsw_heap_push(res, d, ep) != 0) goto nomem;
    while (cand->count) {
        vg_hnsw_item c = vg_hnsw_heap_pop(cand);
        if (res->count >= (size_t)ef && c.d > res->items[0].d) break;
        const vg_hnsw_node *cn = vg_hnsw_get(v, c.slot);
        const uint32_t *list = cn ? vg_hnsw_list_at(v, cn, level) : NULL;
        if (!list) return -1;
        uint32_t n = fresh_neighbours(v, list);
        for (uint32_t i = 0; i < n; i++) {
            uint32_t s = v->fresh[i];
            const vg_hnsw_node *sn = vg_hnsw_get(v, s);
            if (!sn) return -1;
            if (i + 1 < n) prefetch_ahead(v, v->fresh[i + 1]);
            double ds = vg_hnsw_dist_node(v, p, sn);
            if (res->count < (size_t)ef || ds < res->items[0].d) {
                if (vg_hnsw_heap_push(cand, ds, s) != 0) goto nomem;
                if (may_return(sn, s, allowed, skip)) {
                    if (vg_hnsw_heap_push(res, ds, s) != 0) goto nomem;
                    if (res->count > (size_t)ef) vg_hnsw_heap_pop(res);
                }
            }
        }
    }
    return 0;
nomem:
    vg_hnsw_view_fail(v, VG_HNSW_NOMEM);
    return -1;
}

/* The entry point's level, read once per snapshot. */
static int top_level(vg_hnsw_view *v) {
    if (v->max_level == -2) {
        const vg_hnsw_node *e = vg_hnsw_get(v, v->entry);
        if (!e) return -2;
        v->max_level = e->level;
    }
    return v->max_level;
}

static int graph_search(vg_hnsw_view *v, const vg_hnsw_probe *p, int ef, const unsigned char *allowed) {
    int top = top_level(v);
    if (top < 0) return -1;
    uint32_t ep = v->entry;
    for (int level = top; level > 0 && ep != VG_HNSW_NO_SLOT; level--) ep = vg_hnsw_greedy(v, p, ep, level);
    if (ep == VG_HNSW_NO_SLOT) return -1;
    return vg_hnsw_search_layer(v, p, ep, ef, 0, allowed, VG_HNSW_NO_SLOT);
}

/* Whether brute force over n allowed nodes beats a filtered graph search with candidate list ef:
 * the filtered walk visits about ef * N / n nodes, brute force n. */
static int exact_is_cheaper(size_t n, size_t total, int ef) {
    return (double)n * (double)n <= 16.0 * (double)ef * (double)total;
}

/* Offers (d, slot) to the k best kept in the max-heap res. 0, or -1 when out of memory. */
static int offer(vg_hnsw_heap *res, int k, double d, uint32_t slot) {
    if (res->count >= (size_t)k && !(d < res->items[0].d || (d == res->items[0].d && slot < res->items[0].slot)))
        return 0;
    if (vg_hnsw_heap_push(res, d, slot) != 0) return -1;
    if (res->count > (size_t)k) vg_hnsw_heap_pop(res);
    return 0;
}

/* Writes the k best of v->res (ascending) into out; rowids from the nodes, or from flat when given. */
static vg_hnsw_rc emit(vg_hnsw_view *v, const vg_hnsw_flat *flat, const uint32_t *skip, size_t n_skip, int k,
                       vg_hnsw_hit *out, int *n_out);

static int in_sorted(const uint32_t *list, size_t n, uint32_t slot) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (list[mid] < slot) lo = mid + 1;
        else hi = mid;
    }
    return lo < n && list[lo] == slot;
}

/* Whether flat answers for slot. */
static int from_flat(const vg_hnsw_flat *flat, const uint32_t *skip, size_t n_skip, uint32_t slot) {
    return flat && slot < flat->n && !in_sorted(skip, n_skip, slot);
}

/* One slot of an exact search: its distance offered, from the flat copy or the node. */
static int exact_one(vg_hnsw_view *v, const vg_hnsw_flat *flat, const uint32_t *skip, size_t n_skip,
                     const vg_hnsw_probe *p, int k, uint32_t slot) {
    if (from_flat(flat, skip, n_skip, slot)) {
        if (!flat->live[slot]) return 0;
        return offer(&v->res, k, vg_hnsw_flat_dist(v, flat, p, slot), slot);
    }
    const vg_hnsw_node *n = vg_hnsw_get(v, slot);
    if (!n) return -1;
    if (n->flags & (VG_HNSW_NODE_TOMBSTONE | VG_HNSW_NODE_FREED)) return 0;
    return offer(&v->res, k, vg_hnsw_dist_node(v, p, n), slot);
}

/* Every slot in order: runs of slots the flat copy answers for go through a tight loop. */
static int exact_all(vg_hnsw_view *v, const vg_hnsw_flat *flat, const uint32_t *skip, size_t n_skip,
                     const vg_hnsw_probe *p, int k) {
    uint32_t n = v->n_slots, flat_n = flat ? (flat->n < n ? flat->n : n) : 0;
    size_t next_skip = 0;
    vg_hnsw_heap *res = &v->res;
    for (uint32_t s = 0; s < flat_n;) {
        uint32_t end = next_skip < n_skip && skip[next_skip] < flat_n ? skip[next_skip] : flat_n;
        for (; s < end; s++) {
            if (!flat->live[s]) continue;
            double d = vg_hnsw_flat_dist(v, flat, p, s);
            if (res->count < (size_t)k || d < res->items[0].d) {
                if (offer(res, k, d, s) != 0) return -1;
            }
        }
        if (s < flat_n) {
            if (exact_one(v, NULL, NULL, 0, p, k, s) != 0) return -1;
            s++;
            next_skip++;
        }
    }
    for (uint32_t s = flat_n; s < n; s++)
        if (exact_one(v, NULL, NULL, 0, p, k, s) != 0) return -1;
    return 0;
}

vg_hnsw_rc vg_hnsw_search_exact(vg_hnsw_view *v, const vg_hnsw_flat *flat, const uint32_t *skip, size_t n_skip,
                                const float *q, int k, const uint32_t *slots, size_t n_slots, vg_hnsw_hit *out,
                                int *n_out) {
    *n_out = 0;
    v->res.count = 0;
    if (k <= 0) return VG_HNSW_OK;
    vg_hnsw_probe p;
    vg_hnsw_probe_query(v, q, &p);
    int rc = 0;
    if (!slots) {
        rc = exact_all(v, flat, skip, n_skip, &p, k);
    } else {
        for (size_t i = 0; rc == 0 && i < n_slots; i++) rc = exact_one(v, flat, skip, n_skip, &p, k, slots[i]);
    }
    if (rc != 0) return v->error != VG_HNSW_OK ? v->error : VG_HNSW_NOMEM;
    return emit(v, flat, skip, n_skip, k, out, n_out);
}

static vg_hnsw_rc emit(vg_hnsw_view *v, const vg_hnsw_flat *flat, const uint32_t *skip, size_t n_skip, int k,
                       vg_hnsw_hit *out, int *n_out) {
    vg_hnsw_heap_sort_items(&v->res);
    size_t n = v->res.count < (size_t)k ? v->res.count : (size_t)k;
    for (size_t i = 0; i < n; i++) {
        uint32_t s = v->res.items[i].slot;
        if (from_flat(flat, skip, n_skip, s)) {
            out[i].rowid = flat->rowid[s];
        } else {
            const vg_hnsw_node *node = vg_hnsw_get(v, s);
            if (!node) return v->error;
            out[i].rowid = node->rowid;
        }
        out[i].distance = v->res.items[i].d;
        out[i].slot = s;
    }
    *n_out = (int)n;
    return VG_HNSW_OK;
}

vg_hnsw_rc vg_hnsw_search(vg_hnsw_view *v, const float *q, int k, int ef, const uint32_t *allowed, size_t n_allowed,
                          vg_hnsw_hit *out, int *n_out) {
    *n_out = 0;
    v->res.count = 0;
    if (v->entry == VG_HNSW_NO_SLOT || k <= 0) return VG_HNSW_OK;
    if (ef < k) ef = k;
    if (allowed && exact_is_cheaper(n_allowed, v->n_slots, ef))
        return vg_hnsw_search_exact(v, NULL, NULL, 0, q, k, allowed, n_allowed, out, n_out);
    vg_hnsw_probe p;
    vg_hnsw_probe_query(v, q, &p);
    unsigned char *mask = NULL;
    if (allowed) {
        if (!(mask = vg_calloc(v->n_slots, 1))) return VG_HNSW_NOMEM;
        for (size_t i = 0; i < n_allowed; i++)
            if (allowed[i] < v->n_slots) mask[allowed[i]] = 1;
    }
    int rc = graph_search(v, &p, ef, mask);
    vg_free(mask);
    if (rc != 0) return v->error != VG_HNSW_OK ? v->error : VG_HNSW_NOMEM;
    return emit(v, NULL, NULL, 0, k, out, n_out);
}
