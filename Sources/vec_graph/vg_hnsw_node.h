/* One HNSW node in memory, and its BLOB in {name}_nodes.
 *
 * In memory a node is one allocation: this header, the vector as the index stores it (its *code*:
 * the body of the storage type's BLOB format in vg_compact.h, so dims float32 for f32), padded to 4
 * bytes, the level-0 list (a count and room for 2*m slots), then one list per upper level (a count
 * and room for m slots). Links are node slots (dense numbers 0..slots-1), not rowids, so following
 * one is an array index. A node in the shared cache is never changed; a writer changes a private copy.
 *
 * The BLOB, all little-endian: int64 rowid, uint8 level, uint8 flags, uint16 cycle (a tombstone's
 * purge cycle, see vg_hnsw_clean.c; 0 for a live node), the code, then for each level 0..level a
 * uint32 count and that many uint32 slots. */
#ifndef VG_HNSW_NODE_H
#define VG_HNSW_NODE_H

#include <stddef.h>
#include <stdint.h>

#include "vg_hnsw_graph.h"

/* flags: stored */
#define VG_HNSW_NODE_TOMBSTONE 0x01 /* deleted: still a waypoint for searches, never a result */
#define VG_HNSW_NODE_STORED_FLAGS 0x01
/* flags: in memory only */
#define VG_HNSW_NODE_DIRTY 0x80 /* a private copy changed since the tables were last written */
#define VG_HNSW_NODE_FREED 0x40 /* a stand-in for a freed slot: no node, never a result, no links */

typedef struct vg_hnsw_node {
    struct vg_hnsw_node *retired_next; /* the shared cache's list of nodes waiting to be freed */
    int64_t rowid;
    int64_t gen;    /* the generation it was read at (a shared node) */
    float norm2;    /* f32, f16: |v|^2 for cosine, else 0; i8: |v|^2 of the dequantized vector */
    int32_t qsum;   /* i8: the sum of the quantized values, and of their squares */
    uint32_t qsumsq;
    uint32_t slot;
    uint32_t bytes; /* the allocation's size */
    uint8_t level;
    uint8_t flags;
    uint8_t ref;    /* the shared cache's clock bit */
    uint8_t pad_;
    uint16_t cycle; /* a tombstone's purge cycle (low 16 bits) */
    uint16_t pad2_;
    float *original; /* with rescore, a shared node's float32 original once a rescore read it (set once, under
                        the store's lock; read with an acquire load), else NULL; freed with the node */
} vg_hnsw_node;

/* Where things are inside a node for one index's parameters. */
typedef struct vg_hnsw_layout {
    int dims, m, m0;   /* m0 = 2 * m, the level-0 list's room */
    vg_elem storage;
    size_t code_bytes; /* the vector's bytes as stored (vg_compact_body_bytes) */
    size_t list0;      /* byte offset of the level-0 list */
    size_t upper;      /* byte offset of the level-1 list */
    size_t base_bytes; /* a level-0 node's size */
} vg_hnsw_layout;

void vg_hnsw_layout_init(vg_hnsw_layout *L, const vg_hnsw_params *p);

/* The node's vector as stored (layout.code_bytes bytes; for f32, dims floats). */
static inline unsigned char *vg_hnsw_node_code(const vg_hnsw_node *n) {
    return (unsigned char *)(void *)(uintptr_t)n + sizeof(vg_hnsw_node);
}

/* The list of n on level (<= n->level): list[0] is the count, list[1..] the neighbour slots. */
static inline uint32_t *vg_hnsw_node_list(const vg_hnsw_layout *L, const vg_hnsw_node *n, int level) {
    unsigned char *base = (unsigned char *)(void *)(uintptr_t)n;
    if (level == 0) return (uint32_t *)(void *)(base + L->list0);
    return (uint32_t *)(void *)(base + L->upper) + (size_t)(level - 1) * (size_t)(1 + L->m);
}

/* The most neighbours a node keeps on level: 2*m on level 0, m above. */
static inline int vg_hnsw_layout_cap(const vg_hnsw_layout *L, int level) {
    return level == 0 ? L->m0 : L->m;
}

size_t vg_hnsw_node_size(const vg_hnsw_layout *L, int level);
/* A node on level with empty lists (rowid 0, no flags, code uninitialised), or NULL. */
vg_hnsw_node *vg_hnsw_node_new(const vg_hnsw_layout *L, int level, uint32_t slot);
/* The stand-in for a freed slot (VG_HNSW_NODE_FREED, level 0, no links), or NULL. */
vg_hnsw_node *vg_hnsw_node_freed(const vg_hnsw_layout *L, uint32_t slot);
/* A private copy of n (clock bit and retired link cleared), or NULL. */
vg_hnsw_node *vg_hnsw_node_copy(const vg_hnsw_node *n);
void vg_hnsw_node_free(vg_hnsw_node *n);

/* A checked BLOB: the rowid, level and flags, and where the vector and the lists are. */
typedef struct vg_hnsw_blob {
    int64_t rowid;
    int level, flags, cycle;
    const unsigned char *vector; /* the code (layout.code_bytes) */
    const unsigned char *lists;  /* the lists as stored */
} vg_hnsw_blob;

/* Checks the BLOB (n bytes) of slot in an index of n_slots slots: its length against its level and
 * list counts, the level (0..16), the flags, every link (< n_slots, not slot itself). The vector's
 * values are checked by vg_hnsw_node_from_blob. Returns VG_HNSW_OK, or VG_HNSW_CORRUPT with a
 * message in err (VG_HNSW_ERR_LEN bytes). */
vg_hnsw_rc vg_hnsw_blob_parse(const vg_hnsw_layout *L, const void *blob, size_t n, uint32_t slot, uint32_t n_slots,
                              vg_hnsw_blob *out, char *err);
/* The node of a checked BLOB (its code must hold valid values of the storage type: finite floats,
 * quantized values in range, no padding bits): VG_HNSW_OK, NOMEM or CORRUPT. */
vg_hnsw_rc vg_hnsw_node_from_blob(const vg_hnsw_layout *L, const vg_hnsw_blob *b, uint32_t slot,
                                  int cosine, const struct vg_kernels *k, vg_hnsw_node **out, char *err);
/* Sets n's norm2 (and the i8 sums) from its code, as the distances need them. */
void vg_hnsw_node_measure(const vg_hnsw_layout *L, vg_hnsw_node *n, int cosine, const struct vg_kernels *k);

/* The BLOB of n: its length, then the bytes written into out (which holds that many). */
size_t vg_hnsw_node_blob_size(const vg_hnsw_layout *L, const vg_hnsw_node *n);
void vg_hnsw_node_encode(const vg_hnsw_layout *L, const vg_hnsw_node *n, unsigned char *out);

/* The byte offset of the vector inside a BLOB (for reading it back with substr()). */
#define VG_HNSW_BLOB_VECTOR 12

#endif
