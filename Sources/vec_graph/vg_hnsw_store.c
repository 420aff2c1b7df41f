/* The store: the nodes of one index that the connections of one process have read, shared by them.
 *
 * Each node carries the generation it was read at; the store is current for one generation (gen).
 * A node is taken only when it was read at the store's generation, and a change log entry for a new
 * generation removes the nodes of the slots it changed. So a node in the store reflects its slot from
 * the generation it was read at up to the store's: a reader whose snapshot is at or after that
 * generation may use it (vg_hnsw_get checks node->gen <= snapshot), and an older reader reads the
 * slot itself. Readers never lock to read a node: they pin an epoch (vg_hnsw_store_pin), and what is
 * removed is freed only once every reader that could still see it has left (two-epoch reclamation).
 * Memory is bounded by a budget: past it, a clock sweep evicts nodes not used since its last pass. */
#include <stdlib.h>
#include <string.h>

#include "vg_alloc.h"
#include "vg_hnsw_internal.h"

static vg_hnsw_slots *slots_new(uint32_t cap) {
    vg_hnsw_slots *a = vg_calloc(1, sizeof *a + (size_t)cap * sizeof a->node[0]);
    if (a) a->cap = cap;
    return a;
}

vg_hnsw_store *vg_hnsw_store_new(const vg_hnsw_params *params, int64_t gen, size_t budget) {
    vg_hnsw_store *s = vg_calloc(1, sizeof *s);
    if (!s) return NULL;
    s->p = *params;
    vg_hnsw_layout_init(&s->L, params);
    s->gen = gen;
    s->budget = budget;
    s->mu = vg_mutex_new();
    s->slots = slots_new(64);
    if (!s->mu || !s->slots) {
        vg_free(s->slots);
        if (s->mu) vg_mutex_free(s->mu);
        vg_free(s);
        return NULL;
    }
    return s;
}

static void release(vg_hnsw_retired *r) {
    r->bytes = 0;
    while (r->nodes) {
        vg_hnsw_node *n = r->nodes;
        r->nodes = n->retired_next;
        vg_hnsw_node_free(n);
    }
    while (r->arrays) {
        vg_hnsw_slots *a = r->arrays;
        r->arrays = a->retired_next;
        vg_free(a);
    }
    while (r->flats) {
        vg_hnsw_flat *f = r->flats;
        r->flats = f->retired_next;
        vg_hnsw_flat_free(f);
    }
}

void vg_hnsw_store_free(vg_hnsw_store *s) {
    if (!s) return;
    release(&s->retired[0]);
    release(&s->retired[1]);
    for (uint32_t i = 0; i < s->slots->cap; i++) vg_hnsw_node_free(s->slots->node[i]);
    vg_free(s->slots);
    vg_hnsw_flat_free(s->flat);
    vg_free(s->changes);
    vg_mutex_free(s->mu);
    vg_free(s);
}

/* Under the lock: frees the other epoch's list once nobody is left in it, and makes it current. */
static void try_flip(vg_hnsw_store *s) {
    int other = 1 - s->epoch;
    if (s->active[other] != 0) return;
    release(&s->retired[other]);
    s->epoch = other;
    if (s->active[1 - other] == 0) {
        /* nobody reads at all: the list just filled can go too */
        release(&s->retired[1 - other]);
    }
}

/* The bytes a node in the store holds: itself and the original kept beside it. */
static size_t held_bytes(const vg_hnsw_store *s, const vg_hnsw_node *n) {
    return n->bytes + (n->original ? 4 * (size_t)s->p.dims : 0);
}

/* Under the lock: takes slot's node out of the array into the current epoch's list. */
static void retire_slot(vg_hnsw_store *s, uint32_t slot) {
    vg_hnsw_node *n = s->slots->node[slot];
    if (!n) return;
    vg_atomic_store_ptr(&s->slots->node[slot], NULL);
    n->retired_next = s->retired[s->epoch].nodes;
    s->retired[s->epoch].nodes = n;
    s->used -= held_bytes(s, n);
    s->retired[s->epoch].bytes += held_bytes(s, n);
    s->count--;
}

static void retire_flat(vg_hnsw_store *s) {
    if (!s->flat) return;
    s->flat->retired_next = s->retired[s->epoch].flats;
    s->retired[s->epoch].flats = s->flat;
    s->used -= s->flat->bytes;
    s->flat = NULL;
    s->n_changes = 0;
}

