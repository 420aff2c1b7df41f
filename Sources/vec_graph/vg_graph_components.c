/* Weakly connected components by union-find (path halving; the smaller root always wins, so each
 * root is its component's smallest node), then one row per node with its component and its size. */

#include "vg_alloc.h"
#include "vg_graph.h"

static uint32_t find(uint32_t *parent, uint32_t v) {
    while (parent[v] != v) {
        parent[v] = parent[parent[v]];
        v = parent[v];
    }
    return v;
}

vg_graph_status vg_graph_components(const vg_graph *g, vg_graph_rows *out) {
    uint32_t n = g->node_count;
    uint32_t *parent = vg_malloc((n ? n : 1) * sizeof *parent), *size = vg_calloc(n ? n : 1, sizeof *size);
    if (!parent || !size || vg_graph_rows_alloc(out, n) != VG_GRAPH_OK) {
        vg_free(parent);
        vg_free(size);
        return VG_GRAPH_NOMEM;
    }
    for (uint32_t v = 0; v < n; v++) parent[v] = v;
    for (uint32_t u = 0; u < n; u++) {
        for (size_t e = g->out_start[u]; e < g->out_start[u + 1]; e++) {
            uint32_t a = find(parent, u), b = find(parent, g->out_node[e]);
            if (a < b) parent[b] = a;
            else if (b < a) parent[a] = b;
        }
    }
    for (uint32_t v = 0; v < n; v++) {
        out->node[v] = v;
        out->link[v] = find(parent, v);
        size[out->link[v]]++;
    }
    for (uint32_t v = 0; v < n; v++) out->value[v] = size[out->link[v]];
    out->count = n;
    vg_free(parent);
    vg_free(size);
    return VG_GRAPH_OK;
}
