/* hnsw_index's reads: nodes one row at a time for the engine (checked, as a database file is
 * untrusted input), the statement-start refresh that joins the shared store and replays the change
 * log into it, the flat copy for exact search (or, where it cannot be held, one pass over the rows),
 * writing dirty nodes back, and reading vectors given as SQL values. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vg_alloc.h"
#include "vg_hnsw_heap.h"
#include "vg_hnsw_registry.h"
#include "vg_compact.h"
#include "vg_hnsw_vtab.h"
#include "vg_vector.h"

static vg_hnsw_rc load_failed(vg_hnsw_vtab *vt, int rc) {
    vt->load_rc = rc;
    snprintf(vt->load_error, sizeof vt->load_error, "%s", sqlite3_errmsg(vt->db));
    return rc == SQLITE_NOMEM ? VG_HNSW_NOMEM : VG_HNSW_IOERR;
}

/* Checks a node row and makes its node: VG_HNSW_OK, NOMEM or CORRUPT (message in vt->load_error). */
static vg_hnsw_rc node_of_row(vg_hnsw_vtab *vt, uint32_t slot, sqlite3_value *data, vg_hnsw_node **out) {
    char err[VG_HNSW_ERR_LEN];
    vg_hnsw_blob b;
    *out = NULL;
    vg_hnsw_rc r = sqlite3_value_type(data) != SQLITE_BLOB
                       ? (snprintf(err, sizeof err, "not a BLOB"), VG_HNSW_CORRUPT)
                       : vg_hnsw_blob_parse(&vt->layout, sqlite3_value_blob(data), (size_t)sqlite3_value_bytes(data),
                                            slot, vg_hnsw_view_slots(vt->view), &b, err);
    if (r == VG_HNSW_OK)
        r = vg_hnsw_node_from_blob(&vt->layout, &b, slot, vt->params.metric == VG_HNSW_COSINE, vt->kernels, out, err);
    if (r == VG_HNSW_CORRUPT) snprintf(vt->load_error, sizeof vt->load_error, "node in slot %u: %s", slot, err);
    return r;
}

/* A slot without a node row: freed (a stand-in node), or the index is damaged. */
static vg_hnsw_rc missing(vg_hnsw_vtab *vt, uint32_t slot, vg_hnsw_node **out) {
    sqlite3_stmt *s;
    int rc = vg_hnsw_statement(vt, VG_HNSW_SQL_FREE_READ, &s);
    if (rc != SQLITE_OK) return load_failed(vt, rc);
    sqlite3_bind_int64(s, 1, slot);
    rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc == SQLITE_ROW) return (*out = vg_hnsw_node_freed(&vt->layout, slot)) ? VG_HNSW_OK : VG_HNSW_NOMEM;
    if (rc != SQLITE_DONE) return load_failed(vt, sqlite3_errcode(vt->db));
    snprintf(vt->load_error, sizeof vt->load_error, "the node in slot %u is missing", slot);
    return VG_HNSW_CORRUPT;
}

static vg_hnsw_rc load(void *ctx, uint32_t slot, vg_hnsw_node **out) {
    vg_hnsw_vtab *vt = ctx;
    sqlite3_stmt *s;
    int rc = vg_hnsw_statement(vt, VG_HNSW_SQL_NODE_READ, &s);
    if (rc != SQLITE_OK) return load_failed(vt, rc);
    sqlite3_bind_int64(s, 1, slot);
    rc = sqlite3_step(s);
    vg_hnsw_rc r;
    if (rc == SQLITE_ROW) {
        r = node_of_row(vt, slot, sqlite3_column_value(s, 0), out);
    } else if (rc == SQLITE_DONE) {
        r = missing(vt, slot, out);
    } else {
        r = load_failed(vt, sqlite3_errcode(vt->db));
    }
    sqlite3_reset(s);
    return r;
}

vg_hnsw_source vg_hnsw_table_source(vg_hnsw_vtab *vt) {
    return (vg_hnsw_source){vt, load};
}

/* A change log BLOB of little-endian uint32 slots into a list (NULL list: every slot). 0, or -1
 * when out of memory. A BLOB that is not a whole number of slots counts as every slot. */
static int slot_list(sqlite3_value *v, uint32_t **out, size_t *n, int *all) {
    *out = NULL;
    *n = 0;
    size_t bytes = (size_t)sqlite3_value_bytes(v);
    const unsigned char *p = sqlite3_value_blob(v);
    *all = sqlite3_value_type(v) != SQLITE_BLOB || bytes % 4 != 0;
    if (*all || bytes == 0) return 0;
    if (!(*out = vg_malloc(bytes))) return -1;
    for (size_t i = 0; i < bytes / 4; i++)
        (*out)[i] = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 | (uint32_t)p[4 * i + 2] << 16 |
                    (uint32_t)p[4 * i + 3] << 24;
    *n = bytes / 4;
    return 0;
}