/* Under the lock: evicts by the clock until the nodes fit in room bytes (two passes at most). */
static void evict_to(vg_hnsw_store *s, size_t room) {
    uint32_t cap = s->slots->cap;
    for (uint64_t steps = 0; s->used > room && s->count && steps < 2ull * cap; steps++) {
        uint32_t h = s->hand;
        s->hand = h + 1 < cap ? h + 1 : 0;
        vg_hnsw_node *n = s->slots->node[h];
        if (!n) continue;
        if (vg_atomic_load_u8(&n->ref)) {
            vg_atomic_store_u8(&n->ref, 0);
            continue;
        }
        retire_slot(s, h);
        s->evictions++;
    }
}

/* Under the lock: makes the array hold slot, retiring the old one. 0, or -1 when out of memory. */
static int reserve(vg_hnsw_store *s, uint32_t slot) {
    if (slot < s->slots->cap) return 0;
    uint32_t cap = s->slots->cap;
    while (cap <= slot) cap = cap > UINT32_MAX / 2 ? UINT32_MAX : cap * 2;
    vg_hnsw_slots *a = slots_new(cap);
    if (!a) return -1;
    memcpy(a->node, s->slots->node, (size_t)s->slots->cap * sizeof a->node[0]);
    vg_hnsw_slots *old = s->slots;
    vg_atomic_store_ptr(&s->slots, a);
    old->retired_next = s->retired[s->epoch].arrays;
    s->retired[s->epoch].arrays = old;
    return 0;
}

void vg_hnsw_store_pin(vg_hnsw_store *s, vg_hnsw_pin *pin) {
    vg_mutex_enter(s->mu);
    pin->epoch = s->epoch;
    s->active[pin->epoch]++;
    pin->slots = s->slots;
    pin->held = 1;
    vg_mutex_leave(s->mu);
}

void vg_hnsw_store_unpin(vg_hnsw_store *s, vg_hnsw_pin *pin) {
    if (!pin->held) return;
    vg_mutex_enter(s->mu);
    s->active[pin->epoch]--;
    try_flip(s);
    vg_mutex_leave(s->mu);
    pin->held = 0;
    pin->slots = NULL;
}

/* Under the lock: puts n into its slot if the store wants it; returns the node now there for n's
 * generation (n, or one another reader put first, n then freed), or NULL. */
static vg_hnsw_node *take(vg_hnsw_store *s, vg_hnsw_node *n, int64_t gen) {
    if (gen != s->gen || n->bytes > s->budget / 4 || reserve(s, n->slot) != 0) return NULL;
    vg_hnsw_node *there = s->slots->node[n->slot];
    if (there) {
        vg_hnsw_node_free(n);
        return there;
    }
    if (s->used + n->bytes > s->budget) evict_to(s, s->budget - s->budget / 8 - n->bytes);
    n->gen = gen;
    n->ref = 1;
    n->retired_next = NULL;
    n->flags &= (uint8_t)~VG_HNSW_NODE_DIRTY;
    vg_atomic_store_ptr(&s->slots->node[n->slot], n);
    s->used += n->bytes;
    s->count++;
    return n;
}

vg_hnsw_node *vg_hnsw_store_publish(vg_hnsw_store *s, vg_hnsw_pin *pin, vg_hnsw_node *n, int64_t gen) {
    vg_mutex_enter(s->mu);
    vg_hnsw_node *got = take(s, n, gen);
    pin->slots = s->slots;
    vg_mutex_leave(s->mu);
    return got;
}

void vg_hnsw_store_keep_original(vg_hnsw_store *s, vg_hnsw_node *n, const float *values) {
    size_t bytes = 4 * (size_t)s->p.dims;
    vg_mutex_enter(s->mu);
    if (s->used + bytes > s->budget && bytes <= s->budget / 8) evict_to(s, s->budget - s->budget / 8 - bytes);
    if (n->slot < s->slots->cap && s->slots->node[n->slot] == n && !n->original && s->used + bytes <= s->budget) {
        float *copy = vg_malloc(bytes);
        if (copy) {
            memcpy(copy, values, bytes);
            vg_atomic_store_ptr(&n->original, copy);
            s->used += bytes;
        }
    }
    vg_mutex_leave(s->mu);
}

void vg_hnsw_store_set_budget(vg_hnsw_store *s, size_t budget) {
    vg_mutex_enter(s->mu);
    s->budget = budget;
    if (s->flat && s->flat->bytes > budget / 2) retire_flat(s);
    if (s->used > budget) evict_to(s, budget - budget / 8);
    try_flip(s);
    vg_mutex_leave(s->mu);
}

int64_t vg_hnsw_store_generation(vg_hnsw_store *s) {
    vg_mutex_enter(s->mu);
    int64_t gen = s->gen;
    vg_mutex_leave(s->mu);
    return gen;
}

