/* vg_sync.h for the C unit tests: POSIX threads. */
#include <pthread.h>
#include <stdlib.h>

#include "vg_sync.h"

struct vg_mutex {
    pthread_mutex_t m;
};

vg_mutex *vg_mutex_new(void) {
    vg_mutex *m = malloc(sizeof *m);
    if (m) pthread_mutex_init(&m->m, NULL);
    return m;
}

void vg_mutex_free(vg_mutex *m) {
    if (!m) return;
    pthread_mutex_destroy(&m->m);
    free(m);
}

void vg_mutex_enter(vg_mutex *m) {
    pthread_mutex_lock(&m->m);
}

void vg_mutex_leave(vg_mutex *m) {
    pthread_mutex_unlock(&m->m);
}

vg_mutex *vg_mutex_registry(void) {
    static vg_mutex registry = {PTHREAD_MUTEX_INITIALIZER};
    return &registry;
}
