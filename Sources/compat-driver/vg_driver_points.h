/*
** The fault points of one run of a record (vg_driver --faults): the allocator wrapper
** (vg_driver_oom.c) and the VFS shim (vg_driver_ioerr.c) call vg_point at each allocation or I/O
** call; it counts them, records each one's call site while recording, and says which must fail.
*/
#ifndef VG_DRIVER_POINTS_H
#define VG_DRIVER_POINTS_H

#include <stddef.h>
#include <stdint.h>

enum { VG_POINT_ALLOC, VG_POINT_READ, VG_POINT_WRITE, VG_POINT_SYNC, VG_POINT_TRUNCATE };

typedef struct {
    int active;              /* points count only between vg_points_start and vg_points_stop */
    long long seen;          /* points met since vg_points_start */
    long long target;        /* the point to fail, 1-based; 0: none */
    int persistent;          /* fail every point from target on */
    int full;                /* ioerr: writes fail with SQLITE_FULL instead of SQLITE_IOERR_WRITE */
    long long fired;         /* points failed */
    uint64_t fired_site;     /* the site of the first point failed */
    int recording;           /* keep each point's site and kind (the fault-free run) */
    uint64_t *site;          /* while recording: site[i] of point i + 1 */
    unsigned char *kind;
    size_t cap;
    uintptr_t stack_base;    /* frames whose CFA lies above this (the driver's) are not part of a site */
} vg_points;

extern vg_points vg_points_now;

/* Finds the loaded extension's code, so that sites can name the extension's frames (Linux). */
void vg_points_find_extension(const char *path);
/* Starts counting from 0, failing point `target` (0: none). */
void vg_points_start(long long target, int persistent, int full, int recording);
/* Stops counting and failing; the counts stay readable. */
void vg_points_stop(void);
/* At a fault point of `kind`: returns 1 when it must fail. */
int vg_point(int kind);

/* A set of sites (open addressing, growing as it fills). */
typedef struct {
    uint64_t *slot; /* 0: empty; site 0 is kept as 1 */
    size_t cap, count;
} vg_site_set;

/* Adds a site; returns 1 when it was not in the set yet (also when no memory was left to keep it). */
int vg_site_set_add(vg_site_set *s, uint64_t site);
int vg_site_set_has(const vg_site_set *s, uint64_t site);
void vg_site_set_free(vg_site_set *s);

#endif
