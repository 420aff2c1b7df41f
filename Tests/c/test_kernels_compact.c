/* The compact-vector kernels of every table this CPU runs (float32 x float16, int8 dot, hamming)
 * against the portable kernels and a double / integer reference, on every length 0..2049, aligned
 * and one element off; the integer kernels at their extremes. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vg_f16.h"
#include "vg_kernels_compact.h"
#include "vg_test.h"

#define MAX_LEN 2049

static uint64_t rng_state = 0x853c49e6748fea9bu;

static uint64_t next_random(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static float random_float(void) { return (float)((double)(next_random() >> 11) / 9007199254740992.0 * 2.0 - 1.0); }

/* As test_kernels.c: within a float32 summation bound relative to the terms' magnitude. */
static int close_enough(double x, double want, double magnitude, size_t n) {
    return fabs(x - want) <= 4.0 * (double)n * 1.2e-7 * magnitude + 1e-30;
}

static void check_f16(const vg_kernels *k, const float *a, const uint16_t *b, size_t n, int *bad) {
    double l2 = 0, dot = 0, mag = 0, aa = 0, bb = 0;
    for (size_t i = 0; i < n; i++) {
        double x = a[i], y = vg_f16_to_f32(b[i]);
        l2 += (x - y) * (x - y);
        dot += x * y;
        mag += fabs(x * y);
        aa += x * x;
        bb += y * y;
    }
    float got_l2 = k->l2sq_f16(a, b, n), ref_l2 = vg_portable_l2sq_f16(a, b, n);
    float got_dot = k->dot_f16(a, b, n), ref_dot = vg_portable_dot_f16(a, b, n);
    float d, x, y;
    k->dot_norms_f16(a, b, n, &d, &x, &y);
    int ok = close_enough(got_l2, l2, l2, n) && close_enough(got_l2, ref_l2, l2, n) &&
             close_enough(got_dot, dot, mag, n) && close_enough(got_dot, ref_dot, mag, n) &&
             close_enough(d, dot, mag, n) && close_enough(x, aa, aa, n) && close_enough(y, bb, bb, n);
    if (!ok && (*bad)++ < 5)
        fprintf(stderr, "%s f16 n=%zu: l2 %.9g (%.9g) dot %.9g (%.9g) norms %.9g %.9g %.9g (%.9g %.9g %.9g)\n", k->name,
                n, (double)got_l2, l2, (double)got_dot, dot, (double)d, (double)x, (double)y, dot, aa, bb);
}

static void check_integer(const vg_kernels *k, const int8_t *qa, const int8_t *qb, const uint8_t *ba,
                          const uint8_t *bb, size_t n, int *bad) {
    int64_t dot = 0;
    uint32_t ham = 0;
    for (size_t i = 0; i < n; i++) {
        dot += (int64_t)qa[i] * qb[i];
        for (unsigned x = (unsigned)(ba[i] ^ bb[i]); x; x &= x - 1) ham++;
    }
    int32_t got_dot = k->dot_i8(qa, qb, n);
    uint32_t got_ham = k->hamming(ba, bb, n);
    if ((got_dot != dot || got_ham != ham || vg_portable_dot_i8(qa, qb, n) != dot ||
         vg_portable_hamming(ba, bb, n) != ham) &&
        (*bad)++ < 5)
        fprintf(stderr, "%s n=%zu: dot_i8 %ld want %lld, hamming %u want %u\n", k->name, n, (long)got_dot,
                (long long)dot, got_ham, ham);
}

static void test_every_length(void) {
    float *a = malloc((MAX_LEN + 1) * sizeof *a);
    uint16_t *b = malloc((MAX_LEN + 1) * sizeof *b);
    int8_t *qa = malloc(MAX_LEN + 1), *qb = malloc(MAX_LEN + 1);
    uint8_t *ba = malloc(MAX_LEN + 1), *bb = malloc(MAX_LEN + 1);
    for (size_t i = 0; i <= MAX_LEN; i++) {
        a[i] = random_float() * 2.0f;
        b[i] = vg_f32_to_f16(random_float() * 3.0f);
        qa[i] = (int8_t)((int)(next_random() % 255) - 127);
        qb[i] = (int8_t)((int)(next_random() % 255) - 127);
        ba[i] = (uint8_t)next_random();
        bb[i] = (uint8_t)next_random();
    }
    for (int id = 0; id < VG_KERNEL_COUNT; id++) {
        const vg_kernels *k = vg_kernels_get((vg_kernel_id)id);
        if (!k) continue;
        CHECK(k->l2sq_f16 && k->dot_f16 && k->dot_norms_f16 && k->dot_i8 && k->hamming, "%s has every compact kernel",
              k->name);
        int bad_f16 = 0, bad_int = 0;
        for (size_t n = 0; n <= MAX_LEN; n++) {
            size_t off = n % 2; /* odd lengths start one element off */
            check_f16(k, a + off, b + off, n, &bad_f16);
            check_integer(k, qa + off, qb + off, ba + off, bb + off, n, &bad_int);
        }
        CHECK(bad_f16 == 0, "%s: %d lengths with wrong f16 kernels", k->name, bad_f16);
        CHECK(bad_int == 0, "%s: %d lengths with wrong dot_i8 or hamming", k->name, bad_int);
    }
    free(a);
    free(b);
    free(qa);
    free(qb);
    free(ba);
    free(bb);
}

/* 65536 x 127 x 127 = 1,057,030,144 and its negative fit int32; 70,000 bytes of 0xff ^ 0x00 is
 * 560,000 bits (more than any vector: exercises the NEON kernel's lane flush). */
static void test_extremes(void) {
    size_t n = 65536, bytes = 70000;
    int8_t *p = malloc(n), *m = malloc(n);
    uint8_t *ones = malloc(bytes), *zeros = calloc(bytes, 1);
    memset(p, 127, n);
    memset(m, -127, n);
    memset(ones, 0xff, bytes);
    for (int id = 0; id < VG_KERNEL_COUNT; id++) {
        const vg_kernels *k = vg_kernels_get((vg_kernel_id)id);
        if (!k) continue;
        CHECK(k->dot_i8(p, p, n) == 1057030144 && k->dot_i8(p, m, n) == -1057030144, "%s dot_i8 at its extremes",
              k->name);
        CHECK(k->hamming(ones, zeros, bytes) == 8u * bytes, "%s hamming of %zu bytes", k->name, bytes);
        const float one[1] = {1.0f};
        const uint16_t two[1] = {0x4000u};
        CHECK(k->l2sq_f16(one, two, 1) == 1.0f && k->dot_f16(one, two, 1) == 2.0f, "%s f16 kernels on one element",
              k->name);
    }
    free(p);
    free(m);
    free(ones);
    free(zeros);
}

void test_kernels_compact(void) {
    test_extremes();
    test_every_length();
}
