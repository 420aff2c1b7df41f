/*
** Snapshots of a connection's databases (vg_driver_snapshot.h), through the backup API: each database
** of PRAGMA database_list is copied into an in-memory database of its own, and back. Copying back
** through the connection's own pager keeps its page cache right and bumps the schema cookie, as any
** writer's change would. A database attached twice (the same file) is copied once.
*/
#include <stdlib.h>
#include <string.h>

#include "vg_driver.h"
#include "vg_driver_snapshot.h"

static int copy_database(sqlite3 *to, const char *to_name, sqlite3 *from, const char *from_name) {
    sqlite3_backup *b = sqlite3_backup_init(to, to_name, from, from_name);
    if (b == NULL) return sqlite3_errcode(to);
    sqlite3_backup_step(b, -1);
    return sqlite3_backup_finish(b);
}

/* The connection's databases as (name, file) pairs, in PRAGMA database_list order. */
static int list_databases(sqlite3 *db, vg_snapshot *s) {
    sqlite3_stmt *stmt;
    memset(s, 0, sizeof *s);
    int rc = sqlite3_prepare_v2(db, "PRAGMA database_list", -1, &stmt, NULL);
    while (rc == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(stmt, 1);
        const char *file = (const char *)sqlite3_column_text(stmt, 2);
        vg_snapshot_db *grown = realloc(s->db, ((size_t)s->n + 1) * sizeof *grown);
        if (grown == NULL) rc = SQLITE_NOMEM;
        if (rc != SQLITE_OK) break;
        s->db = grown;
        s->db[s->n].name = vg_strdup(name ? name : "");
        s->db[s->n].file = vg_strdup(file ? file : "");
        s->db[s->n].copy = NULL;
        s->n++;
    }
    int done = sqlite3_finalize(stmt);
    return rc != SQLITE_OK ? rc : done;
}

/* The pager's data version of a database (changed by every commit, by anyone); 0 when unknown. */
static unsigned data_version(sqlite3 *db, const char *name) {
#ifndef SQLITE_FCNTL_DATA_VERSION
#define SQLITE_FCNTL_DATA_VERSION 35
#endif
    unsigned version = 0;
    if (sqlite3_libversion_number() < 3026000) return 0;
    if (sqlite3_file_control(db, name, SQLITE_FCNTL_DATA_VERSION, &version) != SQLITE_OK) return 0;
    return version;
}

static int file_seen_before(const vg_snapshot *s, int i) {
    for (int j = 0; j < i; j++)
        if (s->db[i].file[0] && strcmp(s->db[i].file, s->db[j].file) == 0) return 1;
    return 0;
}

static int find(const vg_snapshot *s, const char *name);

/* main and temp are always there (temp is opened by the snapshot) */
static int permanent(const char *name) {
    return strcmp(name, "main") == 0 || strcmp(name, "temp") == 0;
}

int vg_snapshot_take(sqlite3 *db, vg_snapshot *s) {
    /* opens temp if no statement has yet, so that database_list shows it */
    int rc = sqlite3_exec(db, "PRAGMA temp.page_count", NULL, NULL, NULL);
    if (rc == SQLITE_OK) rc = list_databases(db, s);
    for (int i = 0; rc == SQLITE_OK && i < s->n; i++) {
        if (file_seen_before(s, i)) continue;
        rc = sqlite3_open_v2(":memory:", &s->db[i].copy, SQLITE_OPEN_READWRITE, NULL);
        if (rc == SQLITE_OK) rc = copy_database(s->db[i].copy, "main", db, s->db[i].name);
    }
    for (int i = 0; rc == SQLITE_OK && i < s->n; i++) s->db[i].version = data_version(db, s->db[i].name);
    if (rc != SQLITE_OK) vg_snapshot_free(s);
    return rc;
}

static int find(const vg_snapshot *s, const char *name) {
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->db[i].name, name) == 0) return i;
    return -1;
}

/* Runs one statement with a parameter or two; returns a SQLite code. */
static int run(sqlite3 *db, const char *sql, const char *p1, const char *p2) {
    sqlite3_stmt *stmt;
    int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);
    if (rc != SQLITE_OK) return rc;
    if (p1) sqlite3_bind_text(stmt, 1, p1, -1, SQLITE_STATIC);
    if (p2) sqlite3_bind_text(stmt, 2, p2, -1, SQLITE_STATIC);
    while (sqlite3_step(stmt) == SQLITE_ROW) {
    }
    return sqlite3_finalize(stmt);
}

int vg_snapshot_unchanged(sqlite3 *db, const vg_snapshot *s) {
    vg_snapshot now;
    if (!sqlite3_get_autocommit(db) || list_databases(db, &now) != SQLITE_OK) return 0;
    int same = now.n == s->n;
    for (int i = 0; same && i < s->n; i++) {
        unsigned version = data_version(db, s->db[i].name);
        same = strcmp(now.db[i].name, s->db[i].name) == 0 && strcmp(now.db[i].file, s->db[i].file) == 0 && version != 0 &&
               version == s->db[i].version;
    }
    vg_snapshot_free(&now);
    return same;
}

int vg_snapshot_restore(sqlite3 *db, vg_snapshot *s, char **message) {
    vg_snapshot now;
    int rc = SQLITE_OK;
    *message = NULL;
    if (!sqlite3_get_autocommit(db)) rc = run(db, "ROLLBACK", NULL, NULL);
    if (rc == SQLITE_OK) rc = list_databases(db, &now);
    for (int i = 0; rc == SQLITE_OK && i < now.n; i++)
        if (!permanent(now.db[i].name) && find(s, now.db[i].name) < 0) rc = run(db, "DETACH ?1", now.db[i].name, NULL);
    for (int i = 0; rc == SQLITE_OK && i < s->n; i++)
        if (!permanent(s->db[i].name) && find(&now, s->db[i].name) < 0)
            rc = run(db, "ATTACH ?1 AS ?2", s->db[i].file[0] ? s->db[i].file : ":memory:", s->db[i].name);
    for (int i = 0; rc == SQLITE_OK && i < s->n; i++)
        if (s->db[i].copy) rc = copy_database(db, s->db[i].name, s->db[i].copy, "main");
    for (int i = 0; rc == SQLITE_OK && i < s->n; i++) s->db[i].version = data_version(db, s->db[i].name);
    if (rc != SQLITE_OK) *message = vg_strdup(sqlite3_errmsg(db));
    vg_snapshot_free(&now);
    return rc;
}

void vg_snapshot_free(vg_snapshot *s) {
    for (int i = 0; i < s->n; i++) {
        free(s->db[i].name);
        free(s->db[i].file);
        sqlite3_close(s->db[i].copy);
    }
    free(s->db);
    memset(s, 0, sizeof *s);
}
