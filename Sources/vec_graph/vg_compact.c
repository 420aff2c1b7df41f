/* The compact vector codecs (formats in vg_compact.h and docs/vectors.md): header, f16, i8 and bit
 * bodies to and from float32, their checks, and the i8 distance formulas. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "vg_compact.h"
#include "vg_f16.h"

static uint32_t load_u32(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void store_u32(unsigned char *p, uint32_t u) {
    p[0] = (unsigned char)u;
    p[1] = (unsigned char)(u >> 8);
    p[2] = (unsigned char)(u >> 16);
    p[3] = (unsigned char)(u >> 24);
}

static float load_f32(const unsigned char *p) {
    uint32_t u = load_u32(p);
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

static void store_f32(unsigned char *p, float f) {
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    store_u32(p, u);
}

static uint16_t load_u16(const unsigned char *p) { return (uint16_t)(p[0] | p[1] << 8); }

const char *vg_elem_name(vg_elem t) {
    switch (t) {
    case VG_ELEM_F16: return "f16";
    case VG_ELEM_I8: return "i8";
    case VG_ELEM_BIT: return "bit";
    default: return "f32";
    }
}

size_t vg_compact_body_bytes(vg_elem t, size_t n) {
    switch (t) {
    case VG_ELEM_F16: return 2 * n;
    case VG_ELEM_I8: return 8 + n;
    case VG_ELEM_BIT: return (n + 7) / 8;
    default: return 4 * n;
    }
}

void vg_compact_write_header(vg_elem t, size_t n, unsigned char out[VG_COMPACT_HEADER_BYTES]) {
    store_u32(out, VG_COMPACT_TAG | (uint32_t)t);
    store_u32(out + 4, (uint32_t)n);
}

int vg_compact_parse(const void *blob, size_t bytes, vg_elem *t, size_t *n, const unsigned char **body,
                     char err[VG_ERR_LEN]) {
    const unsigned char *p = blob;
    /* The tag is the first uint32 with its low byte (the type) masked: bytes 1..3 on the wire. */
    if (bytes < 4 || p[1] != 0x56 || p[2] != 0xC0 || p[3] != 0x7F) {
        if (vg_blob_decode(blob, bytes, NULL, err) != 0) return -1;
        *t = VG_ELEM_F32;
        *n = bytes / 4;
        *body = p;
        return 0;
    }
    if (bytes < VG_COMPACT_HEADER_BYTES) {
        snprintf(err, VG_ERR_LEN, "BLOB of %zu bytes starts with the compact vector tag but is shorter than its 8-byte header",
                 bytes);
        return -1;
    }
    uint32_t type = p[0], dims = load_u32(p + 4);
    if (type < VG_ELEM_F16 || type > VG_ELEM_BIT) {
        snprintf(err, VG_ERR_LEN, "compact vector header has unknown type %u (1 f16, 2 i8, 3 bit)", (unsigned)type);
        return -1;
    }
    if (dims == 0) {
        snprintf(err, VG_ERR_LEN, "empty vector: a vector needs at least one dimension");
        return -1;
    }
    if (dims > VG_MAX_DIMS) {
        snprintf(err, VG_ERR_LEN, "vector too large: %lu dimensions, at most %d", (unsigned long)dims, VG_MAX_DIMS);
        return -1;
    }
    size_t want = VG_COMPACT_HEADER_BYTES + vg_compact_body_bytes((vg_elem)type, dims);
    if (bytes != want) {
        snprintf(err, VG_ERR_LEN, "BLOB length %zu does not match its %s header (%lu dimensions: %zu bytes)", bytes,
                 vg_elem_name((vg_elem)type), (unsigned long)dims, want);
        return -1;
    }
    *t = (vg_elem)type;
    *n = dims;
    *body = p + VG_COMPACT_HEADER_BYTES;
    return 0;
}

static int not_finite(float f, size_t i, int f16, char err[VG_ERR_LEN]) {
    const char *what = f16 ? (isnan(f) ? "a float16 NaN" : "a float16 infinity") : isnan(f) ? "NaN" : "infinite";
    snprintf(err, VG_ERR_LEN, "element %zu is %s", i, what);
    return -1;
}

/* The dequantized value of q: one rounding from the exact offset + scale * q (exact in double). */
static float i8_value(float scale, float offset, int q) { return (float)((double)offset + (double)scale * q); }

