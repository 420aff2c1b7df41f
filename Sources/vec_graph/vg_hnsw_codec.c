/* Encoding and checking the per-node neighbour-list BLOBs of hnsw_index. */
#include <stdio.h>

#include "vg_hnsw_codec.h"

static void put_u32(unsigned char *p, uint32_t v) {
    for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (8 * i));
}

static void put_i64(unsigned char *p, int64_t v) {
    uint64_t u = (uint64_t)v;
    for (int i = 0; i < 8; i++) p[i] = (unsigned char)(u >> (8 * i));
}

static uint32_t get_u32(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int64_t vg_hnsw_links_id(const unsigned char *blob, size_t offset, int i) {
    const unsigned char *p = blob + offset + 8 * (size_t)i;
    uint64_t u = 0;
    for (int b = 7; b >= 0; b--) u = u << 8 | p[b];
    return (int64_t)u;
}

size_t vg_hnsw_links_encode(const vg_hnsw_graph *g, int64_t rowid, unsigned char *out, size_t cap) {
    int level = vg_hnsw_level(g, rowid);
    size_t need = 0;
    for (int l = 0; l <= level; l++) need += 4 + 8 * (size_t)vg_hnsw_link_count(g, rowid, l);
    if (need > cap) return need;
    for (int l = 0; l <= level; l++) {
        int n = vg_hnsw_link_count(g, rowid, l);
        put_u32(out, (uint32_t)n);
        out += 4;
        for (int i = 0; i < n; i++, out += 8) put_i64(out, vg_hnsw_link(g, rowid, l, i));
    }
    return need;
}

int vg_hnsw_links_parse(const unsigned char *blob, size_t n, int level, const vg_hnsw_params *params,
                        vg_hnsw_links_view *view, char *err) {
    if (level < 0 || level > VG_HNSW_MAX_LEVEL) {
        snprintf(err, 200, "level %d is outside 0..%d", level, VG_HNSW_MAX_LEVEL);
        return -1;
    }
    size_t at = 0;
    view->levels = level + 1;
    for (int l = 0; l <= level; l++) {
        if (n - at < 4) {
            snprintf(err, 200, "neighbour list BLOB ends before level %d", l);
            return -1;
        }
        uint32_t count = get_u32(blob + at);
        at += 4;
        if (count > (uint32_t)vg_hnsw_max_links(params, l)) {
            snprintf(err, 200, "level %d lists %u neighbours, at most %d allowed", l, count,
                     vg_hnsw_max_links(params, l));
            return -1;
        }
        if ((n - at) / 8 < count) {
            snprintf(err, 200, "neighbour list BLOB ends inside level %d", l);
            return -1;
        }
        view->count[l] = (int)count;
        view->offset[l] = at;
        at += 8 * (size_t)count;
    }
    if (at != n) {
        snprintf(err, 200, "neighbour list BLOB has %zu bytes after level %d", n - at, level);
        return -1;
    }
    return 0;
}
