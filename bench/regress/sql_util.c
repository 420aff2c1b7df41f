/* Helpers of the SQL regression workloads (see sql_util.h). */
#include <stdio.h>
#include <stdlib.h>

#include "sql_util.h"

uint64_t rng_next(uint64_t *state) {
    uint64_t s = *state;
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return *state = s;
}

float rng_float(uint64_t *state) {
    return (float)(rng_next(state) >> 40) / (float)(1u << 23) - 1.0f;
}

static void die(sqlite3 *db, const char *what) {
    fprintf(stderr, "sql_workloads: %s: %s\n", what, db ? sqlite3_errmsg(db) : "out of memory");
    exit(1);
}

sqlite3 *open_with_extension(const char *path, const char *ext) {
    sqlite3 *db = NULL;
    if (sqlite3_open(path, &db) != SQLITE_OK) die(db, path);
    char *err = NULL;
    sqlite3_enable_load_extension(db, 1);
    if (sqlite3_load_extension(db, ext, "sqlite3_vecgraph_init", &err) != SQLITE_OK) {
        fprintf(stderr, "sql_workloads: cannot load %s: %s\n", ext, err ? err : "?");
        exit(1);
    }
    return db;
}

sqlite3 *open_fresh(const char *dir, const char *name, const char *ext, char *path, size_t size) {
    snprintf(path, size, "%s/%s", dir, name);
    remove(path);
    return open_with_extension(path, ext);
}

void exec_sql(sqlite3 *db, const char *sql) {
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "sql_workloads: %s: %s\n", sql, err ? err : "?");
        exit(1);
    }
}

sqlite3_stmt *prepare(sqlite3 *db, const char *sql) {
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK) die(db, sql);
    return stmt;
}

double drain(sqlite3 *db, sqlite3_stmt *stmt) {
    double sum = 0;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) sum += sqlite3_column_double(stmt, 0);
    if (rc != SQLITE_DONE) die(db, sqlite3_sql(stmt));
    sqlite3_reset(stmt);
    return sum;
}

void step_done(sqlite3 *db, sqlite3_stmt *stmt) {
    if (sqlite3_step(stmt) != SQLITE_DONE) die(db, sqlite3_sql(stmt));
    sqlite3_reset(stmt);
}
