/* The HNSW graph's node store: slots, vectors, links, the rowid map, the level generator, distances,
 * loading from storage and the dirty-node list. Insert/delete are in vg_hnsw_build.c, search in
 * vg_hnsw_search.c. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vg_hnsw_internal.h"

vg_hnsw_graph *vg_hnsw_graph_new(const vg_hnsw_params *params, const vg_kernels *kernels) {
    vg_hnsw_graph *g = calloc(1, sizeof *g);
    if (!g) return NULL;
    g->p = *params;
    g->k = kernels;
    g->m0 = 2 * params->m;
    g->entry = VG_HNSW_NO_SLOT;
    g->max_level = -1;
    g->res.max = 1;
    g->fresh = malloc((size_t)g->m0 * sizeof *g->fresh);
    if (!g->fresh) {
        free(g);
        return NULL;
    }
    return g;
}

void vg_hnsw_graph_free(vg_hnsw_graph *g) {
    if (!g) return;
    for (size_t i = 0; i < g->slots; i++) free(g->upper[i]);
    free(g->upper);
    free(g->level0);
    free(g->rowid);
    free(g->level);
    free(g->norm2);
    free(g->vectors);
    free(g->free_slots);
    free(g->visited);
    free(g->dirty_mark);
    free(g->dirty);
    free(g->fresh);
    vg_hnsw_map_free(&g->map);
    vg_hnsw_heap_free(&g->cand);
    vg_hnsw_heap_free(&g->res);
    free(g);
}

static uint64_t splitmix64(uint64_t x) {
    x += 0x9e3779b97f4a7c15u;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
    return x ^ (x >> 31);
}

int vg_hnsw_level_for(const vg_hnsw_params *params, int64_t rowid) {
    uint64_t h = splitmix64(params->seed ^ splitmix64((uint64_t)rowid));
    double u = ((double)(h >> 11) + 1.0) / 9007199254740992.0; /* (0, 1] */
    double level = -log(u) / log((double)params->m);
    return level >= VG_HNSW_MAX_LEVEL ? VG_HNSW_MAX_LEVEL : (int)level;
}

int vg_hnsw_max_links(const vg_hnsw_params *params, int level) {
    return level == 0 ? 2 * params->m : params->m;
}

float vg_hnsw_norm2(const vg_hnsw_graph *g, const float *v) {
    return g->p.metric == VG_HNSW_COSINE ? g->k->dot(v, v, (size_t)g->p.dims) : 0.0f;
}

/* Squared L2 or negative dot product: the metrics that need no norms. */
static inline double norm_free_distance(const vg_hnsw_graph *g, const float *q, const float *v) {
    size_t n = (size_t)g->p.dims;
    return g->p.metric == VG_HNSW_L2 ? (double)g->k->l2sq(q, v, n) : -(double)g->k->dot(q, v, n);
}

/* 1 - dot / sqrt(norms), kept in [0, 2]; 1 when either vector has norm zero. */
static inline double cosine_distance(double dot, double norms) {
    if (norms <= 0.0) return 1.0;
    double d = 1.0 - dot / sqrt(norms);
    return d < 0.0 ? 0.0 : d > 2.0 ? 2.0 : d;
}

double vg_hnsw_dist_query(const vg_hnsw_graph *g, const float *q, float q_norm2, uint32_t slot) {
    const float *v = vg_hnsw_vec(g, slot);
    if (g->p.metric != VG_HNSW_COSINE) return norm_free_distance(g, q, v);
    return cosine_distance((double)g->k->dot(q, v, (size_t)g->p.dims), (double)q_norm2 * (double)g->norm2[slot]);
}

double vg_hnsw_distance(const vg_hnsw_graph *g, const float *q, const float *v) {
    if (g->p.metric != VG_HNSW_COSINE) return norm_free_distance(g, q, v);
    float dot, aa, bb;
    g->k->dot_norms(q, v, (size_t)g->p.dims, &dot, &aa, &bb);
    return cosine_distance((double)dot, (double)aa * (double)bb);
}

