/* Finding a user's edge table in the schema for the graph functions, in two statements (a graph call
 * is often a fraction of a millisecond, and each statement costs a few microseconds): which database
 * holds it (as SQLite resolves the name) and its columns; then whether it is a real table and which
 * of its indexes can serve lookups by source or target. Every name is looked up with bound parameters
 * (pragma_database_list, pragma_table_info, sqlite_master, pragma_index_list/_xinfo, sqlite_stat1);
 * only names found in the schema reach SQL, as quoted identifiers. */
#include <stdlib.h>
#include <string.h>

#include "vg_graph_sql.h"

static const char *const rowid_names[] = {"rowid", "_rowid_", "oid"};

/* The database that holds table (the first in SQLite's search order: temp, main, attached ones,
 * unless schema names it) and its columns: the wanted ones as the schema spells them, and which
 * rowid names stay free. *exists 0 when no database has it. One statement: the CROSS JOIN keeps the
 * database list the outer loop, so each pragma_table_info gets its database. */
static int read_columns(sqlite3 *db, vg_graph_table *t, const char *schema, const char *table, int *exists) {
    static const char sql[] =
        "SELECT d.name, c.name FROM pragma_database_list AS d CROSS JOIN pragma_table_info(?1, d.name) AS c"
        " WHERE ?2 IS NULL OR d.name = ?2 COLLATE NOCASE ORDER BY d.seq <> 1, d.seq, c.cid";
    const vg_graph_source *s = t->source;
    const char *const wanted[3] = {s->src_col, s->dst_col, s->weight_col};
    int shadowed[3] = {0, 0, 0};
    sqlite3_stmt *stmt = NULL;
    *exists = 0;
    int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);
    if (rc != SQLITE_OK) return rc;
    sqlite3_bind_text(stmt, 1, table, -1, SQLITE_STATIC);
    if (schema) sqlite3_bind_text(stmt, 2, schema, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        const char *in = (const char *)sqlite3_column_text(stmt, 0), *name = (const char *)sqlite3_column_text(stmt, 1);
        if (!in || !name) continue;
        if (!t->schema && !(t->schema = sqlite3_mprintf("%s", in))) rc = SQLITE_NOMEM;
        if (rc == SQLITE_NOMEM || strcmp(in, t->schema) != 0) break; /* a later database's table of that name */
        *exists = 1;
        for (int r = 0; r < 3; r++) shadowed[r] |= sqlite3_stricmp(name, rowid_names[r]) == 0;
        for (int i = 0; i < 3; i++) {
            if (!wanted[i] || t->col[i] || sqlite3_stricmp(name, wanted[i]) != 0) continue;
            if (!(t->col[i] = sqlite3_mprintf("%s", name))) rc = SQLITE_NOMEM;
        }
        if (rc == SQLITE_NOMEM) break;
    }
    sqlite3_finalize(stmt);
    for (int r = 2; r >= 0; r--)
        if (!shadowed[r]) t->rowid = rowid_names[r];
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

/* The built-in collations whose equality holds for equal bytes (so a lookup under them finds every
 * row with exactly the id, plus rows the caller drops), spelled as our SQL spells them. */
static const char *known_collation(const char *name) {
    static const char *const known[] = {"BINARY", "NOCASE", "RTRIM"};
    for (int i = 0; name && i < 3; i++)
        if (sqlite3_stricmp(name, known[i]) == 0) return known[i];
    return NULL;
}

/* Takes one index row: (index, its leading column, that column's collation). The first index led by
 * src (dst) with a known collation serves lookups by src (dst). */
static int take_index(vg_graph_table *t, sqlite3_stmt *stmt) {
    const char *collation = known_collation((const char *)sqlite3_column_text(stmt, 3));
    const char *column = (const char *)sqlite3_column_text(stmt, 2);
    for (int i = 0; i < 2 && collation && column; i++) {
        if (t->index[i].name || !t->col[i] || sqlite3_stricmp(column, t->col[i]) != 0) continue;
        if (!(t->index[i].name = sqlite3_mprintf("%s", (const char *)sqlite3_column_text(stmt, 1)))) return SQLITE_NOMEM;
        t->index[i].collation = collation;
    }
    return SQLITE_OK;
}

