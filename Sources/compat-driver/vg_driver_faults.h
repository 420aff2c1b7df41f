/*
** vg_driver --faults oom|ioerr: every record is run again and again with one fault injected, the Nth
** fault point failing, N = 1, 2, ... up to the number of points the record makes, once transient (that
** point alone fails) and once persistent (it and every later one fail); ioerr fails writes a third
** time with SQLITE_FULL, persistently.
**   oom    a fault point is an allocation (xMalloc or xRealloc of a SQLITE_CONFIG_MALLOC wrapper around
**          SQLite's own allocator, lookaside off), failing with NULL;
**   ioerr  a fault point is a read, write, sync or truncate of any file, through a VFS shim made the
**          default VFS, failing with SQLITE_IOERR_READ / _WRITE / _FSYNC / _TRUNCATE or SQLITE_FULL.
** Each try starts from the state before the record: the connection's databases are restored from a
** snapshot taken at the last record boundary outside a transaction, and the records since replayed.
** A try passes when the record gives exactly its fault-free output, or fails with the injected kind
** of error (SQLITE_NOMEM; SQLITE_IOERR or SQLITE_FULL), or (oom only) with the fault-free run's own
** error code and exactly sqlite3_errstr(code) as message (SQLite's copy of the message failed), and then:
**   - PRAGMA integrity_check, and each hnsw_index's 'integrity-check' command, pass wherever they pass
**     in the fault-free states before and after the record;
**   - ioerr: a new connection (the process's shared hnsw caches survive it) gives, for every
**     hnsw_index, the same rows and the same KNN answers as a fresh copy of the file that no cache
**     has seen, so the in-memory graph is never ahead of (or behind) what committed;
**   - the record, run again without faults from the state before it, gives its fault-free output.
** --fault-points all tries every point; sample (the default) every point up to SAMPLE_ALL, then every
** SAMPLE_STRIDE-th, plus the first point of every distinct call site (a hash of the stack above the
** allocator or the VFS, SITE_DEPTH frames), so that every site fails at least once; sites only the
** first point of every distinct call site (the smallest sample that still fails every site once);
** new-sites the first point of every site that no earlier record of the file failed, and the record's
** last point (each site the file reaches fails once in it, and every record that makes a point fails).
** Per record the driver prints, before the record's OK/ERR line:
**   FAULTS <mode> <points> <tried> <runs> <failed> <sites> <sites-failed>\n
**     points: fault points in the fault-free run; tried: points tried; runs: faulted runs; failed: runs
**     that ended in an error; sites: distinct sites among the points; sites-failed: distinct sites
**     where an injected fault actually fired
**   FAULT <nbytes>\n<message>\n for each check that failed (the first few).
*/
#ifndef VG_DRIVER_FAULTS_H
#define VG_DRIVER_FAULTS_H

#include "vg_driver.h"

#ifndef SAMPLE_ALL
#define SAMPLE_ALL 100
#endif
#ifndef SAMPLE_SPREAD
#define SAMPLE_SPREAD 20
#endif
#ifndef EXT_CONTEXT
#define EXT_CONTEXT 3
#endif
#ifndef SQLITE_CONTEXT
#define SQLITE_CONTEXT 3
#endif

typedef struct vg_faults vg_faults;

/* Parses the options and installs the allocator wrapper or the VFS shim (before any connection is
** opened); NULL, with a message on stderr, for a bad mode. */
vg_faults *vg_faults_new(const char *mode, const char *points, const char *db_path, const char *extension);
void vg_faults_free(vg_faults *f);

/* Whether connections keep their syncs (ioerr: a sync is a fault point). */
int vg_faults_wants_syncs(const vg_faults *f);

/* Runs record r as vg_run_record does (its fault-free output into out, its error into *message),
** trying every chosen fault point on the way; the FAULTS line and any FAULT messages go to report. */
void vg_faults_record(vg_faults *f, sqlite3 *db, const vg_record *r, vg_buf *out, char **message, vg_buf *report);

#endif