size_t vg_hnsw_count(const vg_hnsw_graph *g) {
    return g->map.count;
}

int vg_hnsw_contains(const vg_hnsw_graph *g, int64_t rowid) {
    return vg_hnsw_map_get(&g->map, rowid) != VG_HNSW_NO_SLOT;
}

const float *vg_hnsw_vector(const vg_hnsw_graph *g, int64_t rowid) {
    uint32_t s = vg_hnsw_map_get(&g->map, rowid);
    return s == VG_HNSW_NO_SLOT ? NULL : vg_hnsw_vec(g, s);
}

int vg_hnsw_level(const vg_hnsw_graph *g, int64_t rowid) {
    uint32_t s = vg_hnsw_map_get(&g->map, rowid);
    return s == VG_HNSW_NO_SLOT ? -1 : g->level[s];
}

int vg_hnsw_entry(const vg_hnsw_graph *g, int64_t *rowid) {
    if (g->entry == VG_HNSW_NO_SLOT) return 0;
    *rowid = g->rowid[g->entry];
    return 1;
}

int vg_hnsw_link_count(const vg_hnsw_graph *g, int64_t rowid, int level) {
    uint32_t s = vg_hnsw_map_get(&g->map, rowid);
    if (s == VG_HNSW_NO_SLOT || level < 0 || level > g->level[s]) return 0;
    return (int)vg_hnsw_list(g, s, level)[0];
}

int64_t vg_hnsw_link(const vg_hnsw_graph *g, int64_t rowid, int level, int i) {
    uint32_t s = vg_hnsw_map_get(&g->map, rowid);
    return g->rowid[vg_hnsw_list(g, s, level)[1 + i]];
}

void vg_hnsw_new_visit(vg_hnsw_graph *g) {
    if (++g->epoch == 0) {
        memset(g->visited, 0, g->cap * sizeof g->visited[0]);
        g->epoch = 1;
    }
}

int vg_hnsw_mark_dirty(vg_hnsw_graph *g, uint32_t slot) {
    if (g->dirty_mark[slot]) return 0;
    if (g->n_dirty == g->cap_dirty) {
        size_t cap = g->cap_dirty ? g->cap_dirty * 2 : 64;
        uint32_t *d = realloc(g->dirty, cap * sizeof *d);
        if (!d) return -1;
        g->dirty = d;
        g->cap_dirty = cap;
    }
    g->dirty[g->n_dirty++] = slot;
    g->dirty_mark[slot] = 1;
    return 0;
}

size_t vg_hnsw_dirty_count(const vg_hnsw_graph *g) {
    return g->n_dirty;
}

int64_t vg_hnsw_dirty_rowid(const vg_hnsw_graph *g, size_t i) {
    return g->rowid[g->dirty[i]];
}

void vg_hnsw_dirty_clear(vg_hnsw_graph *g) {
    for (size_t i = 0; i < g->n_dirty; i++) g->dirty_mark[g->dirty[i]] = 0;
    g->n_dirty = 0;
}

/* Grows every per-slot array to hold at least one more slot. */
static int reserve_slot(vg_hnsw_graph *g) {
    if (g->slots < g->cap) return 0;
    size_t cap = g->cap ? g->cap * 2 : 64, dims = (size_t)g->p.dims;
#define GROW(field)                                                    \
    do {                                                               \
        void *p = realloc(g->field, cap * sizeof g->field[0]);         \
        if (!p) return -1;                                             \
        g->field = p;                                                  \
    } while (0)
    GROW(rowid);
    GROW(level);
    GROW(norm2);
    GROW(upper);
    GROW(free_slots);
    GROW(visited);
    GROW(dirty_mark);
#undef GROW
    float *v = realloc(g->vectors, cap * dims * sizeof(float));
    if (!v) return -1;
    g->vectors = v;
    uint32_t *l0 = realloc(g->level0, cap * (size_t)(1 + g->m0) * sizeof(uint32_t));
    if (!l0) return -1;
    g->level0 = l0;
    memset(g->visited + g->cap, 0, (cap - g->cap) * sizeof g->visited[0]);
    memset(g->dirty_mark + g->cap, 0, cap - g->cap);
    g->cap = cap;
    return 0;
}

