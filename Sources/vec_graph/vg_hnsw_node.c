/* HNSW nodes: their memory layout, and their BLOB in {name}_nodes (checked as untrusted input). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "vg_alloc.h"
#include "vg_compact.h"
#include "vg_hnsw_node.h"
#include "vg_vector.h"

void vg_hnsw_layout_init(vg_hnsw_layout *L, const vg_hnsw_params *p) {
    L->dims = p->dims;
    L->m = p->m;
    L->m0 = 2 * p->m;
    L->storage = p->storage;
    L->code_bytes = vg_compact_body_bytes(p->storage, (size_t)p->dims);
    L->list0 = sizeof(vg_hnsw_node) + (L->code_bytes + 3) / 4 * 4;
    L->upper = L->list0 + (size_t)(1 + L->m0) * sizeof(uint32_t);
    L->base_bytes = L->upper;
}

size_t vg_hnsw_node_size(const vg_hnsw_layout *L, int level) {
    return L->upper + (size_t)level * (size_t)(1 + L->m) * sizeof(uint32_t);
}

vg_hnsw_node *vg_hnsw_node_new(const vg_hnsw_layout *L, int level, uint32_t slot) {
    size_t bytes = vg_hnsw_node_size(L, level);
    vg_hnsw_node *n = vg_malloc(bytes);
    if (!n) return NULL;
    memset(n, 0, sizeof *n);
    n->slot = slot;
    n->bytes = (uint32_t)bytes;
    n->level = (uint8_t)level;
    for (int l = 0; l <= level; l++) vg_hnsw_node_list(L, n, l)[0] = 0;
    return n;
}

vg_hnsw_node *vg_hnsw_node_freed(const vg_hnsw_layout *L, uint32_t slot) {
    vg_hnsw_node *n = vg_hnsw_node_new(L, 0, slot);
    if (!n) return NULL;
    memset(vg_hnsw_node_code(n), 0, L->code_bytes);
    n->flags = VG_HNSW_NODE_FREED;
    return n;
}

vg_hnsw_node *vg_hnsw_node_copy(const vg_hnsw_node *n) {
    vg_hnsw_node *c = vg_malloc(n->bytes);
    if (!c) return NULL;
    memcpy(c, n, n->bytes);
    c->retired_next = NULL;
    c->ref = 0;
    c->original = NULL;
    return c;
}

void vg_hnsw_node_free(vg_hnsw_node *n) {
    if (n) vg_free(n->original);
    vg_free(n);
}

static uint32_t get_u32(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_u32(unsigned char *p, uint32_t v) {
    for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (8 * i));
}

/* Writes a message with up to two numbers (fmt uses %lld for each it shows; extra ones are ignored). */
static int corrupt(char *err, const char *fmt, long long a, long long b) {
    snprintf(err, VG_HNSW_ERR_LEN, fmt, a, b);
    return VG_HNSW_CORRUPT;
}

vg_hnsw_rc vg_hnsw_blob_parse(const vg_hnsw_layout *L, const void *blob, size_t n, uint32_t slot, uint32_t n_slots,
                              vg_hnsw_blob *out, char *err) {
    const unsigned char *p = blob;
    size_t head = VG_HNSW_BLOB_VECTOR + L->code_bytes;
    if (!p || n < head) return corrupt(err, "node BLOB has %lld bytes, at least %lld expected", (long long)n, (long long)head);
    uint64_t u = 0;
    for (int b = 7; b >= 0; b--) u = u << 8 | p[b];
    out->rowid = (int64_t)u;
    out->level = p[8];
    out->flags = p[9];
    if (out->level > VG_HNSW_MAX_LEVEL)
        return corrupt(err, "level %lld is outside 0..%lld", out->level, VG_HNSW_MAX_LEVEL);
    out->cycle = p[10] | p[11] << 8;
    if (out->flags & ~VG_HNSW_NODE_STORED_FLAGS) return corrupt(err, "unknown flags %lld", out->flags, 0);
    out->vector = p + VG_HNSW_BLOB_VECTOR;
    out->lists = p + head;
    size_t at = head;
    for (int l = 0; l <= out->level; l++) {
        if (n - at < 4) return corrupt(err, "node BLOB ends before the list of level %lld", l, 0);
        uint32_t count = get_u32(p + at);
        at += 4;
        if (count > (uint32_t)vg_hnsw_layout_cap(L, l))
            return corrupt(err, "level %lld lists %lld neighbours, more than the index allows", l, count);
        if ((n - at) / 4 < count) return corrupt(err, "node BLOB ends inside the list of level %lld", l, 0);
        for (uint32_t i = 0; i < count; i++, at += 4) {
            uint32_t t = get_u32(p + at);
            if (t >= n_slots) return corrupt(err, "links to slot %lld of %lld", t, n_slots);
            if (t == slot) return corrupt(err, "links to itself on level %lld", l, 0);
        }
    }
    if (at != n) return corrupt(err, "node BLOB has %lld bytes after its lists", (long long)(n - at), 0);
    return VG_HNSW_OK;
}

