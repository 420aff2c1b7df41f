/* Breadth-first and depth-first traversal from one node, forward, reverse or both ways, visiting
 * neighbours in ascending order (out- and in-lists are sorted, and merged for BOTH). */

#include "vg_alloc.h"
#include "vg_graph.h"

/* The neighbours of one node in ascending order: a merge of a range of its out-list and of its
 * in-list (either range empty when the direction does not use it). */
typedef struct neighbours {
    const uint32_t *out, *in;
    size_t a, a_end, b, b_end;
} neighbours;

static neighbours neighbours_of(const vg_graph *g, uint32_t u, vg_graph_direction dir) {
    neighbours it = {g->out_node, g->in_node, 0, 0, 0, 0};
    if (dir != VG_GRAPH_REVERSE) {
        it.a = g->out_start[u];
        it.a_end = g->out_start[u + 1];
    }
    if (dir != VG_GRAPH_FORWARD) {
        it.b = g->in_start[u];
        it.b_end = g->in_start[u + 1];
    }
    return it;
}

/* The next neighbour, or VG_GRAPH_NONE when there are no more. */
static uint32_t next_neighbour(neighbours *it) {
    if (it->a < it->a_end && (it->b >= it->b_end || it->out[it->a] <= it->in[it->b])) return it->out[it->a++];
    if (it->b < it->b_end) return it->in[it->b++];
    return VG_GRAPH_NONE;
}

static void append(vg_graph_rows *out, uint32_t node, uint32_t parent, uint32_t depth) {
    out->node[out->count] = node;
    out->link[out->count] = parent;
    out->value[out->count] = depth;
    out->count++;
}

/* BFS reaching v from u: a new node joins the queue (the rows). */
static void reach(vg_graph_rows *out, unsigned char *seen, uint32_t v, uint32_t u, uint32_t depth) {
    if (seen[v]) return;
    seen[v] = 1;
    append(out, v, u, depth);
}

vg_graph_status vg_graph_bfs(const vg_graph *g, uint32_t start, uint32_t max_depth, vg_graph_direction dir,
                             vg_graph_rows *out) {
    unsigned char *seen = vg_calloc(g->node_count, 1);
    if (!seen || vg_graph_rows_alloc(out, g->node_count) != VG_GRAPH_OK) {
        vg_free(seen);
        return VG_GRAPH_NOMEM;
    }
    seen[start] = 1;
    append(out, start, VG_GRAPH_NONE, 0);
    /* one direction: its sorted list as it is; both: the merge of the two */
    const size_t *start_of = dir == VG_GRAPH_REVERSE ? g->in_start : g->out_start;
    const uint32_t *list = dir == VG_GRAPH_REVERSE ? g->in_node : g->out_node;
    /* the rows are the queue: head walks them while new nodes are appended */
    for (uint32_t head = 0; head < out->count; head++) {
        uint32_t u = out->node[head], depth = (uint32_t)out->value[head];
        if (depth >= max_depth) continue;
        if (dir != VG_GRAPH_BOTH) {
            for (size_t e = start_of[u]; e < start_of[u + 1]; e++) reach(out, seen, list[e], u, depth + 1);
            continue;
        }
        neighbours it = neighbours_of(g, u, dir);
        for (uint32_t v = next_neighbour(&it); v != VG_GRAPH_NONE; v = next_neighbour(&it)) reach(out, seen, v, u, depth + 1);
    }
    vg_free(seen);
    return VG_GRAPH_OK;
}

typedef struct frame {
    neighbours it;
    uint32_t node, depth;
} frame;

vg_graph_status vg_graph_dfs(const vg_graph *g, uint32_t start, uint32_t max_depth, vg_graph_direction dir,
                             vg_graph_rows *out) {
    unsigned char *seen = vg_calloc(g->node_count, 1);
    frame *stack = vg_malloc(g->node_count * sizeof *stack);
    if (!seen || !stack || vg_graph_rows_alloc(out, g->node_count) != VG_GRAPH_OK) {
        vg_free(seen);
        vg_free(stack);
        return VG_GRAPH_NOMEM;
    }
    size_t top = 0;
    seen[start] = 1;
    append(out, start, VG_GRAPH_NONE, 0);
    if (max_depth > 0) stack[top++] = (frame){neighbours_of(g, start, dir), start, 0};
    while (top > 0) {
        frame *f = &stack[top - 1];
        uint32_t v = next_neighbour(&f->it);
        if (v == VG_GRAPH_NONE) {
            top--;
            continue;
        }
        if (seen[v]) continue;
        seen[v] = 1;
        uint32_t depth = f->depth + 1;
        append(out, v, f->node, depth);
        if (depth < max_depth) stack[top++] = (frame){neighbours_of(g, v, dir), v, depth};
    }
    vg_free(seen);
    vg_free(stack);
    return VG_GRAPH_OK;
}
