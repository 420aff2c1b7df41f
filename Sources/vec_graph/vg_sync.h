/* A mutex for the caches that connections of one process share. Inside the extension it is SQLite's
 * own (sqlite3_mutex, vg_sync_functions.c), so it follows SQLite's threading mode and needs no
 * thread library; the C unit tests link Tests/c/vg_sync_pthread.c. */
#ifndef VG_SYNC_H
#define VG_SYNC_H

typedef struct vg_mutex vg_mutex;

/* A new non-recursive mutex, or NULL when out of memory (where SQLite runs without threads the
 * mutex does nothing). */
vg_mutex *vg_mutex_new(void);
void vg_mutex_free(vg_mutex *m);
void vg_mutex_enter(vg_mutex *m);
void vg_mutex_leave(vg_mutex *m);

/* The process-wide mutex that guards the registry of shared index caches (never freed). */
vg_mutex *vg_mutex_registry(void);

#endif
