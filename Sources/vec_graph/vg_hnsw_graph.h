/* The HNSW index's engine, without SQLite (the unit tests link it): Malkov & Yashunin's graph with
 * the heuristic neighbour selection, over nodes that are read lazily and cached.
 *
 *   store  what the connections of one process share for one index: the nodes read so far, each
 *          tagged with the generation it was read at, within a memory budget (vg_hnsw_store.c)
 *   view   one connection's window on it: its snapshot (generation, slot count, entry point), the
 *          nodes its own write transaction changed, and its search scratch (vg_hnsw_view.c)
 *   source how a view reads a node it finds in neither place (the shadow tables, for the extension)
 *
 * A deleted node becomes a tombstone: it stays in the graph as a waypoint, is never a result, and
 * its slot is taken over by a later insert (vg_hnsw_build.c); vg_hnsw_optimize purges tombstones
 * and renumbers the slots densely. */
#ifndef VG_HNSW_GRAPH_H
#define VG_HNSW_GRAPH_H

#include <stddef.h>
#include <stdint.h>

#include "vg_compact.h"
#include "vg_kernels.h"

/* Levels run 0..VG_HNSW_MAX_LEVEL; a node on level L has L+1 neighbour lists. */
#define VG_HNSW_MAX_LEVEL 16
/* "No node": an empty graph's entry point, an unmapped rowid. */
#define VG_HNSW_NO_SLOT UINT32_MAX
/* Room for any message the engine writes. */
#define VG_HNSW_ERR_LEN 200

typedef enum vg_hnsw_metric { VG_HNSW_L2 = 0, VG_HNSW_COSINE = 1, VG_HNSW_IP = 2 } vg_hnsw_metric;

typedef struct vg_hnsw_params {
    int dims;
    vg_hnsw_metric metric;
    int m;               /* neighbours per node on levels >= 1; 2*m on level 0 */
    int ef_construction; /* candidate list size while inserting */
    uint64_t seed;       /* the level generator's seed: same seed and rowid, same level */
    int cache_mb;        /* the shared cache's budget for this index, in MiB */
    vg_elem storage;     /* how the nodes hold their vectors (vg_compact.h): the graph is searched on these */
    int rescore;         /* > 0: the float32 originals are kept too, and a search re-ranks rescore * k
                            candidates by them (the SQL layer does; the engine only searches) */
} vg_hnsw_params;

typedef enum vg_hnsw_rc {
    VG_HNSW_OK = 0,
    VG_HNSW_NOMEM,
    VG_HNSW_CORRUPT, /* the stored graph is inconsistent (the source or the caller has the details) */
    VG_HNSW_IOERR,   /* the source failed to read a node (it kept its own message) */
    VG_HNSW_STALE    /* a change log entry is missing: the caller must drop the whole cache */
} vg_hnsw_rc;

typedef struct vg_hnsw_hit {
    int64_t rowid;
    double distance;
    uint32_t slot;
} vg_hnsw_hit;

struct vg_hnsw_node;
typedef struct vg_hnsw_store vg_hnsw_store;
typedef struct vg_hnsw_view vg_hnsw_view;
typedef struct vg_hnsw_flat vg_hnsw_flat;

/* Reads slot's node as of the view's snapshot (or, inside its write transaction, as the tables hold
 * it now) into a new node (vg_hnsw_node_new). Returns VG_HNSW_OK, NOMEM, CORRUPT or IOERR. */
typedef struct vg_hnsw_source {
    void *ctx;
    vg_hnsw_rc (*load)(void *ctx, uint32_t slot, struct vg_hnsw_node **out);
} vg_hnsw_source;

/* The level of rowid: floor(-ln(U) / ln(m)) with U drawn from a hash of (seed, rowid), capped. */
int vg_hnsw_level_for(const vg_hnsw_params *params, int64_t rowid);

/* The distance the index uses between q and v: squared L2, 1 - cosine (clamped to [0, 2]) or -dot. */
double vg_hnsw_distance(const vg_hnsw_params *p, const vg_kernels *k, const float *q, const float *v);

