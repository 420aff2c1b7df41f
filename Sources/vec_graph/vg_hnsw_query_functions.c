/* hnsw_index's query side: xBestIndex picks one of four plans, the cursor runs it.
 *   KNN    vector MATCH :q with k = N (or, where SQLite passes it, ORDER BY distance LIMIT N), optional
 *          ef_search = N, allowed = <rowid list>, rowid IN (...) (SQLite >= 3.38), exact = 1 (the true
 *          top k by reading every vector): results computed in xFilter, ascending by distance.
 *   POINT  rowid = ?, read from {name}_rowids and {name}_nodes.
 *   SCAN   every row by rowid, read from {name}_rowids and {name}_nodes; distance is NULL.
 *   MISUSE k, ef_search or allowed without MATCH: xFilter says so (the plan is priced out of reach
 *          whenever a usable MATCH exists). */
#include <stdlib.h>
#include <string.h>

#include "vg_alloc.h"
#include "vg_hnsw_vtab.h"

#ifndef SQLITE_INDEX_CONSTRAINT_LIMIT
#define SQLITE_INDEX_CONSTRAINT_LIMIT 73
#define SQLITE_INDEX_CONSTRAINT_OFFSET 74
#endif

enum { PLAN_SCAN, PLAN_POINT, PLAN_KNN, PLAN_MISUSE, PLAN_MASK = 3 };
/* KNN plan flags: which arguments xFilter gets, in this order after the query vector. */
enum {
    HAS_K = 1 << 2,
    HAS_EF = 1 << 3,
    HAS_ALLOWED = 1 << 4,
    HAS_ROWID = 1 << 5,
    ROWID_IN = 1 << 6,   /* the rowid argument is an IN list handed over whole (sqlite3_vtab_in) */
    ROWID_OLD = 1 << 7,  /* a rowid filter on a SQLite without sqlite3_vtab_in: refuse it */
    HAS_LIMIT = 1 << 8,
    HAS_OFFSET = 1 << 9,
    HAS_EXACT = 1 << 10,
};

/* SQLite from which sqlite3_vtab_in exists. */
#define VG_SQLITE_VTAB_IN 3038000
/* SQLite from which ORDER BY distance LIMIT n reaches xBestIndex for a MATCH query: 3.38 to 3.40
 * pass LIMIT only when every WHERE term's left side is a column of the table, which MATCH is not. */
#define VG_SQLITE_MATCH_LIMIT 3041000

typedef struct hnsw_cursor {
    sqlite3_vtab_cursor base;
    int plan;
    sqlite3_stmt *stmt; /* SCAN and POINT */
    int stmt_row;       /* stmt is on a row */
    vg_hnsw_hit *hits;  /* KNN */
    int n_hits, pos, k, ef, exact;
    sqlite3_value *allowed; /* the allowed argument as given, returned by the hidden column */
} hnsw_cursor;

