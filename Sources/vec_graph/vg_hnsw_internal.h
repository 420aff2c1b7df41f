/* The HNSW engine's data structures, shared by its files (store, view, search, build, optimize,
 * flat): the shared store, one connection's view of it, and the small containers they use. */
#ifndef VG_HNSW_INTERNAL_H
#define VG_HNSW_INTERNAL_H

#include "vg_atomic.h"
#include "vg_hnsw_graph.h"
#include "vg_hnsw_heap.h"
#include "vg_hnsw_map.h"
#include "vg_hnsw_node.h"
#include "vg_sync.h"

/* A set of slots: a dense list (for iterating) and an open-addressing index over it. */
typedef struct vg_hnsw_slotset {
    uint32_t *items;
    size_t count, cap;
    uint32_t *table; /* positions in items + 1; 0 is empty; a power of two long */
    size_t table_cap;
} vg_hnsw_slotset;

int vg_hnsw_slotset_add(vg_hnsw_slotset *s, uint32_t slot); /* 0, or -1 when out of memory */
int vg_hnsw_slotset_has(const vg_hnsw_slotset *s, uint32_t slot);
void vg_hnsw_slotset_clear(vg_hnsw_slotset *s);
void vg_hnsw_slotset_free(vg_hnsw_slotset *s);

/* A view's private nodes by slot: a hash map while few, an array indexed by slot once they are a
 * sixteenth of the slots (so a small write transaction never pays for an array of every slot). */
typedef struct vg_hnsw_privmap {
    vg_hnsw_node **array; /* array mode: array_cap entries */
    size_t array_cap;
    uint32_t *keys;       /* hash mode: VG_HNSW_NO_SLOT marks an empty bucket */
    vg_hnsw_node **values;
    size_t hash_cap;
    uint32_t *slots;      /* every slot held, in no order */
    size_t count, cap;
} vg_hnsw_privmap;

vg_hnsw_node *vg_hnsw_privmap_find(const vg_hnsw_privmap *m, uint32_t slot);
/* Holds n for slot (freeing a node it held there); n_slots sizes the array mode. 0, or -1. */
int vg_hnsw_privmap_put(vg_hnsw_privmap *m, uint32_t slot, vg_hnsw_node *n, uint32_t n_slots);
/* Empties the map, freeing the nodes it held when free_nodes is set (else the caller took them). */
void vg_hnsw_privmap_clear(vg_hnsw_privmap *m, int free_nodes);
void vg_hnsw_privmap_free(vg_hnsw_privmap *m);

static inline vg_hnsw_node *vg_hnsw_privmap_get(const vg_hnsw_privmap *m, uint32_t slot) {
    if (m->array) return slot < m->array_cap ? m->array[slot] : NULL;
    return m->count ? vg_hnsw_privmap_find(m, slot) : NULL;
}

/* The store's array of node pointers (read with acquire loads: another thread may publish into it).
 * A grown store retires the old array like a node, so a reader that pinned it may finish with it. */
typedef struct vg_hnsw_slots {
    struct vg_hnsw_slots *retired_next;
    uint32_t cap;
    vg_hnsw_node *node[];
} vg_hnsw_slots;

/* A flat copy of every vector, for exact search: slot-indexed and contiguous. */
struct vg_hnsw_flat {
    struct vg_hnsw_flat *retired_next;
    int64_t gen;
    uint32_t n;
    size_t stride; /* a code's bytes */
    size_t bytes;
    unsigned char *codes; /* n * stride */
    float *norm2;
    int32_t *qsum; /* i8 only */
    uint32_t *qsumsq;
    int64_t *rowid;
    uint8_t *live;
    vg_hnsw_map index; /* rowid -> slot, live slots only */
};

/* A generation's change to one slot, kept while a flat copy exists (it must not answer for them). */
typedef struct vg_hnsw_change {
    int64_t gen;
    uint32_t slot;
} vg_hnsw_change;

/* Nodes and arrays removed from the store wait in the list of the epoch they were removed in, and are
 * freed once no reader that entered before then is left: a reader enters the current epoch; the
 * epoch flips when nobody is left in the other one, whose list is then freed (two-epoch reclamation). */
typedef struct vg_hnsw_retired {
    vg_hnsw_node *nodes;
    vg_hnsw_slots *arrays;
    vg_hnsw_flat *flats;
    size_t bytes; /* of the nodes */
} vg_hnsw_retired;

struct vg_hnsw_store {
    vg_hnsw_params p;
    vg_hnsw_layout L;
    vg_mutex *mu;
    vg_hnsw_slots *slots; /* replaced (never changed in place but for its entries) when it grows */
    int64_t gen;          /* the generation the nodes are current for */
    int epoch;
    long active[2];
    vg_hnsw_retired retired[2];
    size_t budget, used, count; /* used: bytes of the nodes and the flat copy held */
    uint32_t hand; /* the clock's position */
    unsigned long long evictions;
    vg_hnsw_flat *flat;
    vg_hnsw_change *changes; /* since the flat copy's generation */
    size_t n_changes, cap_changes;
};

