/* vg_driver --faults oom: the allocator wrapper (vg_driver_oom.c). */
#ifndef VG_DRIVER_OOM_H
#define VG_DRIVER_OOM_H

#include "sqlite3.h"

/* Installs the wrapper and turns lookaside off; before SQLite initialises. Returns a SQLite code. */
int vg_oom_install(void);

#endif
