/* Every SIMD kernel this CPU runs against the scalar kernel, and the scalar kernel against a
 * double-precision reference, on random vectors of every length 1..2049, aligned and not. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "vg_kernels.h"
#include "vg_test.h"

#define MAX_LEN 2049

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static float random_float(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (float)((double)(rng_state >> 11) / 9007199254740992.0 * 2.0 - 1.0);
}

/* |x - want| within a relative bound of the sum of term magnitudes, as float32 summation allows. */
static int close_enough(double x, double want, double magnitude, size_t n) {
    double tol = 4.0 * (double)n * 1.2e-7 * magnitude + 1e-30;
    return fabs(x - want) <= tol;
}

static void check_kernel(const vg_kernels *k, const float *a, const float *b, size_t n) {
    double l2 = 0, dot = 0, aa = 0, bb = 0, mag_dot = 0;
    for (size_t i = 0; i < n; i++) {
        double d = (double)a[i] - (double)b[i];
        l2 += d * d;
        dot += (double)a[i] * b[i];
        mag_dot += fabs((double)a[i] * b[i]);
        aa += (double)a[i] * a[i];
        bb += (double)b[i] * b[i];
    }
    const vg_kernels *ref = &vg_kernels_scalar;
    float got_l2 = k->l2sq(a, b, n), ref_l2 = ref->l2sq(a, b, n);
    CHECK(close_enough(got_l2, l2, l2, n), "%s l2sq n=%zu: %.9g vs exact %.9g", k->name, n, (double)got_l2, l2);
    CHECK(close_enough(got_l2, ref_l2, l2, n), "%s l2sq n=%zu: %.9g vs scalar %.9g", k->name, n, (double)got_l2, (double)ref_l2);
    float got_dot = k->dot(a, b, n), ref_dot = ref->dot(a, b, n);
    CHECK(close_enough(got_dot, dot, mag_dot, n), "%s dot n=%zu: %.9g vs exact %.9g", k->name, n, (double)got_dot, dot);
    CHECK(close_enough(got_dot, ref_dot, mag_dot, n), "%s dot n=%zu vs scalar", k->name, n);
    float d, x, y;
    k->dot_norms(a, b, n, &d, &x, &y);
    CHECK(close_enough(d, dot, mag_dot, n) && close_enough(x, aa, aa, n) && close_enough(y, bb, bb, n),
          "%s dot_norms n=%zu: %.9g %.9g %.9g vs %.9g %.9g %.9g", k->name, n, (double)d, (double)x, (double)y, dot, aa, bb);
}

static void test_all_lengths(void) {
    /* One spare float in front so a and b can start off the natural alignment. */
    float *a_buf = malloc((MAX_LEN + 1) * sizeof(float));
    float *b_buf = malloc((MAX_LEN + 1) * sizeof(float));
    for (size_t i = 0; i <= MAX_LEN; i++) {
        a_buf[i] = random_float();
        b_buf[i] = random_float() * 3.0f;
    }
    for (int id = 0; id < VG_KERNEL_COUNT; id++) {
        const vg_kernels *k = vg_kernels_get((vg_kernel_id)id);
        if (!k) {
            printf("kernel id %d: not runnable on this CPU or build, skipped\n", id);
            continue;
        }
        for (size_t n = 1; n <= MAX_LEN; n++) {
            size_t offset = n % 2; /* odd lengths start one float off */
            check_kernel(k, a_buf + offset, b_buf + offset, n);
        }
    }
    free(a_buf);
    free(b_buf);
}

static void test_exact_small_cases(void) {
    const float a[] = {1, 2}, b[] = {4, 6};
    for (int id = 0; id < VG_KERNEL_COUNT; id++) {
        const vg_kernels *k = vg_kernels_get((vg_kernel_id)id);
        if (!k) continue;
        CHECK(k->l2sq(a, b, 2) == 25.0f, "%s l2sq([1,2],[4,6]) = %g", k->name, (double)k->l2sq(a, b, 2));
        CHECK(k->dot(a, b, 2) == 16.0f, "%s dot([1,2],[4,6])", k->name);
    }
}

static void test_selection(void) {
    const vg_kernels *best = vg_kernels_best();
    CHECK(best != NULL && vg_kernels_by_name(best->name) == best, "best kernel is selectable by name");
    CHECK(vg_kernels_by_name("scalar") == &vg_kernels_scalar, "scalar always available");
    CHECK(vg_kernels_by_name("nonsense") == NULL, "unknown kernel name");
#if defined(__x86_64__) || defined(_M_X64)
    CHECK(vg_kernels_get(VG_KERNEL_SSE) != NULL, "SSE2 exists on every x86-64");
    CHECK(vg_kernels_get(VG_KERNEL_NEON) == NULL, "no NEON on x86-64");
    const vg_kernels *avx512 = vg_kernels_get(VG_KERNEL_AVX512);
    CHECK(!avx512 || (vg_kernels_get(VG_KERNEL_AVX2) && best == avx512),
          "AVX-512, where this CPU has it, comes with AVX2 and is the fastest kernel");
#endif
#if defined(__wasm_simd128__)
    CHECK(best == vg_kernels_get(VG_KERNEL_SIMD128), "SIMD128 is the fastest kernel of a -msimd128 build");
#endif
    printf("fastest kernel here: %s\n", best->name);
}

void test_kernels(void) {
    test_exact_small_cases();
    test_selection();
    test_all_lengths();
}