/* With one statement: the name as sqlite_master spells it, whether it is a real table (views and
 * virtual tables have no root page; eponymous virtual tables are not listed at all), whether ANALYZE
 * wrote statistics (a 0 row); and the indexes that are not partial with their leading column, which
 * is not an expression (1 rows). */
static int read_kind(sqlite3 *db, vg_graph_table *t, const char *table) {
    char *sql = sqlite3_mprintf(
        "SELECT 0, name, type = 'table' AND rootpage > 0, EXISTS (SELECT 1 FROM \"%w\".sqlite_master WHERE name = 'sqlite_stat1')"
        " FROM \"%w\".sqlite_master WHERE type IN ('table', 'view') AND name = ?1 COLLATE NOCASE"
        " UNION ALL SELECT 1, l.name, x.name, x.coll FROM pragma_index_list(?1, ?2) AS l JOIN pragma_index_xinfo(l.name, ?2) AS x"
        " WHERE x.seqno = 0 AND l.partial = 0 AND x.cid >= 0",
        t->schema, t->schema);
    if (!sql) return SQLITE_NOMEM;
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);
    sqlite3_free(sql);
    if (rc != SQLITE_OK) return rc;
    sqlite3_bind_text(stmt, 1, table, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, t->schema, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (sqlite3_column_int(stmt, 0) == 1) {
            rc = take_index(t, stmt);
        } else if (!t->name) {
            t->is_table = sqlite3_column_int(stmt, 2);
            t->has_stat1 = sqlite3_column_int(stmt, 3);
            rc = (t->name = sqlite3_mprintf("%s", (const char *)sqlite3_column_text(stmt, 1))) ? SQLITE_OK : SQLITE_NOMEM;
        }
        if (rc != SQLITE_OK) break;
    }
    sqlite3_finalize(stmt);
    if (rc == SQLITE_DONE && !t->name && !(t->name = sqlite3_mprintf("%s", table))) rc = SQLITE_NOMEM;
    if (!t->is_table) { /* only a table's indexes serve lookups (and a view has none) */
        for (int i = 0; i < 2; i++) {
            sqlite3_free(t->index[i].name);
            t->index[i].name = NULL;
        }
    }
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Reads "rows per_key ..." from sqlite_stat1 for one index, when ANALYZE wrote it. */
static void read_stat(sqlite3 *db, const vg_graph_table *t, vg_graph_index *index) {
    char *sql = sqlite3_mprintf("SELECT stat FROM \"%w\".sqlite_stat1 WHERE tbl = ?1 COLLATE NOCASE AND idx = ?2 COLLATE NOCASE",
                                t->schema);
    sqlite3_stmt *stmt = NULL;
    if (sql && sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK) {
        sqlite3_bind_text(stmt, 1, t->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 2, index->name, -1, SQLITE_STATIC);
        if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0)) {
            char *end = NULL;
            index->rows = strtoll((const char *)sqlite3_column_text(stmt, 0), &end, 10);
            index->per_key = end ? strtoll(end, NULL, 10) : 0;
        }
    }
    sqlite3_finalize(stmt);
    sqlite3_free(sql);
}

/* The table (in schema, or anywhere when NULL): its database, columns, kind and indexes; *exists 0
 * when there is none. */
static int describe(sqlite3 *db, vg_graph_table *t, const char *schema, const char *table, int *exists) {
    int rc = read_columns(db, t, schema, table, exists);
    if (rc != SQLITE_OK || !*exists) return rc;
    rc = read_kind(db, t, table);
    for (int i = 0; i < 2 && rc == SQLITE_OK && t->has_stat1; i++)
        if (t->index[i].name) read_stat(db, t, &t->index[i]);
    return rc;
}

/* The fewest bytes a row takes in a b-tree page (cell pointer, header, two small integers). */
#define MIN_ROW_BYTES 16

/* The table's rows: from sqlite_stat1, else the span of its rowids, at most what its database's
 * pages can hold (a WITHOUT ROWID table: that bound alone); 0 when unknown. */
