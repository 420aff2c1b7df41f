/* HNSW graph changes: insertion (Malkov & Yashunin, algorithm 1 with the neighbour-selection
 * heuristic of algorithm 4) and deletion with neighbour repair, so no link ever dangles and every
 * node stays reachable from the entry point. */
#include <stdlib.h>
#include <string.h>

#include "vg_hnsw_internal.h"

static int item_before(vg_hnsw_item a, vg_hnsw_item b) {
    return a.d < b.d || (a.d == b.d && a.slot < b.slot);
}

/* Sorts the n (a few lists' worth) items ascending by (distance, slot): insertion sort, as n is small. */
static void sort_items(vg_hnsw_item *c, size_t n) {
    for (size_t i = 1; i < n; i++) {
        vg_hnsw_item x = c[i];
        size_t j = i;
        for (; j > 0 && item_before(x, c[j - 1]); j--) c[j] = c[j - 1];
        c[j] = x;
    }
}

/* Distance between two stored nodes. */
static double node_dist(const vg_hnsw_graph *g, uint32_t a, uint32_t b) {
    return vg_hnsw_dist_query(g, vg_hnsw_vec(g, a), g->norm2[a], b);
}

/* The heuristic: walk the candidates (sorted ascending by distance to the base node) and keep one
 * only if it is closer to the base than to every node kept so far, up to max. Then, when keep_at_least
 * asks for more, top up with the nearest candidates the heuristic dropped. Writes list[0] and list[1..]. */
static void select_neighbors(const vg_hnsw_graph *g, const vg_hnsw_item *c, size_t n, int max, int keep_at_least,
                             uint32_t *list) {
    uint32_t kept = 0;
    unsigned char *taken = keep_at_least > 0 ? calloc(n ? n : 1, 1) : NULL;
    for (size_t i = 0; i < n && kept < (uint32_t)max; i++) {
        int good = 1;
        for (uint32_t j = 0; j < kept && good; j++)
            if (node_dist(g, c[i].slot, list[1 + j]) < c[i].d) good = 0;
        if (good) {
            list[1 + kept++] = c[i].slot;
            if (taken) taken[i] = 1;
        }
    }
    for (size_t i = 0; taken && i < n && kept < (uint32_t)keep_at_least && kept < (uint32_t)max; i++)
        if (!taken[i]) list[1 + kept++] = c[i].slot;
    free(taken);
    list[0] = kept;
}

/* Links slot from host on level: appended when host has room, else in place of host's farthest link
 * (then *forced is set, as that node may have lost its last in-link). */
static int link_from(vg_hnsw_graph *g, uint32_t host, uint32_t slot, int level, int *forced) {
    uint32_t *list = vg_hnsw_list(g, host, level);
    if (list[0] < (uint32_t)vg_hnsw_max_links(&g->p, level)) {
        list[1 + list[0]++] = slot;
    } else {
        uint32_t far = 1;
        for (uint32_t i = 2; i <= list[0]; i++)
            if (node_dist(g, host, list[i]) > node_dist(g, host, list[far])) far = i;
        list[far] = slot;
        *forced = 1;
    }
    return vg_hnsw_mark_dirty(g, host);
}

/* Of the n items (ascending by distance), the first with room on level, else the nearest. */
static uint32_t pick_host(const vg_hnsw_graph *g, const vg_hnsw_item *items, size_t n, int level) {
    for (size_t i = 0; i < n; i++)
        if (vg_hnsw_list(g, items[i].slot, level)[0] < (uint32_t)vg_hnsw_max_links(&g->p, level)) return items[i].slot;
    return items[0].slot;
}

/* Whether one of slot's own neighbours on level links back to it. */
static int linked_back(const vg_hnsw_graph *g, uint32_t slot, int level) {
    const uint32_t *list = vg_hnsw_list(g, slot, level);
    for (uint32_t i = 1; i <= list[0]; i++) {
        const uint32_t *back = vg_hnsw_list(g, list[i], level);
        for (uint32_t j = 1; j <= back[0]; j++)
            if (back[j] == slot) return 1;
    }
    return 0;
}

/* slot was dropped from a list on level and none of its own neighbours links back: link it from the
 * nearest of them. scratch holds m0 items. */
static int relink(vg_hnsw_graph *g, uint32_t slot, int level, vg_hnsw_item *scratch) {
    const uint32_t *list = vg_hnsw_list(g, slot, level);
    size_t n = 0;
    for (uint32_t i = 1; i <= list[0]; i++) scratch[n++] = (vg_hnsw_item){node_dist(g, slot, list[i]), list[i]};
    if (n == 0) return 0;
    sort_items(scratch, n);
    int forced = 0;
    return link_from(g, pick_host(g, scratch, n, level), slot, level, &forced);
}

/* Adds a link n -> s on level; when n's list is full, re-selects it from its links plus s. A node
 * dropped there is relinked when none of its own neighbours links back to it, lest nothing does.
 * scratch holds 2 * (m0 + 1) items. */
