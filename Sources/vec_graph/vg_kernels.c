/* Chooses a distance-kernel table: by CPU detection at run time, or by name for tests and benchmarks. */
#include <string.h>

#include "vg_kernels.h"

#if (defined(__x86_64__) || defined(_M_X64)) && defined(_MSC_VER) && !defined(__clang__)
#include <intrin.h>
#include <immintrin.h>
/* AVX2, FMA, F16C and POPCNT reported by CPUID (every AVX2 CPU has the last two), and the OS saving
 * the YMM registers (OSXSAVE + XCR0 bits 1,2). */
static int cpu_has_avx2_fma(void) {
    int r[4];
    __cpuid(r, 0);
    if (r[0] < 7) return 0;
    __cpuid(r, 1);
    int fma = (r[2] >> 12) & 1, osxsave = (r[2] >> 27) & 1, avx = (r[2] >> 28) & 1;
    int popcnt = (r[2] >> 23) & 1, f16c = (r[2] >> 29) & 1;
    if (!(fma && osxsave && avx && popcnt && f16c)) return 0;
    if ((_xgetbv(0) & 6) != 6) return 0;
    __cpuidex(r, 7, 0);
    return (r[1] >> 5) & 1;
}
/* AVX-512F reported by CPUID, and the OS saving the mask and ZMM registers (XCR0 bits 5-7). */
static int cpu_has_avx512f(void) {
    int r[4];
    __cpuidex(r, 7, 0);
    return ((r[1] >> 16) & 1) && (_xgetbv(0) & 0xe6) == 0xe6;
}
#elif defined(__x86_64__) || defined(_M_X64)
#include <cpuid.h>
/* CPUID + XGETBV read directly rather than __builtin_cpu_supports, which zig's compiler_rt
 * (our cross-build toolchain) answers with "no" for everything. */
static int cpu_has_avx2_fma(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    unsigned fma = (c >> 12) & 1, osxsave = (c >> 27) & 1, avx = (c >> 28) & 1;
    unsigned popcnt = (c >> 23) & 1, f16c = (c >> 29) & 1; /* the compact-vector kernels' */
    if (!(fma && osxsave && avx && popcnt && f16c)) return 0;
    unsigned xcr0_lo, xcr0_hi;
    __asm__ volatile("xgetbv" : "=a"(xcr0_lo), "=d"(xcr0_hi) : "c"(0));
    if ((xcr0_lo & 6) != 6) return 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    return (b >> 5) & 1;
}
/* AVX-512F reported by CPUID, and the OS saving the mask and ZMM registers (XCR0 bits 5-7). Asked
 * after cpu_has_avx2_fma, which checked OSXSAVE. */
static int cpu_has_avx512f(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d) || !((b >> 16) & 1)) return 0;
    unsigned xcr0_lo, xcr0_hi;
    __asm__ volatile("xgetbv" : "=a"(xcr0_lo), "=d"(xcr0_hi) : "c"(0));
    return (xcr0_lo & 0xe6) == 0xe6;
}
#endif

const vg_kernels *vg_kernels_get(vg_kernel_id id) {
    switch (id) {
    case VG_KERNEL_SCALAR:
        return &vg_kernels_scalar;
#if defined(__x86_64__) || defined(_M_X64)
    case VG_KERNEL_SSE:
        return &vg_kernels_sse;
    case VG_KERNEL_AVX2:
        return cpu_has_avx2_fma() ? &vg_kernels_avx2 : NULL;
    case VG_KERNEL_AVX512:
        return cpu_has_avx2_fma() && cpu_has_avx512f() ? &vg_kernels_avx512 : NULL;
#endif
#if defined(__aarch64__) || defined(_M_ARM64)
    case VG_KERNEL_NEON:
        return &vg_kernels_neon;
#endif
#if defined(__wasm_simd128__)
    case VG_KERNEL_SIMD128:
        return &vg_kernels_simd128;
#endif
    default:
        return NULL;
    }
}

const vg_kernels *vg_kernels_best(void) {
    static const vg_kernel_id preference[] = {VG_KERNEL_AVX512, VG_KERNEL_AVX2,   VG_KERNEL_NEON,
                                                VG_KERNEL_SIMD128, VG_KERNEL_SSE, VG_KERNEL_SCALAR};
    for (size_t i = 0; i < sizeof preference / sizeof preference[0]; i++) {
        const vg_kernels *k = vg_kernels_get(preference[i]);
        if (k) return k;
    }
    return &vg_kernels_scalar;
}

const vg_kernels *vg_kernels_by_name(const char *name) {
    for (int id = 0; id < VG_KERNEL_COUNT; id++) {
        const vg_kernels *k = vg_kernels_get((vg_kernel_id)id);
        if (k && strcmp(k->name, name) == 0) return k;
    }
    return NULL;
}
