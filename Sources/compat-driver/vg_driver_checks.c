/*
** The checks vg_driver --faults runs after a fault (vg_driver_checks.h): the integrity checks of a
** state, and the agreement of a reopened connection's hnsw_index answers with the file's.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vg_driver_checks.h"

static void add(vg_health *h, const char *name, const char *result) {
    char **names = realloc(h->name, ((size_t)h->n + 1) * sizeof *names);
    char **results = names ? realloc(h->result, ((size_t)h->n + 1) * sizeof *results) : NULL;
    if (!names || !results) {
        fputs("vg_driver: out of memory\n", stderr);
        exit(3);
    }
    h->name = names;
    h->result = results;
    h->name[h->n] = vg_strdup(name);
    h->result[h->n] = vg_strdup(result);
    h->n++;
}

/* The result of a record's SQL as one string: "ok" when it succeeded without rows or returned the
** single value 'ok', else the values or the error. */
static char *outcome(sqlite3 *db, const char *sql) {
    vg_record r = {'Q', 0, (char *)sql, strlen(sql)};
    vg_buf out = {0};
    char *message = NULL;
    vg_run_record(db, &r, &out, &message);
    char *result;
    if (message) result = message;
    else if (out.len == 0 || strcmp(out.bytes, "ROW 1\nt 2\nok\n") == 0) result = vg_strdup("ok");
    else result = vg_strdup(out.bytes);
    if (result != message) free(message);
    vg_buf_free(&out);
    return result;
}

static void check(vg_health *h, sqlite3 *db, const char *name, const char *sql) {
    char *result = outcome(db, sql);
    add(h, name, result);
    free(result);
}

/* Calls each(db, schema, table, ctx) for every hnsw_index of every database of db. */
static void for_each_hnsw(sqlite3 *db, void (*each)(sqlite3 *, const char *, const char *, void *), void *ctx) {
    sqlite3_stmt *list;
    if (sqlite3_prepare_v2(db, "SELECT name FROM pragma_database_list", -1, &list, NULL) != SQLITE_OK) return;
    while (sqlite3_step(list) == SQLITE_ROW) {
        char *schema = vg_strdup((const char *)sqlite3_column_text(list, 0));
        char *sql = sqlite3_mprintf("SELECT name FROM \"%w\".sqlite_master WHERE type = 'table' AND "
                                    "sql LIKE 'CREATE VIRTUAL TABLE%%USING hnsw_index%%' ORDER BY name", schema);
        sqlite3_stmt *tables = NULL;
        if (sql && sqlite3_prepare_v2(db, sql, -1, &tables, NULL) == SQLITE_OK) {
            while (sqlite3_step(tables) == SQLITE_ROW) {
                char *table = vg_strdup((const char *)sqlite3_column_text(tables, 0));
                each(db, schema, table, ctx);
                free(table);
            }
        }
        sqlite3_finalize(tables);
        sqlite3_free(sql);
        free(schema);
    }
    sqlite3_finalize(list);
}

static void check_hnsw(sqlite3 *db, const char *schema, const char *table, void *ctx) {
    char name[512];
    snprintf(name, sizeof name, "%s.%s 'integrity-check'", schema, table);
    char *sql = sqlite3_mprintf("INSERT INTO \"%w\".\"%w\"(\"%w\") VALUES ('integrity-check')", schema, table, table);
    if (sql) check(ctx, db, name, sql);
    sqlite3_free(sql);
}

void vg_health_take(sqlite3 *db, vg_health *h) {
    memset(h, 0, sizeof *h);
    check(h, db, "PRAGMA integrity_check", "PRAGMA integrity_check");
    if (sqlite3_libversion_number() < 3044000) for_each_hnsw(db, check_hnsw, h);
}

void vg_health_free(vg_health *h) {
    for (int i = 0; i < h->n; i++) {
        free(h->name[i]);
        free(h->result[i]);
    }
    free(h->name);
    free(h->result);
    memset(h, 0, sizeof *h);
}

static int passes(const vg_health *h, const char *name) {
    for (int i = 0; i < h->n; i++)
        if (strcmp(h->name[i], name) == 0) return strcmp(h->result[i], "ok") == 0;
    return 0;
}

int vg_health_compare(const vg_health *now, const vg_health *before, const vg_health *after, vg_buf *problems) {
    int found = 0;
    for (int i = 0; i < now->n; i++) {
        if (strcmp(now->result[i], "ok") == 0 || !passes(before, now->name[i]) || !passes(after, now->name[i])) continue;
        vg_buf_printf(problems, "%s fails: %s\n", now->name[i], now->result[i]);
        found++;
    }
    return found;
}

