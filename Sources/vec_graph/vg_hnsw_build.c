/* HNSW graph changes over a view: insertion (Malkov & Yashunin, algorithm 1 with the
 * neighbour-selection heuristic of algorithm 4), into a new slot or into the slot of a tombstone (or
 * of an updated node), which is first unlinked from its neighbours (as hnswlib's updatePoint); the
 * tombstone of a deleted node; a node's new rowid. Every node changed goes private and dirty. */
#include <math.h>
#include <string.h>

#include "vg_alloc.h"
#include "vg_hnsw_internal.h"

static uint64_t splitmix64(uint64_t x) {
    x += 0x9e3779b97f4a7c15u;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
    return x ^ (x >> 31);
}

int vg_hnsw_level_for(const vg_hnsw_params *params, int64_t rowid) {
    uint64_t h = splitmix64(params->seed ^ splitmix64((uint64_t)rowid));
    double u = ((double)(h >> 11) + 1.0) / 9007199254740992.0; /* (0, 1] */
    double level = -log(u) / log((double)params->m);
    return level >= VG_HNSW_MAX_LEVEL ? VG_HNSW_MAX_LEVEL : (int)level;
}

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

/* Distance between two nodes by slot into *d. 0, or -1 (v->error set). */
static int node_dist(vg_hnsw_view *v, uint32_t a, uint32_t b, double *d) {
    const vg_hnsw_node *na = vg_hnsw_get(v, a), *nb = na ? vg_hnsw_get(v, b) : NULL;
    if (!nb) return -1;
    *d = vg_hnsw_dist_query(v, vg_hnsw_vec(na), na->norm2, nb);
    return 0;
}

/* The heuristic: walk the candidates (sorted ascending by distance to the base node) and keep one
 * only if it is closer to the base than to every node kept so far, up to max. Then, when keep_at_least
 * asks for more, top up with the nearest candidates the heuristic dropped. Writes list[0] and list[1..].
 * taken has room for n flags. 0, or -1. */
static int select_neighbors(vg_hnsw_view *v, const vg_hnsw_item *c, size_t n, int max, int keep_at_least,
                            uint32_t *list, unsigned char *taken) {
    uint32_t kept = 0;
    memset(taken, 0, n);
    for (size_t i = 0; i < n && kept < (uint32_t)max; i++) {
        int good = 1;
        for (uint32_t j = 0; j < kept && good; j++) {
            double d;
            if (node_dist(v, c[i].slot, list[1 + j], &d) != 0) return -1;
            if (d < c[i].d) good = 0;
        }
        if (good) {
            list[1 + kept++] = c[i].slot;
            taken[i] = 1;
        }
    }
    for (size_t i = 0; i < n && kept < (uint32_t)keep_at_least && kept < (uint32_t)max; i++)
        if (!taken[i]) list[1 + kept++] = c[i].slot;
    list[0] = kept;
    return 0;
}

/* Scratch for one change: candidate items and flags, enough for every list operation below. */
typedef struct scratch {
    vg_hnsw_item *items;
    unsigned char *taken;
    size_t cap;
} scratch;

static int scratch_init(vg_hnsw_view *v, scratch *s) {
    s->cap = (size_t)(2 * v->L.m0 + 2 + (VG_HNSW_MAX_LEVEL + 1) * v->L.m0);
    s->items = vg_malloc(s->cap * sizeof *s->items);
    s->taken = vg_malloc(s->cap);
    if (s->items && s->taken) return 0;
    vg_free(s->items);
    vg_free(s->taken);
    vg_hnsw_view_fail(v, VG_HNSW_NOMEM);
    return -1;
}

static void scratch_free(scratch *s) {
    vg_free(s->items);
    vg_free(s->taken);
}

/* Links slot from host on level: appended when host has room, else in place of host's farthest link,
 * which is then *evicted (VG_HNSW_NO_SLOT when nothing was). */
