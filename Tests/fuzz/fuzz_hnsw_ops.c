/* libFuzzer target: a sequence of hnsw_index operations decoded from the fuzz bytes, each checked
 * against a brute-force oracle the target keeps (the rows of the current transaction, of each
 * savepoint, and the committed ones).
 *
 * The index is created with fuzzed options (a wrong option must fail and leave no shadow table),
 * in memory or in a WAL file with a second connection. Then: INSERT (plain, OR REPLACE, OR IGNORE,
 * several rows, INSERT ... SELECT from the index itself), DELETE (a row, a list, a range, all),
 * UPDATE (vector, rowid, both; conflict clauses), KNN queries with fuzzed vectors, k, ef_search,
 * exact, allowed (text, BLOB, integer, NULL) and rowid IN, point reads and scans, BEGIN / COMMIT /
 * ROLLBACK, SAVEPOINT / RELEASE / ROLLBACK TO, 'optimize', 'integrity-check' and PRAGMA
 * integrity_check, cache_mb, rename, VACUUM, checkpoints, DROP and CREATE again, reopening, and the
 * second connection's reads and writes. Bad vectors (NaN, infinity, wrong length, malformed JSON,
 * numbers, NULL, a zero vector under cosine) and bad arguments must fail and change nothing.
 *
 * Checks: every statement succeeds or fails as the oracle says, leaving the autocommit state it
 * predicts; exact = 1 returns the oracle's top k (ties: the same distances, each row at its own
 * distance); the graph search returns at most min(k, eligible rows) distinct eligible rows in
 * ascending distance order, each at its true distance (fewer when the graph no longer reaches every
 * row: seen with m = 2, reported, not asserted); scans and point reads return exactly the oracle's
 * rows and vector bytes. Vectors with extreme components (beyond 1e15 or below 1e-15, where float32
 * arithmetic over- or underflows) are marked, and queries that touch them check rows, not
 * distances. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"

enum { MAXD = 8, MAXROWS = 160, MAXSP = 4, MAXK = 24 };
enum { METRIC_L2, METRIC_COSINE, METRIC_IP };

typedef struct row {
    int64_t id;
    int extreme;
    float v[MAXD];
} row;

typedef struct rowset {
    int n;
    row r[MAXROWS];
} rowset;

typedef struct model {
    rowset cur, committed, sp[MAXSP];
    int sp_name[MAXSP], n_sp;
    int in_txn, by_begin;
    int dims, metric;
    int file;
    sqlite3 *db, *db2;
    const char *path;
    char name[8];
    char sql[512];
} model;

/* ---- the rows ---- */

static int find(const rowset *s, int64_t id) {
    for (int i = 0; i < s->n; i++)
        if (s->r[i].id == id) return i;
    return -1;
}

static void put(rowset *s, int64_t id, const float *v, int extreme, int dims) {
    int i = find(s, id);
    if (i < 0) {
        if (s->n == MAXROWS) fz_die("oracle full");
        i = s->n++;
    }
    s->r[i].id = id;
    s->r[i].extreme = extreme;
    memset(s->r[i].v, 0, sizeof s->r[i].v);
    memcpy(s->r[i].v, v, (size_t)dims * sizeof(float));
}

static void drop(rowset *s, int64_t id) {
    int i = find(s, id);
    if (i >= 0) s->r[i] = s->r[--s->n];
}

/* ---- fuzzed values ---- */

static const int64_t special_ids[] = {0, -1, -2147483648LL, 2147483648LL, INT64_MAX, INT64_MIN, 1LL << 53, 1000};

static int64_t pick_id(fz_in *in) {
    uint8_t b = fz_byte(in);
    return b < 224 ? 1 + b % 24 : special_ids[b % 8];
}

/* A value for the vector column or a query: a valid vector (grid values, moderate ones, or extreme
 * ones) as a BLOB or JSON text, or one of the ways a vector can be wrong. */
typedef struct vec_arg {
    int type; /* SQLITE_BLOB, SQLITE_TEXT, SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_NULL */
    unsigned char bytes[(MAXD + 1) * 16 + 8];
    int len;
    int valid, extreme;
    float v[MAXD];
} vec_arg;

static const float extreme_values[] = {1e20f, -1e20f, 3e38f, -3e38f, 1e-30f, -1e-30f, 1.4e-45f, 1.17549435e-38f};

static void as_blob(vec_arg *a, const float *v, int n) {
    a->type = SQLITE_BLOB;
    a->len = 4 * n;
    memcpy(a->bytes, v, (size_t)a->len); /* little-endian hosts only, as the extension */
}

static void as_json(vec_arg *a, const float *v, int n) {
    char *z = (char *)a->bytes;
    int at = 0;
    z[at++] = '[';
    for (int i = 0; i < n; i++) at += snprintf(z + at, sizeof a->bytes - (size_t)at, "%s%.9g", i ? "," : "", (double)v[i]);
    z[at++] = ']';
    z[at] = 0;
    a->type = SQLITE_TEXT;
    a->len = at;
}

