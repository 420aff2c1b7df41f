/* The node2vec regression workload: node2vec_train on a seeded planted-partition graph (4 communities x
 * 50 nodes, about 10 edges a node, 90% inside a community) into a 16-dimension cosine hnsw_index:
 * p 1, q 0.5, 4 walks a node of length 20, window 4, 3 negatives, rate 0.025, 1 epoch, seed 42. The
 * counted region is the whole call: reading the edges, walks, training, writing the index. */
#include <stdio.h>

#include "counted.h"
#include "workloads.h"
#include "sql_util.h"

enum { COMMUNITIES = 4, SIZE = 50, EDGES = 1000 };

void node2vec_workload(const char *dir, const char *ext) {
    char path[512];
    sqlite3 *db = open_fresh(dir, "node2vec.db", ext, path, sizeof path);
    exec_sql(db, "CREATE TABLE edges(src INTEGER, dst INTEGER); "
                 "CREATE VIRTUAL TABLE vecs USING hnsw_index(dimensions=16, metric='cosine', seed=3); BEGIN");
    sqlite3_stmt *insert = prepare(db, "INSERT INTO edges VALUES (?1, ?2)");
    uint64_t rng = 4242;
    for (int e = 0; e < EDGES; e++) {
        int u = (int)(rng_next(&rng) % (COMMUNITIES * SIZE));
        int inside = rng_next(&rng) % 10 != 0;
        int v = inside ? u / SIZE * SIZE + (int)(rng_next(&rng) % SIZE) : (int)(rng_next(&rng) % (COMMUNITIES * SIZE));
        sqlite3_bind_int(insert, 1, u + 1);
        sqlite3_bind_int(insert, 2, v + 1);
        step_done(db, insert);
    }
    sqlite3_finalize(insert);
    exec_sql(db, "COMMIT");
    sqlite3_stmt *train = prepare(db, "SELECT node2vec_train('edges', 'src', 'dst', 'vecs', 16, 1, 0.5, 4, 20, 4, 3, 0.025, 1, 42)");
    COUNTED_BEGIN();
    double nodes = drain(db, train);
    COUNTED_END("node2vec/train");
    sqlite3_finalize(train);
    sqlite3_close(db);
    printf("node2vec: %.0f nodes embedded\n", nodes);
}