int vg_hnsw_best_index(sqlite3_vtab *tab, sqlite3_index_info *info) {
    (void)tab;
    int match = -1, k = -1, ef = -1, allowed = -1, exact = -1, rowid = -1, limit = -1, offset = -1;
    for (int i = 0; i < info->nConstraint; i++) {
        const struct sqlite3_index_constraint *c = &info->aConstraint[i];
        if (!c->usable) continue;
        int op = c->op, col = c->iColumn;
        if (op == SQLITE_INDEX_CONSTRAINT_MATCH && col == VG_HNSW_COL_VECTOR && match < 0) match = i;
        else if (op == SQLITE_INDEX_CONSTRAINT_EQ && col == VG_HNSW_COL_K && k < 0) k = i;
        else if (op == SQLITE_INDEX_CONSTRAINT_EQ && col == VG_HNSW_COL_EF && ef < 0) ef = i;
        else if (op == SQLITE_INDEX_CONSTRAINT_EQ && col == VG_HNSW_COL_ALLOWED && allowed < 0) allowed = i;
        else if (op == SQLITE_INDEX_CONSTRAINT_EQ && col == VG_HNSW_COL_EXACT && exact < 0) exact = i;
        else if (op == SQLITE_INDEX_CONSTRAINT_EQ && col == -1 && rowid < 0) rowid = i;
        else if (op == SQLITE_INDEX_CONSTRAINT_LIMIT && limit < 0) limit = i;
        else if (op == SQLITE_INDEX_CONSTRAINT_OFFSET && offset < 0) offset = i;
    }
    if (match >= 0) {
        int plan = PLAN_KNN, argv = 1;
        info->aConstraintUsage[match].argvIndex = argv++;
        info->aConstraintUsage[match].omit = 1;
        const struct {
            int constraint, flag, omit;
        } args[] = {{k, HAS_K, 1},           {ef, HAS_EF, 1},         {allowed, HAS_ALLOWED, 1},
                    {exact, HAS_EXACT, 1},   {rowid, HAS_ROWID, 1},   {limit, HAS_LIMIT, 0},
                    {offset, HAS_OFFSET, 0}};
        for (size_t i = 0; i < sizeof args / sizeof args[0]; i++) {
            if (args[i].constraint < 0) continue;
            info->aConstraintUsage[args[i].constraint].argvIndex = argv++;
            info->aConstraintUsage[args[i].constraint].omit = (unsigned char)args[i].omit;
            plan |= args[i].flag;
        }
        if (rowid >= 0) {
#if SQLITE_VERSION_NUMBER >= VG_SQLITE_VTAB_IN
            if (VG_RUNNING_SQLITE() >= VG_SQLITE_VTAB_IN) {
                if (sqlite3_vtab_in(info, rowid, -1)) {
                    sqlite3_vtab_in(info, rowid, 1);
                    plan |= ROWID_IN;
                }
            } else {
                plan |= ROWID_OLD;
            }
#else
            plan |= ROWID_OLD;
#endif
        }
        if (info->nOrderBy == 1 && info->aOrderBy[0].iColumn == VG_HNSW_COL_DISTANCE && !info->aOrderBy[0].desc)
            info->orderByConsumed = 1;
        info->idxNum = plan;
        info->estimatedCost = 10.0;
        info->estimatedRows = 10;
    } else if (k >= 0 || ef >= 0 || allowed >= 0 || exact >= 0) {
        info->idxNum = PLAN_MISUSE;
        info->estimatedCost = 1e15;
    } else if (rowid >= 0) {
        info->aConstraintUsage[rowid].argvIndex = 1;
        info->aConstraintUsage[rowid].omit = 1;
        info->idxNum = PLAN_POINT;
        info->idxFlags = SQLITE_INDEX_SCAN_UNIQUE;
        info->estimatedCost = 1.0;
        info->estimatedRows = 1;
    } else {
        info->idxNum = PLAN_SCAN;
        if (info->nOrderBy == 1 && info->aOrderBy[0].iColumn == -1 && !info->aOrderBy[0].desc) info->orderByConsumed = 1;
        info->estimatedCost = 1e6;
        info->estimatedRows = 1000000;
    }
    return SQLITE_OK;
}

int vg_hnsw_open(sqlite3_vtab *tab, sqlite3_vtab_cursor **out) {
    (void)tab;
    hnsw_cursor *c = sqlite3_malloc(sizeof *c);
    if (!c) return SQLITE_NOMEM;
    memset(c, 0, sizeof *c);
    *out = &c->base;
    return SQLITE_OK;
}

static void reset(hnsw_cursor *c) {
    sqlite3_finalize(c->stmt);
    sqlite3_free(c->hits);
    sqlite3_value_free(c->allowed);
    c->stmt = NULL;
    c->hits = NULL;
    c->allowed = NULL;
    c->stmt_row = c->n_hits = c->pos = 0;
}

int vg_hnsw_close(sqlite3_vtab_cursor *cur) {
    hnsw_cursor *c = (hnsw_cursor *)cur;
    reset(c);
    sqlite3_free(c);
    return SQLITE_OK;
}

static vg_hnsw_vtab *table_of(hnsw_cursor *c) {
    return (vg_hnsw_vtab *)c->base.pVtab;
}

