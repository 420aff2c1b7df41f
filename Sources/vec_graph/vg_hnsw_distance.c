/* The distances hnsw_index uses: squared L2, 1 - cosine (kept in [0, 2]) and -dot, between float32
 * vectors, and between a probe (a query or a node, vg_hnsw_internal.h) and a vector as the index
 * stores it: float32, float16 (against the probe's float32), int8 (both quantized, from the integer
 * dot product and each vector's sums, vg_compact.h) or bits (their Hamming distance, whatever the
 * metric). */
#include <math.h>
#include <string.h>

#include "vg_hnsw_internal.h"

/* 1 - dot / sqrt(norms), kept in [0, 2]; 1 when either vector has norm zero. */
static inline double cosine_distance(double dot, double norms) {
    if (norms <= 0.0) return 1.0;
    double d = 1.0 - dot / sqrt(norms);
    return d < 0.0 ? 0.0 : d > 2.0 ? 2.0 : d;
}

double vg_hnsw_dist_vectors(const vg_hnsw_params *p, const vg_kernels *k, const float *q, float qn, const float *x,
                            float xn) {
    size_t n = (size_t)p->dims;
    switch (p->metric) {
    case VG_HNSW_L2: return (double)k->l2sq(q, x, n);
    case VG_HNSW_IP: return -(double)k->dot(q, x, n);
    default: return cosine_distance((double)k->dot(q, x, n), (double)qn * (double)xn);
    }
}

double vg_hnsw_distance(const vg_hnsw_params *p, const vg_kernels *k, const float *q, const float *x) {
    if (p->metric != VG_HNSW_COSINE) return vg_hnsw_dist_vectors(p, k, q, 0.0f, x, 0.0f);
    float dot, aa, bb;
    k->dot_norms(q, x, (size_t)p->dims, &dot, &aa, &bb);
    return cosine_distance((double)dot, (double)aa * (double)bb);
}

static void i8_parts(const unsigned char *code, float norm2, int32_t qsum, uint32_t qsumsq, vg_i8_parts *out) {
    float scale, offset;
    memcpy(&scale, code, 4);
    memcpy(&offset, code + 4, 4);
    out->scale = scale;
    out->offset = offset;
    out->q = (const int8_t *)(const void *)(code + 8);
    out->sum = qsum;
    out->sumsq = qsumsq;
    out->norm2 = norm2;
}

double vg_hnsw_dist_code_slow(const vg_hnsw_view *v, const vg_hnsw_probe *p, const unsigned char *code, float norm2,
                              int32_t qsum, uint32_t qsumsq) {
    size_t n = (size_t)v->p.dims;
    switch (v->p.storage) {
    case VG_ELEM_F16: {
        const uint16_t *h = (const uint16_t *)(const void *)code;
        switch (v->p.metric) {
        case VG_HNSW_L2: return (double)v->k->l2sq_f16(p->f, h, n);
        case VG_HNSW_IP: return -(double)v->k->dot_f16(p->f, h, n);
        default: return cosine_distance((double)v->k->dot_f16(p->f, h, n), (double)p->norm2 * (double)norm2);
        }
    }
    case VG_ELEM_I8: {
        vg_i8_parts a, b;
        i8_parts(p->code, p->norm2, p->qsum, p->qsumsq, &a);
        i8_parts(code, norm2, qsum, qsumsq, &b);
        int32_t dot_q = v->k->dot_i8(a.q, b.q, n);
        switch (v->p.metric) {
        case VG_HNSW_L2: return vg_i8_l2sq(&a, &b, n, dot_q);
        case VG_HNSW_IP: return -vg_i8_dot(&a, &b, n, dot_q);
        default: {
            double c = vg_i8_cosine(&a, &b, n, dot_q);
            return isnan(c) ? 1.0 : c;
        }
        }
    }
    case VG_ELEM_BIT: return (double)v->k->hamming(p->code, code, (n + 7) / 8);
    default: return vg_hnsw_dist_vectors(&v->p, v->k, p->f, p->norm2, (const float *)(const void *)code, norm2);
    }
}

void vg_hnsw_probe_query(vg_hnsw_view *v, const float *q, vg_hnsw_probe *out) {
    memset(out, 0, sizeof *out);
    out->f = q;
    if (v->p.storage == VG_ELEM_I8 || v->p.storage == VG_ELEM_BIT) {
        /* the query in the index's own form (a finite vector always encodes) */
        char err[VG_ERR_LEN];
        vg_compact_encode(v->p.storage, q, (size_t)v->p.dims, v->probe_code, err);
        out->code = v->probe_code;
        if (v->p.storage == VG_ELEM_I8) {
            vg_i8_parts parts;
            vg_i8_parts_of(v->probe_code, (size_t)v->p.dims, &parts);
            out->norm2 = (float)parts.norm2;
            out->qsum = (int32_t)parts.sum;
            out->qsumsq = (uint32_t)parts.sumsq;
        }
    } else if (v->p.metric == VG_HNSW_COSINE) {
        out->norm2 = v->k->dot(q, q, (size_t)v->p.dims);
    }
}

void vg_hnsw_probe_node(const vg_hnsw_view *v, const vg_hnsw_node *n, float *scratch, vg_hnsw_probe *out) {
    const unsigned char *code = vg_hnsw_node_code(n);
    memset(out, 0, sizeof *out);
    out->norm2 = n->norm2;
    out->qsum = n->qsum;
    out->qsumsq = n->qsumsq;
    switch (v->p.storage) {
    case VG_ELEM_F32: out->f = (const float *)(const void *)code; break;
    case VG_ELEM_F16:
        vg_compact_decode(VG_ELEM_F16, code, (size_t)v->p.dims, scratch);
        out->f = scratch;
        break;
    default: out->code = code; break;
    }
}

double vg_hnsw_probe_distance(const vg_hnsw_view *v, const vg_hnsw_probe *p, const vg_hnsw_node *n) {
    return vg_hnsw_dist_node(v, p, n);
}
