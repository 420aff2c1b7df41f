/* x86-64 AVX-512F float32 distance kernels (16 lanes x 2 accumulators, the tail by a masked load, so
 * no scalar loop), compiled with a per-function target attribute so the file builds without
 * -mavx512f; only called after CPU detection (AVX-512F, the OS saving the ZMM and mask registers, and
 * everything the AVX2 table needs, whose compact-vector kernels this table shares). */
#include "vg_kernels.h"
#include "vg_kernels_x86.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>

#if defined(__GNUC__) || defined(__clang__)
#define VG_AVX512 __attribute__((target("avx512f,avx2,fma")))
#else
#define VG_AVX512
#endif

/* The first n (< 16) lanes. */
VG_AVX512 static __mmask16 first_lanes(size_t n) {
    return (__mmask16)((1u << n) - 1u);
}

VG_AVX512 static float avx512_l2sq(const float *a, const float *b, size_t n) {
    __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps();
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m512 d0 = _mm512_sub_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i));
        __m512 d1 = _mm512_sub_ps(_mm512_loadu_ps(a + i + 16), _mm512_loadu_ps(b + i + 16));
        s0 = _mm512_fmadd_ps(d0, d0, s0);
        s1 = _mm512_fmadd_ps(d1, d1, s1);
    }
    if (i + 16 <= n) {
        __m512 d = _mm512_sub_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i));
        s0 = _mm512_fmadd_ps(d, d, s0);
        i += 16;
    }
    if (i < n) {
        __mmask16 m = first_lanes(n - i);
        __m512 d = _mm512_sub_ps(_mm512_maskz_loadu_ps(m, a + i), _mm512_maskz_loadu_ps(m, b + i));
        s1 = _mm512_fmadd_ps(d, d, s1);
    }
    return _mm512_reduce_add_ps(_mm512_add_ps(s0, s1));
}

VG_AVX512 static float avx512_dot(const float *a, const float *b, size_t n) {
    __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps();
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        s0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i), s0);
        s1 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i + 16), _mm512_loadu_ps(b + i + 16), s1);
    }
    if (i + 16 <= n) {
        s0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i), s0);
        i += 16;
    }
    if (i < n) {
        __mmask16 m = first_lanes(n - i);
        s1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, a + i), _mm512_maskz_loadu_ps(m, b + i), s1);
    }
    return _mm512_reduce_add_ps(_mm512_add_ps(s0, s1));
}

VG_AVX512 static void avx512_dot_norms(const float *a, const float *b, size_t n, float *dot, float *aa, float *bb) {
    __m512 sd = _mm512_setzero_ps(), sa = _mm512_setzero_ps(), sb = _mm512_setzero_ps();
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m512 x = _mm512_loadu_ps(a + i), y = _mm512_loadu_ps(b + i);
        sd = _mm512_fmadd_ps(x, y, sd);
        sa = _mm512_fmadd_ps(x, x, sa);
        sb = _mm512_fmadd_ps(y, y, sb);
    }
    if (i < n) {
        __mmask16 m = first_lanes(n - i);
        __m512 x = _mm512_maskz_loadu_ps(m, a + i), y = _mm512_maskz_loadu_ps(m, b + i);
        sd = _mm512_fmadd_ps(x, y, sd);
        sa = _mm512_fmadd_ps(x, x, sa);
        sb = _mm512_fmadd_ps(y, y, sb);
    }
    *dot = _mm512_reduce_add_ps(sd);
    *aa = _mm512_reduce_add_ps(sa);
    *bb = _mm512_reduce_add_ps(sb);
}

const vg_kernels vg_kernels_avx512 = {"avx512", avx512_l2sq, avx512_dot, avx512_dot_norms, VG_AVX2_COMPACT_KERNELS};
#else
typedef int vg_kernels_avx512_unused; /* ISO C forbids an empty translation unit */
#endif
