/* The compact-vector SQL functions: vg_f16, vg_i8 and vg_bit (from any vector format) and
 * vg_distance_hamming (two bit vectors). The formats are in vg_compact.h and docs/vectors.md. */
#include "vg_compact.h"
#include "vg_functions.h"
#include "vg_value.h"

static const char *const convert_function[] = {"vg_f32", "vg_f16", "vg_i8", "vg_bit"};

/* The vector argument as a `to` vector: itself when it already is one (an i8 vector is not quantized
 * again), else its float32 values encoded. */
static void convert(sqlite3_context *ctx, sqlite3_value *arg, vg_elem to) {
    const char *fname = convert_function[to];
    vg_vec a;
    if (vg_read_typed(ctx, arg, fname, 1, &a) != VG_READ_OK) return;
    if (a.type == to) {
        sqlite3_result_value(ctx, arg);
        return;
    }
    if (vg_vec_decode(ctx, &a) != VG_READ_OK) return;
    size_t bytes = VG_COMPACT_HEADER_BYTES + vg_compact_body_bytes(to, a.dims);
    unsigned char *blob = sqlite3_malloc64(bytes);
    if (!blob) {
        sqlite3_free(a.v);
        sqlite3_result_error_nomem(ctx);
        return;
    }
    char err[VG_ERR_LEN];
    vg_compact_write_header(to, a.dims, blob);
    int rc = vg_compact_encode(to, a.v, a.dims, blob + VG_COMPACT_HEADER_BYTES, err);
    sqlite3_free(a.v);
    if (rc != 0) {
        sqlite3_free(blob);
        vg_result_error(ctx, sqlite3_mprintf("%s: argument 1: %s", fname, err));
        return;
    }
    sqlite3_result_blob(ctx, blob, (int)bytes, sqlite3_free);
}

static void vg_f16(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
    (void)argc;
    convert(ctx, argv[0], VG_ELEM_F16);
}

static void vg_i8(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
    (void)argc;
    convert(ctx, argv[0], VG_ELEM_I8);
}

static void vg_bit(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
    (void)argc;
    convert(ctx, argv[0], VG_ELEM_BIT);
}

/* The number of dimensions whose bits differ. */
static void vg_distance_hamming(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
    (void)argc;
    const vg_kernels *k = sqlite3_user_data(ctx);
    const char *fname = "vg_distance_hamming";
    vg_vec v[2];
    vg_read r0 = vg_read_typed(ctx, argv[0], fname, 1, &v[0]);
    if (r0 == VG_READ_ERROR) return;
    vg_read r1 = vg_read_typed(ctx, argv[1], fname, 2, &v[1]);
    if (r0 != VG_READ_OK || r1 != VG_READ_OK) {
        if (r1 != VG_READ_ERROR) sqlite3_result_null(ctx);
    } else if (v[0].type != VG_ELEM_BIT || v[1].type != VG_ELEM_BIT) {
        int bad = v[0].type != VG_ELEM_BIT ? 0 : 1;
        vg_result_error(ctx, sqlite3_mprintf("%s: argument %d is an %s vector; hamming distances are between bit vectors (vg_bit)",
                                          fname, bad + 1, vg_elem_name(v[bad].type)));
    } else if (v[0].dims != v[1].dims) {
        vg_result_error(ctx, sqlite3_mprintf("%s: dimension mismatch: %lld vs %lld", fname, (long long)v[0].dims,
                                          (long long)v[1].dims));
    } else {
        size_t bytes = vg_compact_body_bytes(VG_ELEM_BIT, v[0].dims);
        sqlite3_result_int64(ctx, (sqlite3_int64)k->hamming(v[0].body, v[1].body, bytes));
    }
    sqlite3_free(v[0].v);
    sqlite3_free(v[1].v);
}

int vg_register_compact_functions(sqlite3 *db, const vg_kernels *kernels) {
    int flags = SQLITE_UTF8 | vg_pure_function_flags();
    int rc = sqlite3_create_function_v2(db, "vg_f16", 1, flags, NULL, vg_f16, NULL, NULL, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_create_function_v2(db, "vg_i8", 1, flags, NULL, vg_i8, NULL, NULL, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_create_function_v2(db, "vg_bit", 1, flags, NULL, vg_bit, NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function_v2(db, "vg_distance_hamming", 2, flags, (void *)kernels, vg_distance_hamming, NULL,
                                        NULL, NULL);
    return rc;
}
