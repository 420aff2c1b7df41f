/*
** vg_driver: runs one compat-matrix fixture script against the SQLite it is linked with.
**
** Usage: vg_driver --db PATH [--extension PATH] --script FILE
**
** Uses only API present in SQLite 3.21.0, so it links with every release the matrix tests.
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
**     OK <microseconds>\n | ERR <microseconds> <nbytes>\n<message>\n
**   DONE\n
** On stderr, "vg_driver: record <line>\n" before each record and "vg_driver: end of script\n" after the
** last one, so that sanitizer reports can be attributed to the record that produced them.
**
** Exit status: 0 after the script, 2 on a usage error, 3 on an I/O or open error.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sqlite3.h"

static void put_framed(const char *prefix, const void *bytes, size_t n) {
    printf("%s%zu\n", prefix, n);
    if (n > 0) fwrite(bytes, 1, n, stdout);
    putchar('\n');
}

static long long now_usec(void) {
    struct timespec ts;
    if (timespec_get(&ts, TIME_UTC) != TIME_UTC) return 0;
    return (long long)ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static void put_row(sqlite3_stmt *stmt) {
    int ncols = sqlite3_column_count(stmt);
    printf("ROW %d\n", ncols);
    for (int i = 0; i < ncols; i++) {
        switch (sqlite3_column_type(stmt, i)) {
        case SQLITE_NULL:
            fputs("n\n", stdout);
            break;
        case SQLITE_INTEGER:
            printf("i %lld\n", (long long)sqlite3_column_int64(stmt, i));
            break;
        case SQLITE_FLOAT: {
            char prefix[64];
            snprintf(prefix, sizeof prefix, "r %.17g ", sqlite3_column_double(stmt, i));
            const unsigned char *text = sqlite3_column_text(stmt, i);
            put_framed(prefix, text, (size_t)sqlite3_column_bytes(stmt, i));
            break;
        }
        case SQLITE_TEXT: {
            const unsigned char *text = sqlite3_column_text(stmt, i);
            put_framed("t ", text, (size_t)sqlite3_column_bytes(stmt, i));
            break;
        }
        default: {
            const void *blob = sqlite3_column_blob(stmt, i);
            put_framed("b ", blob, (size_t)sqlite3_column_bytes(stmt, i));
            break;
        }
        }
    }
}

/* Runs every statement of sql[0..n) like sqlite3_exec; reports rows when is_query.
** Returns NULL on success, else an error message to free with sqlite3_free. */
static char *run_sql(sqlite3 *db, const char *sql, size_t n, int is_query) {
    const char *tail = sql;
    const char *end = sql + n;
    while (tail < end) {
        sqlite3_stmt *stmt = NULL;
        const char *start = tail;
        if (sqlite3_prepare_v2(db, start, (int)(end - start), &stmt, &tail) != SQLITE_OK) {
            return sqlite3_mprintf("%s", sqlite3_errmsg(db));
        }
        if (stmt == NULL) {
            if (tail == start) break;
            continue;
        }
        int rc;
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
            if (is_query) put_row(stmt);
        }
        if (rc != SQLITE_DONE) {
            char *message = sqlite3_mprintf("%s", sqlite3_errmsg(db));
            sqlite3_finalize(stmt);
            return message;
        }
        sqlite3_finalize(stmt);
    }
    return NULL;
}

/* Reads one script record. Returns 1 on success, 0 at end of file, -1 on a malformed script. */
static int read_record(FILE *script, char *kind, long *line, char **sql, size_t *n) {
    char header[96];
    if (fgets(header, sizeof header, script) == NULL) return feof(script) ? 0 : -1;
    if (sscanf(header, "%c %ld %zu", kind, line, n) != 3 || (*kind != 'S' && *kind != 'Q')) return -1;
    *sql = malloc(*n + 1);
    if (*sql == NULL) return -1;
    if (fread(*sql, 1, *n, script) != *n || fgetc(script) != '\n') {
        free(*sql);
        return -1;
    }
    (*sql)[*n] = '\0';
    return 1;
}

static int run_script(sqlite3 *db, FILE *script) {
    char kind;
    long line;
    char *sql;
    size_t n;
    int status;
    while ((status = read_record(script, &kind, &line, &sql, &n)) == 1) {
        fprintf(stderr, "vg_driver: record %ld\n", line);
        printf("BEGIN %ld\n", line);
        fflush(stdout);
        long long start = now_usec();
        char *error = run_sql(db, sql, n, kind == 'Q');
        long long elapsed = now_usec() - start;
        if (error == NULL) {
            printf("OK %lld\n", elapsed);
        } else {
            char prefix[48];
            snprintf(prefix, sizeof prefix, "ERR %lld ", elapsed);
            put_framed(prefix, error, strlen(error));
            sqlite3_free(error);
        }
        free(sql);
        fflush(stdout);
    }
    if (status < 0) {
        fprintf(stderr, "vg_driver: malformed script\n");
        return 3;
    }
    fprintf(stderr, "vg_driver: end of script\n");
    return 0;
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
    const char *message = error ? error : sqlite3_errmsg(db);
    put_framed("LOAD ERR ", message, strlen(message));
    sqlite3_free(error);
    return 1;
}

int main(int argc, char **argv) {
    const char *db_path = NULL, *extension = NULL, *script_path = NULL;
    int bad = argc % 2 == 0;
    for (int i = 1; !bad && i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--db") == 0) db_path = argv[i + 1];
        else if (strcmp(argv[i], "--extension") == 0) extension = argv[i + 1];
        else if (strcmp(argv[i], "--script") == 0) script_path = argv[i + 1];
        else bad = 1;
    }
    if (bad || db_path == NULL || script_path == NULL) {
        fprintf(stderr, "usage: vg_driver --db PATH [--extension PATH] --script FILE\n");
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
    /* As SQLite's own sqllogictest runner does: no fsync per transaction (the file is thrown away). */
    sqlite3_exec(db, "PRAGMA synchronous=OFF", NULL, NULL, NULL);
    int status = load_extension(db, extension) == 0 ? run_script(db, script) : 0;
    if (status == 0) puts("DONE");
    fflush(stdout);
    sqlite3_close(db);
    fclose(script);
    return status;
}
