/* 'optimize': with every node of a view private, purges the tombstones (vg_hnsw_clean on every node,
 * with every tombstone a target), relinks every live node the entry point no longer reaches on a
 * level, and renumbers the live nodes densely (tombstones and freed slots go). It reads the whole
 * index, as FTS5's 'optimize' does; nothing else does. */
#include <string.h>

#include "vg_alloc.h"
#include "vg_hnsw_internal.h"

/* Every node of the view, private and dirty, in nodes[slot]; NULL for the n_free freed slots. */
static int take_all(vg_hnsw_view *v, vg_hnsw_node **nodes, const uint32_t *free_slots, size_t n_free) {
    size_t f = 0;
    for (uint32_t s = 0; s < v->n_slots; s++) {
        while (f < n_free && free_slots[f] < s) f++;
        if (f < n_free && free_slots[f] == s) nodes[s] = NULL;
        else if (!(nodes[s] = vg_hnsw_get_mut(v, s))) return -1;
    }
    return 0;
}

/* A slot that leaves: a tombstone, or freed. */
static int is_tomb(vg_hnsw_node *const *nodes, uint32_t s) {
    return !nodes[s] || (nodes[s]->flags & VG_HNSW_NODE_TOMBSTONE) != 0;
}

static int purge_links(vg_hnsw_view *v, vg_hnsw_node *const *nodes) {
    for (uint32_t p = 0; p < v->n_slots; p++)
        if (!is_tomb(nodes, p) && vg_hnsw_clean(v, p, 0, 1) != VG_HNSW_OK) return -1;
    return 0;
}

/* The live node on the highest level, the smallest slot among equals; VG_HNSW_NO_SLOT if none. */
static uint32_t highest_live(const vg_hnsw_view *v, vg_hnsw_node *const *nodes) {
    uint32_t best = VG_HNSW_NO_SLOT;
    for (uint32_t s = 0; s < v->n_slots; s++)
        if (!is_tomb(nodes, s) && (best == VG_HNSW_NO_SLOT || nodes[s]->level > nodes[best]->level)) best = s;
    return best;
}

/* Marks on level every node reachable from the queued ones (queue[*head..*tail)). */
static void spread(const vg_hnsw_view *v, vg_hnsw_node *const *nodes, int level, unsigned char *reached,
                   uint32_t *queue, size_t *head, size_t *tail) {
    while (*head < *tail) {
        const uint32_t *list = vg_hnsw_node_list(&v->L, nodes[queue[(*head)++]], level);
        for (uint32_t i = 1; i <= list[0]; i++)
            if (!reached[list[i]]) {
                reached[list[i]] = 1;
                queue[(*tail)++] = list[i];
            }
    }
}

/* Links from host to y on level, replacing host's farthest link when full (*forced then set). */
static void link_from(vg_hnsw_view *v, vg_hnsw_node **nodes, uint32_t host, uint32_t y, int level, int *forced) {
    uint32_t *list = vg_hnsw_node_list(&v->L, nodes[host], level);
    if (list[0] < (uint32_t)vg_hnsw_layout_cap(&v->L, level)) {
        list[1 + list[0]++] = y;
        return;
    }
    vg_hnsw_probe hp;
    vg_hnsw_probe_node(v, nodes[host], v->probe_f ? v->probe_f + v->p.dims : NULL, &hp);
    uint32_t far = 1;
    double far_d = -1.0;
    for (uint32_t i = 1; i <= list[0]; i++) {
        double d = vg_hnsw_dist_node(v, &hp, nodes[list[i]]);
        if (far_d < 0.0 || d > far_d) {
            far_d = d;
            far = i;
        }
    }
    list[far] = y;
    *forced = 1;
}

/* On each level, links every live node the entry no longer reaches from a reachable node near it
 * (found by a search from the entry, which only finds reachable nodes). A forced link may cut
 * another node off, so this repeats, a few rounds at most. */
