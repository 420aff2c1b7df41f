/* The registry of shared HNSW stores (see vg_hnsw_registry.h): a list under the process-wide
 * registry mutex; a store lives while any connection's table holds it. */
#include <string.h>

#include "vg_alloc.h"
#include "vg_hnsw_registry.h"
#include "vg_sync.h"

typedef struct entry {
    struct entry *next;
    vg_hnsw_store *store;
    int64_t id;
    int refs;
    char file[]; /* "" for a store nobody shares */
} entry;

static entry *entries;

static size_t budget_of(const vg_hnsw_params *p) {
    return (size_t)p->cache_mb << 20;
}

vg_hnsw_store *vg_hnsw_registry_acquire(const char *file, int64_t id, const vg_hnsw_params *params, int64_t gen) {
    vg_mutex *mu = vg_mutex_registry();
    vg_mutex_enter(mu);
    entry *e = NULL;
    for (entry *it = entries; file[0] && it && !e; it = it->next)
        if (it->id == id && strcmp(it->file, file) == 0) e = it;
    if (e) {
        e->refs++;
    } else {
        size_t len = strlen(file);
        e = vg_malloc(sizeof *e + len + 1);
        vg_hnsw_store *s = e ? vg_hnsw_store_new(params, gen, budget_of(params)) : NULL;
        if (s) {
            e->store = s;
            e->id = id;
            e->refs = 1;
            memcpy(e->file, file, len + 1);
            e->next = entries;
            entries = e;
        } else {
            vg_free(e);
            e = NULL;
        }
    }
    vg_mutex_leave(mu);
    return e ? e->store : NULL;
}

void vg_hnsw_registry_release(vg_hnsw_store *store) {
    if (!store) return;
    vg_mutex *mu = vg_mutex_registry();
    vg_mutex_enter(mu);
    entry **at = &entries;
    while (*at && (*at)->store != store) at = &(*at)->next;
    entry *e = *at;
    if (e && --e->refs == 0) *at = e->next;
    else e = NULL;
    vg_mutex_leave(mu);
    if (e) {
        vg_hnsw_store_free(e->store);
        vg_free(e);
    }
}
