/* hnsw_index with threads: 4 reader threads and 1 writer thread, each with its own connection to one
 * WAL database, in one process (so they share the index's store), linked with SQLite's amalgamation
 * and vec_graph compiled in (sqlite3_auto_extension). Built plain and under ThreadSanitizer
 * (make test-hnsw-threads, test-hnsw-threads-tsan). Runs twice: a float32 index, and an int8 one with
 * rescore, whose answers come from the float32 originals the shared store keeps beside its nodes.
 *
 * The writer inserts, deletes and updates rows in transactions. Each reader, inside one read
 * transaction, asks for the exact top 10 (exact = 1) and the graph's top 10 of a random query, and
 * reads every row (rowid, vector) of its snapshot: the exact answer must equal brute force over those
 * rows, and the graph's answer may hold only rows of the snapshot, with their true distances. No error
 * but SQLITE_BUSY (retried) may occur.
 *
 * Usage: hnsw_threads DB SECONDS (each run)   prints "hnsw threads: N passed, N failed" */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sqlite3.h"
#include "vec_graph.h"

enum { DIMS = 16, ROWS = 3000, READERS = 4, K = 10 };

typedef struct shared {
    const char *path;
    double seconds;
    pthread_mutex_t mu;
    long queries, wrong, errors, commits;
    char first_problem[256];
} shared;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static uint64_t next(uint64_t *s) {
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void random_vector(uint64_t *s, float *v) {
    for (int i = 0; i < DIMS; i++) v[i] = (float)((int)(next(s) % 33) - 16) / 4.0f;
}

static void problem(shared *sh, int wrong, const char *what, const char *detail) {
    pthread_mutex_lock(&sh->mu);
    if (wrong) sh->wrong++;
    else sh->errors++;
    if (!sh->first_problem[0]) snprintf(sh->first_problem, sizeof sh->first_problem, "%s: %s", what, detail);
    pthread_mutex_unlock(&sh->mu);
}

static sqlite3 *open_db(shared *sh) {
    sqlite3 *db = NULL;
    if (sqlite3_open(sh->path, &db) != SQLITE_OK) {
        problem(sh, 0, "open", sqlite3_errmsg(db));
        return NULL;
    }
    sqlite3_busy_timeout(db, 5000);
    return db;
}

/* Runs sql (no rows wanted), retrying while the database is busy. */
static int exec(shared *sh, sqlite3 *db, const char *sql) {
    for (;;) {
        char *err = NULL;
        int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
        if (rc == SQLITE_BUSY) {
            sqlite3_free(err);
            continue;
        }
        if (rc != SQLITE_OK) problem(sh, 0, sql, err ? err : sqlite3_errstr(rc));
        sqlite3_free(err);
        return rc;
    }
}

static double l2(const float *a, const float *b) {
    double s = 0;
    for (int i = 0; i < DIMS; i++) {
        double d = (double)a[i] - (double)b[i];
        s += d * d;
    }
    return s;
}

typedef struct snapshot {
    int n;
    sqlite3_int64 rowid[2 * ROWS];
    float v[2 * ROWS][DIMS];
} snapshot;

static int read_rows(sqlite3 *db, snapshot *s) {
    sqlite3_stmt *st;
    s->n = 0;
    if (sqlite3_prepare_v2(db, "SELECT rowid, vector FROM idx", -1, &st, NULL) != SQLITE_OK) return -1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && s->n < 2 * ROWS) {
        s->rowid[s->n] = sqlite3_column_int64(st, 0);
        memcpy(s->v[s->n++], sqlite3_column_blob(st, 1), sizeof s->v[0]);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* The k hits of a KNN query (exact or through the graph): rowids and distances. */
static int knn(sqlite3 *db, const float *q, int exact, sqlite3_int64 *ids, double *dist) {
    sqlite3_stmt *st;
    int n = 0;
    if (sqlite3_prepare_v2(db, "SELECT rowid, distance FROM idx WHERE vector MATCH ?1 AND k = 10 AND exact = ?2", -1,
                           &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_blob(st, 1, q, DIMS * 4, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, exact);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < K) {
        ids[n] = sqlite3_column_int64(st, 0);
        dist[n++] = sqlite3_column_double(st, 1);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? n : -1;
}

static int check(const snapshot *s, const float *q, const sqlite3_int64 *ids, const double *dist, int n, int exact) {
    double best[K];
    int nb = 0;
    for (int i = 0; i < s->n; i++) {
        double d = l2(q, s->v[i]);
        int j;
        if (nb < K) j = nb++;
        else if (d < best[K - 1]) j = K - 1;
        else continue;
        while (j > 0 && best[j - 1] > d) {
            best[j] = best[j - 1];
            j--;
        }
        best[j] = d;
    }
    if (n != nb) return 0;
    for (int i = 0; i < n; i++) {
        if (exact && fabs(dist[i] - best[i]) > 1e-6) return 0;
        int found = 0;
        for (int j = 0; j < s->n && !found; j++) found = s->rowid[j] == ids[i] && fabs(l2(q, s->v[j]) - dist[i]) <= 1e-6;
        if (!found) return 0;
    }
    return 1;
}

static void *reader(void *arg) {
    shared *sh = arg;
    sqlite3 *db = open_db(sh);
    snapshot *s = malloc(sizeof *s);
    uint64_t seed = (uint64_t)(uintptr_t)&db | 1;
    double end = now() + sh->seconds;
    while (db && now() < end) {
        if (exec(sh, db, "BEGIN") != SQLITE_OK) break;
        float q[DIMS];
        random_vector(&seed, q);
        sqlite3_int64 ids[2][K];
        double dist[2][K];
        int n_exact = knn(db, q, 1, ids[0], dist[0]), n_graph = knn(db, q, 0, ids[1], dist[1]);
        int read = read_rows(db, s);
        if (n_exact < 0 || n_graph < 0 || read < 0) {
            problem(sh, 0, "query", sqlite3_errmsg(db));
        } else {
            if (!check(s, q, ids[0], dist[0], n_exact, 1)) problem(sh, 1, "exact", "differs from brute force");
            if (!check(s, q, ids[1], dist[1], n_graph, 0)) problem(sh, 1, "graph", "a row not in the snapshot");
        }
        exec(sh, db, "COMMIT");
        pthread_mutex_lock(&sh->mu);
        sh->queries += 2;
        pthread_mutex_unlock(&sh->mu);
    }
    free(s);
    sqlite3_close(db);
    return NULL;
}

static void *writer(void *arg) {
    shared *sh = arg;
    sqlite3 *db = open_db(sh);
    sqlite3_stmt *ins = NULL, *del = NULL, *upd = NULL;
    if (db) {
        sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO idx(rowid, vector) VALUES (?1, ?2)", -1, &ins, NULL);
        sqlite3_prepare_v2(db, "DELETE FROM idx WHERE rowid = ?1", -1, &del, NULL);
        sqlite3_prepare_v2(db, "UPDATE idx SET vector = ?2 WHERE rowid = ?1", -1, &upd, NULL);
    }
    uint64_t seed = 12345;
    double end = now() + sh->seconds;
    for (long txn = 0; db && now() < end; txn++) {
        if (exec(sh, db, "BEGIN IMMEDIATE") != SQLITE_OK) break;
        int ok = 1;
        for (int i = 0; i < 10 && ok; i++) {
            float v[DIMS];
            random_vector(&seed, v);
            sqlite3_int64 rowid = 1 + (sqlite3_int64)(next(&seed) % (2 * ROWS));
            sqlite3_stmt *st = i % 3 == 0 ? del : i % 3 == 1 ? upd : ins;
            sqlite3_bind_int64(st, 1, rowid);
            if (st != del) sqlite3_bind_blob(st, 2, v, DIMS * 4, SQLITE_TRANSIENT);
            int rc = sqlite3_step(st);
            sqlite3_reset(st);
            if (rc != SQLITE_DONE) {
                problem(sh, 0, "write", sqlite3_errmsg(db));
                ok = 0;
            }
        }
        exec(sh, db, ok ? "COMMIT" : "ROLLBACK");
        if (txn % 20 == 19) exec(sh, db, "PRAGMA wal_checkpoint(PASSIVE)");
        pthread_mutex_lock(&sh->mu);
        sh->commits++;
        pthread_mutex_unlock(&sh->mu);
    }
    sqlite3_finalize(ins);
    sqlite3_finalize(del);
    sqlite3_finalize(upd);
    sqlite3_close(db);
    return NULL;
}

/* One run: the index made with options, filled, then the readers and the writer for sh->seconds. */
static void run(shared *sh, const char *options) {
    remove(sh->path);
    sqlite3 *db = open_db(sh);
    exec(sh, db, "PRAGMA journal_mode = WAL");
    char create[256];
    snprintf(create, sizeof create, "CREATE VIRTUAL TABLE idx USING hnsw_index(dimensions=16, m=8, ef_construction=64%s)",
             options);
    exec(sh, db, create);
    exec(sh, db, "BEGIN");
    sqlite3_stmt *ins;
    sqlite3_prepare_v2(db, "INSERT INTO idx(rowid, vector) VALUES (?1, ?2)", -1, &ins, NULL);
    uint64_t seed = 99;
    for (int i = 1; i <= ROWS; i++) {
        float v[DIMS];
        random_vector(&seed, v);
        sqlite3_bind_int64(ins, 1, i);
        sqlite3_bind_blob(ins, 2, v, DIMS * 4, SQLITE_TRANSIENT);
        if (sqlite3_step(ins) != SQLITE_DONE) problem(sh, 0, "fill", sqlite3_errmsg(db));
        sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    exec(sh, db, "COMMIT");
    sqlite3_close(db);
    pthread_t t[READERS + 1];
    for (int i = 0; i < READERS; i++) pthread_create(&t[i], NULL, reader, sh);
    pthread_create(&t[READERS], NULL, writer, sh);
    for (int i = 0; i <= READERS; i++) pthread_join(t[i], NULL);
    char side[1024];
    for (int i = 0; i < 2; i++) {
        snprintf(side, sizeof side, "%s-%s", sh->path, i ? "shm" : "wal");
        remove(side);
    }
    remove(sh->path);
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: hnsw_threads DB SECONDS\n");
        return 2;
    }
    sqlite3_auto_extension((void (*)(void))sqlite3_vecgraph_init);
    /* float32, and int8 with rescore: its readers share the originals the store keeps beside nodes */
    static const char *const configs[] = {"", ", storage='i8', rescore=4"};
    int passed = 0, failed = 0;
#define RESULT(cond, ...)        \
    do {                         \
        if (cond) passed++;      \
        else failed++;           \
        printf(cond ? "ok   " : "FAIL "); \
        printf(__VA_ARGS__);     \
        printf("\n");            \
    } while (0)
    for (size_t c = 0; c < sizeof configs / sizeof configs[0]; c++) {
        shared sh = {argv[1], atof(argv[2]), PTHREAD_MUTEX_INITIALIZER, 0, 0, 0, 0, ""};
        run(&sh, configs[c]);
        const char *what = c ? "i8, rescore=4" : "f32";
        printf("%s: %ld queries by %d readers, %ld commits by the writer, in %.1f s\n", what, sh.queries, READERS,
               sh.commits, sh.seconds);
        RESULT(sh.queries > 0 && sh.commits > 0, "%s: readers and writer both ran", what);
        RESULT(sh.wrong == 0, "%s: every answer matches its snapshot (%ld wrong%s%s)", what, sh.wrong,
               sh.wrong ? ": " : "", sh.wrong ? sh.first_problem : "");
        RESULT(sh.errors == 0, "%s: no error but SQLITE_BUSY (%ld%s%s)", what, sh.errors, sh.errors ? ": " : "",
               sh.errors ? sh.first_problem : "");
    }
    printf("hnsw threads: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
