/* Reading one node's edge rows through an index: a prepared lookup per side,
 *   SELECT key, other[, weight] FROM "schema"."table" INDEXED BY "index" WHERE key = ?1 COLLATE <index's>
 * with every name found in the schema and quoted. The index's collation makes it a search; since
 * equal bytes are equal under it, and a bound value is only converted by the column's affinity where
 * the column cannot hold that value's type, the lookup returns every row whose key is exactly the id
 * (same type, same value or bytes), and maybe others, which are dropped here: the rows are then those
 * a full read gives that node, and pass the same checks. */
#include <string.h>

#include "vg_graph_sql.h"

static int prepare(vg_graph_lookups *lk, int side) {
    const vg_graph_table *t = lk->t;
    const vg_graph_index *index = &t->index[side];
    if (!index->name) return VG_GRAPH_NOT_A_SEARCH;
    const char *key = t->col[side], *other = t->col[!side];
    char *sql = t->col[2]
                    ? sqlite3_mprintf("SELECT \"%w\", \"%w\", \"%w\" FROM \"%w\".\"%w\" INDEXED BY \"%w\" WHERE \"%w\" = ?1 COLLATE %s",
                                      key, other, t->col[2], t->schema, t->name, index->name, key, index->collation)
                    : sqlite3_mprintf("SELECT \"%w\", \"%w\" FROM \"%w\".\"%w\" INDEXED BY \"%w\" WHERE \"%w\" = ?1 COLLATE %s",
                                      key, other, t->schema, t->name, index->name, key, index->collation);
    if (!sql) return SQLITE_NOMEM;
    int rc = sqlite3_prepare_v2(lk->db, sql, -1, &lk->stmt[side], NULL);
    sqlite3_free(sql);
    return rc == SQLITE_OK || rc == SQLITE_NOMEM ? rc : VG_GRAPH_NOT_A_SEARCH;
}

void vg_graph_lookups_init(vg_graph_lookups *lk, sqlite3 *db, const char *fname, const vg_graph_table *t) {
    memset(lk, 0, sizeof *lk);
    lk->db = db;
    lk->fname = fname;
    lk->t = t;
}

void vg_graph_lookups_close(vg_graph_lookups *lk) {
    sqlite3_finalize(lk->stmt[0]);
    sqlite3_finalize(lk->stmt[1]);
    sqlite3_free(lk->err);
    lk->stmt[0] = lk->stmt[1] = NULL;
    lk->err = NULL;
}

static int sqlite_type(vg_graph_id_type type) {
    return type == VG_GRAPH_INT_IDS ? SQLITE_INTEGER : SQLITE_TEXT;
}

/* Whether a row's key is u's id exactly. */
static int is_id(const vg_graph_ids *ids, uint32_t u, sqlite3_value *key) {
    if (ids->type == VG_GRAPH_INT_IDS) return sqlite3_value_int64(key) == ids->ints[u];
    const char *text = (const char *)sqlite3_value_text(key);
    size_t len = (size_t)sqlite3_value_bytes(key);
    return text && len == ids->text_len[u] && memcmp(text, ids->text + ids->text_off[u], len) == 0;
}

static int local_code(vg_graph_lookups *lk, vg_graph_status st) {
    if (st == VG_GRAPH_FETCH_FAILED) return SQLITE_INTERNAL;
    return vg_graph_builder_code(lk->fname, st, &lk->err);
}

/* Takes one row of u's lookup on side (0: by src, 1: by dst). */
static int take_row(vg_graph_lookups *lk, vg_graph_local *local, uint32_t u, int side, sqlite3_stmt *stmt) {
    const vg_graph_ids *ids = &local->b.ids;
    sqlite3_value *key = sqlite3_column_value(stmt, 0), *other = sqlite3_column_value(stmt, 1);
    int tk = sqlite3_value_type(key), to = sqlite3_value_type(other);
    if (to == SQLITE_NULL) return SQLITE_OK;
    double w = 0.0;
    if (lk->t->col[2]) {
        sqlite3_value *weight = sqlite3_column_value(stmt, 2);
        if (sqlite3_value_type(weight) == SQLITE_NULL) return SQLITE_OK;
        int rc = vg_graph_check_weight(lk->fname, lk->t, weight, side ? other : key, side ? key : other, &w, &lk->err);
        if (rc != SQLITE_OK) return rc;
    }
    /* a key of the id's own type that differs only under the collation is another node's row; one of the
     * other type met an id given as an argument through the column's affinity, and is no row of it */
    if (tk == sqlite_type(ids->type) && !is_id(ids, u, key)) return SQLITE_OK;
    if ((tk == SQLITE_INTEGER || tk == SQLITE_TEXT) && tk != sqlite_type(ids->type) && u < local->given) return SQLITE_OK;
    int rc = vg_graph_check_ids(lk->fname, lk->t, ids->type, side ? to : tk, side ? tk : to, &lk->err);
    if (rc != SQLITE_OK) return rc;
    vg_graph_direction dir = side ? VG_GRAPH_REVERSE : VG_GRAPH_FORWARD;
    if (to == SQLITE_INTEGER) return local_code(lk, vg_graph_local_add_int(local, u, dir, sqlite3_value_int64(other), w));
    const char *text = (const char *)sqlite3_value_text(other);
    if (!text) return SQLITE_NOMEM;
    return local_code(lk, vg_graph_local_add_text(local, u, dir, text, (size_t)sqlite3_value_bytes(other), w));
}

int vg_graph_lookups_fetch(void *ctx, vg_graph_local *local, uint32_t u, vg_graph_direction side) {
    vg_graph_lookups *lk = ctx;
    int s = side == VG_GRAPH_REVERSE;
    if (!lk->stmt[s]) {
        int rc = prepare(lk, s);
        if (rc != SQLITE_OK) return rc;
    }
    sqlite3_stmt *stmt = lk->stmt[s];
    const vg_graph_ids *ids = &local->b.ids;
    /* TRANSIENT: the rows add ids, which may move the arena this id lives in */
    int rc = ids->type == VG_GRAPH_INT_IDS
                 ? sqlite3_bind_int64(stmt, 1, ids->ints[u])
                 : sqlite3_bind_text(stmt, 1, ids->text + ids->text_off[u], (int)ids->text_len[u], SQLITE_TRANSIENT);
    while (rc == SQLITE_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW) rc = take_row(lk, local, u, s, stmt);
    int reset = sqlite3_reset(stmt);
    if (rc == SQLITE_DONE) rc = reset;
    if (rc == SQLITE_OK && sqlite3_stmt_status(stmt, SQLITE_STMTSTATUS_FULLSCAN_STEP, 0) > 0) rc = VG_GRAPH_NOT_A_SEARCH;
    if (rc != SQLITE_OK && rc != VG_GRAPH_NOT_A_SEARCH && rc != SQLITE_NOMEM && !lk->err)
        rc = vg_graph_fail(&lk->err, rc,
                           sqlite3_mprintf("%s: reading %s: %s", lk->fname, lk->t->source->table, sqlite3_errmsg(lk->db)));
    return rc;
}
