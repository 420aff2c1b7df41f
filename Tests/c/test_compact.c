/* Unit tests of the compact vector codecs (vg_f16.h, vg_compact.c): binary16 conversion against
 * numpy (compact_reference.h) and a hand-written ldexp decoder on every bit pattern, round-to-even at
 * every binary16 midpoint, the header and length rules, hand-derived i8 quantizations, bit packing,
 * and the i8 distance formulas against brute force on the dequantized values. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compact_reference.h"
#include "vg_compact.h"
#include "vg_f16.h"
#include "vg_test.h"

static uint64_t fnv1a64(uint64_t h, const unsigned char *p, size_t n) {
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3u;
    }
    return h;
}

#define FNV_START 0xcbf29ce484222325u

static uint64_t hash_u32(uint64_t h, uint32_t u) {
    const unsigned char b[4] = {(unsigned char)u, (unsigned char)(u >> 8), (unsigned char)(u >> 16), (unsigned char)(u >> 24)};
    return fnv1a64(h, b, 4);
}

static uint64_t hash_u16(uint64_t h, uint16_t u) {
    const unsigned char b[2] = {(unsigned char)u, (unsigned char)(u >> 8)};
    return fnv1a64(h, b, 2);
}

static uint32_t bits_of(float f) {
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

static float float_of(uint32_t u) {
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

static int is_nan16(uint16_t h) { return (h & 0x7c00u) == 0x7c00u && (h & 0x3ffu); }

/* The value of a finite binary16 by its definition: (1024 + m) 2^(e - 25), or m 2^-24 when e = 0. */
static double half_by_definition(uint16_t h) {
    int e = (h >> 10) & 0x1f, m = h & 0x3ff;
    double v = e ? ldexp(1024 + m, e - 25) : ldexp(m, -24);
    return h & 0x8000u ? -v : v;
}

static void test_f16_to_f32_every_pattern(void) {
    uint64_t hash = FNV_START;
    int wrong = 0, nan_wrong = 0;
    for (uint32_t i = 0; i < 65536; i++) {
        uint16_t h = (uint16_t)i;
        float f = vg_f16_to_f32(h);
        if (is_nan16(h)) {
            if (!isnan(f)) nan_wrong++;
            continue;
        }
        hash = hash_u32(hash, bits_of(f));
        if ((h & 0x7c00u) == 0x7c00u) {
            if (f != (h & 0x8000u ? -INFINITY : INFINITY)) wrong++;
        } else if ((double)f != half_by_definition(h) || (signbit(f) != 0) != ((h & 0x8000u) != 0)) {
            if (wrong++ < 5) fprintf(stderr, "f16 0x%04x -> %.9g, want %.9g\n", h, (double)f, half_by_definition(h));
        }
    }
    CHECK(wrong == 0, "%d binary16 patterns convert to the wrong float32", wrong);
    CHECK(nan_wrong == 0, "%d NaN patterns convert to a number", nan_wrong);
    CHECK(hash == REF_F16_TO_F32_HASH, "binary16 -> float32 differs from numpy (hash %016llx)", (unsigned long long)hash);
}

static void test_f32_to_f16_round_trip(void) {
    int wrong = 0;
    for (uint32_t i = 0; i < 65536; i++) {
        uint16_t h = (uint16_t)i;
        if ((h & 0x7c00u) == 0x7c00u && (h & 0x3ffu)) continue;
        if (vg_f32_to_f16(vg_f16_to_f32(h)) != h) wrong++;
    }
    CHECK(wrong == 0, "%d binary16 values do not survive float32 and back", wrong);
    CHECK(is_nan16(vg_f32_to_f16(NAN)), "NaN stays NaN");
}