/* Under the lock: the change from s->gen to gen (= s->gen + 1, or anything with all). */
static void apply(vg_hnsw_store *s, int64_t gen, const vg_hnsw_delta *d) {
    if (d->all) {
        for (uint32_t i = 0; i < s->slots->cap; i++) retire_slot(s, i);
    } else {
        for (size_t i = 0; i < d->n; i++)
            if (d->slots[i] < s->slots->cap) retire_slot(s, d->slots[i]);
    }
    if (s->flat && (d->all_content || s->n_changes + d->n_content > (size_t)s->flat->n / 16 + 64)) retire_flat(s);
    if (s->flat && s->n_changes + d->n_content > s->cap_changes) {
        size_t cap = s->cap_changes ? s->cap_changes * 2 : 256;
        while (cap < s->n_changes + d->n_content) cap *= 2;
        vg_hnsw_change *c = vg_realloc(s->changes, cap * sizeof *c);
        if (c) {
            s->changes = c;
            s->cap_changes = cap;
        } else {
            retire_flat(s);
        }
    }
    for (size_t i = 0; s->flat && i < d->n_content; i++) s->changes[s->n_changes++] = (vg_hnsw_change){gen, d->content[i]};
    s->gen = gen;
    try_flip(s);
}

vg_hnsw_rc vg_hnsw_store_apply(vg_hnsw_store *s, int64_t gen, const vg_hnsw_delta *d) {
    vg_hnsw_rc rc = VG_HNSW_OK;
    vg_mutex_enter(s->mu);
    if (gen <= s->gen) {
        /* applied already, by this or another reader */
    } else if (gen != s->gen + 1 && !d->all) {
        rc = VG_HNSW_STALE;
    } else {
        apply(s, gen, d);
    }
    vg_mutex_leave(s->mu);
    return rc;
}

void vg_hnsw_store_commit(vg_hnsw_store *s, int64_t base, const vg_hnsw_delta *d, vg_hnsw_node **nodes,
                          size_t count) {
    vg_mutex_enter(s->mu);
    int current = s->gen == base;
    if (current) apply(s, base + 1, d);
    for (size_t i = 0; i < count; i++) {
        vg_hnsw_node *got = current ? take(s, nodes[i], base + 1) : NULL;
        if (!got) vg_hnsw_node_free(nodes[i]);
    }
    vg_mutex_leave(s->mu);
}

int vg_hnsw_store_put_flat(vg_hnsw_store *s, vg_hnsw_flat *f) {
    vg_mutex_enter(s->mu);
    int taken = f->gen == s->gen && f->bytes <= s->budget / 2 && !(s->flat && s->flat->gen >= f->gen);
    if (taken) {
        retire_flat(s);
        if (s->used + f->bytes > s->budget) evict_to(s, s->budget - f->bytes);
        s->flat = f;
        s->used += f->bytes;
        s->n_changes = 0;
    }
    vg_mutex_leave(s->mu);
    return taken;
}

static int compare_slots(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

const vg_hnsw_flat *vg_hnsw_store_flat_for(vg_hnsw_store *s, int64_t gen, const vg_hnsw_slotset *also,
                                           uint32_t **skip, size_t *n_skip, vg_hnsw_rc *rc) {
    *skip = NULL;
    *n_skip = 0;
    *rc = VG_HNSW_OK;
    vg_mutex_enter(s->mu);
    vg_hnsw_flat *f = s->flat;
    if (f && (f->gen > gen || gen > s->gen)) f = NULL;
    size_t n = 0;
    uint32_t *list = NULL;
    if (f) {
        list = vg_malloc((s->n_changes + also->count + 1) * sizeof *list);
        if (!list) {
            *rc = VG_HNSW_NOMEM;
            f = NULL;
        }
    }
    for (size_t i = 0; f && i < s->n_changes; i++)
        if (s->changes[i].gen <= gen) list[n++] = s->changes[i].slot;
    vg_mutex_leave(s->mu);
    if (!f) return NULL;
    for (size_t i = 0; i < also->count; i++) list[n++] = also->items[i];
    qsort(list, n, sizeof *list, compare_slots);
    size_t j = 0;
    for (size_t i = 0; i < n; i++)
        if (j == 0 || list[j - 1] != list[i]) list[j++] = list[i];
    *skip = list;
    *n_skip = j;
    return f;
}

void vg_hnsw_store_stats_get(vg_hnsw_store *s, vg_hnsw_store_stats *out) {
    vg_mutex_enter(s->mu);
    out->nodes = s->count;
    out->node_bytes = s->used - (s->flat ? s->flat->bytes : 0);
    out->flat_bytes = s->flat ? s->flat->bytes : 0;
    out->budget = s->budget;
    out->retired = s->retired[0].bytes + s->retired[1].bytes;
    out->generation = s->gen;
    out->loads = out->hits = 0;
    out->evictions = s->evictions;
    vg_mutex_leave(s->mu);
}
