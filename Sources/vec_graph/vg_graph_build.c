/* From edge rows to a CSR graph: collects edges by first-seen node numbers, then sorts the distinct
 * ids, renumbers every endpoint by rank and lays the adjacency out with two stable counting sorts
 * (by target, then by source), so every adjacency list comes out in ascending node order in O(V + E)
 * after the O(V log V) id sort. Also looks node ids up in a built graph. */
#include <stdlib.h>
#include <string.h>

#include "vg_alloc.h"
#include "vg_graph.h"

vg_graph_status vg_graph_add_numbered_edge(vg_graph_builder *b, uint32_t s, uint32_t d, double w) {
    if (b->count == b->cap) {
        if (b->cap >= (size_t)VG_GRAPH_NONE - 1) return VG_GRAPH_TOO_BIG;
        size_t cap = b->cap ? b->cap * 2 : 4096;
        if (cap > (size_t)VG_GRAPH_NONE - 1) cap = (size_t)VG_GRAPH_NONE - 1;
        uint32_t *src = vg_realloc(b->src, cap * sizeof *src);
        if (!src) return VG_GRAPH_NOMEM;
        b->src = src;
        uint32_t *dst = vg_realloc(b->dst, cap * sizeof *dst);
        if (!dst) return VG_GRAPH_NOMEM;
        b->dst = dst;
        if (b->weighted) {
            double *weight = vg_realloc(b->weight, cap * sizeof *weight);
            if (!weight) return VG_GRAPH_NOMEM;
            b->weight = weight;
        }
        b->cap = cap;
    }
    b->src[b->count] = s;
    b->dst[b->count] = d;
    if (b->weighted) b->weight[b->count] = w;
    b->count++;
    return VG_GRAPH_OK;
}

vg_graph_status vg_graph_add_int_edge(vg_graph_builder *b, int64_t src, int64_t dst, double weight) {
    uint32_t s, d;
    vg_graph_status rc = vg_graph_ids_int(&b->ids, src, &s);
    if (rc == VG_GRAPH_OK) rc = vg_graph_ids_int(&b->ids, dst, &d);
    return rc == VG_GRAPH_OK ? vg_graph_add_numbered_edge(b, s, d, weight) : rc;
}

vg_graph_status vg_graph_add_int_edges(vg_graph_builder *b, const int64_t *src, const int64_t *dst, const double *weight,
                                       size_t n) {
    for (size_t i = 0; i < n; i++) {
        vg_graph_ids_prefetch_int(&b->ids, src[i]);
        vg_graph_ids_prefetch_int(&b->ids, dst[i]);
    }
    vg_graph_status rc = VG_GRAPH_OK;
    for (size_t i = 0; i < n && rc == VG_GRAPH_OK; i++) rc = vg_graph_add_int_edge(b, src[i], dst[i], weight ? weight[i] : 0.0);
    return rc;
}

vg_graph_status vg_graph_add_text_edge(vg_graph_builder *b, const char *src, size_t src_len, const char *dst,
                                       size_t dst_len, double weight) {
    uint32_t s, d;
    vg_graph_status rc = vg_graph_ids_text(&b->ids, src, src_len, &s);
    if (rc == VG_GRAPH_OK) rc = vg_graph_ids_text(&b->ids, dst, dst_len, &d);
    return rc == VG_GRAPH_OK ? vg_graph_add_numbered_edge(b, s, d, weight) : rc;
}

void vg_graph_builder_free(vg_graph_builder *b) {
    vg_graph_ids_free(&b->ids);
    vg_free(b->src);
    vg_free(b->dst);
    vg_free(b->weight);
    memset(b, 0, sizeof *b);
}

typedef struct int_key {
    int64_t id;
    uint32_t number;
} int_key;

typedef struct text_key {
    const char *id;
    size_t len;
    uint32_t number;
} text_key;

/* Sorts keys by id: an LSD radix sort, a byte per pass, skipping bytes that every id shares (the high
 * bytes of small ids). tmp has room for n keys. */
