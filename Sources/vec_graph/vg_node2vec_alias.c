/* Walker's alias method (Vose's construction) for node2vec's negative sampling: O(n) to build, one
 * 64-bit draw per sample (high half picks the column, low half decides column or alias). */
#include <string.h>

#include "vg_alloc.h"
#include "vg_node2vec.h"

/* A probability in [0, 1) as a 32-bit threshold; rounding may push it a hair outside. */
static uint32_t to_threshold(double prob) {
    double t = prob * 4294967296.0;
    return t <= 0.0 ? 0 : t >= 4294967295.0 ? UINT32_MAX : (uint32_t)t;
}

vg_node2vec_status vg_node2vec_alias_build(const double *weight, uint32_t n, vg_node2vec_alias *out) {
    memset(out, 0, sizeof *out);
    double *scaled = vg_malloc((n ? n : 1) * sizeof *scaled);
    uint32_t *small = vg_malloc((n ? n : 1) * sizeof *small), *large = vg_malloc((n ? n : 1) * sizeof *large);
    out->threshold = vg_malloc((n ? n : 1) * sizeof *out->threshold);
    out->alias = vg_malloc((n ? n : 1) * sizeof *out->alias);
    vg_node2vec_status rc = VG_NODE2VEC_NOMEM;
    if (!scaled || !small || !large || !out->threshold || !out->alias) goto done;
    out->n = n;
    double sum = 0.0;
    for (uint32_t i = 0; i < n; i++) sum += weight[i];
    uint32_t ns = 0, nl = 0;
    for (uint32_t i = 0; i < n; i++) {
        scaled[i] = weight[i] * (double)n / sum;
        if (scaled[i] < 1.0) small[ns++] = i;
        else large[nl++] = i;
    }
    while (ns && nl) {
        uint32_t s = small[--ns], l = large[nl - 1];
        out->threshold[s] = to_threshold(scaled[s]);
        out->alias[s] = l;
        scaled[l] -= 1.0 - scaled[s];
        if (scaled[l] < 1.0) {
            nl--;
            small[ns++] = l;
        }
    }
    /* what is left holds probability 1 up to rounding: always keep it */
    while (nl) {
        uint32_t l = large[--nl];
        out->threshold[l] = UINT32_MAX;
        out->alias[l] = l;
    }
    while (ns) {
        uint32_t s = small[--ns];
        out->threshold[s] = UINT32_MAX;
        out->alias[s] = s;
    }
    rc = VG_NODE2VEC_OK;
done:
    vg_free(scaled);
    vg_free(small);
    vg_free(large);
    if (rc != VG_NODE2VEC_OK) vg_node2vec_alias_free(out);
    return rc;
}

uint32_t vg_node2vec_alias_draw(const vg_node2vec_alias *a, uint64_t draw) {
    uint32_t i = (uint32_t)(((draw >> 32) * (uint64_t)a->n) >> 32);
    return (uint32_t)draw < a->threshold[i] ? i : a->alias[i];
}

void vg_node2vec_alias_free(vg_node2vec_alias *a) {
    vg_free(a->threshold);
    vg_free(a->alias);
    memset(a, 0, sizeof *a);
}
