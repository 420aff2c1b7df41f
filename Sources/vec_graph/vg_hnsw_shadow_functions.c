/* hnsw_index's shadow tables, written inside the user's transaction:
 *   {name}_config(key PRIMARY KEY, value)     format (2), id (random: which index this is), generation
 *                                             (advanced by every write transaction), slots, entry,
 *                                             live, free, and the purge's cycle and cursor
 *   {name}_nodes(slot INTEGER PRIMARY KEY, data)   one node BLOB per used slot (vg_hnsw_node.h):
 *                                             rowid, level, flags, vector, neighbour lists by slot
 *   {name}_rowids(id INTEGER PRIMARY KEY, slot)    the live rows: rowid -> slot
 *   {name}_tombstones(slot INTEGER PRIMARY KEY, cycle)   deleted nodes, by the purge cycle they
 *                                             were made in
 *   {name}_free(slot INTEGER PRIMARY KEY)     slots of purged tombstones, for later inserts
 *   {name}_changes(generation INTEGER PRIMARY KEY, slots, content)   what each of the last
 *                                             VG_HNSW_CHANGES_KEPT generations changed, so a
 *                                             connection's cache drops just those nodes
 * A search reads one node row per node it touches; links are slots, so a node is one lookup away. */
#include <stdarg.h>
#include <string.h>

#include "vg_hnsw_options.h"
#include "vg_hnsw_vtab.h"

static const char *const statement_sql[VG_HNSW_SQL_COUNT] = {
    [VG_HNSW_SQL_CONFIG_READ] = "SELECT key, value FROM \"%w\".\"%w_config\"",
    [VG_HNSW_SQL_CONFIG_WRITE] = "INSERT OR REPLACE INTO \"%w\".\"%w_config\"(key, value) VALUES (?1, ?2)",
    [VG_HNSW_SQL_GEN_BUMP] = "UPDATE \"%w\".\"%w_config\" SET value = value + 1 WHERE key = 'generation'",
    [VG_HNSW_SQL_NODE_READ] = "SELECT data FROM \"%w\".\"%w_nodes\" WHERE slot = ?1",
    [VG_HNSW_SQL_NODE_WRITE] = "INSERT OR REPLACE INTO \"%w\".\"%w_nodes\"(slot, data) VALUES (?1, ?2)",
    [VG_HNSW_SQL_ROWID_READ] = "SELECT slot FROM \"%w\".\"%w_rowids\" WHERE id = ?1",
    [VG_HNSW_SQL_ROWID_WRITE] = "INSERT OR REPLACE INTO \"%w\".\"%w_rowids\"(id, slot) VALUES (?1, ?2)",
    [VG_HNSW_SQL_ROWID_DELETE] = "DELETE FROM \"%w\".\"%w_rowids\" WHERE id = ?1",
    [VG_HNSW_SQL_NODE_DELETE] = "DELETE FROM \"%w\".\"%w_nodes\" WHERE slot = ?1",
    [VG_HNSW_SQL_TOMB_ADD] = "INSERT OR REPLACE INTO \"%w\".\"%w_tombstones\"(slot, cycle) VALUES (?1, ?2)",
    [VG_HNSW_SQL_TOMB_DELETE] = "DELETE FROM \"%w\".\"%w_tombstones\" WHERE slot = ?1",
    [VG_HNSW_SQL_TARGETS_READ] = "SELECT slot FROM \"%w\".\"%w_tombstones\" WHERE cycle < ?1 ORDER BY slot",
    [VG_HNSW_SQL_FREE_ADD] = "INSERT OR REPLACE INTO \"%w\".\"%w_free\"(slot) VALUES (?1)",
    [VG_HNSW_SQL_FREE_DELETE] = "DELETE FROM \"%w\".\"%w_free\" WHERE slot = ?1",
    [VG_HNSW_SQL_FREE_PICK] = "SELECT slot FROM \"%w\".\"%w_free\" ORDER BY slot LIMIT 1",
    [VG_HNSW_SQL_FREE_READ] = "SELECT 1 FROM \"%w\".\"%w_free\" WHERE slot = ?1",
    [VG_HNSW_SQL_CLEAN_SCAN] = "SELECT slot FROM \"%w\".\"%w_nodes\" WHERE slot >= ?1 ORDER BY slot LIMIT ?2",
    [VG_HNSW_SQL_CHANGES_READ] = ("SELECT generation, slots, content FROM \"%w\".\"%w_changes\" "
                                  "WHERE generation > ?1 AND generation <= ?2 ORDER BY generation"),
    [VG_HNSW_SQL_CHANGES_WRITE] =
        "INSERT OR REPLACE INTO \"%w\".\"%w_changes\"(generation, slots, content) VALUES (?1, ?2, ?3)",
    [VG_HNSW_SQL_CHANGES_PRUNE] = "DELETE FROM \"%w\".\"%w_changes\" WHERE generation <= ?1",
    [VG_HNSW_SQL_VECTOR_READ] = "SELECT substr(data, 13, ?2) FROM \"%w\".\"%w_nodes\" WHERE slot = ?1",
    [VG_HNSW_SQL_SCHEMA_VERSION] = "PRAGMA \"%w\".schema_version",
    [VG_HNSW_SQL_TEMP_SCHEMA_VERSION] = "PRAGMA temp.schema_version",
    [VG_HNSW_SQL_ORIGINAL_READ] = "SELECT vector FROM \"%w\".\"%w_vectors\" WHERE id = ?1",
    [VG_HNSW_SQL_ORIGINAL_WRITE] = "INSERT OR REPLACE INTO \"%w\".\"%w_vectors\"(id, vector) VALUES (?1, ?2)",
    [VG_HNSW_SQL_ORIGINAL_DELETE] = "DELETE FROM \"%w\".\"%w_vectors\" WHERE id = ?1",
};