static int check_i8(const unsigned char *p, size_t n, char err[VG_ERR_LEN]) {
    float scale = load_f32(p), offset = load_f32(p + 4);
    if (!isfinite(scale) || !isfinite(offset)) {
        snprintf(err, VG_ERR_LEN, "i8 %s is %s", isfinite(scale) ? "offset" : "scale",
                 isnan(isfinite(scale) ? offset : scale) ? "NaN" : "infinite");
        return -1;
    }
    if (scale < 0.0f) {
        snprintf(err, VG_ERR_LEN, "i8 scale %g is negative", (double)scale);
        return -1;
    }
    if (!isfinite(i8_value(scale, offset, 127)) || !isfinite(i8_value(scale, offset, -127))) {
        snprintf(err, VG_ERR_LEN, "i8 scale %g and offset %g give values outside float32", (double)scale, (double)offset);
        return -1;
    }
    const int8_t *q = (const int8_t *)(p + 8);
    for (size_t i = 0; i < n; i++) {
        if (q[i] == -128) {
            snprintf(err, VG_ERR_LEN, "element %zu is -128, outside the i8 range -127..127", i);
            return -1;
        }
    }
    return 0;
}

static int check_bit_padding(const unsigned char *p, size_t n, char err[VG_ERR_LEN]) {
    if (n % 8 == 0) return 0;
    unsigned padding = p[n / 8] >> (n % 8);
    if (padding == 0) return 0;
    snprintf(err, VG_ERR_LEN, "bit vector of %zu dimensions has padding bits set in its last byte (0x%02x)", n, p[n / 8]);
    return -1;
}

int vg_compact_check(vg_elem t, const void *body, size_t n, char err[VG_ERR_LEN]) {
    const unsigned char *p = body;
    switch (t) {
    case VG_ELEM_F16:
        for (size_t i = 0; i < n; i++) {
            uint16_t h = load_u16(p + 2 * i);
            if ((h & 0x7c00u) == 0x7c00u) return not_finite(vg_f16_to_f32(h), i, 1, err);
        }
        return 0;
    case VG_ELEM_I8: return check_i8(p, n, err);
    case VG_ELEM_BIT: return check_bit_padding(p, n, err);
    default:
        for (size_t i = 0; i < n; i++) {
            float f = load_f32(p + 4 * i);
            if (!isfinite(f)) return not_finite(f, i, 0, err);
        }
        return 0;
    }
}

static int encode_f16(const float *x, size_t n, unsigned char *p, char err[VG_ERR_LEN]) {
    for (size_t i = 0; i < n; i++) {
        if (!(fabsf(x[i]) <= VG_F16_MAX)) {
            snprintf(err, VG_ERR_LEN, "element %zu (%.9g) is outside the float16 range -65504..65504", i, (double)x[i]);
            return -1;
        }
        uint16_t h = vg_f32_to_f16(x[i]);
        p[2 * i] = (unsigned char)h;
        p[2 * i + 1] = (unsigned char)(h >> 8);
    }
    return 0;
}

/* Per-vector quantization: offset the midpoint of [min, max], scale a 254th of its width, each
 * computed in double and rounded once to float32; q = (x - offset) / scale rounded to even, clamped. */
static int encode_i8(const float *x, size_t n, unsigned char *p, char err[VG_ERR_LEN]) {
    float lo = x[0], hi = x[0];
    for (size_t i = 1; i < n; i++) {
        if (x[i] < lo) lo = x[i];
        if (x[i] > hi) hi = x[i];
    }
    float offset = (float)(((double)hi + (double)lo) / 2.0);
    float scale = (float)(((double)hi - (double)lo) / 254.0);
    int8_t *q = (int8_t *)(p + 8);
    for (size_t i = 0; i < n; i++) {
        double r = scale > 0.0f ? nearbyint(((double)x[i] - (double)offset) / (double)scale) : 0.0;
        q[i] = (int8_t)(r > 127.0 ? 127 : r < -127.0 ? -127 : (int)r);
    }
    store_f32(p, scale);
    store_f32(p + 4, offset);
    if (!isfinite(i8_value(scale, offset, 127)) || !isfinite(i8_value(scale, offset, -127))) {
        snprintf(err, VG_ERR_LEN, "values from %g to %g are too large to quantize to i8 (the dequantized range overflows float32)",
                 (double)lo, (double)hi);
        return -1;
    }
    return 0;
}

