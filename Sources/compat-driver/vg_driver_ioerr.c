/*
** vg_driver --faults ioerr: a VFS shim, registered as the default VFS around the one SQLite would use.
** Every xRead, xWrite, xSync and xTruncate of every file it opens (databases, journals, temporary
** files) is a fault point (vg_driver_points.h); a failing one returns SQLITE_IOERR_READ, _WRITE (or
** SQLITE_FULL), _FSYNC or _TRUNCATE without touching the file. A sync that passes is not passed on:
** the database is thrown away after the run, and fsync would only cost time. Everything else is
** forwarded unchanged.
*/
#include <string.h>

#include "vg_driver_ioerr.h"
#include "vg_driver_points.h"

typedef struct {
    sqlite3_file base;
    sqlite3_file *real; /* the real VFS's file, in the same allocation, right after this struct */
} shim_file;

static sqlite3_vfs *real_vfs;

#define REAL(file) (((shim_file *)(file))->real)

static int shim_close(sqlite3_file *file) {
    return REAL(file)->pMethods->xClose(REAL(file));
}

static int shim_read(sqlite3_file *file, void *buf, int n, sqlite3_int64 offset) {
    if (vg_point(VG_POINT_READ)) return SQLITE_IOERR_READ;
    return REAL(file)->pMethods->xRead(REAL(file), buf, n, offset);
}

static int shim_write(sqlite3_file *file, const void *buf, int n, sqlite3_int64 offset) {
    if (vg_point(VG_POINT_WRITE)) return vg_points_now.full ? SQLITE_FULL : SQLITE_IOERR_WRITE;
    return REAL(file)->pMethods->xWrite(REAL(file), buf, n, offset);
}

static int shim_truncate(sqlite3_file *file, sqlite3_int64 size) {
    if (vg_point(VG_POINT_TRUNCATE)) return SQLITE_IOERR_TRUNCATE;
    return REAL(file)->pMethods->xTruncate(REAL(file), size);
}

static int shim_sync(sqlite3_file *file, int flags) {
    (void)file;
    (void)flags;
    return vg_point(VG_POINT_SYNC) ? SQLITE_IOERR_FSYNC : SQLITE_OK;
}

static int shim_file_size(sqlite3_file *file, sqlite3_int64 *size) {
    return REAL(file)->pMethods->xFileSize(REAL(file), size);
}

static int shim_lock(sqlite3_file *file, int lock) {
    return REAL(file)->pMethods->xLock(REAL(file), lock);
}

static int shim_unlock(sqlite3_file *file, int lock) {
    return REAL(file)->pMethods->xUnlock(REAL(file), lock);
}

static int shim_check_reserved(sqlite3_file *file, int *out) {
    return REAL(file)->pMethods->xCheckReservedLock(REAL(file), out);
}

static int shim_file_control(sqlite3_file *file, int op, void *arg) {
    return REAL(file)->pMethods->xFileControl(REAL(file), op, arg);
}

static int shim_sector_size(sqlite3_file *file) {
    return REAL(file)->pMethods->xSectorSize(REAL(file));
}

static int shim_device(sqlite3_file *file) {
    return REAL(file)->pMethods->xDeviceCharacteristics(REAL(file));
}

static int shim_shm_map(sqlite3_file *file, int page, int size, int extend, void volatile **out) {
    return REAL(file)->pMethods->xShmMap(REAL(file), page, size, extend, out);
}

static int shim_shm_lock(sqlite3_file *file, int offset, int n, int flags) {
    return REAL(file)->pMethods->xShmLock(REAL(file), offset, n, flags);
}

static void shim_shm_barrier(sqlite3_file *file) {
    REAL(file)->pMethods->xShmBarrier(REAL(file));
}

static int shim_shm_unmap(sqlite3_file *file, int delete_flag) {
    return REAL(file)->pMethods->xShmUnmap(REAL(file), delete_flag);
}

static int shim_fetch(sqlite3_file *file, sqlite3_int64 offset, int n, void **out) {
    return REAL(file)->pMethods->xFetch(REAL(file), offset, n, out);
}

static int shim_unfetch(sqlite3_file *file, sqlite3_int64 offset, void *p) {
    return REAL(file)->pMethods->xUnfetch(REAL(file), offset, p);
}