/* At the midpoint of neighbours h, h + 1 the even one wins; just below h, just above h + 1. */
static void test_f32_to_f16_midpoints(void) {
    uint64_t hash = FNV_START;
    int wrong = 0;
    for (int sign = 1; sign >= -1; sign -= 2) {
        for (uint32_t i = 0; i < 0x7bff; i++) {
            uint16_t h = (uint16_t)i, s = sign < 0 ? 0x8000u : 0;
            float mid = (float)(sign * (half_by_definition(h) + half_by_definition((uint16_t)(h + 1))) / 2.0);
            float below = nextafterf(mid, 0.0f), above = nextafterf(mid, sign * INFINITY);
            uint16_t rb = vg_f32_to_f16(below), rm = vg_f32_to_f16(mid), ra = vg_f32_to_f16(above);
            hash = hash_u16(hash_u16(hash_u16(hash, rb), rm), ra);
            uint16_t even = (h & 1u) ? (uint16_t)(h + 1) : h;
            /* below the midpoint of 0 and 2^-24 is still zero, whose sign the input keeps */
            if (rb != (s | h) || rm != (s | even) || ra != (s | (uint16_t)(h + 1))) {
                if (wrong++ < 5)
                    fprintf(stderr, "midpoint of 0x%04x: got %04x %04x %04x\n", s | h, rb, rm, ra);
            }
        }
    }
    CHECK(wrong == 0, "%d binary16 midpoints round wrongly", wrong);
    CHECK(hash == REF_F32_TO_F16_MIDPOINT_HASH, "midpoint rounding differs from numpy (hash %016llx)",
          (unsigned long long)hash);
}

static void test_f32_to_f16_random_and_edges(void) {
    uint64_t state = REF_F32_TO_F16_RANDOM_SEED, hash = FNV_START;
    for (int i = 0; i < REF_F32_TO_F16_RANDOM_COUNT; i++) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        uint64_t r = state >> 16;
        uint32_t bits = (uint32_t)((r & 1u) << 31 | (100u + (r >> 1) % 46u) << 23 | ((r >> 8) & 0x7fffffu));
        hash = hash_u16(hash, vg_f32_to_f16(float_of(bits)));
    }
    CHECK(hash == REF_F32_TO_F16_RANDOM_HASH, "random float32 -> binary16 differs from numpy (hash %016llx)",
          (unsigned long long)hash);
    for (size_t i = 0; i < sizeof ref_f32_to_f16_edges / sizeof ref_f32_to_f16_edges[0]; i++) {
        uint16_t got = vg_f32_to_f16(float_of(ref_f32_to_f16_edges[i].f32));
        CHECK(got == ref_f32_to_f16_edges[i].f16, "float32 0x%08x -> 0x%04x, numpy 0x%04x", ref_f32_to_f16_edges[i].f32,
              got, ref_f32_to_f16_edges[i].f16);
    }
}

/* ---- header and formats ---- */

static int parse(const unsigned char *blob, size_t bytes, vg_elem *t, size_t *n, char err[VG_ERR_LEN]) {
    const unsigned char *body;
    err[0] = 0;
    return vg_compact_parse(blob, bytes, t, n, &body, err);
}

static void parse_rejects(const unsigned char *blob, size_t bytes, const char *want) {
    vg_elem t;
    size_t n;
    char err[VG_ERR_LEN];
    CHECK(parse(blob, bytes, &t, &n, err) != 0, "%zu-byte BLOB accepted (want '%s')", bytes, want);
    CHECK(strstr(err, want) != NULL, "message '%s' lacks '%s'", err, want);
}

