/* arm64 NEON distance kernels: 4 lanes x 4 accumulators with fused multiply-add, scalar tail; for
 * compact vectors, binary16 conversion (FCVTL), widening int8 products and CNT, all in base ARMv8. */
#include "vg_kernels.h"

#if defined(__aarch64__) || defined(_M_ARM64)
#include <arm_neon.h>
#include <string.h>

static float neon_l2sq(const float *a, const float *b, size_t n) {
    float32x4_t s0 = vdupq_n_f32(0), s1 = vdupq_n_f32(0), s2 = vdupq_n_f32(0), s3 = vdupq_n_f32(0);
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        float32x4_t d0 = vsubq_f32(vld1q_f32(a + i), vld1q_f32(b + i));
        float32x4_t d1 = vsubq_f32(vld1q_f32(a + i + 4), vld1q_f32(b + i + 4));
        float32x4_t d2 = vsubq_f32(vld1q_f32(a + i + 8), vld1q_f32(b + i + 8));
        float32x4_t d3 = vsubq_f32(vld1q_f32(a + i + 12), vld1q_f32(b + i + 12));
        s0 = vfmaq_f32(s0, d0, d0);
        s1 = vfmaq_f32(s1, d1, d1);
        s2 = vfmaq_f32(s2, d2, d2);
        s3 = vfmaq_f32(s3, d3, d3);
    }
    for (; i + 4 <= n; i += 4) {
        float32x4_t d = vsubq_f32(vld1q_f32(a + i), vld1q_f32(b + i));
        s0 = vfmaq_f32(s0, d, d);
    }
    float sum = vaddvq_f32(vaddq_f32(vaddq_f32(s0, s1), vaddq_f32(s2, s3)));
    for (; i < n; i++) {
        float d = a[i] - b[i];
        sum += d * d;
    }
    return sum;
}

static float neon_dot(const float *a, const float *b, size_t n) {
    float32x4_t s0 = vdupq_n_f32(0), s1 = vdupq_n_f32(0), s2 = vdupq_n_f32(0), s3 = vdupq_n_f32(0);
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        s0 = vfmaq_f32(s0, vld1q_f32(a + i), vld1q_f32(b + i));
        s1 = vfmaq_f32(s1, vld1q_f32(a + i + 4), vld1q_f32(b + i + 4));
        s2 = vfmaq_f32(s2, vld1q_f32(a + i + 8), vld1q_f32(b + i + 8));
        s3 = vfmaq_f32(s3, vld1q_f32(a + i + 12), vld1q_f32(b + i + 12));
    }
    for (; i + 4 <= n; i += 4) s0 = vfmaq_f32(s0, vld1q_f32(a + i), vld1q_f32(b + i));
    float sum = vaddvq_f32(vaddq_f32(vaddq_f32(s0, s1), vaddq_f32(s2, s3)));
    for (; i < n; i++) sum += a[i] * b[i];
    return sum;
}

static void neon_dot_norms(const float *a, const float *b, size_t n, float *dot, float *aa, float *bb) {
    float32x4_t sd = vdupq_n_f32(0), sa = vdupq_n_f32(0), sb = vdupq_n_f32(0);
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        float32x4_t x = vld1q_f32(a + i), y = vld1q_f32(b + i);
        sd = vfmaq_f32(sd, x, y);
        sa = vfmaq_f32(sa, x, x);
        sb = vfmaq_f32(sb, y, y);
    }
    float d = vaddvq_f32(sd), x = vaddvq_f32(sa), y = vaddvq_f32(sb);
    for (; i < n; i++) {
        d += a[i] * b[i];
        x += a[i] * a[i];
        y += b[i] * b[i];
    }
    *dot = d;
    *aa = x;
    *bb = y;
}

/* Compact vectors. f16: 4 halves at a time widened to float32; the last n % 4 through zero-padded
 * copies (a zero pair adds nothing). */
static float32x4_t load_f16(const uint16_t *p) { return vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(p))); }

/* The tail of a and b from i on (fewer than 4 elements), zero-padded to 4. */
static void load_tail(const float *a, const uint16_t *b, size_t i, size_t n, float32x4_t *x, float32x4_t *y) {
    float ta[4] = {0};
    uint16_t tb[4] = {0};
    memcpy(ta, a + i, (n - i) * sizeof *a);
    memcpy(tb, b + i, (n - i) * sizeof *b);
    *x = vld1q_f32(ta);
    *y = load_f16(tb);
}