static int link_from(vg_hnsw_view *v, uint32_t host, uint32_t slot, int level, uint32_t *evicted) {
    *evicted = VG_HNSW_NO_SLOT;
    vg_hnsw_node *h = vg_hnsw_get_mut(v, host);
    if (!h) return -1;
    if (level > h->level) {
        vg_hnsw_view_fail(v, VG_HNSW_CORRUPT);
        return -1;
    }
    uint32_t *list = vg_hnsw_node_list(&v->L, h, level);
    for (uint32_t i = 1; i <= list[0]; i++)
        if (list[i] == slot) return 0;
    if (list[0] < (uint32_t)vg_hnsw_layout_cap(&v->L, level)) {
        list[1 + list[0]++] = slot;
        return 0;
    }
    uint32_t far = 1;
    double far_d = -INFINITY;
    for (uint32_t i = 1; i <= list[0]; i++) {
        double d;
        if (node_dist(v, host, list[i], &d) != 0) return -1;
        if (d > far_d) {
            far_d = d;
            far = i;
        }
    }
    *evicted = list[far];
    list[far] = slot;
    return 0;
}

/* Of the n items (ascending by distance), the first with room on level, else the nearest. */
static int pick_host(vg_hnsw_view *v, const vg_hnsw_item *items, size_t n, int level, uint32_t *host) {
    for (size_t i = 0; i < n; i++) {
        const vg_hnsw_node *h = vg_hnsw_get(v, items[i].slot);
        const uint32_t *list = h ? vg_hnsw_list_at(v, h, level) : NULL;
        if (!list) return -1;
        if (list[0] < (uint32_t)vg_hnsw_layout_cap(&v->L, level)) {
            *host = items[i].slot;
            return 0;
        }
    }
    *host = items[0].slot;
    return 0;
}

/* Whether one of slot's own neighbours on level, other than except, links back to it (1), not (0);
 * -1 on failure. A node with such a link is taken to be still reachable. */
static int linked_back(vg_hnsw_view *v, uint32_t slot, int level, uint32_t except) {
    const vg_hnsw_node *n = vg_hnsw_get(v, slot);
    const uint32_t *list = n ? vg_hnsw_list_at(v, n, level) : NULL;
    if (!list) return -1;
    for (uint32_t i = 1; i <= list[0]; i++) {
        if (list[i] == except) continue;
        const vg_hnsw_node *t = vg_hnsw_get(v, list[i]);
        const uint32_t *back = t ? vg_hnsw_list_at(v, t, level) : NULL;
        if (!back) return -1;
        for (uint32_t j = 1; j <= back[0]; j++)
            if (back[j] == slot) return 1;
    }
    return 0;
}

/* slot may have lost its last in-link on level: links it from the nearest of its own neighbours
 * (except one) with room, else from the nearest, whose farthest link is then *evicted. */
static int relink(vg_hnsw_view *v, uint32_t slot, int level, uint32_t except, scratch *sc, uint32_t *evicted) {
    *evicted = VG_HNSW_NO_SLOT;
    const vg_hnsw_node *n = vg_hnsw_get(v, slot);
    const uint32_t *list = n ? vg_hnsw_list_at(v, n, level) : NULL;
    if (!list) return -1;
    size_t count = 0;
    for (uint32_t i = 1; i <= list[0]; i++) {
        if (list[i] == except) continue;
        double d;
        if (node_dist(v, slot, list[i], &d) != 0) return -1;
        sc->items[count++] = (vg_hnsw_item){d, list[i]};
    }
    if (count == 0) return 0;
    sort_items(sc->items, count);
    uint32_t host;
    return pick_host(v, sc->items, count, level, &host) == 0 ? link_from(v, host, slot, level, evicted) : -1;
}

/* How many orphans one change follows: those a list change dropped, and those each relink evicted. */
#define ORPHANS 320

/* The nodes in orphans (n of them) lost a link on level: each that no neighbour of its own links back
 * to (but except) is linked again; a node a relink pushed out of a full list is checked in turn. */
static int keep_reachable(vg_hnsw_view *v, uint32_t *orphans, size_t n, int level, uint32_t except, scratch *sc) {
    for (size_t i = 0; i < n; i++) {
        if (orphans[i] == except) continue;
        int back = linked_back(v, orphans[i], level, except);
        if (back < 0) return -1;
        uint32_t evicted = VG_HNSW_NO_SLOT;
        if (!back && relink(v, orphans[i], level, except, sc, &evicted) != 0) return -1;
        if (evicted != VG_HNSW_NO_SLOT && n < ORPHANS) orphans[n++] = evicted;
    }
    return 0;
}

