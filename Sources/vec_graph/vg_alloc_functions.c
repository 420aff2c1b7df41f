/* vg_alloc.h inside the extension: SQLite's allocator, so its accounting and limits cover us. */
#include <string.h>

#include "vg_alloc.h"
#include "vg_sqlite.h"

void *vg_malloc(size_t n) {
    return sqlite3_malloc64((sqlite3_uint64)(n ? n : 1));
}

void *vg_calloc(size_t count, size_t size) {
    if (size && count > (size_t)-1 / size) return NULL;
    size_t n = count * size;
    void *p = sqlite3_malloc64((sqlite3_uint64)(n ? n : 1));
    if (p) memset(p, 0, n);
    return p;
}

void *vg_realloc(void *p, size_t n) {
    return sqlite3_realloc64(p, (sqlite3_uint64)(n ? n : 1));
}

void vg_free(void *p) {
    sqlite3_free(p);
}
