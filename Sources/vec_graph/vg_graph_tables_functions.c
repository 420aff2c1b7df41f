/* A connection's cache of resolved edge tables (vg_graph_resolve's answer: database, names, columns,
 * kind, indexes, size estimate), so that a search of a fraction of a millisecond does not spend most
 * of it reading the schema again. An entry is kept only for a table found in main or temp (no
 * attached database: a DETACH and an ATTACH look unchanged to the counters), and is current while
 * PRAGMA schema_version of main and of temp are what they were: a table can only appear under the
 * name, change its columns or indexes, or go, through a schema change there (temp shadows main,
 * and nothing shadows either from an attached database). Not while main is a deserialized (memdb)
 * database, which can change wholesale with the same version. */
#include <string.h>

#include "vg_graph_sql.h"

static char *copy(const char *s, int *ok) {
    if (!s) return NULL;
    char *c = sqlite3_mprintf("%s", s);
    *ok &= c != NULL;
    return c;
}

/* A deep copy of src into dst (dst->source is left to the caller); 0 when out of memory. */
static int table_copy(vg_graph_table *dst, const vg_graph_table *src) {
    int ok = 1;
    *dst = *src;
    dst->schema = copy(src->schema, &ok);
    dst->name = copy(src->name, &ok);
    for (int i = 0; i < 3; i++) dst->col[i] = copy(src->col[i], &ok);
    for (int i = 0; i < 2; i++) dst->index[i].name = copy(src->index[i].name, &ok);
    if (!ok) vg_graph_table_free(dst);
    return ok;
}

static void drop(vg_graph_table_entry *e) {
    sqlite3_free(e->key);
    vg_graph_table_free(&e->table);
    memset(e, 0, sizeof *e);
}

void vg_graph_tables_clear(vg_graph_conn *conn) {
    for (int i = 0; i < VG_GRAPH_TABLE_ENTRIES; i++) drop(&conn->tables[i]);
}

static int memdb_main(sqlite3 *db) {
    sqlite3_vfs *vfs = NULL;
    return sqlite3_file_control(db, "main", SQLITE_FCNTL_VFS_POINTER, &vfs) != SQLITE_OK || !vfs || !vfs->zName ||
           strcmp(vfs->zName, "memdb") == 0;
}

int vg_graph_tables_versions(sqlite3 *db, int64_t versions[2]) {
    if (memdb_main(db)) return SQLITE_ERROR;
    int rc = vg_graph_pragma(db, "main", "schema_version", &versions[0]);
    return rc == SQLITE_OK ? vg_graph_pragma(db, "temp", "schema_version", &versions[1]) : rc;
}

static vg_graph_table_entry *find(vg_graph_conn *conn, const char *key) {
    for (int i = 0; i < VG_GRAPH_TABLE_ENTRIES; i++)
        if (conn->tables[i].key && strcmp(conn->tables[i].key, key) == 0) return &conn->tables[i];
    return NULL;
}

int vg_graph_tables_find(vg_graph_conn *conn, const char *key, const int64_t versions[2], vg_graph_table *t) {
    vg_graph_table_entry *e = find(conn, key);
    if (!e) return 0;
    if (e->versions[0] != versions[0] || e->versions[1] != versions[1]) {
        drop(e);
        return 0;
    }
    const vg_graph_source *source = t->source;
    int ok = table_copy(t, &e->table); /* out of memory: a miss, which the caller resolves afresh */
    t->source = source;
    return ok;
}

void vg_graph_tables_keep(vg_graph_conn *conn, const char *key, const int64_t versions[2], const vg_graph_table *t) {
    if (sqlite3_stricmp(t->schema, "main") != 0 && sqlite3_stricmp(t->schema, "temp") != 0) return;
    vg_graph_table_entry *e = find(conn, key);
    if (!e) {
        e = &conn->tables[conn->next_table];
        conn->next_table = (conn->next_table + 1) % VG_GRAPH_TABLE_ENTRIES;
    }
    drop(e);
    if (!(e->key = sqlite3_mprintf("%s", key)) || !table_copy(&e->table, t)) {
        drop(e); /* out of memory: just not kept */
        return;
    }
    e->table.source = NULL;
    e->versions[0] = versions[0];
    e->versions[1] = versions[1];
}