static void encode_bit(const float *x, size_t n, unsigned char *p) {
    memset(p, 0, (n + 7) / 8);
    for (size_t i = 0; i < n; i++)
        if (x[i] > 0.0f) p[i / 8] |= (unsigned char)(1u << (i % 8));
}

int vg_compact_encode(vg_elem t, const float *x, size_t n, void *body, char err[VG_ERR_LEN]) {
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i])) return not_finite(x[i], i, 0, err);
    switch (t) {
    case VG_ELEM_F16: return encode_f16(x, n, body, err);
    case VG_ELEM_I8: return encode_i8(x, n, body, err);
    case VG_ELEM_BIT: encode_bit(x, n, body); return 0;
    default: vg_blob_encode(x, n, body); return 0;
    }
}

void vg_f16_load(const void *body, size_t n, uint16_t *out) {
    const unsigned char *p = body;
    for (size_t i = 0; i < n; i++) out[i] = load_u16(p + 2 * i);
}

void vg_compact_decode(vg_elem t, const void *body, size_t n, float *out) {
    const unsigned char *p = body;
    switch (t) {
    case VG_ELEM_F16:
        for (size_t i = 0; i < n; i++) out[i] = vg_f16_to_f32(load_u16(p + 2 * i));
        return;
    case VG_ELEM_I8: {
        float scale = load_f32(p), offset = load_f32(p + 4);
        const int8_t *q = (const int8_t *)(p + 8);
        for (size_t i = 0; i < n; i++) out[i] = i8_value(scale, offset, q[i]);
        return;
    }
    case VG_ELEM_BIT:
        for (size_t i = 0; i < n; i++) out[i] = (p[i / 8] >> (i % 8)) & 1u ? 1.0f : -1.0f;
        return;
    default:
        for (size_t i = 0; i < n; i++) out[i] = load_f32(p + 4 * i);
        return;
    }
}

void vg_i8_parts_of(const void *body, size_t n, vg_i8_parts *out) {
    const unsigned char *p = body;
    out->scale = load_f32(p);
    out->offset = load_f32(p + 4);
    out->q = (const int8_t *)(p + 8);
    int64_t sum = 0, sumsq = 0;
    for (size_t i = 0; i < n; i++) {
        sum += out->q[i];
        sumsq += (int64_t)out->q[i] * out->q[i];
    }
    out->sum = sum;
    out->sumsq = sumsq;
    double s = out->scale, o = out->offset;
    out->norm2 = (double)n * o * o + 2.0 * o * s * (double)sum + s * s * (double)sumsq;
    if (out->norm2 < 0.0) out->norm2 = 0.0;
}

/* sum((oa + sa qa[i]) (ob + sb qb[i])) */
double vg_i8_dot(const vg_i8_parts *a, const vg_i8_parts *b, size_t n, int32_t dot_q) {
    return a->scale * b->scale * (double)dot_q + a->scale * b->offset * (double)a->sum +
           a->offset * b->scale * (double)b->sum + (double)n * a->offset * b->offset;
}

/* sum((d + sa qa[i] - sb qb[i])^2) with d = oa - ob, grouped so that equal offsets and equal vectors
 * cancel exactly: each product is its own statement, which a compiler may not fuse with the sums. */
double vg_i8_l2sq(const vg_i8_parts *a, const vg_i8_parts *b, size_t n, int32_t dot_q) {
    double d = a->offset - b->offset;
    double aa = a->scale * a->scale * (double)a->sumsq;
    double bb = b->scale * b->scale * (double)b->sumsq;
    double ab = a->scale * b->scale * (double)dot_q;
    double sa = a->scale * (double)a->sum;
    double sb = b->scale * (double)b->sum;
    double l2 = (double)n * d * d + 2.0 * d * (sa - sb) + ((aa - ab) + (bb - ab));
    return l2 < 0.0 ? 0.0 : l2;
}

double vg_i8_cosine(const vg_i8_parts *a, const vg_i8_parts *b, size_t n, int32_t dot_q) {
    if (a->norm2 <= 0.0 || b->norm2 <= 0.0) return NAN;
    double c = 1.0 - vg_i8_dot(a, b, n, dot_q) / sqrt(a->norm2 * b->norm2);
    return c < 0.0 ? 0.0 : c > 2.0 ? 2.0 : c;
}
