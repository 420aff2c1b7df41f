/* Distance kernels over float32 arrays: one table per instruction set, chosen at run time. */
#ifndef VG_KERNELS_H
#define VG_KERNELS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum vg_kernel_id {
    VG_KERNEL_SCALAR = 0,
    VG_KERNEL_SSE = 1,  /* x86-64 SSE2 (every x86-64 CPU) */
    VG_KERNEL_AVX2 = 2, /* x86-64 AVX2 + FMA, when the CPU and OS support it */
    VG_KERNEL_NEON = 3, /* arm64 */
    VG_KERNEL_COUNT = 4
} vg_kernel_id;

typedef struct vg_kernels {
    const char *name;
    /* sum((a[i] - b[i])^2) */
    float (*l2sq)(const float *a, const float *b, size_t n);
    /* sum(a[i] * b[i]) */
    float (*dot)(const float *a, const float *b, size_t n);
    /* dot, |a|^2 and |b|^2 in one pass, for cosine distance */
    void (*dot_norms)(const float *a, const float *b, size_t n, float *dot, float *aa, float *bb);
} vg_kernels;

/* The kernel table for id, or NULL when this build or this CPU cannot run it. */
const vg_kernels *vg_kernels_get(vg_kernel_id id);

/* The fastest table this CPU runs. */
const vg_kernels *vg_kernels_best(void);

/* The table named "scalar", "sse", "avx2" or "neon" if this CPU runs it, else NULL. */
const vg_kernels *vg_kernels_by_name(const char *name);

/* Per-instruction-set tables; each is defined only where its instruction set exists. */
extern const vg_kernels vg_kernels_scalar;
#if defined(__x86_64__) || defined(_M_X64)
extern const vg_kernels vg_kernels_sse;
extern const vg_kernels vg_kernels_avx2;
#endif
#if defined(__aarch64__) || defined(_M_ARM64)
extern const vg_kernels vg_kernels_neon;
#endif

#ifdef __cplusplus
}
#endif

#endif