static void pick_vector(fz_in *in, const model *m, vec_arg *a) {
    uint8_t kind = fz_byte(in), form = fz_byte(in);
    float v[MAXD + 1];
    memset(a, 0, sizeof *a);
    for (int i = 0; i <= MAXD; i++) {
        if (i >= m->dims) {
            v[i] = 1.0f; /* the extra element of a vector one too long */
            continue;
        }
        uint8_t b = fz_byte(in);
        if (kind < 180) v[i] = (float)((int)(b % 33) - 16) / 4.0f;
        else if (kind < 220) v[i] = (float)(int16_t)(b << 8 | fz_byte(in)) / 7.0f;
        else v[i] = (b & 8 ? extreme_values[b % 8] : 0.0f) + (b & 16 ? 1.0f : 0.0f);
    }
    a->extreme = kind >= 220 && kind < 235;
    if (kind < 235) {
        int zero = 1;
        for (int i = 0; i < m->dims; i++) zero &= v[i] == 0.0f;
        a->valid = !(zero && m->metric == METRIC_COSINE);
        memcpy(a->v, v, (size_t)m->dims * sizeof(float));
        if (form & 1) as_json(a, v, m->dims);
        else as_blob(a, v, m->dims);
        return;
    }
    switch (form % 12) {
    case 0: a->type = SQLITE_NULL; break;
    case 1: a->type = SQLITE_INTEGER; break;
    case 2: a->type = SQLITE_FLOAT; break;
    case 3: as_blob(a, v, m->dims + 1); break;
    case 4: as_blob(a, v, m->dims); a->len -= 1; break;
    case 5: v[form % m->dims] = NAN; as_blob(a, v, m->dims); break;
    case 6: v[form % m->dims] = -INFINITY; as_blob(a, v, m->dims); break;
    case 7: as_json(a, v, m->dims); a->len -= 1; break; /* no closing bracket */
    case 8: as_json(a, v, m->dims + 1); break;
    case 9: as_blob(a, v, 0); break;
    case 10: strcpy((char *)a->bytes, "[1e39]"); a->type = SQLITE_TEXT; a->len = 6; break;
    default: strcpy((char *)a->bytes, "[nan]"); a->type = SQLITE_TEXT; a->len = 5; break;
    }
}

static void bind_vec(sqlite3_stmt *s, int i, const vec_arg *a) {
    switch (a->type) {
    case SQLITE_BLOB: sqlite3_bind_blob(s, i, a->len ? (const void *)a->bytes : "", a->len, SQLITE_TRANSIENT); break;
    case SQLITE_TEXT: sqlite3_bind_text(s, i, (const char *)a->bytes, a->len, SQLITE_TRANSIENT); break;
    case SQLITE_INTEGER: sqlite3_bind_int(s, i, 7); break;
    case SQLITE_FLOAT: sqlite3_bind_double(s, i, 1.5); break;
    default: sqlite3_bind_null(s, i); break;
    }
}

/* ---- distances, in double, with the tolerance float32 kernels need ---- */

static double distance(const model *m, const float *q, const float *x, double *tol) {
    double dot = 0, aa = 0, bb = 0, l2 = 0, mag = 0;
    for (int i = 0; i < m->dims; i++) {
        double a = q[i], b = x[i];
        dot += a * b;
        aa += a * a;
        bb += b * b;
        l2 += (a - b) * (a - b);
        mag += fabs(a * b);
    }
    switch (m->metric) {
    case METRIC_L2: *tol = 1e-5 * l2 + 1e-6; return l2;
    case METRIC_IP: *tol = 1e-5 * mag + 1e-6; return -dot;
    default: {
        *tol = 3e-5;
        double d = aa > 0 && bb > 0 ? 1.0 - dot / sqrt(aa * bb) : 1.0;
        return d < 0 ? 0 : d > 2 ? 2 : d;
    }
    }
}

/* ---- statements ---- */

/* Steps s to its end; returns SQLite's code (SQLITE_DONE on success). */
static int run(sqlite3_stmt *s) {
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    }
    char *sql = sqlite3_expanded_sql(s);
    fz_trace("sql: %s;", sql ? sql : "");
    sqlite3_free(sql);
    return rc;
}

/* After a statement: it failed or succeeded as predicted, and the transaction state is the model's. */
static void expect(model *m, int rc, int ok, const char *what) {
    fz_trace("%s -> %d %s (model: %d rows, transaction %d)", what, rc, rc == SQLITE_DONE || rc == SQLITE_OK ? "" : sqlite3_errmsg(m->db),
             m->cur.n, m->in_txn);
    if (ok && rc != SQLITE_DONE && rc != SQLITE_OK) fz_die("%s: failed: %s (code %d)", what, sqlite3_errmsg(m->db), rc);
    if (!ok && (rc == SQLITE_DONE || rc == SQLITE_OK)) fz_die("%s: succeeded, should fail", what);
    if (sqlite3_get_autocommit(m->db) != !m->in_txn)
        fz_die("%s: autocommit is %d, the model's transaction %d (%s)", what, sqlite3_get_autocommit(m->db), m->in_txn,
               sqlite3_errmsg(m->db));
}

/* An error the extension raised must name it. */
static void expect_named(model *m, int rc, const char *what) {
    expect(m, rc, 0, what);
    if (!strstr(sqlite3_errmsg(m->db), "hnsw_index: ")) fz_die("%s: error does not name hnsw_index: %s", what, sqlite3_errmsg(m->db));
}

static sqlite3_stmt *prep(model *m, sqlite3 *db, const char *fmt, const char *a) {
    snprintf(m->sql, sizeof m->sql, fmt, a ? a : m->name, m->name);
    return fz_prepare(db, m->sql);
}

/* A committed change: the current state takes it too (only made outside a transaction). */
static void committed_too(model *m) {
    m->committed = m->cur;
}

/* ---- checks ---- */

