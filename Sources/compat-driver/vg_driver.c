/*
** vg_driver: runs one compat-matrix fixture script against the SQLite it is linked with.
**
** Usage: vg_driver --db PATH [--extension PATH] --script FILE
**                  [--faults oom|ioerr [--fault-points sample|all|sites|new-sites]]
**
** Uses only API present in SQLite 3.21.0, so it links with every release the matrix tests. This file
** builds alone (the cross and Windows builds); --faults needs the vg_driver_fault*.c files, compiled in
** with -DVG_DRIVER_FAULTS (compat-matrix's builds): see vg_driver_faults.h.
**
** Script (FILE), one record after another, framed so any bytes are safe:
**   <S|Q> <line> <nbytes>\n<sql bytes>\n        S: statements, Q: query (rows reported)
**
** Output (stdout, flushed after every record):
**   SQLITE <sqlite3_libversion()> <sqlite3_sourceid()>\n
**   LOAD OK\n | LOAD NONE\n | LOAD ERR <nbytes>\n<message>\n     (after LOAD ERR: DONE, exit 0)
**   per record:
**     BEGIN <line>\n
**     ROW <ncols>\n and one value per column (queries only), each one of:
**       n\n | i <int64>\n | r <%.17g> <nbytes>\n<sqlite3_column_text>\n
**       | t <nbytes>\n<bytes>\n | b <nbytes>\n<bytes>\n
**     with --faults only: FAULTS <mode> <points> <tried> <runs> <failed> <sites> <sites-failed>\n
**       and one FAULT <nbytes>\n<message>\n per check that failed (see vg_driver_faults.h)
**     OK <microseconds>\n | ERR <microseconds> <nbytes>\n<message>\n
**   DONE\n
** On stderr, "vg_driver: record <line>\n" before each record and "vg_driver: end of script\n" after the
** last one, so that sanitizer reports can be attributed to the record that produced them.
**
** Exit status: 0 after the script, 2 on a usage error, 3 on an I/O or open error.
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vg_driver.h"
#ifdef VG_DRIVER_FAULTS
#include "vg_driver_faults.h"
#endif

static void *checked(void *p) {
    if (p == NULL) {
        fputs("vg_driver: out of memory\n", stderr);
        exit(3);
    }
    return p;
}

void vg_buf_put(vg_buf *b, const void *bytes, size_t n) {
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1) cap *= 2;
        b->bytes = checked(realloc(b->bytes, cap));
        b->cap = cap;
    }
    if (n > 0) memcpy(b->bytes + b->len, bytes, n);
    b->len += n;
    b->bytes[b->len] = '\0';
}

void vg_buf_printf(vg_buf *b, const char *format, ...) {
    char small[256];
    va_list args;
    va_start(args, format);
    int n = vsnprintf(small, sizeof small, format, args);
    va_end(args);
    if (n < 0) return;
    if ((size_t)n < sizeof small) {
        vg_buf_put(b, small, (size_t)n);
        return;
    }
    char *big = checked(malloc((size_t)n + 1));
    va_start(args, format);
    vsnprintf(big, (size_t)n + 1, format, args);
    va_end(args);
    vg_buf_put(b, big, (size_t)n);
    free(big);
}

void vg_buf_framed(vg_buf *b, const char *prefix, const void *bytes, size_t n) {
    vg_buf_printf(b, "%s%zu\n", prefix, n);
    vg_buf_put(b, bytes, n);
    vg_buf_put(b, "\n", 1);
}

void vg_buf_free(vg_buf *b) {
    free(b->bytes);
    b->bytes = NULL;
    b->len = b->cap = 0;
}

char *vg_strdup(const char *s) {
    size_t n = strlen(s);
    return memcpy(checked(malloc(n + 1)), s, n + 1);
}

static long long now_usec(void) {
    struct timespec ts;
    if (timespec_get(&ts, TIME_UTC) != TIME_UTC) return 0;
    return (long long)ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

/* Appends the current row; returns SQLITE_OK, or SQLITE_NOMEM when a value could not be had. */
static int put_row(sqlite3_stmt *stmt, vg_buf *out) {
    int ncols = sqlite3_column_count(stmt);
    vg_buf_printf(out, "ROW %d\n", ncols);
    for (int i = 0; i < ncols; i++) {
        int type = sqlite3_column_type(stmt, i);
        if (type == SQLITE_NULL) {
            vg_buf_put(out, "n\n", 2);
        } else if (type == SQLITE_INTEGER) {
            vg_buf_printf(out, "i %lld\n", (long long)sqlite3_column_int64(stmt, i));
        } else {
            const void *bytes = type == SQLITE_BLOB ? sqlite3_column_blob(stmt, i) : sqlite3_column_text(stmt, i);
            size_t n = (size_t)sqlite3_column_bytes(stmt, i);
            if (bytes == NULL && (type != SQLITE_BLOB || n > 0)) return SQLITE_NOMEM;
            char prefix[64];
            if (type == SQLITE_FLOAT) snprintf(prefix, sizeof prefix, "r %.17g ", sqlite3_column_double(stmt, i));
            else snprintf(prefix, sizeof prefix, "%s ", type == SQLITE_TEXT ? "t" : "b");
            vg_buf_framed(out, prefix, bytes, n);
        }
    }
    return SQLITE_OK;
}

