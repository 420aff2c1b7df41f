/* vec_graph's public C interface: the SQLite entry point, without pulling SQLite's headers in. */
#ifndef VEC_GRAPH_H
#define VEC_GRAPH_H

#ifdef __cplusplus
extern "C" {
#endif

struct sqlite3;
struct sqlite3_api_routines;

/* Registers every vec_graph function on db. SQLite finds it by name when loading "vec_graph". */
#if defined(_WIN32)
__declspec(dllexport)
#else
__attribute__((visibility("default")))
#endif
int sqlite3_vecgraph_init(struct sqlite3 *db, char **pzErrMsg, const struct sqlite3_api_routines *pApi);

#ifdef __cplusplus
}
#endif

#endif
