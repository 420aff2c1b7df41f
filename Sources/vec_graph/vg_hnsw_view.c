/* One connection's view of an index: its snapshot, the private nodes of its write transaction, and
 * the read path that finds a node in the private map, the shared store, or the source. */
#include <stdlib.h>
#include <string.h>

#include "vg_alloc.h"
#include "vg_hnsw_internal.h"

vg_hnsw_view *vg_hnsw_view_new(const vg_hnsw_params *params, const vg_kernels *k, vg_hnsw_store *store,
                               vg_hnsw_source source) {
    vg_hnsw_view *v = vg_calloc(1, sizeof *v);
    if (!v) return NULL;
    v->p = *params;
    vg_hnsw_layout_init(&v->L, params);
    v->k = k;
    v->store = store;
    v->source = source;
    v->entry = VG_HNSW_NO_SLOT;
    v->max_level = -1;
    v->res.max = 1;
    v->fresh = vg_malloc((size_t)v->L.m0 * sizeof *v->fresh);
    v->probe_code = vg_malloc(v->L.code_bytes);
    v->probe_f = params->storage == VG_ELEM_F16 ? vg_malloc(2 * (size_t)params->dims * sizeof(float)) : NULL;
    if (!v->fresh || !v->probe_code || (params->storage == VG_ELEM_F16 && !v->probe_f)) {
        vg_free(v->fresh);
        vg_free(v->probe_code);
        vg_free(v->probe_f);
        vg_free(v);
        return NULL;
    }
    return v;
}

void vg_hnsw_view_free(vg_hnsw_view *v) {
    if (!v) return;
    vg_hnsw_view_end(v);
    vg_hnsw_privmap_free(&v->priv);
    vg_hnsw_slotset_free(&v->changed);
    vg_hnsw_slotset_free(&v->content);
    vg_free(v->dirty);
    vg_free(v->visited);
    vg_free(v->fresh);
    vg_free(v->probe_code);
    vg_free(v->probe_f);
    vg_hnsw_heap_free(&v->cand);
    vg_hnsw_heap_free(&v->res);
    vg_free(v);
}

vg_hnsw_rc vg_hnsw_view_snapshot(vg_hnsw_view *v, int64_t gen, uint32_t n_slots, uint32_t entry) {
    if (!v->in_txn && gen != v->gen) vg_hnsw_privmap_clear(&v->priv, 1);
    v->gen = gen;
    v->n_slots = n_slots;
    v->entry = entry;
    v->max_level = entry == VG_HNSW_NO_SLOT ? -1 : -2; /* -2: the entry's level, read on first use */
    v->error = VG_HNSW_OK;
    return VG_HNSW_OK;
}

int64_t vg_hnsw_view_generation(const vg_hnsw_view *v) {
    return v->gen;
}

uint32_t vg_hnsw_view_slots(const vg_hnsw_view *v) {
    return v->n_slots;
}

uint32_t vg_hnsw_view_entry(const vg_hnsw_view *v) {
    return v->entry;
}

void vg_hnsw_view_begin(vg_hnsw_view *v) {
    v->error = VG_HNSW_OK;
    if (v->store && !v->pin.held) vg_hnsw_store_pin(v->store, &v->pin);
}

void vg_hnsw_view_end(vg_hnsw_view *v) {
    if (v->store) vg_hnsw_store_unpin(v->store, &v->pin);
}

void *vg_hnsw_view_fail(vg_hnsw_view *v, vg_hnsw_rc rc) {
    if (v->error == VG_HNSW_OK) v->error = rc;
    return NULL;
}

vg_hnsw_rc vg_hnsw_view_error(const vg_hnsw_view *v) {
    return v->error;
}

const float *vg_hnsw_view_original(vg_hnsw_view *v, uint32_t slot) {
    if (vg_hnsw_privmap_get(&v->priv, slot)) return NULL;
    vg_hnsw_node *n = vg_hnsw_shared_node(v, slot);
    return n ? vg_atomic_load_ptr(&n->original) : NULL;
}

void vg_hnsw_view_keep_original(vg_hnsw_view *v, uint32_t slot, int64_t rowid, const float *values) {
    if (vg_hnsw_privmap_get(&v->priv, slot)) return;
    vg_hnsw_node *n = vg_hnsw_shared_node(v, slot);
    if (n && n->rowid == rowid && !(n->flags & (VG_HNSW_NODE_TOMBSTONE | VG_HNSW_NODE_FREED)))
        vg_hnsw_store_keep_original(v->store, n, values);
}

