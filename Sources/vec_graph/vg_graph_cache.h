/* A connection's cache of loaded graphs, in plain C (the SQLite side computes keys and tokens):
 * the most recently used graphs within a byte budget and a count, each stored with the token of
 * the database state it was read in. A lookup whose token differs drops the entry. Graphs are shared
 * by reference count, so an entry dropped while a cursor still reads it lives on until released. */
#ifndef VG_GRAPH_CACHE_H
#define VG_GRAPH_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "vg_graph.h"

/* The defaults of a connection's cache: at most this many graphs and bytes. */
#define VG_GRAPH_CACHE_BUDGET ((size_t)64 << 20)
#define VG_GRAPH_CACHE_ENTRIES 4

typedef struct vg_graph_shared {
    vg_graph graph;
    size_t bytes; /* what graph holds */
    uint32_t refs;
} vg_graph_shared;

/* Moves *g into a new shared graph with one reference (g is zeroed); NULL when out of memory (g is
 * then freed). */
vg_graph_shared *vg_graph_share(vg_graph *g);
void vg_graph_shared_retain(vg_graph_shared *s);
/* Drops one reference; the last frees the graph. NULL is fine. */
void vg_graph_shared_release(vg_graph_shared *s);

/* The database state a graph was read in: equal tokens mean nothing that could change it happened. */
typedef struct vg_graph_token {
    int64_t changes, schema_version, data_version;
} vg_graph_token;

typedef struct vg_graph_cache_entry {
    struct vg_graph_cache_entry *next; /* most recently used first */
    char *key;
    size_t key_len;
    int with_in_edges;
    vg_graph_token token;
    vg_graph_shared *graph;
} vg_graph_cache_entry;

typedef struct vg_graph_cache {
    vg_graph_cache_entry *head;
    size_t bytes, budget;
    unsigned count, max_entries;
} vg_graph_cache;

void vg_graph_cache_init(vg_graph_cache *cache, size_t budget, unsigned max_entries);
void vg_graph_cache_clear(vg_graph_cache *cache);

/* Whether an entry with this key exists (valid or not): without one, a caller need not compute a token. */
int vg_graph_cache_has(const vg_graph_cache *cache, const char *key, size_t key_len);

/* The graph stored under key with that token, with a new reference (release it), when it also has
 * in-edges if need_in_edges. Otherwise NULL, and an entry under key with another token is dropped. */
vg_graph_shared *vg_graph_cache_get(vg_graph_cache *cache, const char *key, size_t key_len, int need_in_edges,
                                    const vg_graph_token *token);

/* Stores graph under key (replacing an entry there), taking a reference, and drops the least
 * recently used entries beyond the budget; a graph larger than the whole budget is not stored.
 * Returns VG_GRAPH_OK or VG_GRAPH_NOMEM (nothing stored, no harm done). */
vg_graph_status vg_graph_cache_put(vg_graph_cache *cache, const char *key, size_t key_len, int with_in_edges,
                                   const vg_graph_token *token, vg_graph_shared *graph);

#endif
