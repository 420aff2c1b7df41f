/* What the libFuzzer targets in Tests/fuzz/ share: reading the fuzz bytes as numbers, opening a
 * connection with vec_graph compiled in (SQLite's amalgamation linked statically), running SQL, and
 * stopping with a message when an oracle disagrees (abort(), which libFuzzer reports as a crash and
 * keeps the input of). */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "sqlite3.h"

/* The fuzz input, read front to back; past its end every read gives 0. */
typedef struct fz_in {
    const uint8_t *p;
    size_t n, at;
} fz_in;

int fz_more(const fz_in *in);
uint8_t fz_byte(fz_in *in);
uint32_t fz_u32(fz_in *in);
uint64_t fz_u64(fz_in *in);
/* A number in [0, n) (n >= 1). */
int fz_below(fz_in *in, int n);

/* Once per process (libFuzzer calls LLVMFuzzerInitialize, defined in fuzz_common.c): vec_graph
 * registered for every new connection (sqlite3_auto_extension), and a hard heap limit of 256 MiB,
 * so a call asking for more gets SQLITE_NOMEM instead of the memory. */
void fz_setup(void);
/* A connection to path (":memory:", or a file: then in WAL mode, without syncs) with vec_graph
 * loaded; stops on failure. */
sqlite3 *fz_open(const char *path);
/* A database file path for this process (in /dev/shm when it exists), removed with its journals. */
const char *fz_db_path(const char *tag);
void fz_remove_db(const char *path);

/* Stops the run: prints the message (printf-style) and aborts. */
void fz_die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
/* With FUZZ_TRACE set in the environment, prints the line (printf-style) to stderr: what an input does. */
void fz_trace(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Runs sql (several statements allowed), returning SQLite's code; errors are the caller's to judge. */
int fz_exec(sqlite3 *db, const char *sql);
/* Runs sql, which must succeed. */
void fz_exec_ok(sqlite3 *db, const char *sql);
/* Prepares sql, which must prepare. */
sqlite3_stmt *fz_prepare(sqlite3 *db, const char *sql);
/* The one integer (or -1 for no row) that sql returns; sql must succeed. */
int64_t fz_int(sqlite3 *db, const char *sql);
/* Stops with the statement's text and the error when rc is not SQLITE_OK / SQLITE_DONE. */
void fz_check_rc(sqlite3 *db, int rc, const char *what);

#endif