/* Every shadow table (vectors only with rescore), and the one format 1 had besides (dropped and
 * renamed with the others). */
static const char *const shadow_suffix[] = {"config",  "nodes",   "rowids", "tombstones",
                                            "free",    "changes", "vectors", "edges"};
#define SHADOW_COUNT (sizeof shadow_suffix / sizeof shadow_suffix[0])

int vg_hnsw_error(vg_hnsw_vtab *vt, int rc, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *msg = sqlite3_vmprintf(fmt, ap);
    va_end(ap);
    sqlite3_free(vt->base.zErrMsg);
    vt->base.zErrMsg = msg ? sqlite3_mprintf("hnsw_index: %s", msg) : NULL;
    sqlite3_free(msg);
    /* without its message the error would be SQLite's bare "SQL logic error": out of memory is what happened */
    return vt->base.zErrMsg || rc == SQLITE_OK ? rc : SQLITE_NOMEM;
}

int vg_hnsw_sql_error(vg_hnsw_vtab *vt, int rc) {
    return vg_hnsw_error(vt, rc, "%s: %s", vt->name, sqlite3_errmsg(vt->db));
}

int vg_hnsw_engine_error(vg_hnsw_vtab *vt, vg_hnsw_rc rc) {
    switch (rc) {
    case VG_HNSW_OK: return SQLITE_OK;
    case VG_HNSW_NOMEM: return SQLITE_NOMEM;
    case VG_HNSW_IOERR: return vg_hnsw_error(vt, vt->load_rc ? vt->load_rc : SQLITE_ERROR, "%s: %s", vt->name, vt->load_error);
    default:
        return vg_hnsw_error(vt, SQLITE_CORRUPT_VTAB, "%s is damaged: %s (PRAGMA integrity_check reports more)",
                             vt->name, vt->load_error[0] ? vt->load_error : "a link names a node above its level");
    }
}

int vg_hnsw_prepare(vg_hnsw_vtab *vt, const char *sql_fmt, sqlite3_stmt **out) {
    char *sql = sqlite3_mprintf(sql_fmt, vt->schema, vt->name);
    if (!sql) return SQLITE_NOMEM;
    int rc = sqlite3_prepare_v2(vt->db, sql, -1, out, NULL);
    sqlite3_free(sql);
    return rc == SQLITE_OK ? rc : vg_hnsw_sql_error(vt, rc);
}

int vg_hnsw_statement(vg_hnsw_vtab *vt, int id, sqlite3_stmt **out) {
    if (!vt->stmt[id]) {
        int rc = vg_hnsw_prepare(vt, statement_sql[id], &vt->stmt[id]);
        if (rc != SQLITE_OK) return rc;
    }
    *out = vt->stmt[id];
    return SQLITE_OK;
}

