/* The libFuzzer targets' shared helpers (fuzz_common.h). */
#define _POSIX_C_SOURCE 200809L
#include "fuzz_common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vec_graph.h"

int fz_more(const fz_in *in) {
    return in->at < in->n;
}

uint8_t fz_byte(fz_in *in) {
    return in->at < in->n ? in->p[in->at++] : 0;
}

uint32_t fz_u32(fz_in *in) {
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) v |= (uint32_t)fz_byte(in) << (8 * i);
    return v;
}

uint64_t fz_u64(fz_in *in) {
    uint64_t lo = fz_u32(in);
    return lo | (uint64_t)fz_u32(in) << 32;
}

int fz_below(fz_in *in, int n) {
    return n <= 1 ? 0 : (int)(fz_byte(in) % (unsigned)n);
}

void fz_die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "\n*** oracle: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    abort();
}

void fz_trace(const char *fmt, ...) {
    static int on = -1;
    if (on < 0) on = getenv("FUZZ_TRACE") != NULL;
    if (!on) return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
}

void fz_setup(void) {
    static int done;
    if (done) return;
    done = 1;
    sqlite3_initialize();
    sqlite3_hard_heap_limit64((sqlite3_int64)256 << 20);
    sqlite3_auto_extension((void (*)(void))sqlite3_vecgraph_init);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    fz_setup();
    return 0;
}

sqlite3 *fz_open(const char *path) {
    sqlite3 *db = NULL;
    if (sqlite3_open(path, &db) != SQLITE_OK) fz_die("open %s: %s", path, db ? sqlite3_errmsg(db) : "no memory");
    if (strcmp(path, ":memory:") != 0) fz_exec_ok(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF");
    return db;
}

const char *fz_db_path(const char *tag) {
    static char path[256];
    const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(path, sizeof path, "%s/vg-fuzz-%s-%ld.db", dir, tag, (long)getpid());
    return path;
}

void fz_remove_db(const char *path) {
    static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
    char name[300];
    for (int i = 0; i < 4; i++) {
        snprintf(name, sizeof name, "%s%s", path, suffix[i]);
        unlink(name);
    }
}

int fz_exec(sqlite3 *db, const char *sql) {
    return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

void fz_check_rc(sqlite3 *db, int rc, const char *what) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE) fz_die("%s: %s (code %d)", what, sqlite3_errmsg(db), rc);
}

void fz_exec_ok(sqlite3 *db, const char *sql) {
    fz_check_rc(db, fz_exec(db, sql), sql);
}

sqlite3_stmt *fz_prepare(sqlite3 *db, const char *sql) {
    sqlite3_stmt *s = NULL;
    fz_check_rc(db, sqlite3_prepare_v2(db, sql, -1, &s, NULL), sql);
    return s;
}

int64_t fz_int(sqlite3 *db, const char *sql) {
    sqlite3_stmt *s = fz_prepare(db, sql);
    int rc = sqlite3_step(s);
    int64_t v = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
    if (rc == SQLITE_ROW) rc = SQLITE_OK;
    fz_check_rc(db, rc, sql);
    sqlite3_finalize(s);
    return v;
}