static void radix_sort(int_key *keys, int_key *tmp, uint32_t n) {
    for (int shift = 0; shift < 64; shift += 8) {
        size_t count[257] = {0};
        for (uint32_t i = 0; i < n; i++) count[((((uint64_t)keys[i].id) ^ 0x8000000000000000ULL) >> shift & 0xff) + 1]++;
        int shared = 0;
        for (int digit = 1; digit <= 256; digit++) shared |= count[digit] == n;
        if (shared) continue;
        for (int digit = 0; digit < 256; digit++) count[digit + 1] += count[digit];
        for (uint32_t i = 0; i < n; i++) tmp[count[(((uint64_t)keys[i].id) ^ 0x8000000000000000ULL) >> shift & 0xff]++] = keys[i];
        for (uint32_t i = 0; i < n; i++) keys[i] = tmp[i];
    }
}

int vg_graph_compare_text(const char *a, size_t alen, const char *b, size_t blen) {
    int c = memcmp(a, b, alen < blen ? alen : blen);
    return c ? c : (alen > blen) - (alen < blen);
}

static int compare_text(const void *a, const void *b) {
    const text_key *x = a, *y = b;
    return vg_graph_compare_text(x->id, x->len, y->id, y->len);
}

/* Sorts the ids into g (ints, or text arena and offsets) and fills rank[first-seen number]. */
static vg_graph_status sort_ids(vg_graph_ids *ids, vg_graph *g, uint32_t *rank) {
    uint32_t n = ids->count;
    if (ids->type == VG_GRAPH_INT_IDS) {
        int_key *keys = vg_malloc((n ? n : 1) * sizeof *keys), *tmp = vg_malloc((n ? n : 1) * sizeof *tmp);
        if (!keys || !tmp) {
            vg_free(keys);
            vg_free(tmp);
            return VG_GRAPH_NOMEM;
        }
        for (uint32_t i = 0; i < n; i++) keys[i] = (int_key){ids->ints[i], i};
        radix_sort(keys, tmp, n);
        vg_free(tmp);
        for (uint32_t i = 0; i < n; i++) {
            ids->ints[i] = keys[i].id;
            rank[keys[i].number] = i;
        }
        vg_free(keys);
        g->ints = ids->ints;
        ids->ints = NULL;
        return VG_GRAPH_OK;
    }
    text_key *keys = vg_malloc((n ? n : 1) * sizeof *keys);
    if (!keys) return VG_GRAPH_NOMEM;
    for (uint32_t i = 0; i < n; i++) keys[i] = (text_key){ids->text + ids->text_off[i], ids->text_len[i], i};
    qsort(keys, n, sizeof *keys, compare_text);
    for (uint32_t i = 0; i < n; i++) {
        ids->text_off[i] = (size_t)(keys[i].id - ids->text);
        ids->text_len[i] = keys[i].len;
        rank[keys[i].number] = i;
    }
    vg_free(keys);
    g->text = ids->text;
    g->text_off = ids->text_off;
    g->text_len = ids->text_len;
    ids->text = NULL;
    ids->text_off = ids->text_len = NULL;
    return VG_GRAPH_OK;
}

/* Counts per node into start[0..n], then turns the counts into list starts. */
static void count_to_starts(size_t *start, uint32_t n, const uint32_t *key, size_t edges) {
    memset(start, 0, ((size_t)n + 1) * sizeof *start);
    for (size_t e = 0; e < edges; e++) start[key[e] + 1]++;
    for (uint32_t v = 0; v < n; v++) start[v + 1] += start[v];
}

