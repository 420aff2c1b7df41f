/* node2vec_train's view of its output table: an hnsw_index's options read back from the CREATE
 * VIRTUAL TABLE text SQLite keeps in sqlite_master. Plain C, so the unit tests reach it. */
#ifndef VG_NODE2VEC_SCHEMA_H
#define VG_NODE2VEC_SCHEMA_H

#include "vg_hnsw_options.h"

typedef enum vg_node2vec_schema_rc {
    VG_NODE2VEC_SCHEMA_OK = 0,
    VG_NODE2VEC_SCHEMA_NOT_HNSW,  /* not CREATE VIRTUAL TABLE ... USING hnsw_index */
    VG_NODE2VEC_SCHEMA_BAD,       /* hnsw_index, but its options do not parse (message in err) */
    VG_NODE2VEC_SCHEMA_NOMEM
} vg_node2vec_schema_rc;

/* Parses sql ("CREATE VIRTUAL TABLE [IF NOT EXISTS] [schema.]name USING hnsw_index(...)") into out
 * with hnsw_index's own option parser. Comments and quoted names and values are understood. */
vg_node2vec_schema_rc vg_node2vec_hnsw_options(const char *sql, vg_hnsw_params *out, char err[VG_HNSW_ERR_LEN]);

#endif
