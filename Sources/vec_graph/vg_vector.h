/* Float32 vectors as SQL values: decoding BLOB or JSON text, checking them, encoding them back. */
#ifndef VG_VECTOR_H
#define VG_VECTOR_H

#include <stddef.h>

/* The largest vector any vec_graph function accepts. */
#define VG_MAX_DIMS 65536

/* Room for any error message the decoders write. */
#define VG_ERR_LEN 160

/* What vg_json_parse returns when it runs out of memory (a number longer than 60 bytes needs a copy). */
#define VG_NOMEM (-2)

/* Parses a JSON array of numbers ("[1, 2.5, -3e2]") of n bytes. With out == NULL only counts
 * (cap ignored); otherwise writes at most cap values. Sets *dims; returns 0, -1 with a message in
 * err, or VG_NOMEM. Rejects non-numbers, values outside float32, NaN/infinity, [] and arrays over
 * VG_MAX_DIMS. */
int vg_json_parse(const char *z, size_t n, float *out, size_t cap, size_t *dims, char err[VG_ERR_LEN]);

/* Decodes a little-endian float32 BLOB of n bytes into out (n / 4 values), checking the length
 * and every value. Returns 0, or -1 with a message in err. With out == NULL only checks the length. */
int vg_blob_decode(const void *blob, size_t n, float *out, char err[VG_ERR_LEN]);

/* Writes v as little-endian float32 bytes (4 * dims) into out. */
void vg_blob_encode(const float *v, size_t dims, unsigned char *out);

/* Writes v as a JSON array into out (cap bytes; vg_json_size gives enough) and returns its length. */
size_t vg_json_format(const float *v, size_t dims, char *out, size_t cap);
size_t vg_json_size(size_t dims);

#endif
