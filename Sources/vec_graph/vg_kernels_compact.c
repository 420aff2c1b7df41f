/* Portable kernels over compact vectors: float32 against float16, int8 dot products, bit hamming
 * distances. The scalar table uses them, as do the tables without their own versions. */
#include <string.h>

#include "vg_f16.h"
#include "vg_kernels_compact.h"

float vg_portable_l2sq_f16(const float *a, const uint16_t *b, size_t n) {
    float sum = 0.0f;
    for (size_t i = 0; i < n; i++) {
        float d = a[i] - vg_f16_to_f32(b[i]);
        sum += d * d;
    }
    return sum;
}

float vg_portable_dot_f16(const float *a, const uint16_t *b, size_t n) {
    float sum = 0.0f;
    for (size_t i = 0; i < n; i++) sum += a[i] * vg_f16_to_f32(b[i]);
    return sum;
}

void vg_portable_dot_norms_f16(const float *a, const uint16_t *b, size_t n, float *dot, float *aa, float *bb) {
    float d = 0.0f, x = 0.0f, y = 0.0f;
    for (size_t i = 0; i < n; i++) {
        float bi = vg_f16_to_f32(b[i]);
        d += a[i] * bi;
        x += a[i] * a[i];
        y += bi * bi;
    }
    *dot = d;
    *aa = x;
    *bb = y;
}

int32_t vg_portable_dot_i8(const int8_t *a, const int8_t *b, size_t n) {
    int32_t sum = 0;
    for (size_t i = 0; i < n; i++) sum += (int32_t)a[i] * b[i];
    return sum;
}

/* The compiler's builtin where the target has a popcount instruction (POPCNT, arm64 CNT, wasm
 * popcnt); elsewhere the bit-parallel sum, which GCC's builtin (a libgcc call there) is slower than. */
static unsigned popcount64(uint64_t x) {
#if (defined(__GNUC__) || defined(__clang__)) && (defined(__POPCNT__) || defined(__aarch64__) || defined(__wasm__))
    return (unsigned)__builtin_popcountll(x);
#else
    x -= (x >> 1) & 0x5555555555555555u;
    x = (x & 0x3333333333333333u) + ((x >> 2) & 0x3333333333333333u);
    x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fu;
    return (unsigned)((x * 0x0101010101010101u) >> 56);
#endif
}

uint32_t vg_portable_hamming(const uint8_t *a, const uint8_t *b, size_t bytes) {
    uint32_t count = 0;
    size_t i = 0;
    for (; i + 8 <= bytes; i += 8) {
        uint64_t x, y;
        memcpy(&x, a + i, 8);
        memcpy(&y, b + i, 8);
        count += popcount64(x ^ y);
    }
    for (; i < bytes; i++) count += popcount64((uint64_t)(a[i] ^ b[i]));
    return count;
}
