/* The AVX2 table's compact-vector kernels (vg_kernels_avx2.c), which the AVX-512 table shares: its
 * float32 kernels are its own. Callable only where vg_kernels_get(VG_KERNEL_AVX2) is not NULL. */
#ifndef VG_KERNELS_X86_H
#define VG_KERNELS_X86_H

#include <stddef.h>
#include <stdint.h>

float vg_avx2_l2sq_f16(const float *a, const uint16_t *b, size_t n);
float vg_avx2_dot_f16(const float *a, const uint16_t *b, size_t n);
void vg_avx2_dot_norms_f16(const float *a, const uint16_t *b, size_t n, float *dot, float *aa, float *bb);
int32_t vg_avx2_dot_i8(const int8_t *a, const int8_t *b, size_t n);
uint32_t vg_avx2_hamming(const uint8_t *a, const uint8_t *b, size_t bytes);

/* The five above in vg_kernels order, for a table's initializer (as vg_kernels_compact.h's). */
#define VG_AVX2_COMPACT_KERNELS vg_avx2_l2sq_f16, vg_avx2_dot_f16, vg_avx2_dot_norms_f16, vg_avx2_dot_i8, vg_avx2_hamming

#endif