/* The same between q and x given their squared norms (used by cosine only). */
double vg_hnsw_dist_vectors(const vg_hnsw_params *p, const vg_kernels *k, const float *q, float qn, const float *x,
                            float xn);

/* What a distance is measured from, a query or a node, in the form the storage type needs. */
typedef struct vg_hnsw_probe {
    const float *f;            /* f32 and f16 storage: the vector as float32 */
    const unsigned char *code; /* i8: its body (scale, offset, values); bit: its bytes */
    float norm2;               /* f32, f16: |f|^2 for cosine; i8: |v|^2 of the dequantized vector */
    int32_t qsum;              /* i8: the sums of its quantized values and their squares */
    uint32_t qsumsq;
} vg_hnsw_probe;

/* ---- store (vg_hnsw_store.c) ---- */

/* A store for the index state at generation gen with a budget of budget bytes, or NULL. */
vg_hnsw_store *vg_hnsw_store_new(const vg_hnsw_params *params, int64_t gen, size_t budget);
void vg_hnsw_store_free(vg_hnsw_store *s);
/* The generation the store's nodes are current for. */
int64_t vg_hnsw_store_generation(vg_hnsw_store *s);
/* A new budget (bytes): the store evicts down to it now if it holds more. */
void vg_hnsw_store_set_budget(vg_hnsw_store *s, size_t budget);
/* What one generation changed: the nodes changed in any way, and of those the ones whose rowid,
 * vector or liveness changed (what a flat copy holds). Each list may be replaced by "all" when it
 * would be long (all, all_content). */
typedef struct vg_hnsw_delta {
    const uint32_t *slots;
    size_t n;
    int all;
    const uint32_t *content;
    size_t n_content;
    int all_content;
} vg_hnsw_delta;

/* Moves the store from generation gen - 1 to gen by d. A generation already applied is ignored; one
 * that skips ahead gives VG_HNSW_STALE (apply the missing ones first, or drop everything: d->all). */
vg_hnsw_rc vg_hnsw_store_apply(vg_hnsw_store *s, int64_t gen, const vg_hnsw_delta *d);

typedef struct vg_hnsw_store_stats {
    size_t nodes, node_bytes, flat_bytes, budget, retired;
    int64_t generation;
    unsigned long long loads, hits, evictions;
} vg_hnsw_store_stats;
void vg_hnsw_store_stats_get(vg_hnsw_store *s, vg_hnsw_store_stats *out);

/* ---- view (vg_hnsw_view.c) ---- */

vg_hnsw_view *vg_hnsw_view_new(const vg_hnsw_params *params, const vg_kernels *k, vg_hnsw_store *store,
                               vg_hnsw_source source);
void vg_hnsw_view_free(vg_hnsw_view *v);

/* Points the view at the committed state gen (n_slots slots, entry VG_HNSW_NO_SLOT when empty).
 * Outside a write transaction, a new generation drops the view's private nodes. */
vg_hnsw_rc vg_hnsw_view_snapshot(vg_hnsw_view *v, int64_t gen, uint32_t n_slots, uint32_t entry);
int64_t vg_hnsw_view_generation(const vg_hnsw_view *v);
uint32_t vg_hnsw_view_slots(const vg_hnsw_view *v);
uint32_t vg_hnsw_view_entry(const vg_hnsw_view *v);

/* Every search and change runs between begin and end: begin pins the store's nodes. */
void vg_hnsw_view_begin(vg_hnsw_view *v);
void vg_hnsw_view_end(vg_hnsw_view *v);

/* The node in slot (< slots), read if needed; NULL on failure (vg_hnsw_view_error tells why). */
const struct vg_hnsw_node *vg_hnsw_view_node(vg_hnsw_view *v, uint32_t slot);
vg_hnsw_rc vg_hnsw_view_error(const vg_hnsw_view *v);
/* With rescore: the float32 original kept beside slot's node when the view reads that node from the
 * store (never for a node of its own transaction), else NULL. keep_original offers one, of rowid as
 * the rescore read it, for the next queries of every connection (the store's budget counts it). */