static int connect(vg_hnsw_graph *g, uint32_t n, uint32_t s, int level, vg_hnsw_item *scratch) {
    uint32_t *list = vg_hnsw_list(g, n, level);
    int cap = vg_hnsw_max_links(&g->p, level);
    if (vg_hnsw_mark_dirty(g, n) != 0) return -1;
    if (list[0] < (uint32_t)cap) {
        list[1 + list[0]++] = s;
        return 0;
    }
    size_t m = 0;
    for (uint32_t i = 1; i <= list[0]; i++) scratch[m++] = (vg_hnsw_item){node_dist(g, n, list[i]), list[i]};
    scratch[m++] = (vg_hnsw_item){node_dist(g, n, s), s};
    sort_items(scratch, m);
    select_neighbors(g, scratch, m, cap, 0, list);
    size_t dropped = 0;
    for (size_t i = 0; i < m; i++) {
        int kept = 0;
        for (uint32_t j = 1; j <= list[0] && !kept; j++) kept = list[j] == scratch[i].slot;
        if (!kept) scratch[dropped++] = scratch[i];
    }
    for (size_t i = 0; i < dropped; i++)
        if (!linked_back(g, scratch[i].slot, level) && relink(g, scratch[i].slot, level, scratch + g->m0 + 1) != 0)
            return -1;
    return 0;
}

vg_hnsw_rc vg_hnsw_insert(vg_hnsw_graph *g, int64_t rowid, const float *v) {
    if (vg_hnsw_contains(g, rowid)) return VG_HNSW_EXISTS;
    int level = vg_hnsw_level_for(&g->p, rowid);
    uint32_t s = vg_hnsw_add_slot(g, rowid, level, v);
    if (s == VG_HNSW_NO_SLOT || vg_hnsw_mark_dirty(g, s) != 0) return VG_HNSW_NOMEM;
    if (g->entry == VG_HNSW_NO_SLOT) {
        g->entry = s;
        g->max_level = level;
        return VG_HNSW_OK;
    }
    vg_hnsw_item *scratch = malloc((size_t)(2 * g->m0 + 2) * sizeof *scratch);
    vg_hnsw_rc rc = scratch ? VG_HNSW_OK : VG_HNSW_NOMEM;
    const float *q = vg_hnsw_vec(g, s);
    float qn = g->norm2[s];
    uint32_t ep = g->entry;
    for (int l = g->max_level; rc == VG_HNSW_OK && l > level; l--) ep = vg_hnsw_greedy(g, q, qn, ep, l);
    for (int l = level < g->max_level ? level : g->max_level; rc == VG_HNSW_OK && l >= 0; l--) {
        if (vg_hnsw_search_layer(g, q, qn, ep, g->p.ef_construction, l, NULL) != 0) {
            rc = VG_HNSW_NOMEM;
            break;
        }
        /* the candidates, nearest first; g->res is not searched again before they are used */
        vg_hnsw_heap_sort_items(&g->res);
        const vg_hnsw_item *found = g->res.items;
        size_t n = g->res.count;
        ep = found[0].slot;
        uint32_t *list = vg_hnsw_list(g, s, l);
        select_neighbors(g, found, n, g->p.m, 0, list);
        for (uint32_t i = 1; i <= list[0] && rc == VG_HNSW_OK; i++)
            if (connect(g, list[i], s, l, scratch) != 0) rc = VG_HNSW_NOMEM;
    }
    free(scratch);
    if (rc == VG_HNSW_OK && level > g->max_level) {
        g->entry = s;
        g->max_level = level;
    }
    return rc;
}

/* Appends to scratch[n..] the slots of list not yet visited, marking them, with their distance to
 * base. Returns the new count. */
static size_t add_candidates(vg_hnsw_graph *g, uint32_t base, const uint32_t *list, vg_hnsw_item *scratch, size_t n) {
    for (uint32_t i = 1; i <= list[0]; i++) {
        uint32_t c = list[i];
        if (g->visited[c] == g->epoch) continue;
        g->visited[c] = g->epoch;
        scratch[n++] = (vg_hnsw_item){node_dist(g, base, c), c};
    }
    return n;
}

/* p lost its link to x on level: re-selects p's list from its other links and x's links on this
 * level and above (all of which reach this level), topped up with the nearest the heuristic dropped
 * (hnswlib's keepPrunedConnections). scratch holds 2 * m0 + m * x's level items. */
static int repair(vg_hnsw_graph *g, uint32_t p, uint32_t x, int level, vg_hnsw_item *scratch) {
    uint32_t *list = vg_hnsw_list(g, p, level);
    int cap = vg_hnsw_max_links(&g->p, level);
    vg_hnsw_new_visit(g);
    g->visited[p] = g->visited[x] = g->epoch;
    size_t n = add_candidates(g, p, list, scratch, 0);
    for (int l = level; l <= g->level[x]; l++) n = add_candidates(g, p, vg_hnsw_list(g, x, l), scratch, n);
    sort_items(scratch, n);
    select_neighbors(g, scratch, n, cap, cap, list);
    return vg_hnsw_mark_dirty(g, p);
}