/* Every row of db's index equals rows (ascending rowid, exact vector bytes). */
static void check_scan(model *m, sqlite3 *db, const rowset *rows, const char *who) {
    sqlite3_stmt *s = prep(m, db, "SELECT rowid, vector FROM \"%s\"", NULL);
    int n = 0, rc;
    int64_t last = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(s, 0);
        int i = find(rows, id);
        if (n && id <= last) fz_die("%s scan: rowid %lld after %lld", who, (long long)id, (long long)last);
        if (i < 0) fz_die("%s scan: rowid %lld is not in the oracle", who, (long long)id);
        if (sqlite3_column_bytes(s, 1) != 4 * m->dims ||
            memcmp(sqlite3_column_blob(s, 1), rows->r[i].v, (size_t)(4 * m->dims)) != 0)
            fz_die("%s scan: rowid %lld has another vector", who, (long long)id);
        last = id;
        n++;
    }
    fz_check_rc(db, rc, m->sql);
    sqlite3_finalize(s);
    if (n != rows->n) fz_die("%s scan: %d rows, the oracle has %d", who, n, rows->n);
    snprintf(m->sql, sizeof m->sql, "SELECT count(*) FROM \"%s\"", m->name);
    if (fz_int(db, m->sql) != rows->n) fz_die("%s count(*) differs from the oracle's %d", who, rows->n);
}

/* One KNN query's arguments and what the oracle makes of them. */
typedef struct knn_query {
    vec_arg q;
    int k, k_ok, use_limit;
    int ef, has_ef, ef_ok;
    int exact, has_exact, exact_ok;
    int allowed_kind; /* 0 none, 1 text, 2 blob, 3 integer, 4 NULL, 5 bad text, 6 bad blob, 7 real */
    int64_t allowed[6];
    int n_allowed;
    int64_t in_ids[5];
    int n_in, in_single;
    int want_vector;
} knn_query;

static void pick_query(fz_in *in, const model *m, knn_query *k) {
    memset(k, 0, sizeof *k);
    pick_vector(in, m, &k->q);
    uint8_t b = fz_byte(in);
    k->k = b < 240 ? 1 + b % MAXK : (int[]){0, -1, 100001, 100000}[b % 4];
    k->k_ok = k->k >= 1 && k->k <= 100000;
    if (k->k == 100000) k->k = MAXROWS + 1; /* valid and larger than any index here */
    uint8_t flags = fz_byte(in);
    k->use_limit = (flags & 7) == 7;
    /* LIMIT 0 returns nothing, LIMIT -1 is no limit (SQLite's rules): such a k is asked as LIMIT 1, a
     * valid query */
    if (k->use_limit && k->k < 1) k->k = 1, k->k_ok = 1;
    k->has_ef = !k->use_limit && (flags & 8);
    if (k->has_ef) {
        uint8_t e = fz_byte(in);
        k->ef = e < 250 ? 1 + e % 100 : 0;
        k->ef_ok = k->ef >= 1;
    }
    k->has_exact = (flags & 16) != 0;
    if (k->has_exact) {
        uint8_t e = fz_byte(in);
        k->exact = e % 5 == 4 ? 2 : e & 1;
        k->exact_ok = k->exact <= 1;
    }
    if (!k->use_limit && (flags & 32)) {
        uint8_t e = fz_byte(in);
        k->allowed_kind = 1 + e % 7;
        k->n_allowed = 1 + fz_below(in, 6);
        for (int i = 0; i < k->n_allowed; i++) k->allowed[i] = pick_id(in);
    }
    if (!k->use_limit && (flags & 64)) {
        k->n_in = 1 + fz_below(in, 5);
        k->in_single = k->n_in == 1 && (fz_byte(in) & 1);
        for (int i = 0; i < k->n_in; i++) k->in_ids[i] = pick_id(in);
    }
    k->want_vector = (flags & 128) != 0;
}

static int args_ok(const knn_query *k) {
    if (!k->k_ok || (k->has_ef && !k->ef_ok) || (k->has_exact && !k->exact_ok) || !k->q.valid) return 0;
    return k->allowed_kind < 5;
}

static int listed(const int64_t *ids, int n, int64_t id) {
    for (int i = 0; i < n; i++)
        if (ids[i] == id) return 1;
    return 0;
}

static int eligible(const knn_query *k, int64_t id) {
    if (k->allowed_kind == 4) return 0;
    if (k->allowed_kind && !listed(k->allowed, k->allowed_kind == 3 ? 1 : k->n_allowed, id)) return 0;
    return !k->n_in || listed(k->in_ids, k->n_in, id);
}

static void bind_allowed(sqlite3_stmt *s, int at, const knn_query *k) {
    char text[160];
    unsigned char blob[6 * 8 + 3];
    int len = 0;
    switch (k->allowed_kind) {
    case 1:
    case 5:
        for (int i = 0; i < k->n_allowed; i++)
            len += snprintf(text + len, sizeof text - (size_t)len, "%s%lld", i ? (i % 2 ? ", " : ",") : "",
                            (long long)k->allowed[i]);
        if (k->allowed_kind == 5) snprintf(text + len, sizeof text - (size_t)len, ",x");
        sqlite3_bind_text(s, at, text, -1, SQLITE_TRANSIENT);
        break;
    case 2:
    case 6:
        for (int i = 0; i < k->n_allowed; i++)
            for (int b = 0; b < 8; b++) blob[len++] = (unsigned char)((uint64_t)k->allowed[i] >> (8 * b));
        if (k->allowed_kind == 6) blob[len++] = 0;
        sqlite3_bind_blob(s, at, blob, len, SQLITE_TRANSIENT);
        break;
    case 3: sqlite3_bind_int64(s, at, k->allowed[0]); break;
    case 4: sqlite3_bind_null(s, at); break;
    default: sqlite3_bind_double(s, at, 2.5); break;
    }
}

typedef struct hit {
    int64_t id;
    double d;
} hit;