static void test_header(void) {
    CHECK(strcmp(vg_elem_name(VG_ELEM_F32), "f32") == 0 && strcmp(vg_elem_name(VG_ELEM_F16), "f16") == 0 &&
              strcmp(vg_elem_name(VG_ELEM_I8), "i8") == 0 && strcmp(vg_elem_name(VG_ELEM_BIT), "bit") == 0,
          "element type names");
    CHECK(vg_compact_body_bytes(VG_ELEM_F32, 3) == 12 && vg_compact_body_bytes(VG_ELEM_F16, 3) == 6 &&
              vg_compact_body_bytes(VG_ELEM_I8, 3) == 11 && vg_compact_body_bytes(VG_ELEM_BIT, 3) == 1 &&
              vg_compact_body_bytes(VG_ELEM_BIT, 8) == 1 && vg_compact_body_bytes(VG_ELEM_BIT, 9) == 2,
          "body sizes");
    unsigned char h[8];
    vg_compact_write_header(VG_ELEM_I8, 300, h);
    /* 0x7FC05602 then 300 = 0x12c, little-endian */
    const unsigned char want[8] = {0x02, 0x56, 0xC0, 0x7F, 0x2c, 0x01, 0x00, 0x00};
    CHECK(memcmp(h, want, 8) == 0, "i8 header bytes");
    unsigned char blob[8 + 2 * 3] = {0x01, 0x56, 0xC0, 0x7F, 3, 0, 0, 0, 0x00, 0x3c, 0x00, 0xc0, 0x00, 0x00};
    vg_elem t;
    size_t n;
    char err[VG_ERR_LEN];
    const unsigned char *body;
    CHECK(vg_compact_parse(blob, sizeof blob, &t, &n, &body, err) == 0 && t == VG_ELEM_F16 && n == 3 && body == blob + 8,
          "f16 header parses: %s", err);
    float v[3];
    CHECK(vg_compact_check(t, body, n, err) == 0, "f16 body checks: %s", err);
    vg_compact_decode(t, body, n, v);
    CHECK(v[0] == 1.0f && v[1] == -2.0f && v[2] == 0.0f, "f16 body decodes to 1, -2, 0");
    const unsigned char f32[8] = {0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x20, 0xc0};
    CHECK(vg_compact_parse(f32, 8, &t, &n, &body, err) == 0 && t == VG_ELEM_F32 && n == 2 && body == f32,
          "a float32 BLOB has no header");
    parse_rejects(blob, sizeof blob - 1, "BLOB length 13 does not match its f16 header (3 dimensions: 14 bytes)");
    parse_rejects(blob, 7, "shorter than its 8-byte header");
    parse_rejects(blob, 4, "shorter than its 8-byte header");
    unsigned char bad[16];
    memcpy(bad, blob, 14);
    bad[0] = 4;
    parse_rejects(bad, 14, "unknown type 4");
    bad[0] = 0;
    parse_rejects(bad, 14, "unknown type 0");
    bad[0] = 1;
    memset(bad + 4, 0, 4);
    parse_rejects(bad, 8, "empty vector");
    bad[4] = 0x01, bad[5] = 0x00, bad[6] = 0x01; /* 65537 */
    parse_rejects(bad, 8 + 2 * 65537, "vector too large: 65537 dimensions");
    parse_rejects(f32, 7, "not a multiple of 4");
    parse_rejects(f32, 0, "empty vector");
}

static void check_rejects(vg_elem t, const unsigned char *body, size_t n, const char *want) {
    char err[VG_ERR_LEN] = "";
    CHECK(vg_compact_check(t, body, n, err) != 0, "%s body accepted (want '%s')", vg_elem_name(t), want);
    CHECK(strstr(err, want) != NULL, "message '%s' lacks '%s'", err, want);
}

static void encode_rejects(vg_elem t, const float *x, size_t n, const char *want) {
    unsigned char body[64];
    char err[VG_ERR_LEN] = "";
    CHECK(vg_compact_encode(t, x, n, body, err) != 0, "%s encode accepted (want '%s')", vg_elem_name(t), want);
    CHECK(strstr(err, want) != NULL, "message '%s' lacks '%s'", err, want);
}

