/* libFuzzer target: hnsw_index over shadow tables whose contents (and schema) the fuzz bytes write
 * with ordinary SQL, as anyone holding the database file can.
 *
 * An index is made and filled (some rows deleted, so _tombstones, _free and _changes hold rows too),
 * then the bytes pick, in any order: writes into {name}_config, _nodes (fuzzed values, a node BLOB
 * forged from the bytes, or a real node BLOB with bytes overwritten, cut or extended), _rowids,
 * _tombstones, _free and _changes, with values of every type (huge, negative, text, BLOBs, NULL);
 * schema changes (a shadow table dropped, replaced by a view or a WITHOUT ROWID table, retyped,
 * given an extra column or an index, a trigger in main or temp); and the index's whole surface:
 * KNN (graph, exact = 1, allowed, rowid IN), point reads, scans, INSERT / UPDATE / DELETE, 'optimize',
 * 'integrity-check', PRAGMA integrity_check and quick_check, transactions and savepoints, ALTER TABLE
 * RENAME, a reopened connection (file databases) and a second one. At the end DROP TABLE, then the
 * connection closes.
 *
 * Checks: nothing crashes, no sanitizer report, no leak (libFuzzer's LeakSanitizer, per input), and
 * every statement either succeeds or fails with a message; after each, a connection without a
 * statement running closes. No oracle for the values: a damaged index may answer or refuse. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"

enum { MAXD = 4 };

typedef struct session {
    sqlite3 *db, *db2;
    int file, dims;
    const char *path;
    char name[8];
    char sql[512];
} session;

static const char *const shadow[] = {"config", "nodes", "rowids", "tombstones", "free", "changes"};

/* Runs one prepared statement to its end; an error must come with a message. */
static void run(session *s, sqlite3 *db, sqlite3_stmt *st) {
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE && !sqlite3_errmsg(db)[0]) fz_die("error %d without a message", rc);
    char *sql = sqlite3_expanded_sql(st);
    fz_trace("%s; -> %d %s", sql ? sql : "?", rc, rc == SQLITE_DONE ? "" : sqlite3_errmsg(db));
    sqlite3_free(sql);
    sqlite3_finalize(st);
    (void)s;
}

/* Prepares fmt (with the table name for every %s); a statement that does not prepare is skipped
 * (a shadow table may be gone), returning NULL. */
static sqlite3_stmt *prep(session *s, sqlite3 *db, const char *fmt) {
    snprintf(s->sql, sizeof s->sql, fmt, s->name, s->name, s->name);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, s->sql, -1, &st, NULL) != SQLITE_OK) {
        fz_trace("%s -> does not prepare: %s", s->sql, sqlite3_errmsg(db));
        sqlite3_finalize(st);
        return NULL;
    }
    return st;
}

static void exec_any(session *s, sqlite3 *db, const char *fmt) {
    snprintf(s->sql, sizeof s->sql, fmt, s->name, s->name, s->name, s->name);
    int rc = fz_exec(db, s->sql);
    fz_trace("%s -> %d %s", s->sql, rc, rc ? sqlite3_errmsg(db) : "");
}

/* ---- fuzzed values ---- */

/* A node BLOB built from the bytes: rowid, level, flags, cycle, vector, lists of links, in the
 * layout hnsw_index reads, with every field free to be wrong. */