static sqlite3_int64 estimate_rows(sqlite3 *db, const vg_graph_table *t) {
    for (int i = 0; i < 2; i++)
        if (t->index[i].rows > 0) return t->index[i].rows;
    int64_t pages = 0, page_size = 0;
    if (vg_graph_pragma(db, t->schema, "page_count", &pages) != SQLITE_OK ||
        vg_graph_pragma(db, t->schema, "page_size", &page_size) != SQLITE_OK)
        return 0;
    sqlite3_int64 bound = pages * (page_size / MIN_ROW_BYTES);
    if (!t->rowid) return bound;
    /* two subqueries: each is one step down the table's b-tree; max() - min() in one would scan */
    char *sql = sqlite3_mprintf("SELECT (SELECT max(\"%w\") FROM \"%w\".\"%w\") - (SELECT min(\"%w\") FROM \"%w\".\"%w\") + 1",
                                t->rowid, t->schema, t->name, t->rowid, t->schema, t->name);
    sqlite3_stmt *stmt = NULL;
    sqlite3_int64 rows = bound;
    if (sql && sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW &&
        sqlite3_column_type(stmt, 0) == SQLITE_INTEGER && sqlite3_column_int64(stmt, 0) < bound)
        rows = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    sqlite3_free(sql);
    return rows;
}

/* The cache key of a source: its names, each with its length in front. */
static char *source_key(const vg_graph_source *s) {
    const char *part[4] = {s->table, s->src_col, s->dst_col, s->weight_col ? s->weight_col : ""};
    return sqlite3_mprintf("%d:%s%d:%s%d:%s%d%c%s", (int)strlen(part[0]), part[0], (int)strlen(part[1]), part[1],
                           (int)strlen(part[2]), part[2], (int)strlen(part[3]), s->weight_col ? ':' : '-', part[3]);
}

static int resolve(sqlite3 *db, const char *fname, const vg_graph_source *source, vg_graph_table *t, char **err) {
    int exists = 0;
    int rc = describe(db, t, NULL, source->table, &exists);
    const char *dot = strchr(source->table, '.');
    if (rc == SQLITE_OK && !exists && dot) {
        char *schema = sqlite3_mprintf("%.*s", (int)(dot - source->table), source->table);
        rc = schema ? describe(db, t, schema, dot + 1, &exists) : SQLITE_NOMEM;
        sqlite3_free(schema);
    }
    if (rc != SQLITE_OK)
        return rc == SQLITE_NOMEM ? rc
                                  : vg_graph_fail(err, rc, sqlite3_mprintf("%s: edge_table %Q: %s", fname, source->table,
                                                                          sqlite3_errmsg(db)));
    if (!exists) return vg_graph_fail(err, SQLITE_ERROR, sqlite3_mprintf("%s: no such table: %s", fname, source->table));
    static const char *const role[3] = {"src_col", "dst_col", "weight_col"};
    const char *const wanted[3] = {source->src_col, source->dst_col, source->weight_col};
    for (int i = 0; i < 3; i++) {
        if (!wanted[i] || t->col[i]) continue;
        return vg_graph_fail(err, SQLITE_ERROR,
                             sqlite3_mprintf("%s: %s: no such column in %s: %s", fname, role[i], source->table, wanted[i]));
    }
    return SQLITE_OK;
}

int vg_graph_resolve(sqlite3 *db, vg_graph_conn *conn, const char *fname, const vg_graph_source *source,
                     vg_graph_table *t, char **err) {
    memset(t, 0, sizeof *t);
    t->source = source;
    int64_t versions[2];
    char *key = conn ? source_key(source) : NULL;
    int keep = key && vg_graph_tables_versions(db, versions) == SQLITE_OK, found = keep && vg_graph_tables_find(conn, key, versions, t);
    int rc = found ? SQLITE_OK : resolve(db, fname, source, t, err);
    int64_t changes = vg_graph_changes(db);
    if (rc == SQLITE_OK && t->is_table && (!t->rows_known || t->rows_changes != changes)) {
        t->rows = estimate_rows(db, t);
        t->rows_known = 1;
        t->rows_changes = changes;
        found = 0; /* keep the new estimate */
    }
    if (rc == SQLITE_OK && keep && !found) vg_graph_tables_keep(conn, key, versions, t);
    sqlite3_free(key);
    return rc;
}

void vg_graph_table_free(vg_graph_table *t) {
    sqlite3_free(t->schema);
    sqlite3_free(t->name);
    for (int i = 0; i < 3; i++) sqlite3_free(t->col[i]);
    for (int i = 0; i < 2; i++) sqlite3_free(t->index[i].name);
    memset(t, 0, sizeof *t);
}