const float *vg_hnsw_view_original(vg_hnsw_view *v, uint32_t slot);
void vg_hnsw_view_keep_original(vg_hnsw_view *v, uint32_t slot, int64_t rowid, const float *values);

/* A write transaction: changes go to private copies until it ends. */
void vg_hnsw_view_txn_begin(vg_hnsw_view *v);
int vg_hnsw_view_in_txn(const vg_hnsw_view *v);
/* The private nodes changed since the last vg_hnsw_view_clean, in slot order (*slots allocated with
 * vg_malloc, the caller frees it). Returns the count, or (size_t)-1 when out of memory. */
size_t vg_hnsw_view_dirty(vg_hnsw_view *v, uint32_t **slots);
void vg_hnsw_view_clean(vg_hnsw_view *v);
/* What this transaction changed (a superset after a partial rollback), unordered; a list becomes
 * "all" when it holds more than an eighth of the slots. */
void vg_hnsw_view_delta(const vg_hnsw_view *v, vg_hnsw_delta *d);
/* ROLLBACK TO: forget the private nodes (the tables hold what the savepoint saw: the slots this
 * transaction changed are read from them again, not from the store, until it ends) and take the
 * snapshot's slot count and entry point from the tables again (vg_hnsw_view_snapshot). */
void vg_hnsw_view_discard(vg_hnsw_view *v);
/* Ends the transaction. committed: it became the generation after the snapshot's by
 * vg_hnsw_view_delta (as its change log entry says); its nodes go to the store when the store was
 * current for the snapshot. Otherwise they are dropped. */
void vg_hnsw_view_txn_end(vg_hnsw_view *v, int committed);

/* A probe for the query q (dims finite floats), valid until the view's next search or change; i8 and
 * bit storage encode q into the view's scratch. */
void vg_hnsw_probe_query(vg_hnsw_view *v, const float *q, vg_hnsw_probe *out);
/* The index's distance from p to node n (a node of this view's index). */
double vg_hnsw_probe_distance(const vg_hnsw_view *v, const vg_hnsw_probe *p, const struct vg_hnsw_node *n);

/* ---- search (vg_hnsw_search.c) ---- */

/* The k nearest live nodes to q (dims floats), ascending by distance; ef is the candidate list size
 * (raised to k). With allowed (n_allowed distinct slots) only those may be returned: exactly, by
 * brute force, when the set is small, else by a graph search that only collects allowed nodes.
 * Writes at most k hits and sets *n_out. */
vg_hnsw_rc vg_hnsw_search(vg_hnsw_view *v, const float *q, int k, int ef, const uint32_t *allowed, size_t n_allowed,
                          vg_hnsw_hit *out, int *n_out);

/* The exact k nearest live nodes over the given slots (all slots when slots is NULL), by reading
 * every one: from flat where it holds the slot (skip: sorted slots flat must not answer for), from
 * the view otherwise. */
vg_hnsw_rc vg_hnsw_search_exact(vg_hnsw_view *v, const vg_hnsw_flat *flat, const uint32_t *skip, size_t n_skip,
                                const float *q, int k, const uint32_t *slots, size_t n_slots, vg_hnsw_hit *out,
                                int *n_out);

/* ---- changes (vg_hnsw_build.c) ---- */

/* Inserts rowid with its vector as the index stores it (code: a valid body of the storage type,
 * vg_compact.h; for f32 dims finite floats; non-zero for cosine) as a new node on the rowid's level
 * in slot: the view's slot count (a new slot), or a freed one. alone: the index has no live node, so
 * the new one becomes the entry point without links (tombstones are never linked to). */