const vg_hnsw_node *vg_hnsw_view_miss(vg_hnsw_view *v, uint32_t slot) {
    if (v->error != VG_HNSW_OK) return NULL;
    if (slot >= v->n_slots) return vg_hnsw_view_fail(v, VG_HNSW_CORRUPT);
    vg_hnsw_node *n = NULL;
    vg_hnsw_rc rc = v->source.load(v->source.ctx, slot, &n);
    if (rc != VG_HNSW_OK) return vg_hnsw_view_fail(v, rc);
    n->slot = slot;
    if (v->store && v->pin.held && !vg_hnsw_slotset_has(&v->changed, slot)) {
        vg_hnsw_node *shared = vg_hnsw_store_publish(v->store, &v->pin, n, v->gen);
        if (shared) return shared;
    }
    if (vg_hnsw_privmap_put(&v->priv, slot, n, v->n_slots) != 0) {
        vg_hnsw_node_free(n);
        return vg_hnsw_view_fail(v, VG_HNSW_NOMEM);
    }
    return n;
}

const vg_hnsw_node *vg_hnsw_view_node(vg_hnsw_view *v, uint32_t slot) {
    return vg_hnsw_get(v, slot);
}

static int mark_dirty(vg_hnsw_view *v, vg_hnsw_node *n) {
    if (n->flags & VG_HNSW_NODE_DIRTY) return 0;
    if (v->n_dirty == v->cap_dirty) {
        size_t cap = v->cap_dirty ? 2 * v->cap_dirty : 64;
        uint32_t *d = vg_realloc(v->dirty, cap * sizeof *d);
        if (!d) return -1;
        v->dirty = d;
        v->cap_dirty = cap;
    }
    if (vg_hnsw_slotset_add(&v->changed, n->slot) != 0) return -1;
    v->dirty[v->n_dirty++] = n->slot;
    n->flags |= VG_HNSW_NODE_DIRTY;
    return 0;
}

vg_hnsw_node *vg_hnsw_get_mut(vg_hnsw_view *v, uint32_t slot) {
    vg_hnsw_node *n = vg_hnsw_privmap_get(&v->priv, slot);
    if (!n) {
        const vg_hnsw_node *src = vg_hnsw_get(v, slot);
        if (!src) return NULL;
        n = vg_hnsw_privmap_get(&v->priv, slot);
        if (!n) {
            if (!(n = vg_hnsw_node_copy(src))) return vg_hnsw_view_fail(v, VG_HNSW_NOMEM);
            if (vg_hnsw_privmap_put(&v->priv, slot, n, v->n_slots) != 0) {
                vg_hnsw_node_free(n);
                return vg_hnsw_view_fail(v, VG_HNSW_NOMEM);
            }
        }
    }
    if (mark_dirty(v, n) != 0) return vg_hnsw_view_fail(v, VG_HNSW_NOMEM);
    return n;
}

int vg_hnsw_view_put_new(vg_hnsw_view *v, vg_hnsw_node *n) {
    n->flags &= (uint8_t)~VG_HNSW_NODE_DIRTY;
    if (vg_hnsw_privmap_put(&v->priv, n->slot, n, v->n_slots) != 0) {
        vg_hnsw_node_free(n);
        vg_hnsw_view_fail(v, VG_HNSW_NOMEM);
        return -1;
    }
    if (mark_dirty(v, n) != 0) {
        vg_hnsw_view_fail(v, VG_HNSW_NOMEM);
        return -1;
    }
    return 0;
}

int vg_hnsw_new_visit(vg_hnsw_view *v) {
    if (v->visited_cap < v->n_slots) {
        size_t cap = v->visited_cap ? v->visited_cap : 1024;
        while (cap < v->n_slots) cap *= 2;
        uint8_t *p = vg_realloc(v->visited, cap);
        if (!p) {
            vg_hnsw_view_fail(v, VG_HNSW_NOMEM);
            return -1;
        }
        memset(p + v->visited_cap, 0, cap - v->visited_cap);
        v->visited = p;
        v->visited_cap = cap;
    }
    if (++v->epoch == 0) {
        memset(v->visited, 0, v->visited_cap);
        v->epoch = 1;
    }
    return 0;
}