static void hash_bytes(uint64_t *h, const void *bytes, size_t n) {
    const unsigned char *p = bytes;
    for (size_t i = 0; i < n; i++) {
        *h ^= p[i];
        *h *= 1099511628211ULL;
    }
}

/* Hashes every row sql returns, each value with its type. */
static void hash_rows(sqlite3 *db, const char *sql, uint64_t *h) {
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK) {
        hash_bytes(h, "unreadable", 10);
        return;
    }
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        for (int i = 0; i < sqlite3_column_count(stmt); i++) {
            unsigned char type = (unsigned char)sqlite3_column_type(stmt, i);
            hash_bytes(h, &type, 1);
            if (type == SQLITE_NULL) continue;
            const void *bytes = sqlite3_column_blob(stmt, i);
            hash_bytes(h, bytes, (size_t)sqlite3_column_bytes(stmt, i));
        }
    }
    sqlite3_finalize(stmt);
}

static void hash_tables(sqlite3 *db, const char *schema, uint64_t *h) {
    char *sql = sqlite3_mprintf("SELECT type, name, tbl_name, sql FROM \"%w\".sqlite_master ORDER BY name", schema);
    if (sql) hash_rows(db, sql, h);
    sqlite3_free(sql);
    sql = sqlite3_mprintf("SELECT name FROM \"%w\".sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%%' "
                          "ORDER BY name", schema);
    sqlite3_stmt *tables = NULL;
    if (sql && sqlite3_prepare_v2(db, sql, -1, &tables, NULL) == SQLITE_OK) {
        while (sqlite3_step(tables) == SQLITE_ROW) {
            char *rows = sqlite3_mprintf("SELECT * FROM \"%w\".\"%w\"", schema, (const char *)sqlite3_column_text(tables, 0));
            if (rows) hash_rows(db, rows, h);
            sqlite3_free(rows);
        }
    }
    sqlite3_finalize(tables);
    sqlite3_free(sql);
}

uint64_t vg_fingerprint(sqlite3 *db) {
    uint64_t h = 1469598103934665603ULL;
    sqlite3_stmt *list;
    if (sqlite3_prepare_v2(db, "SELECT name FROM pragma_database_list ORDER BY name", -1, &list, NULL) != SQLITE_OK) return 0;
    while (sqlite3_step(list) == SQLITE_ROW) {
        char *schema = vg_strdup((const char *)sqlite3_column_text(list, 0));
        hash_bytes(&h, schema, strlen(schema) + 1);
        hash_tables(db, schema, &h);
        free(schema);
    }
    sqlite3_finalize(list);
    return h;
}

/* Opens db_path with the extension; NULL (and a line in problems) when that fails. */
static sqlite3 *open_with_extension(const char *path, const char *extension, vg_buf *problems) {
    sqlite3 *db = NULL;
    char *error = NULL;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc == SQLITE_OK && extension) {
        sqlite3_enable_load_extension(db, 1);
        rc = sqlite3_load_extension(db, extension, NULL, &error);
    }
    if (rc == SQLITE_OK) return db;
    vg_buf_printf(problems, "cannot open %s again: %s\n", path, error ? error : sqlite3_errmsg(db));
    sqlite3_free(error);
    sqlite3_close(db);
    return NULL;
}

/* Runs sql (with an optional BLOB parameter) as a query record, output and error into out. */
static void probe(sqlite3 *db, const char *sql, const void *blob, int n, vg_buf *out) {
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK) {
        vg_buf_printf(out, "error: %s\n", sqlite3_errmsg(db));
        return;
    }
    if (blob) sqlite3_bind_blob(stmt, 1, blob, n, SQLITE_TRANSIENT);
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        for (int i = 0; i < sqlite3_column_count(stmt); i++) {
            const void *bytes = sqlite3_column_blob(stmt, i);
            vg_buf_framed(out, "v ", bytes, (size_t)sqlite3_column_bytes(stmt, i));
        }
    }
    if (rc != SQLITE_DONE) vg_buf_printf(out, "error: %s\n", sqlite3_errmsg(db));
    sqlite3_finalize(stmt);
}