/* What a reader holds between vg_hnsw_view_begin and _end. */
typedef struct vg_hnsw_pin {
    vg_hnsw_slots *slots;
    int epoch;
    int held;
} vg_hnsw_pin;

void vg_hnsw_store_pin(vg_hnsw_store *s, vg_hnsw_pin *pin);
void vg_hnsw_store_unpin(vg_hnsw_store *s, vg_hnsw_pin *pin);
/* Offers n, read at generation gen, to the store. Returns the store's node for n->slot when it took n
 * (or already held one for that generation, in which case n is freed), and NULL when it does not
 * take it (the caller keeps n). Refreshes the pin when the array grew. */
vg_hnsw_node *vg_hnsw_store_publish(vg_hnsw_store *s, vg_hnsw_pin *pin, vg_hnsw_node *n, int64_t gen);
/* A committed write transaction moved the store from base to base + 1 by d: applies it and takes
 * the transaction's nodes (count of them) for the new generation, freeing those it does not take.
 * When the store is not at base it only frees them. */
void vg_hnsw_store_commit(vg_hnsw_store *s, int64_t base, const vg_hnsw_delta *d, vg_hnsw_node **nodes,
                          size_t count);
/* Keeps a copy of values (dims floats) as n's original when n is still the store's node for its slot
 * and the budget has room for it (evicting as a publish does); else does nothing. */
void vg_hnsw_store_keep_original(vg_hnsw_store *s, vg_hnsw_node *n, const float *values);
/* Under the store's lock: the flat copy usable at gen and the slots changed after it up to gen. */
const vg_hnsw_flat *vg_hnsw_store_flat_for(vg_hnsw_store *s, int64_t gen, const vg_hnsw_slotset *also,
                                           uint32_t **skip, size_t *n_skip, vg_hnsw_rc *rc);

struct vg_hnsw_view {
    vg_hnsw_params p;
    vg_hnsw_layout L;
    const vg_kernels *k;
    vg_hnsw_store *store;
    vg_hnsw_source source;
    /* the snapshot */
    int64_t gen;
    uint32_t n_slots, entry;
    int max_level; /* the entry's level, -1 when empty */
    vg_hnsw_pin pin;
    /* a write transaction */
    int in_txn;
    vg_hnsw_privmap priv;    /* private nodes: changed ones (dirty), and read ones the store did not take */
    vg_hnsw_slotset changed; /* every slot this transaction changed */
    vg_hnsw_slotset content; /* of those, the ones whose rowid, vector or liveness changed */
    int changed_all;         /* optimize renumbered everything */
    int discarded;           /* private nodes were discarded (ROLLBACK TO, a failed write): the slots this
                                transaction changed are read from the tables again, never from the store */
    uint32_t *dirty;
    size_t n_dirty, cap_dirty;
    /* search scratch */
    uint8_t *visited; /* visited[slot] == epoch: seen in this search */
    size_t visited_cap;
    uint8_t epoch;
    vg_hnsw_heap cand, res;
    uint32_t *fresh; /* a node's not yet visited neighbours */
    unsigned char *probe_code; /* a query in i8 or bit form (layout.code_bytes) */
    float *probe_f;            /* two f16 nodes as float32 (2 * dims): a change's node, and one it compares */
    vg_hnsw_rc error;
};

/* The read path's slow half: reads slot through the source and keeps the node (store or private). */
const vg_hnsw_node *vg_hnsw_view_miss(vg_hnsw_view *v, uint32_t slot);

/* The store's node in slot when the view may use it (read at or before the snapshot, and not one this
 * transaction changed since a ROLLBACK TO), else NULL. The caller looked for a private copy first. */
static inline vg_hnsw_node *vg_hnsw_shared_node(const vg_hnsw_view *v, uint32_t slot) {
    vg_hnsw_slots *a = v->pin.slots;
    if (!a || slot >= a->cap || (v->discarded && (v->changed_all || vg_hnsw_slotset_has(&v->changed, slot))))
        return NULL;
    vg_hnsw_node *s = vg_atomic_load_ptr(&a->node[slot]);
    return s && s->gen <= v->gen ? s : NULL;
}

/* The node in slot: private copy, else the store's if read at or before the snapshot, else read. */
static inline const vg_hnsw_node *vg_hnsw_get(vg_hnsw_view *v, uint32_t slot) {
    const vg_hnsw_node *n = vg_hnsw_privmap_get(&v->priv, slot);
    if (n) return n;
    vg_hnsw_node *s = vg_hnsw_shared_node(v, slot);
    if (s) {
        if (!vg_atomic_load_u8(&s->ref)) vg_atomic_store_u8(&s->ref, 1);
        return s;
    }
    return vg_hnsw_view_miss(v, slot);
}

