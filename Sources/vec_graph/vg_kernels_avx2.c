/* x86-64 AVX2+FMA distance kernels (8 lanes x 4 accumulators, scalar tail), compiled with a
 * per-function target attribute so the file builds without -mavx2; only called after CPU detection
 * (which also requires F16C and POPCNT, for the compact-vector kernels at the end, which the AVX-512
 * table shares: vg_kernels_x86.h). */
#include <string.h>

#include "vg_kernels.h"
#include "vg_kernels_x86.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>

#if defined(__GNUC__) || defined(__clang__)
#define VG_AVX2 __attribute__((target("avx2,fma,f16c,popcnt")))
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

/* Compact vectors. f16: 8 halves at a time through F16C; the last n % 8 go through zero-padded
 * copies (a zero pair adds nothing), so no element is converted in scalar code. */
VG_AVX2 static __m256 load_f16(const uint16_t *p) { return _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)p)); }

/* The tail of a and b from i on (fewer than 8 elements), zero-padded to 8. */
VG_AVX2 static void load_tail(const float *a, const uint16_t *b, size_t i, size_t n, __m256 *x, __m256 *y) {
    float ta[8] = {0};
    uint16_t tb[8] = {0};
    memcpy(ta, a + i, (n - i) * sizeof *a);
    memcpy(tb, b + i, (n - i) * sizeof *b);
    *x = _mm256_loadu_ps(ta);
    *y = load_f16(tb);
}

VG_AVX2 float vg_avx2_l2sq_f16(const float *a, const uint16_t *b, size_t n) {
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps(), s2 = _mm256_setzero_ps(), s3 = _mm256_setzero_ps();
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m256 d0 = _mm256_sub_ps(_mm256_loadu_ps(a + i), load_f16(b + i));
        __m256 d1 = _mm256_sub_ps(_mm256_loadu_ps(a + i + 8), load_f16(b + i + 8));
        __m256 d2 = _mm256_sub_ps(_mm256_loadu_ps(a + i + 16), load_f16(b + i + 16));
        __m256 d3 = _mm256_sub_ps(_mm256_loadu_ps(a + i + 24), load_f16(b + i + 24));
        s0 = _mm256_fmadd_ps(d0, d0, s0);
        s1 = _mm256_fmadd_ps(d1, d1, s1);
        s2 = _mm256_fmadd_ps(d2, d2, s2);
        s3 = _mm256_fmadd_ps(d3, d3, s3);
    }
    for (; i + 8 <= n; i += 8) {
        __m256 d = _mm256_sub_ps(_mm256_loadu_ps(a + i), load_f16(b + i));
        s0 = _mm256_fmadd_ps(d, d, s0);
    }
    if (i < n) {
        __m256 x, y;
        load_tail(a, b, i, n, &x, &y);
        __m256 d = _mm256_sub_ps(x, y);
        s1 = _mm256_fmadd_ps(d, d, s1);
    }
    return hsum256(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
}

VG_AVX2 float vg_avx2_dot_f16(const float *a, const uint16_t *b, size_t n) {
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps(), s2 = _mm256_setzero_ps(), s3 = _mm256_setzero_ps();
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), load_f16(b + i), s0);
        s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), load_f16(b + i + 8), s1);
        s2 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 16), load_f16(b + i + 16), s2);
        s3 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 24), load_f16(b + i + 24), s3);
    }
    for (; i + 8 <= n; i += 8) s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), load_f16(b + i), s0);
    if (i < n) {
        __m256 x, y;
        load_tail(a, b, i, n, &x, &y);
        s1 = _mm256_fmadd_ps(x, y, s1);
    }
    return hsum256(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
}

VG_AVX2 void vg_avx2_dot_norms_f16(const float *a, const uint16_t *b, size_t n, float *dot, float *aa, float *bb) {
    __m256 sd0 = _mm256_setzero_ps(), sd1 = _mm256_setzero_ps();
    __m256 sa0 = _mm256_setzero_ps(), sa1 = _mm256_setzero_ps();
    __m256 sb0 = _mm256_setzero_ps(), sb1 = _mm256_setzero_ps();
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m256 x0 = _mm256_loadu_ps(a + i), y0 = load_f16(b + i);
        __m256 x1 = _mm256_loadu_ps(a + i + 8), y1 = load_f16(b + i + 8);
        sd0 = _mm256_fmadd_ps(x0, y0, sd0);
        sd1 = _mm256_fmadd_ps(x1, y1, sd1);
        sa0 = _mm256_fmadd_ps(x0, x0, sa0);
        sa1 = _mm256_fmadd_ps(x1, x1, sa1);
        sb0 = _mm256_fmadd_ps(y0, y0, sb0);
        sb1 = _mm256_fmadd_ps(y1, y1, sb1);
    }
    for (; i < n; i += 8) {
        __m256 x, y;
        if (i + 8 <= n) {
            x = _mm256_loadu_ps(a + i);
            y = load_f16(b + i);
        } else {
            load_tail(a, b, i, n, &x, &y);
        }
        sd0 = _mm256_fmadd_ps(x, y, sd0);
        sa0 = _mm256_fmadd_ps(x, x, sa0);
        sb0 = _mm256_fmadd_ps(y, y, sb0);
    }
    *dot = hsum256(_mm256_add_ps(sd0, sd1));
    *aa = hsum256(_mm256_add_ps(sa0, sa1));
    *bb = hsum256(_mm256_add_ps(sb0, sb1));
}

