/* The graph regression workload: a seeded random directed graph (3,000 nodes, 12,000 edges, indexes on
 * src and dst), then the counted calls, each on a new connection (its graph cache empty): graph_bfs
 * from node 1 to depth 3 (the planner follows the indexes), graph_components and graph_pagerank (each
 * reads the whole table once, then computes). */
#include <stdio.h>

#include "counted.h"
#include "workloads.h"
#include "sql_util.h"

enum { NODES = 3000, EDGES = 12000 };

static void build(sqlite3 *db) {
    uint64_t rng = 20261201;
    exec_sql(db, "CREATE TABLE edges(src INTEGER, dst INTEGER); BEGIN");
    sqlite3_stmt *insert = prepare(db, "INSERT INTO edges VALUES (?1, ?2)");
    for (int e = 0; e < EDGES; e++) {
        sqlite3_bind_int(insert, 1, 1 + (int)(rng_next(&rng) % NODES));
        sqlite3_bind_int(insert, 2, 1 + (int)(rng_next(&rng) % NODES));
        step_done(db, insert);
    }
    sqlite3_finalize(insert);
    exec_sql(db, "COMMIT; CREATE INDEX edges_src ON edges(src); CREATE INDEX edges_dst ON edges(dst)");
}

static double counted_call(const char *path, const char *ext, const char *name, const char *sql) {
    sqlite3 *db = open_with_extension(path, ext);
    sqlite3_stmt *stmt = prepare(db, sql);
    COUNTED_BEGIN();
    double check = drain(db, stmt);
    COUNTED_END(name);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return check;
}

void graph_workload(const char *dir, const char *ext) {
    char path[512];
    sqlite3 *db = open_fresh(dir, "graph.db", ext, path, sizeof path);
    build(db);
    sqlite3_close(db);
    double bfs = counted_call(path, ext, "graph/bfs depth 3", "SELECT node FROM graph_bfs('edges', 'src', 'dst', 1, 3)");
    double cc = counted_call(path, ext, "graph/components", "SELECT component_id FROM graph_components('edges', 'src', 'dst')");
    double pr = counted_call(path, ext, "graph/pagerank", "SELECT rank FROM graph_pagerank('edges', 'src', 'dst')");
    printf("graph: check %.0f %.0f %.6f\n", bfs, cc, pr);
}