/* The slots of old (a list as it was) that list (as it is now) no longer holds, into out. */
static size_t dropped_links(const uint32_t *old, const uint32_t *list, uint32_t *out, size_t room) {
    size_t n = 0;
    for (uint32_t i = 1; i <= old[0] && n < room; i++) {
        int kept = 0;
        for (uint32_t j = 1; j <= list[0] && !kept; j++) kept = list[j] == old[i];
        if (!kept) out[n++] = old[i];
    }
    return n;
}

/* Adds a link n -> s on level; when n's list is full, re-selects it from its links plus s, and keeps
 * the nodes dropped there reachable. */
static int connect(vg_hnsw_view *v, uint32_t n, uint32_t s, int level, scratch *sc) {
    vg_hnsw_node *node = vg_hnsw_get_mut(v, n);
    if (!node) return -1;
    if (level > node->level) {
        vg_hnsw_view_fail(v, VG_HNSW_CORRUPT);
        return -1;
    }
    uint32_t *list = vg_hnsw_node_list(&v->L, node, level);
    int cap = vg_hnsw_layout_cap(&v->L, level);
    if (list[0] < (uint32_t)cap) {
        list[1 + list[0]++] = s;
        return 0;
    }
    uint32_t old[1 + 2 * 128], orphans[ORPHANS];
    memcpy(old, list, (1 + (size_t)list[0]) * sizeof *old);
    vg_hnsw_item *items = sc->items;
    size_t m = 0;
    for (uint32_t i = 1; i <= list[0]; i++) {
        double d;
        if (node_dist(v, n, list[i], &d) != 0) return -1;
        items[m++] = (vg_hnsw_item){d, list[i]};
    }
    double ds;
    if (node_dist(v, n, s, &ds) != 0) return -1;
    items[m++] = (vg_hnsw_item){ds, s};
    sort_items(items, m);
    if (select_neighbors(v, items, m, cap, 0, list, sc->taken) != 0) return -1;
    return keep_reachable(v, orphans, dropped_links(old, list, orphans, 256), level, VG_HNSW_NO_SLOT, sc);
}

/* Appends to items[n..] the slots of list not yet visited, marking them, with their distance to
 * base. Returns the new count, or (size_t)-1. */
static size_t add_candidates(vg_hnsw_view *v, uint32_t base, const uint32_t *list, vg_hnsw_item *items, size_t n) {
    for (uint32_t i = 1; i <= list[0]; i++) {
        uint32_t c = list[i];
        if (v->visited[c] == v->epoch) continue;
        v->visited[c] = v->epoch;
        double d;
        if (node_dist(v, base, c, &d) != 0) return (size_t)-1;
        items[n++] = (vg_hnsw_item){d, c};
    }
    return n;
}

/* p lost its link to x on level: re-selects p's list from its other links and x's links on this
 * level and above (all of which reach this level), topped up with the nearest the heuristic dropped
 * (hnswlib's keepPrunedConnections), and keeps what it dropped reachable. */
static int repair(vg_hnsw_view *v, uint32_t p, uint32_t x, int level, scratch *sc) {
    vg_hnsw_node *pn = vg_hnsw_get_mut(v, p);
    const vg_hnsw_node *xn = pn ? vg_hnsw_get(v, x) : NULL;
    if (!xn || vg_hnsw_new_visit(v) != 0) return -1;
    uint32_t *list = vg_hnsw_node_list(&v->L, pn, level);
    uint32_t old[1 + 2 * 128], orphans[ORPHANS];
    memcpy(old, list, (1 + (size_t)list[0]) * sizeof *old);
    int cap = vg_hnsw_layout_cap(&v->L, level);
    v->visited[p] = v->visited[x] = v->epoch;
    size_t n = add_candidates(v, p, list, sc->items, 0);
    for (int l = level; n != (size_t)-1 && l <= xn->level; l++)
        n = add_candidates(v, p, vg_hnsw_node_list(&v->L, xn, l), sc->items, n);
    if (n == (size_t)-1) return -1;
    sort_items(sc->items, n);
    if (select_neighbors(v, sc->items, n, cap, cap, list, sc->taken) != 0) return -1;
    return keep_reachable(v, orphans, dropped_links(old, list, orphans, 256), level, x, sc);
}