/* Brings the store from generation from to to with the change log; where an entry is missing (the
 * log keeps the last VG_HNSW_CHANGES_KEPT), the store drops everything. */
static int catch_up(vg_hnsw_vtab *vt, int64_t from, int64_t to) {
    sqlite3_stmt *s;
    int rc = vg_hnsw_statement(vt, VG_HNSW_SQL_CHANGES_READ, &s);
    if (rc != SQLITE_OK) return rc;
    sqlite3_bind_int64(s, 1, from);
    sqlite3_bind_int64(s, 2, to);
    int64_t next = from + 1;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t gen = sqlite3_column_int64(s, 0);
        if (gen != next) break;
        vg_hnsw_delta d;
        uint32_t *slots = NULL, *content = NULL;
        if (slot_list(sqlite3_column_value(s, 1), &slots, &d.n, &d.all) != 0 ||
            slot_list(sqlite3_column_value(s, 2), &content, &d.n_content, &d.all_content) != 0) {
            vg_free(slots);
            sqlite3_reset(s);
            return SQLITE_NOMEM;
        }
        d.slots = slots;
        d.content = content;
        vg_hnsw_rc r = vg_hnsw_store_apply(vt->store, gen, &d);
        vg_free(slots);
        vg_free(content);
        if (r != VG_HNSW_OK) break;
        next++;
    }
    int sql_rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : vg_hnsw_sql_error(vt, rc);
    sqlite3_reset(s);
    if (sql_rc == SQLITE_OK && next <= to) {
        vg_hnsw_delta all = {NULL, 0, 1, NULL, 0, 1};
        vg_hnsw_store_apply(vt->store, to, &all);
    }
    return sql_rc;
}

/* The view, made on first use: it needs _config's id to find the store it shares. */
static int attach(vg_hnsw_vtab *vt, const vg_hnsw_state *st) {
    const char *file = sqlite3_db_filename(vt->db, vt->schema);
    vt->store = vg_hnsw_registry_acquire(file ? file : "", st->id, &vt->params, st->generation);
    if (!vt->store) return SQLITE_NOMEM;
    vt->view = vg_hnsw_view_new(&vt->params, vt->kernels, vt->store, vg_hnsw_table_source(vt));
    if (!vt->view) {
        vg_hnsw_registry_release(vt->store);
        vt->store = NULL;
        return SQLITE_NOMEM;
    }
    return SQLITE_OK;
}

/* The data versions now; not valid where they cannot vouch for the tables: before 3.26.0 (no
 * SQLITE_FCNTL_DATA_VERSION), in this connection's write transaction, and in any explicit transaction,
 * whose uncommitted changes (to the shadow tables' schema, say) move no data version. */
static void seen_now(vg_hnsw_vtab *vt, vg_hnsw_seen *now) {
    memset(now, 0, sizeof *now);
    if (VG_RUNNING_SQLITE() < 3026000 || vt->in_txn || !sqlite3_get_autocommit(vt->db)) return;
    if (sqlite3_file_control(vt->db, vt->schema, SQLITE_FCNTL_DATA_VERSION, &now->own) != SQLITE_OK) return;
    now->temp_open = sqlite3_file_control(vt->db, "temp", SQLITE_FCNTL_DATA_VERSION, &now->temp) == SQLITE_OK;
    now->valid = 1;
}

static int same_seen(const vg_hnsw_seen *a, const vg_hnsw_seen *b) {
    return a->valid && b->valid && a->own == b->own && a->temp_open == b->temp_open &&
           (!a->temp_open || a->temp == b->temp);
}