/* A slot holding rowid, level and v with empty links, registered in the map; VG_HNSW_NO_SLOT when
 * out of memory. */
static uint32_t new_slot(vg_hnsw_graph *g, int64_t rowid, int level, const float *v) {
    uint32_t *upper = NULL;
    if (level > 0 && !(upper = calloc((size_t)level * (size_t)(1 + g->p.m), sizeof *upper))) return VG_HNSW_NO_SLOT;
    uint32_t s;
    if (g->n_free) {
        s = g->free_slots[g->n_free - 1];
    } else if (reserve_slot(g) == 0) {
        s = (uint32_t)g->slots;
    } else {
        free(upper);
        return VG_HNSW_NO_SLOT;
    }
    if (vg_hnsw_map_put(&g->map, rowid, s) != 0) {
        free(upper);
        return VG_HNSW_NO_SLOT;
    }
    if (g->n_free) g->n_free--;
    else g->slots++;
    g->rowid[s] = rowid;
    g->level[s] = level;
    g->upper[s] = upper;
    vg_hnsw_list(g, s, 0)[0] = 0;
    memcpy(g->vectors + (size_t)s * (size_t)g->p.dims, v, (size_t)g->p.dims * sizeof(float));
    g->norm2[s] = vg_hnsw_norm2(g, v);
    g->dirty_mark[s] = 0;
    return s;
}

uint32_t vg_hnsw_add_slot(vg_hnsw_graph *g, int64_t rowid, int level, const float *v) {
    return new_slot(g, rowid, level, v);
}

void vg_hnsw_free_slot(vg_hnsw_graph *g, uint32_t s) {
    vg_hnsw_map_remove(&g->map, g->rowid[s]);
    free(g->upper[s]);
    g->upper[s] = NULL;
    g->level[s] = -1;
    g->free_slots[g->n_free++] = s;
}

vg_hnsw_rc vg_hnsw_load_node(vg_hnsw_graph *g, int64_t rowid, int level, const float *v) {
    if (level < 0 || level > VG_HNSW_MAX_LEVEL) return VG_HNSW_CORRUPT;
    if (vg_hnsw_contains(g, rowid)) return VG_HNSW_EXISTS;
    uint32_t s = new_slot(g, rowid, level, v);
    if (s == VG_HNSW_NO_SLOT) return VG_HNSW_NOMEM;
    if (level > g->max_level) {
        g->max_level = level;
        g->entry = s;
    }
    return VG_HNSW_OK;
}

vg_hnsw_rc vg_hnsw_load_links(vg_hnsw_graph *g, int64_t rowid, int level, const int64_t *ids, int n) {
    uint32_t s = vg_hnsw_map_get(&g->map, rowid);
    if (s == VG_HNSW_NO_SLOT) return VG_HNSW_MISSING;
    if (level < 0 || level > g->level[s] || n < 0 || n > vg_hnsw_max_links(&g->p, level)) return VG_HNSW_CORRUPT;
    uint32_t *list = vg_hnsw_list(g, s, level);
    for (int i = 0; i < n; i++) {
        uint32_t t = vg_hnsw_map_get(&g->map, ids[i]);
        if (t == VG_HNSW_NO_SLOT) return VG_HNSW_MISSING;
        if (t == s || g->level[t] < level) return VG_HNSW_CORRUPT;
        list[1 + i] = t;
    }
    list[0] = (uint32_t)n;
    return VG_HNSW_OK;
}

vg_hnsw_rc vg_hnsw_load_entry(vg_hnsw_graph *g, int64_t rowid) {
    uint32_t s = vg_hnsw_map_get(&g->map, rowid);
    if (s == VG_HNSW_NO_SLOT) return VG_HNSW_MISSING;
    if (g->level[s] != g->max_level) return VG_HNSW_CORRUPT;
    g->entry = s;
    return VG_HNSW_OK;
}
