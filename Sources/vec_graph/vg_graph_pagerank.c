/* PageRank by power iteration, step for step as networkx.pagerank with a uniform personalization
 * and dangling distribution: x' = d * (x A + sum(x[dangling]) / N) + (1 - d) / N, where A's rows
 * are out-edge counts over out-degree, until the L1 change is below N * tolerance. */
#include <math.h>

#include "vg_alloc.h"
#include "vg_graph.h"

vg_graph_status vg_graph_pagerank(const vg_graph *g, double damping, long long iterations, vg_graph_rows *out) {
    uint32_t n = g->node_count;
    double *x = vg_malloc((n ? n : 1) * sizeof *x), *next = vg_malloc((n ? n : 1) * sizeof *next);
    if (!x || !next || vg_graph_rows_alloc(out, n) != VG_GRAPH_OK) {
        vg_free(x);
        vg_free(next);
        return VG_GRAPH_NOMEM;
    }
    double p = n ? 1.0 / n : 0.0;
    for (uint32_t v = 0; v < n; v++) x[v] = p;
    long long limit = iterations < 0 ? VG_GRAPH_PAGERANK_MAX_ITER : iterations;
    for (long long it = 0; it < limit; it++) {
        double dangling = 0.0;
        for (uint32_t v = 0; v < n; v++) next[v] = 0.0;
        for (uint32_t u = 0; u < n; u++) {
            size_t first = g->out_start[u], end = g->out_start[u + 1];
            if (first == end) {
                dangling += x[u];
                continue;
            }
            double share = x[u] / (double)(end - first);
            for (size_t e = first; e < end; e++) next[g->out_node[e]] += share;
        }
        double change = 0.0;
        for (uint32_t v = 0; v < n; v++) {
            next[v] = damping * (next[v] + dangling * p) + (1.0 - damping) * p;
            change += fabs(next[v] - x[v]);
        }
        double *swap = x;
        x = next;
        next = swap;
        if (iterations < 0 && change < n * VG_GRAPH_PAGERANK_TOL) break;
    }
    for (uint32_t v = 0; v < n; v++) {
        out->node[v] = v;
        out->link[v] = VG_GRAPH_NONE;
        out->value[v] = x[v];
    }
    out->count = n;
    vg_free(x);
    vg_free(next);
    return VG_GRAPH_OK;
}
