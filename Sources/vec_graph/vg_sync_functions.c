/* vg_sync.h inside the extension: sqlite3_mutex. With SQLite built single-threaded
 * (SQLITE_THREADSAFE=0) sqlite3_mutex_alloc gives NULL and entering NULL is a no-op, which is right
 * there: only one thread may use SQLite at all. */
#include <stddef.h>

#include "vg_sync.h"
#include "vg_sqlite.h"

/* A non-NULL stand-in for "no mutex needed", so that NULL can still mean out of memory. */
static char single_threaded;

#if defined(SQLITE_CORE) && defined(SQLITE_THREADSAFE) && SQLITE_THREADSAFE == 0
/* Compiled into a SQLite built with SQLITE_THREADSAFE=0 and given that flag too (SQLite's WebAssembly
 * build, packaging/wasm/build.sh): such a SQLite has no mutex routines at all, so every mutex is the
 * stand-in. */
vg_mutex *vg_mutex_new(void) {
    return (vg_mutex *)&single_threaded;
}

void vg_mutex_free(vg_mutex *m) {
    (void)m;
}

void vg_mutex_enter(vg_mutex *m) {
    (void)m;
}

void vg_mutex_leave(vg_mutex *m) {
    (void)m;
}

vg_mutex *vg_mutex_registry(void) {
    return (vg_mutex *)&single_threaded;
}
#else
vg_mutex *vg_mutex_new(void) {
    sqlite3_mutex *m = sqlite3_mutex_alloc(SQLITE_MUTEX_FAST);
    if (!m && !sqlite3_threadsafe()) return (vg_mutex *)&single_threaded;
    return (vg_mutex *)m;
}

static sqlite3_mutex *real(vg_mutex *m) {
    return (char *)m == &single_threaded ? NULL : (sqlite3_mutex *)m;
}

void vg_mutex_free(vg_mutex *m) {
    if (real(m)) sqlite3_mutex_free(real(m));
}

void vg_mutex_enter(vg_mutex *m) {
    sqlite3_mutex_enter(real(m));
}

void vg_mutex_leave(vg_mutex *m) {
    sqlite3_mutex_leave(real(m));
}

vg_mutex *vg_mutex_registry(void) {
    /* one of the static mutexes SQLite sets aside for applications and extensions */
    sqlite3_mutex *m = sqlite3_mutex_alloc(SQLITE_MUTEX_STATIC_APP3);
    return m ? (vg_mutex *)m : (vg_mutex *)&single_threaded;
}
#endif
