/*
** vg_driver --faults oom: SQLite's own method of out-of-memory testing. A SQLITE_CONFIG_MALLOC
** wrapper around the allocator SQLite would use makes every xMalloc and xRealloc a fault point
** (vg_driver_points.h) that fails by returning NULL. Lookaside is turned off, so that every
** allocation reaches the wrapper. Must run before SQLite initialises.
*/
#include "vg_driver_oom.h"
#include "vg_driver_points.h"

static sqlite3_mem_methods real;

static void *oom_malloc(int n) {
    return vg_point(VG_POINT_ALLOC) ? NULL : real.xMalloc(n);
}

static void oom_free(void *p) {
    real.xFree(p);
}

static void *oom_realloc(void *p, int n) {
    return vg_point(VG_POINT_ALLOC) ? NULL : real.xRealloc(p, n);
}

static int oom_size(void *p) {
    return real.xSize(p);
}

static int oom_roundup(int n) {
    return real.xRoundup(n);
}

static int oom_init(void *app) {
    (void)app;
    return real.xInit(real.pAppData);
}

static void oom_shutdown(void *app) {
    (void)app;
    real.xShutdown(real.pAppData);
}

int vg_oom_install(void) {
    static sqlite3_mem_methods wrapper = {oom_malloc, oom_free, oom_realloc, oom_size, oom_roundup, oom_init,
                                          oom_shutdown, NULL};
    int rc = sqlite3_config(SQLITE_CONFIG_GETMALLOC, &real);
    if (rc == SQLITE_OK) rc = sqlite3_config(SQLITE_CONFIG_MALLOC, &wrapper);
    if (rc == SQLITE_OK) rc = sqlite3_config(SQLITE_CONFIG_LOOKASIDE, 0, 0);
    return rc;
}