static int forged_node(fz_in *in, int dims, unsigned char *out, int cap) {
    int at = 0;
    int64_t rowid = (int8_t)fz_byte(in);
    for (int i = 0; i < 8; i++) out[at++] = (unsigned char)((uint64_t)rowid >> (8 * i));
    uint8_t level = fz_byte(in) % 20;
    out[at++] = level;
    out[at++] = fz_byte(in) % 4; /* flags: 1 tombstone, 2 an unknown one */
    out[at++] = fz_byte(in) % 3;
    out[at++] = 0;
    int wrong_dims = fz_byte(in) % 8 == 0;
    for (int i = 0; i < dims + wrong_dims; i++) {
        float v = (float)((int)(fz_byte(in) % 17) - 8);
        memcpy(out + at, &v, 4);
        at += 4;
    }
    for (int l = 0; l <= level && at + 4 <= cap; l++) {
        uint32_t count = fz_byte(in) % 6;
        if (count == 5) count = 0xffffffffu;
        memcpy(out + at, &count, 4);
        at += 4;
        for (uint32_t i = 0; i < count && i < 8 && at + 4 <= cap; i++) {
            uint32_t slot = fz_byte(in) % 24;
            memcpy(out + at, &slot, 4);
            at += 4;
        }
    }
    return at;
}

static const int64_t ints[] = {0, -1, 1, 2, 7, 65535, 4294967295LL, 4294967296LL, INT64_MAX, INT64_MIN, 1LL << 48, -9};
static const double reals[] = {0.5, -0.0, 1e300, -1e300, 3.0, 1e18};

/* Binds a value of any type from the bytes. */
static void bind_value(session *s, sqlite3_stmt *st, int i, fz_in *in) {
    unsigned char buf[256];
    uint8_t kind = fz_byte(in);
    switch (kind % 11) {
    case 0: sqlite3_bind_null(st, i); break;
    case 1: sqlite3_bind_int64(st, i, fz_byte(in) % 32); break;
    case 2: sqlite3_bind_int64(st, i, ints[fz_byte(in) % 12]); break;
    case 3: sqlite3_bind_double(st, i, reals[fz_byte(in) % 6]); break;
    case 4: {
        int n = fz_byte(in) % 12;
        for (int j = 0; j < n; j++) buf[j] = fz_byte(in);
        sqlite3_bind_text(st, i, (const char *)buf, n, SQLITE_TRANSIENT);
        break;
    }
    case 5: sqlite3_bind_text(st, i, kind & 16 ? "3" : " -2 ", -1, SQLITE_STATIC); break;
    case 6: {
        int n = fz_byte(in) % 64;
        for (int j = 0; j < n; j++) buf[j] = fz_byte(in);
        sqlite3_bind_blob(st, i, buf, n, SQLITE_TRANSIENT);
        break;
    }
    case 7: sqlite3_bind_zeroblob(st, i, (int[]){0, 1, 12, 13, 1 << 20}[fz_byte(in) % 5]); break;
    default: sqlite3_bind_blob(st, i, buf, forged_node(in, s->dims, buf, (int)sizeof buf), SQLITE_TRANSIENT); break;
    }
}

/* ---- tampering ---- */

static const char *const config_keys[] = {"format", "id", "generation", "slots", "entry",
                                          "live",   "free", "cycle",     "cursor", "colour"};

static void tamper_config(session *s, fz_in *in) {
    int how = fz_below(in, 3);
    sqlite3_stmt *st = prep(s, s->db, how == 0   ? "UPDATE \"%s_config\" SET value = ?2 WHERE key = ?1"
                                      : how == 1 ? "INSERT OR REPLACE INTO \"%s_config\"(key, value) VALUES (?1, ?2)"
                                                 : "DELETE FROM \"%s_config\" WHERE key = ?1");
    if (!st) return;
    sqlite3_bind_text(st, 1, config_keys[fz_byte(in) % 10], -1, SQLITE_STATIC);
    if (how < 2) bind_value(s, st, 2, in);
    run(s, s->db, st);
}

