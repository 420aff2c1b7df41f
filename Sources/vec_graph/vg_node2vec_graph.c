/* node2vec's undirected view of a loaded edge table: each node's out- and in-list (both ascending)
 * merged into one ascending list, without repeats or the node itself. */
#include <string.h>

#include "vg_alloc.h"
#include "vg_node2vec.h"

/* Merges u's out- and in-list into dst (when not NULL); returns the number of distinct neighbours. */
static size_t merge(const vg_graph *g, uint32_t u, uint32_t *dst) {
    size_t i = g->out_start[u], ie = g->out_start[u + 1], j = g->in_start[u], je = g->in_start[u + 1], n = 0;
    uint32_t last = VG_GRAPH_NONE;
    while (i < ie || j < je) {
        uint32_t x;
        if (j == je || (i < ie && g->out_node[i] <= g->in_node[j])) x = g->out_node[i++];
        else x = g->in_node[j++];
        if (x == u || x == last) continue;
        last = x;
        if (dst) dst[n] = x;
        n++;
    }
    return n;
}

vg_node2vec_status vg_node2vec_graph_from(const vg_graph *g, vg_node2vec_graph *out) {
    memset(out, 0, sizeof *out);
    uint32_t n = g->node_count;
    out->node_count = n;
    out->start = vg_malloc(((size_t)n + 1) * sizeof *out->start);
    if (!out->start) return VG_NODE2VEC_NOMEM;
    out->start[0] = 0;
    for (uint32_t u = 0; u < n; u++) out->start[u + 1] = out->start[u] + merge(g, u, NULL);
    out->adj = vg_malloc((out->start[n] ? out->start[n] : 1) * sizeof *out->adj);
    if (!out->adj) {
        vg_node2vec_graph_free(out);
        return VG_NODE2VEC_NOMEM;
    }
    for (uint32_t u = 0; u < n; u++) merge(g, u, out->adj + out->start[u]);
    return VG_NODE2VEC_OK;
}

void vg_node2vec_graph_free(vg_node2vec_graph *g) {
    vg_free(g->start);
    vg_free(g->adj);
    memset(g, 0, sizeof *g);
}
