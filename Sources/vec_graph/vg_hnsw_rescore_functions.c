/* hnsw_index with compact storage (storage = 'f16' | 'i8' | 'bit'): the float32 originals that
 * rescore = N keeps in {name}_vectors, and the vector column's value.
 *   - rescore: a KNN query searches the compact graph for N * k candidates, then ranks them by their
 *     float32 originals and keeps k; exact = 1 ranks every original (or every allowed one).
 *   - the vector column returns the original with rescore, else the stored vector as a typed compact
 *     BLOB (vg_compact.h), or the float32 BLOB for f32 storage.
 * An original that is missing or is not dims float32 values is damage, reported as such. */
#include <stdlib.h>
#include <string.h>

#include "vg_alloc.h"
#include "vg_compact.h"
#include "vg_hnsw_vtab.h"

/* Checks the original of rowid the statement's column col holds and returns its values. */
static int original_of(vg_hnsw_vtab *vt, sqlite3_stmt *s, int col, sqlite3_int64 rowid, const float **out) {
    size_t want = 4 * (size_t)vt->params.dims;
    if (sqlite3_column_type(s, col) != SQLITE_BLOB || (size_t)sqlite3_column_bytes(s, col) != want)
        return vg_hnsw_error(vt, SQLITE_CORRUPT_VTAB, "%s is damaged: %s_vectors: the original of rowid %lld is not %d float32 values",
                             vt->name, vt->name, (long long)rowid, vt->params.dims);
    *out = sqlite3_column_blob(s, col);
    return *out ? SQLITE_OK : SQLITE_NOMEM;
}

/* Reads rowid's original: SQLITE_OK with *v on the statement's row (reset *s after use),
 * SQLITE_NOTFOUND when the index keeps none, or an error. */
static int original_read(vg_hnsw_vtab *vt, sqlite3_int64 rowid, sqlite3_stmt **s, const float **v) {
    int rc = vg_hnsw_statement(vt, VG_HNSW_SQL_ORIGINAL_READ, s);
    if (rc != SQLITE_OK) return rc;
    sqlite3_bind_int64(*s, 1, rowid);
    rc = sqlite3_step(*s);
    if (rc == SQLITE_ROW) return original_of(vt, *s, 0, rowid, v);
    return rc == SQLITE_DONE ? SQLITE_NOTFOUND : vg_hnsw_sql_error(vt, rc);
}

static int missing(vg_hnsw_vtab *vt, sqlite3_int64 rowid) {
    return vg_hnsw_error(vt, SQLITE_CORRUPT_VTAB, "%s is damaged: %s_vectors has no original for rowid %lld", vt->name,
                         vt->name, (long long)rowid);
}

/* Reads originals one after another through one incremental-BLOB handle (sqlite3_blob_reopen moves
 * it to the next row without running a statement): the per-candidate cost of a rescore. */
typedef struct original_reader {
    vg_hnsw_vtab *vt;
    char *table;        /* {name}_vectors */
    sqlite3_blob *blob; /* NULL until the first row, and again after a failed move */
    float *scratch;     /* dims floats: the original read */
} original_reader;

static int reader_open(original_reader *r, vg_hnsw_vtab *vt) {
    memset(r, 0, sizeof *r);
    r->vt = vt;
    r->table = sqlite3_mprintf("%s_vectors", vt->name);
    r->scratch = vg_malloc(4 * (size_t)vt->params.dims);
    return r->table && r->scratch ? SQLITE_OK : SQLITE_NOMEM;
}

static void reader_close(original_reader *r) {
    if (r->blob) sqlite3_blob_close(r->blob);
    sqlite3_free(r->table);
    vg_free(r->scratch);
}

/* The distance from q to rowid's original into *d; SQLITE_NOTFOUND when the index keeps none. */
static int original_distance(original_reader *r, const float *q, sqlite3_int64 rowid, double *d) {
    vg_hnsw_vtab *vt = r->vt;
    int bytes = 4 * vt->params.dims;
    int rc = r->blob ? sqlite3_blob_reopen(r->blob, rowid)
                     : sqlite3_blob_open(vt->db, vt->schema, r->table, "vector", rowid, 0, &r->blob);
    if (rc == SQLITE_OK && sqlite3_blob_bytes(r->blob) == bytes) rc = sqlite3_blob_read(r->blob, r->scratch, bytes, 0);
    else if (rc == SQLITE_OK) rc = SQLITE_ERROR;
    if (rc != SQLITE_OK) {
        /* no such row, not a BLOB of the right length, or a real failure: the statement tells which */
        if (r->blob) sqlite3_blob_close(r->blob);
        r->blob = NULL;
        if (rc == SQLITE_NOMEM) return rc;
        sqlite3_stmt *s = NULL;
        const float *v;
        rc = original_read(vt, rowid, &s, &v);
        if (rc == SQLITE_OK) memcpy(r->scratch, v, (size_t)bytes);
        if (s) sqlite3_reset(s);
        if (rc != SQLITE_OK) return rc;
    }
    *d = vg_hnsw_distance(&vt->params, vt->kernels, q, r->scratch);
    return SQLITE_OK;
}

static int hit_order(const void *a, const void *b) {
    const vg_hnsw_hit *x = a, *y = b;
    if (x->distance != y->distance) return x->distance < y->distance ? -1 : 1;
    return x->rowid < y->rowid ? -1 : x->rowid > y->rowid;
}

