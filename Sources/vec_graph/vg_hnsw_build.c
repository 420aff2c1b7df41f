/* HNSW graph changes over a view: insertion (Malkov & Yashunin, algorithm 1 with the
 * neighbour-selection heuristic of algorithm 4) into a new or a freed slot; the tombstone of a
 * deleted node; a node's new rowid; and cleaning, which takes the links to a purge cycle's tombstones
 * out of one node's lists (vg_hnsw_clean), and the relinking of what a tombstone about to be freed
 * links to (vg_hnsw_before_free). Every change keeps the nodes it unlinks reachable where it can tell
 * they may not be. Every node changed goes private and dirty. */
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

/* Distance between two nodes by slot into *d (f16: a through the view's second float32 scratch). 0,
 * or -1 (v->error set). */
static int node_dist(vg_hnsw_view *v, uint32_t a, uint32_t b, double *d) {
    const vg_hnsw_node *na = vg_hnsw_get(v, a), *nb = na ? vg_hnsw_get(v, b) : NULL;
    if (!nb) return -1;
    vg_hnsw_probe p;
    vg_hnsw_probe_node(v, na, v->probe_f ? v->probe_f + v->p.dims : NULL, &p);
    *d = vg_hnsw_dist_node(v, &p, nb);
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
    s->items = NULL; /* the caller frees what is left */
    s->taken = NULL;
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

/* A tombstone of another purge cycle than the current one, whose links are being taken out (or a
 * freed slot, which nothing should link to). */
static int is_target(const vg_hnsw_node *n, uint16_t cycle, int all) {
    return (n->flags & VG_HNSW_NODE_FREED) || ((n->flags & VG_HNSW_NODE_TOMBSTONE) && (all || n->cycle != cycle));
}

/* Gathers into items p's links on level that are not targets, and the nodes that are not targets
 * behind its target links (breadth-first through targets, a bounded number of them), each with its
 * distance to p. Returns the count, or (size_t)-1 on failure. */
static size_t gather(vg_hnsw_view *v, uint32_t p, int level, uint16_t cycle, int all, scratch *sc) {
    enum { THROUGH = 16 };
    uint32_t queue[THROUGH + 1];
    size_t n = 0, head = 0, tail = 0;
    if (vg_hnsw_new_visit(v) != 0) return (size_t)-1;
    v->visited[p] = v->epoch;
    queue[tail++] = p;
    while (head < tail) {
        const vg_hnsw_node *at = vg_hnsw_get(v, queue[head++]);
        if (!at) return (size_t)-1;
        if (level > at->level) continue;
        const uint32_t *list = vg_hnsw_node_list(&v->L, at, level);
        for (uint32_t i = 1; i <= list[0] && n < sc->cap; i++) {
            uint32_t t = list[i];
            if (v->visited[t] == v->epoch) continue;
            v->visited[t] = v->epoch;
            const vg_hnsw_node *tn = vg_hnsw_get(v, t);
            if (!tn) return (size_t)-1;
            if (is_target(tn, cycle, all)) {
                if (tail <= THROUGH) queue[tail++] = t;
            } else if (tn->level >= level) {
                double d;
                if (node_dist(v, p, t, &d) != 0) return (size_t)-1;
                sc->items[n++] = (vg_hnsw_item){d, t};
            }
        }
    }
    return n;
}

/* Whether one of slot's own live neighbours on level links back to it (1), not (0); -1 on failure. A
 * node with such a link is taken to be still reachable; a link from a tombstone does not count, as it
 * goes when the tombstone is freed. */
static int linked_back(vg_hnsw_view *v, uint32_t slot, int level) {
    const vg_hnsw_node *n = vg_hnsw_get(v, slot);
    const uint32_t *list = n ? vg_hnsw_list_at(v, n, level) : NULL;
    if (!list) return -1;
    for (uint32_t i = 1; i <= list[0]; i++) {
        const vg_hnsw_node *t = vg_hnsw_get(v, list[i]);
        const uint32_t *back = t ? vg_hnsw_list_at(v, t, level) : NULL;
        if (!back) return -1;
        if (t->flags & (VG_HNSW_NODE_TOMBSTONE | VG_HNSW_NODE_FREED)) continue;
        for (uint32_t j = 1; j <= back[0]; j++)
            if (back[j] == slot) return 1;
    }
    return 0;
}

/* slot may have lost its last in-link on level: links it from the nearest live node near it (its own
 * live neighbours and those behind its tombstone neighbours) with room, else from the nearest, whose
 * farthest link is then *evicted. */
static int relink(vg_hnsw_view *v, uint32_t slot, int level, scratch *sc, uint32_t *evicted) {
    *evicted = VG_HNSW_NO_SLOT;
    /* a tombstone host would take the link with it when it is purged */
    size_t count = gather(v, slot, level, 0, 1, sc);
    if (count == (size_t)-1) return -1;
    if (count == 0) return 0;
    sort_items(sc->items, count);
    uint32_t host;
    return pick_host(v, sc->items, count, level, &host) == 0 ? link_from(v, host, slot, level, evicted) : -1;
}

/* How many orphans one change follows: those a list change dropped, and those each relink evicted. */
#define ORPHANS 320

/* The nodes in orphans (n of them) lost a link on level: each live one that no live neighbour of its
 * own links back to is linked again; a node a relink pushed out of a full list is checked in turn. */
static int keep_reachable(vg_hnsw_view *v, uint32_t *orphans, size_t n, int level, scratch *sc) {
    for (size_t i = 0; i < n; i++) {
        /* a tombstone is never a result, and a purge must not find a new link to it */
        const vg_hnsw_node *o = vg_hnsw_get(v, orphans[i]);
        if (!o) return -1;
        if (o->flags & (VG_HNSW_NODE_TOMBSTONE | VG_HNSW_NODE_FREED)) continue;
        int back = linked_back(v, orphans[i], level);
        if (back < 0) return -1;
        uint32_t evicted = VG_HNSW_NO_SLOT;
        if (!back && relink(v, orphans[i], level, sc, &evicted) != 0) return -1;
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
    return keep_reachable(v, orphans, dropped_links(old, list, orphans, 256), level, sc);
}

vg_hnsw_rc vg_hnsw_clean(vg_hnsw_view *v, uint32_t slot, uint16_t cycle, int all) {
    const vg_hnsw_node *p = vg_hnsw_get(v, slot);
    if (!p) return v->error;
    scratch sc = {NULL, NULL, 0};
    int rc = 0;
    for (int l = 0; rc == 0 && l <= p->level; l++) {
        const uint32_t *list = vg_hnsw_node_list(&v->L, p, l);
        int has = 0;
        for (uint32_t i = 1; i <= list[0] && !has && rc == 0; i++) {
            const vg_hnsw_node *t = vg_hnsw_get(v, list[i]);
            if (!t) rc = -1;
            else has = is_target(t, cycle, all);
        }
        if (rc != 0 || !has) continue;
        if (!sc.items && scratch_init(v, &sc) != 0) break;
        /* re-select the list from what it kept and what was behind the targets, topped up to its
         * room with the nearest the heuristic dropped (hnswlib's keepPrunedConnections) */
        uint32_t old[1 + 2 * 128], orphans[ORPHANS];
        memcpy(old, list, (1 + (size_t)list[0]) * sizeof *old);
        size_t n = gather(v, slot, l, cycle, all, &sc);
        vg_hnsw_node *pn = n == (size_t)-1 ? NULL : vg_hnsw_get_mut(v, slot);
        if (!pn) {
            rc = -1;
            break;
        }
        sort_items(sc.items, n);
        int cap = vg_hnsw_layout_cap(&v->L, l);
        uint32_t *mut = vg_hnsw_node_list(&v->L, pn, l);
        if (select_neighbors(v, sc.items, n, cap, (int)old[0], mut, sc.taken) != 0) rc = -1;
        /* what it dropped must stay reachable (the tombstones among it need not) */
        if (rc == 0) rc = keep_reachable(v, orphans, dropped_links(old, mut, orphans, 256), l, &sc);
        p = vg_hnsw_get(v, slot);
        if (!p) rc = -1;
    }
    if (sc.items) scratch_free(&sc);
    if (v->error != VG_HNSW_OK) return v->error;
    return rc == 0 ? VG_HNSW_OK : VG_HNSW_NOMEM;
}

vg_hnsw_rc vg_hnsw_before_free(vg_hnsw_view *v, uint32_t slot) {
    const vg_hnsw_node *t = vg_hnsw_get(v, slot);
    if (!t) return v->error;
    int top = t->level, rc = 0;
    scratch sc = {NULL, NULL, 0};
    for (int l = 0; rc == 0 && l <= top; l++) {
        t = vg_hnsw_get(v, slot);
        const uint32_t *list = t ? vg_hnsw_list_at(v, t, l) : NULL;
        if (!list) {
            rc = -1;
            break;
        }
        if (list[0] == 0) continue;
        if (!sc.items && scratch_init(v, &sc) != 0) break;
        uint32_t orphans[ORPHANS];
        size_t n = list[0] < 256 ? list[0] : 256;
        memcpy(orphans, list + 1, n * sizeof *orphans);
        rc = keep_reachable(v, orphans, n, l, &sc);
    }
    if (sc.items) scratch_free(&sc);
    if (v->error != VG_HNSW_OK) return v->error;
    return rc == 0 ? VG_HNSW_OK : VG_HNSW_NOMEM;
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
    /* the node is private for the whole change, so its code stays where the probe points */
    vg_hnsw_probe q;
    vg_hnsw_probe_node(v, node, v->probe_f, &q);
    for (int l = top; l > level; l--)
        if ((ep = vg_hnsw_greedy(v, &q, ep, l)) == VG_HNSW_NO_SLOT) return -1;
    for (int l = level < top ? level : top; l >= 0; l--) {
        if (vg_hnsw_search_layer(v, &q, ep, v->p.ef_construction, l, NULL, slot) != 0) return -1;
        size_t n;
        const vg_hnsw_item *found = sorted_results(v, &n);
        if (n == 0) continue; /* nothing live within reach on this level */
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

vg_hnsw_rc vg_hnsw_insert(vg_hnsw_view *v, uint32_t slot, int64_t rowid, const void *code, int alone) {
    if (slot > v->n_slots) return VG_HNSW_CORRUPT;
    scratch sc;
    if (scratch_init(v, &sc) != 0) return v->error;
    int level = vg_hnsw_level_for(&v->p, rowid), top = -1, rc = 0;
    uint32_t ep = VG_HNSW_NO_SLOT;
    /* the entry point to link from (none when no live node is left: the new one takes over) */
    if (v->entry != VG_HNSW_NO_SLOT && !alone) {
        const vg_hnsw_node *e = vg_hnsw_get(v, v->entry);
        if (e) {
            ep = v->entry;
            top = e->level;
        }
    }
    vg_hnsw_node *n = v->error == VG_HNSW_OK ? vg_hnsw_node_new(&v->L, level, slot) : NULL;
    if (!n && v->error == VG_HNSW_OK) vg_hnsw_view_fail(v, VG_HNSW_NOMEM);
    if (n) {
        memcpy(vg_hnsw_node_code(n), code, v->L.code_bytes);
        n->rowid = rowid;
        vg_hnsw_node_measure(&v->L, n, v->p.metric == VG_HNSW_COSINE, v->k);
        if (slot == v->n_slots) v->n_slots++;
        if (vg_hnsw_view_put_new(v, n) != 0 || vg_hnsw_view_content_changed(v, slot) != 0) n = NULL;
    }
    if (n && ep != VG_HNSW_NO_SLOT) rc = link_in(v, slot, level, ep, top, &sc);
    if (n && rc == 0 && (ep == VG_HNSW_NO_SLOT || level > top)) {
        v->entry = slot;
        v->max_level = level;
    }
    scratch_free(&sc);
    if (v->error != VG_HNSW_OK) return v->error;
    return n && rc == 0 ? VG_HNSW_OK : VG_HNSW_NOMEM;
}

vg_hnsw_rc vg_hnsw_tombstone(vg_hnsw_view *v, uint32_t slot, uint16_t cycle) {
    vg_hnsw_node *n = vg_hnsw_get_mut(v, slot);
    if (!n || vg_hnsw_view_content_changed(v, slot) != 0) return v->error;
    n->flags |= VG_HNSW_NODE_TOMBSTONE;
    n->cycle = cycle;
    return VG_HNSW_OK;
}

vg_hnsw_rc vg_hnsw_set_rowid(vg_hnsw_view *v, uint32_t slot, int64_t rowid) {
    vg_hnsw_node *n = vg_hnsw_get_mut(v, slot);
    if (!n || vg_hnsw_view_content_changed(v, slot) != 0) return v->error;
    n->rowid = rowid;
    return VG_HNSW_OK;
}