static int failed(sqlite3 *db, int rc, char **message) {
    *message = vg_strdup(rc == SQLITE_NOMEM && sqlite3_errcode(db) != SQLITE_NOMEM ? "out of memory" : sqlite3_errmsg(db));
    return rc;
}

int vg_run_record(sqlite3 *db, const vg_record *r, vg_buf *out, char **message) {
    const char *tail = r->sql;
    const char *end = r->sql + r->n;
    *message = NULL;
    while (tail < end) {
        sqlite3_stmt *stmt = NULL;
        const char *start = tail;
        int rc = sqlite3_prepare_v2(db, start, (int)(end - start), &stmt, &tail);
        if (rc != SQLITE_OK) return failed(db, sqlite3_extended_errcode(db), message);
        if (stmt == NULL) {
            if (tail == start) break;
            continue;
        }
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
            if (r->kind == 'Q' && put_row(stmt, out) != SQLITE_OK) {
                rc = SQLITE_NOMEM;
                break;
            }
        }
        if (rc != SQLITE_DONE) {
            rc = rc == SQLITE_NOMEM ? rc : sqlite3_extended_errcode(db);
            rc = failed(db, rc, message);
            sqlite3_finalize(stmt);
            return rc;
        }
        sqlite3_finalize(stmt);
    }
    return SQLITE_OK;
}

/* Reads one script record. Returns 1 on success, 0 at end of file, -1 on a malformed script. */
static int read_record(FILE *script, vg_record *r) {
    char header[96];
    if (fgets(header, sizeof header, script) == NULL) return feof(script) ? 0 : -1;
    if (sscanf(header, "%c %ld %zu", &r->kind, &r->line, &r->n) != 3 || (r->kind != 'S' && r->kind != 'Q')) return -1;
    r->sql = checked(malloc(r->n + 1));
    if (fread(r->sql, 1, r->n, script) != r->n || fgetc(script) != '\n') {
        free(r->sql);
        return -1;
    }
    r->sql[r->n] = '\0';
    return 1;
}

static void write_out(const vg_buf *b) {
    if (b->len > 0) fwrite(b->bytes, 1, b->len, stdout);
}

/* Runs the script; `faults` (NULL: none) tries each record under injected faults. */
static int run_script(sqlite3 *db, FILE *script, void *faults) {
    vg_record r;
    int status;
    (void)faults;
    while ((status = read_record(script, &r)) == 1) {
        fprintf(stderr, "vg_driver: record %ld\n", r.line);
        printf("BEGIN %ld\n", r.line);
        fflush(stdout);
        vg_buf out = {0}, report = {0};
        char *error = NULL;
        long long start = now_usec();
#ifdef VG_DRIVER_FAULTS
        if (faults) vg_faults_record(faults, db, &r, &out, &error, &report);
        else
#endif
        vg_run_record(db, &r, &out, &error);
        long long elapsed = now_usec() - start;
        write_out(&out);
        write_out(&report);
        if (error == NULL) {
            printf("OK %lld\n", elapsed);
        } else {
            vg_buf line = {0};
            char prefix[48];
            snprintf(prefix, sizeof prefix, "ERR %lld ", elapsed);
            vg_buf_framed(&line, prefix, error, strlen(error));
            write_out(&line);
            vg_buf_free(&line);
            free(error);
        }
        vg_buf_free(&out);
        vg_buf_free(&report);
        free(r.sql);
        fflush(stdout);
    }
    if (status < 0) {
        fprintf(stderr, "vg_driver: malformed script\n");
        return 3;
    }
    fprintf(stderr, "vg_driver: end of script\n");
    return 0;
}

