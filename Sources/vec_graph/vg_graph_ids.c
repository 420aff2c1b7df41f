/* Node id interning: maps INTEGER or TEXT node ids to first-seen numbers through an open-addressing
 * hash table (linear probing, load at most one half, keys kept in the slots); TEXT ids are copied
 * into one arena and found by their 64-bit hash, then their bytes. */
#include <string.h>

#include "vg_alloc.h"
#include "vg_graph.h"

static uint64_t mix(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    return x ^ (x >> 33);
}

static uint64_t hash_text(const char *s, size_t len) {
    uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */
    for (size_t i = 0; i < len; i++) h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
    return h;
}

/* The slot an INT id or a TEXT hash starts probing from. */
static size_t home(const vg_graph_ids *ids, uint64_t key) {
    return (size_t)mix(key) & (ids->slot_count - 1);
}

/* Doubles the slot array and reinserts every slot. */
static vg_graph_status grow_slots(vg_graph_ids *ids) {
    size_t count = ids->slot_count ? ids->slot_count * 2 : 1024;
    vg_graph_slot *slots = vg_malloc(count * sizeof *slots);
    if (!slots) return VG_GRAPH_NOMEM;
    for (size_t i = 0; i < count; i++) slots[i].number = VG_GRAPH_NONE;
    vg_graph_slot *old = ids->slots;
    size_t old_count = ids->slot_count;
    ids->slots = slots;
    ids->slot_count = count;
    for (size_t j = 0; j < old_count; j++) {
        if (old[j].number == VG_GRAPH_NONE) continue;
        size_t i = home(ids, old[j].key);
        while (slots[i].number != VG_GRAPH_NONE) i = (i + 1) & (count - 1);
        slots[i] = old[j];
    }
    vg_free(old);
    return VG_GRAPH_OK;
}

/* Makes room for one more id in the per-id arrays and keeps the hash table at most half full. */
static vg_graph_status reserve_id(vg_graph_ids *ids) {
    if (ids->count >= VG_GRAPH_NONE - 1) return VG_GRAPH_TOO_BIG;
    if ((size_t)ids->count + 1 > ids->slot_count / 2) {
        vg_graph_status rc = grow_slots(ids);
        if (rc != VG_GRAPH_OK) return rc;
    }
    if (ids->count < ids->cap) return VG_GRAPH_OK;
    uint32_t cap = ids->cap ? (ids->cap > VG_GRAPH_NONE / 2 ? VG_GRAPH_NONE - 1 : ids->cap * 2) : 1024;
    if (ids->type == VG_GRAPH_INT_IDS) {
        int64_t *ints = vg_realloc(ids->ints, cap * sizeof *ints);
        if (!ints) return VG_GRAPH_NOMEM;
        ids->ints = ints;
    } else {
        size_t *off = vg_realloc(ids->text_off, cap * sizeof *off);
        if (!off) return VG_GRAPH_NOMEM;
        ids->text_off = off;
        size_t *len = vg_realloc(ids->text_len, cap * sizeof *len);
        if (!len) return VG_GRAPH_NOMEM;
        ids->text_len = len;
    }
    ids->cap = cap;
    return VG_GRAPH_OK;
}

/* Stores the new number n under key in the first free slot of its probe sequence. */
static void place(vg_graph_ids *ids, uint64_t key, uint32_t n) {
    size_t mask = ids->slot_count - 1, i = home(ids, key);
    while (ids->slots[i].number != VG_GRAPH_NONE) i = (i + 1) & mask;
    ids->slots[i] = (vg_graph_slot){key, n};
}

vg_graph_status vg_graph_ids_int(vg_graph_ids *ids, int64_t id, uint32_t *number) {
    if (ids->type == VG_GRAPH_NO_IDS) ids->type = VG_GRAPH_INT_IDS;
    uint64_t key = (uint64_t)id;
    if (ids->slot_count) {
        size_t mask = ids->slot_count - 1;
        for (size_t i = home(ids, key); ids->slots[i].number != VG_GRAPH_NONE; i = (i + 1) & mask) {
            if (ids->slots[i].key == key) {
                *number = ids->slots[i].number;
                return VG_GRAPH_OK;
            }
        }
    }
    vg_graph_status rc = reserve_id(ids);
    if (rc != VG_GRAPH_OK) return rc;
    uint32_t n = ids->count++;
    ids->ints[n] = id;
    place(ids, key, n);
    *number = n;
    return VG_GRAPH_OK;
}

void vg_graph_ids_prefetch_int(const vg_graph_ids *ids, int64_t id) {
#if defined(__GNUC__) || defined(__clang__)
    if (ids->slot_count) __builtin_prefetch(&ids->slots[home(ids, (uint64_t)id)]);
#else
    (void)ids;
    (void)id;
#endif
}

vg_graph_status vg_graph_ids_text(vg_graph_ids *ids, const char *id, size_t len, uint32_t *number) {
    if (ids->type == VG_GRAPH_NO_IDS) ids->type = VG_GRAPH_TEXT_IDS;
    uint64_t key = hash_text(id, len);
    if (ids->slot_count) {
        size_t mask = ids->slot_count - 1;
        for (size_t i = home(ids, key); ids->slots[i].number != VG_GRAPH_NONE; i = (i + 1) & mask) {
            uint32_t n = ids->slots[i].number;
            if (ids->slots[i].key == key && ids->text_len[n] == len && memcmp(ids->text + ids->text_off[n], id, len) == 0) {
                *number = n;
                return VG_GRAPH_OK;
            }
        }
    }
    vg_graph_status rc = reserve_id(ids);
    if (rc != VG_GRAPH_OK) return rc;
    if (!ids->text || len > ids->text_cap - ids->text_used) {
        size_t cap = ids->text_cap ? ids->text_cap : 4096;
        while (len > cap - ids->text_used) cap *= 2;
        char *text = vg_realloc(ids->text, cap);
        if (!text) return VG_GRAPH_NOMEM;
        ids->text = text;
        ids->text_cap = cap;
    }
    if (len) memcpy(ids->text + ids->text_used, id, len);
    uint32_t n = ids->count++;
    ids->text_off[n] = ids->text_used;
    ids->text_len[n] = len;
    ids->text_used += len;
    place(ids, key, n);
    *number = n;
    return VG_GRAPH_OK;
}

void vg_graph_ids_free(vg_graph_ids *ids) {
    vg_free(ids->ints);
    vg_free(ids->text_off);
    vg_free(ids->text_len);
    vg_free(ids->text);
    vg_free(ids->slots);
    memset(ids, 0, sizeof *ids);
}
