/*
** vg_driver --faults: what must hold after a fault (vg_driver_checks.c).
*/
#ifndef VG_DRIVER_CHECKS_H
#define VG_DRIVER_CHECKS_H

#include <stdint.h>

#include "vg_driver.h"

/* Which integrity checks a state passes: PRAGMA integrity_check, then each hnsw_index's
** 'integrity-check' command (below SQLite 3.44, whose PRAGMA does not reach virtual tables). */
typedef struct {
    char **name;   /* "PRAGMA integrity_check" or "<schema>.<table> 'integrity-check'" */
    char **result; /* "ok", or what the check said */
    int n;
} vg_health;

void vg_health_take(sqlite3 *db, vg_health *h);
void vg_health_free(vg_health *h);
/* Appends to problems a line for each check that passes in both `before` and `after` but not in `now`;
** returns how many. */
int vg_health_compare(const vg_health *now, const vg_health *before, const vg_health *after, vg_buf *problems);

/* A hash of everything the connection's databases hold: each one's schema and every row of its
** ordinary tables (a virtual table's rows are in its shadow tables). */
uint64_t vg_fingerprint(sqlite3 *db);

/* Opens a new connection on db_path with the extension loaded (the process's shared hnsw caches carry
** over) and a fresh copy of the file (which no cache has seen), and compares, for every hnsw_index
** of the file, a scan of its rows and KNN answers (graph and exact) around three of its vectors.
** Appends what differs to problems; returns 1 when something did. */
int vg_check_reopened(const char *db_path, const char *extension, vg_buf *problems);

#endif
