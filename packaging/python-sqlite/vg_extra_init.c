/* vec-graph-sqlite: the amalgamation is compiled with SQLITE_EXTRA_INIT=vg_sqlite_extra_init, so
 * sqlite3_initialize() calls this once, before the module opens its first connection; every
 * connection opened afterwards gets vec_graph (sqlite3_auto_extension), as sqlean.py does. */
#include "sqlite3.h"
#include "vec_graph.h"

int vg_sqlite_extra_init(const char *unused);

int vg_sqlite_extra_init(const char *unused) {
    (void)unused;
    return sqlite3_auto_extension((void (*)(void))sqlite3_vecgraph_init);
}
