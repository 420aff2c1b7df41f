/* SQLite's WebAssembly build calls sqlite3_wasm_extra_init() once, inside sqlite3_initialize()
 * (ext/wasm/GNUmakefile: "Adding custom C code via sqlite3_wasm_extra_init.c"). It registers
 * vec_graph as an automatic extension, so every connection the JS API opens has every vec_graph
 * function and table. vec_graph itself is linked in as a library built with SQLITE_CORE. */
#include "sqlite3.h"

int sqlite3_vecgraph_init(sqlite3 *db, char **pzErrMsg, const sqlite3_api_routines *pApi);

int sqlite3_wasm_extra_init(const char *unused) {
    (void)unused;
    return sqlite3_auto_extension((void (*)(void))sqlite3_vecgraph_init);
}
