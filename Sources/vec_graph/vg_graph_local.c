/* The rows one search fetched (vg_graph_local.h): ids numbered in first-seen order by the graph
 * builder, out-rows kept as builder edges, in-rows aside until the build decides which are new. */
#include <string.h>

#include "vg_alloc.h"
#include "vg_graph_local.h"

void vg_graph_local_init(vg_graph_local *local, int weighted, vg_graph_fetch fetch, void *ctx, size_t budget) {
    memset(local, 0, sizeof *local);
    local->b.weighted = weighted;
    local->fetch = fetch;
    local->ctx = ctx;
    local->budget = budget;
}

void vg_graph_local_free(vg_graph_local *local) {
    vg_graph_builder_free(&local->b);
    vg_free(local->in_src);
    vg_free(local->in_dst);
    vg_free(local->in_weight);
    vg_free(local->flags);
    memset(local, 0, sizeof *local);
}

/* Keeps one flag byte per numbered id. */
static vg_graph_status cover_flags(vg_graph_local *local) {
    uint32_t count = local->b.ids.count;
    if (count <= local->flags_cap) return VG_GRAPH_OK;
    uint32_t cap = local->flags_cap ? local->flags_cap : 64;
    while (cap < count) cap = cap > VG_GRAPH_NONE / 2 ? VG_GRAPH_NONE : cap * 2;
    unsigned char *flags = vg_realloc(local->flags, cap);
    if (!flags) return VG_GRAPH_NOMEM;
    memset(flags + local->flags_cap, 0, cap - local->flags_cap);
    local->flags = flags;
    local->flags_cap = cap;
    return VG_GRAPH_OK;
}

static vg_graph_status given(vg_graph_local *local, vg_graph_status st) {
    if (st != VG_GRAPH_OK) return st;
    local->given = local->b.ids.count;
    return cover_flags(local);
}

vg_graph_status vg_graph_local_give_int(vg_graph_local *local, int64_t id, uint32_t *number) {
    if (local->b.ids.type == VG_GRAPH_TEXT_IDS) return VG_GRAPH_FETCH_FAILED;
    return given(local, vg_graph_ids_int(&local->b.ids, id, number));
}

vg_graph_status vg_graph_local_give_text(vg_graph_local *local, const char *id, size_t len, uint32_t *number) {
    if (local->b.ids.type == VG_GRAPH_INT_IDS) return VG_GRAPH_FETCH_FAILED;
    return given(local, vg_graph_ids_text(&local->b.ids, id, len, number));
}

vg_graph_status vg_graph_local_fetch(vg_graph_local *local, uint32_t u, vg_graph_direction side) {
    unsigned char bit = side == VG_GRAPH_REVERSE ? VG_GRAPH_LOCAL_IN : VG_GRAPH_LOCAL_OUT;
    if (local->flags[u] & bit) return VG_GRAPH_OK;
    if (local->cost > local->budget) return VG_GRAPH_OVER_BUDGET;
    size_t before = local->b.count + local->in_count;
    local->flags[u] |= bit;
    int rc = local->fetch(local->ctx, local, u, side);
    if (rc != 0) {
        local->fetch_rc = rc;
        return VG_GRAPH_FETCH_FAILED;
    }
    size_t rows = local->b.count + local->in_count - before;
    local->cost += VG_GRAPH_LOCAL_LOOKUP_COST + VG_GRAPH_LOCAL_ROW_COST * rows;
    local->fetches++;
    return VG_GRAPH_OK;
}

int vg_graph_local_affordable(const vg_graph_local *local, size_t n) {
    if (local->budget == SIZE_MAX) return 1;
    if (local->cost >= local->budget) return n == 0;
    size_t each = local->fetches ? local->cost / local->fetches : VG_GRAPH_LOCAL_LOOKUP_COST + VG_GRAPH_LOCAL_ROW_COST;
    return n <= (local->budget - local->cost) / each;
}

static vg_graph_status push_in_row(vg_graph_local *local, uint32_t src, uint32_t dst, double weight) {
    if (local->in_count == local->in_cap) {
        size_t cap = local->in_cap ? local->in_cap * 2 : 256;
        uint32_t *s = vg_realloc(local->in_src, cap * sizeof *s);
        if (!s) return VG_GRAPH_NOMEM;
        local->in_src = s;
        uint32_t *d = vg_realloc(local->in_dst, cap * sizeof *d);
        if (!d) return VG_GRAPH_NOMEM;
        local->in_dst = d;
        if (local->b.weighted) {
            double *w = vg_realloc(local->in_weight, cap * sizeof *w);
            if (!w) return VG_GRAPH_NOMEM;
            local->in_weight = w;
        }
        local->in_cap = cap;
    }
    local->in_src[local->in_count] = src;
    local->in_dst[local->in_count] = dst;
    if (local->b.weighted) local->in_weight[local->in_count] = weight;
    local->in_count++;
    return VG_GRAPH_OK;
}

/* Records the row between u and the freshly numbered v. */
static vg_graph_status add_row(vg_graph_local *local, uint32_t u, vg_graph_direction side, uint32_t v, double weight) {
    vg_graph_status st = cover_flags(local);
    if (st != VG_GRAPH_OK) return st;
    local->flags[u] |= VG_GRAPH_LOCAL_MET;
    local->flags[v] |= VG_GRAPH_LOCAL_MET;
    if (side == VG_GRAPH_REVERSE) return push_in_row(local, v, u, weight);
    return vg_graph_add_numbered_edge(&local->b, u, v, weight);
}

vg_graph_status vg_graph_local_add_int(vg_graph_local *local, uint32_t u, vg_graph_direction side, int64_t other,
                                       double weight) {
    uint32_t v;
    if (local->b.ids.type != VG_GRAPH_INT_IDS) return VG_GRAPH_FETCH_FAILED;
    vg_graph_status st = vg_graph_ids_int(&local->b.ids, other, &v);
    return st == VG_GRAPH_OK ? add_row(local, u, side, v, weight) : st;
}

vg_graph_status vg_graph_local_add_text(vg_graph_local *local, uint32_t u, vg_graph_direction side, const char *other,
                                        size_t len, double weight) {
    uint32_t v;
    if (local->b.ids.type != VG_GRAPH_TEXT_IDS) return VG_GRAPH_FETCH_FAILED;
    vg_graph_status st = vg_graph_ids_text(&local->b.ids, other, len, &v);
    return st == VG_GRAPH_OK ? add_row(local, u, side, v, weight) : st;
}

vg_graph_status vg_graph_local_build(vg_graph_local *local, int with_in_edges, vg_graph *g) {
    vg_graph_status st = VG_GRAPH_OK;
    for (size_t k = 0; k < local->in_count && st == VG_GRAPH_OK; k++) {
        if (local->flags[local->in_src[k]] & VG_GRAPH_LOCAL_OUT) continue; /* already among its source's out-rows */
        st = vg_graph_add_numbered_edge(&local->b, local->in_src[k], local->in_dst[k],
                                        local->b.weighted ? local->in_weight[k] : 0.0);
    }
    if (st != VG_GRAPH_OK) {
        memset(g, 0, sizeof *g);
        return st;
    }
    return vg_graph_build(&local->b, with_in_edges, g);
}
