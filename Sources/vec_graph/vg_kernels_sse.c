/* x86-64 SSE2 distance kernels: 4 lanes x 4 accumulators, scalar tail. SSE2 is in every x86-64 CPU. */
#include "vg_kernels_compact.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <emmintrin.h>

static float hsum128(__m128 v) {
    __m128 hi = _mm_movehl_ps(v, v);
    __m128 s = _mm_add_ps(v, hi);
    s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
    return _mm_cvtss_f32(s);
}

static float sse_l2sq(const float *a, const float *b, size_t n) {
    __m128 s0 = _mm_setzero_ps(), s1 = _mm_setzero_ps(), s2 = _mm_setzero_ps(), s3 = _mm_setzero_ps();
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m128 d0 = _mm_sub_ps(_mm_loadu_ps(a + i), _mm_loadu_ps(b + i));
        __m128 d1 = _mm_sub_ps(_mm_loadu_ps(a + i + 4), _mm_loadu_ps(b + i + 4));
        __m128 d2 = _mm_sub_ps(_mm_loadu_ps(a + i + 8), _mm_loadu_ps(b + i + 8));
        __m128 d3 = _mm_sub_ps(_mm_loadu_ps(a + i + 12), _mm_loadu_ps(b + i + 12));
        s0 = _mm_add_ps(s0, _mm_mul_ps(d0, d0));
        s1 = _mm_add_ps(s1, _mm_mul_ps(d1, d1));
        s2 = _mm_add_ps(s2, _mm_mul_ps(d2, d2));
        s3 = _mm_add_ps(s3, _mm_mul_ps(d3, d3));
    }
    for (; i + 4 <= n; i += 4) {
        __m128 d = _mm_sub_ps(_mm_loadu_ps(a + i), _mm_loadu_ps(b + i));
        s0 = _mm_add_ps(s0, _mm_mul_ps(d, d));
    }
    float sum = hsum128(_mm_add_ps(_mm_add_ps(s0, s1), _mm_add_ps(s2, s3)));
    for (; i < n; i++) {
        float d = a[i] - b[i];
        sum += d * d;
    }
    return sum;
}

static float sse_dot(const float *a, const float *b, size_t n) {
    __m128 s0 = _mm_setzero_ps(), s1 = _mm_setzero_ps(), s2 = _mm_setzero_ps(), s3 = _mm_setzero_ps();
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        s0 = _mm_add_ps(s0, _mm_mul_ps(_mm_loadu_ps(a + i), _mm_loadu_ps(b + i)));
        s1 = _mm_add_ps(s1, _mm_mul_ps(_mm_loadu_ps(a + i + 4), _mm_loadu_ps(b + i + 4)));
        s2 = _mm_add_ps(s2, _mm_mul_ps(_mm_loadu_ps(a + i + 8), _mm_loadu_ps(b + i + 8)));
        s3 = _mm_add_ps(s3, _mm_mul_ps(_mm_loadu_ps(a + i + 12), _mm_loadu_ps(b + i + 12)));
    }
    for (; i + 4 <= n; i += 4) s0 = _mm_add_ps(s0, _mm_mul_ps(_mm_loadu_ps(a + i), _mm_loadu_ps(b + i)));
    float sum = hsum128(_mm_add_ps(_mm_add_ps(s0, s1), _mm_add_ps(s2, s3)));
    for (; i < n; i++) sum += a[i] * b[i];
    return sum;
}

static void sse_dot_norms(const float *a, const float *b, size_t n, float *dot, float *aa, float *bb) {
    __m128 sd0 = _mm_setzero_ps(), sd1 = _mm_setzero_ps();
    __m128 sa0 = _mm_setzero_ps(), sa1 = _mm_setzero_ps();
    __m128 sb0 = _mm_setzero_ps(), sb1 = _mm_setzero_ps();
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m128 x0 = _mm_loadu_ps(a + i), y0 = _mm_loadu_ps(b + i);
        __m128 x1 = _mm_loadu_ps(a + i + 4), y1 = _mm_loadu_ps(b + i + 4);
        sd0 = _mm_add_ps(sd0, _mm_mul_ps(x0, y0));
        sd1 = _mm_add_ps(sd1, _mm_mul_ps(x1, y1));
        sa0 = _mm_add_ps(sa0, _mm_mul_ps(x0, x0));
        sa1 = _mm_add_ps(sa1, _mm_mul_ps(x1, x1));
        sb0 = _mm_add_ps(sb0, _mm_mul_ps(y0, y0));
        sb1 = _mm_add_ps(sb1, _mm_mul_ps(y1, y1));
    }
    float d = hsum128(_mm_add_ps(sd0, sd1));
    float x = hsum128(_mm_add_ps(sa0, sa1));
    float y = hsum128(_mm_add_ps(sb0, sb1));
    for (; i < n; i++) {
        d += a[i] * b[i];
        x += a[i] * a[i];
        y += b[i] * b[i];
    }
    *dot = d;
    *aa = x;
    *bb = y;
}

/* No F16C or POPCNT in baseline x86-64: the compact-vector kernels are the portable ones. */
const vg_kernels vg_kernels_sse = {"sse", sse_l2sq, sse_dot, sse_dot_norms, VG_PORTABLE_COMPACT_KERNELS};
#else
typedef int vg_kernels_sse_unused; /* ISO C forbids an empty translation unit */
#endif
