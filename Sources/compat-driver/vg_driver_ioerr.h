/* vg_driver --faults ioerr: the VFS shim (vg_driver_ioerr.c). */
#ifndef VG_DRIVER_IOERR_H
#define VG_DRIVER_IOERR_H

#include "sqlite3.h"

/* Registers the shim around the default VFS as the new default. Returns a SQLite code. */
int vg_ioerr_install(void);

#endif
