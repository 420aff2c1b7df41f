/* The extension's entry point: checks the running SQLite, picks the distance kernels, and
 * registers every SQL function. */
#include <stdlib.h>

#ifdef SQLITE_CORE
#include <sqlite3.h>
#else
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT1
#endif

#include "vec_graph.h"
#include "vg_functions.h"
#include "vg_kernels.h"

/* The oldest SQLite vec_graph supports (and the compat-matrix tests from). */
#define VG_MIN_SQLITE 3021000

int vg_pure_function_flags(void) {
    int flags = SQLITE_DETERMINISTIC;
    if (VG_RUNNING_SQLITE() >= 3031000) flags |= SQLITE_INNOCUOUS;
    return flags;
}

/* The kernels named by VEC_GRAPH_KERNEL (scalar, sse, avx2, avx512, neon, simd128) if set and runnable here,
 * else the fastest this CPU runs. The variable exists for tests and benchmarks. */
static const vg_kernels *choose_kernels(void) {
    const char *name = getenv("VEC_GRAPH_KERNEL");
    const vg_kernels *k = name && name[0] ? vg_kernels_by_name(name) : NULL;
    return k ? k : vg_kernels_best();
}

#if defined(_WIN32)
__declspec(dllexport)
#else
__attribute__((visibility("default")))
#endif
int sqlite3_vecgraph_init(sqlite3 *db, char **pzErrMsg, const sqlite3_api_routines *pApi) {
#ifdef SQLITE_CORE
    (void)pApi; /* compiled in: SQLite is called directly, pApi may be NULL */
#else
    /* Every connection hands over the same routines: written once, not on every open, so connections
     * opened at the same time on different threads do not race on the pointer. */
    if (sqlite3_api != pApi) SQLITE_EXTENSION_INIT2(pApi);
#endif
    if (VG_RUNNING_SQLITE() < VG_MIN_SQLITE) {
        if (pzErrMsg)
            *pzErrMsg = sqlite3_mprintf("vec_graph needs SQLite 3.21.0 or newer; this is SQLite %s", sqlite3_libversion());
        return SQLITE_ERROR;
    }
    const vg_kernels *kernels = choose_kernels();
    vg_graph_conn *graphs = NULL;
    char *err = NULL;
    int rc = vg_graph_conn_new(&graphs, &err);
    if (rc != SQLITE_OK) {
        if (pzErrMsg) *pzErrMsg = err ? sqlite3_mprintf("vec_graph: %s", err) : NULL;
        sqlite3_free(err);
        return rc;
    }
    rc = vg_register_info_functions(db, kernels);
    if (rc == SQLITE_OK) rc = vg_register_vector_functions(db, kernels);
    if (rc == SQLITE_OK) rc = vg_register_hnsw(db, kernels);
    if (rc == SQLITE_OK) rc = vg_register_graph_functions(db, graphs);
    if (rc == SQLITE_OK) rc = vg_register_node2vec(db, kernels, graphs);
    vg_graph_conn_release(graphs);
    if (rc != SQLITE_OK && pzErrMsg) *pzErrMsg = sqlite3_mprintf("vec_graph: could not register functions: %s", sqlite3_errmsg(db));
    return rc;
}
