/* IEEE binary16 <-> binary32 conversion in portable integer C (no FPU rounding mode or flush-to-zero
 * setting can change it): the one scalar implementation the codec (vg_compact.c) and the portable
 * kernels (vg_kernels_compact.c) share. */
#ifndef VG_F16_H
#define VG_F16_H

#include <stdint.h>
#include <string.h>

/* The float32 value of the binary16 h, exactly (every binary16 is a binary32). Infinities stay
 * infinite; a NaN becomes a quiet NaN with the top payload bits kept. */
static inline float vg_f16_to_f32(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    uint32_t exp = (h >> 10) & 0x1fu, mant = h & 0x3ffu;
    uint32_t bits;
    if (exp == 0x1fu) {
        bits = sign | 0x7f800000u | (mant << 13) | (mant ? 0x00400000u : 0u);
    } else if (exp != 0) {
        bits = sign | ((exp + 112u) << 23) | (mant << 13);
    } else {
        /* zero or subnormal: mant * 2^-24, exact in float32 (a normal float32 for mant > 0) */
        float f = (float)mant * 5.9604644775390625e-8f;
        memcpy(&bits, &f, sizeof bits);
        bits |= sign;
    }
    float out;
    memcpy(&out, &bits, sizeof out);
    return out;
}

/* The binary16 nearest to f, ties to even. Finite values of magnitude 65520 and above round to
 * infinity (callers that must not produce infinity check the range first); NaN gives a quiet NaN. */
static inline uint16_t vg_f32_to_f16(float f) {
    uint32_t x;
    memcpy(&x, &f, sizeof x);
    uint16_t sign = (uint16_t)((x >> 16) & 0x8000u);
    uint32_t ax = x & 0x7fffffffu;
    if (ax > 0x7f800000u) return (uint16_t)(sign | 0x7e00u | ((ax >> 13) & 0x3ffu));
    if (ax >= 0x477ff000u) return (uint16_t)(sign | 0x7c00u); /* >= 65520: rounds past 65504 */
    if (ax >= 0x38800000u) {
        /* normal binary16 (>= 2^-14): rebias the exponent, round the 13 dropped bits to even; a
         * carry out of the mantissa correctly bumps the exponent */
        uint32_t odd = (ax >> 13) & 1u;
        return (uint16_t)(sign | ((ax - 0x38000000u + 0xfffu + odd) >> 13));
    }
    /* subnormal binary16 or zero: the value in units of 2^-24, rounded to even */
    uint32_t exp = ax >> 23;
    uint32_t mant = exp ? (ax & 0x7fffffu) | 0x800000u : ax;
    uint32_t shift = 126u - (exp ? exp : 1u); /* value = mant * 2^-(shift) units of 2^-24 */
    if (shift >= 25u) return sign; /* below 2^-25: rounds to zero */
    uint32_t q = mant >> shift, rem = mant & ((1u << shift) - 1u), half = 1u << (shift - 1u);
    if (rem > half || (rem == half && (q & 1u))) q++;
    return (uint16_t)(sign | q);
}

#endif
