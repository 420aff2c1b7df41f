/* The hnsw_index regression workload: a seeded 2,000 x 32 l2 index (m 12, ef_construction 64, seed 7),
 * then the counted regions: an insert batch of 200 rows in one transaction, a delete batch of 200 rows
 * in one transaction, and 100 fixed queries (k 10, ef_search 64) on a new connection twice: cold (the
 * process-wide node cache empty: no other connection holds the index, so its store was freed; the
 * connection's page cache empty) and warm (the same queries again: every node they read is cached). */
#include <stdio.h>

#include "counted.h"
#include "workloads.h"
#include "sql_util.h"

enum { DIMS = 32, ROWS = 2000, BATCH = 200, QUERIES = 100 };

static void insert_rows(sqlite3 *db, uint64_t *rng, int first, int count) {
    sqlite3_stmt *insert = prepare(db, "INSERT INTO idx(rowid, vector) VALUES (?1, ?2)");
    float v[DIMS];
    exec_sql(db, "BEGIN");
    for (int r = first; r < first + count; r++) {
        for (int i = 0; i < DIMS; i++) v[i] = rng_float(rng);
        sqlite3_bind_int(insert, 1, r);
        sqlite3_bind_blob(insert, 2, v, (int)sizeof v, SQLITE_TRANSIENT);
        step_done(db, insert);
    }
    exec_sql(db, "COMMIT");
    sqlite3_finalize(insert);
}

static double search(sqlite3 *db, uint64_t seed) {
    sqlite3_stmt *query = prepare(db, "SELECT rowid FROM idx WHERE vector MATCH ?1 AND k = 10 AND ef_search = 64");
    float v[DIMS];
    double check = 0;
    for (int q = 0; q < QUERIES; q++) {
        for (int i = 0; i < DIMS; i++) v[i] = rng_float(&seed);
        sqlite3_bind_blob(query, 1, v, (int)sizeof v, SQLITE_TRANSIENT);
        check += drain(db, query);
    }
    sqlite3_finalize(query);
    return check;
}

void hnsw_workload(const char *dir, const char *ext) {
    char path[512];
    uint64_t rng = 0x9E3779B97F4A7C15u;
    sqlite3 *db = open_fresh(dir, "hnsw.db", ext, path, sizeof path);
    exec_sql(db, "CREATE VIRTUAL TABLE idx USING hnsw_index(dimensions=32, metric='l2', m=12, ef_construction=64, seed=7)");
    insert_rows(db, &rng, 1, ROWS);

    COUNTED_BEGIN();
    insert_rows(db, &rng, ROWS + 1, BATCH);
    COUNTED_END("hnsw/insert batch");

    sqlite3_stmt *del = prepare(db, "DELETE FROM idx WHERE rowid = ?1");
    COUNTED_BEGIN();
    exec_sql(db, "BEGIN");
    for (int r = 5; r <= ROWS + BATCH; r += (ROWS + BATCH) / BATCH) {
        sqlite3_bind_int(del, 1, r);
        step_done(db, del);
    }
    exec_sql(db, "COMMIT");
    COUNTED_END("hnsw/delete batch");
    sqlite3_finalize(del);
    sqlite3_close(db);

    db = open_with_extension(path, ext);
    COUNTED_BEGIN();
    double cold = search(db, 12345);
    COUNTED_END("hnsw/search cold");
    COUNTED_BEGIN();
    double warm = search(db, 12345);
    COUNTED_END("hnsw/search warm");
    sqlite3_close(db);
    printf("hnsw: check %.0f %.0f\n", cold, warm);
}