static void test_f16_codec(void) {
    const float ok[] = {65504.0f, -65504.0f, 1e-8f, -0.0f, 0.1f};
    unsigned char body[10];
    char err[VG_ERR_LEN];
    CHECK(vg_compact_encode(VG_ELEM_F16, ok, 5, body, err) == 0, "f16 encode: %s", err);
    /* 0x7bff, 0xfbff, 1e-8 rounds to 0 (2^-25 is 2.98e-8), -0, 0.1 -> 0x2e66 (numpy: np.float16(0.1)) */
    const unsigned char want[10] = {0xff, 0x7b, 0xff, 0xfb, 0x00, 0x00, 0x00, 0x80, 0x66, 0x2e};
    CHECK(memcmp(body, want, 10) == 0, "f16 encoded bytes");
    const float over[] = {1.0f, 65504.0039f};
    encode_rejects(VG_ELEM_F16, over, 2, "element 1 (65504.0039) is outside the float16 range -65504..65504");
    const float under[] = {-70000.0f};
    encode_rejects(VG_ELEM_F16, under, 1, "element 0 (-70000) is outside the float16 range");
    const float nan_in[] = {1.0f, NAN};
    encode_rejects(VG_ELEM_F16, nan_in, 2, "element 1 is NaN");
    const float inf_in[] = {INFINITY};
    encode_rejects(VG_ELEM_I8, inf_in, 1, "element 0 is infinite");
    const unsigned char inf16[4] = {0x00, 0x3c, 0x00, 0xfc}, nan16[2] = {0x01, 0x7c};
    check_rejects(VG_ELEM_F16, inf16, 2, "element 1 is a float16 infinity");
    check_rejects(VG_ELEM_F16, nan16, 1, "element 0 is a float16 NaN");
    const unsigned char nan32[4] = {0x00, 0x00, 0xc0, 0x7f};
    check_rejects(VG_ELEM_F32, nan32, 1, "element 0 is NaN");
}

/* Encodes x to i8 and compares scale, offset and q with hand-derived values. */
static void expect_i8(const float *x, size_t n, float scale, float offset, const int8_t *q) {
    unsigned char body[8 + 16];
    char err[VG_ERR_LEN];
    CHECK(vg_compact_encode(VG_ELEM_I8, x, n, body, err) == 0, "i8 encode: %s", err);
    float s, o;
    memcpy(&s, body, 4);
    memcpy(&o, body + 4, 4);
    CHECK(s == scale && o == offset, "i8 scale %.9g offset %.9g, want %.9g %.9g", (double)s, (double)o, (double)scale,
          (double)offset);
    CHECK(memcmp(body + 8, q, n) == 0, "i8 q of a %zu-vector", n);
    CHECK(vg_compact_check(VG_ELEM_I8, body, n, err) == 0, "i8 body checks: %s", err);
}