/* Lays the renumbered edges of b out as out-lists (and in-lists), each in ascending node order. */
static vg_graph_status lay_out(vg_graph_builder *b, vg_graph *g, int with_in_edges) {
    uint32_t n = g->node_count;
    size_t m = b->count;
    size_t *pos = vg_malloc(((size_t)n + 1) * sizeof *pos);
    uint32_t *by_dst = vg_malloc((m ? m : 1) * sizeof *by_dst);
    g->out_start = vg_malloc(((size_t)n + 1) * sizeof *g->out_start);
    g->out_node = vg_malloc((m ? m : 1) * sizeof *g->out_node);
    if (b->weighted) g->out_weight = vg_malloc((m ? m : 1) * sizeof *g->out_weight);
    vg_graph_status rc = VG_GRAPH_NOMEM;
    if (!pos || !by_dst || !g->out_start || !g->out_node || (b->weighted && !g->out_weight)) goto done;
    count_to_starts(pos, n, b->dst, m);
    for (size_t e = 0; e < m; e++) by_dst[pos[b->dst[e]]++] = (uint32_t)e;
    count_to_starts(g->out_start, n, b->src, m);
    memcpy(pos, g->out_start, ((size_t)n + 1) * sizeof *pos);
    for (size_t i = 0; i < m; i++) {
        uint32_t e = by_dst[i];
        size_t at = pos[b->src[e]]++;
        g->out_node[at] = b->dst[e];
        if (b->weighted) g->out_weight[at] = b->weight[e];
    }
    if (with_in_edges) {
        g->in_start = vg_malloc(((size_t)n + 1) * sizeof *g->in_start);
        g->in_node = vg_malloc((m ? m : 1) * sizeof *g->in_node);
        if (!g->in_start || !g->in_node) goto done;
        count_to_starts(g->in_start, n, b->dst, m);
        memcpy(pos, g->in_start, ((size_t)n + 1) * sizeof *pos);
        for (uint32_t u = 0; u < n; u++)
            for (size_t i = g->out_start[u]; i < g->out_start[u + 1]; i++) g->in_node[pos[g->out_node[i]]++] = u;
    }
    rc = VG_GRAPH_OK;
done:
    vg_free(pos);
    vg_free(by_dst);
    return rc;
}

vg_graph_status vg_graph_build(vg_graph_builder *b, int with_in_edges, vg_graph *g) {
    memset(g, 0, sizeof *g);
    g->type = b->ids.type;
    g->node_count = b->ids.count;
    g->edge_count = b->count;
    uint32_t *rank = vg_malloc((g->node_count ? g->node_count : 1) * sizeof *rank);
    vg_graph_status rc = rank ? sort_ids(&b->ids, g, rank) : VG_GRAPH_NOMEM;
    if (rc == VG_GRAPH_OK) {
        vg_graph_ids_free(&b->ids); /* the hash index is not needed any more: free it before laying out */
        for (size_t e = 0; e < b->count; e++) {
            b->src[e] = rank[b->src[e]];
            b->dst[e] = rank[b->dst[e]];
        }
        vg_free(rank);
        rank = NULL;
        rc = lay_out(b, g, with_in_edges);
    }
    vg_free(rank);
    vg_graph_builder_free(b);
    if (rc != VG_GRAPH_OK) vg_graph_free(g);
    return rc;
}

void vg_graph_free(vg_graph *g) {
    vg_free(g->ints);
    vg_free(g->text);
    vg_free(g->text_off);
    vg_free(g->text_len);
    vg_free(g->out_start);
    vg_free(g->out_node);
    vg_free(g->out_weight);
    vg_free(g->in_start);
    vg_free(g->in_node);
    memset(g, 0, sizeof *g);
}

uint32_t vg_graph_find_int(const vg_graph *g, int64_t id) {
    if (g->type != VG_GRAPH_INT_IDS) return VG_GRAPH_NONE;
    uint32_t lo = 0, hi = g->node_count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (g->ints[mid] < id) lo = mid + 1;
        else hi = mid;
    }
    return lo < g->node_count && g->ints[lo] == id ? lo : VG_GRAPH_NONE;
}

uint32_t vg_graph_find_text(const vg_graph *g, const char *id, size_t len) {
    if (g->type != VG_GRAPH_TEXT_IDS) return VG_GRAPH_NONE;
    uint32_t lo = 0, hi = g->node_count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (vg_graph_compare_text(g->text + g->text_off[mid], g->text_len[mid], id, len) < 0) lo = mid + 1;
        else hi = mid;
    }
    return lo < g->node_count && vg_graph_compare_text(g->text + g->text_off[lo], g->text_len[lo], id, len) == 0 ? lo
                                                                                                         : VG_GRAPH_NONE;
}