/* Adds (rowid, d) to the best k of hits[0 .. *n) kept ascending. */
static void keep_best(vg_hnsw_hit *hits, int *n, int k, sqlite3_int64 rowid, double d) {
    vg_hnsw_hit h = {rowid, d, VG_HNSW_NO_SLOT};
    if (*n == k && hit_order(&h, &hits[k - 1]) >= 0) return;
    int i = *n < k ? (*n)++ : k - 1;
    while (i > 0 && hit_order(&h, &hits[i - 1]) < 0) {
        hits[i] = hits[i - 1];
        i--;
    }
    hits[i] = h;
}

int vg_hnsw_rescore(vg_hnsw_vtab *vt, const float *q, vg_hnsw_hit *hits, int *n_hits, int k) {
    original_reader r;
    int rc = reader_open(&r, vt);
    /* an original kept beside its node in the shared store costs a distance; one read from the table
     * is kept there for the next queries */
    vg_hnsw_view_begin(vt->view);
    for (int i = 0; rc == SQLITE_OK && i < *n_hits; i++) {
        const float *kept = hits[i].slot != VG_HNSW_NO_SLOT ? vg_hnsw_view_original(vt->view, hits[i].slot) : NULL;
        if (kept) {
            hits[i].distance = vg_hnsw_distance(&vt->params, vt->kernels, q, kept);
            continue;
        }
        rc = original_distance(&r, q, hits[i].rowid, &hits[i].distance);
        if (rc == SQLITE_NOTFOUND) rc = missing(vt, hits[i].rowid);
        if (rc == SQLITE_OK && hits[i].slot != VG_HNSW_NO_SLOT)
            vg_hnsw_view_keep_original(vt->view, hits[i].slot, hits[i].rowid, r.scratch);
    }
    vg_hnsw_view_end(vt->view);
    reader_close(&r);
    if (rc != SQLITE_OK) return rc;
    qsort(hits, (size_t)*n_hits, sizeof *hits, hit_order);
    if (*n_hits > k) *n_hits = k;
    return SQLITE_OK;
}

int vg_hnsw_exact_originals(vg_hnsw_vtab *vt, const float *q, int k, const int64_t *ids, size_t n_ids,
                            vg_hnsw_hit *out, int *n_out) {
    original_reader r;
    int rc = reader_open(&r, vt);
    *n_out = 0;
    if (rc == SQLITE_OK && ids) {
        /* ids are distinct (the caller's filter, sorted and deduplicated) */
        for (size_t i = 0; rc == SQLITE_OK && i < n_ids; i++) {
            double d;
            rc = original_distance(&r, q, ids[i], &d);
            if (rc == SQLITE_OK) keep_best(out, n_out, k, ids[i], d);
            if (rc != SQLITE_NOTFOUND) continue;
            /* a rowid the index does not hold, or a live row without its original: damage */
            uint32_t slot;
            rc = vg_hnsw_rowid_slot(vt, ids[i], &slot);
            if (rc == SQLITE_OK && slot != VG_HNSW_NO_SLOT) rc = missing(vt, ids[i]);
        }
    } else if (rc == SQLITE_OK) {
        sqlite3_stmt *s = NULL;
        rc = vg_hnsw_prepare(vt, "SELECT id, vector FROM \"%w\".\"%w_vectors\"", &s);
        while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
            const float *v;
            sqlite3_int64 rowid = sqlite3_column_int64(s, 0);
            rc = original_of(vt, s, 1, rowid, &v);
            if (rc != SQLITE_OK) break;
            memcpy(r.scratch, v, 4 * (size_t)vt->params.dims); /* the BLOB need not be aligned */
            keep_best(out, n_out, k, rowid, vg_hnsw_distance(&vt->params, vt->kernels, q, r.scratch));
        }
        if (rc == SQLITE_DONE) rc = SQLITE_OK;
        else if (rc != SQLITE_OK && rc != SQLITE_CORRUPT_VTAB && rc != SQLITE_NOMEM) rc = vg_hnsw_sql_error(vt, rc);
        sqlite3_finalize(s);
    }
    reader_close(&r);
    return rc;
}

int vg_hnsw_result_original(vg_hnsw_vtab *vt, sqlite3_int64 rowid, sqlite3_context *ctx) {
    sqlite3_stmt *s = NULL;
    const float *v;
    int rc = original_read(vt, rowid, &s, &v);
    if (rc == SQLITE_OK) sqlite3_result_value(ctx, sqlite3_column_value(s, 0));
    else if (rc == SQLITE_NOTFOUND) rc = missing(vt, rowid);
    if (s) sqlite3_reset(s);
    return rc;
}

int vg_hnsw_result_stored(vg_hnsw_vtab *vt, const void *code, sqlite3_context *ctx) {
    size_t bytes = vt->layout.code_bytes;
    if (vt->params.storage == VG_ELEM_F32) {
        sqlite3_result_blob64(ctx, code, bytes, SQLITE_TRANSIENT);
        return SQLITE_OK;
    }
    unsigned char *out = sqlite3_malloc64(VG_COMPACT_HEADER_BYTES + bytes);
    if (!out) return SQLITE_NOMEM;
    vg_compact_write_header(vt->params.storage, (size_t)vt->params.dims, out);
    memcpy(out + VG_COMPACT_HEADER_BYTES, code, bytes);
    sqlite3_result_blob64(ctx, out, VG_COMPACT_HEADER_BYTES + bytes, sqlite3_free);
    return SQLITE_OK;
}
