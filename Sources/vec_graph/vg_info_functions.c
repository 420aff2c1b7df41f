/* vec_graph_version() (the version stamped from the VERSION file at build time) and
 * vec_graph_kernel() (the distance-kernel instruction set this connection uses). */
#include "vg_functions.h"

#ifndef VEC_GRAPH_VERSION
#error "VEC_GRAPH_VERSION must be defined by the build (it comes from the VERSION file)"
#endif

static void vec_graph_version(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
    (void)argc;
    (void)argv;
    sqlite3_result_text(ctx, VEC_GRAPH_VERSION, -1, SQLITE_STATIC);
}

static void vec_graph_kernel(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
    (void)argc;
    (void)argv;
    const vg_kernels *k = sqlite3_user_data(ctx);
    sqlite3_result_text(ctx, k->name, -1, SQLITE_STATIC);
}

int vg_register_info_functions(sqlite3 *db, const vg_kernels *kernels) {
    int flags = SQLITE_UTF8 | vg_pure_function_flags();
    int rc = sqlite3_create_function_v2(db, "vec_graph_version", 0, flags, NULL, vec_graph_version, NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function_v2(db, "vec_graph_kernel", 0, flags, (void *)kernels, vec_graph_kernel, NULL, NULL, NULL);
    return rc;
}