int vg_hnsw_run(vg_hnsw_vtab *vt, sqlite3_stmt *stmt) {
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    return rc == SQLITE_DONE ? SQLITE_OK : vg_hnsw_sql_error(vt, sqlite3_errcode(vt->db));
}

void vg_hnsw_shadow_finalize(vg_hnsw_vtab *vt) {
    for (int i = 0; i < VG_HNSW_SQL_COUNT; i++) {
        sqlite3_finalize(vt->stmt[i]);
        vt->stmt[i] = NULL;
    }
}

int vg_hnsw_shadow_create(sqlite3 *db, const char *schema, const char *name, const vg_hnsw_params *p) {
    sqlite3_int64 id;
    sqlite3_randomness((int)sizeof id, &id);
    char *sql = sqlite3_mprintf(
        "CREATE TABLE \"%w\".\"%w_config\"(key TEXT PRIMARY KEY, value) WITHOUT ROWID;"
        "INSERT INTO \"%w\".\"%w_config\"(key, value) VALUES ('format', %d), ('id', %lld), ('generation', 0),"
        " ('slots', 0), ('entry', NULL), ('live', 0), ('free', 0), ('cycle', 1), ('cursor', 0), ('storage', %d),"
        " ('rescore', %d);"
        "CREATE TABLE \"%w\".\"%w_nodes\"(slot INTEGER PRIMARY KEY, data BLOB NOT NULL);"
        "CREATE TABLE \"%w\".\"%w_rowids\"(id INTEGER PRIMARY KEY, slot INTEGER NOT NULL);"
        "CREATE TABLE \"%w\".\"%w_tombstones\"(slot INTEGER PRIMARY KEY, cycle INTEGER NOT NULL);"
        "CREATE TABLE \"%w\".\"%w_free\"(slot INTEGER PRIMARY KEY);"
        "CREATE TABLE \"%w\".\"%w_changes\"(generation INTEGER PRIMARY KEY, slots BLOB, content BLOB);",
        schema, name, schema, name, VG_HNSW_FORMAT, (long long)id, (int)p->storage, p->rescore, schema, name, schema,
        name, schema, name, schema, name, schema, name);
    if (!sql) return SQLITE_NOMEM;
    int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_free(sql);
    if (rc != SQLITE_OK || !p->rescore) return rc;
    /* the float32 originals a search re-ranks by */
    sql = sqlite3_mprintf("CREATE TABLE \"%w\".\"%w_vectors\"(id INTEGER PRIMARY KEY, vector BLOB NOT NULL)", schema,
                          name);
    if (!sql) return SQLITE_NOMEM;
    rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_free(sql);
    return rc;
}

/* What schema holds under the name name_suffix: *kind is SHADOW_TABLE, SHADOW_OTHER (a view, an
 * index) or SHADOW_NONE (looked up with bound parameters). */
enum { SHADOW_NONE, SHADOW_OTHER, SHADOW_TABLE };

