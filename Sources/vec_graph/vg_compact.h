/* Compact vectors (docs/vectors.md): the element types f32, f16, i8 and bit, the 8-byte header of a
 * typed BLOB, and the codecs between float32 arrays and each body. Plain C, unit-tested; the SQL
 * functions are in vg_compact_functions.c, the distance kernels in the kernel tables (vg_kernels.h).
 *
 * A typed BLOB is the header (uint32 VG_COMPACT_TAG | type, uint32 n; little-endian) then the body:
 *   f16  n IEEE binary16                       (2n bytes)
 *   i8   float32 scale, float32 offset, n int8 (8 + n bytes), value i = offset + scale * q[i]
 *   bit  ceil(n / 8) bytes, bit i = byte i / 8, bit i % 8 (least significant first), 1 when x[i] > 0
 * An f32 vector has no header: 4n bytes of binary32, none NaN or infinite (so none starts with the tag). */
#ifndef VG_COMPACT_H
#define VG_COMPACT_H

#include <stddef.h>
#include <stdint.h>

#include "vg_vector.h"

/* The element types; the compact ones' values are their header type codes. */
typedef enum vg_elem { VG_ELEM_F32 = 0, VG_ELEM_F16 = 1, VG_ELEM_I8 = 2, VG_ELEM_BIT = 3 } vg_elem;

/* A float32 quiet-NaN pattern; the header's first uint32 is this | type. */
#define VG_COMPACT_TAG 0x7FC05600u
#define VG_COMPACT_HEADER_BYTES 8
/* The largest finite binary16; f16 encoding rejects anything larger in magnitude. */
#define VG_F16_MAX 65504.0f

/* "f32", "f16", "i8" or "bit". */
const char *vg_elem_name(vg_elem t);

/* Bytes of the body after the header: f32 4n, f16 2n, i8 8 + n (scale and offset included), bit ceil(n / 8). */
size_t vg_compact_body_bytes(vg_elem t, size_t n);

/* Writes the 8-byte header of a t vector (t compact) of n dimensions. */
void vg_compact_write_header(vg_elem t, size_t n, unsigned char out[VG_COMPACT_HEADER_BYTES]);

/* Reads the format of a vector BLOB of `bytes` bytes: a typed compact vector (tag, type, 1..VG_MAX_DIMS
 * dimensions, length exactly header + body) or, without the tag, float32 (a non-zero multiple of 4
 * bytes, at most VG_MAX_DIMS values). Sets *t, *n and *body (after the header; blob itself for f32).
 * Returns 0, or -1 with a message in err. The values are not checked: see vg_compact_check. */
int vg_compact_parse(const void *blob, size_t bytes, vg_elem *t, size_t *n, const unsigned char **body,
                     char err[VG_ERR_LEN]);

/* Checks the values of a body of n dimensions: f32 and f16 finite; i8 scale finite and >= 0, offset
 * finite, every q in -127..127, every value finite in float32; bit padding bits 0. Returns 0, or -1
 * with a message in err. */
int vg_compact_check(vg_elem t, const void *body, size_t n, char err[VG_ERR_LEN]);

/* Encodes n float32 values (finite) into a t body of vg_compact_body_bytes(t, n) bytes: f16 rounds to
 * nearest even and rejects magnitudes above 65504; i8 quantizes per vector (docs/vectors.md); bit keeps
 * x[i] > 0. Returns 0, or -1 with a message in err (body then unspecified). */
int vg_compact_encode(vg_elem t, const float *x, size_t n, void *body, char err[VG_ERR_LEN]);

/* Decodes a checked body into n float32 values: f16 exactly; i8 offset + scale * q rounded once to
 * float32; bit 1.0 for a 1 bit and -1.0 for a 0 bit. */
void vg_compact_decode(vg_elem t, const void *body, size_t n, float *out);

/* Copies the n binary16 values of an f16 body (any alignment, little-endian) into native uint16. */
void vg_f16_load(const void *body, size_t n, uint16_t *out);

/* The parts of an i8 vector the distance formulas use, read once per vector from a checked body. */
typedef struct vg_i8_parts {
    double scale, offset;
    const int8_t *q; /* n values, inside the body */
    int64_t sum;     /* sum of q[i] */
    int64_t sumsq;   /* sum of q[i]^2 */
    double norm2;    /* |x|^2 of the dequantized vector (offset + scale * q[i], not rounded to float32) */
} vg_i8_parts;

void vg_i8_parts_of(const void *body, size_t n, vg_i8_parts *out);

/* Distances between two i8 vectors of n dimensions from their parts and dot_q = sum(qa[i] * qb[i])
 * (the dot_i8 kernel), in double, on the exact dequantized values: the dot product; the squared L2
 * distance (>= 0); 1 - cosine kept in [0, 2], or NAN when either vector has norm 0. */
double vg_i8_dot(const vg_i8_parts *a, const vg_i8_parts *b, size_t n, int32_t dot_q);
double vg_i8_l2sq(const vg_i8_parts *a, const vg_i8_parts *b, size_t n, int32_t dot_q);
double vg_i8_cosine(const vg_i8_parts *a, const vg_i8_parts *b, size_t n, int32_t dot_q);

#endif
