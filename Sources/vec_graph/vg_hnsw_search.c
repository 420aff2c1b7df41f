/* HNSW search: greedy descent through the upper levels, best-first search on a level, and the KNN
 * query with an optional allowed-rowid filter (brute force when the allowed set is small). */
#include <math.h>
#include <stdlib.h>

#include "vg_hnsw_internal.h"

uint32_t vg_hnsw_greedy(vg_hnsw_graph *g, const float *q, float qn, uint32_t ep, int level) {
    double best = vg_hnsw_dist_query(g, q, qn, ep);
    for (int moved = 1; moved;) {
        moved = 0;
        const uint32_t *list = vg_hnsw_list(g, ep, level);
        for (uint32_t i = 1; i <= list[0]; i++) {
            double d = vg_hnsw_dist_query(g, q, qn, list[i]);
            if (d < best || (d == best && list[i] < ep)) {
                best = d;
                ep = list[i];
                moved = 1;
            }
        }
    }
    return ep;
}

/* Moves the not yet visited neighbours of slot on level into g->fresh, marking them visited and
 * prefetching their vectors, so the distance loop that follows finds them in cache. Returns how many. */
static uint32_t fresh_neighbours(vg_hnsw_graph *g, uint32_t slot, int level) {
    const uint32_t *list = vg_hnsw_list(g, slot, level);
    uint32_t n = 0, epoch = g->epoch;
    for (uint32_t i = 1; i <= list[0]; i++) VG_HNSW_PREFETCH(&g->visited[list[i]]);
    for (uint32_t i = 1; i <= list[0]; i++) {
        uint32_t s = list[i];
        if (g->visited[s] == epoch) continue;
        g->visited[s] = epoch;
        VG_HNSW_PREFETCH(vg_hnsw_vec(g, s));
        g->fresh[n++] = s;
    }
    return n;
}

int vg_hnsw_search_layer(vg_hnsw_graph *g, const float *q, float qn, uint32_t ep, int ef, int level,
                         const unsigned char *allowed) {
    vg_hnsw_heap *cand = &g->cand, *res = &g->res;
    cand->count = res->count = 0;
    vg_hnsw_new_visit(g);
    double d = vg_hnsw_dist_query(g, q, qn, ep);
    g->visited[ep] = g->epoch;
    if (vg_hnsw_heap_push(cand, d, ep) != 0) return -1;
    if ((!allowed || allowed[ep]) && vg_hnsw_heap_push(res, d, ep) != 0) return -1;
    while (cand->count) {
        vg_hnsw_item c = vg_hnsw_heap_pop(cand);
        if (res->count >= (size_t)ef && c.d > res->items[0].d) break;
        uint32_t n = fresh_neighbours(g, c.slot, level);
        for (uint32_t i = 0; i < n; i++) {
            uint32_t s = g->fresh[i];
            /* the next vector's second cache line (its first was fetched with the list) */
            if (i + 1 < n && g->p.dims > 16) VG_HNSW_PREFETCH(vg_hnsw_vec(g, g->fresh[i + 1]) + 16);
            double ds = vg_hnsw_dist_query(g, q, qn, s);
            if (res->count < (size_t)ef || ds < res->items[0].d) {
                if (vg_hnsw_heap_push(cand, ds, s) != 0) return -1;
                VG_HNSW_PREFETCH(vg_hnsw_list(g, cand->items[0].slot, level));
                if (!allowed || allowed[s]) {
                    if (vg_hnsw_heap_push(res, ds, s) != 0) return -1;
                    if (res->count > (size_t)ef) vg_hnsw_heap_pop(res);
                }
            }
        }
    }
    return 0;
}

/* Brute force over the allowed slots: the exact k nearest, left in g->res. */
static int search_exact(vg_hnsw_graph *g, const float *q, float qn, int k, const uint32_t *slots, size_t n) {
    vg_hnsw_heap *res = &g->res;
    res->count = 0;
    for (size_t i = 0; i < n; i++) {
        double d = vg_hnsw_dist_query(g, q, qn, slots[i]);
        if (res->count < (size_t)k || d < res->items[0].d) {
            if (vg_hnsw_heap_push(res, d, slots[i]) != 0) return -1;
            if (res->count > (size_t)k) vg_hnsw_heap_pop(res);
        }
    }
    return 0;
}

/* Whether brute force over n allowed nodes beats a filtered graph search with candidate list ef:
 * the filtered walk visits about ef * N / n nodes, brute force n. */
static int exact_is_cheaper(size_t n, size_t total, int ef) {
    return (double)n * (double)n <= 16.0 * (double)ef * (double)total;
}

/* The allowed rowids as distinct slots (absent rowids dropped), in *slots; *n their number. */
static int allowed_slots(vg_hnsw_graph *g, const int64_t *allowed, size_t n_allowed, uint32_t **slots, size_t *n) {
    *n = 0;
    *slots = malloc((n_allowed ? n_allowed : 1) * sizeof **slots);
    if (!*slots) return -1;
    vg_hnsw_new_visit(g);
    for (size_t i = 0; i < n_allowed; i++) {
        uint32_t s = vg_hnsw_map_get(&g->map, allowed[i]);
        if (s == VG_HNSW_NO_SLOT || g->visited[s] == g->epoch) continue;
        g->visited[s] = g->epoch;
        (*slots)[(*n)++] = s;
    }
    return 0;
}

static int graph_search(vg_hnsw_graph *g, const float *q, float qn, int ef, const unsigned char *allowed) {
    uint32_t ep = g->entry;
    for (int level = g->max_level; level > 0; level--) ep = vg_hnsw_greedy(g, q, qn, ep, level);
    return vg_hnsw_search_layer(g, q, qn, ep, ef, 0, allowed);
}

vg_hnsw_rc vg_hnsw_search(vg_hnsw_graph *g, const float *q, int k, int ef, const int64_t *allowed, size_t n_allowed,
                          vg_hnsw_hit *out, int *n_out) {
    *n_out = 0;
    if (g->entry == VG_HNSW_NO_SLOT || k <= 0) return VG_HNSW_OK;
    if (ef < k) ef = k;
    float qn = vg_hnsw_norm2(g, q);
    int rc = 0;
    if (!allowed) {
        rc = graph_search(g, q, qn, ef, NULL);
    } else {
        uint32_t *slots;
        size_t n;
        if (allowed_slots(g, allowed, n_allowed, &slots, &n) != 0) return VG_HNSW_NOMEM;
        if (exact_is_cheaper(n, vg_hnsw_count(g), ef)) {
            rc = search_exact(g, q, qn, k, slots, n);
        } else {
            unsigned char *mask = calloc(g->slots, 1);
            if (mask) {
                for (size_t i = 0; i < n; i++) mask[slots[i]] = 1;
                rc = graph_search(g, q, qn, ef, mask);
                free(mask);
            } else {
                rc = -1;
            }
        }
        free(slots);
    }
    if (rc != 0) return VG_HNSW_NOMEM;
    vg_hnsw_heap_sort_items(&g->res);
    size_t n = g->res.count < (size_t)k ? g->res.count : (size_t)k;
    for (size_t i = 0; i < n; i++) {
        out[i].rowid = g->rowid[g->res.items[i].slot];
        out[i].distance = g->res.items[i].d;
    }
    *n_out = (int)n;
    return VG_HNSW_OK;
}
