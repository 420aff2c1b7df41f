/* libFuzzer target: node2vec_train with fuzzed arguments, over a small fuzzed edge table, into a
 * fuzzed output.
 *
 * Each of the 13 or 14 arguments is, by the bytes, a good value or a hostile one: names that are
 * not TEXT or name nothing (or a column that is not there), an output that is not an hnsw_index or
 * has other dimensions, counts of 0, -1, past the 1,000,000 limit, REAL or TEXT, p and q of 0,
 * 1e-7, 1e7 or infinity, a learning rate of 0 or 1e6, a seed that is not an integer, NULL anywhere.
 * Valid p and q include the extremes 1e-6 and 1e6, where one walk step can take a million
 * proposals. The edge table holds integer or text ids, with NULL, REAL and BLOB ids mixed in now and
 * then; the output index may hold rows already. A progress handler interrupts a call after 100 ms,
 * so a valid but huge request (a million walks, or walks of a million steps at extreme p and q)
 * ends as "interrupted" (and a call that does not stop fails the run by libFuzzer's -timeout).
 *
 * Checks, against what the README promises: an invalid argument, a table the graph functions would
 * refuse, an empty graph, a mismatched or missing output, all give an error starting
 * "node2vec_train:" and write nothing (the index and its {output}_node_ids companion as they were);
 * a call with valid arguments returns the number of distinct nodes, unless interrupted, out of
 * memory or diverged (errors that write nothing too); after a success the index holds a finite
 * vector of the right dimensions for every node (rowid = the integer id, or the companion's id for
 * a text id) besides the rows it held, and the same call again writes byte-identical vectors. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fuzz_common.h"

enum { MAXE = 12, ARGS = 14 };

typedef struct run {
    sqlite3 *db;
    int dims;                /* the output index's */
    int output;              /* 0 an hnsw_index, 1 a plain table, 2 nothing */
    int text_ids, dirty;     /* the ids are TEXT; a kept row holds an id neither INTEGER nor TEXT, or they mix */
    int n_nodes;             /* distinct ids of rows with both ends set */
    int rows0;               /* rows the output index held before (rowid 999: never a node) */
    int64_t ids[2 * MAXE];   /* (integer ids) */
    char names[2 * MAXE][4]; /* (text ids) */
    double deadline;
} run;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int stop_late(void *ctx) {
    return now() > ((run *)ctx)->deadline;
}

/* ---- the edge table and the output ---- */

/* A kept row's end: its node counted once (integer ids by value, text ids by name). */
static void note_node(run *r, int is_text, int64_t id, const char *name) {
    for (int i = 0; i < r->n_nodes; i++)
        if (is_text ? strcmp(r->names[i], name) == 0 : r->ids[i] == id) return;
    r->ids[r->n_nodes] = id;
    snprintf(r->names[r->n_nodes++], 4, "%s", name);
}