static int heal(vg_hnsw_view *v, vg_hnsw_node **nodes) {
    unsigned char *reached = vg_malloc(v->n_slots ? v->n_slots : 1);
    uint32_t *queue = vg_malloc((v->n_slots ? v->n_slots : 1) * sizeof *queue);
    int rc = reached && queue ? 0 : (vg_hnsw_view_fail(v, VG_HNSW_NOMEM), -1);
    int forced = 1;
    for (int round = 0; rc == 0 && forced && round < 4; round++) {
        forced = 0;
        for (int l = 0; rc == 0 && l <= v->max_level; l++) {
            memset(reached, 0, v->n_slots);
            size_t head = 0, tail = 0;
            reached[v->entry] = 1;
            queue[tail++] = v->entry;
            spread(v, nodes, l, reached, queue, &head, &tail);
            for (uint32_t y = 0; rc == 0 && y < v->n_slots; y++) {
                if (reached[y] || is_tomb(nodes, y) || nodes[y]->level < l) continue;
                vg_hnsw_probe q;
                vg_hnsw_probe_node(v, nodes[y], v->probe_f, &q);
                uint32_t ep = v->entry;
                for (int k = v->max_level; k > l && ep != VG_HNSW_NO_SLOT; k--) ep = vg_hnsw_greedy(v, &q, ep, k);
                if (ep == VG_HNSW_NO_SLOT || vg_hnsw_search_layer(v, &q, ep, v->p.ef_construction, l, NULL, y) != 0) {
                    rc = -1;
                    break;
                }
                vg_hnsw_heap_sort_items(&v->res);
                uint32_t host = v->entry;
                for (size_t i = 0; i < v->res.count; i++) {
                    uint32_t c = v->res.items[i].slot;
                    if (reached[c]) {
                        host = c;
                        if (vg_hnsw_node_list(&v->L, nodes[c], l)[0] < (uint32_t)vg_hnsw_layout_cap(&v->L, l)) break;
                    }
                }
                link_from(v, nodes, host, y, l, &forced);
                reached[y] = 1;
                queue[tail++] = y;
                spread(v, nodes, l, reached, queue, &head, &tail);
            }
        }
    }
    vg_free(reached);
    vg_free(queue);
    return rc;
}

/* Renumbers the live nodes 0..live-1 in slot order and drops the tombstones. */
static int renumber(vg_hnsw_view *v, vg_hnsw_node **nodes) {
    uint32_t *remap = vg_malloc((v->n_slots ? v->n_slots : 1) * sizeof *remap), live = 0;
    if (!remap) return (vg_hnsw_view_fail(v, VG_HNSW_NOMEM), -1);
    for (uint32_t s = 0; s < v->n_slots; s++) remap[s] = is_tomb(nodes, s) ? VG_HNSW_NO_SLOT : live++;
    /* the private nodes go over to the new numbering, but for the stand-ins of slots this transaction
     * freed, which take_all left out: they go now */
    for (size_t i = 0; i < v->priv.count; i++) {
        uint32_t s = v->priv.slots[i];
        vg_hnsw_node *n = vg_hnsw_privmap_get(&v->priv, s);
        if (n && (n->flags & VG_HNSW_NODE_FREED) && (s >= v->n_slots || nodes[s] != n)) vg_hnsw_node_free(n);
    }
    vg_hnsw_privmap_clear(&v->priv, 0);
    v->n_dirty = 0;
    uint32_t old_n = v->n_slots;
    v->n_slots = live;
    int rc = 0;
    for (uint32_t s = 0; s < old_n; s++) {
        vg_hnsw_node *n = nodes[s];
        if (remap[s] == VG_HNSW_NO_SLOT || rc != 0) {
            vg_hnsw_node_free(n);
            continue;
        }
        n->slot = remap[s];
        for (int l = 0; l <= n->level; l++) {
            uint32_t *list = vg_hnsw_node_list(&v->L, n, l);
            for (uint32_t i = 1; i <= list[0]; i++) list[i] = remap[list[i]];
        }
        if (vg_hnsw_view_put_new(v, n) != 0) rc = -1;
    }
    v->entry = v->entry == VG_HNSW_NO_SLOT ? VG_HNSW_NO_SLOT : remap[v->entry];
    v->changed_all = 1;
    vg_free(remap);
    return rc;
}

vg_hnsw_rc vg_hnsw_optimize(vg_hnsw_view *v, const uint32_t *free_slots, size_t n_free) {
    vg_hnsw_node **nodes = vg_malloc((v->n_slots ? v->n_slots : 1) * sizeof *nodes);
    if (!nodes) return VG_HNSW_NOMEM;
    int rc = take_all(v, nodes, free_slots, n_free);
    if (rc == 0) rc = purge_links(v, nodes);
    if (rc == 0) {
        if (v->entry != VG_HNSW_NO_SLOT && is_tomb(nodes, v->entry)) v->entry = highest_live(v, nodes);
        v->max_level = v->entry == VG_HNSW_NO_SLOT ? -1 : nodes[v->entry]->level;
        if (v->entry != VG_HNSW_NO_SLOT) rc = heal(v, nodes);
    }
    if (rc == 0) rc = renumber(v, nodes);
    vg_free(nodes);
    if (v->error != VG_HNSW_OK) return v->error;
    return rc == 0 ? VG_HNSW_OK : VG_HNSW_NOMEM;
}
