/* Portable distance kernels: the reference every SIMD path is tested against. */
#include "vg_kernels_compact.h"

static float scalar_l2sq(const float *a, const float *b, size_t n) {
    float sum = 0.0f;
    for (size_t i = 0; i < n; i++) {
        float d = a[i] - b[i];
        sum += d * d;
    }
#ifdef VG_PLANTED_SLOWDOWN
    /* make test's proof that the instruction-counter gate trips (bench/regress/planted.py): a wasted
     * pass over an eighth of a, about 12% more instructions. Only that test's build defines the flag. */
    for (volatile size_t i = 0; i < n / 8; i++) (void)a[i];
#endif
    return sum;
}

static float scalar_dot(const float *a, const float *b, size_t n) {
    float sum = 0.0f;
    for (size_t i = 0; i < n; i++) sum += a[i] * b[i];
    return sum;
}

static void scalar_dot_norms(const float *a, const float *b, size_t n, float *dot, float *aa, float *bb) {
    float d = 0.0f, x = 0.0f, y = 0.0f;
    for (size_t i = 0; i < n; i++) {
        d += a[i] * b[i];
        x += a[i] * a[i];
        y += b[i] * b[i];
    }
    *dot = d;
    *aa = x;
    *bb = y;
}

const vg_kernels vg_kernels_scalar = {"scalar", scalar_l2sq, scalar_dot, scalar_dot_norms, VG_PORTABLE_COMPACT_KERNELS};
