/* WebAssembly SIMD128 distance kernels: 4 lanes x 4 accumulators, scalar tail. Wasm has no run-time
 * feature test (a module using SIMD does not load where SIMD is missing), so this table exists only
 * in builds compiled with -msimd128; every current browser, Node and Deno run them. */
#include "vg_kernels_compact.h"

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>

static float hsum128(v128_t v) {
    return (wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1)) +
           (wasm_f32x4_extract_lane(v, 2) + wasm_f32x4_extract_lane(v, 3));
}

static float simd128_l2sq(const float *a, const float *b, size_t n) {
    v128_t s0 = wasm_f32x4_splat(0), s1 = wasm_f32x4_splat(0), s2 = wasm_f32x4_splat(0), s3 = wasm_f32x4_splat(0);
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        v128_t d0 = wasm_f32x4_sub(wasm_v128_load(a + i), wasm_v128_load(b + i));
        v128_t d1 = wasm_f32x4_sub(wasm_v128_load(a + i + 4), wasm_v128_load(b + i + 4));
        v128_t d2 = wasm_f32x4_sub(wasm_v128_load(a + i + 8), wasm_v128_load(b + i + 8));
        v128_t d3 = wasm_f32x4_sub(wasm_v128_load(a + i + 12), wasm_v128_load(b + i + 12));
        s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(d0, d0));
        s1 = wasm_f32x4_add(s1, wasm_f32x4_mul(d1, d1));
        s2 = wasm_f32x4_add(s2, wasm_f32x4_mul(d2, d2));
        s3 = wasm_f32x4_add(s3, wasm_f32x4_mul(d3, d3));
    }
    for (; i + 4 <= n; i += 4) {
        v128_t d = wasm_f32x4_sub(wasm_v128_load(a + i), wasm_v128_load(b + i));
        s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(d, d));
    }
    float sum = hsum128(wasm_f32x4_add(wasm_f32x4_add(s0, s1), wasm_f32x4_add(s2, s3)));
    for (; i < n; i++) {
        float d = a[i] - b[i];
        sum += d * d;
    }
    return sum;
}

static float simd128_dot(const float *a, const float *b, size_t n) {
    v128_t s0 = wasm_f32x4_splat(0), s1 = wasm_f32x4_splat(0), s2 = wasm_f32x4_splat(0), s3 = wasm_f32x4_splat(0);
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(wasm_v128_load(a + i), wasm_v128_load(b + i)));
        s1 = wasm_f32x4_add(s1, wasm_f32x4_mul(wasm_v128_load(a + i + 4), wasm_v128_load(b + i + 4)));
        s2 = wasm_f32x4_add(s2, wasm_f32x4_mul(wasm_v128_load(a + i + 8), wasm_v128_load(b + i + 8)));
        s3 = wasm_f32x4_add(s3, wasm_f32x4_mul(wasm_v128_load(a + i + 12), wasm_v128_load(b + i + 12)));
    }
    for (; i + 4 <= n; i += 4) s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(wasm_v128_load(a + i), wasm_v128_load(b + i)));
    float sum = hsum128(wasm_f32x4_add(wasm_f32x4_add(s0, s1), wasm_f32x4_add(s2, s3)));
    for (; i < n; i++) sum += a[i] * b[i];
    return sum;
}

static void simd128_dot_norms(const float *a, const float *b, size_t n, float *dot, float *aa, float *bb) {
    v128_t sd = wasm_f32x4_splat(0), sa = wasm_f32x4_splat(0), sb = wasm_f32x4_splat(0);
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        v128_t x = wasm_v128_load(a + i), y = wasm_v128_load(b + i);
        sd = wasm_f32x4_add(sd, wasm_f32x4_mul(x, y));
        sa = wasm_f32x4_add(sa, wasm_f32x4_mul(x, x));
        sb = wasm_f32x4_add(sb, wasm_f32x4_mul(y, y));
    }
    float d = hsum128(sd), x = hsum128(sa), y = hsum128(sb);
    for (; i < n; i++) {
        d += a[i] * b[i];
        x += a[i] * a[i];
        y += b[i] * b[i];
    }
    *dot = d;
    *aa = x;
    *bb = y;
}

/* The compact-vector kernels are the portable ones (issue 18). */
const vg_kernels vg_kernels_simd128 = {"simd128", simd128_l2sq, simd128_dot, simd128_dot_norms,
                                       VG_PORTABLE_COMPACT_KERNELS};
#else
typedef int vg_kernels_simd128_unused; /* ISO C forbids an empty translation unit */
#endif