static void test_i8_quantization(void) {
    /* [-1, 0, 1]: offset 0, scale 2/254 = 1/127, q = x * 127 */
    const float a[] = {-1, 0, 1};
    expect_i8(a, 3, (float)(2.0 / 254.0), 0.0f, (const int8_t[]){-127, 0, 127});
    /* [-127, 127, 0.5, 1.5, -0.5, 2.5, -2.5]: scale 1, offset 0, ties to even: 0, 2, -0, 2, -2 */
    const float b[] = {-127, 127, 0.5f, 1.5f, -0.5f, 2.5f, -2.5f};
    expect_i8(b, 7, 1.0f, 0.0f, (const int8_t[]){-127, 127, 0, 2, 0, 2, -2});
    /* [0, 1, 2, 3]: offset 1.5, scale 3/254 (float32); (1 - 1.5) / scale = -42.33 -> -42 */
    const float c[] = {0, 1, 2, 3};
    expect_i8(c, 4, (float)(3.0 / 254.0), 1.5f, (const int8_t[]){-127, -42, 42, 127});
    /* [10, 12]: offset 11, scale 2/254 rounds to 0.00787401572; 1 / that = 127.0000005 -> 127 */
    const float d[] = {10, 12, 11};
    expect_i8(d, 3, (float)(2.0 / 254.0), 11.0f, (const int8_t[]){-127, 127, 0});
    /* constant vectors: scale 0, q all 0, offset the value */
    const float e[] = {-3.25f, -3.25f};
    expect_i8(e, 2, 0.0f, -3.25f, (const int8_t[]){0, 0});
    expect_i8((const float[]){7.5f}, 1, 0.0f, 7.5f, (const int8_t[]){0});
    /* decoding: offset + scale * q, one rounding */
    unsigned char body[8 + 3];
    char err[VG_ERR_LEN];
    CHECK(vg_compact_encode(VG_ELEM_I8, c, 3, body, err) == 0, "encode [0,1,2]");
    float v[3];
    vg_compact_decode(VG_ELEM_I8, body, 3, v);
    /* offset 1, scale float32(2/254) = 0.00787401571869850159: 1 - 127 scale is 3.7e-9, not 0 */
    double s2 = (double)(float)(2.0 / 254.0);
    CHECK(v[0] == (float)(1.0 - 127.0 * s2) && v[1] == 1.0f && v[2] == (float)(1.0 + 127.0 * s2),
          "i8 [0,1,2] decodes to %.9g %.9g %.9g", (double)v[0], (double)v[1], (double)v[2]);
    /* the extremes of float32 overflow the dequantized range; near them they do not */
    encode_rejects(VG_ELEM_I8, (const float[]){-FLT_MAX, FLT_MAX}, 2, "too large to quantize to i8");
    CHECK(vg_compact_encode(VG_ELEM_I8, (const float[]){-1e38f, 1e38f}, 2, body, err) == 0, "1e38 quantizes: %s", err);
    /* bad bodies */
    unsigned char bad[8 + 2];
    float scale = 1.0f, offset = 0.0f;
    memcpy(bad, &scale, 4);
    memcpy(bad + 4, &offset, 4);
    bad[8] = 5, bad[9] = 0x80;
    check_rejects(VG_ELEM_I8, bad, 2, "element 1 is -128, outside the i8 range -127..127");
    scale = -1.0f;
    memcpy(bad, &scale, 4);
    bad[9] = 0;
    check_rejects(VG_ELEM_I8, bad, 2, "i8 scale -1 is negative");
    scale = NAN;
    memcpy(bad, &scale, 4);
    check_rejects(VG_ELEM_I8, bad, 2, "i8 scale is NaN");
    scale = 1.0f, offset = INFINITY;
    memcpy(bad, &scale, 4);
    memcpy(bad + 4, &offset, 4);
    check_rejects(VG_ELEM_I8, bad, 2, "i8 offset is infinite");
    scale = 3e38f, offset = 0.0f;
    memcpy(bad, &scale, 4);
    memcpy(bad + 4, &offset, 4);
    check_rejects(VG_ELEM_I8, bad, 2, "give values outside float32");
}

static void test_bit_packing(void) {
    /* x > 0 sets bit i of byte i / 8, least significant first; 0 and -0 are 0 bits */
    const float x[] = {1, -1, 0, 2, -0.0f, 1e-30f, -5, 3, /* byte 0: 0b10101001 */ 4, -4, 0.5f};
    unsigned char body[2];
    char err[VG_ERR_LEN];
    CHECK(vg_compact_encode(VG_ELEM_BIT, x, 11, body, err) == 0, "bit encode");
    CHECK(body[0] == 0xA9 && body[1] == 0x05, "bit bytes %02x %02x", body[0], body[1]);
    CHECK(vg_compact_check(VG_ELEM_BIT, body, 11, err) == 0, "bit body checks: %s", err);
    float v[11];
    vg_compact_decode(VG_ELEM_BIT, body, 11, v);
    CHECK(v[0] == 1.0f && v[1] == -1.0f && v[2] == -1.0f && v[10] == 1.0f, "bits decode to +-1");
    const unsigned char padded[2] = {0xA9, 0x0D}; /* bit 11 set in an 11-dimension vector */
    check_rejects(VG_ELEM_BIT, padded, 11, "bit vector of 11 dimensions has padding bits set in its last byte (0x0d)");
    const unsigned char full[1] = {0xff};
    CHECK(vg_compact_check(VG_ELEM_BIT, full, 8, err) == 0, "8 dimensions have no padding");
}