int vg_hnsw_refresh(vg_hnsw_vtab *vt) {
    if (vt->broken)
        return vg_hnsw_error(vt, SQLITE_ABORT, "%s: writing the index failed earlier in this transaction: roll it back",
                             vt->name);
    vg_hnsw_seen now;
    seen_now(vt, &now);
    if (vt->view && same_seen(&now, &vt->seen)) return SQLITE_OK;
    vt->seen.valid = 0;
    int rc = vg_hnsw_shadow_check(vt);
    if (rc != SQLITE_OK || (vt->in_txn && !vt->stale)) return rc;
    vg_hnsw_state st;
    rc = vg_hnsw_config_read(vt, &st);
    if (rc == SQLITE_OK && !vt->view) rc = attach(vt, &st);
    if (rc != SQLITE_OK) return rc;
    uint32_t entry = st.entry < 0 ? VG_HNSW_NO_SLOT : (uint32_t)st.entry;
    if (vt->in_txn) {
        /* after ROLLBACK TO: the tables say where the transaction stands */
        int64_t base = vg_hnsw_view_generation(vt->view);
        vt->bumped = st.generation != base;
        vg_hnsw_view_snapshot(vt->view, base, (uint32_t)st.slots, entry);
        vt->state = st;
        vt->stale = 0;
        return SQLITE_OK;
    }
    if (st.generation > vg_hnsw_store_generation(vt->store)) {
        rc = catch_up(vt, vg_hnsw_store_generation(vt->store), st.generation);
        if (rc != SQLITE_OK) return rc;
    }
    vg_hnsw_view_snapshot(vt->view, st.generation, (uint32_t)st.slots, entry);
    vt->state = st;
    vt->seen = now;
    return SQLITE_OK;
}

/* Visits every node row in slot order: visit(ctx, slot, node) for each. Slots without a row are
 * freed ones; the rows must be slots below the slot count, slots - free of them. */
typedef int (*row_visitor)(void *ctx, uint32_t slot, vg_hnsw_node *node);

static int each_row(vg_hnsw_vtab *vt, row_visitor visit, void *ctx) {
    sqlite3_stmt *s;
    int rc = vg_hnsw_prepare(vt, "SELECT slot, data FROM \"%w\".\"%w_nodes\" ORDER BY slot", &s);
    if (rc != SQLITE_OK) return rc;
    uint32_t slots = vg_hnsw_view_slots(vt->view), rows = 0;
    int64_t last = -1;
    int step_rc = SQLITE_DONE;
    while (rc == SQLITE_OK && (step_rc = sqlite3_step(s)) == SQLITE_ROW) {
        sqlite3_int64 slot = sqlite3_column_int64(s, 0);
        if (slot <= last || slot >= (sqlite3_int64)slots) {
            snprintf(vt->load_error, sizeof vt->load_error, "a node row in slot %lld, of %u slots", (long long)slot, slots);
            rc = vg_hnsw_engine_error(vt, VG_HNSW_CORRUPT);
            break;
        }
        last = slot;
        rows++;
        vg_hnsw_node *node;
        vg_hnsw_rc r = node_of_row(vt, (uint32_t)slot, sqlite3_column_value(s, 1), &node);
        rc = r != VG_HNSW_OK ? vg_hnsw_engine_error(vt, r) : visit(ctx, (uint32_t)slot, node);
    }
    if (rc == SQLITE_OK && step_rc != SQLITE_DONE) rc = vg_hnsw_sql_error(vt, step_rc);
    sqlite3_finalize(s);
    if (rc == SQLITE_OK && (int64_t)rows != (int64_t)slots - vt->state.free) {
        snprintf(vt->load_error, sizeof vt->load_error, "%u node rows for %u slots, %lld of them free", rows, slots,
                 (long long)vt->state.free);
        rc = vg_hnsw_engine_error(vt, VG_HNSW_CORRUPT);
    }
    return rc;
}

static int fill_flat(void *ctx, uint32_t slot, vg_hnsw_node *node) {
    vg_hnsw_flat_set(ctx, slot, node);
    vg_hnsw_node_free(node);
    return SQLITE_OK;
}

int vg_hnsw_flat_get(vg_hnsw_vtab *vt, const vg_hnsw_flat **flat, uint32_t **skip, size_t *n_skip) {
    vg_hnsw_rc r;
    *flat = vg_hnsw_view_flat(vt->view, skip, n_skip, &r);
    if (*flat || r != VG_HNSW_OK) return vg_hnsw_engine_error(vt, r);
    uint32_t slots = vg_hnsw_view_slots(vt->view);
    vg_hnsw_store_stats stats;
    vg_hnsw_store_stats_get(vt->store, &stats);
    /* a writer reads its own rows, which are not what the store may keep */
    if (vt->in_txn || vg_hnsw_flat_bytes(slots, &vt->params) > stats.budget / 2 ||
        stats.generation != vg_hnsw_view_generation(vt->view))
        return SQLITE_OK;
    vg_hnsw_flat *f = vg_hnsw_flat_new(&vt->params, slots, vg_hnsw_view_generation(vt->view));
    if (!f) return SQLITE_NOMEM;
    int rc = each_row(vt, fill_flat, f);
    if (rc == SQLITE_OK && vg_hnsw_flat_finish(f) != VG_HNSW_OK) rc = SQLITE_NOMEM;
    if (rc != SQLITE_OK || !vg_hnsw_store_put_flat(vt->store, f)) vg_hnsw_flat_free(f);
    if (rc != SQLITE_OK) return rc;
    *flat = vg_hnsw_view_flat(vt->view, skip, n_skip, &r);
    return vg_hnsw_engine_error(vt, r);
}

