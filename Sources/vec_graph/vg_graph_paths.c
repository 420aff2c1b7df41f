/* Shortest path between two nodes along edge directions: breadth-first by hop count, or Dijkstra over
 * non-negative weights with an indexed binary heap ordered by (distance, node) (vg_graph_heap.c). */
#include <math.h>

#include "vg_alloc.h"
#include "vg_graph.h"
#include "vg_graph_heap.h"

/* Writes the path ending at end into out by following pred back to start (pred[start] unused). */
static vg_graph_status write_path(uint32_t start, uint32_t end, const uint32_t *pred, const double *dist,
                                  uint32_t hops, vg_graph_rows *out) {
    if (vg_graph_rows_alloc(out, hops + 1) != VG_GRAPH_OK) return VG_GRAPH_NOMEM;
    out->count = hops + 1;
    uint32_t v = end;
    for (uint32_t i = hops + 1; i-- > 0;) {
        out->node[i] = v;
        out->link[i] = VG_GRAPH_NONE;
        out->value[i] = dist ? dist[v] : (double)i;
        if (v != start) v = pred[v];
    }
    return VG_GRAPH_OK;
}

/* Hop count. Each layer is expanded completely before the next, and a node keeps the smallest
 * parent from the layer before it, so the search runs on to the end of the layer before end's. */
static vg_graph_status by_hops(const vg_graph *g, uint32_t start, uint32_t end, vg_graph_rows *out) {
    uint32_t n = g->node_count;
    uint32_t *dist = vg_malloc(n * sizeof *dist), *pred = vg_malloc(n * sizeof *pred), *queue = vg_malloc(n * sizeof *queue);
    vg_graph_status rc = VG_GRAPH_NOMEM;
    if (!dist || !pred || !queue) goto done;
    for (uint32_t i = 0; i < n; i++) dist[i] = VG_GRAPH_NONE;
    dist[start] = 0;
    queue[0] = start;
    uint32_t tail = 1;
    for (uint32_t head = 0; head < tail; head++) {
        uint32_t u = queue[head], d = dist[u] + 1;
        if (dist[end] != VG_GRAPH_NONE && dist[u] >= dist[end]) break; /* the queue is in distance order */
        for (size_t e = g->out_start[u]; e < g->out_start[u + 1]; e++) {
            uint32_t v = g->out_node[e];
            if (dist[v] == VG_GRAPH_NONE) {
                dist[v] = d;
                pred[v] = u;
                queue[tail++] = v;
            } else if (dist[v] == d && u < pred[v]) {
                pred[v] = u;
            }
        }
    }
    rc = dist[end] == VG_GRAPH_NONE ? vg_graph_rows_alloc(out, 1) : write_path(start, end, pred, NULL, dist[end], out);
done:
    vg_free(dist);
    vg_free(pred);
    vg_free(queue);
    return rc;
}

static vg_graph_status by_weight(const vg_graph *g, uint32_t start, uint32_t end, vg_graph_rows *out) {
    uint32_t n = g->node_count;
    double *dist = vg_malloc(n * sizeof *dist);
    uint32_t *pred = vg_malloc(n * sizeof *pred), *pos = vg_malloc(n * sizeof *pos), *item = vg_malloc(n * sizeof *item);
    unsigned char *settled = vg_calloc(n, 1);
    vg_graph_status rc = VG_GRAPH_NOMEM;
    if (!dist || !pred || !pos || !item || !settled) goto done;
    for (uint32_t i = 0; i < n; i++) {
        dist[i] = INFINITY;
        pos[i] = VG_GRAPH_NONE;
    }
    vg_graph_heap h = {item, pos, dist, 0};
    dist[start] = 0.0;
    vg_graph_heap_update(&h, start);
    uint32_t hops_to_end = 0;
    while (h.size > 0) {
        uint32_t u = vg_graph_heap_pop(&h);
        settled[u] = 1;
        if (u == end) break;
        for (size_t e = g->out_start[u]; e < g->out_start[u + 1]; e++) {
            uint32_t v = g->out_node[e];
            double d = dist[u] + g->out_weight[e];
            if (settled[v] || !(d < dist[v])) continue;
            dist[v] = d;
            pred[v] = u;
            vg_graph_heap_update(&h, v);
        }
    }
    if (!settled[end]) {
        rc = vg_graph_rows_alloc(out, 1);
        goto done;
    }
    for (uint32_t v = end; v != start; v = pred[v]) hops_to_end++;
    rc = write_path(start, end, pred, dist, hops_to_end, out);
done:
    vg_free(dist);
    vg_free(pred);
    vg_free(pos);
    vg_free(item);
    vg_free(settled);
    return rc;
}

vg_graph_status vg_graph_shortest_path(const vg_graph *g, uint32_t start, uint32_t end, int weighted,
                                       vg_graph_rows *out) {
    return weighted ? by_weight(g, start, end, out) : by_hops(g, start, end, out);
}
