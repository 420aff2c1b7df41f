/* SQLite's extension API for vec_graph's files, and the run-time gates for routines and flags that
 * only newer SQLite releases have: one binary must load into every SQLite from 3.21.0. */
#ifndef VG_SQLITE_H
#define VG_SQLITE_H

/* Loaded at run time, every call goes through the routines table SQLite hands the init function.
 * Compiled into an app or library with SQLITE_CORE defined (the Swift package, vec-graph-sqlite),
 * the calls link to the SQLite it is built with; a routine newer than that SQLite's sqlite3.h is
 * left out at compile time (each is gated by SQLITE_VERSION_NUMBER as well as at run time). */
#ifdef SQLITE_CORE
#include <sqlite3.h>
#else
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3
#endif

/* Function flags newer than the oldest headers we compile against. */
#ifndef SQLITE_DIRECTONLY
#define SQLITE_DIRECTONLY 0x000080000
#endif
#ifndef SQLITE_INNOCUOUS
#define SQLITE_INNOCUOUS 0x000200000
#endif

/* A file control from 3.26.0 (gated at run time where it is used). */
#ifndef SQLITE_FCNTL_DATA_VERSION
#define SQLITE_FCNTL_DATA_VERSION 35
#endif

/* SQLITE_VERSION_NUMBER of the SQLite we are loaded into (not the one we were compiled against). */
#define VG_RUNNING_SQLITE() sqlite3_libversion_number()

/* The deterministic/innocuous flags for a pure function, as far as the running SQLite knows them. */
int vg_pure_function_flags(void);

#endif