vg_hnsw_rc vg_hnsw_insert(vg_hnsw_view *v, uint32_t slot, int64_t rowid, const void *code, int alone);
/* Turns the live node in slot into a tombstone of purge cycle cycle (its low 16 bits). */
vg_hnsw_rc vg_hnsw_tombstone(vg_hnsw_view *v, uint32_t slot, uint16_t cycle);
/* Gives the node in slot a new rowid (UPDATE of the rowid alone). */
vg_hnsw_rc vg_hnsw_set_rowid(vg_hnsw_view *v, uint32_t slot, int64_t rowid);
/* Purging: takes the links to the targets, the tombstones of cycles other than cycle (every
 * tombstone with all), out of the lists of the node in slot: each list that had one is re-selected
 * from its other links and the nodes behind the targets. Once every node has been cleaned this way
 * since a target was made, nothing links to it and its slot can be freed. */
vg_hnsw_rc vg_hnsw_clean(vg_hnsw_view *v, uint32_t slot, uint16_t cycle, int all);
/* The tombstone in slot is about to be freed, so the links it holds go: each live node it links to
 * that no live neighbour of its own links back to is linked again from a live node near it. The
 * purge calls this where it passes a target instead of cleaning it. */
vg_hnsw_rc vg_hnsw_before_free(vg_hnsw_view *v, uint32_t slot);
/* Marks slot freed in the view (nothing may link to it): a stand-in node (vg_hnsw_node_freed) takes
 * its place until an insert takes the slot. */
vg_hnsw_rc vg_hnsw_view_free_slot(vg_hnsw_view *v, uint32_t slot);

/* ---- optimize (vg_hnsw_optimize.c) ---- */

/* With every node of the view private (read them all first; free lists the n_free freed slots,
 * sorted, which hold no node): takes every tombstone out of every list, relinks what the entry point
 * no longer reaches, and renumbers the live nodes 0..live-1 in slot order, so the view ends with
 * slots == live. Every node ends dirty. */
vg_hnsw_rc vg_hnsw_optimize(vg_hnsw_view *v, const uint32_t *free_slots, size_t n_free);

/* ---- flat exact-search copy (vg_hnsw_flat.c) ---- */

/* Room for the vectors of n slots at generation gen, or NULL. Fill each slot with vg_hnsw_flat_set,
 * then call vg_hnsw_flat_finish; publish it to the store with vg_hnsw_store_put_flat. */
vg_hnsw_flat *vg_hnsw_flat_new(const vg_hnsw_params *p, uint32_t n, int64_t gen);
void vg_hnsw_flat_free(vg_hnsw_flat *f);
/* Copies node n's vector, norms, rowid and liveness into slot. */
void vg_hnsw_flat_set(vg_hnsw_flat *f, uint32_t slot, const struct vg_hnsw_node *n);
vg_hnsw_rc vg_hnsw_flat_finish(vg_hnsw_flat *f);
size_t vg_hnsw_flat_bytes(uint32_t n, const vg_hnsw_params *p);
int64_t vg_hnsw_flat_generation(const vg_hnsw_flat *f);
uint32_t vg_hnsw_flat_count(const vg_hnsw_flat *f);
/* The slot flat maps rowid to, or VG_HNSW_NO_SLOT. */
uint32_t vg_hnsw_flat_find(const vg_hnsw_flat *f, int64_t rowid);

/* Takes f (generation vg_hnsw_flat_generation) as the store's flat copy when the store is at that
 * generation and f fits the budget; returns 1 if taken (the store owns it now), 0 if not. */
int vg_hnsw_store_put_flat(vg_hnsw_store *s, vg_hnsw_flat *f);
/* The store's flat copy usable by v (its generation <= v's), pinned by vg_hnsw_view_begin, and in
 * *skip (vg_malloc'd, sorted, *n_skip) the slots changed since it that it must not answer for.
 * NULL when there is none, or when v's transaction ran 'optimize' (which renumbered the slots). */
const vg_hnsw_flat *vg_hnsw_view_flat(vg_hnsw_view *v, uint32_t **skip, size_t *n_skip, vg_hnsw_rc *rc);

#endif