void vg_hnsw_node_measure(const vg_hnsw_layout *L, vg_hnsw_node *n, int cosine, const vg_kernels *k) {
    const unsigned char *code = vg_hnsw_node_code(n);
    size_t dims = (size_t)L->dims;
    n->norm2 = 0.0f;
    n->qsum = 0;
    n->qsumsq = 0;
    if (L->storage == VG_ELEM_I8) {
        vg_i8_parts parts;
        vg_i8_parts_of(code, dims, &parts);
        n->norm2 = (float)parts.norm2;
        n->qsum = (int32_t)parts.sum;
        n->qsumsq = (uint32_t)parts.sumsq;
    } else if (cosine && L->storage == VG_ELEM_F32) {
        const float *v = (const float *)(const void *)code;
        n->norm2 = k->dot(v, v, dims);
    } else if (cosine && L->storage == VG_ELEM_F16) {
        /* |v|^2 of the halves, a block at a time through float32 */
        float block[64];
        const uint16_t *h = (const uint16_t *)(const void *)code;
        double sum = 0.0;
        for (size_t at = 0; at < dims; at += 64) {
            size_t len = dims - at < 64 ? dims - at : 64;
            vg_compact_decode(VG_ELEM_F16, h + at, len, block);
            sum += (double)k->dot(block, block, len);
        }
        n->norm2 = (float)sum;
    }
}

vg_hnsw_rc vg_hnsw_node_from_blob(const vg_hnsw_layout *L, const vg_hnsw_blob *b, uint32_t slot, int cosine,
                                  const vg_kernels *k, vg_hnsw_node **out, char *err) {
    char verr[VG_ERR_LEN];
    vg_hnsw_node *n = vg_hnsw_node_new(L, b->level, slot);
    *out = NULL;
    if (!n) return VG_HNSW_NOMEM;
    unsigned char *code = vg_hnsw_node_code(n);
    int bad = L->storage == VG_ELEM_F32 ? vg_blob_decode(b->vector, L->code_bytes, (float *)(void *)code, verr)
                                        : vg_compact_check(L->storage, b->vector, (size_t)L->dims, verr);
    if (bad) {
        vg_hnsw_node_free(n);
        snprintf(err, VG_HNSW_ERR_LEN, "%s%svector: %s", L->storage == VG_ELEM_F32 ? "" : vg_elem_name(L->storage),
                 L->storage == VG_ELEM_F32 ? "" : " ", verr);
        return VG_HNSW_CORRUPT;
    }
    if (L->storage != VG_ELEM_F32) memcpy(code, b->vector, L->code_bytes);
    n->rowid = b->rowid;
    n->flags = (uint8_t)b->flags;
    n->cycle = (uint16_t)b->cycle;
    vg_hnsw_node_measure(L, n, cosine, k);
    const unsigned char *p = b->lists;
    for (int l = 0; l <= b->level; l++) {
        uint32_t *list = vg_hnsw_node_list(L, n, l), count = get_u32(p);
        p += 4;
        list[0] = count;
        for (uint32_t i = 0; i < count; i++, p += 4) list[1 + i] = get_u32(p);
    }
    *out = n;
    return VG_HNSW_OK;
}

size_t vg_hnsw_node_blob_size(const vg_hnsw_layout *L, const vg_hnsw_node *n) {
    size_t bytes = VG_HNSW_BLOB_VECTOR + L->code_bytes;
    for (int l = 0; l <= n->level; l++) bytes += 4 + 4 * (size_t)vg_hnsw_node_list(L, n, l)[0];
    return bytes;
}

void vg_hnsw_node_encode(const vg_hnsw_layout *L, const vg_hnsw_node *n, unsigned char *out) {
    uint64_t u = (uint64_t)n->rowid;
    for (int i = 0; i < 8; i++) out[i] = (unsigned char)(u >> (8 * i));
    out[8] = n->level;
    out[9] = (unsigned char)(n->flags & VG_HNSW_NODE_STORED_FLAGS);
    out[10] = (unsigned char)(n->cycle & 0xff);
    out[11] = (unsigned char)(n->cycle >> 8);
    if (L->storage == VG_ELEM_F32)
        vg_blob_encode((const float *)(const void *)vg_hnsw_node_code(n), (size_t)L->dims, out + VG_HNSW_BLOB_VECTOR);
    else
        memcpy(out + VG_HNSW_BLOB_VECTOR, vg_hnsw_node_code(n), L->code_bytes);
    unsigned char *p = out + VG_HNSW_BLOB_VECTOR + L->code_bytes;
    for (int l = 0; l <= n->level; l++) {
        const uint32_t *list = vg_hnsw_node_list(L, n, l);
        for (uint32_t i = 0; i <= list[0]; i++, p += 4) put_u32(p, list[i]);
    }
}
