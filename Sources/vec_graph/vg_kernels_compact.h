/* The portable compact-vector kernels (vg_kernels_compact.c): the scalar table's, and the reference
 * each SIMD version is tested against; a table without its own version of one points at these. */
#ifndef VG_KERNELS_COMPACT_H
#define VG_KERNELS_COMPACT_H

#include "vg_kernels.h"

float vg_portable_l2sq_f16(const float *a, const uint16_t *b, size_t n);
float vg_portable_dot_f16(const float *a, const uint16_t *b, size_t n);
void vg_portable_dot_norms_f16(const float *a, const uint16_t *b, size_t n, float *dot, float *aa, float *bb);
int32_t vg_portable_dot_i8(const int8_t *a, const int8_t *b, size_t n);
uint32_t vg_portable_hamming(const uint8_t *a, const uint8_t *b, size_t bytes);

/* The five above in vg_kernels order, for a table's initializer. */
#define VG_PORTABLE_COMPACT_KERNELS \
    vg_portable_l2sq_f16, vg_portable_dot_f16, vg_portable_dot_norms_f16, vg_portable_dot_i8, vg_portable_hamming

#endif