static void build(run *r, fz_in *in) {
    fz_exec_ok(r->db, "CREATE TABLE edges(a, b)");
    sqlite3_stmt *s = fz_prepare(r->db, "INSERT INTO edges(a, b) VALUES (?1, ?2)");
    uint8_t head = fz_byte(in);
    int n = fz_below(in, MAXE + 1), seen_int = 0, seen_text = 0;
    for (int i = 0; i < n; i++) {
        int64_t id[2];
        char name[2][4];
        int type[2];
        for (int k = 0; k < 2; k++) {
            uint8_t b = fz_byte(in);
            id[k] = b % 8;
            snprintf(name[k], 4, "v%d", (int)(b % 8));
            /* mostly the table's id type (head bit 0: TEXT), now and then another value */
            type[k] = b < 240 || b % 4 == 3 ? ((head & 1) != (b >= 240) ? SQLITE_TEXT : SQLITE_INTEGER)
                                            : b % 4 == 0 ? SQLITE_NULL : b % 4 == 1 ? SQLITE_FLOAT : SQLITE_BLOB;
            switch (type[k]) {
            case SQLITE_TEXT: sqlite3_bind_text(s, k + 1, name[k], -1, SQLITE_TRANSIENT); break;
            case SQLITE_INTEGER: sqlite3_bind_int64(s, k + 1, id[k]); break;
            case SQLITE_NULL: sqlite3_bind_null(s, k + 1); break;
            case SQLITE_FLOAT: sqlite3_bind_double(s, k + 1, 0.5); break;
            default: sqlite3_bind_blob(s, k + 1, "\7", 1, SQLITE_STATIC); break;
            }
        }
        fz_check_rc(r->db, sqlite3_step(s), "INSERT INTO edges");
        sqlite3_reset(s);
        if (type[0] == SQLITE_NULL || type[1] == SQLITE_NULL) continue; /* a row with a NULL end is skipped */
        for (int k = 0; k < 2; k++) {
            seen_int |= type[k] == SQLITE_INTEGER;
            seen_text |= type[k] == SQLITE_TEXT;
            r->dirty |= type[k] == SQLITE_FLOAT || type[k] == SQLITE_BLOB;
            note_node(r, type[k] == SQLITE_TEXT, id[k], name[k]);
        }
    }
    r->dirty |= seen_int && seen_text;
    r->text_ids = seen_text;
    sqlite3_finalize(s);
    r->dims = 1 + fz_below(in, 8);
    r->output = fz_below(in, 6) < 4 ? 0 : 1 + fz_below(in, 2);
    char sql[160];
    if (r->output == 0) {
        snprintf(sql, sizeof sql, "CREATE VIRTUAL TABLE emb USING hnsw_index(dimensions=%d, metric=%s)", r->dims,
                 head & 2 ? "cosine" : "l2");
        fz_exec_ok(r->db, sql);
        if (head & 4) {
            int at = snprintf(sql, sizeof sql, "INSERT INTO emb(rowid, vector) VALUES (999, '[1");
            for (int d = 1; d < r->dims; d++) at += snprintf(sql + at, sizeof sql - (size_t)at, ",%d", d + 1);
            snprintf(sql + at, sizeof sql - (size_t)at, "]')");
            fz_exec_ok(r->db, sql);
            r->rows0 = 1;
        }
    } else if (r->output == 1) {
        fz_exec_ok(r->db, "CREATE TABLE emb(rowid, vector)");
    }
}

/* ---- arguments ---- */

/* What an argument is for: a name, a count (1..1e6), a positive number in a range, the seed. */
enum { NAME, COUNT, NUMBER, SEED };
static const struct {
    int kind;
    double lo, hi;
} arg_spec[ARGS] = {{NAME, 0, 0},  {NAME, 0, 0},     {NAME, 0, 0},     {NAME, 0, 0},  {COUNT, 1, 65536},
                    {NUMBER, 1e-6, 1e6}, {NUMBER, 1e-6, 1e6}, {COUNT, 1, 1e6}, {COUNT, 1, 1e6}, {COUNT, 1, 1e6},
                    {COUNT, 1, 1e6}, {NUMBER, 0, 1e6}, {COUNT, 1, 1e6}, {SEED, 0, 0}};
static const char *const good_names[] = {"edges", "a", "b", "emb"};
/* a good value of each count argument: small, so that training is quick */
static const int good_counts[ARGS] = {0, 0, 0, 0, 0, 0, 0, 2, 6, 2, 2, 0, 1, 0};

