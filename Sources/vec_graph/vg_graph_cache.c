/* The graph cache of vg_graph_cache.h: a short list in most-recently-used order (a handful of
 * entries, so a linear search is the cheapest), and reference-counted graphs. */
#include <string.h>

#include "vg_alloc.h"
#include "vg_graph_cache.h"

static size_t graph_bytes(const vg_graph *g) {
    size_t n = g->node_count, m = g->edge_count;
    size_t bytes = (n + 1) * sizeof *g->out_start + m * sizeof *g->out_node;
    if (g->type == VG_GRAPH_INT_IDS) bytes += n * sizeof *g->ints;
    if (g->type == VG_GRAPH_TEXT_IDS) {
        bytes += n * (sizeof *g->text_off + sizeof *g->text_len);
        for (size_t v = 0; v < n; v++) bytes += g->text_len[v];
    }
    if (g->out_weight) bytes += m * sizeof *g->out_weight;
    if (g->in_start) bytes += (n + 1) * sizeof *g->in_start + m * sizeof *g->in_node;
    return bytes;
}

vg_graph_shared *vg_graph_share(vg_graph *g) {
    vg_graph_shared *s = vg_malloc(sizeof *s);
    if (!s) {
        vg_graph_free(g);
        return NULL;
    }
    s->graph = *g;
    s->bytes = sizeof *s + graph_bytes(g);
    s->refs = 1;
    memset(g, 0, sizeof *g);
    return s;
}

void vg_graph_shared_retain(vg_graph_shared *s) {
    s->refs++;
}

void vg_graph_shared_release(vg_graph_shared *s) {
    if (!s || --s->refs > 0) return;
    vg_graph_free(&s->graph);
    vg_free(s);
}

void vg_graph_cache_init(vg_graph_cache *cache, size_t budget, unsigned max_entries) {
    memset(cache, 0, sizeof *cache);
    cache->budget = budget;
    cache->max_entries = max_entries;
}

static void drop(vg_graph_cache *cache, vg_graph_cache_entry **link) {
    vg_graph_cache_entry *e = *link;
    *link = e->next;
    cache->bytes -= e->graph->bytes;
    cache->count--;
    vg_graph_shared_release(e->graph);
    vg_free(e->key);
    vg_free(e);
}

void vg_graph_cache_clear(vg_graph_cache *cache) {
    while (cache->head) drop(cache, &cache->head);
}

/* The link that points at the entry under key, or at the list's end (NULL) when there is none. */
static vg_graph_cache_entry **find(vg_graph_cache *cache, const char *key, size_t key_len) {
    vg_graph_cache_entry **link = &cache->head;
    while (*link && ((*link)->key_len != key_len || memcmp((*link)->key, key, key_len) != 0)) link = &(*link)->next;
    return link;
}

int vg_graph_cache_has(const vg_graph_cache *cache, const char *key, size_t key_len) {
    return *find((vg_graph_cache *)cache, key, key_len) != NULL;
}

static int same_token(const vg_graph_token *a, const vg_graph_token *b) {
    return a->changes == b->changes && a->schema_version == b->schema_version && a->data_version == b->data_version;
}

vg_graph_shared *vg_graph_cache_get(vg_graph_cache *cache, const char *key, size_t key_len, int need_in_edges,
                                    const vg_graph_token *token) {
    vg_graph_cache_entry **link = find(cache, key, key_len), *e = *link;
    if (!e) return NULL;
    if (!same_token(&e->token, token)) {
        drop(cache, link);
        return NULL;
    }
    if (need_in_edges && !e->with_in_edges) return NULL;
    *link = e->next; /* to the front */
    e->next = cache->head;
    cache->head = e;
    vg_graph_shared_retain(e->graph);
    return e->graph;
}

vg_graph_status vg_graph_cache_put(vg_graph_cache *cache, const char *key, size_t key_len, int with_in_edges,
                                   const vg_graph_token *token, vg_graph_shared *graph) {
    vg_graph_cache_entry **old = find(cache, key, key_len);
    if (*old) drop(cache, old);
    if (graph->bytes > cache->budget || cache->max_entries == 0) return VG_GRAPH_OK;
    vg_graph_cache_entry *e = vg_malloc(sizeof *e);
    char *copy = vg_malloc(key_len ? key_len : 1);
    if (!e || !copy) {
        vg_free(e);
        vg_free(copy);
        return VG_GRAPH_NOMEM;
    }
    memcpy(copy, key, key_len);
    *e = (vg_graph_cache_entry){cache->head, copy, key_len, with_in_edges, *token, graph};
    vg_graph_shared_retain(graph);
    cache->head = e;
    cache->bytes += graph->bytes;
    cache->count++;
    /* drop from the least recently used end until within the limits (the new entry fits alone) */
    while (cache->bytes > cache->budget || cache->count > cache->max_entries) {
        vg_graph_cache_entry **last = &cache->head;
        while ((*last)->next) last = &(*last)->next;
        drop(cache, last);
    }
    return VG_GRAPH_OK;
}