typedef struct exact_pass {
    vg_hnsw_vtab *vt;
    vg_hnsw_probe q;
    int k;
    const unsigned char *allowed; /* by slot, or NULL */
    vg_hnsw_heap res;             /* max-heap of the k best */
    int64_t *rowid;               /* by slot, of the kept ones */
} exact_pass;

static int offer_row(void *ctx, uint32_t slot, vg_hnsw_node *node) {
    exact_pass *e = ctx;
    int rc = SQLITE_OK;
    if (!(node->flags & VG_HNSW_NODE_TOMBSTONE) && (!e->allowed || e->allowed[slot])) {
        double d = vg_hnsw_probe_distance(e->vt->view, &e->q, node);
        if (e->res.count < (size_t)e->k || d < e->res.items[0].d) {
            if (vg_hnsw_heap_push(&e->res, d, slot) != 0) rc = SQLITE_NOMEM;
            else if (e->res.count > (size_t)e->k) vg_hnsw_heap_pop(&e->res);
            e->rowid[slot] = node->rowid;
        }
    }
    vg_hnsw_node_free(node);
    return rc;
}

int vg_hnsw_exact_scan(vg_hnsw_vtab *vt, const float *q, int k, const uint32_t *slots, size_t n_slots,
                       vg_hnsw_hit *out, int *n_out) {
    uint32_t n = vg_hnsw_view_slots(vt->view);
    exact_pass e = {vt, {0}, k, NULL, {NULL, 0, 0, 1}, NULL};
    unsigned char *allowed = NULL;
    *n_out = 0;
    int rc = vg_hnsw_flush(vt);
    vg_hnsw_probe_query(vt->view, q, &e.q);
    if (rc == SQLITE_OK && slots) {
        if (!(allowed = vg_calloc(n ? n : 1, 1))) rc = SQLITE_NOMEM;
        for (size_t i = 0; allowed && i < n_slots; i++)
            if (slots[i] < n) allowed[slots[i]] = 1;
        e.allowed = allowed;
    }
    if (rc == SQLITE_OK && !(e.rowid = vg_malloc((n ? n : 1) * sizeof *e.rowid))) rc = SQLITE_NOMEM;
    if (rc == SQLITE_OK) rc = each_row(vt, offer_row, &e);
    if (rc == SQLITE_OK) {
        vg_hnsw_heap_sort_items(&e.res);
        for (size_t i = 0; i < e.res.count; i++)
            out[i] = (vg_hnsw_hit){e.rowid[e.res.items[i].slot], e.res.items[i].d, e.res.items[i].slot};
        *n_out = (int)e.res.count;
    }
    vg_hnsw_heap_free(&e.res);
    vg_free(e.rowid);
    vg_free(allowed);
    return rc;
}

