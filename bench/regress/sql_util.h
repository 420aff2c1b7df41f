/* Helpers of the SQL regression workloads: a seeded generator, connections that load the extension
 * under test, statements that stop the program on any error. */
#ifndef REGRESS_SQL_UTIL_H
#define REGRESS_SQL_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "sqlite3.h"

/* xorshift64: the same numbers on every machine. */
uint64_t rng_next(uint64_t *state);
/* A uniform float in [-1, 1). */
float rng_float(uint64_t *state);

/* A connection to path with the extension at ext loaded; exits on failure. */
sqlite3 *open_with_extension(const char *path, const char *ext);
/* A connection to a new database dir/name (an old file of that name removed) with the extension at
 * ext loaded, its path written to path[size]; exits on failure. */
sqlite3 *open_fresh(const char *dir, const char *name, const char *ext, char *path, size_t size);
/* Runs sql (any number of statements); exits on failure. */
void exec_sql(sqlite3 *db, const char *sql);
/* Prepares sql; exits on failure. */
sqlite3_stmt *prepare(sqlite3 *db, const char *sql);
/* Steps stmt to its end, returning the sum of column 0 over its rows as a check value; exits on error. */
double drain(sqlite3 *db, sqlite3_stmt *stmt);
/* Steps a statement that returns no row; resets it; exits on error. */
void step_done(sqlite3 *db, sqlite3_stmt *stmt);

#endif