/* Three of the table's vectors (its first, middle and last row), as KNN probes. */
static int probe_vectors(sqlite3 *db, const char *schema, const char *table, vg_buf probes[3]) {
    char *sql = sqlite3_mprintf("SELECT vector FROM \"%w\".\"%w\" WHERE rowid IN ((SELECT min(rowid) FROM \"%w\".\"%w\"), "
                                "(SELECT max(rowid) FROM \"%w\".\"%w\"), (SELECT rowid FROM \"%w\".\"%w\" ORDER BY rowid "
                                "LIMIT 1 OFFSET (SELECT count(*) / 2 FROM \"%w\".\"%w\")))",
                                schema, table, schema, table, schema, table, schema, table, schema, table);
    sqlite3_stmt *stmt = NULL;
    int n = 0;
    if (sql && sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK) {
        while (n < 3 && sqlite3_step(stmt) == SQLITE_ROW) {
            vg_buf_put(&probes[n], sqlite3_column_blob(stmt, 0), (size_t)sqlite3_column_bytes(stmt, 0));
            n++;
        }
    }
    sqlite3_finalize(stmt);
    sqlite3_free(sql);
    return n;
}

/* What a connection answers about one hnsw_index: its rows, then KNN around each probe. */
static void answers(sqlite3 *db, const char *schema, const char *table, vg_buf probes[3], int n, vg_buf *out) {
    char *scan = sqlite3_mprintf("SELECT rowid, vector FROM \"%w\".\"%w\" ORDER BY rowid", schema, table);
    char *knn = sqlite3_mprintf("SELECT rowid, distance FROM \"%w\".\"%w\" WHERE vector MATCH ?1 AND k = 10", schema, table);
    char *exact = sqlite3_mprintf("SELECT rowid, distance FROM \"%w\".\"%w\" WHERE vector MATCH ?1 AND k = 10 AND exact = 1",
                                  schema, table);
    if (scan && knn && exact) {
        probe(db, scan, NULL, 0, out);
        for (int i = 0; i < n; i++) {
            vg_buf_put(out, "knn\n", 4);
            probe(db, knn, probes[i].bytes, (int)probes[i].len, out);
            vg_buf_put(out, "exact\n", 6);
            probe(db, exact, probes[i].bytes, (int)probes[i].len, out);
        }
    }
    sqlite3_free(scan);
    sqlite3_free(knn);
    sqlite3_free(exact);
}

typedef struct {
    sqlite3 *fresh;
    vg_buf *problems;
    int differ;
} agreement;

static void compare_hnsw(sqlite3 *db, const char *schema, const char *table, void *ctx) {
    agreement *a = ctx;
    if (strcmp(schema, "main") != 0) return; /* only main is the file reopened */
    vg_buf probes[3] = {{0}}, seen = {0}, fresh = {0};
    int n = probe_vectors(a->fresh, schema, table, probes);
    answers(db, schema, table, probes, n, &seen);
    answers(a->fresh, schema, table, probes, n, &fresh);
    if (seen.len != fresh.len || (seen.len > 0 && memcmp(seen.bytes, fresh.bytes, seen.len) != 0)) {
        vg_buf_printf(a->problems, "hnsw_index %s: a reopened connection (through the process's shared cache) "
                                   "answers otherwise than a fresh copy of the file:\n--- reopened\n%s--- fresh copy\n%s",
                      table, seen.bytes ? seen.bytes : "", fresh.bytes ? fresh.bytes : "");
        a->differ = 1;
    }
    for (int i = 0; i < 3; i++) vg_buf_free(&probes[i]);
    vg_buf_free(&seen);
    vg_buf_free(&fresh);
}

int vg_check_reopened(const char *db_path, const char *extension, vg_buf *problems) {
    char copy_path[4096];
    snprintf(copy_path, sizeof copy_path, "%s-fresh", db_path);
    remove(copy_path);
    agreement a = {NULL, problems, 0};
    sqlite3 *db = open_with_extension(db_path, extension, problems);
    if (db) a.fresh = open_with_extension(copy_path, extension, problems);
    if (a.fresh) {
        sqlite3_backup *b = sqlite3_backup_init(a.fresh, "main", db, "main");
        int rc = b ? (sqlite3_backup_step(b, -1), sqlite3_backup_finish(b)) : sqlite3_errcode(a.fresh);
        if (rc == SQLITE_OK) for_each_hnsw(db, compare_hnsw, &a);
        else vg_buf_printf(problems, "cannot copy %s: %s\n", db_path, sqlite3_errmsg(a.fresh));
    }
    sqlite3_close(a.fresh);
    sqlite3_close(db);
    remove(copy_path);
    return a.differ || !db || !a.fresh;
}
