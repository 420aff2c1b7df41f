/* A hash map from int64 rowid to uint32 node slot: open addressing, linear probing, deletion by
 * backward shift (no tombstones). */
#ifndef VG_HNSW_MAP_H
#define VG_HNSW_MAP_H

#include <stddef.h>
#include <stdint.h>

#include "vg_hnsw_graph.h"

typedef struct vg_hnsw_map {
    int64_t *keys;
    uint32_t *values; /* UINT32_MAX marks an empty bucket */
    size_t cap;       /* a power of two, or 0 */
    size_t count;
} vg_hnsw_map;

void vg_hnsw_map_free(vg_hnsw_map *m);
/* The slot of key, or VG_HNSW_NO_SLOT. */
uint32_t vg_hnsw_map_get(const vg_hnsw_map *m, int64_t key);
/* Adds or replaces key; returns 0, or -1 when out of memory. */
int vg_hnsw_map_put(vg_hnsw_map *m, int64_t key, uint32_t value);
void vg_hnsw_map_remove(vg_hnsw_map *m, int64_t key);

#endif
