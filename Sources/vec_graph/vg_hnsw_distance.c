/* The distances hnsw_index uses: squared L2, 1 - cosine (kept in [0, 2]) and -dot, between a query
 * and a node, two raw vectors, or two nodes. */
#include <math.h>

#include "vg_hnsw_internal.h"

float vg_hnsw_norm2(const vg_hnsw_view *v, const float *vec) {
    return v->p.metric == VG_HNSW_COSINE ? v->k->dot(vec, vec, (size_t)v->p.dims) : 0.0f;
}

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

double vg_hnsw_dist_query(const vg_hnsw_view *v, const float *q, float q_norm2, const vg_hnsw_node *n) {
    return vg_hnsw_dist_vectors(&v->p, v->k, q, q_norm2, vg_hnsw_vec(n), n->norm2);
}

double vg_hnsw_distance(const vg_hnsw_params *p, const vg_kernels *k, const float *q, const float *x) {
    if (p->metric != VG_HNSW_COSINE) return vg_hnsw_dist_vectors(p, k, q, 0.0f, x, 0.0f);
    float dot, aa, bb;
    k->dot_norms(q, x, (size_t)p->dims, &dot, &aa, &bb);
    return cosine_distance((double)dot, (double)aa * (double)bb);
}