/* Where the store's pointer for slot sits, for prefetching (NULL when out of range). */
static inline const void *vg_hnsw_shared_addr(const vg_hnsw_view *v, uint32_t slot) {
    return v->pin.slots && slot < v->pin.slots->cap ? (const void *)&v->pin.slots->node[slot] : NULL;
}

/* A private copy of slot's node to change, marked dirty; NULL on failure (v->error set). */
vg_hnsw_node *vg_hnsw_get_mut(vg_hnsw_view *v, uint32_t slot);
/* Records that slot's rowid, vector or liveness changed. 0, or -1 (v->error set). */
int vg_hnsw_view_content_changed(vg_hnsw_view *v, uint32_t slot);
/* Makes n (a new node for n->slot) the view's private node there, dirty. 0, or -1 (n freed). */
int vg_hnsw_view_put_new(vg_hnsw_view *v, vg_hnsw_node *n);
/* Records a failure (the first one counts) and returns NULL, for the accessors above. */
void *vg_hnsw_view_fail(vg_hnsw_view *v, vg_hnsw_rc rc);
/* Grows the visited marks to the slot count; starts a new visit epoch. 0, or -1. */
int vg_hnsw_new_visit(vg_hnsw_view *v);


/* n's list on level, or NULL (and a CORRUPT error) when n does not reach that level. */
static inline const uint32_t *vg_hnsw_list_at(vg_hnsw_view *v, const vg_hnsw_node *n, int level) {
    if (level > n->level) return vg_hnsw_view_fail(v, VG_HNSW_CORRUPT);
    return vg_hnsw_node_list(&v->L, n, level);
}

#if defined(__GNUC__) || defined(__clang__)
#define VG_HNSW_PREFETCH(p) __builtin_prefetch(p)
#else
#define VG_HNSW_PREFETCH(p) ((void)(p))
#endif

/* A probe for node n; f16 decodes it into scratch (dims floats), which must outlive the probe's use. */
void vg_hnsw_probe_node(const vg_hnsw_view *v, const vg_hnsw_node *n, float *scratch, vg_hnsw_probe *out);

/* The distance from p to a stored vector: its code, and the norm and sums a node or the flat copy
 * keeps for it. float32 inline; the compact types in vg_hnsw_distance.c. */
double vg_hnsw_dist_code_slow(const vg_hnsw_view *v, const vg_hnsw_probe *p, const unsigned char *code, float norm2,
                              int32_t qsum, uint32_t qsumsq);

static inline double vg_hnsw_dist_code(const vg_hnsw_view *v, const vg_hnsw_probe *p, const unsigned char *code,
                                       float norm2, int32_t qsum, uint32_t qsumsq) {
    if (v->p.storage == VG_ELEM_F32 && v->p.metric == VG_HNSW_L2)
        return (double)v->k->l2sq(p->f, (const float *)(const void *)code, (size_t)v->p.dims);
    return vg_hnsw_dist_code_slow(v, p, code, norm2, qsum, qsumsq);
}

static inline double vg_hnsw_dist_node(const vg_hnsw_view *v, const vg_hnsw_probe *p, const vg_hnsw_node *n) {
    return vg_hnsw_dist_code(v, p, vg_hnsw_node_code(n), n->norm2, n->qsum, n->qsumsq);
}

static inline double vg_hnsw_flat_dist(const vg_hnsw_view *v, const vg_hnsw_flat *f, const vg_hnsw_probe *p,
                                       uint32_t slot) {
    return vg_hnsw_dist_code(v, p, f->codes + (size_t)slot * f->stride, f->norm2[slot], f->qsum ? f->qsum[slot] : 0,
                             f->qsumsq ? f->qsumsq[slot] : 0);
}

/* From entry slot ep, greedy descent on level: the closest slot found, VG_HNSW_NO_SLOT on failure. */
uint32_t vg_hnsw_greedy(vg_hnsw_view *v, const vg_hnsw_probe *p, uint32_t ep, int level);
/* Best-first search on level from ep, leaving the ef best results in v->res (a max-heap). Only live
 * nodes other than skip (VG_HNSW_NO_SLOT: none) enter the results, and with allowed (indexed by slot)
 * only allowed ones; the walk crosses every node. Returns 0, or -1 (v->error set). */
int vg_hnsw_search_layer(vg_hnsw_view *v, const vg_hnsw_probe *p, uint32_t ep, int ef, int level,
                         const unsigned char *allowed, uint32_t skip);

#endif