void vg_hnsw_view_txn_begin(vg_hnsw_view *v) {
    v->in_txn = 1;
    v->discarded = 0;
    vg_hnsw_slotset_clear(&v->changed);
    vg_hnsw_slotset_clear(&v->content);
    v->changed_all = 0;
    v->n_dirty = 0;
}

int vg_hnsw_view_content_changed(vg_hnsw_view *v, uint32_t slot) {
    if (vg_hnsw_slotset_add(&v->content, slot) == 0) return 0;
    vg_hnsw_view_fail(v, VG_HNSW_NOMEM);
    return -1;
}

int vg_hnsw_view_in_txn(const vg_hnsw_view *v) {
    return v->in_txn;
}

static int compare_slots(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

size_t vg_hnsw_view_dirty(vg_hnsw_view *v, uint32_t **slots) {
    *slots = vg_malloc((v->n_dirty ? v->n_dirty : 1) * sizeof **slots);
    if (!*slots) return (size_t)-1;
    size_t n = 0;
    for (size_t i = 0; i < v->n_dirty; i++) {
        const vg_hnsw_node *node = vg_hnsw_privmap_get(&v->priv, v->dirty[i]);
        if (node && (node->flags & VG_HNSW_NODE_DIRTY) && !(node->flags & VG_HNSW_NODE_FREED)) (*slots)[n++] = v->dirty[i];
    }
    qsort(*slots, n, sizeof **slots, compare_slots);
    return n;
}

void vg_hnsw_view_clean(vg_hnsw_view *v) {
    for (size_t i = 0; i < v->n_dirty; i++) {
        vg_hnsw_node *n = vg_hnsw_privmap_get(&v->priv, v->dirty[i]);
        if (n) n->flags &= (uint8_t)~VG_HNSW_NODE_DIRTY;
    }
    v->n_dirty = 0;
}

void vg_hnsw_view_delta(const vg_hnsw_view *v, vg_hnsw_delta *d) {
    d->slots = v->changed.items;
    d->n = v->changed.count;
    d->content = v->content.items;
    d->n_content = v->content.count;
    d->all = v->changed_all || v->changed.count > (size_t)v->n_slots / 8 + 64;
    d->all_content = v->changed_all || v->content.count > (size_t)v->n_slots / 8 + 64;
}

vg_hnsw_rc vg_hnsw_view_free_slot(vg_hnsw_view *v, uint32_t slot) {
    vg_hnsw_node *n = vg_hnsw_node_freed(&v->L, slot);
    if (!n) return VG_HNSW_NOMEM;
    if (vg_hnsw_privmap_put(&v->priv, slot, n, v->n_slots) != 0) {
        vg_hnsw_node_free(n);
        return VG_HNSW_NOMEM;
    }
    if (vg_hnsw_slotset_add(&v->changed, slot) != 0 || vg_hnsw_slotset_add(&v->content, slot) != 0)
        return VG_HNSW_NOMEM;
    return VG_HNSW_OK;
}

void vg_hnsw_view_discard(vg_hnsw_view *v) {
    vg_hnsw_privmap_clear(&v->priv, 1);
    v->discarded = 1;
    v->n_dirty = 0;
    v->error = VG_HNSW_OK;
}

void vg_hnsw_view_txn_end(vg_hnsw_view *v, int committed) {
    vg_hnsw_privmap *m = &v->priv;
    if (committed && v->store) {
        vg_hnsw_delta d;
        vg_hnsw_view_delta(v, &d);
        vg_hnsw_node **nodes = m->count ? vg_malloc(m->count * sizeof *nodes) : NULL;
        size_t count = nodes ? m->count : 0;
        for (size_t i = 0; i < count; i++) nodes[i] = vg_hnsw_privmap_get(m, m->slots[i]);
        /* without room to hand the nodes over, the store still learns of the change */
        vg_hnsw_store_commit(v->store, v->gen, &d, nodes, count);
        vg_free(nodes);
        if (count) vg_hnsw_privmap_clear(m, 0);
    }
    vg_hnsw_privmap_clear(m, 1);
    vg_hnsw_slotset_clear(&v->changed);
    vg_hnsw_slotset_clear(&v->content);
    v->changed_all = v->discarded = 0;
    v->n_dirty = 0;
    if (committed) v->gen++;
    v->in_txn = 0;
}