/* A node BLOB as it is, with bytes overwritten, cut short or extended. */
static void mutate_node(session *s, fz_in *in) {
    sqlite3_stmt *st = prep(s, s->db, "SELECT slot, data FROM \"%s_nodes\" ORDER BY slot LIMIT 1 OFFSET ?1");
    if (!st) return;
    sqlite3_bind_int(st, 1, fz_byte(in) % 16);
    unsigned char buf[1024];
    int n = 0;
    int64_t slot = -1;
    if (sqlite3_step(st) == SQLITE_ROW) {
        slot = sqlite3_column_int64(st, 0);
        n = sqlite3_column_bytes(st, 1);
        if (n > (int)sizeof buf) n = (int)sizeof buf;
        if (n) memcpy(buf, sqlite3_column_blob(st, 1), (size_t)n);
    }
    sqlite3_finalize(st);
    if (slot < 0) return;
    int edits = 1 + fz_byte(in) % 4;
    for (int e = 0; e < edits; e++) {
        uint8_t what = fz_byte(in), at = fz_byte(in);
        if (what % 4 == 0) n = n ? at % n : 0;                                /* cut */
        else if (what % 4 == 1 && n + 4 <= (int)sizeof buf) n += 1 + what % 4; /* extend (with what is there) */
        else if (n) buf[at % n] = fz_byte(in);                                /* overwrite a byte */
    }
    st = prep(s, s->db, "UPDATE \"%s_nodes\" SET data = ?2 WHERE slot = ?1");
    if (!st) return;
    sqlite3_bind_int64(st, 1, slot);
    sqlite3_bind_blob(st, 2, buf, n, SQLITE_TRANSIENT);
    run(s, s->db, st);
}

/* INSERT OR REPLACE, UPDATE or DELETE of one row of a shadow table, with fuzzed values. */
static void tamper_rows(session *s, fz_in *in) {
    static const char *const sql[][3] = {
        {"INSERT OR REPLACE INTO \"%s_nodes\"(slot, data) VALUES (?1, ?2)", "UPDATE \"%s_nodes\" SET data = ?2 WHERE slot = ?1",
         "DELETE FROM \"%s_nodes\" WHERE slot = ?1"},
        {"INSERT OR REPLACE INTO \"%s_rowids\"(id, slot) VALUES (?1, ?2)", "UPDATE \"%s_rowids\" SET slot = ?2 WHERE id = ?1",
         "DELETE FROM \"%s_rowids\" WHERE id = ?1"},
        {"INSERT OR REPLACE INTO \"%s_tombstones\"(slot, cycle) VALUES (?1, ?2)",
         "UPDATE \"%s_tombstones\" SET cycle = ?2 WHERE slot = ?1", "DELETE FROM \"%s_tombstones\" WHERE slot = ?1"},
        {"INSERT OR REPLACE INTO \"%s_free\"(slot) VALUES (?1)", "UPDATE \"%s_free\" SET slot = ?2 WHERE slot = ?1",
         "DELETE FROM \"%s_free\" WHERE slot = ?1"},
        {"INSERT OR REPLACE INTO \"%s_changes\"(generation, slots, content) VALUES (?1, ?2, ?3)",
         "UPDATE \"%s_changes\" SET slots = ?2, content = ?3 WHERE generation = ?1",
         "DELETE FROM \"%s_changes\" WHERE generation = ?1"},
    };
    int table = fz_below(in, 5), how = fz_below(in, 3);
    sqlite3_stmt *st = prep(s, s->db, sql[table][how]);
    if (!st) return;
    /* keys mostly where the index has rows: small slots and rowids, recent generations */
    if (fz_byte(in) & 1) sqlite3_bind_int64(st, 1, fz_byte(in) % 24);
    else bind_value(s, st, 1, in);
    if (how < 2) bind_value(s, st, 2, in);
    if (table == 4 && how < 2) bind_value(s, st, 3, in);
    run(s, s->db, st);
}

