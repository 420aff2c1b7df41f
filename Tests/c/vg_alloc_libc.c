/* vg_alloc.h for the C unit tests: libc's allocator, with a fault counter so a test can make the
 * Nth allocation from now fail (vg_test_fail_alloc_after) and check that nothing leaks or breaks. */
#include <stdlib.h>

#include "vg_alloc.h"
#include "vg_test.h"

static long countdown = -1; /* allocations left before the failing one; -1: never fail */

void vg_test_fail_alloc_after(long n) {
    countdown = n;
}

static int should_fail(void) {
    if (countdown < 0) return 0;
    if (countdown == 0) return 1; /* persistent: every later allocation fails too, until reset */
    countdown--;
    return 0;
}

void *vg_malloc(size_t n) {
    return should_fail() ? NULL : malloc(n ? n : 1);
}

void *vg_calloc(size_t count, size_t size) {
    return should_fail() ? NULL : calloc(count ? count : 1, size ? size : 1);
}

void *vg_realloc(void *p, size_t n) {
    return should_fail() ? NULL : realloc(p, n ? n : 1);
}

void vg_free(void *p) {
    free(p);
}