/* Unlinks the node in slot from its neighbourhood before its slot takes a new node: every neighbour
 * that links back to it is repaired, and every neighbour is kept reachable without it. (A node
 * further away may still link to the slot: it then reaches the new node.) */
static int detach(vg_hnsw_view *v, uint32_t slot, scratch *sc) {
    const vg_hnsw_node *x = vg_hnsw_get(v, slot);
    if (!x) return -1;
    int level = x->level;
    uint32_t around[1 + 2 * 128], orphans[ORPHANS];
    for (int l = 0; l <= level; l++) {
        x = vg_hnsw_get(v, slot);
        if (!x) return -1;
        const uint32_t *xl = vg_hnsw_node_list(&v->L, x, l);
        memcpy(around, xl, (1 + (size_t)xl[0]) * sizeof *around);
        for (uint32_t i = 1; i <= around[0]; i++) {
            const vg_hnsw_node *p = vg_hnsw_get(v, around[i]);
            const uint32_t *pl = p ? vg_hnsw_list_at(v, p, l) : NULL;
            if (!pl) return -1;
            int links = 0;
            for (uint32_t j = 1; j <= pl[0] && !links; j++) links = pl[j] == slot;
            if (links && repair(v, around[i], slot, l, sc) != 0) return -1;
        }
        size_t n = 0;
        for (uint32_t i = 1; i <= around[0] && n < 256; i++) orphans[n++] = around[i];
        if (keep_reachable(v, orphans, n, l, slot, sc) != 0) return -1;
    }
    return 0;
}

/* The best results of the last search_layer, nearest first (res is not searched again before use). */
static const vg_hnsw_item *sorted_results(vg_hnsw_view *v, size_t *n) {
    vg_hnsw_heap_sort_items(&v->res);
    *n = v->res.count;
    return v->res.items;
}

/* Links the node in slot (on level) into the graph from entry ep on level top. */
static int link_in(vg_hnsw_view *v, uint32_t slot, int level, uint32_t ep, int top, scratch *sc) {
    vg_hnsw_node *node = vg_hnsw_get_mut(v, slot);
    if (!node) return -1;
    const float *q = vg_hnsw_vec(node);
    float qn = node->norm2;
    for (int l = top; l > level; l--)
        if ((ep = vg_hnsw_greedy(v, q, qn, ep, l)) == VG_HNSW_NO_SLOT) return -1;
    for (int l = level < top ? level : top; l >= 0; l--) {
        if (vg_hnsw_search_layer(v, q, qn, ep, v->p.ef_construction, l, NULL, slot, 0) != 0) return -1;
        size_t n;
        const vg_hnsw_item *found = sorted_results(v, &n);
        /* nothing live within reach on this level (only tombstones): link to them, lest the node be
         * out of reach itself */
        if (n == 0 && vg_hnsw_search_layer(v, q, qn, ep, v->p.ef_construction, l, NULL, slot, 1) != 0) return -1;
        if (n == 0) found = sorted_results(v, &n);
        if (n == 0) continue;
        ep = found[0].slot;
        /* the node's own list: reached again through the map, as the search may have read nodes */
        node = vg_hnsw_get_mut(v, slot);
        if (!node) return -1;
        uint32_t *list = vg_hnsw_node_list(&v->L, node, l);
        if (n > sc->cap) n = sc->cap;
        if (select_neighbors(v, found, n, v->L.m, 0, list, sc->taken) != 0) return -1;
        uint32_t chosen[1 + 128];
        memcpy(chosen, list, (1 + (size_t)list[0]) * sizeof *chosen);
        for (uint32_t i = 1; i <= chosen[0]; i++)
            if (connect(v, chosen[i], slot, l, sc) != 0) return -1;
    }
    return 0;
}

