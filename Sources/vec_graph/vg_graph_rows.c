/* Result rows of the graph algorithms: three parallel arrays sized for every node of a graph. */
#include <string.h>

#include "vg_alloc.h"
#include "vg_graph.h"

vg_graph_status vg_graph_rows_alloc(vg_graph_rows *rows, uint32_t capacity) {
    size_t n = capacity ? capacity : 1;
    rows->count = 0;
    rows->node = vg_malloc(n * sizeof *rows->node);
    rows->link = vg_malloc(n * sizeof *rows->link);
    rows->value = vg_malloc(n * sizeof *rows->value);
    if (rows->node && rows->link && rows->value) return VG_GRAPH_OK;
    vg_graph_rows_free(rows);
    return VG_GRAPH_NOMEM;
}

void vg_graph_rows_free(vg_graph_rows *rows) {
    vg_free(rows->node);
    vg_free(rows->link);
    vg_free(rows->value);
    memset(rows, 0, sizeof *rows);
}
