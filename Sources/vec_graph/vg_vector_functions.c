/* The vector SQL functions: vg_f32, vg_to_json, vg_dims and the three distances (between two vectors
 * of one type: f32, f16 or i8). Each function's user data is the distance-kernel table chosen for the
 * connection. The compact-vector conversions are in vg_compact_functions.c. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vg_functions.h"
#include "vg_kernels.h"
#include "vg_value.h"
#include "vg_vector.h"

#ifdef VG_FAULT_INJECTION
/* Test builds only (compat-matrix's sanitizer proof): VEC_GRAPH_FAULT=oob makes vg_f32 write one
 * byte past a heap buffer of its own. The buffer's size is 1 mod 4, so the write lands in the
 * allocator's slack (harmless without a sanitizer) yet outside the block ASan tracks.
 * Release builds never define VG_FAULT_INJECTION. */
static void inject_fault(size_t size) {
    const char *fault = getenv("VEC_GRAPH_FAULT");
    if (!fault || strcmp(fault, "oob") != 0) return;
    volatile unsigned char *scratch = malloc(size + 1);
    if (!scratch) return;
    scratch[size + 1] = 0;
    free((void *)scratch);
}
#endif

#ifdef VG_FAULT_INJECTION
/* Test builds only (compat-matrix's MemorySanitizer proof): VEC_GRAPH_FAULT=uninit makes vg_f32 branch
 * on a byte of a fresh heap block it never wrote. The branch changes nothing visible (so a plain run
 * passes), but MemorySanitizer reports the use of an uninitialised value. */
static void inject_uninitialised_read(size_t size) {
    const char *fault = getenv("VEC_GRAPH_FAULT");
    if (!fault || strcmp(fault, "uninit") != 0) return;
    unsigned char *scratch = malloc(size);
    if (!scratch) return;
    volatile unsigned char sink = 0;
    if (scratch[size / 2] & 1) sink = 1;
    (void)sink;
    free(scratch);
}
#endif

#ifdef VG_FAULT_INJECTION
/* Test builds only (compat-matrix's oom proofs): VEC_GRAPH_FAULT=nomem-as-error makes vg_f32 report its
 * own out-of-memory as a plain error, which only the oom mode, failing that allocation, can see;
 * nomem-as-errstr as SQLITE_ERROR with SQLite's default text for it (what a lost message leaves). */
static int misreport_nomem(sqlite3_context *ctx) {
    const char *fault = getenv("VEC_GRAPH_FAULT");
    if (fault && strcmp(fault, "nomem-as-error") == 0) sqlite3_result_error(ctx, "vg_f32: failed", -1);
    else if (fault && strcmp(fault, "nomem-as-errstr") == 0) sqlite3_result_error(ctx, sqlite3_errstr(SQLITE_ERROR), -1);
    else return 0;
    return 1;
}
#endif

static void vg_f32(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
    (void)argc;
    vg_vec a;
    if (vg_read_vector(ctx, argv[0], "vg_f32", 1, &a) != VG_READ_OK) return;
    size_t bytes = a.dims * 4;
    unsigned char *blob = sqlite3_malloc64(bytes);
    if (!blob) {
        sqlite3_free(a.v);
#ifdef VG_FAULT_INJECTION
        if (misreport_nomem(ctx)) return;
#endif
        sqlite3_result_error_nomem(ctx);
        return;
    }
    vg_blob_encode(a.v, a.dims, blob);
#ifdef VG_FAULT_INJECTION
    inject_fault(bytes);
    inject_uninitialised_read(bytes);
#endif
    sqlite3_free(a.v);
    sqlite3_result_blob(ctx, blob, (int)bytes, sqlite3_free);
}

static void vg_to_json(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
    (void)argc;
    vg_vec a;
    if (vg_read_vector(ctx, argv[0], "vg_to_json", 1, &a) != VG_READ_OK) return;
    size_t cap = vg_json_size(a.dims);
    char *text = sqlite3_malloc64(cap);
    if (!text) {
        sqlite3_free(a.v);
        sqlite3_result_error_nomem(ctx);
        return;
    }
    size_t len = vg_json_format(a.v, a.dims, text, cap);
    sqlite3_free(a.v);
    sqlite3_result_text(ctx, text, (int)len, sqlite3_free);
}

static void vg_dims(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
    (void)argc;
    vg_vec a;
    if (vg_read_typed(ctx, argv[0], "vg_dims", 1, &a) != VG_READ_OK) return;
    sqlite3_free(a.v);
    sqlite3_result_int64(ctx, (sqlite3_int64)a.dims);
}

typedef enum metric { METRIC_L2, METRIC_COSINE, METRIC_IP } metric;

static const char *const metric_function[] = {"vg_distance_l2", "vg_distance_cosine", "vg_distance_ip"};

/* 1 - dot / sqrt(aa bb), kept in its true range [0, 2] (rounding can leave |cos| a hair above 1). */
static void result_cosine(sqlite3_context *ctx, const char *fname, double dot, double aa, double bb) {
    if (aa == 0.0 || bb == 0.0) {
        vg_result_error(ctx, sqlite3_mprintf("%s: argument %d is a zero vector, which has no direction", fname,
                                             aa == 0.0 ? 1 : 2));
        return;
    }
    double d = 1.0 - dot / sqrt(aa * bb);
    sqlite3_result_double(ctx, d < 0.0 ? 0.0 : d > 2.0 ? 2.0 : d);
}