/* The next row of a POINT or SCAN statement (id, stored vector, slot, typeof and length of the node
 * data, which SQLite answers without reading the BLOB; with rescore, the original): a rowid whose slot has
 * no node row, or a node row too short for its vector, is damage, never a row left out. */
static int step(hnsw_cursor *c) {
    vg_hnsw_vtab *vt = table_of(c);
    int rc = sqlite3_step(c->stmt);
    c->stmt_row = rc == SQLITE_ROW;
    if (rc == SQLITE_DONE) return SQLITE_OK;
    if (rc != SQLITE_ROW) return vg_hnsw_error(vt, rc, "%s: %s", vt->name, sqlite3_errmsg(vt->db));
    sqlite3_int64 id = sqlite3_column_int64(c->stmt, 0), slot = sqlite3_column_int64(c->stmt, 2);
    const char *kind = (const char *)sqlite3_column_text(c->stmt, 3);
    /* a column accessor that ran out of memory answers NULL or 0 and says so in the error code */
    if (!kind && sqlite3_errcode(vt->db) == SQLITE_NOMEM) return SQLITE_NOMEM;
    if (!kind || strcmp(kind, "null") == 0 || sqlite3_column_type(c->stmt, 2) != SQLITE_INTEGER)
        return vg_hnsw_error(vt, SQLITE_CORRUPT_VTAB, "%s is damaged: %s_rowids maps rowid %lld to no slot", vt->name,
                             vt->name, (long long)id);
    if (strcmp(kind, "blob") != 0 || sqlite3_column_int64(c->stmt, 4) < 12 + (sqlite3_int64)vt->layout.code_bytes)
        return vg_hnsw_error(vt, SQLITE_CORRUPT_VTAB, "%s is damaged: node in slot %lld: not a BLOB holding a vector",
                             vt->name, (long long)slot);
    if (vt->params.rescore && (sqlite3_column_type(c->stmt, 5) != SQLITE_BLOB ||
                               sqlite3_column_bytes(c->stmt, 5) != 4 * vt->params.dims))
        return vg_hnsw_error(vt, SQLITE_CORRUPT_VTAB, "%s is damaged: %s_vectors: the original of rowid %lld is not %d float32 values",
                             vt->name, vt->name, (long long)id, vt->params.dims);
    return SQLITE_OK;
}

/* A growing array of rowids. */
typedef struct id_list {
    int64_t *ids;
    size_t n, cap;
} id_list;

static int id_push(id_list *l, int64_t id) {
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 64;
        int64_t *p = sqlite3_realloc64(l->ids, cap * sizeof *p);
        if (!p) return SQLITE_NOMEM;
        l->ids = p;
        l->cap = cap;
    }
    l->ids[l->n++] = id;
    return SQLITE_OK;
}

/* The allowed column's value: NULL (nothing allowed), an integer, text of comma-separated integers
 * (group_concat's output; surrounding [ ] accepted, so a JSON array works too) or a BLOB of
 * little-endian int64. */