/* The shadow schema changed: a table gone or replaced, retyped, widened, indexed, or a trigger. */
static void tamper_schema(session *s, fz_in *in) {
    static const char *const how[] = {
        "DROP TABLE \"%s_%s\"",
        "DROP TABLE \"%s_%s\"; CREATE VIEW \"%s_%s\" AS SELECT 1 AS slot, 2 AS data, 3 AS id, 4 AS cycle",
        "ALTER TABLE \"%s_%s\" ADD COLUMN extra DEFAULT 5",
        "CREATE INDEX \"%s_%s_x\" ON \"%s_%s\"(1)",
        "CREATE TRIGGER \"%s_%s_t\" AFTER INSERT ON \"%s_%s\" BEGIN SELECT 1; END",
        "CREATE TEMP TRIGGER \"%s_%s_u\" AFTER DELETE ON main.\"%s_%s\" BEGIN SELECT 1; END",
        "ALTER TABLE \"%s_%s\" RENAME TO \"%s_%s_old\"",
    };
    int which = fz_below(in, 9);
    const char *table = shadow[fz_below(in, 6)];
    if (which < 7) {
        snprintf(s->sql, sizeof s->sql, how[which], s->name, table, s->name, table);
    } else {
        /* the table made again: WITHOUT ROWID, or its columns retyped */
        const char *cols = which == 7 ? "(slot INTEGER PRIMARY KEY, data BLOB) WITHOUT ROWID" : "(slot TEXT, data TEXT)";
        snprintf(s->sql, sizeof s->sql, "DROP TABLE \"%s_%s\"; CREATE TABLE \"%s_%s\"%s", s->name, table, s->name, table, cols);
    }
    int rc = fz_exec(s->db, s->sql);
    fz_trace("%s -> %d %s", s->sql, rc, rc ? sqlite3_errmsg(s->db) : "");
}

/* ---- the index's surface ---- */

static void bind_vector(session *s, sqlite3_stmt *st, int i, fz_in *in) {
    float v[MAXD];
    for (int j = 0; j < s->dims; j++) v[j] = (float)((int)(fz_byte(in) % 9) - 4);
    sqlite3_bind_blob(st, i, v, 4 * s->dims, SQLITE_TRANSIENT);
}

static void use_index(session *s, sqlite3 *db, fz_in *in) {
    static const char *const sql[] = {
        "SELECT rowid, distance, vector FROM \"%s\" WHERE vector MATCH ?1 AND k = ?2",
        "SELECT rowid, distance FROM \"%s\" WHERE vector MATCH ?1 AND k = ?2 AND exact = 1",
        "SELECT rowid, distance FROM \"%s\" WHERE vector MATCH ?1 AND k = ?2 AND allowed = '1,2,3,5,8,13'",
        "SELECT rowid FROM \"%s\" WHERE vector MATCH ?1 AND k = ?2 AND rowid IN (1, 2, 4, 8, 16) AND ef_search = 3",
        "SELECT rowid, vector FROM \"%s\" WHERE rowid = ?2",
        "SELECT rowid, vector FROM \"%s\"",
        "SELECT count(*) FROM \"%s\"",
        "INSERT OR REPLACE INTO \"%s\"(rowid, vector) VALUES (?2, ?1)",
        "INSERT INTO \"%s\"(rowid, vector) VALUES (?2, ?1)",
        "UPDATE \"%s\" SET vector = ?1 WHERE rowid = ?2",
        "UPDATE OR REPLACE \"%s\" SET rowid = ?2 + 1 WHERE rowid = ?2",
        "DELETE FROM \"%s\" WHERE rowid = ?2",
        "DELETE FROM \"%s\" WHERE rowid > ?2",
        "INSERT INTO \"%s\"(\"%s\") VALUES ('optimize')",
        "INSERT INTO \"%s\"(\"%s\") VALUES ('integrity-check')",
        "PRAGMA integrity_check",
        "PRAGMA quick_check",
    };
    int which = fz_below(in, 17);
    sqlite3_stmt *st = prep(s, db, sql[which]);
    if (!st) return;
    if (sqlite3_bind_parameter_count(st) >= 1) bind_vector(s, st, 1, in);
    if (sqlite3_bind_parameter_count(st) >= 2) sqlite3_bind_int(st, 2, 1 + fz_byte(in) % 20);
    run(s, db, st);
}

static void transaction(session *s, fz_in *in) {
    static const char *const sql[] = {"BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT a", "ROLLBACK TO a", "RELEASE a"};
    const char *q = sql[fz_below(in, 6)];
    int rc = fz_exec(s->db, q);
    fz_trace("%s -> %d", q, rc);
}

