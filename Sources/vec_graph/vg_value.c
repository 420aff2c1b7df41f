/* Decodes a SQL value (vector BLOB or JSON text) into a vector for the SQL functions. */
#include "vg_value.h"
#include "vg_vector.h"

static vg_read fail(sqlite3_context *ctx, const char *fname, int argno, const char *problem) {
    char *msg = sqlite3_mprintf("%s: argument %d: %s", fname, argno, problem);
    if (msg) {
        sqlite3_result_error(ctx, msg, -1);
        sqlite3_free(msg);
    } else {
        sqlite3_result_error_nomem(ctx);
    }
    return VG_READ_ERROR;
}

static vg_read nomem(sqlite3_context *ctx) {
    sqlite3_result_error_nomem(ctx);
    return VG_READ_ERROR;
}

vg_read vg_read_typed(sqlite3_context *ctx, sqlite3_value *value, const char *fname, int argno, vg_vec *out) {
    char err[VG_ERR_LEN];
    out->v = NULL;
    out->dims = 0;
    out->type = VG_ELEM_F32;
    out->body = NULL;
    switch (sqlite3_value_type(value)) {
    case SQLITE_NULL:
        return VG_READ_NULL;
    case SQLITE_BLOB: {
        const void *blob = sqlite3_value_blob(value);
        size_t n = (size_t)sqlite3_value_bytes(value);
        vg_elem type;
        size_t dims;
        const unsigned char *body;
        if (vg_compact_parse(blob, n, &type, &dims, &body, err) != 0) return fail(ctx, fname, argno, err);
        if (type != VG_ELEM_F32) {
            if (vg_compact_check(type, body, dims, err) != 0) return fail(ctx, fname, argno, err);
            out->type = type;
            out->dims = dims;
            out->body = body;
            return VG_READ_OK;
        }
        float *v = sqlite3_malloc64(n);
        if (!v) return nomem(ctx);
        if (vg_blob_decode(blob, n, v, err) != 0) {
            sqlite3_free(v);
            return fail(ctx, fname, argno, err);
        }
        out->v = v;
        out->dims = n / 4;
        return VG_READ_OK;
    }
    case SQLITE_TEXT: {
        const char *z = (const char *)sqlite3_value_text(value);
        size_t n = (size_t)sqlite3_value_bytes(value);
        size_t dims;
        if (!z) return nomem(ctx);
        int rc = vg_json_parse(z, n, NULL, 0, &dims, err);
        if (rc != 0) return rc == VG_NOMEM ? nomem(ctx) : fail(ctx, fname, argno, err);
        float *v = sqlite3_malloc64(dims * sizeof(float));
        if (!v) return nomem(ctx);
        rc = vg_json_parse(z, n, v, dims, &dims, err);
        if (rc != 0) {
            sqlite3_free(v);
            return rc == VG_NOMEM ? nomem(ctx) : fail(ctx, fname, argno, err);
        }
        out->v = v;
        out->dims = dims;
        return VG_READ_OK;
    }
    default:
        return fail(ctx, fname, argno, "expected a vector BLOB or a JSON array text, got a number");
    }
}

void vg_result_error(sqlite3_context *ctx, char *msg) {
    if (msg)
        sqlite3_result_error(ctx, msg, -1);
    else
        sqlite3_result_error_nomem(ctx);
    sqlite3_free(msg);
}

vg_read vg_vec_decode(sqlite3_context *ctx, vg_vec *a) {
    if (a->v || a->type == VG_ELEM_F32) return VG_READ_OK;
    a->v = sqlite3_malloc64(a->dims * sizeof(float));
    if (!a->v) return nomem(ctx);
    vg_compact_decode(a->type, a->body, a->dims, a->v);
    return VG_READ_OK;
}

vg_read vg_read_vector(sqlite3_context *ctx, sqlite3_value *value, const char *fname, int argno, vg_vec *out) {
    vg_read r = vg_read_typed(ctx, value, fname, argno, out);
    return r == VG_READ_OK ? vg_vec_decode(ctx, out) : r;
}