static int parse_allowed(vg_hnsw_vtab *vt, sqlite3_value *value, id_list *out) {
    switch (sqlite3_value_type(value)) {
    case SQLITE_NULL:
        return SQLITE_OK;
    case SQLITE_INTEGER:
        return id_push(out, sqlite3_value_int64(value));
    case SQLITE_BLOB: {
        const unsigned char *p = sqlite3_value_blob(value);
        size_t n = (size_t)sqlite3_value_bytes(value);
        if (n % 8)
            return vg_hnsw_error(vt, SQLITE_ERROR, "%s: allowed: a BLOB of int64 rowids needs a length divisible by 8, got %lld",
                                 vt->name, (long long)n);
        for (size_t i = 0; i < n; i += 8) {
            uint64_t u = 0;
            for (int b = 7; b >= 0; b--) u = u << 8 | p[i + (size_t)b];
            if (id_push(out, (int64_t)u) != SQLITE_OK) return SQLITE_NOMEM;
        }
        return SQLITE_OK;
    }
    case SQLITE_TEXT: {
        const char *z = (const char *)sqlite3_value_text(value), *start = z;
        if (!z) return SQLITE_NOMEM;
        while (*z == ' ') z++;
        int bracket = *z == '[';
        if (bracket) z++;
        for (;;) {
            while (*z == ' ' || *z == '\n' || *z == '\t') z++;
            if (!*z || (bracket && *z == ']')) break;
            char *end;
            long long id = strtoll(z, &end, 10);
            if (end == z)
                return vg_hnsw_error(vt, SQLITE_ERROR, "%s: allowed: expected an integer rowid at offset %d",
                                     vt->name, (int)(z - start));
            if (id_push(out, id) != SQLITE_OK) return SQLITE_NOMEM;
            z = end;
            while (*z == ' ') z++;
            if (*z == ',') z++;
            else if (*z && !(bracket && *z == ']'))
                return vg_hnsw_error(vt, SQLITE_ERROR, "%s: allowed: expected ',' at offset %d", vt->name,
                                     (int)(z - start));
        }
        return SQLITE_OK;
    }
    default:
        return vg_hnsw_error(vt, SQLITE_ERROR, "%s: allowed: expected rowids as text, an integer or a BLOB of int64",
                             vt->name);
    }
}

static int compare_ids(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* The rowid filter's values: one rowid, or every value of an IN list handed over whole. */
static int parse_rowid_filter(vg_hnsw_vtab *vt, sqlite3_value *value, int is_in, id_list *out) {
    if (!is_in) return sqlite3_value_type(value) == SQLITE_INTEGER ? id_push(out, sqlite3_value_int64(value)) : SQLITE_OK;
#if SQLITE_VERSION_NUMBER >= VG_SQLITE_VTAB_IN
    sqlite3_value *v;
    int rc;
    for (rc = sqlite3_vtab_in_first(value, &v); rc == SQLITE_OK && v; rc = sqlite3_vtab_in_next(value, &v))
        if (sqlite3_value_type(v) == SQLITE_INTEGER && id_push(out, sqlite3_value_int64(v)) != SQLITE_OK) return SQLITE_NOMEM;
    return rc == SQLITE_DONE || rc == SQLITE_OK ? SQLITE_OK : vg_hnsw_error(vt, rc, "%s: reading the rowid IN list", vt->name);
#else
    (void)vt;
    return SQLITE_OK;
#endif
}

/* Sorts the ids and drops repeats. */
static void distinct(id_list *l) {
    qsort(l->ids, l->n, sizeof *l->ids, compare_ids);
    size_t j = 0;
    for (size_t i = 0; i < l->n; i++)
        if (j == 0 || l->ids[j - 1] != l->ids[i]) l->ids[j++] = l->ids[i];
    l->n = j;
}

/* Keeps the ids of a that are also in b. */
static void intersect(id_list *a, id_list *b) {
    qsort(b->ids, b->n, sizeof *b->ids, compare_ids);
    size_t j = 0;
    for (size_t i = 0; i < a->n; i++)
        if (bsearch(&a->ids[i], b->ids, b->n, sizeof *b->ids, compare_ids)) a->ids[j++] = a->ids[i];
    a->n = j;
}

/* An integer argument in [1, VG_HNSW_MAX_K]. */
static int read_count(vg_hnsw_vtab *vt, sqlite3_value *value, const char *what, int *out) {
    sqlite3_int64 v = sqlite3_value_int64(value);
    if (sqlite3_value_type(value) != SQLITE_INTEGER || v < 1 || v > VG_HNSW_MAX_K)
        return vg_hnsw_error(vt, SQLITE_ERROR, "%s: %s must be an integer from 1 to %d", vt->name, what, VG_HNSW_MAX_K);
    *out = (int)v;
    return SQLITE_OK;
}

static int no_k_error(vg_hnsw_vtab *vt) {
    if (VG_RUNNING_SQLITE() >= VG_SQLITE_MATCH_LIMIT)
        return vg_hnsw_error(vt, SQLITE_ERROR,
                             "%s: a KNN query (vector MATCH ...) needs a number of neighbours: add AND k = 10, or "
                             "ORDER BY distance LIMIT 10 with no other WHERE terms",
                             vt->name);
    return vg_hnsw_error(vt, SQLITE_ERROR,
                         "%s: a KNN query (vector MATCH ...) needs a number of neighbours: add AND k = 10 (SQLite %s "
                         "does not pass LIMIT to a MATCH query; 3.41.0 and newer do)",
                         vt->name, sqlite3_libversion());
}

/* The exact argument: 0 or 1. */
static int read_flag(vg_hnsw_vtab *vt, sqlite3_value *value, int *out) {
    sqlite3_int64 v = sqlite3_value_int64(value);
    if (sqlite3_value_type(value) != SQLITE_INTEGER || (v != 0 && v != 1))
        return vg_hnsw_error(vt, SQLITE_ERROR, "%s: exact must be 0 or 1", vt->name);
    *out = (int)v;
    return SQLITE_OK;
}

static int in_sorted(const uint32_t *list, size_t n, uint32_t slot) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (list[mid] < slot) lo = mid + 1;
        else hi = mid;
    }
    return lo < n && list[lo] == slot;
}

