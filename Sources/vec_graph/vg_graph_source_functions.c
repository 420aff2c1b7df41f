/* Finding a user's edge table in the schema for the graph functions: which database holds it (as
 * SQLite resolves the name), its columns, whether it is a real table, and which of its indexes can
 * serve lookups by source or target. Every name is looked up with bound parameters
 * (pragma_database_list, pragma_table_info, sqlite_master, pragma_index_list/_xinfo); only names
 * found in the schema reach SQL, as quoted identifiers. */
#include <stdlib.h>
#include <string.h>

#include "vg_graph_sql.h"

/* The database that holds table: the first in SQLite's search order (temp, main, attached ones)
 * unless schema names it. NULL in *out when there is none. */
static int find_schema(sqlite3 *db, const char *schema, const char *table, char **out) {
    static const char sql[] =
        "SELECT d.name FROM pragma_database_list AS d WHERE (?2 IS NULL OR d.name = ?2 COLLATE NOCASE)"
        " AND EXISTS (SELECT 1 FROM pragma_table_info(?1, d.name)) ORDER BY d.seq <> 1, d.seq LIMIT 1";
    sqlite3_stmt *stmt = NULL;
    *out = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);
    if (rc != SQLITE_OK) return rc;
    sqlite3_bind_text(stmt, 1, table, -1, SQLITE_STATIC);
    if (schema) sqlite3_bind_text(stmt, 2, schema, -1, SQLITE_STATIC);
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        *out = sqlite3_mprintf("%s", (const char *)sqlite3_column_text(stmt, 0));
        rc = *out ? SQLITE_DONE : SQLITE_NOMEM;
    }
    sqlite3_finalize(stmt);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static const char *const rowid_names[] = {"rowid", "_rowid_", "oid"};

/* Records the wanted columns (as the schema spells them) and which rowid names stay free. */
static int read_columns(sqlite3 *db, vg_graph_table *t, const char *table, const char *const wanted[3],
                        int shadowed[3]) {
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info(?1, ?2)", -1, &stmt, NULL);
    if (rc != SQLITE_OK) return rc;
    sqlite3_bind_text(stmt, 1, table, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, t->schema, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(stmt, 0);
        if (!name) continue;
        for (int r = 0; r < 3; r++) shadowed[r] |= sqlite3_stricmp(name, rowid_names[r]) == 0;
        for (int i = 0; i < 3; i++) {
            if (!wanted[i] || t->col[i] || sqlite3_stricmp(name, wanted[i]) != 0) continue;
            if (!(t->col[i] = sqlite3_mprintf("%s", name))) rc = SQLITE_NOMEM;
        }
        if (rc == SQLITE_NOMEM) break;
    }
    sqlite3_finalize(stmt);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* The name as sqlite_master spells it, whether it is a real table (views and virtual tables have no
 * root page; eponymous virtual tables are not listed at all), and whether ANALYZE wrote statistics. */
static int read_kind(sqlite3 *db, vg_graph_table *t, const char *table) {
    char *sql = sqlite3_mprintf("SELECT name, type = 'table' AND rootpage > 0, EXISTS (SELECT 1 FROM \"%w\".sqlite_master"
                                " WHERE name = 'sqlite_stat1') FROM \"%w\".sqlite_master"
                                " WHERE type IN ('table', 'view') AND name = ?1 COLLATE NOCASE", t->schema, t->schema);
    if (!sql) return SQLITE_NOMEM;
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);
    sqlite3_free(sql);
    if (rc != SQLITE_OK) return rc;
    sqlite3_bind_text(stmt, 1, table, -1, SQLITE_STATIC);
    rc = sqlite3_step(stmt);
    const char *name = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(stmt, 0) : table;
    t->is_table = rc == SQLITE_ROW && sqlite3_column_int(stmt, 1);
    t->has_stat1 = rc == SQLITE_ROW && sqlite3_column_int(stmt, 2);
    t->name = sqlite3_mprintf("%s", name);
    rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? (t->name ? SQLITE_OK : SQLITE_NOMEM) : rc;
    sqlite3_finalize(stmt);
    return rc;
}

/* The table's database and columns once table (in schema, or anywhere when NULL) is known to exist:
 * *exists 0 when it does not. */
