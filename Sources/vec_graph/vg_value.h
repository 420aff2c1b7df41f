/* Reading a vector argument of a SQL function, with errors that name the function and argument. */
#ifndef VG_VALUE_H
#define VG_VALUE_H

#include <stddef.h>

#include "vg_sqlite.h"

typedef struct vg_vec {
    float *v;    /* sqlite3_malloc'd, dims values; free with sqlite3_free */
    size_t dims;
} vg_vec;

typedef enum vg_read { VG_READ_OK, VG_READ_NULL, VG_READ_ERROR } vg_read;

/* Decodes argument number argno (1-based, for messages) of function fname: a float32 BLOB or a JSON
 * array text. NULL gives VG_READ_NULL. On error the message is set on ctx and out holds nothing. */
vg_read vg_read_vector(sqlite3_context *ctx, sqlite3_value *value, const char *fname, int argno, vg_vec *out);

#endif
