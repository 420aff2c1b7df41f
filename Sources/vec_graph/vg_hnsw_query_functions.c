/* hnsw_index's query side: xBestIndex picks one of four plans, the cursor runs it.
 *   KNN    vector MATCH :q with k = N (or, where SQLite passes it, ORDER BY distance LIMIT N), optional
 *          ef_search = N, allowed = <rowid list>, rowid IN (...) (SQLite >= 3.38): results computed
 *          in xFilter, ascending by distance.
 *   POINT  rowid = ?, read from {name}_nodes.
 *   SCAN   every row by rowid, read from {name}_nodes; distance is NULL.
 *   MISUSE k, ef_search or allowed without MATCH: xFilter says so (the plan is priced out of reach
 *          whenever a usable MATCH exists). */
#include <stdlib.h>
#include <string.h>

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
    int n_hits, pos, k, ef;
    sqlite3_value *allowed; /* the allowed argument as given, returned by the hidden column */
} hnsw_cursor;

int vg_hnsw_best_index(sqlite3_vtab *tab, sqlite3_index_info *info) {
    (void)tab;
    int match = -1, k = -1, ef = -1, allowed = -1, rowid = -1, limit = -1, offset = -1;
    for (int i = 0; i < info->nConstraint; i++) {
        const struct sqlite3_index_constraint *c = &info->aConstraint[i];
        if (!c->usable) continue;
        int op = c->op, col = c->iColumn;
        if (op == SQLITE_INDEX_CONSTRAINT_MATCH && col == VG_HNSW_COL_VECTOR && match < 0) match = i;
        else if (op == SQLITE_INDEX_CONSTRAINT_EQ && col == VG_HNSW_COL_K && k < 0) k = i;
        else if (op == SQLITE_INDEX_CONSTRAINT_EQ && col == VG_HNSW_COL_EF && ef < 0) ef = i;
        else if (op == SQLITE_INDEX_CONSTRAINT_EQ && col == VG_HNSW_COL_ALLOWED && allowed < 0) allowed = i;
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
        } args[] = {{k, HAS_K, 1}, {ef, HAS_EF, 1}, {allowed, HAS_ALLOWED, 1}, {rowid, HAS_ROWID, 1},
                    {limit, HAS_LIMIT, 0}, {offset, HAS_OFFSET, 0}};
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
    } else if (k >= 0 || ef >= 0 || allowed >= 0) {
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

static int step(hnsw_cursor *c) {
    int rc = sqlite3_step(c->stmt);
    c->stmt_row = rc == SQLITE_ROW;
    if (rc == SQLITE_ROW || rc == SQLITE_DONE) return SQLITE_OK;
    return vg_hnsw_error(table_of(c), rc, "%s: %s", table_of(c)->name, sqlite3_errmsg(table_of(c)->db));
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

static int filter_knn(hnsw_cursor *c, int plan, sqlite3_value **argv) {
    vg_hnsw_vtab *vt = table_of(c);
    if (plan & ROWID_OLD)
        return vg_hnsw_error(vt, SQLITE_ERROR,
                             "%s: filtering a KNN query by rowid (rowid = ... or rowid IN (...)) needs SQLite 3.38.0 "
                             "or newer, this is %s: use AND allowed = (SELECT group_concat(id) FROM ...) instead",
                             vt->name, sqlite3_libversion());
    sqlite3_value *query = argv[0], *allowed_arg = NULL, *rowid_arg = NULL;
    int at = 1, rc = SQLITE_OK, limit = 0, offset = 0;
    c->k = 0;
    c->ef = 0;
    if (plan & HAS_K) rc = read_count(vt, argv[at++], "k", &c->k);
    if (rc == SQLITE_OK && (plan & HAS_EF)) rc = read_count(vt, argv[at++], "ef_search", &c->ef);
    if (plan & HAS_ALLOWED) allowed_arg = argv[at++];
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
    if (rc == SQLITE_OK) rc = vg_hnsw_store_graph(vt);
    if (rc == SQLITE_OK) {
        c->hits = sqlite3_malloc64((size_t)c->k * sizeof *c->hits);
        if (!c->hits) rc = SQLITE_NOMEM;
    }
    if (rc == SQLITE_OK) {
        const id_list *filter = allowed_arg ? &allowed : rowid_arg ? &rowids : NULL;
        /* an empty allowed set allows nothing (vg_hnsw_search reads a NULL list as no filter) */
        vg_hnsw_rc r = filter && filter->n == 0 ? VG_HNSW_OK
                       : vg_hnsw_search(vt->graph, q, c->k, c->ef, filter ? filter->ids : NULL,
                                        filter ? filter->n : 0, c->hits, &c->n_hits);
        if (r != VG_HNSW_OK) rc = SQLITE_NOMEM;
    }
    sqlite3_free(q);
    sqlite3_free(allowed.ids);
    sqlite3_free(rowids.ids);
    return rc;
}

int vg_hnsw_filter(sqlite3_vtab_cursor *cur, int idx_num, const char *idx_str, int argc, sqlite3_value **argv) {
    (void)idx_str;
    (void)argc;
    hnsw_cursor *c = (hnsw_cursor *)cur;
    vg_hnsw_vtab *vt = table_of(c);
    reset(c);
    c->plan = idx_num & PLAN_MASK;
    switch (c->plan) {
    case PLAN_KNN:
        return filter_knn(c, idx_num, argv);
    case PLAN_MISUSE:
        return vg_hnsw_error(vt, SQLITE_ERROR,
                             "%s: k, ef_search and allowed only apply to a KNN query: add AND vector MATCH :query",
                             vt->name);
    default: {
        const char *sql = c->plan == PLAN_POINT ? "SELECT id, vector FROM \"%w\".\"%w_nodes\" WHERE id = ?1"
                                                : "SELECT id, vector FROM \"%w\".\"%w_nodes\" ORDER BY id";
        int rc = vg_hnsw_store_prepare(vt, sql, &c->stmt);
        if (rc != SQLITE_OK) return rc;
        if (c->plan == PLAN_POINT) sqlite3_bind_value(c->stmt, 1, argv[0]);
        return step(c);
    }
    }
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

int vg_hnsw_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col) {
    hnsw_cursor *c = (hnsw_cursor *)cur;
    if (c->plan != PLAN_KNN) {
        if (col == VG_HNSW_COL_VECTOR) sqlite3_result_value(ctx, sqlite3_column_value(c->stmt, 1));
        return SQLITE_OK;
    }
    switch (col) {
    case VG_HNSW_COL_VECTOR:
        return vg_hnsw_store_result_vector(table_of(c), c->hits[c->pos].rowid, ctx);
    case VG_HNSW_COL_DISTANCE:
        sqlite3_result_double(ctx, c->hits[c->pos].distance);
        break;
    case VG_HNSW_COL_K:
        sqlite3_result_int(ctx, c->k);
        break;
    case VG_HNSW_COL_EF:
        sqlite3_result_int(ctx, c->ef);
        break;
    default:
        if (c->allowed) sqlite3_result_value(ctx, c->allowed);
        break;
    }
    return SQLITE_OK;
}

int vg_hnsw_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid) {
    hnsw_cursor *c = (hnsw_cursor *)cur;
    *rowid = c->plan == PLAN_KNN ? c->hits[c->pos].rowid : sqlite3_column_int64(c->stmt, 0);
    return SQLITE_OK;
}