/* Binds argument i; returns whether it is valid. */
static int bind_arg(run *r, sqlite3_stmt *s, int i, fz_in *in) {
    uint8_t b = fz_byte(in);
    int good = b < 200, at = i + 1;
    switch (arg_spec[i].kind) {
    case NAME: {
        static const char *const bad_names[] = {"nothere", "edges.a", "main.emb", "EDGES", "c"};
        if (good) {
            sqlite3_bind_text(s, at, good_names[i], -1, SQLITE_STATIC);
            return 1;
        }
        int k = b % 7;
        if (k == 5) sqlite3_bind_null(s, at);
        else if (k == 6) sqlite3_bind_int(s, at, 3);
        else sqlite3_bind_text(s, at, bad_names[k], -1, SQLITE_STATIC);
        /* table names compare without case, and main.emb is emb */
        return (k == 3 && i == 0) || (k == 2 && i == 3);
    }
    case COUNT: {
        if (good) {
            int v = i == 4 ? r->dims : good_counts[i] + (int)(b % 2);
            sqlite3_bind_int(s, at, v);
            return 1;
        }
        switch (b % 8) {
        case 0: sqlite3_bind_int(s, at, 0); return 0;
        case 1: sqlite3_bind_int(s, at, -1); return 0;
        case 2: sqlite3_bind_int(s, at, 1000001); return 0;
        case 3: sqlite3_bind_double(s, at, 2.0); return 0; /* a REAL is not an integer, even 2.0 */
        case 4: sqlite3_bind_text(s, at, "5", -1, SQLITE_STATIC); return 0;
        case 5: sqlite3_bind_null(s, at); return 0;
        case 6: sqlite3_bind_int(s, at, i == 4 ? r->dims + 1 : 1000000); return i != 4; /* a million walks: valid */
        default: sqlite3_bind_int64(s, at, INT64_MIN); return 0;
        }
    }
    case NUMBER: {
        static const double values[] = {0.5, 1.0, 2.0, 0.025};
        if (good) { /* p and q from byte 192 on: node2vec_train's extremes */
            double v = i == 11 ? values[3] : b >= 192 ? (b & 1 ? 1e-6 : 1e6) : values[b % 3];
            sqlite3_bind_double(s, at, v);
            return 1;
        }
        static const double bad[] = {0.0, -1.0, 1e-7, 1e7, INFINITY};
        int k = b % 8;
        if (k < 5) sqlite3_bind_double(s, at, bad[k]);
        else if (k == 5) sqlite3_bind_text(s, at, "1", -1, SQLITE_STATIC);
        else if (k == 6) sqlite3_bind_null(s, at);
        else sqlite3_bind_int(s, at, 1);
        double v = k < 5 ? bad[k] : 1.0;
        return k == 7 || (k < 5 && v > 0 && v >= arg_spec[i].lo && v <= arg_spec[i].hi);
    }
    default: /* the seed */
        if (good) sqlite3_bind_int64(s, at, (int64_t)fz_u32(in));
        else if (b & 1) sqlite3_bind_null(s, at); /* NULL: the default seed */
        else sqlite3_bind_text(s, at, "42", -1, SQLITE_STATIC);
        return good || (b & 1);
    }
}

/* ---- what the output holds ---- */

static int64_t count(run *r, const char *sql) {
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(r->db, sql, -1, &s, NULL) != SQLITE_OK) {
        sqlite3_finalize(s);
        return -1; /* no such table */
    }
    int64_t n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
    sqlite3_finalize(s);
    return n;
}

/* A digest of every row of the output (rowid and vector bytes), and of the companion table. */
static uint64_t digest(run *r) {
    uint64_t h = 1469598103934665603ull;
    static const char *const sql[] = {"SELECT rowid, vector FROM emb ORDER BY rowid", "SELECT id, node FROM emb_node_ids ORDER BY id"};
    for (int q = 0; q < 2; q++) {
        sqlite3_stmt *s = NULL;
        if (sqlite3_prepare_v2(r->db, sql[q], -1, &s, NULL) != SQLITE_OK) {
            sqlite3_finalize(s);
            continue;
        }
        while (sqlite3_step(s) == SQLITE_ROW) {
            int64_t id = sqlite3_column_int64(s, 0);
            const unsigned char *p = sqlite3_column_blob(s, 1);
            int n = sqlite3_column_bytes(s, 1);
            for (int i = 0; i < 8; i++) h = (h ^ (uint8_t)(id >> (8 * i))) * 1099511628211ull;
            for (int i = 0; i < n; i++) h = (h ^ p[i]) * 1099511628211ull;
        }
        sqlite3_finalize(s);
    }
    return h;
}

