/* The SQL regression workloads' program: seeds SQLite's PRNG (the random id of each hnsw_index), then
 * runs the workloads named on the command line (hnsw, graph, node2vec; all when none is named).
 * usage: sql_workloads EXTENSION DIR [WORKLOAD...]   (under callgrind: bench/regress/measure.py) */
#include <stdio.h>
#include <string.h>

#include "sql_util.h"
#include "workloads.h"

static const struct {
    const char *name;
    void (*run)(const char *dir, const char *ext);
} workloads[] = {{"hnsw", hnsw_workload}, {"graph", graph_workload}, {"node2vec", node2vec_workload}};
enum { WORKLOADS = sizeof workloads / sizeof workloads[0] };

static int wanted(int argc, char **argv, const char *name) {
    if (argc <= 3) return 1;
    for (int i = 3; i < argc; i++)
        if (strcmp(argv[i], name) == 0) return 1;
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: sql_workloads EXTENSION DIR [hnsw|graph|node2vec...]\n");
        return 2;
    }
    for (int i = 3; i < argc; i++) {
        int known = 0;
        for (int w = 0; w < WORKLOADS; w++) known |= strcmp(argv[i], workloads[w].name) == 0;
        if (!known) {
            fprintf(stderr, "sql_workloads: unknown workload '%s' (expected hnsw, graph or node2vec)\n", argv[i]);
            return 2;
        }
    }
    sqlite3_test_control(SQLITE_TESTCTRL_PRNG_SEED, 1, (sqlite3 *)0);
    for (int w = 0; w < WORKLOADS; w++)
        if (wanted(argc, argv, workloads[w].name)) workloads[w].run(argv[2], argv[1]);
    return 0;
}
