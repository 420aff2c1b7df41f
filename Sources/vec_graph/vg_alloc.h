/* The extension's allocator. Every allocation of vec_graph's C code goes through these, so that
 * SQLite's accounting sees it: inside the extension they are sqlite3_malloc64 / sqlite3_realloc64 /
 * sqlite3_free (vg_alloc_functions.c), so sqlite3_memory_used() counts the extension's memory,
 * sqlite3_hard_heap_limit64() limits it and SQLite's own fault injection reaches it. The C unit
 * tests link the plain modules with Tests/c/vg_alloc_libc.c instead (libc, with a fault counter). */
#ifndef VG_ALLOC_H
#define VG_ALLOC_H

#include <stddef.h>

/* n bytes, or NULL (also for n == 0 on some allocators: callers never ask for 0). */
void *vg_malloc(size_t n);
/* count * size zeroed bytes, or NULL when out of memory or when the product overflows. */
void *vg_calloc(size_t count, size_t size);
/* Resizes p (NULL: a new block) to n bytes; NULL when out of memory, p then untouched. */
void *vg_realloc(void *p, size_t n);
/* Frees p; NULL is fine. */
void vg_free(void *p);

#endif
