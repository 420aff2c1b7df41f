/* The SQL regression workloads (bench/regress): each builds its seeded data in DIR, then runs its
 * counted regions (counted.h) against the extension at EXT. */
#ifndef REGRESS_WORKLOADS_H
#define REGRESS_WORKLOADS_H

void hnsw_workload(const char *dir, const char *ext);
void graph_workload(const char *dir, const char *ext);
void node2vec_workload(const char *dir, const char *ext);

#endif
