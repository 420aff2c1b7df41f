/* The shared store under threads: 4 readers and 1 writer, each with its own view, over the test disk.
 * Each reader checks every answer against its own snapshot (an exact search must equal brute force
 * over the snapshot's rows; an approximate one may return only live rows of the snapshot, with their
 * true distances). Built plain, under ASan, and under ThreadSanitizer (make test-c-tsan). */
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "hnsw_disk.h"
#include "vg_hnsw_node.h"
#include "vg_test.h"

enum { DIMS = 8, ROWS = 400, READERS = 4, ROUNDS = 60 };

typedef struct shared {
    vg_hnsw_params p;
    disk *d;
    vg_hnsw_store *store;
    int stop;
    pthread_mutex_t mu; /* guards stop and the counters */
    long queries, bad;
} shared;

static uint64_t step(uint64_t *s) {
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static float value(uint64_t *s) {
    return (float)((int)(step(s) % 32) - 16) / 8.0f;
}

/* The snapshot's live rows as (rowid, vector), read from the view node by node. */
typedef struct rows {
    int n;
    int64_t rowid[2 * ROWS];
    float v[2 * ROWS][DIMS];
} rows;

static int snapshot_rows(vg_hnsw_view *v, rows *out) {
    out->n = 0;
    for (uint32_t s = 0; s < vg_hnsw_view_slots(v); s++) {
        const vg_hnsw_node *n = vg_hnsw_view_node(v, s);
        if (!n) return -1;
        if (n->flags & VG_HNSW_NODE_TOMBSTONE) continue;
        out->rowid[out->n] = n->rowid;
        memcpy(out->v[out->n++], (float *)(void *)vg_hnsw_node_code(n), sizeof out->v[0]);
    }
    return 0;
}

static int check_query(shared *sh, vg_hnsw_view *v, const rows *r, const float *q) {
    vg_hnsw_hit got[10], exact[10];
    int n = 0, ne = 0, ok = 1;
    ok &= vg_hnsw_search(v, q, 10, 32, NULL, 0, got, &n) == VG_HNSW_OK;
    ok &= vg_hnsw_search_exact(v, NULL, NULL, 0, q, 10, NULL, 0, exact, &ne) == VG_HNSW_OK;
    /* brute force over the snapshot */
    double best[10];
    int nb = 0;
    for (int i = 0; i < r->n; i++) {
        double d = vg_hnsw_distance(&sh->p, vg_kernels_best(), q, r->v[i]);
        int j;
        if (nb < 10) j = nb++;
        else if (d < best[9]) j = 9;
        else continue;
        while (j > 0 && best[j - 1] > d) {
            best[j] = best[j - 1];
            j--;
        }
        best[j] = d;
    }
    ok &= ne == nb && n == nb;
    for (int i = 0; ok && i < ne; i++) ok &= fabs(exact[i].distance - best[i]) <= 1e-9;
    for (int i = 0; ok && i < n; i++) {
        int live = 0;
        for (int j = 0; j < r->n && !live; j++)
            live = r->rowid[j] == got[i].rowid &&
                   fabs(vg_hnsw_distance(&sh->p, vg_kernels_best(), q, r->v[j]) - got[i].distance) <= 1e-9;
        ok &= live;
    }
    return ok;
}

static void *reader(void *arg) {
    shared *sh = arg;
    disk_conn c;
    disk_conn_open(&c, sh->d, sh->store, &sh->p, vg_kernels_best());
    rows *r = malloc(sizeof *r);
    uint64_t seed = (uint64_t)(uintptr_t)&c | 1;
    for (;;) {
        pthread_mutex_lock(&sh->mu);
        int stop = sh->stop;
        pthread_mutex_unlock(&sh->mu);
        if (stop) break;
        disk_conn_read(&c);
        int ok = snapshot_rows(c.v, r) == 0;
        for (int t = 0; ok && t < 5; t++) {
            float q[DIMS];
            for (int i = 0; i < DIMS; i++) q[i] = value(&seed);
            ok &= check_query(sh, c.v, r, q);
        }
        disk_conn_done(&c);
        pthread_mutex_lock(&sh->mu);
        sh->queries += 5;
        sh->bad += !ok;
        pthread_mutex_unlock(&sh->mu);
    }
    free(r);
    disk_conn_close(&c);
    return NULL;
}

void test_hnsw_threads(void) {
    shared sh;
    memset(&sh, 0, sizeof sh);
    pthread_mutex_init(&sh.mu, NULL);
    sh.p = (vg_hnsw_params){DIMS, VG_HNSW_L2, 6, 40, 7, 16, VG_ELEM_F32, 0};
    sh.d = disk_new(&sh.p, vg_kernels_best());
    sh.store = vg_hnsw_store_new(&sh.p, 0, 96 * 1024); /* small: readers evict while others read */
    disk_conn w;
    disk_conn_open(&w, sh.d, sh.store, &sh.p, vg_kernels_best());
    uint64_t seed = 99;
    float v[DIMS];
    int64_t next = 1, ok = 1;
    disk_conn_write(&w);
    for (int i = 0; i < ROWS; i++) {
        for (int k = 0; k < DIMS; k++) v[k] = value(&seed);
        ok &= vg_hnsw_insert(w.v, vg_hnsw_view_slots(w.v), next++, v, i == 0) == VG_HNSW_OK;
    }
    ok &= disk_conn_commit(&w) == 0;
    pthread_t t[READERS];
    for (int i = 0; i < READERS; i++) pthread_create(&t[i], NULL, reader, &sh);
    /* the writer starts once the readers answer (a slow, sanitized build may otherwise finish first) */
    for (long answered = 0; answered < READERS * 5; sched_yield()) {
        pthread_mutex_lock(&sh.mu);
        answered = sh.queries;
        pthread_mutex_unlock(&sh.mu);
    }
    /* the writer: transactions that delete, update (a tombstone and a new node) and insert */
    for (int round = 0; round < ROUNDS; round++) {
        disk_conn_write(&w);
        for (int j = 0; j < 5; j++) {
            uint32_t s = (uint32_t)(step(&seed) % vg_hnsw_view_slots(w.v));
            const vg_hnsw_node *n = vg_hnsw_view_node(w.v, s);
            if (!n) {
                ok = 0;
                break;
            }
            for (int k = 0; k < DIMS; k++) v[k] = value(&seed);
            if (n->flags & VG_HNSW_NODE_TOMBSTONE) continue;
            int64_t rowid = n->rowid;
            ok &= vg_hnsw_tombstone(w.v, s, 1) == VG_HNSW_OK;
            if (j % 2) ok &= vg_hnsw_insert(w.v, vg_hnsw_view_slots(w.v), rowid, v, 0) == VG_HNSW_OK;
        }
        if (round % 10 == 0) ok &= vg_hnsw_insert(w.v, vg_hnsw_view_slots(w.v), next++, v, 0) == VG_HNSW_OK;
        ok &= disk_conn_commit(&w) == 0;
    }
    pthread_mutex_lock(&sh.mu);
    sh.stop = 1;
    pthread_mutex_unlock(&sh.mu);
    for (int i = 0; i < READERS; i++) pthread_join(t[i], NULL);
    CHECK(ok, "the writer's %d transactions succeed", ROUNDS);
    CHECK(sh.queries > 0 && sh.bad == 0, "%ld queries by %d readers beside the writer, %ld wrong", sh.queries, READERS,
          sh.bad);
    disk_conn_close(&w);
    vg_hnsw_store_free(sh.store);
    disk_free(sh.d);
    pthread_mutex_destroy(&sh.mu);
}