/* ---- i8 distances against brute force over the dequantized values ---- */

static uint64_t rng = 0x2545f4914f6cdd1du;

static float uniform(float lo, float hi) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return lo + (hi - lo) * (float)((double)(rng >> 11) / 9007199254740992.0);
}

static int near(double got, double want, double scale) { return fabs(got - want) <= 1e-9 * scale + 1e-12; }

static void test_i8_distances(void) {
    enum { N = 97 };
    float x[N], y[N];
    unsigned char ba[8 + N], bb[8 + N];
    char err[VG_ERR_LEN];
    for (int round = 0; round < 20; round++) {
        float center = round % 2 ? uniform(-100, 100) : 0.0f;
        for (int i = 0; i < N; i++) {
            x[i] = center + uniform(-1, 1) * (float)(round + 1);
            y[i] = center + uniform(-1, 1);
        }
        CHECK(vg_compact_encode(VG_ELEM_I8, x, N, ba, err) == 0 && vg_compact_encode(VG_ELEM_I8, y, N, bb, err) == 0,
              "encode");
        vg_i8_parts pa, pb;
        vg_i8_parts_of(ba, N, &pa);
        vg_i8_parts_of(bb, N, &pb);
        double dot = 0, l2 = 0, na = 0, nb = 0;
        int32_t dq = 0;
        for (int i = 0; i < N; i++) {
            double u = pa.offset + pa.scale * pa.q[i], w = pb.offset + pb.scale * pb.q[i];
            dot += u * w;
            l2 += (u - w) * (u - w);
            na += u * u;
            nb += w * w;
            dq += pa.q[i] * pb.q[i];
        }
        double mag = sqrt(na * nb) + na + nb;
        CHECK(near(pa.norm2, na, na) && near(pb.norm2, nb, nb), "i8 norms %.17g vs %.17g", pa.norm2, na);
        CHECK(near(vg_i8_dot(&pa, &pb, N, dq), dot, mag), "i8 dot %.17g vs %.17g", vg_i8_dot(&pa, &pb, N, dq), dot);
        CHECK(near(vg_i8_l2sq(&pa, &pb, N, dq), l2, mag), "i8 l2 %.17g vs %.17g", vg_i8_l2sq(&pa, &pb, N, dq), l2);
        CHECK(near(vg_i8_cosine(&pa, &pb, N, dq), 1.0 - dot / sqrt(na * nb), 1.0), "i8 cosine");
        int32_t self = 0;
        for (int i = 0; i < N; i++) self += pa.q[i] * pa.q[i];
        CHECK(vg_i8_l2sq(&pa, &pa, N, self) == 0.0, "a vector is at distance 0 from itself");
    }
    float zero[3] = {0, 0, 0};
    CHECK(vg_compact_encode(VG_ELEM_I8, zero, 3, ba, err) == 0, "encode zeros");
    vg_i8_parts pz;
    vg_i8_parts_of(ba, 3, &pz);
    CHECK(pz.norm2 == 0.0 && isnan(vg_i8_cosine(&pz, &pz, 3, 0)), "a zero vector has no cosine");
}

void test_compact(void) {
    test_f16_to_f32_every_pattern();
    test_f32_to_f16_round_trip();
    test_f32_to_f16_midpoints();
    test_f32_to_f16_random_and_edges();
    test_header();
    test_f16_codec();
    test_i8_quantization();
    test_bit_packing();
    test_i8_distances();
}