static int flush(vg_hnsw_vtab *vt) {
    /* after a ROLLBACK TO, the view takes slots and entry from the tables before writing them back */
    if (vt->stale) {
        int rc = vg_hnsw_refresh(vt);
        if (rc != SQLITE_OK) return rc;
    }
    uint32_t *dirty;
    size_t n = vg_hnsw_view_dirty(vt->view, &dirty);
    if (n == (size_t)-1) return SQLITE_NOMEM;
    sqlite3_stmt *s;
    int rc = vg_hnsw_statement(vt, VG_HNSW_SQL_NODE_WRITE, &s);
    unsigned char *buf = NULL;
    size_t cap = 0;
    for (size_t i = 0; rc == SQLITE_OK && i < n; i++) {
        const vg_hnsw_node *node = vg_hnsw_view_node(vt->view, dirty[i]);
        if (!node) {
            rc = vg_hnsw_engine_error(vt, vg_hnsw_view_error(vt->view));
            break;
        }
        size_t len = vg_hnsw_node_blob_size(&vt->layout, node);
        if (len > cap) {
            vg_free(buf);
            cap = len;
            if (!(buf = vg_malloc(cap))) {
                rc = SQLITE_NOMEM;
                break;
            }
        }
        vg_hnsw_node_encode(&vt->layout, node, buf);
        sqlite3_bind_int64(s, 1, dirty[i]);
        sqlite3_bind_blob(s, 2, buf, (int)len, SQLITE_STATIC);
        rc = vg_hnsw_run(vt, s);
    }
    vg_free(buf);
    vg_free(dirty);
    uint32_t entry = vg_hnsw_view_entry(vt->view);
    if (rc == SQLITE_OK) rc = vg_hnsw_config_write(vt, "slots", vg_hnsw_view_slots(vt->view), 0);
    if (rc == SQLITE_OK) rc = vg_hnsw_config_write(vt, "entry", entry, entry == VG_HNSW_NO_SLOT);
    static const char *const keys[] = {"live", "free", "cycle", "cursor"};
    const int64_t values[] = {vt->state.live, vt->state.free, vt->state.cycle, vt->state.cursor};
    for (int i = 0; rc == SQLITE_OK && i < 4; i++) rc = vg_hnsw_config_write(vt, keys[i], values[i], 0);
    if (rc == SQLITE_OK) {
        vg_hnsw_view_clean(vt->view);
    } else if (vt->in_txn) {
        /* some rows were written, others not: only a rollback can make the tables whole again (unless
         * SQLite already rolled the transaction back, an interrupt of one of these statements does) */
        vt->broken = 1;
    }
    return rc;
}

int vg_hnsw_flush(vg_hnsw_vtab *vt) {
    if (!vt->in_txn || !vt->view) return SQLITE_OK;
    vg_hnsw_enter(vt); /* it walks the view's changed nodes while it writes them */
    return vg_hnsw_leave(vt, flush(vt));
}

int vg_hnsw_read_vector(vg_hnsw_vtab *vt, sqlite3_value *value, const char *what, float **out) {
    char err[VG_ERR_LEN];
    size_t dims = 0;
    *out = NULL;
    int type = sqlite3_value_type(value);
    if (type == SQLITE_NULL) return vg_hnsw_error(vt, SQLITE_ERROR, "%s: %s is NULL", vt->name, what);
    if (type != SQLITE_BLOB && type != SQLITE_TEXT)
        return vg_hnsw_error(vt, SQLITE_ERROR, "%s: %s: expected a vector BLOB or a JSON array text, got a number",
                             vt->name, what);
    const void *p = type == SQLITE_BLOB ? sqlite3_value_blob(value) : (const void *)sqlite3_value_text(value);
    size_t n = (size_t)sqlite3_value_bytes(value);
    /* a BLOB is float32 or a typed compact vector (vg_compact.h), read as its float32 values */
    vg_elem t = VG_ELEM_F32;
    const unsigned char *body = NULL;
    int bad = type == SQLITE_BLOB ? vg_compact_parse(p, n, &t, &dims, &body, err) : vg_json_parse(p, n, NULL, 0, &dims, err);
    if (!bad && type == SQLITE_BLOB) bad = t == VG_ELEM_F32 ? vg_blob_decode(p, n, NULL, err) : vg_compact_check(t, body, dims, err);
    if (bad == VG_NOMEM) return SQLITE_NOMEM;
    if (bad) return vg_hnsw_error(vt, SQLITE_ERROR, "%s: %s: %s", vt->name, what, err);
    if (dims != (size_t)vt->params.dims)
        return vg_hnsw_error(vt, SQLITE_ERROR, "%s: %s has %lld dimensions, the index has %d", vt->name, what,
                             (long long)dims, vt->params.dims);
    float *v = sqlite3_malloc64(dims * sizeof(float));
    if (!v) return SQLITE_NOMEM;
    bad = 0;
    if (type == SQLITE_TEXT) bad = vg_json_parse(p, n, v, dims, &dims, err);
    else if (t == VG_ELEM_F32) bad = vg_blob_decode(p, n, v, err);
    else vg_compact_decode(t, body, dims, v);
    if (bad) {
        sqlite3_free(v);
        return bad == VG_NOMEM ? SQLITE_NOMEM : vg_hnsw_error(vt, SQLITE_ERROR, "%s: %s: %s", vt->name, what, err);
    }
    if (vt->params.metric == VG_HNSW_COSINE) {
        int zero = 1;
        for (size_t i = 0; i < dims && zero; i++) zero = v[i] == 0.0f;
        if (zero) {
            sqlite3_free(v);
            return vg_hnsw_error(vt, SQLITE_ERROR, "%s: %s is a zero vector, which has no direction (metric cosine)",
                                 vt->name, what);
        }
    }
    *out = v;
    return SQLITE_OK;
}