static int by_distance(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Runs a KNN query on db over rows (the rows db's snapshot holds) and checks it. */
static void knn(model *m, sqlite3 *db, const rowset *rows, const knn_query *k, int main_conn) {
    char sql[512];
    int at = snprintf(sql, sizeof sql, "SELECT rowid, distance%s FROM \"%s\" WHERE vector MATCH ?1",
                      k->want_vector ? ", vector" : "", m->name);
    if (!k->use_limit) at += snprintf(sql + at, sizeof sql - (size_t)at, " AND k = ?2");
    if (k->has_ef) at += snprintf(sql + at, sizeof sql - (size_t)at, " AND ef_search = ?3");
    if (k->has_exact) at += snprintf(sql + at, sizeof sql - (size_t)at, " AND exact = ?4");
    if (k->allowed_kind) at += snprintf(sql + at, sizeof sql - (size_t)at, " AND allowed = ?5");
    if (k->in_single) at += snprintf(sql + at, sizeof sql - (size_t)at, " AND rowid = ?10");
    else if (k->n_in) {
        at += snprintf(sql + at, sizeof sql - (size_t)at, " AND rowid IN (");
        for (int i = 0; i < k->n_in; i++) at += snprintf(sql + at, sizeof sql - (size_t)at, "%s?%d", i ? "," : "", 10 + i);
        at += snprintf(sql + at, sizeof sql - (size_t)at, ")");
    }
    if (k->use_limit) snprintf(sql + at, sizeof sql - (size_t)at, " ORDER BY distance LIMIT %d", k->k);
    sqlite3_stmt *s = fz_prepare(db, sql);
    bind_vec(s, 1, &k->q);
    fz_trace("query vector: %.*s", k->q.type == SQLITE_TEXT ? k->q.len : 0, (const char *)k->q.bytes);
    if (!k->use_limit) sqlite3_bind_int(s, 2, k->k);
    if (k->has_ef) sqlite3_bind_int(s, 3, k->ef);
    if (k->has_exact) sqlite3_bind_int(s, 4, k->exact);
    if (k->allowed_kind) bind_allowed(s, 5, k);
    for (int i = 0; i < k->n_in; i++) sqlite3_bind_int64(s, 10 + i, k->in_ids[i]);

    hit got[MAXROWS + 2];
    int n = 0, rc, relaxed = k->q.extreme;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (n == MAXROWS + 1) fz_die("%s: more rows than the index holds", sql);
        got[n].id = sqlite3_column_int64(s, 0);
        got[n].d = sqlite3_column_type(s, 1) == SQLITE_NULL ? NAN : sqlite3_column_double(s, 1);
        int i = find(rows, got[n].id);
        if (i < 0 || !eligible(k, got[n].id)) fz_die("%s: rowid %lld is not an eligible row", sql, (long long)got[n].id);
        for (int j = 0; j < n; j++)
            if (got[j].id == got[n].id) fz_die("%s: rowid %lld twice", sql, (long long)got[n].id);
        if (k->want_vector && (sqlite3_column_bytes(s, 2) != 4 * m->dims ||
                               memcmp(sqlite3_column_blob(s, 2), rows->r[i].v, (size_t)(4 * m->dims)) != 0))
            fz_die("%s: rowid %lld: the vector column differs", sql, (long long)got[n].id);
        relaxed |= rows->r[i].extreme;
        n++;
    }
    sqlite3_finalize(s);
    int ok = args_ok(k);
    if (main_conn) {
        if (ok) expect(m, rc, 1, sql);
        else expect_named(m, rc, sql);
    } else if (ok != (rc == SQLITE_DONE)) {
        fz_die("second connection: %s: %s", sql, sqlite3_errmsg(db));
    }
    if (!ok) return;

    /* the oracle: every eligible row's distance */
    double want[MAXROWS], tol = 0;
    int n_want = 0;
    for (int i = 0; i < rows->n; i++) {
        if (!eligible(k, rows->r[i].id)) continue;
        double t;
        want[n_want++] = distance(m, k->q.v, rows->r[i].v, &t);
        if (t > tol) tol = t;
        relaxed |= rows->r[i].extreme;
    }
    qsort(want, (size_t)n_want, sizeof *want, by_distance);
    int expect_n = n_want < k->k ? n_want : k->k, exact = k->has_exact && k->exact == 1;
    /* the graph search may miss rows the graph does not reach (a graph cut in two: possible with a
     * small m), never return more */
    if (exact ? n != expect_n : n > expect_n) fz_die("%s: %d rows, %d eligible rows and k = %d", sql, n, n_want, k->k);
    if (relaxed) return;
    for (int i = 0; i < n; i++) {
        double t, d = distance(m, k->q.v, rows->r[find(rows, got[i].id)].v, &t);
        if (!(fabs(got[i].d - d) <= t)) fz_die("%s: rowid %lld at %.9g, its distance is %.9g", sql, (long long)got[i].id, got[i].d, d);
        if (i && !(got[i].d >= got[i - 1].d)) fz_die("%s: distances out of order at row %d", sql, i);
        if (exact && !(fabs(got[i].d - want[i]) <= tol))
            fz_die("%s: exact row %d at %.9g, brute force's is %.9g", sql, i, got[i].d, want[i]);
    }
}

/* ---- operations ---- */

enum {
    OP_INSERT, OP_INSERT_MANY, OP_INSERT_SELECT, OP_INSERT_BAD, OP_DELETE, OP_DELETE_SET, OP_UPDATE_VECTOR,
    OP_UPDATE_ROWID, OP_KNN, OP_POINT, OP_SCAN, OP_TXN, OP_SAVEPOINT, OP_SAVEPOINT_END, OP_OPTIMIZE, OP_INTEGRITY,
    OP_COMMAND, OP_SECOND, OP_SECOND_WRITE, OP_REOPEN, OP_SCHEMA, OP_COUNT
};

static const char *const conflict_sql[] = {"INSERT", "INSERT OR REPLACE", "INSERT OR IGNORE", "REPLACE"};

/* Applies one new row to rows as the conflict clause says; 0 when the statement must fail. */
static int apply_insert(const model *m, rowset *rows, int conflict, int64_t id, const vec_arg *v) {
    if (!v->valid) return 0;
    int exists = find(rows, id) >= 0;
    if (exists && conflict == 0) return 0;
    if (exists && conflict == 2) return 1;
    if (!exists && rows->n == MAXROWS) return 1; /* the caller keeps below this */
    put(rows, id, v->v, v->extreme, m->dims);
    return 1;
}

static void op_insert(model *m, fz_in *in, int many) {
    int conflict = fz_below(in, 4), n = many ? 2 + fz_below(in, 2) : 1;
    if (m->cur.n + n > MAXROWS) return;
    vec_arg v[3];
    int64_t id[3];
    char sql[256];
    int at = snprintf(sql, sizeof sql, "%s INTO \"%s\"(rowid, vector) VALUES ", conflict_sql[conflict], m->name);
    for (int i = 0; i < n; i++) {
        id[i] = pick_id(in);
        pick_vector(in, m, &v[i]);
        at += snprintf(sql + at, sizeof sql - (size_t)at, "%s(?%d, ?%d)", i ? ", " : "", 2 * i + 1, 2 * i + 2);
    }
    sqlite3_stmt *s = fz_prepare(m->db, sql);
    for (int i = 0; i < n; i++) {
        sqlite3_bind_int64(s, 2 * i + 1, id[i]);
        bind_vec(s, 2 * i + 2, &v[i]);
    }
    int rc = run(s);
    sqlite3_finalize(s);
    rowset *after = malloc(sizeof *after);
    *after = m->cur;
    int ok = 1;
    for (int i = 0; i < n && ok; i++) ok = apply_insert(m, after, conflict, id[i], &v[i]);
    if (ok) {
        expect(m, rc, 1, sql);
        m->cur = *after;
        if (!m->in_txn) committed_too(m);
    } else {
        expect_named(m, rc, sql);
    }
    free(after);
}

/* INSERT INTO t SELECT rowid + offset, vector FROM t: the index read and written by one statement. */
static void op_insert_select(model *m, fz_in *in) {
    static const int64_t offsets[] = {1000, 1LL << 40, INT64_MAX, -7};
    int64_t off = offsets[fz_below(in, 4)];
    if (2 * m->cur.n > MAXROWS) return;
    sqlite3_stmt *s = prep(m, m->db, "INSERT INTO \"%s\"(rowid, vector) SELECT rowid + ?1, vector FROM \"%s\"", NULL);
    sqlite3_bind_int64(s, 1, off);
    int rc = run(s);
    sqlite3_finalize(s);
    int overflow = 0, clash = 0, n = m->cur.n;
    for (int i = 0; i < n; i++) {
        int64_t sum;
        if (__builtin_add_overflow(m->cur.r[i].id, off, &sum)) overflow = 1;
        else if (find(&m->cur, sum) >= 0) clash = 1;
    }
    if (overflow) {
        expect(m, rc, 0, "INSERT ... SELECT"); /* a REAL rowid: SQLite's own "datatype mismatch" */
        return;
    }
    if (clash) {
        expect_named(m, rc, "INSERT ... SELECT");
        return;
    }
    expect(m, rc, 1, "INSERT ... SELECT");
    for (int i = 0; i < n; i++) put(&m->cur, m->cur.r[i].id + off, m->cur.r[i].v, m->cur.r[i].extreme, m->dims);
    if (!m->in_txn) committed_too(m);
}

/* Inserts the index refuses whatever its rows: no rowid, a hidden column, an unknown command. */
static void op_insert_bad(model *m, fz_in *in) {
    static const char *const bad[] = {
        "INSERT INTO \"%s\"(vector) VALUES ('[1]')",
        "INSERT INTO \"%s\"(rowid, vector, k) VALUES (1, '[1]', 3)",
        "INSERT INTO \"%s\"(rowid, vector) VALUES (2.5, '[1]')",
        "INSERT INTO \"%s\"(\"%s\") VALUES ('no such command')",
        "INSERT INTO \"%s\"(\"%s\") VALUES (x'00')",
    };
    int which = fz_below(in, 5);
    sqlite3_stmt *s = NULL;
    snprintf(m->sql, sizeof m->sql, bad[which], m->name, m->name);
    int rc = sqlite3_prepare_v2(m->db, m->sql, -1, &s, NULL);
    if (rc == SQLITE_OK) rc = run(s);
    sqlite3_finalize(s);
    if (which == 2) expect(m, rc, 0, m->sql); /* SQLite's own "datatype mismatch" */
    else expect_named(m, rc, m->sql);
}

static void op_delete(model *m, fz_in *in) {
    int64_t id = pick_id(in);
    sqlite3_stmt *s = prep(m, m->db, "DELETE FROM \"%s\" WHERE rowid = ?1", NULL);
    sqlite3_bind_int64(s, 1, id);
    int rc = run(s);
    sqlite3_finalize(s);
    expect(m, rc, 1, "DELETE");
    drop(&m->cur, id);
    if (!m->in_txn) committed_too(m);
}

/* DELETE of a list, a range (through a scan), or everything. */
static void op_delete_set(model *m, fz_in *in) {
    int how = fz_below(in, 3);
    int64_t ids[4];
    for (int i = 0; i < 4; i++) ids[i] = pick_id(in);
    sqlite3_stmt *s = prep(m, m->db,
                           how == 0   ? "DELETE FROM \"%s\" WHERE rowid IN (?1, ?2, ?3, ?4)"
                           : how == 1 ? "DELETE FROM \"%s\" WHERE rowid > ?1"
                                      : "DELETE FROM \"%s\"",
                           NULL);
    for (int i = 0; i < 4 && how < 2; i++) sqlite3_bind_int64(s, i + 1, ids[i]);
    int rc = run(s);
    sqlite3_finalize(s);
    expect(m, rc, 1, "DELETE of a set");
    for (int i = m->cur.n - 1; i >= 0; i--) {
        int64_t id = m->cur.r[i].id;
        if (how == 2 || (how == 1 && id > ids[0]) || (how == 0 && listed(ids, 4, id))) drop(&m->cur, id);
    }
    if (!m->in_txn) committed_too(m);
}

static void op_update_vector(model *m, fz_in *in) {
    int64_t id = pick_id(in);
    vec_arg v;
    pick_vector(in, m, &v);
    sqlite3_stmt *s = prep(m, m->db, "UPDATE \"%s\" SET vector = ?2 WHERE rowid = ?1", NULL);
    sqlite3_bind_int64(s, 1, id);
    bind_vec(s, 2, &v);
    int rc = run(s);
    sqlite3_finalize(s);
    if (find(&m->cur, id) < 0) {
        expect(m, rc, 1, "UPDATE of no row"); /* no row: nothing to check the vector against */
    } else if (!v.valid) {
        expect_named(m, rc, "UPDATE with a bad vector");
    } else {
        expect(m, rc, 1, "UPDATE vector");
        put(&m->cur, id, v.v, v.extreme, m->dims);
        if (!m->in_txn) committed_too(m);
    }
}

/* UPDATE [OR REPLACE | OR IGNORE] t SET rowid = new [, vector = v] WHERE rowid = old. */
static void op_update_rowid(model *m, fz_in *in) {
    static const char *const verb[] = {"UPDATE", "UPDATE OR REPLACE", "UPDATE OR IGNORE"};
    int conflict = fz_below(in, 3), with_vector = fz_byte(in) & 1;
    int64_t old_id = pick_id(in), new_id = pick_id(in);
    vec_arg v;
    pick_vector(in, m, &v);
    char sql[200];
    snprintf(sql, sizeof sql, "%s \"%s\" SET rowid = ?2%s WHERE rowid = ?1", verb[conflict], m->name,
             with_vector ? ", vector = ?3" : "");
    sqlite3_stmt *s = fz_prepare(m->db, sql);
    sqlite3_bind_int64(s, 1, old_id);
    sqlite3_bind_int64(s, 2, new_id);
    if (with_vector) bind_vec(s, 3, &v);
    int rc = run(s);
    sqlite3_finalize(s);
    int old_at = find(&m->cur, old_id);
    if (old_at < 0) {
        expect(m, rc, 1, sql);
        return;
    }
    if (with_vector && !v.valid) {
        expect_named(m, rc, sql);
        return;
    }
    row r = m->cur.r[old_at];
    if (with_vector) {
        memcpy(r.v, v.v, sizeof r.v);
        r.extreme = v.extreme;
    }
    int clash = new_id != old_id && find(&m->cur, new_id) >= 0;
    if (clash && conflict == 0) {
        expect_named(m, rc, sql);
        return;
    }
    expect(m, rc, 1, sql);
    if (clash && conflict == 2) return;
    drop(&m->cur, old_id);
    put(&m->cur, new_id, r.v, r.extreme, m->dims);
    if (!m->in_txn) committed_too(m);
}

static void op_point(model *m, fz_in *in) {
    int64_t id = pick_id(in);
    sqlite3_stmt *s = prep(m, m->db, "SELECT vector, distance FROM \"%s\" WHERE rowid = ?1", NULL);
    sqlite3_bind_int64(s, 1, id);
    int rc = sqlite3_step(s), i = find(&m->cur, id);
    if (rc == SQLITE_ROW) {
        if (i < 0) fz_die("point read: rowid %lld is not in the oracle", (long long)id);
        if (sqlite3_column_bytes(s, 0) != 4 * m->dims || memcmp(sqlite3_column_blob(s, 0), m->cur.r[i].v, (size_t)(4 * m->dims)))
            fz_die("point read: rowid %lld has another vector", (long long)id);
        if (sqlite3_column_type(s, 1) != SQLITE_NULL) fz_die("point read: a distance without a query");
        rc = sqlite3_step(s);
    } else if (i >= 0) {
        fz_die("point read: rowid %lld is missing", (long long)id);
    }
    sqlite3_finalize(s);
    expect(m, rc, 1, "point read");
}

static void op_txn(model *m, fz_in *in) {
    static const char *const sql[] = {"BEGIN", "BEGIN IMMEDIATE", "COMMIT", "ROLLBACK", "END"};
    int which = fz_below(in, 5);
    int rc = fz_exec(m->db, sql[which]);
    if (which < 2) {
        int ok = !m->in_txn;
        if (ok) m->in_txn = m->by_begin = 1;
        expect(m, rc, ok, sql[which]);
        return;
    }
    int ok = m->in_txn;
    if (ok && which == 3) m->cur = m->committed;
    if (ok && which != 3) m->committed = m->cur;
    m->in_txn = m->n_sp = 0;
    expect(m, rc, ok, sql[which]);
}

static void op_savepoint(model *m, fz_in *in) {
    if (m->n_sp == MAXSP) return;
    int name = fz_below(in, 3);
    char sql[32];
    snprintf(sql, sizeof sql, "SAVEPOINT s%d", name);
    int rc = fz_exec(m->db, sql);
    if (!m->in_txn) m->in_txn = 1, m->by_begin = 0;
    m->sp[m->n_sp] = m->cur;
    m->sp_name[m->n_sp++] = name;
    expect(m, rc, 1, sql);
}

static void op_savepoint_end(model *m, fz_in *in) {
    int release = fz_byte(in) & 1, name = fz_below(in, 3), at = -1;
    char sql[40];
    snprintf(sql, sizeof sql, "%s s%d", release ? "RELEASE" : "ROLLBACK TO", name);
    int rc = fz_exec(m->db, sql);
    for (int i = m->n_sp - 1; i >= 0 && at < 0; i--)
        if (m->sp_name[i] == name) at = i;
    if (at < 0) {
        expect(m, rc, 0, sql);
        return;
    }
    if (release) {
        m->n_sp = at;
        if (at == 0 && !m->by_begin) {
            m->in_txn = 0;
            m->committed = m->cur;
        }
    } else {
        m->cur = m->sp[at];
        m->n_sp = at + 1;
    }
    expect(m, rc, 1, sql);
}

static void command(model *m, const char *cmd, int ok) {
    sqlite3_stmt *s = prep(m, m->db, "INSERT INTO \"%s\"(\"%s\") VALUES (?1)", NULL);
    sqlite3_bind_text(s, 1, cmd, -1, SQLITE_STATIC);
    int rc = run(s);
    sqlite3_finalize(s);
    if (ok) expect(m, rc, 1, cmd);
    else expect_named(m, rc, cmd);
}

static void check_integrity(model *m) {
    command(m, "integrity-check", 1);
    sqlite3_stmt *s = fz_prepare(m->db, "PRAGMA integrity_check");
    int rc = sqlite3_step(s);
    if (rc != SQLITE_ROW || strcmp((const char *)sqlite3_column_text(s, 0), "ok") != 0)
        fz_die("PRAGMA integrity_check: %s", rc == SQLITE_ROW ? (const char *)sqlite3_column_text(s, 0) : sqlite3_errmsg(m->db));
    sqlite3_finalize(s);
}

static void op_command(model *m, fz_in *in) {
    static const char *const cmds[] = {"cache_mb=1", "cache_mb=3", "CACHE_MB=2", "cache_mb=0", "cache_mb=x", "optimise"};
    int which = fz_below(in, 6);
    command(m, cmds[which], which < 3);
}

/* The second connection (file databases): reads see exactly what committed. */
static void op_second(model *m, fz_in *in) {
    if (!m->db2) return;
    knn_query k;
    pick_query(in, m, &k);
    if (fz_byte(in) & 1) check_scan(m, m->db2, &m->committed, "second connection");
    knn(m, m->db2, &m->committed, &k, 0);
}

/* The second connection writes, while the first has no transaction open. */
static void op_second_write(model *m, fz_in *in) {
    if (!m->db2 || m->in_txn) return;
    int del = fz_byte(in) & 1;
    int64_t id = pick_id(in);
    vec_arg v;
    pick_vector(in, m, &v);
    if (!del && (!v.valid || m->committed.n == MAXROWS)) return;
    sqlite3_stmt *s = prep(m, m->db2, del ? "DELETE FROM \"%s\" WHERE rowid = ?1" : "INSERT OR REPLACE INTO \"%s\"(rowid, vector) VALUES (?1, ?2)", NULL);
    sqlite3_bind_int64(s, 1, id);
    if (!del) bind_vec(s, 2, &v);
    int rc = run(s);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) fz_die("second connection's write: %s", sqlite3_errmsg(m->db2));
    if (del) drop(&m->committed, id);
    else put(&m->committed, id, v.v, v.extreme, m->dims);
    m->cur = m->committed;
}

