/* x86-64 AVX2+FMA distance kernels (8 lanes x 4 accumulators, scalar tail), compiled with a
 * per-function target attribute so the file builds without -mavx2; only called after CPU detection. */
#include "vg_kernels.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>

#if defined(__GNUC__) || defined(__clang__)
#define VG_AVX2 __attribute__((target("avx2,fma")))
#else
#define VG_AVX2
#endif

VG_AVX2 static float hsum256(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
    return _mm_cvtss_f32(s);
}

VG_AVX2 static float avx2_l2sq(const float *a, const float *b, size_t n) {
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps(), s2 = _mm256_setzero_ps(), s3 = _mm256_setzero_ps();
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m256 d0 = _mm256_sub_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i));
        __m256 d1 = _mm256_sub_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8));
        __m256 d2 = _mm256_sub_ps(_mm256_loadu_ps(a + i + 16), _mm256_loadu_ps(b + i + 16));
        __m256 d3 = _mm256_sub_ps(_mm256_loadu_ps(a + i + 24), _mm256_loadu_ps(b + i + 24));
        s0 = _mm256_fmadd_ps(d0, d0, s0);
        s1 = _mm256_fmadd_ps(d1, d1, s1);
        s2 = _mm256_fmadd_ps(d2, d2, s2);
        s3 = _mm256_fmadd_ps(d3, d3, s3);
    }
    for (; i + 8 <= n; i += 8) {
        __m256 d = _mm256_sub_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i));
        s0 = _mm256_fmadd_ps(d, d, s0);
    }
    float sum = hsum256(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
    for (; i < n; i++) {
        float d = a[i] - b[i];
        sum += d * d;
    }
    return sum;
}

VG_AVX2 static float avx2_dot(const float *a, const float *b, size_t n) {
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps(), s2 = _mm256_setzero_ps(), s3 = _mm256_setzero_ps();
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
        s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), s1);
        s2 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 16), _mm256_loadu_ps(b + i + 16), s2);
        s3 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 24), _mm256_loadu_ps(b + i + 24), s3);
    }
    for (; i + 8 <= n; i += 8) s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
    float sum = hsum256(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
    for (; i < n; i++) sum += a[i] * b[i];
    return sum;
}

VG_AVX2 static void avx2_dot_norms(const float *a, const float *b, size_t n, float *dot, float *aa, float *bb) {
    __m256 sd0 = _mm256_setzero_ps(), sd1 = _mm256_setzero_ps();
    __m256 sa0 = _mm256_setzero_ps(), sa1 = _mm256_setzero_ps();
    __m256 sb0 = _mm256_setzero_ps(), sb1 = _mm256_setzero_ps();
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m256 x0 = _mm256_loadu_ps(a + i), y0 = _mm256_loadu_ps(b + i);
        __m256 x1 = _mm256_loadu_ps(a + i + 8), y1 = _mm256_loadu_ps(b + i + 8);
        sd0 = _mm256_fmadd_ps(x0, y0, sd0);
        sd1 = _mm256_fmadd_ps(x1, y1, sd1);
        sa0 = _mm256_fmadd_ps(x0, x0, sa0);
        sa1 = _mm256_fmadd_ps(x1, x1, sa1);
        sb0 = _mm256_fmadd_ps(y0, y0, sb0);
        sb1 = _mm256_fmadd_ps(y1, y1, sb1);
    }
    float d = hsum256(_mm256_add_ps(sd0, sd1));
    float x = hsum256(_mm256_add_ps(sa0, sa1));
    float y = hsum256(_mm256_add_ps(sb0, sb1));
    for (; i < n; i++) {
        d += a[i] * b[i];
        x += a[i] * a[i];
        y += b[i] * b[i];
    }
    *dot = d;
    *aa = x;
    *bb = y;
}

const vg_kernels vg_kernels_avx2 = {"avx2", avx2_l2sq, avx2_dot, avx2_dot_norms};
#else
typedef int vg_kernels_avx2_unused; /* ISO C forbids an empty translation unit */
#endif
