/* Reading a vector argument of a SQL function, with errors that name the function and argument. */
#ifndef VG_VALUE_H
#define VG_VALUE_H

#include <stddef.h>

#include "vg_compact.h"
#include "vg_sqlite.h"

typedef struct vg_vec {
    float *v;    /* sqlite3_malloc'd, dims values; free with sqlite3_free. NULL for a compact vector
                    read by vg_read_typed (until vg_vec_decode) */
    size_t dims;
    vg_elem type;               /* VG_ELEM_F32 for a float32 BLOB or a JSON array text */
    const unsigned char *body;  /* a compact vector's checked body, inside the SQL value */
} vg_vec;

typedef enum vg_read { VG_READ_OK, VG_READ_NULL, VG_READ_ERROR } vg_read;

/* Decodes argument number argno (1-based, for messages) of function fname: a vector BLOB (float32, or
 * a typed f16, i8 or bit vector, vg_compact.h) or a JSON array text, into float32 values (out->v).
 * NULL gives VG_READ_NULL. On error the message is set on ctx and out holds nothing. */
vg_read vg_read_vector(sqlite3_context *ctx, sqlite3_value *value, const char *fname, int argno, vg_vec *out);

/* As vg_read_vector, but a compact vector is only checked: out->type, dims and body are set, out->v is
 * NULL. The body lives as long as the SQL value is not changed. */
vg_read vg_read_typed(sqlite3_context *ctx, sqlite3_value *value, const char *fname, int argno, vg_vec *out);

/* Sets msg (sqlite3_mprintf'd; NULL: it ran out of memory) as ctx's error, and frees it. */
void vg_result_error(sqlite3_context *ctx, char *msg);

/* Decodes a compact vector read by vg_read_typed into out->v (float32, vg_compact_decode); nothing to do
 * for float32. Returns VG_READ_OK, or VG_READ_ERROR (out of memory, set on ctx). */
vg_read vg_vec_decode(sqlite3_context *ctx, vg_vec *a);

#endif