static int describe(sqlite3 *db, vg_graph_table *t, const char *schema, const char *table, int *exists) {
    *exists = 0;
    int rc = find_schema(db, schema, table, &t->schema);
    if (rc != SQLITE_OK || !t->schema) return rc;
    *exists = 1;
    const vg_graph_source *s = t->source;
    const char *const wanted[3] = {s->src_col, s->dst_col, s->weight_col};
    int shadowed[3] = {0, 0, 0};
    rc = read_columns(db, t, table, wanted, shadowed);
    if (rc == SQLITE_OK) rc = read_kind(db, t, table);
    for (int r = 2; r >= 0; r--)
        if (!shadowed[r]) t->rowid = rowid_names[r];
    return rc;
}

int vg_graph_resolve(sqlite3 *db, const char *fname, const vg_graph_source *source, vg_graph_table *t, char **err) {
    memset(t, 0, sizeof *t);
    t->source = source;
    int exists = 0;
    int rc = describe(db, t, NULL, source->table, &exists);
    const char *dot = strchr(source->table, '.');
    if (rc == SQLITE_OK && !exists && dot) {
        char *schema = sqlite3_mprintf("%.*s", (int)(dot - source->table), source->table);
        rc = schema ? describe(db, t, schema, dot + 1, &exists) : SQLITE_NOMEM;
        sqlite3_free(schema);
    }
    if (rc != SQLITE_OK) {
        if (rc != SQLITE_NOMEM) *err = sqlite3_mprintf("%s: edge_table %Q: %s", fname, source->table, sqlite3_errmsg(db));
        return rc;
    }
    if (!exists) {
        *err = sqlite3_mprintf("%s: no such table: %s", fname, source->table);
        return SQLITE_ERROR;
    }
    static const char *const role[3] = {"src_col", "dst_col", "weight_col"};
    const char *const wanted[3] = {source->src_col, source->dst_col, source->weight_col};
    for (int i = 0; i < 3; i++) {
        if (!wanted[i] || t->col[i]) continue;
        *err = sqlite3_mprintf("%s: %s: no such column in %s: %s", fname, role[i], source->table, wanted[i]);
        return SQLITE_ERROR;
    }
    return SQLITE_OK;
}

void vg_graph_table_free(vg_graph_table *t) {
    sqlite3_free(t->schema);
    sqlite3_free(t->name);
    for (int i = 0; i < 3; i++) sqlite3_free(t->col[i]);
    for (int i = 0; i < 2; i++) sqlite3_free(t->index[i].name);
    memset(t, 0, sizeof *t);
}

/* The built-in collations whose equality holds for equal bytes (so a lookup under them finds every
 * row with exactly the id, plus rows the caller drops), spelled as our SQL spells them. */
static const char *known_collation(const char *name) {
    static const char *const known[] = {"BINARY", "NOCASE", "RTRIM"};
    for (int i = 0; name && i < 3; i++)
        if (sqlite3_stricmp(name, known[i]) == 0) return known[i];
    return NULL;
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

int vg_graph_find_indexes(sqlite3 *db, vg_graph_table *t) {
    static const char sql[] =
        "SELECT l.name, x.name, x.coll FROM pragma_index_list(?1, ?2) AS l JOIN pragma_index_xinfo(l.name, ?2) AS x"
        " WHERE x.seqno = 0 AND l.partial = 0 AND x.cid >= 0";
    if (t->indexes_found || !t->is_table) return SQLITE_OK;
    t->indexes_found = 1;
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);
    if (rc != SQLITE_OK) return rc;
    sqlite3_bind_text(stmt, 1, t->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, t->schema, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        const char *collation = known_collation((const char *)sqlite3_column_text(stmt, 2));
        const char *column = (const char *)sqlite3_column_text(stmt, 1);
        for (int i = 0; i < 2 && collation && column; i++) {
            if (t->index[i].name || sqlite3_stricmp(column, t->col[i]) != 0) continue;
            if (!(t->index[i].name = sqlite3_mprintf("%s", (const char *)sqlite3_column_text(stmt, 0)))) {
                sqlite3_finalize(stmt);
                return SQLITE_NOMEM;
            }
            t->index[i].collation = collation;
        }
    }
    sqlite3_finalize(stmt);
    for (int i = 0; i < 2 && t->has_stat1; i++)
        if (t->index[i].name) read_stat(db, t, &t->index[i]);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}
