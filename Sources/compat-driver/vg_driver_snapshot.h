/*
** vg_driver --faults: the state of a connection's databases at a record boundary, to go back to
** before each try (vg_driver_snapshot.c).
*/
#ifndef VG_DRIVER_SNAPSHOT_H
#define VG_DRIVER_SNAPSHOT_H

#include "sqlite3.h"

typedef struct {
    char *name; /* schema name: main, temp, or as attached */
    char *file; /* its file ("" for an in-memory database) */
    sqlite3 *copy; /* an in-memory copy of its content; NULL when another entry holds this file */
    unsigned version; /* its pager's data version when the copy was taken or last put back */
} vg_snapshot_db;

typedef struct {
    vg_snapshot_db *db;
    int n;
} vg_snapshot;

/* Copies every database of the connection (not in a transaction). Returns a SQLite code. */
int vg_snapshot_take(sqlite3 *db, vg_snapshot *s);
/* Rolls back any open transaction, detaches what was attached since, attaches what was detached,
** and copies every database back. Returns a SQLite code, with a message in *message. */
int vg_snapshot_restore(sqlite3 *db, vg_snapshot *s, char **message);
/* 1 when the connection is known to be as the snapshot was taken or last restored: no transaction
** open, the same databases, and none committed to since (SQLITE_FCNTL_DATA_VERSION, SQLite >= 3.26;
** below, never known). */
int vg_snapshot_unchanged(sqlite3 *db, const vg_snapshot *s);
void vg_snapshot_free(vg_snapshot *s);

#endif