/* The entry to link a node in slot from: the graph's entry, or when slot is the entry itself, the
 * first neighbour on its highest level that has one. *top is that entry's level; VG_HNSW_NO_SLOT
 * when there is nothing to link to. */
static uint32_t link_entry(vg_hnsw_view *v, uint32_t slot, int *top) {
    if (v->entry != slot) {
        const vg_hnsw_node *e = vg_hnsw_get(v, v->entry);
        if (!e) return VG_HNSW_NO_SLOT;
        *top = e->level;
        return v->entry;
    }
    const vg_hnsw_node *x = vg_hnsw_get(v, slot);
    for (int l = x ? x->level : -1; l >= 0; l--) {
        const uint32_t *list = vg_hnsw_node_list(&v->L, x, l);
        if (list[0]) {
            *top = l;
            return list[1];
        }
    }
    return VG_HNSW_NO_SLOT;
}

vg_hnsw_rc vg_hnsw_insert(vg_hnsw_view *v, uint32_t slot, int64_t rowid, const float *vec) {
    scratch sc;
    if (slot > v->n_slots || scratch_init(v, &sc) != 0) return slot > v->n_slots ? VG_HNSW_CORRUPT : v->error;
    int rc = 0, level, top = -1;
    uint32_t ep = VG_HNSW_NO_SLOT;
    if (slot == v->n_slots) {
        level = vg_hnsw_level_for(&v->p, rowid);
        vg_hnsw_node *n = vg_hnsw_node_new(&v->L, level, slot);
        if (!n) rc = (vg_hnsw_view_fail(v, VG_HNSW_NOMEM), -1);
        if (rc == 0) {
            v->n_slots++;
            rc = vg_hnsw_view_put_new(v, n);
        }
        if (rc == 0 && v->entry != VG_HNSW_NO_SLOT) ep = link_entry(v, slot, &top);
    } else {
        const vg_hnsw_node *old = vg_hnsw_get(v, slot);
        rc = old ? 0 : -1;
        level = old ? old->level : 0;
        if (rc == 0) ep = link_entry(v, slot, &top);
        if (rc == 0 && v->error == VG_HNSW_OK) rc = detach(v, slot, &sc);
    }
    vg_hnsw_node *n = rc == 0 && v->error == VG_HNSW_OK ? vg_hnsw_get_mut(v, slot) : NULL;
    if (n && vg_hnsw_view_content_changed(v, slot) != 0) n = NULL;
    if (n) {
        memcpy(vg_hnsw_node_vec(n), vec, (size_t)v->p.dims * sizeof(float));
        n->rowid = rowid;
        n->norm2 = vg_hnsw_norm2(v, vec);
        n->flags &= (uint8_t)~VG_HNSW_NODE_TOMBSTONE;
        for (int l = 0; l <= n->level; l++) vg_hnsw_node_list(&v->L, n, l)[0] = 0;
        if (v->entry == VG_HNSW_NO_SLOT) {
            v->entry = slot;
            v->max_level = level;
        } else if (ep != VG_HNSW_NO_SLOT) {
            rc = link_in(v, slot, level, ep, top, &sc);
        }
        if (rc == 0 && v->entry != slot && level > top) {
            v->entry = slot;
            v->max_level = level;
        }
    }
    scratch_free(&sc);
    if (v->error != VG_HNSW_OK) return v->error;
    return n && rc == 0 ? VG_HNSW_OK : VG_HNSW_NOMEM;
}

vg_hnsw_rc vg_hnsw_tombstone(vg_hnsw_view *v, uint32_t slot) {
    vg_hnsw_node *n = vg_hnsw_get_mut(v, slot);
    if (!n || vg_hnsw_view_content_changed(v, slot) != 0) return v->error;
    n->flags |= VG_HNSW_NODE_TOMBSTONE;
    return VG_HNSW_OK;
}

vg_hnsw_rc vg_hnsw_set_rowid(vg_hnsw_view *v, uint32_t slot, int64_t rowid) {
    vg_hnsw_node *n = vg_hnsw_get_mut(v, slot);
    if (!n || vg_hnsw_view_content_changed(v, slot) != 0) return v->error;
    n->rowid = rowid;
    return VG_HNSW_OK;
}