/* After a success: a finite vector of the right length for every node. */
static void check_vectors(run *r) {
    char sql[200];
    for (int i = 0; i < r->n_nodes; i++) {
        if (r->text_ids)
            snprintf(sql, sizeof sql, "SELECT vector FROM emb WHERE rowid = (SELECT id FROM emb_node_ids WHERE node = '%s')", r->names[i]);
        else
            snprintf(sql, sizeof sql, "SELECT vector FROM emb WHERE rowid = %lld", (long long)r->ids[i]);
        sqlite3_stmt *s = fz_prepare(r->db, sql);
        if (sqlite3_step(s) != SQLITE_ROW || sqlite3_column_bytes(s, 0) != 4 * r->dims) fz_die("%s: no vector of %d floats", sql, r->dims);
        const float *v = sqlite3_column_blob(s, 0);
        for (int d = 0; d < r->dims; d++) {
            float x;
            memcpy(&x, (const char *)v + 4 * d, 4);
            if (!isfinite(x)) fz_die("%s: element %d is not finite", sql, d);
        }
        sqlite3_finalize(s);
    }
}

/* One call: its result judged, and what it wrote. Returns 1 when it succeeded. */
static int call(run *r, sqlite3_stmt *s, int valid, uint64_t before) {
    r->deadline = now() + 0.1;
    int rc = sqlite3_step(s);
    r->deadline = now() + 1e9; /* the checks below are not to be interrupted */
    int64_t result = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
    const char *msg = sqlite3_errmsg(r->db);
    fz_trace("%s -> %d %lld %s", sqlite3_sql(s), rc, (long long)result, rc == SQLITE_ROW ? "" : msg);
    if (rc != SQLITE_ROW) {
        if (rc != SQLITE_NOMEM && strncmp(msg, "node2vec_train: ", 16) != 0) fz_die("an error not naming node2vec_train: %s", msg);
        int runtime = strstr(msg, "interrupted") || strstr(msg, "diverged") || rc == SQLITE_NOMEM;
        if (valid && !runtime) fz_die("valid arguments failed: %s", msg);
        sqlite3_reset(s);
        if (digest(r) != before) fz_die("a failed call (%s) changed the output", msg);
        return 0;
    }
    if (!valid) fz_die("invalid arguments succeeded, returning %lld", (long long)result);
    if (result != r->n_nodes) fz_die("returned %lld, the graph has %d nodes", (long long)result, r->n_nodes);
    sqlite3_reset(s);
    int64_t rows = count(r, "SELECT count(*) FROM emb");
    if (rows != r->rows0 + r->n_nodes) fz_die("%lld rows after embedding %d nodes", (long long)rows, r->n_nodes);
    check_vectors(r);
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fz_in in = {data, size, 0};
    run r;
    memset(&r, 0, sizeof r);
    r.db = fz_open(":memory:");
    sqlite3_progress_handler(r.db, 1000, stop_late, &r);
    build(&r, &in);
    int n_args = fz_byte(&in) & 1 ? ARGS : ARGS - 1;
    char sql[200];
    int at = snprintf(sql, sizeof sql, "SELECT node2vec_train(?1");
    for (int i = 1; i < n_args; i++) at += snprintf(sql + at, sizeof sql - (size_t)at, ", ?%d", i + 1);
    snprintf(sql + at, sizeof sql - (size_t)at, ")");
    sqlite3_stmt *s = fz_prepare(r.db, sql);
    int valid = 1;
    for (int i = 0; i < n_args; i++) valid &= bind_arg(&r, s, i, &in);
    /* what the table and the output allow */
    valid &= !r.dirty && r.n_nodes > 0 && r.output == 0;
    r.deadline = now() + 1e9;
    if (call(&r, s, valid, digest(&r))) {
        /* deterministic: the same call writes the same bytes (when it is not cut short this time) */
        uint64_t first = digest(&r);
        if (call(&r, s, 1, first) && digest(&r) != first)
            fz_die("the same call with the same seed wrote other vectors");
    }
    sqlite3_finalize(s);
    if (sqlite3_close(r.db) != SQLITE_OK) fz_die("close: a statement was left open");
    return 0;
}