static void print_framed(const char *prefix, const char *text) {
    vg_buf b = {0};
    vg_buf_framed(&b, prefix, text, strlen(text));
    write_out(&b);
    vg_buf_free(&b);
}

/* Prints the LOAD line; returns 0 when the script may run. */
static int load_extension(sqlite3 *db, const char *extension) {
    if (extension == NULL) {
        puts("LOAD NONE");
        return 0;
    }
    char *error = NULL;
    sqlite3_enable_load_extension(db, 1);
    if (sqlite3_load_extension(db, extension, NULL, &error) == SQLITE_OK) {
        puts("LOAD OK");
        return 0;
    }
    print_framed("LOAD ERR ", error ? error : sqlite3_errmsg(db));
    sqlite3_free(error);
    return 1;
}

static const char usage[] = "usage: vg_driver --db PATH [--extension PATH] --script FILE"
#ifdef VG_DRIVER_FAULTS
                            " [--faults oom|ioerr [--fault-points sample|all|sites|new-sites]]"
#endif
                            "\n";

int main(int argc, char **argv) {
    const char *db_path = NULL, *extension = NULL, *script_path = NULL, *fault_mode = NULL, *fault_points = NULL;
    int bad = argc % 2 == 0;
    for (int i = 1; !bad && i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--db") == 0) db_path = argv[i + 1];
        else if (strcmp(argv[i], "--extension") == 0) extension = argv[i + 1];
        else if (strcmp(argv[i], "--script") == 0) script_path = argv[i + 1];
#ifdef VG_DRIVER_FAULTS
        else if (strcmp(argv[i], "--faults") == 0) fault_mode = argv[i + 1];
        else if (strcmp(argv[i], "--fault-points") == 0) fault_points = argv[i + 1];
#endif
        else bad = 1;
    }
    void *faults = NULL;
#ifdef VG_DRIVER_FAULTS
    if (!bad && (fault_mode || fault_points)) {
        faults = vg_faults_new(fault_mode, fault_points, db_path, extension);
        bad = faults == NULL;
    }
#else
    (void)fault_mode;
    (void)fault_points;
#endif
    if (bad || db_path == NULL || script_path == NULL) {
        fputs(usage, stderr);
        return 2;
    }
    FILE *script = fopen(script_path, "rb");
    if (script == NULL) {
        fprintf(stderr, "vg_driver: cannot open script %s\n", script_path);
        return 3;
    }
    printf("SQLITE %s %s\n", sqlite3_libversion(), sqlite3_sourceid());
    fflush(stdout);
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        fprintf(stderr, "vg_driver: cannot open database %s: %s\n", db_path, db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        fclose(script);
        return 3;
    }
    /* As SQLite's own sqllogictest runner does: no fsync per transaction (the file is thrown away).
    ** Under --faults ioerr, syncs are fault points: the shim counts them and skips the real fsync. */
#ifdef VG_DRIVER_FAULTS
    if (!vg_faults_wants_syncs(faults))
#endif
    sqlite3_exec(db, "PRAGMA synchronous=OFF", NULL, NULL, NULL);
    int status = load_extension(db, extension) == 0 ? run_script(db, script, faults) : 0;
    if (status == 0) puts("DONE");
    fflush(stdout);
    sqlite3_close(db);
#ifdef VG_DRIVER_FAULTS
    vg_faults_free(faults);
#endif
    fclose(script);
    return status;
}
