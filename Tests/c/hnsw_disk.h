/* A stand-in for hnsw_index's shadow tables in the C unit tests: node BLOBs by slot in immutable
 * versions (each commit makes a new one, so a reader keeps a consistent snapshot while a writer
 * commits, as SQLite gives), read through a vg_hnsw_source, and a writer that commits a view's
 * transaction into it. Thread-safe. */
#ifndef HNSW_DISK_H
#define HNSW_DISK_H

#include "vg_hnsw_graph.h"
#include "vg_hnsw_node.h"

typedef struct disk_version disk_version;
typedef struct disk disk;

disk *disk_new(const vg_hnsw_params *p, const vg_kernels *k);
void disk_free(disk *d);

/* The current version, held until disk_release; its generation, slot count and entry. */
disk_version *disk_snapshot(disk *d);
void disk_release(disk *d, disk_version *ver);
int64_t disk_gen(const disk_version *ver);
uint32_t disk_slots(const disk_version *ver);
uint32_t disk_entry(const disk_version *ver);
/* How many node reads the source served (all versions). */
unsigned long disk_loads(disk *d);

/* What a source reads through: the disk and the caller's version pointer (which the caller keeps
 * alive, and may move to a newer version, while the view uses it). */
typedef struct disk_reader {
    disk *d;
    disk_version **ver;
} disk_reader;

/* A source reading through r (r outlives the view). */
vg_hnsw_source disk_source(disk_reader *r);

/* Commits v's write transaction: writes its dirty nodes into a new version (generation + 1), drops
 * the n_freed slots in freed, and ends the transaction in v (its nodes go to the store). Returns 0,
 * or -1 when out of memory. */
int disk_commit(disk *d, vg_hnsw_view *v, const uint32_t *freed, size_t n_freed);

/* A connection, as the tests play one: a view over the disk and a store, and its snapshot. */
typedef struct disk_conn {
    disk *d;
    vg_hnsw_view *v;
    disk_version *ver;
    disk_reader r;
    uint32_t freed[4096]; /* slots its write transaction freed */
    size_t n_freed;
} disk_conn;

/* Opens c over d sharing store (which may be NULL: no sharing). 0, or -1. */
int disk_conn_open(disk_conn *c, disk *d, vg_hnsw_store *store, const vg_hnsw_params *p, const vg_kernels *k);
void disk_conn_close(disk_conn *c);
/* Takes the disk's current version as c's snapshot and pins the store (vg_hnsw_view_begin). */
void disk_conn_read(disk_conn *c);
/* Unpins (vg_hnsw_view_end). */
void disk_conn_done(disk_conn *c);
/* disk_conn_read, then a write transaction. */
void disk_conn_write(disk_conn *c);
/* Frees slot in c's write transaction (vg_hnsw_view_free_slot, and the disk drops it at commit). */
int disk_conn_free_slot(disk_conn *c, uint32_t slot);
/* Commits the write transaction, then disk_conn_done. 0, or -1. */
int disk_conn_commit(disk_conn *c);

#endif
