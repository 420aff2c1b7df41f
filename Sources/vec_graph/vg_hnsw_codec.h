/* The neighbour-list BLOB of one node as stored in {name}_edges: for each level 0..L in turn, a
 * little-endian uint32 count and that many little-endian int64 rowids. */
#ifndef VG_HNSW_CODEC_H
#define VG_HNSW_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "vg_hnsw_graph.h"

/* Where each level's list sits in a checked BLOB. */
typedef struct vg_hnsw_links_view {
    int levels; /* L + 1 */
    int count[VG_HNSW_MAX_LEVEL + 1];
    size_t offset[VG_HNSW_MAX_LEVEL + 1]; /* of the first rowid */
} vg_hnsw_links_view;

/* The BLOB of rowid's lists, written to out (cap bytes); returns its length (which may exceed cap:
 * then call again with a buffer that big). */
size_t vg_hnsw_links_encode(const vg_hnsw_graph *g, int64_t rowid, unsigned char *out, size_t cap);

/* Checks that blob (n bytes) holds exactly level+1 lists within the caps of params. Returns 0, or -1
 * with a message in err (200 bytes). */
int vg_hnsw_links_parse(const unsigned char *blob, size_t n, int level, const vg_hnsw_params *params,
                        vg_hnsw_links_view *view, char *err);

/* The i-th rowid of the list at offset. */
int64_t vg_hnsw_links_id(const unsigned char *blob, size_t offset, int i);

#endif