static void open_main(model *m) {
    m->db = fz_open(m->file ? m->path : ":memory:");
}

static void op_reopen(model *m, fz_in *in) {
    if (!m->file || m->in_txn) return;
    int checkpoint = fz_byte(in) & 1;
    if (checkpoint) fz_exec(m->db2 ? m->db2 : m->db, "PRAGMA wal_checkpoint(TRUNCATE)");
    sqlite3_close(m->db);
    open_main(m);
    check_scan(m, m->db, &m->cur, "reopened");
}

/* Writes the CREATE VIRTUAL TABLE of the fuzzed options into m->sql; *ok says whether they are valid. */
static void create_sql(model *m, fz_in *in, int force_valid, int *ok) {
    static const char *const metric[] = {"l2", "cosine", "inner_product"};
    static const char *const wrong[] = {"dimensions=0", "m=1", "metric='hamming'", "ef_construction=0", "colour=5",
                                        "dimensions=2, dimensions=3", "m", "cache_mb=0"};
    uint8_t b = fz_byte(in);
    m->dims = 1 + fz_below(in, MAXD);
    m->metric = fz_below(in, 3);
    int mm = 2 + fz_below(in, 15), efc = 1 + fz_below(in, 48), seed = fz_byte(in);
    int at = snprintf(m->sql, sizeof m->sql,
                      "CREATE VIRTUAL TABLE \"%s\" USING hnsw_index(dimensions=%d, metric='%s', m=%d, "
                      "ef_construction=%d, seed=%d%s",
                      m->name, m->dims, metric[m->metric], mm, efc, seed, b & 1 ? ", cache_mb=1" : "");
    /* bit 7: compact storage with rescore (int8 or bit, which take any finite vector), so the graph is
     * searched on compact vectors while every distance the oracle checks is the float32 original's */
    if (b & 0x80)
        at += snprintf(m->sql + at, sizeof m->sql - (size_t)at, ", storage='%s', rescore=%d", b & 2 ? "bit" : "i8",
                       1 + (b >> 2 & 3));
    *ok = force_valid || (b & 0x70) != 0x70;
    if (!*ok) at += snprintf(m->sql + at, sizeof m->sql - (size_t)at, ", %s", wrong[b >> 1 & 7]);
    snprintf(m->sql + at, sizeof m->sql - (size_t)at, ")");
}

