/* The HNSW view's containers: a set of slots, and the map of a view's private nodes by slot. */
#include <string.h>

#include "vg_alloc.h"
#include "vg_hnsw_internal.h"

static size_t home(uint32_t slot, size_t cap) {
    return (size_t)((slot * 0x9e3779b1u) ^ (slot >> 15)) & (cap - 1);
}

static int grow_list(uint32_t **items, size_t *cap, size_t need) {
    if (need <= *cap) return 0;
    size_t c = *cap ? *cap * 2 : 64;
    while (c < need) c *= 2;
    uint32_t *p = vg_realloc(*items, c * sizeof *p);
    if (!p) return -1;
    *items = p;
    *cap = c;
    return 0;
}

/* Rebuilds the set's index at twice the room of its items. */
static int reindex(vg_hnsw_slotset *s) {
    size_t cap = 64;
    while (cap < 2 * (s->count + 1)) cap *= 2;
    uint32_t *t = vg_calloc(cap, sizeof *t);
    if (!t) return -1;
    for (size_t i = 0; i < s->count; i++) {
        size_t h = home(s->items[i], cap);
        while (t[h]) h = (h + 1) & (cap - 1);
        t[h] = (uint32_t)i + 1;
    }
    vg_free(s->table);
    s->table = t;
    s->table_cap = cap;
    return 0;
}

int vg_hnsw_slotset_has(const vg_hnsw_slotset *s, uint32_t slot) {
    if (!s->count) return 0;
    for (size_t h = home(slot, s->table_cap); s->table[h]; h = (h + 1) & (s->table_cap - 1))
        if (s->items[s->table[h] - 1] == slot) return 1;
    return 0;
}

int vg_hnsw_slotset_add(vg_hnsw_slotset *s, uint32_t slot) {
    if (vg_hnsw_slotset_has(s, slot)) return 0;
    if (grow_list(&s->items, &s->cap, s->count + 1) != 0) return -1;
    if (2 * (s->count + 1) > s->table_cap && reindex(s) != 0) return -1;
    size_t h = home(slot, s->table_cap);
    while (s->table[h]) h = (h + 1) & (s->table_cap - 1);
    s->items[s->count++] = slot;
    s->table[h] = (uint32_t)s->count;
    return 0;
}

void vg_hnsw_slotset_clear(vg_hnsw_slotset *s) {
    if (s->table) memset(s->table, 0, s->table_cap * sizeof *s->table);
    s->count = 0;
}

void vg_hnsw_slotset_free(vg_hnsw_slotset *s) {
    vg_free(s->items);
    vg_free(s->table);
    memset(s, 0, sizeof *s);
}

vg_hnsw_node *vg_hnsw_privmap_find(const vg_hnsw_privmap *m, uint32_t slot) {
    for (size_t h = home(slot, m->hash_cap); m->keys[h] != VG_HNSW_NO_SLOT; h = (h + 1) & (m->hash_cap - 1))
        if (m->keys[h] == slot) return m->values[h];
    return NULL;
}

/* The hash bucket holding slot, or the empty one where it would go. */
static size_t bucket(const vg_hnsw_privmap *m, uint32_t slot) {
    size_t h = home(slot, m->hash_cap);
    while (m->keys[h] != VG_HNSW_NO_SLOT && m->keys[h] != slot) h = (h + 1) & (m->hash_cap - 1);
    return h;
}

static int rehash(vg_hnsw_privmap *m, size_t cap) {
    uint32_t *keys = vg_malloc(cap * sizeof *keys);
    vg_hnsw_node **values = vg_malloc(cap * sizeof *values);
    if (!keys || !values) {
        vg_free(keys);
        vg_free(values);
        return -1;
    }
    for (size_t i = 0; i < cap; i++) keys[i] = VG_HNSW_NO_SLOT;
    vg_hnsw_privmap bigger = *m;
    bigger.keys = keys;
    bigger.values = values;
    bigger.hash_cap = cap;
    for (size_t i = 0; i < m->count; i++) {
        uint32_t s = m->slots[i];
        size_t h = bucket(&bigger, s);
        keys[h] = s;
        values[h] = vg_hnsw_privmap_find(m, s);
    }
    vg_free(m->keys);
    vg_free(m->values);
    *m = bigger;
    return 0;
}

/* Switches to array mode: an entry for every slot below cap. */
static int to_array(vg_hnsw_privmap *m, size_t cap) {
    for (size_t i = 0; i < m->count; i++)
        if (m->slots[i] >= cap) cap = (size_t)m->slots[i] + 1;
    vg_hnsw_node **a = vg_calloc(cap, sizeof *a);
    if (!a) return -1;
    for (size_t i = 0; i < m->count; i++) a[m->slots[i]] = m->array ? m->array[m->slots[i]] : vg_hnsw_privmap_find(m, m->slots[i]);
    vg_free(m->array);
    vg_free(m->keys);
    vg_free(m->values);
    m->array = a;
    m->array_cap = cap;
    m->keys = NULL;
    m->values = NULL;
    m->hash_cap = 0;
    return 0;
}

int vg_hnsw_privmap_put(vg_hnsw_privmap *m, uint32_t slot, vg_hnsw_node *n, uint32_t n_slots) {
    vg_hnsw_node *old = vg_hnsw_privmap_get(m, slot);
    if (old) {
        if (old != n) vg_hnsw_node_free(old);
        if (m->array) m->array[slot] = n;
        else m->values[bucket(m, slot)] = n;
        return 0;
    }
    if (grow_list(&m->slots, &m->cap, m->count + 1) != 0) return -1;
    size_t want = (size_t)n_slots > (size_t)slot ? (size_t)n_slots : (size_t)slot + 1;
    if (m->array && slot >= m->array_cap) {
        size_t cap = m->array_cap * 2 > want ? m->array_cap * 2 : want;
        if (to_array(m, cap) != 0) return -1;
    } else if (!m->array && (m->count + 1) * 16 > want && m->count + 1 >= 64) {
        if (to_array(m, want) != 0) return -1;
    } else if (!m->array && 2 * (m->count + 1) > m->hash_cap) {
        if (rehash(m, m->hash_cap ? 2 * m->hash_cap : 64) != 0) return -1;
    }
    m->slots[m->count++] = slot;
    if (m->array) {
        m->array[slot] = n;
    } else {
        size_t h = bucket(m, slot);
        m->keys[h] = slot;
        m->values[h] = n;
    }
    return 0;
}

void vg_hnsw_privmap_clear(vg_hnsw_privmap *m, int free_nodes) {
    for (size_t i = 0; free_nodes && i < m->count; i++) vg_hnsw_node_free(vg_hnsw_privmap_get(m, m->slots[i]));
    if (m->keys)
        for (size_t i = 0; i < m->hash_cap; i++) m->keys[i] = VG_HNSW_NO_SLOT;
    m->count = 0;
    /* a big transaction's array is not kept for the next, small one */
    vg_free(m->array);
    m->array = NULL;
    m->array_cap = 0;
}

void vg_hnsw_privmap_free(vg_hnsw_privmap *m) {
    vg_hnsw_privmap_clear(m, 1);
    vg_free(m->keys);
    vg_free(m->values);
    vg_free(m->slots);
    memset(m, 0, sizeof *m);
}
