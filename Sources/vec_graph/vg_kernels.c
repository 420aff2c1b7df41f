/* Chooses a distance-kernel table: by CPU detection at run time, or by name for tests and benchmarks. */
#include <string.h>

#include "vg_kernels.h"

#if (defined(__x86_64__) || defined(_M_X64)) && defined(_MSC_VER) && !defined(__clang__)
#include <intrin.h>
#include <immintrin.h>
/* AVX2 and FMA reported by CPUID, and the OS saving the YMM registers (OSXSAVE + XCR0 bits 1,2). */
static int cpu_has_avx2_fma(void) {
    int r[4];
    __cpuid(r, 0);
    if (r[0] < 7) return 0;
    __cpuid(r, 1);
    int fma = (r[2] >> 12) & 1, osxsave = (r[2] >> 27) & 1, avx = (r[2] >> 28) & 1;
    if (!(fma && osxsave && avx)) return 0;
    if ((_xgetbv(0) & 6) != 6) return 0;
    __cpuidex(r, 7, 0);
    return (r[1] >> 5) & 1;
}
#elif defined(__x86_64__) || defined(_M_X64)
/* The compiler's CPU model checks AVX support by the OS (XGETBV) as well as CPUID. */
static int cpu_has_avx2_fma(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
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
#endif
#if defined(__aarch64__) || defined(_M_ARM64)
    case VG_KERNEL_NEON:
        return &vg_kernels_neon;
#endif
    default:
        return NULL;
    }
}

const vg_kernels *vg_kernels_best(void) {
    static const vg_kernel_id preference[] = {VG_KERNEL_AVX2, VG_KERNEL_NEON, VG_KERNEL_SSE, VG_KERNEL_SCALAR};
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