/* Marks on level every node reachable from the queued ones (queue[*head..*tail)). */
static void spread(const vg_hnsw_graph *g, int level, unsigned char *reached, uint32_t *queue, size_t *head,
                   size_t *tail) {
    while (*head < *tail) {
        const uint32_t *list = vg_hnsw_list(g, queue[(*head)++], level);
        for (uint32_t i = 1; i <= list[0]; i++)
            if (!reached[list[i]]) {
                reached[list[i]] = 1;
                queue[(*tail)++] = list[i];
            }
    }
}

/* After a deletion: on each level, links every node the entry point no longer reaches from a
 * reachable node near it (found by a search from the entry), then marks what it reaches. A forced
 * link may cut another node off, so this repeats, a few rounds at most. reached and queue hold one
 * item per slot. Returns 0, or -1 when out of memory. */
static int heal(vg_hnsw_graph *g, unsigned char *reached, uint32_t *queue) {
    int forced = 1;
    for (int round = 0; forced && round < 4 && g->entry != VG_HNSW_NO_SLOT; round++) {
        forced = 0;
        for (int l = 0; l <= g->max_level; l++) {
            memset(reached, 0, g->slots);
            size_t head = 0, tail = 0;
            reached[g->entry] = 1;
            queue[tail++] = g->entry;
            spread(g, l, reached, queue, &head, &tail);
            for (uint32_t y = 0; y < g->slots; y++) {
                if (g->level[y] < l || reached[y]) continue;
                const float *q = vg_hnsw_vec(g, y);
                uint32_t ep = g->entry;
                for (int k = g->max_level; k > l; k--) ep = vg_hnsw_greedy(g, q, g->norm2[y], ep, k);
                /* from a reached node the search only finds reached ones */
                if (!reached[ep]) ep = g->entry;
                if (vg_hnsw_search_layer(g, q, g->norm2[y], ep, g->p.ef_construction, l, NULL) != 0) return -1;
                vg_hnsw_heap_sort_items(&g->res);
                if (link_from(g, pick_host(g, g->res.items, g->res.count, l), y, l, &forced) != 0) return -1;
                reached[y] = 1;
                queue[tail++] = y;
                spread(g, l, reached, queue, &head, &tail);
            }
        }
    }
    return 0;
}

/* The node on the highest level, the smallest rowid among equals; VG_HNSW_NO_SLOT if none. */
static uint32_t highest_node(const vg_hnsw_graph *g) {
    uint32_t best = VG_HNSW_NO_SLOT;
    for (uint32_t s = 0; s < g->slots; s++) {
        if (g->level[s] < 0) continue;
        if (best == VG_HNSW_NO_SLOT || g->level[s] > g->level[best] ||
            (g->level[s] == g->level[best] && g->rowid[s] < g->rowid[best]))
            best = s;
    }
    return best;
}

vg_hnsw_rc vg_hnsw_delete(vg_hnsw_graph *g, int64_t rowid) {
    uint32_t x = vg_hnsw_map_get(&g->map, rowid);
    if (x == VG_HNSW_NO_SLOT) return VG_HNSW_MISSING;
    int xlevel = g->level[x];
    vg_hnsw_item *scratch = malloc((size_t)(2 * g->m0 + xlevel * g->p.m + 2) * sizeof *scratch);
    unsigned char *reached = malloc(g->slots);
    uint32_t *queue = malloc(g->slots * sizeof *queue);
    vg_hnsw_rc rc = scratch && reached && queue ? VG_HNSW_OK : VG_HNSW_NOMEM;
    for (uint32_t p = 0; rc == VG_HNSW_OK && p < g->slots; p++) {
        if (p == x || g->level[p] < 0) continue;
        int top = g->level[p] < xlevel ? g->level[p] : xlevel;
        for (int l = 0; l <= top && rc == VG_HNSW_OK; l++) {
            const uint32_t *list = vg_hnsw_list(g, p, l);
            int links_x = 0;
            for (uint32_t i = 1; i <= list[0] && !links_x; i++) links_x = list[i] == x;
            if (links_x && repair(g, p, x, l, scratch) != 0) rc = VG_HNSW_NOMEM;
        }
    }
    free(scratch);
    if (rc == VG_HNSW_OK) {
        if (g->dirty_mark[x]) {
            size_t j = 0;
            for (size_t i = 0; i < g->n_dirty; i++)
                if (g->dirty[i] != x) g->dirty[j++] = g->dirty[i];
            g->n_dirty = j;
            g->dirty_mark[x] = 0;
        }
        vg_hnsw_free_slot(g, x);
        if (g->entry == x) {
            g->entry = highest_node(g);
            g->max_level = g->entry == VG_HNSW_NO_SLOT ? -1 : g->level[g->entry];
        }
        if (heal(g, reached, queue) != 0) rc = VG_HNSW_NOMEM;
    }
    free(reached);
    free(queue);
    return rc;
}