static void shadow_tables_gone(model *m, const char *name) {
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM sqlite_master WHERE name LIKE '%s\\_%%' ESCAPE '\\'", name);
    if (fz_int(m->db, sql) != 0) fz_die("shadow tables of %s left behind", name);
}

/* Creates the index from the fuzzed options (a wrong set first fails, leaving nothing). */
static void create(model *m, fz_in *in) {
    int ok;
    create_sql(m, in, 0, &ok);
    int rc = fz_exec(m->db, m->sql);
    fz_trace("sql: %s; -> %d", m->sql, rc);
    if (!ok) {
        if (rc == SQLITE_OK) fz_die("%s: succeeded, should fail", m->sql);
        if (!strstr(sqlite3_errmsg(m->db), "hnsw_index: ")) fz_die("%s: %s", m->sql, sqlite3_errmsg(m->db));
        shadow_tables_gone(m, m->name);
        create_sql(m, in, 1, &ok);
        rc = fz_exec(m->db, m->sql);
    }
    if (rc != SQLITE_OK) fz_die("%s: %s", m->sql, sqlite3_errmsg(m->db));
    m->cur.n = m->committed.n = 0;
}

/* Rename, VACUUM, a checkpoint, or DROP TABLE and a new index under the same name. */
static void op_schema(model *m, fz_in *in) {
    if (m->in_txn) return;
    int which = fz_below(in, 4);
    char sql[128];
    if (which == 0) {
        const char *to = strcmp(m->name, "t") == 0 ? "t2" : "t";
        snprintf(sql, sizeof sql, "ALTER TABLE \"%s\" RENAME TO \"%s\"", m->name, to);
        fz_exec_ok(m->db, sql);
        shadow_tables_gone(m, m->name);
        strcpy(m->name, to);
        check_scan(m, m->db, &m->cur, "renamed");
    } else if (which == 1) {
        fz_exec_ok(m->db, "VACUUM");
    } else if (which == 2) {
        fz_exec(m->db, "PRAGMA wal_checkpoint(TRUNCATE)");
    } else {
        snprintf(sql, sizeof sql, "DROP TABLE \"%s\"", m->name);
        fz_exec_ok(m->db, sql);
        shadow_tables_gone(m, m->name);
        create(m, in);
    }
}