static int shadow_kind(vg_hnsw_vtab *vt, const char *suffix, int *kind) {
    char *sql = sqlite3_mprintf("SELECT max(type = 'table') FROM \"%w\".sqlite_master WHERE name = ?1 || '_' || ?2"
                                " AND type IN ('table', 'view', 'index')",
                                vt->schema);
    sqlite3_stmt *s = NULL;
    if (!sql) return SQLITE_NOMEM;
    int rc = sqlite3_prepare_v2(vt->db, sql, -1, &s, NULL);
    sqlite3_free(sql);
    if (rc != SQLITE_OK) return vg_hnsw_sql_error(vt, rc);
    sqlite3_bind_text(s, 1, vt->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, suffix, -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    *kind = rc != SQLITE_ROW || sqlite3_column_type(s, 0) == SQLITE_NULL ? SHADOW_NONE
            : sqlite3_column_int(s, 0)                                 ? SHADOW_TABLE
                                                                       : SHADOW_OTHER;
    rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : vg_hnsw_sql_error(vt, rc);
    sqlite3_finalize(s);
    return rc;
}

/* Whether {name}_nodes has the columns of vec_graph 0.1's format 1 (id, level, vector). */
static int is_format1(vg_hnsw_vtab *vt, int *yes) {
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(vt->db, "SELECT count(*) FROM pragma_table_info(?1, ?2) WHERE name IN ('level', 'vector')",
                                -1, &s, NULL);
    if (rc != SQLITE_OK) return vg_hnsw_sql_error(vt, rc);
    char *table = sqlite3_mprintf("%s_nodes", vt->name);
    if (!table) {
        sqlite3_finalize(s);
        return SQLITE_NOMEM;
    }
    sqlite3_bind_text(s, 1, table, -1, sqlite3_free);
    sqlite3_bind_text(s, 2, vt->schema, -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    *yes = rc == SQLITE_ROW && sqlite3_column_int(s, 0) == 2;
    rc = rc == SQLITE_ROW ? SQLITE_OK : vg_hnsw_sql_error(vt, rc);
    sqlite3_finalize(s);
    return rc;
}

/* Whether the table of suffix is this index's: "vectors" only with rescore, "edges" only in format 1
 * (a table of the user's own by those names is left alone). */
static int owns(vg_hnsw_vtab *vt, const char *suffix, int format1) {
    if (strcmp(suffix, "vectors") == 0) return vt->params.rescore > 0;
    if (strcmp(suffix, "edges") == 0) return format1;
    return 1;
}

int vg_hnsw_shadow_drop(vg_hnsw_vtab *vt) {
    vg_hnsw_shadow_finalize(vt);
    int format1, rc = is_format1(vt, &format1);
    if (rc != SQLITE_OK) return rc;
    for (size_t i = 0; i < SHADOW_COUNT; i++) {
        if (!owns(vt, shadow_suffix[i], format1)) continue;
        char *sql = sqlite3_mprintf("DROP TABLE IF EXISTS \"%w\".\"%w_%s\"", vt->schema, vt->name, shadow_suffix[i]);
        if (!sql) return SQLITE_NOMEM;
        int rc = sqlite3_exec(vt->db, sql, NULL, NULL, NULL);
        sqlite3_free(sql);
        if (rc != SQLITE_OK) return vg_hnsw_sql_error(vt, rc);
    }
    return SQLITE_OK;
}

int vg_hnsw_shadow_rename(vg_hnsw_vtab *vt, const char *new_name) {
    vg_hnsw_shadow_finalize(vt);
    int format1, rc = is_format1(vt, &format1);
    if (rc != SQLITE_OK) return rc;
    for (size_t i = 0; i < SHADOW_COUNT; i++) {
        int kind;
        rc = shadow_kind(vt, shadow_suffix[i], &kind);
        if (rc != SQLITE_OK) return rc;
        if (kind != SHADOW_TABLE || !owns(vt, shadow_suffix[i], format1)) continue;
        char *sql = sqlite3_mprintf("ALTER TABLE \"%w\".\"%w_%s\" RENAME TO \"%w_%s\"", vt->schema, vt->name,
                                    shadow_suffix[i], new_name, shadow_suffix[i]);
        if (!sql) return SQLITE_NOMEM;
        rc = sqlite3_exec(vt->db, sql, NULL, NULL, NULL);
        sqlite3_free(sql);
        if (rc != SQLITE_OK) return vg_hnsw_sql_error(vt, rc);
    }
    char *name = sqlite3_mprintf("%s", new_name);
    if (!name) return SQLITE_NOMEM;
    sqlite3_free(vt->name);
    vt->name = name;
    return SQLITE_OK;
}

/* What each shadow table must be: its columns in order with their declared types, and which one is
 * the INTEGER PRIMARY KEY (config is a WITHOUT ROWID table keyed by its TEXT key). */
static const struct shadow_shape {
    const char *suffix;
    const char *columns[3][2];
    int rowid_table;
} shapes[] = {
    {"config", {{"key", "TEXT"}, {"value", ""}, {NULL, NULL}}, 0},
    {"nodes", {{"slot", "INTEGER"}, {"data", "BLOB"}, {NULL, NULL}}, 1},
    {"rowids", {{"id", "INTEGER"}, {"slot", "INTEGER"}, {NULL, NULL}}, 1},
    {"tombstones", {{"slot", "INTEGER"}, {"cycle", "INTEGER"}, {NULL, NULL}}, 1},
    {"free", {{"slot", "INTEGER"}, {NULL, NULL}, {NULL, NULL}}, 1},
    {"changes", {{"generation", "INTEGER"}, {"slots", "BLOB"}, {"content", "BLOB"}}, 1},
    {"vectors", {{"id", "INTEGER"}, {"vector", "BLOB"}, {NULL, NULL}}, 1}, /* with rescore only */
};

static int damaged_schema(vg_hnsw_vtab *vt, const char *suffix, const char *problem) {
    return vg_hnsw_error(vt, SQLITE_CORRUPT_VTAB, "%s is damaged: %s_%s %s", vt->name, vt->name, suffix, problem);
}

/* One shadow table against its shape: a table (not a view), its columns, its key. */
static int check_shape(vg_hnsw_vtab *vt, const struct shadow_shape *shape) {
    int kind, rc = shadow_kind(vt, shape->suffix, &kind);
    if (rc != SQLITE_OK) return rc;
    if (kind != SHADOW_TABLE) return damaged_schema(vt, shape->suffix, kind ? "is not a table" : "is missing");
    sqlite3_stmt *s = NULL;
    char *sql;
    rc = sqlite3_prepare_v2(vt->db, "SELECT name, upper(type), pk FROM pragma_table_info(?1, ?2) ORDER BY cid", -1, &s,
                            NULL);
    if (rc != SQLITE_OK) return vg_hnsw_sql_error(vt, rc);
    char *table = sqlite3_mprintf("%s_%s", vt->name, shape->suffix);
    if (!table) {
        sqlite3_finalize(s);
        return SQLITE_NOMEM;
    }
    sqlite3_bind_text(s, 1, table, -1, sqlite3_free);
    sqlite3_bind_text(s, 2, vt->schema, -1, SQLITE_STATIC);
    int col = 0, bad = 0;
    while (!bad && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(s, 0), *decl = (const char *)sqlite3_column_text(s, 1);
        int pk = sqlite3_column_int(s, 2);
        bad = col >= 3 || !shape->columns[col][0] || !name || !decl || strcmp(name, shape->columns[col][0]) != 0 ||
              strcmp(decl, shape->columns[col][1]) != 0 || (pk != 0) != (col == 0);
        col++;
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return vg_hnsw_sql_error(vt, rc);
    if (bad || col == 0 || (col < 3 && shape->columns[col][0]))
        return damaged_schema(vt, shape->suffix, "does not have the columns hnsw_index made");
    if (!shape->rowid_table) return SQLITE_OK;
    /* an INTEGER PRIMARY KEY table has a rowid; a WITHOUT ROWID one does not */
    sql = sqlite3_mprintf("SELECT rowid FROM \"%w\".\"%w_%s\" LIMIT 0", vt->schema, vt->name, shape->suffix);
    if (!sql) return SQLITE_NOMEM;
    rc = sqlite3_prepare_v2(vt->db, sql, -1, &s, NULL);
    sqlite3_free(sql);
    sqlite3_finalize(s);
    if (rc == SQLITE_NOMEM) return rc; /* not a finding about the table */
    return rc == SQLITE_OK ? SQLITE_OK : damaged_schema(vt, shape->suffix, "is a WITHOUT ROWID table");
}

static int check_triggers(vg_hnsw_vtab *vt) {
    /* a trigger on a shadow table would run inside the index's own writes (temp triggers too) */
    static const char *const masters[] = {"\"%w\".sqlite_master", "temp.sqlite_master"};
    for (int m = 0; m < 2; m++) {
        char *from = sqlite3_mprintf(masters[m], vt->schema);
        char *sql = from ? sqlite3_mprintf("SELECT tbl_name FROM %s WHERE type = 'trigger' AND lower(tbl_name) IN "
                                           "(SELECT lower(?1 || '_' || value) FROM (SELECT 'config' AS value UNION ALL "
                                           "SELECT 'nodes' UNION ALL SELECT 'rowids' UNION ALL SELECT 'tombstones' "
                                           "UNION ALL SELECT 'free' UNION ALL SELECT 'changes' UNION ALL "
                                           "SELECT 'vectors' WHERE ?2))",
                                           from)
                         : NULL;
        sqlite3_free(from);
        if (!sql) return SQLITE_NOMEM;
        sqlite3_stmt *s = NULL;
        int rc = sqlite3_prepare_v2(vt->db, sql, -1, &s, NULL);
        sqlite3_free(sql);
        if (rc != SQLITE_OK) return vg_hnsw_sql_error(vt, rc);
        sqlite3_bind_text(s, 1, vt->name, -1, SQLITE_STATIC);
        sqlite3_bind_int(s, 2, vt->params.rescore > 0); /* {name}_vectors is the index's with rescore only */
        rc = sqlite3_step(s);
        char *table = rc == SQLITE_ROW ? sqlite3_mprintf("%s", sqlite3_column_text(s, 0)) : NULL;
        sqlite3_finalize(s);
        if (rc == SQLITE_ROW) {
            rc = table ? vg_hnsw_error(vt, SQLITE_CORRUPT_VTAB, "%s is damaged: %s has a trigger", vt->name, table)
                       : SQLITE_NOMEM;
            sqlite3_free(table);
            return rc;
        }
        if (rc != SQLITE_DONE) return vg_hnsw_sql_error(vt, rc);
    }
    return SQLITE_OK;
}

static int schema_version(vg_hnsw_vtab *vt, int id, int64_t *out) {
    sqlite3_stmt *s;
    int rc = vg_hnsw_statement(vt, id, &s);
    if (rc != SQLITE_OK) return rc;
    rc = sqlite3_step(s);
    *out = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) & 0xffffffff : 0;
    sqlite3_reset(s);
    return rc == SQLITE_ROW ? SQLITE_OK : vg_hnsw_sql_error(vt, sqlite3_errcode(vt->db));
}

/* An index vec_graph 0.1 wrote (storage format 1: {name}_nodes held the vectors, {name}_edges the
 * links): the error says how to rebuild it from the vectors it holds, in plain SQL. */
static int format1_error(vg_hnsw_vtab *vt) {
    return vg_hnsw_error(vt, SQLITE_ERROR,
                         "%s was written by vec_graph 0.1 (storage format 1), which this version does not read; "
                         "rebuild it from its vectors: CREATE VIRTUAL TABLE \"%w\".\"%w_new\" USING "
                         "hnsw_index(dimensions=%d, metric='%s', m=%d, ef_construction=%d); INSERT INTO \"%w\".\"%w_new\""
                         "(rowid, vector) SELECT id, vector FROM \"%w\".\"%w_nodes\"; DROP TABLE \"%w\".\"%w\"; "
                         "ALTER TABLE \"%w\".\"%w_new\" RENAME TO \"%w\"",
                         vt->name, vt->schema, vt->name, vt->params.dims, vg_hnsw_metric_name(vt->params.metric),
                         vt->params.m, vt->params.ef_construction, vt->schema, vt->name, vt->schema, vt->name,
                         vt->schema, vt->name, vt->schema, vt->name, vt->name);
}

int vg_hnsw_shadow_check(vg_hnsw_vtab *vt) {
    int64_t own, temp;
    int rc = schema_version(vt, VG_HNSW_SQL_SCHEMA_VERSION, &own);
    if (rc == SQLITE_OK) rc = schema_version(vt, VG_HNSW_SQL_TEMP_SCHEMA_VERSION, &temp);
    if (rc != SQLITE_OK) return rc;
    int64_t versions = own << 32 | temp;
    if (versions == vt->checked_schema) return SQLITE_OK;
    int format1;
    rc = is_format1(vt, &format1);
    if (rc != SQLITE_OK) return rc;
    if (format1) return format1_error(vt);
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        if (!vt->params.rescore && strcmp(shapes[i].suffix, "vectors") == 0) continue;
        rc = check_shape(vt, &shapes[i]);
        if (rc != SQLITE_OK) return rc;
    }
    rc = check_triggers(vt);
    if (rc == SQLITE_OK) vt->checked_schema = versions;
    return rc;
}

static int damaged_config(vg_hnsw_vtab *vt, const char *key, const char *problem) {
    return vg_hnsw_error(vt, SQLITE_CORRUPT_VTAB, "%s is damaged: %s_config: '%s' %s", vt->name, vt->name, key,
                         problem);
}

int vg_hnsw_config_read(vg_hnsw_vtab *vt, vg_hnsw_state *st) {
    enum { KEYS = 11 };
    static const char *const keys[KEYS] = {"format", "id",    "generation", "slots",   "entry",  "live",
                                           "free",   "cycle", "cursor",     "storage", "rescore"};
    int64_t *field[KEYS] = {&st->format, &st->id,     &st->generation, &st->slots,   &st->entry,  &st->live,
                            &st->free,   &st->cycle,  &st->cursor,     &st->storage, &st->rescore};
    int seen[KEYS] = {0};
    sqlite3_stmt *s;
    int rc = vg_hnsw_statement(vt, VG_HNSW_SQL_CONFIG_READ, &s);
    if (rc != SQLITE_OK) return rc;
    st->entry = -1;
    while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *key = (const char *)sqlite3_column_text(s, 0);
        rc = SQLITE_OK;
        for (int i = 0; key && i < KEYS; i++) {
            if (strcmp(key, keys[i]) != 0) continue;
            int type = sqlite3_column_type(s, 1);
            if (type == SQLITE_INTEGER) *field[i] = sqlite3_column_int64(s, 1);
            else if (!(i == 4 && type == SQLITE_NULL)) rc = damaged_config(vt, keys[i], "is not an integer");
            seen[i] = 1;
        }
    }
    sqlite3_reset(s);
    if (rc == SQLITE_DONE) rc = SQLITE_OK;
    else if (rc != SQLITE_OK && rc != SQLITE_CORRUPT_VTAB) return vg_hnsw_sql_error(vt, rc);
    if (rc != SQLITE_OK) return rc;
    if (seen[0] && st->format == 1) return format1_error(vt);
    for (int i = 0; i < KEYS; i++)
        if (!seen[i]) return damaged_config(vt, keys[i], "is missing");
    if (st->format != VG_HNSW_FORMAT) return damaged_config(vt, "format", "is not a format this version reads");
    if (st->generation < 0) return damaged_config(vt, "generation", "is negative");
    if (st->slots < 0 || st->slots >= (int64_t)VG_HNSW_NO_SLOT) return damaged_config(vt, "slots", "is out of range");
    if (st->entry < -1 || st->entry >= st->slots || (st->entry < 0) != (st->slots == 0))
        return damaged_config(vt, "entry", "does not name a slot");
    if (st->live < 0 || st->live > st->slots) return damaged_config(vt, "live", "is out of range");
    if (st->free < 0 || st->free > st->slots - st->live) return damaged_config(vt, "free", "is out of range");
    if (st->cycle < 1 || st->cycle >= ((int64_t)1 << 48)) return damaged_config(vt, "cycle", "is out of range");
    if (st->cursor < 0 || st->cursor > st->slots) return damaged_config(vt, "cursor", "is out of range");
    if (st->storage != (int64_t)vt->params.storage)
        return damaged_config(vt, "storage", "is not the storage the table was declared with");
    if (st->rescore != vt->params.rescore)
        return damaged_config(vt, "rescore", "is not the rescore the table was declared with");
    return SQLITE_OK;
}

