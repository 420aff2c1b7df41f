/* The C unit tests' stand-in for the shadow tables (see hnsw_disk.h). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "hnsw_disk.h"
#include "vg_alloc.h"

typedef struct blob {
    int refs;
    size_t len;
    unsigned char bytes[];
} blob;

struct disk_version {
    int refs;
    int64_t gen;
    uint32_t n, entry;
    blob **blobs;
};

struct disk {
    pthread_mutex_t mu;
    vg_hnsw_params p;
    vg_hnsw_layout L;
    const vg_kernels *k;
    disk_version *current;
    unsigned long loads;
};

disk *disk_new(const vg_hnsw_params *p, const vg_kernels *k) {
    disk *d = calloc(1, sizeof *d);
    pthread_mutex_init(&d->mu, NULL);
    d->p = *p;
    vg_hnsw_layout_init(&d->L, p);
    d->k = k;
    d->current = calloc(1, sizeof *d->current);
    d->current->refs = 1;
    d->current->entry = VG_HNSW_NO_SLOT;
    return d;
}

static void version_unref(disk_version *ver) {
    if (--ver->refs > 0) return;
    for (uint32_t i = 0; i < ver->n; i++)
        if (ver->blobs[i] && --ver->blobs[i]->refs == 0) free(ver->blobs[i]);
    free(ver->blobs);
    free(ver);
}

void disk_free(disk *d) {
    version_unref(d->current);
    pthread_mutex_destroy(&d->mu);
    free(d);
}

disk_version *disk_snapshot(disk *d) {
    pthread_mutex_lock(&d->mu);
    disk_version *ver = d->current;
    ver->refs++;
    pthread_mutex_unlock(&d->mu);
    return ver;
}

void disk_release(disk *d, disk_version *ver) {
    pthread_mutex_lock(&d->mu);
    version_unref(ver);
    pthread_mutex_unlock(&d->mu);
}

int64_t disk_gen(const disk_version *ver) {
    return ver->gen;
}

uint32_t disk_slots(const disk_version *ver) {
    return ver->n;
}

uint32_t disk_entry(const disk_version *ver) {
    return ver->entry;
}

unsigned long disk_loads(disk *d) {
    pthread_mutex_lock(&d->mu);
    unsigned long n = d->loads;
    pthread_mutex_unlock(&d->mu);
    return n;
}

static vg_hnsw_rc load(void *ctx, uint32_t slot, vg_hnsw_node **out) {
    disk_reader *r = ctx;
    disk_version *ver = *r->ver;
    pthread_mutex_lock(&r->d->mu);
    r->d->loads++;
    pthread_mutex_unlock(&r->d->mu);
    if (slot >= ver->n || !ver->blobs[slot]) return VG_HNSW_CORRUPT;
    vg_hnsw_blob b;
    char err[VG_HNSW_ERR_LEN];
    const blob *bl = ver->blobs[slot];
    vg_hnsw_rc rc = vg_hnsw_blob_parse(&r->d->L, bl->bytes, bl->len, slot, ver->n, &b, err);
    if (rc != VG_HNSW_OK) return rc;
    return vg_hnsw_node_from_blob(&r->d->L, &b, slot, r->d->p.metric == VG_HNSW_COSINE, r->d->k, out, err);
}

vg_hnsw_source disk_source(disk_reader *r) {
    return (vg_hnsw_source){r, load};
}

int disk_commit(disk *d, vg_hnsw_view *v, const uint32_t *freed, size_t n_freed) {
    uint32_t *dirty;
    size_t n = vg_hnsw_view_dirty(v, &dirty);
    if (n == (size_t)-1) return -1;
    pthread_mutex_lock(&d->mu);
    disk_version *old = d->current, *ver = calloc(1, sizeof *ver);
    ver->refs = 1;
    ver->gen = old->gen + 1;
    ver->n = vg_hnsw_view_slots(v);
    ver->entry = vg_hnsw_view_entry(v);
    ver->blobs = calloc(ver->n ? ver->n : 1, sizeof *ver->blobs);
    for (uint32_t i = 0; i < ver->n && i < old->n; i++) {
        ver->blobs[i] = old->blobs[i];
        if (ver->blobs[i]) ver->blobs[i]->refs++;
    }
    for (size_t i = 0; i < n; i++) {
        const vg_hnsw_node *node = vg_hnsw_view_node(v, dirty[i]);
        size_t len = vg_hnsw_node_blob_size(&d->L, node);
        blob *b = malloc(sizeof *b + len);
        b->refs = 1;
        b->len = len;
        vg_hnsw_node_encode(&d->L, node, b->bytes);
        if (ver->blobs[dirty[i]] && --ver->blobs[dirty[i]]->refs == 0) free(ver->blobs[dirty[i]]);
        ver->blobs[dirty[i]] = b;
    }
    for (size_t i = 0; i < n_freed; i++) {
        if (freed[i] < ver->n && ver->blobs[freed[i]] && --ver->blobs[freed[i]]->refs == 0) free(ver->blobs[freed[i]]);
        if (freed[i] < ver->n) ver->blobs[freed[i]] = NULL;
    }
    /* the store takes the new generation before any reader can see it, as the extension's readers
     * bring the store up to date (catch_up) before they look: a view ahead of its store would trust
     * nodes the new generation replaced */
    vg_hnsw_view_clean(v);
    vg_hnsw_view_txn_end(v, 1);
    d->current = ver;
    version_unref(old);
    pthread_mutex_unlock(&d->mu);
    vg_free(dirty);
    return 0;
}

int disk_conn_open(disk_conn *c, disk *d, vg_hnsw_store *store, const vg_hnsw_params *p, const vg_kernels *k) {
    c->d = d;
    c->ver = disk_snapshot(d);
    c->r = (disk_reader){d, &c->ver};
    c->v = vg_hnsw_view_new(p, k, store, disk_source(&c->r));
    return c->v ? 0 : -1;
}

void disk_conn_close(disk_conn *c) {
    vg_hnsw_view_free(c->v);
    disk_release(c->d, c->ver);
}

void disk_conn_read(disk_conn *c) {
    disk_release(c->d, c->ver);
    c->ver = disk_snapshot(c->d);
    vg_hnsw_view_snapshot(c->v, disk_gen(c->ver), disk_slots(c->ver), disk_entry(c->ver));
    vg_hnsw_view_begin(c->v);
}

void disk_conn_done(disk_conn *c) {
    vg_hnsw_view_end(c->v);
}

void disk_conn_write(disk_conn *c) {
    disk_conn_read(c);
    vg_hnsw_view_txn_begin(c->v);
    c->n_freed = 0;
}

int disk_conn_free_slot(disk_conn *c, uint32_t slot) {
    if (c->n_freed == sizeof c->freed / sizeof c->freed[0]) return -1;
    c->freed[c->n_freed++] = slot;
    return vg_hnsw_view_free_slot(c->v, slot) == VG_HNSW_OK ? 0 : -1;
}

int disk_conn_commit(disk_conn *c) {
    int rc = disk_commit(c->d, c->v, c->freed, c->n_freed);
    c->n_freed = 0;
    disk_conn_done(c);
    return rc;
}
