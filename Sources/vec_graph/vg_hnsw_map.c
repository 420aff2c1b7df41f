/* The rowid -> node slot hash map of the HNSW graph. */
#include "vg_alloc.h"

#include "vg_hnsw_map.h"

static size_t bucket_of(int64_t key, size_t cap) {
    uint64_t h = (uint64_t)key * 0x9e3779b97f4a7c15u;
    return (size_t)(h ^ (h >> 29)) & (cap - 1);
}

void vg_hnsw_map_free(vg_hnsw_map *m) {
    vg_free(m->keys);
    vg_free(m->values);
    m->keys = NULL;
    m->values = NULL;
    m->cap = m->count = 0;
}

uint32_t vg_hnsw_map_get(const vg_hnsw_map *m, int64_t key) {
    if (m->cap == 0) return VG_HNSW_NO_SLOT;
    for (size_t i = bucket_of(key, m->cap);; i = (i + 1) & (m->cap - 1)) {
        if (m->values[i] == VG_HNSW_NO_SLOT) return VG_HNSW_NO_SLOT;
        if (m->keys[i] == key) return m->values[i];
    }
}

static void insert_new(vg_hnsw_map *m, int64_t key, uint32_t value) {
    size_t i = bucket_of(key, m->cap);
    while (m->values[i] != VG_HNSW_NO_SLOT) i = (i + 1) & (m->cap - 1);
    m->keys[i] = key;
    m->values[i] = value;
    m->count++;
}

static int grow(vg_hnsw_map *m) {
    size_t cap = m->cap ? m->cap * 2 : 64;
    vg_hnsw_map bigger = {vg_malloc(cap * sizeof(int64_t)), vg_malloc(cap * sizeof(uint32_t)), cap, 0};
    if (!bigger.keys || !bigger.values) {
        vg_hnsw_map_free(&bigger);
        return -1;
    }
    for (size_t i = 0; i < cap; i++) bigger.values[i] = VG_HNSW_NO_SLOT;
    for (size_t i = 0; i < m->cap; i++)
        if (m->values[i] != VG_HNSW_NO_SLOT) insert_new(&bigger, m->keys[i], m->values[i]);
    vg_hnsw_map_free(m);
    *m = bigger;
    return 0;
}

int vg_hnsw_map_put(vg_hnsw_map *m, int64_t key, uint32_t value) {
    if (m->cap) {
        for (size_t i = bucket_of(key, m->cap); m->values[i] != VG_HNSW_NO_SLOT; i = (i + 1) & (m->cap - 1)) {
            if (m->keys[i] == key) {
                m->values[i] = value;
                return 0;
            }
        }
    }
    if ((m->count + 1) * 2 > m->cap && grow(m) != 0) return -1;
    insert_new(m, key, value);
    return 0;
}

void vg_hnsw_map_remove(vg_hnsw_map *m, int64_t key) {
    if (m->cap == 0) return;
    size_t mask = m->cap - 1, i = bucket_of(key, m->cap);
    while (m->values[i] != VG_HNSW_NO_SLOT && m->keys[i] != key) i = (i + 1) & mask;
    if (m->values[i] == VG_HNSW_NO_SLOT) return;
    /* Backward shift: move later entries of the probe run into the hole when their home allows. */
    for (size_t j = (i + 1) & mask;; j = (j + 1) & mask) {
        if (m->values[j] == VG_HNSW_NO_SLOT) break;
        size_t home = bucket_of(m->keys[j], m->cap);
        int movable = i <= j ? (home <= i || home > j) : (home <= i && home > j);
        if (movable) {
            m->keys[i] = m->keys[j];
            m->values[i] = m->values[j];
            i = j;
        }
    }
    m->values[i] = VG_HNSW_NO_SLOT;
    m->count--;
}