int vg_hnsw_config_write(vg_hnsw_vtab *vt, const char *key, int64_t value, int is_null) {
    sqlite3_stmt *s;
    int rc = vg_hnsw_statement(vt, VG_HNSW_SQL_CONFIG_WRITE, &s);
    if (rc != SQLITE_OK) return rc;
    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    if (is_null) sqlite3_bind_null(s, 2);
    else sqlite3_bind_int64(s, 2, value);
    return vg_hnsw_run(vt, s);
}

int vg_hnsw_rowid_slot(vg_hnsw_vtab *vt, sqlite3_int64 rowid, uint32_t *slot) {
    sqlite3_stmt *s;
    int rc = vg_hnsw_statement(vt, VG_HNSW_SQL_ROWID_READ, &s);
    if (rc != SQLITE_OK) return rc;
    sqlite3_bind_int64(s, 1, rowid);
    rc = sqlite3_step(s);
    *slot = VG_HNSW_NO_SLOT;
    if (rc == SQLITE_ROW) {
        sqlite3_int64 v = sqlite3_column_int64(s, 0);
        if (sqlite3_column_type(s, 0) != SQLITE_INTEGER || v < 0 || v >= (sqlite3_int64)vg_hnsw_view_slots(vt->view))
            rc = vg_hnsw_error(vt, SQLITE_CORRUPT_VTAB, "%s is damaged: %s_rowids maps rowid %lld to no slot",
                               vt->name, vt->name, (long long)rowid);
        else {
            *slot = (uint32_t)v;
            rc = SQLITE_OK;
        }
    } else {
        rc = rc == SQLITE_DONE ? SQLITE_OK : vg_hnsw_sql_error(vt, rc);
    }
    sqlite3_reset(s);
    return rc;
}