static float neon_l2sq_f16(const float *a, const uint16_t *b, size_t n) {
    float32x4_t s0 = vdupq_n_f32(0), s1 = vdupq_n_f32(0), s2 = vdupq_n_f32(0), s3 = vdupq_n_f32(0);
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        float32x4_t d0 = vsubq_f32(vld1q_f32(a + i), load_f16(b + i));
        float32x4_t d1 = vsubq_f32(vld1q_f32(a + i + 4), load_f16(b + i + 4));
        float32x4_t d2 = vsubq_f32(vld1q_f32(a + i + 8), load_f16(b + i + 8));
        float32x4_t d3 = vsubq_f32(vld1q_f32(a + i + 12), load_f16(b + i + 12));
        s0 = vfmaq_f32(s0, d0, d0);
        s1 = vfmaq_f32(s1, d1, d1);
        s2 = vfmaq_f32(s2, d2, d2);
        s3 = vfmaq_f32(s3, d3, d3);
    }
    for (; i + 4 <= n; i += 4) {
        float32x4_t d = vsubq_f32(vld1q_f32(a + i), load_f16(b + i));
        s0 = vfmaq_f32(s0, d, d);
    }
    if (i < n) {
        float32x4_t x, y;
        load_tail(a, b, i, n, &x, &y);
        float32x4_t d = vsubq_f32(x, y);
        s1 = vfmaq_f32(s1, d, d);
    }
    return vaddvq_f32(vaddq_f32(vaddq_f32(s0, s1), vaddq_f32(s2, s3)));
}

static float neon_dot_f16(const float *a, const uint16_t *b, size_t n) {
    float32x4_t s0 = vdupq_n_f32(0), s1 = vdupq_n_f32(0), s2 = vdupq_n_f32(0), s3 = vdupq_n_f32(0);
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        s0 = vfmaq_f32(s0, vld1q_f32(a + i), load_f16(b + i));
        s1 = vfmaq_f32(s1, vld1q_f32(a + i + 4), load_f16(b + i + 4));
        s2 = vfmaq_f32(s2, vld1q_f32(a + i + 8), load_f16(b + i + 8));
        s3 = vfmaq_f32(s3, vld1q_f32(a + i + 12), load_f16(b + i + 12));
    }
    for (; i + 4 <= n; i += 4) s0 = vfmaq_f32(s0, vld1q_f32(a + i), load_f16(b + i));
    if (i < n) {
        float32x4_t x, y;
        load_tail(a, b, i, n, &x, &y);
        s1 = vfmaq_f32(s1, x, y);
    }
    return vaddvq_f32(vaddq_f32(vaddq_f32(s0, s1), vaddq_f32(s2, s3)));
}

static void neon_dot_norms_f16(const float *a, const uint16_t *b, size_t n, float *dot, float *aa, float *bb) {
    float32x4_t sd = vdupq_n_f32(0), sa = vdupq_n_f32(0), sb = vdupq_n_f32(0);
    for (size_t i = 0; i < n; i += 4) {
        float32x4_t x, y;
        if (i + 4 <= n) {
            x = vld1q_f32(a + i);
            y = load_f16(b + i);
        } else {
            load_tail(a, b, i, n, &x, &y);
        }
        sd = vfmaq_f32(sd, x, y);
        sa = vfmaq_f32(sa, x, x);
        sb = vfmaq_f32(sb, y, y);
    }
    *dot = vaddvq_f32(sd);
    *aa = vaddvq_f32(sa);
    *bb = vaddvq_f32(sb);
}

/* int8 dot: widening products (int16, exact) pairwise added into int32 lanes. */
static int32_t neon_dot_i8(const int8_t *a, const int8_t *b, size_t n) {
    int32x4_t s0 = vdupq_n_s32(0), s1 = vdupq_n_s32(0);
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        int8x16_t x = vld1q_s8(a + i), y = vld1q_s8(b + i);
        s0 = vpadalq_s16(s0, vmull_s8(vget_low_s8(x), vget_low_s8(y)));
        s1 = vpadalq_s16(s1, vmull_high_s8(x, y));
    }
    int32_t sum = vaddvq_s32(vaddq_s32(s0, s1));
    for (; i < n; i++) sum += (int32_t)a[i] * b[i];
    return sum;
}

/* hamming: CNT per byte, pairwise added into uint16 lanes (at most 16 a lane per step, so the lanes
 * are summed every 2048 steps, before 65535); the last bytes % 16 through zero-padded copies. */
static uint32_t neon_hamming(const uint8_t *a, const uint8_t *b, size_t bytes) {
    uint32_t count = 0;
    size_t i = 0;
    while (i + 16 <= bytes) {
        uint16x8_t s = vdupq_n_u16(0);
        for (size_t steps = 0; steps < 2048 && i + 16 <= bytes; steps++, i += 16)
            s = vpadalq_u8(s, vcntq_u8(veorq_u8(vld1q_u8(a + i), vld1q_u8(b + i))));
        count += vaddlvq_u16(s);
    }
    if (i < bytes) {
        uint8_t ta[16] = {0}, tb[16] = {0};
        memcpy(ta, a + i, bytes - i);
        memcpy(tb, b + i, bytes - i);
        count += vaddlvq_u8(vcntq_u8(veorq_u8(vld1q_u8(ta), vld1q_u8(tb))));
    }
    return count;
}

const vg_kernels vg_kernels_neon = {"neon", neon_l2sq, neon_dot, neon_dot_norms, neon_l2sq_f16, neon_dot_f16,
                                    neon_dot_norms_f16, neon_dot_i8, neon_hamming};
#else
typedef int vg_kernels_neon_unused; /* ISO C forbids an empty translation unit */
#endif
