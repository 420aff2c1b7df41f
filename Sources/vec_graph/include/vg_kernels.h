/* Distance kernels over float32 arrays: one table per instruction set, chosen at run time. */
#ifndef VG_KERNELS_H
#define VG_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum vg_kernel_id {
    VG_KERNEL_SCALAR = 0,
    VG_KERNEL_SSE = 1,  /* x86-64 SSE2 (every x86-64 CPU) */
    VG_KERNEL_AVX2 = 2, /* x86-64 AVX2 + FMA (+ F16C, POPCNT), when the CPU and OS support it */
    VG_KERNEL_NEON = 3, /* arm64 */
    VG_KERNEL_SIMD128 = 4, /* WebAssembly SIMD128, in builds compiled with -msimd128 */
    VG_KERNEL_AVX512 = 5,  /* x86-64 AVX-512F float32 kernels (the AVX2 table's compact ones), when the
                              CPU and OS support it and AVX2 */
    VG_KERNEL_COUNT = 6
} vg_kernel_id;

typedef struct vg_kernels {
    const char *name;
    /* sum((a[i] - b[i])^2) */
    float (*l2sq)(const float *a, const float *b, size_t n);
    /* sum(a[i] * b[i]) */
    float (*dot)(const float *a, const float *b, size_t n);
    /* dot, |a|^2 and |b|^2 in one pass, for cosine distance */
    void (*dot_norms)(const float *a, const float *b, size_t n, float *dot, float *aa, float *bb);
    /* Compact vectors (vg_compact.h). a float32 (a query, or an f16 vector converted once), b IEEE
     * binary16 in native byte order: l2sq, dot and dot_norms on b converted to float32. */
    float (*l2sq_f16)(const float *a, const uint16_t *b, size_t n);
    float (*dot_f16)(const float *a, const uint16_t *b, size_t n);
    void (*dot_norms_f16)(const float *a, const uint16_t *b, size_t n, float *dot, float *aa, float *bb);
    /* sum(a[i] * b[i]) exactly, for n <= VG_MAX_DIMS and |a[i]|, |b[i]| <= 127 (int8 vectors) */
    int32_t (*dot_i8)(const int8_t *a, const int8_t *b, size_t n);
    /* the number of bits that differ between two bit strings of `bytes` bytes */
    uint32_t (*hamming)(const uint8_t *a, const uint8_t *b, size_t bytes);
} vg_kernels;

/* The kernel table for id, or NULL when this build or this CPU cannot run it. */
const vg_kernels *vg_kernels_get(vg_kernel_id id);

/* The fastest table this CPU runs. */
const vg_kernels *vg_kernels_best(void);

/* The table named "scalar", "sse", "avx2", "avx512", "neon" or "simd128" if this CPU runs it, else NULL. */
const vg_kernels *vg_kernels_by_name(const char *name);

/* Per-instruction-set tables; each is defined only where its instruction set exists. */
extern const vg_kernels vg_kernels_scalar;
#if defined(__x86_64__) || defined(_M_X64)
extern const vg_kernels vg_kernels_sse;
extern const vg_kernels vg_kernels_avx2;
extern const vg_kernels vg_kernels_avx512;
#endif
#if defined(__aarch64__) || defined(_M_ARM64)
extern const vg_kernels vg_kernels_neon;
#endif
#if defined(__wasm_simd128__)
extern const vg_kernels vg_kernels_simd128;
#endif

#ifdef __cplusplus
}
#endif

#endif