static void open_main(session *s) {
    s->db = fz_open(s->file ? s->path : ":memory:");
}

static void close_db(sqlite3 *db) {
    if (sqlite3_close(db) != SQLITE_OK) fz_die("close: %s", sqlite3_errmsg(db));
}

/* A new connection (file databases): its tables are connected, not created, from what the file holds. */
static void reopen(session *s, fz_in *in) {
    if (!s->file) return;
    if (fz_byte(in) & 1) {
        if (!s->db2) s->db2 = fz_open(s->path);
        use_index(s, s->db2, in);
        return;
    }
    close_db(s->db);
    open_main(s);
}

static void rename_index(session *s) {
    const char *to = strcmp(s->name, "x") == 0 ? "y" : "x";
    char sql[64];
    snprintf(sql, sizeof sql, "ALTER TABLE \"%s\" RENAME TO \"%s\"", s->name, to);
    int rc = fz_exec(s->db, sql);
    fz_trace("%s -> %d %s", sql, rc, rc ? sqlite3_errmsg(s->db) : "");
    if (rc == SQLITE_OK) strcpy(s->name, to);
}

/* The index, filled with n rows (every third deleted again). */
static void build(session *s, fz_in *in) {
    uint8_t b = fz_byte(in);
    s->dims = 1 + b % MAXD;
    static const char *const metric[] = {"l2", "cosine", "inner_product"};
    snprintf(s->sql, sizeof s->sql, "CREATE VIRTUAL TABLE \"%s\" USING hnsw_index(dimensions=%d, metric=%s, m=%d)",
             s->name, s->dims, metric[(b >> 2) % 3], 2 + (b >> 4) % 4);
    fz_exec_ok(s->db, s->sql);
    int n = fz_byte(in) % 24;
    snprintf(s->sql, sizeof s->sql, "INSERT INTO \"%s\"(rowid, vector) VALUES (?1, ?2)", s->name);
    sqlite3_stmt *ins = fz_prepare(s->db, s->sql);
    for (int i = 1; i <= n; i++) {
        float v[MAXD];
        for (int j = 0; j < s->dims; j++) v[j] = (float)((i * 7 + j * 3) % 11) - 5.0f + (j == 0 ? 0.5f : 0.0f);
        sqlite3_bind_int(ins, 1, i);
        sqlite3_bind_blob(ins, 2, v, 4 * s->dims, SQLITE_STATIC);
        fz_check_rc(s->db, sqlite3_step(ins), s->sql);
        sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    snprintf(s->sql, sizeof s->sql, "DELETE FROM \"%s\" WHERE rowid %% 3 = 0", s->name);
    fz_exec_ok(s->db, s->sql);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fz_in in = {data, size, 0};
    session s = {0};
    strcpy(s.name, "x");
    s.file = fz_byte(&in) & 1;
    s.path = fz_db_path("hnsw-shadow");
    if (s.file) fz_remove_db(s.path);
    open_main(&s);
    build(&s, &in);
    for (int ops = 0; fz_more(&in) && ops < 400; ops++) {
        switch (fz_byte(&in) % 12) {
        case 0: tamper_config(&s, &in); break;
        case 1:
        case 2: mutate_node(&s, &in); break;
        case 3:
        case 4: tamper_rows(&s, &in); break;
        case 5: tamper_schema(&s, &in); break;
        case 6:
        case 7:
        case 8: use_index(&s, s.db, &in); break;
        case 9: transaction(&s, &in); break;
        case 10: reopen(&s, &in); break;
        default: rename_index(&s); break;
        }
    }
    fz_exec(s.db, "ROLLBACK");
    exec_any(&s, s.db, "DROP TABLE \"%s\"");
    if (s.db2) close_db(s.db2);
    close_db(s.db);
    if (s.file) fz_remove_db(s.path);
    return 0;
}
