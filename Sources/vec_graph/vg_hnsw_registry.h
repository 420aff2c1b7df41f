/* The process-wide registry of shared HNSW stores: connections of one process that open the same
 * index (the same database file and the same index, told apart by the random id its _config keeps)
 * share one store. Plain C (the unit tests link it). */
#ifndef VG_HNSW_REGISTRY_H
#define VG_HNSW_REGISTRY_H

#include "vg_hnsw_graph.h"

/* The store for (file, id), made for params at generation gen when new; each call takes a reference
 * that vg_hnsw_registry_release gives back (the last one frees the store). file "" (a temporary or
 * in-memory database) is never shared: every call makes a store of its own. NULL when out of memory. */
vg_hnsw_store *vg_hnsw_registry_acquire(const char *file, int64_t id, const vg_hnsw_params *params, int64_t gen);
void vg_hnsw_registry_release(vg_hnsw_store *store);

#endif