/* int8 dot: 16 lanes sign-extended to int16, pairs multiplied and added into int32 (vpmaddwd). */
VG_AVX2 static __m256i madd_i8x16(const int8_t *a, const int8_t *b) {
    __m256i x = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)a));
    __m256i y = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)b));
    return _mm256_madd_epi16(x, y);
}

VG_AVX2 int32_t vg_avx2_dot_i8(const int8_t *a, const int8_t *b, size_t n) {
    __m256i s0 = _mm256_setzero_si256(), s1 = _mm256_setzero_si256();
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        s0 = _mm256_add_epi32(s0, madd_i8x16(a + i, b + i));
        s1 = _mm256_add_epi32(s1, madd_i8x16(a + i + 16, b + i + 16));
    }
    for (; i + 16 <= n; i += 16) s0 = _mm256_add_epi32(s0, madd_i8x16(a + i, b + i));
    __m256i s = _mm256_add_epi32(s0, s1);
    __m128i h = _mm_add_epi32(_mm256_castsi256_si128(s), _mm256_extracti128_si256(s, 1));
    h = _mm_add_epi32(h, _mm_shuffle_epi32(h, _MM_SHUFFLE(1, 0, 3, 2)));
    h = _mm_add_epi32(h, _mm_shuffle_epi32(h, _MM_SHUFFLE(2, 3, 0, 1)));
    int32_t sum = _mm_cvtsi128_si32(h);
    for (; i < n; i++) sum += (int32_t)a[i] * b[i];
    return sum;
}

/* hamming: per-nibble counts by table lookup (vpshufb), summed per 8 bytes (vpsadbw); POPCNT for the
 * last bytes % 32. Chosen over POPCNT on 64-bit words, which measured slower from 384 bits up. */
VG_AVX2 uint32_t vg_avx2_hamming(const uint8_t *a, const uint8_t *b, size_t bytes) {
    const __m256i nibble_bits = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1,
                                                 2, 2, 3, 2, 3, 3, 4);
    const __m256i low = _mm256_set1_epi8(0x0f);
    __m256i acc = _mm256_setzero_si256();
    size_t i = 0;
    for (; i + 32 <= bytes; i += 32) {
        __m256i x = _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(a + i)),
                                     _mm256_loadu_si256((const __m256i *)(b + i)));
        __m256i lo = _mm256_shuffle_epi8(nibble_bits, _mm256_and_si256(x, low));
        __m256i hi = _mm256_shuffle_epi8(nibble_bits, _mm256_and_si256(_mm256_srli_epi16(x, 4), low));
        acc = _mm256_add_epi64(acc, _mm256_sad_epu8(_mm256_add_epi8(lo, hi), _mm256_setzero_si256()));
    }
    __m128i s = _mm_add_epi64(_mm256_castsi256_si128(acc), _mm256_extracti128_si256(acc, 1));
    uint64_t count = (uint64_t)_mm_cvtsi128_si64(s) + (uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(s, s));
    for (; i + 8 <= bytes; i += 8) {
        uint64_t x, y;
        memcpy(&x, a + i, 8);
        memcpy(&y, b + i, 8);
        count += (uint64_t)_mm_popcnt_u64(x ^ y);
    }
    for (; i < bytes; i++) count += (uint64_t)_mm_popcnt_u32((unsigned)(a[i] ^ b[i]));
    return (uint32_t)count;
}

const vg_kernels vg_kernels_avx2 = {"avx2", avx2_l2sq, avx2_dot, avx2_dot_norms, VG_AVX2_COMPACT_KERNELS};
#else
typedef int vg_kernels_avx2_unused; /* ISO C forbids an empty translation unit */
#endif