static void distance_f32(sqlite3_context *ctx, const vg_kernels *k, metric m, const vg_vec *a, const vg_vec *b) {
    if (m == METRIC_L2) {
        sqlite3_result_double(ctx, (double)k->l2sq(a->v, b->v, a->dims));
    } else if (m == METRIC_IP) {
        sqlite3_result_double(ctx, -(double)k->dot(a->v, b->v, a->dims));
    } else {
        float dot, aa, bb;
        k->dot_norms(a->v, b->v, a->dims, &dot, &aa, &bb);
        result_cosine(ctx, metric_function[m], dot, aa, bb);
    }
}

/* a converted to float32 once (exactly), b's binary16 copied out to aligned native uint16. */
static void distance_f16(sqlite3_context *ctx, const vg_kernels *k, metric m, vg_vec *a, const vg_vec *b) {
    uint16_t *h = sqlite3_malloc64(b->dims * sizeof *h);
    if (!h || vg_vec_decode(ctx, a) != VG_READ_OK) {
        sqlite3_free(h);
        sqlite3_result_error_nomem(ctx);
        return;
    }
    vg_f16_load(b->body, b->dims, h);
    if (m == METRIC_L2) {
        sqlite3_result_double(ctx, (double)k->l2sq_f16(a->v, h, a->dims));
    } else if (m == METRIC_IP) {
        sqlite3_result_double(ctx, -(double)k->dot_f16(a->v, h, a->dims));
    } else {
        float dot, aa, bb;
        k->dot_norms_f16(a->v, h, a->dims, &dot, &aa, &bb);
        result_cosine(ctx, metric_function[m], dot, aa, bb);
    }
    sqlite3_free(h);
}

/* The exact dequantized values' distance, from the integer dot product of q (vg_i8_* in vg_compact.c). */
static void distance_i8(sqlite3_context *ctx, const vg_kernels *k, metric m, const vg_vec *a, const vg_vec *b) {
    vg_i8_parts pa, pb;
    vg_i8_parts_of(a->body, a->dims, &pa);
    vg_i8_parts_of(b->body, b->dims, &pb);
    int32_t dot_q = k->dot_i8(pa.q, pb.q, a->dims);
    if (m == METRIC_L2)
        sqlite3_result_double(ctx, vg_i8_l2sq(&pa, &pb, a->dims, dot_q));
    else if (m == METRIC_IP)
        sqlite3_result_double(ctx, -vg_i8_dot(&pa, &pb, a->dims, dot_q));
    else
        result_cosine(ctx, metric_function[m], vg_i8_dot(&pa, &pb, a->dims, dot_q), pa.norm2, pb.norm2);
}

/* Reads both arguments, checks they have one type and one length, and returns the distance. */
static void distance(sqlite3_context *ctx, sqlite3_value **argv, metric m) {
    const vg_kernels *k = sqlite3_user_data(ctx);
    const char *fname = metric_function[m];
    vg_vec a, b;
    vg_read ra = vg_read_typed(ctx, argv[0], fname, 1, &a);
    if (ra == VG_READ_ERROR) return;
    vg_read rb = vg_read_typed(ctx, argv[1], fname, 2, &b);
    if (ra != VG_READ_OK || rb != VG_READ_OK) {
        if (rb != VG_READ_ERROR) sqlite3_result_null(ctx);
    } else if (a.type != b.type) {
        vg_result_error(ctx, sqlite3_mprintf("%s: mixed vector types: argument 1 is %s, argument 2 is %s (convert one "
                                             "with vg_f32, vg_f16 or vg_i8)",
                                             fname, vg_elem_name(a.type), vg_elem_name(b.type)));
    } else if (a.dims != b.dims) {
        vg_result_error(ctx,
                        sqlite3_mprintf("%s: dimension mismatch: %lld vs %lld", fname, (long long)a.dims, (long long)b.dims));
    } else if (a.type == VG_ELEM_BIT) {
        vg_result_error(ctx, sqlite3_mprintf("%s: bit vectors have only a hamming distance: use vg_distance_hamming", fname));
    } else if (a.type == VG_ELEM_F16) {
        distance_f16(ctx, k, m, &a, &b);
    } else if (a.type == VG_ELEM_I8) {
        distance_i8(ctx, k, m, &a, &b);
    } else {
        distance_f32(ctx, k, m, &a, &b);
    }
    sqlite3_free(a.v);
    sqlite3_free(b.v);
}

static void vg_distance_l2(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
    (void)argc;
    distance(ctx, argv, METRIC_L2);
}

static void vg_distance_cosine(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
    (void)argc;
    distance(ctx, argv, METRIC_COSINE);
}

static void vg_distance_ip(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
    (void)argc;
    distance(ctx, argv, METRIC_IP);
}

int vg_register_vector_functions(sqlite3 *db, const vg_kernels *kernels) {
    static const struct {
        const char *name;
        int argc;
        void (*fn)(sqlite3_context *, int, sqlite3_value **);
    } functions[] = {
        {"vg_f32", 1, vg_f32},
        {"vg_to_json", 1, vg_to_json},
        {"vg_dims", 1, vg_dims},
        {"vg_distance_l2", 2, vg_distance_l2},
        {"vg_distance_cosine", 2, vg_distance_cosine},
        {"vg_distance_ip", 2, vg_distance_ip},
    };
    int flags = SQLITE_UTF8 | vg_pure_function_flags();
    for (size_t i = 0; i < sizeof functions / sizeof functions[0]; i++) {
        int rc = sqlite3_create_function_v2(db, functions[i].name, functions[i].argc, flags, (void *)kernels,
                                            functions[i].fn, NULL, NULL, NULL);
        if (rc != SQLITE_OK) return rc;
    }
    return vg_register_compact_functions(db, kernels);
}
