/*
** What vg_driver.c shares with the fault-injection files (vg_driver_fault*.c, compiled in with
** -DVG_DRIVER_FAULTS by compat-matrix): the output buffer, a script record, and running one record.
** The driver's own bookkeeping uses libc's allocator, never SQLite's, so that it makes no fault
** points of its own.
*/
#ifndef VG_DRIVER_H
#define VG_DRIVER_H

#include <stddef.h>

#include "sqlite3.h"

/* A growable byte buffer (libc malloc; out of memory aborts the driver, which is a test tool). */
typedef struct {
    char *bytes;
    size_t len, cap;
} vg_buf;

void vg_buf_put(vg_buf *b, const void *bytes, size_t n);
void vg_buf_printf(vg_buf *b, const char *format, ...);
/* "<prefix><n>\n<bytes>\n": the protocol's framing of text that may hold any byte. */
void vg_buf_framed(vg_buf *b, const char *prefix, const void *bytes, size_t n);
void vg_buf_free(vg_buf *b);

/* One record of the script. */
typedef struct {
    char kind; /* 'S' statements, 'Q' query */
    long line;
    char *sql;
    size_t n;
} vg_record;

/* Runs every statement of r like sqlite3_exec, appending the rows of a query to out in the
** protocol's ROW format. Returns SQLITE_OK, or the result code of the call that failed with a
** libc-malloc'd copy of its message in *message (a value SQLite could not give, out of memory,
** fails the record with SQLITE_NOMEM). */
int vg_run_record(sqlite3 *db, const vg_record *r, vg_buf *out, char **message);

/* A libc copy of a string. */
char *vg_strdup(const char *s);

#endif
