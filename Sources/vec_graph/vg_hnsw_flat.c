/* The flat copy of an index for exact search: every slot's vector as stored, contiguous in slot
 * order, with its squared norm (and i8 sums), rowid and liveness, and a rowid -> slot map for filters. Built in one pass over the
 * nodes table, published to the store, immutable after. */
#include <string.h>

#include "vg_alloc.h"
#include "vg_hnsw_internal.h"

size_t vg_hnsw_flat_bytes(uint32_t n, const vg_hnsw_params *p) {
    /* codes, norms, i8 sums, rowids, live flags, and the map at half load (key + value, twice) */
    size_t sums = p->storage == VG_ELEM_I8 ? 8 : 0;
    return sizeof(vg_hnsw_flat) +
           (size_t)n * (vg_compact_body_bytes(p->storage, (size_t)p->dims) + 4 + sums + 8 + 1 + 2 * (8 + 4));
}

vg_hnsw_flat *vg_hnsw_flat_new(const vg_hnsw_params *p, uint32_t n, int64_t gen) {
    vg_hnsw_flat *f = vg_calloc(1, sizeof *f);
    if (!f) return NULL;
    size_t count = n ? n : 1;
    int i8 = p->storage == VG_ELEM_I8;
    f->gen = gen;
    f->n = n;
    f->stride = vg_compact_body_bytes(p->storage, (size_t)p->dims);
    f->bytes = vg_hnsw_flat_bytes(n, p);
    f->codes = vg_malloc(count * f->stride);
    f->norm2 = vg_calloc(count, sizeof *f->norm2);
    f->qsum = i8 ? vg_calloc(count, sizeof *f->qsum) : NULL;
    f->qsumsq = i8 ? vg_calloc(count, sizeof *f->qsumsq) : NULL;
    f->rowid = vg_calloc(count, sizeof *f->rowid);
    f->live = vg_calloc(count, 1);
    if (!f->codes || !f->norm2 || (i8 && (!f->qsum || !f->qsumsq)) || !f->rowid || !f->live) {
        vg_hnsw_flat_free(f);
        return NULL;
    }
    return f;
}

void vg_hnsw_flat_free(vg_hnsw_flat *f) {
    if (!f) return;
    vg_free(f->codes);
    vg_free(f->norm2);
    vg_free(f->qsum);
    vg_free(f->qsumsq);
    vg_free(f->rowid);
    vg_free(f->live);
    vg_hnsw_map_free(&f->index);
    vg_free(f);
}

void vg_hnsw_flat_set(vg_hnsw_flat *f, uint32_t slot, const vg_hnsw_node *n) {
    memcpy(f->codes + (size_t)slot * f->stride, vg_hnsw_node_code(n), f->stride);
    f->norm2[slot] = n->norm2;
    if (f->qsum) {
        f->qsum[slot] = n->qsum;
        f->qsumsq[slot] = n->qsumsq;
    }
    f->rowid[slot] = n->rowid;
    f->live[slot] = !(n->flags & (VG_HNSW_NODE_TOMBSTONE | VG_HNSW_NODE_FREED));
}

vg_hnsw_rc vg_hnsw_flat_finish(vg_hnsw_flat *f) {
    for (uint32_t s = 0; s < f->n; s++)
        if (f->live[s] && vg_hnsw_map_put(&f->index, f->rowid[s], s) != 0) return VG_HNSW_NOMEM;
    return VG_HNSW_OK;
}

int64_t vg_hnsw_flat_generation(const vg_hnsw_flat *f) {
    return f->gen;
}

uint32_t vg_hnsw_flat_count(const vg_hnsw_flat *f) {
    return f->n;
}

uint32_t vg_hnsw_flat_find(const vg_hnsw_flat *f, int64_t rowid) {
    return vg_hnsw_map_get(&f->index, rowid);
}

const vg_hnsw_flat *vg_hnsw_view_flat(vg_hnsw_view *v, uint32_t **skip, size_t *n_skip, vg_hnsw_rc *rc) {
    *skip = NULL;
    *n_skip = 0;
    *rc = VG_HNSW_OK;
    /* after 'optimize' in this transaction the copy's slots hold other nodes, or none */
    if (!v->store || v->changed_all) return NULL;
    return vg_hnsw_store_flat_for(v->store, v->gen, &v->content, skip, n_skip, rc);
}