/* One method table per iVersion of the real file's, so SQLite never calls what the real one lacks. */
static sqlite3_io_methods shim_io[4];

static void init_io(void) {
    sqlite3_io_methods m = {3, shim_close, shim_read, shim_write, shim_truncate, shim_sync, shim_file_size,
                            shim_lock, shim_unlock, shim_check_reserved, shim_file_control, shim_sector_size,
                            shim_device, shim_shm_map, shim_shm_lock, shim_shm_barrier, shim_shm_unmap,
                            shim_fetch, shim_unfetch};
    for (int v = 0; v < 4; v++) {
        shim_io[v] = m;
        shim_io[v].iVersion = v;
    }
}

static int shim_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags, int *out_flags) {
    (void)vfs;
    shim_file *f = (shim_file *)file;
    f->real = (sqlite3_file *)(f + 1);
    memset(f->real, 0, (size_t)real_vfs->szOsFile);
    int rc = real_vfs->xOpen(real_vfs, name, f->real, flags, out_flags);
    int version = f->real->pMethods ? f->real->pMethods->iVersion : -1;
    f->base.pMethods = version < 0 ? NULL : &shim_io[version > 3 ? 3 : version];
    return rc;
}

static int shim_delete(sqlite3_vfs *vfs, const char *name, int sync_dir) {
    (void)vfs;
    return real_vfs->xDelete(real_vfs, name, sync_dir);
}

static int shim_access(sqlite3_vfs *vfs, const char *name, int flags, int *out) {
    (void)vfs;
    return real_vfs->xAccess(real_vfs, name, flags, out);
}

static int shim_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out) {
    (void)vfs;
    return real_vfs->xFullPathname(real_vfs, name, n, out);
}

static void *shim_dlopen(sqlite3_vfs *vfs, const char *name) {
    (void)vfs;
    return real_vfs->xDlOpen(real_vfs, name);
}

static void shim_dlerror(sqlite3_vfs *vfs, int n, char *out) {
    (void)vfs;
    real_vfs->xDlError(real_vfs, n, out);
}

static void (*shim_dlsym(sqlite3_vfs *vfs, void *handle, const char *symbol))(void) {
    (void)vfs;
    return real_vfs->xDlSym(real_vfs, handle, symbol);
}

static void shim_dlclose(sqlite3_vfs *vfs, void *handle) {
    (void)vfs;
    real_vfs->xDlClose(real_vfs, handle);
}

static int shim_randomness(sqlite3_vfs *vfs, int n, char *out) {
    (void)vfs;
    return real_vfs->xRandomness(real_vfs, n, out);
}

static int shim_sleep(sqlite3_vfs *vfs, int usec) {
    (void)vfs;
    return real_vfs->xSleep(real_vfs, usec);
}

static int shim_current_time(sqlite3_vfs *vfs, double *out) {
    (void)vfs;
    return real_vfs->xCurrentTime(real_vfs, out);
}

static int shim_last_error(sqlite3_vfs *vfs, int n, char *out) {
    (void)vfs;
    return real_vfs->xGetLastError(real_vfs, n, out);
}

static int shim_current_time64(sqlite3_vfs *vfs, sqlite3_int64 *out) {
    (void)vfs;
    return real_vfs->xCurrentTimeInt64(real_vfs, out);
}

int vg_ioerr_install(void) {
    static sqlite3_vfs shim;
    int rc = sqlite3_initialize();
    if (rc != SQLITE_OK) return rc;
    real_vfs = sqlite3_vfs_find(NULL);
    if (real_vfs == NULL) return SQLITE_ERROR;
    init_io();
    sqlite3_vfs vfs = {real_vfs->iVersion < 2 ? real_vfs->iVersion : 2, (int)sizeof(shim_file) + real_vfs->szOsFile,
                       real_vfs->mxPathname, NULL, "vg_faults", NULL, shim_open, shim_delete, shim_access,
                       shim_full_pathname, shim_dlopen, shim_dlerror, shim_dlsym, shim_dlclose, shim_randomness,
                       shim_sleep, shim_current_time, shim_last_error, shim_current_time64, NULL, NULL, NULL};
    shim = vfs;
    return sqlite3_vfs_register(&shim, 1);
}