static int compare_slots(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* The distinct slots of the allowed rowids that the index holds: from the flat copy's map where it
 * answers for the slot, else from {name}_rowids. */
static int map_rowids(vg_hnsw_vtab *vt, const id_list *ids, const vg_hnsw_flat *flat, const uint32_t *skip,
                      size_t n_skip, uint32_t **out, size_t *n_out) {
    uint32_t *slots = vg_malloc((ids->n ? ids->n : 1) * sizeof *slots);
    size_t n = 0;
    int rc = slots ? SQLITE_OK : SQLITE_NOMEM;
    for (size_t i = 0; rc == SQLITE_OK && i < ids->n; i++) {
        uint32_t s = flat ? vg_hnsw_flat_find(flat, ids->ids[i]) : VG_HNSW_NO_SLOT;
        int ask = !flat || (s == VG_HNSW_NO_SLOT ? n_skip > 0 : in_sorted(skip, n_skip, s));
        if (ask) rc = vg_hnsw_rowid_slot(vt, ids->ids[i], &s);
        if (rc == SQLITE_OK && s != VG_HNSW_NO_SLOT) slots[n++] = s;
    }
    if (rc == SQLITE_OK) {
        qsort(slots, n, sizeof *slots, compare_slots);
        size_t j = 0;
        for (size_t i = 0; i < n; i++)
            if (j == 0 || slots[j - 1] != slots[i]) slots[j++] = slots[i];
        n = j;
    }
    if (rc != SQLITE_OK) {
        vg_free(slots);
        slots = NULL;
        n = 0;
    }
    *out = slots;
    *n_out = n;
    return rc;
}

/* Allowed sets from this size on use the flat copy's rowid map (building it when there is room). */
#define FLAT_MAP_FROM 64

/* Runs the search: exact or approximate, over the allowed rows or all. */
static int run_search(hnsw_cursor *c, const float *q, const id_list *filter, int k, int ef) {
    vg_hnsw_vtab *vt = table_of(c);
    const vg_hnsw_flat *flat = NULL;
    uint32_t *skip = NULL, *slots = NULL;
    size_t n_skip = 0, n_slots = 0;
    int rc = SQLITE_OK;
    vg_hnsw_view_begin(vt->view);
    if (c->exact || (filter && filter->n >= FLAT_MAP_FROM)) rc = vg_hnsw_flat_get(vt, &flat, &skip, &n_skip);
    if (rc == SQLITE_OK && filter) rc = map_rowids(vt, filter, flat, skip, n_skip, &slots, &n_slots);
    if (rc == SQLITE_OK && filter && n_slots == 0) {
        c->n_hits = 0;
    } else if (rc == SQLITE_OK && c->exact && !flat && n_slots > 0) {
        /* no flat copy: the allowed rows one by one */
        rc = vg_hnsw_engine_error(vt, vg_hnsw_search_exact(vt->view, NULL, NULL, 0, q, k, slots, n_slots, c->hits,
                                                           &c->n_hits));
    } else if (rc == SQLITE_OK && c->exact && !flat) {
        rc = vg_hnsw_exact_scan(vt, q, k, NULL, 0, c->hits, &c->n_hits);
    } else if (rc == SQLITE_OK && c->exact) {
        rc = vg_hnsw_engine_error(vt, vg_hnsw_search_exact(vt->view, flat, skip, n_skip, q, k, slots, n_slots,
                                                           c->hits, &c->n_hits));
    } else if (rc == SQLITE_OK) {
        rc = vg_hnsw_engine_error(vt, vg_hnsw_search(vt->view, q, k, ef, slots, n_slots, c->hits, &c->n_hits));
    }
    vg_hnsw_view_end(vt->view);
    vg_free(skip);
    vg_free(slots);
    return rc;
}

static int filter_knn(hnsw_cursor *c, int plan, sqlite3_value **argv) {
    vg_hnsw_vtab *vt = table_of(c);
    if (plan & ROWID_OLD)
        return vg_hnsw_error(vt, SQLITE_ERROR,
                             "%s: filtering a KNN query by rowid (rowid = ... or rowid IN (...)) needs SQLite 3.38.0 "
                             "or newer, this is %s: use AND allowed = (SELECT group_concat(id) FROM ...) instead",
                             vt->name, sqlite3_libversion());
    sqlite3_value *query = argv[0], *allowed_arg = NULL, *rowid_arg = NULL;
    int at = 1, rc = SQLITE_OK, limit = 0, offset = 0;
    c->k = c->ef = c->exact = 0;
    if (plan & HAS_K) rc = read_count(vt, argv[at++], "k", &c->k);
    if (rc == SQLITE_OK && (plan & HAS_EF)) rc = read_count(vt, argv[at++], "ef_search", &c->ef);
    if (plan & HAS_ALLOWED) allowed_arg = argv[at++];
    if (rc == SQLITE_OK && (plan & HAS_EXACT)) rc = read_flag(vt, argv[at++], &c->exact);
    if (plan & HAS_ROWID) rowid_arg = argv[at++];
    if (rc == SQLITE_OK && (plan & HAS_LIMIT)) limit = sqlite3_value_int(argv[at++]);
    if (rc == SQLITE_OK && (plan & HAS_OFFSET)) offset = sqlite3_value_int(argv[at++]);
    if (rc != SQLITE_OK) return rc;
    if (!c->k && (plan & HAS_LIMIT)) {
        sqlite3_int64 want = (sqlite3_int64)limit + (offset > 0 ? offset : 0);
        if (want < 1 || want > VG_HNSW_MAX_K)
            return vg_hnsw_error(vt, SQLITE_ERROR, "%s: LIMIT (plus OFFSET) must be from 1 to %d for a KNN query",
                                 vt->name, VG_HNSW_MAX_K);
        c->k = (int)want;
    }
    if (!c->k) return no_k_error(vt);
    if (!c->ef) c->ef = c->k > VG_HNSW_DEFAULT_EF ? c->k : VG_HNSW_DEFAULT_EF;
    float *q = NULL;
    id_list allowed = {0}, rowids = {0};
    rc = vg_hnsw_read_vector(vt, query, "query vector", &q);
    if (rc == SQLITE_OK && allowed_arg) {
        rc = parse_allowed(vt, allowed_arg, &allowed);
        if (rc == SQLITE_OK && !(c->allowed = sqlite3_value_dup(allowed_arg))) rc = SQLITE_NOMEM;
    }
    if (rc == SQLITE_OK && rowid_arg) rc = parse_rowid_filter(vt, rowid_arg, plan & ROWID_IN, &rowids);
    if (rc == SQLITE_OK && allowed_arg && rowid_arg) intersect(&allowed, &rowids);
    if (rc == SQLITE_OK) rc = vg_hnsw_refresh(vt);
    /* with rescore, the compact graph's best rescore * k are ranked by their originals */
    int candidates = c->k, ef = c->ef;
    if (vt->params.rescore && !c->exact) {
        sqlite3_int64 want = (sqlite3_int64)vt->params.rescore * c->k;
        candidates = want > VG_HNSW_MAX_K ? VG_HNSW_MAX_K : (int)want;
        if (ef < candidates) ef = candidates;
    }
    if (rc == SQLITE_OK) {
        c->hits = sqlite3_malloc64((size_t)candidates * sizeof *c->hits);
        if (!c->hits) rc = SQLITE_NOMEM;
    }
    id_list *filter = allowed_arg ? &allowed : rowid_arg ? &rowids : NULL;
    /* an empty index (or one of tombstones only) has nothing to search */
    if (rc == SQLITE_OK && vt->state.live > 0 && vt->params.rescore && c->exact) {
        if (filter) distinct(filter);
        rc = vg_hnsw_exact_originals(vt, q, c->k, filter ? filter->ids : NULL, filter ? filter->n : 0, c->hits,
                                     &c->n_hits);
    } else if (rc == SQLITE_OK && vt->state.live > 0) {
        rc = run_search(c, q, filter, candidates, ef);
        if (rc == SQLITE_OK && vt->params.rescore) rc = vg_hnsw_rescore(vt, q, c->hits, &c->n_hits, c->k);
    }
    sqlite3_free(q);
    sqlite3_free(allowed.ids);
    sqlite3_free(rowids.ids);
    return rc;
}

static int filter(hnsw_cursor *c, int idx_num, sqlite3_value **argv) {
    vg_hnsw_vtab *vt = table_of(c);
    reset(c);
    c->plan = idx_num & PLAN_MASK;
    switch (c->plan) {
    case PLAN_KNN:
        return filter_knn(c, idx_num, argv);
    case PLAN_MISUSE:
        return vg_hnsw_error(vt, SQLITE_ERROR,
                             "%s: k, ef_search, allowed and exact only apply to a KNN query: add AND vector MATCH "
                             ":query",
                             vt->name);
    default: {
        /* in this connection's write transaction, what it changed is in the tables first */
        int rc = vg_hnsw_refresh(vt);
        if (rc == SQLITE_OK) rc = vg_hnsw_flush(vt);
        if (rc != SQLITE_OK) return rc;
        /* with rescore, the originals too */
        int rescore = vt->params.rescore != 0;
        char *originals = rescore ? sqlite3_mprintf(" LEFT JOIN \"%w\".\"%w_vectors\" v ON v.id = r.id", vt->schema,
                                                    vt->name)
                                  : sqlite3_mprintf("%s", "");
        char *sql = !originals ? NULL
                    : sqlite3_mprintf("SELECT r.id, substr(n.data, 13, ?1), r.slot, typeof(n.data), length(n.data)%s"
                                      " FROM \"%w\".\"%w_rowids\" r LEFT JOIN \"%w\".\"%w_nodes\" n ON n.slot = r.slot%s %s",
                                      rescore ? ", v.vector" : "", vt->schema, vt->name, vt->schema, vt->name,
                                      originals, c->plan == PLAN_POINT ? "WHERE r.id = ?2" : "ORDER BY r.id");
        sqlite3_free(originals);
        if (!sql) return SQLITE_NOMEM;
        rc = sqlite3_prepare_v2(vt->db, sql, -1, &c->stmt, NULL);
        sqlite3_free(sql);
        if (rc != SQLITE_OK) return vg_hnsw_sql_error(vt, rc);
        sqlite3_bind_int64(c->stmt, 1, (sqlite3_int64)vt->layout.code_bytes);
        if (c->plan == PLAN_POINT) sqlite3_bind_value(c->stmt, 2, argv[0]);
        return step(c);
    }
    }
}

int vg_hnsw_filter(sqlite3_vtab_cursor *cur, int idx_num, const char *idx_str, int argc, sqlite3_value **argv) {
    (void)idx_str;
    (void)argc;
    hnsw_cursor *c = (hnsw_cursor *)cur;
    vg_hnsw_enter(table_of(c));
    return vg_hnsw_leave(table_of(c), filter(c, idx_num, argv));
}

int vg_hnsw_next(sqlite3_vtab_cursor *cur) {
    hnsw_cursor *c = (hnsw_cursor *)cur;
    if (c->plan == PLAN_KNN) {
        c->pos++;
        return SQLITE_OK;
    }
    return step(c);
}

int vg_hnsw_eof(sqlite3_vtab_cursor *cur) {
    hnsw_cursor *c = (hnsw_cursor *)cur;
    return c->plan == PLAN_KNN ? c->pos >= c->n_hits : !c->stmt_row;
}

/* A KNN row's vector: its original with rescore, else as stored (the node BLOB's vector bytes). */
static int result_vector(vg_hnsw_vtab *vt, const vg_hnsw_hit *hit, sqlite3_context *ctx) {
    sqlite3_stmt *s;
    int rc = vg_hnsw_flush(vt);
    if (rc == SQLITE_OK && vt->params.rescore) return vg_hnsw_result_original(vt, hit->rowid, ctx);
    if (rc == SQLITE_OK) rc = vg_hnsw_statement(vt, VG_HNSW_SQL_VECTOR_READ, &s);
    if (rc != SQLITE_OK) return rc;
    sqlite3_bind_int64(s, 1, hit->slot);
    sqlite3_bind_int64(s, 2, (sqlite3_int64)vt->layout.code_bytes);
    rc = sqlite3_step(s);
    const void *code = rc == SQLITE_ROW ? sqlite3_column_blob(s, 0) : NULL;
    if (rc == SQLITE_ROW && !code && sqlite3_errcode(vt->db) == SQLITE_NOMEM) rc = SQLITE_NOMEM;
    else if (rc == SQLITE_ROW && (size_t)sqlite3_column_bytes(s, 0) != vt->layout.code_bytes)
        rc = vg_hnsw_error(vt, SQLITE_CORRUPT_VTAB, "%s is damaged: node in slot %lld: not a BLOB holding a vector",
                           vt->name, (long long)hit->slot);
    else if (rc == SQLITE_ROW) rc = vg_hnsw_result_stored(vt, code, ctx);
    else if (rc == SQLITE_DONE) sqlite3_result_null(ctx);
    else rc = vg_hnsw_sql_error(vt, rc);
    if (rc == SQLITE_DONE) rc = SQLITE_OK;
    sqlite3_reset(s);
    return rc;
}

int vg_hnsw_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col) {
    hnsw_cursor *c = (hnsw_cursor *)cur;
    if (c->plan != PLAN_KNN) {
        if (col != VG_HNSW_COL_VECTOR) return SQLITE_OK;
        if (table_of(c)->params.rescore) {
            sqlite3_result_value(ctx, sqlite3_column_value(c->stmt, 5));
            return SQLITE_OK;
        }
        return vg_hnsw_result_stored(table_of(c), sqlite3_column_blob(c->stmt, 1), ctx);
    }
    switch (col) {
    case VG_HNSW_COL_VECTOR:
        return result_vector(table_of(c), &c->hits[c->pos], ctx);
    case VG_HNSW_COL_DISTANCE:
        sqlite3_result_double(ctx, c->hits[c->pos].distance);
        break;
    case VG_HNSW_COL_K:
        sqlite3_result_int(ctx, c->k);
        break;
    case VG_HNSW_COL_EF:
        sqlite3_result_int(ctx, c->ef);
        break;
    case VG_HNSW_COL_EXACT:
        sqlite3_result_int(ctx, c->exact);
        break;
    case VG_HNSW_COL_ALLOWED:
        if (c->allowed) sqlite3_result_value(ctx, c->allowed);
        break;
    default:
        break;
    }
    return SQLITE_OK;
}

int vg_hnsw_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid) {
    hnsw_cursor *c = (hnsw_cursor *)cur;
    *rowid = c->plan == PLAN_KNN ? c->hits[c->pos].rowid : sqlite3_column_int64(c->stmt, 0);
    return SQLITE_OK;
}
