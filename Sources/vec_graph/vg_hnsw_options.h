/* The options of CREATE VIRTUAL TABLE ... USING hnsw_index(dimensions=N, metric='l2', m=16,
 * ef_construction=200, seed=N, cache_mb=256, storage='f32', rescore=0), parsed without SQLite so the
 * unit tests can reach them. */
#ifndef VG_HNSW_OPTIONS_H
#define VG_HNSW_OPTIONS_H

#include "vg_hnsw_graph.h"

/* Defaults: m 16, ef_construction 200, metric l2, seed VG_HNSW_DEFAULT_SEED, cache_mb
 * VG_HNSW_DEFAULT_CACHE_MB, storage f32, rescore 0 (none); dimensions is required. rescore needs a
 * compact storage type (f32 has nothing to re-rank by). */
#define VG_HNSW_DEFAULT_SEED 0x5eed5eedu
#define VG_HNSW_DEFAULT_CACHE_MB 256
/* The largest rescore factor. */
#define VG_HNSW_MAX_RESCORE 100

/* Parses n arguments ("key=value", value optionally quoted). Returns 0, or -1 with a message in err. */
int vg_hnsw_parse_options(int n, const char *const *args, vg_hnsw_params *out, char err[VG_HNSW_ERR_LEN]);

/* "l2", "cosine" or "inner_product". */
const char *vg_hnsw_metric_name(vg_hnsw_metric m);

#endif