static void step_op(model *m, fz_in *in) {
    int op = fz_byte(in) % OP_COUNT;
    fz_trace("op %d at byte %zu", op, in->at - 1);
    switch (op) {
    case OP_INSERT: op_insert(m, in, 0); break;
    case OP_INSERT_MANY: op_insert(m, in, 1); break;
    case OP_INSERT_SELECT: op_insert_select(m, in); break;
    case OP_INSERT_BAD: op_insert_bad(m, in); break;
    case OP_DELETE: op_delete(m, in); break;
    case OP_DELETE_SET: op_delete_set(m, in); break;
    case OP_UPDATE_VECTOR: op_update_vector(m, in); break;
    case OP_UPDATE_ROWID: op_update_rowid(m, in); break;
    case OP_KNN: {
        knn_query k;
        pick_query(in, m, &k);
        knn(m, m->db, &m->cur, &k, 1);
        break;
    }
    case OP_POINT: op_point(m, in); break;
    case OP_SCAN: check_scan(m, m->db, &m->cur, "scan"); break;
    case OP_TXN: op_txn(m, in); break;
    case OP_SAVEPOINT: op_savepoint(m, in); break;
    case OP_SAVEPOINT_END: op_savepoint_end(m, in); break;
    case OP_OPTIMIZE: command(m, "optimize", 1); break;
    case OP_INTEGRITY: check_integrity(m); break;
    case OP_COMMAND: op_command(m, in); break;
    case OP_SECOND: op_second(m, in); break;
    case OP_SECOND_WRITE: op_second_write(m, in); break;
    case OP_REOPEN: op_reopen(m, in); break;
    default: op_schema(m, in); break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fz_in in = {data, size, 0};
    model *m = calloc(1, sizeof *m);
    strcpy(m->name, "t");
    m->file = fz_byte(&in) & 1;
    m->path = fz_db_path("hnsw-ops");
    if (m->file) fz_remove_db(m->path);
    open_main(m);
    create(m, &in);
    if (m->file) {
        m->db2 = fz_open(m->path);
        sqlite3_busy_timeout(m->db2, 0);
    }
    for (int ops = 0; fz_more(&in) && ops < 200; ops++) step_op(m, &in);
    if (m->in_txn) {
        m->cur = m->committed;
        m->in_txn = m->n_sp = 0;
        expect(m, fz_exec(m->db, "ROLLBACK"), 1, "ROLLBACK");
    }
    check_scan(m, m->db, &m->cur, "final");
    check_integrity(m);
    if (m->db2) check_scan(m, m->db2, &m->committed, "second connection, final");
    char sql[64];
    snprintf(sql, sizeof sql, "DROP TABLE \"%s\"", m->name);
    fz_exec_ok(m->db, sql);
    shadow_tables_gone(m, m->name);
    if (sqlite3_close(m->db) != SQLITE_OK) fz_die("close: a statement was left open");
    if (m->db2 && sqlite3_close(m->db2) != SQLITE_OK) fz_die("close: a statement was left open");
    if (m->file) fz_remove_db(m->path);
    free(m);
    return 0;
}
