/* The checks every edge row passes, whether read with the whole table or through an index (ids are
 * INTEGER or TEXT, one type per table; weights are finite numbers >= 0), and node ids given as
 * arguments. Messages name the function, the column and the problem. */
#include <math.h>

#include "vg_graph_sql.h"

int vg_graph_fail(char **err, int rc, char *message) {
    *err = message;
    return message ? rc : SQLITE_NOMEM;
}

const char *vg_graph_shown(sqlite3_value *v) {
    int type = v ? sqlite3_value_type(v) : SQLITE_NULL;
    if (type == SQLITE_NULL) return "NULL";
    if (type == SQLITE_BLOB && sqlite3_value_bytes(v) == 0) return ""; /* its text may be a NULL pointer */
    return (const char *)sqlite3_value_text(v);
}

const char *vg_graph_type_name(int type) {
    switch (type) {
    case SQLITE_INTEGER: return "INTEGER";
    case SQLITE_FLOAT: return "REAL";
    case SQLITE_TEXT: return "TEXT";
    case SQLITE_BLOB: return "BLOB";
    default: return "NULL";
    }
}

int vg_graph_check_ids(const char *fname, const vg_graph_table *t, vg_graph_id_type seen, int src_type, int dst_type,
                       char **err) {
    int type[2] = {src_type, dst_type};
    const char *column[2] = {t->source->src_col, t->source->dst_col};
    for (int i = 0; i < 2; i++) {
        if (type[i] != SQLITE_INTEGER && type[i] != SQLITE_TEXT)
            return vg_graph_fail(err, SQLITE_MISMATCH,
                                 sqlite3_mprintf("%s: node ids must be INTEGER or TEXT, but %s holds a %s value", fname,
                                                 column[i], vg_graph_type_name(type[i])));
    }
    int first = seen == VG_GRAPH_INT_IDS ? SQLITE_INTEGER : seen == VG_GRAPH_TEXT_IDS ? SQLITE_TEXT : src_type;
    for (int i = 0; i < 2; i++) {
        if (type[i] == first) continue;
        return vg_graph_fail(err, SQLITE_MISMATCH,
                             sqlite3_mprintf("%s: node ids mix INTEGER and TEXT (%s holds a %s id after %s ids): use one type",
                                             fname, column[i], vg_graph_type_name(type[i]), vg_graph_type_name(first)));
    }
    return SQLITE_OK;
}

int vg_graph_check_weight(const char *fname, const vg_graph_table *t, sqlite3_value *weight, sqlite3_value *src,
                          sqlite3_value *dst, double *w, char **err) {
    int type = sqlite3_value_type(weight);
    if (type != SQLITE_INTEGER && type != SQLITE_FLOAT)
        return vg_graph_fail(err, SQLITE_MISMATCH,
                             sqlite3_mprintf("%s: weights must be numbers, but %s holds a %s value", fname,
                                             t->source->weight_col, vg_graph_type_name(type)));
    *w = sqlite3_value_double(weight);
    if (*w >= 0.0 && isfinite(*w)) return SQLITE_OK;
    const char *shown[3] = {vg_graph_shown(weight), vg_graph_shown(src), vg_graph_shown(dst)};
    return vg_graph_fail(err, SQLITE_ERROR,
                         shown[0] && shown[1] && shown[2]
                             ? sqlite3_mprintf("%s: weight %s on edge %s -> %s: weights must be finite and >= 0", fname,
                                               shown[0], shown[1], shown[2])
                             : NULL);
}

int vg_graph_builder_code(const char *fname, vg_graph_status st, char **err) {
    if (st == VG_GRAPH_OK) return SQLITE_OK;
    if (st == VG_GRAPH_NOMEM) return SQLITE_NOMEM;
    return vg_graph_fail(err, SQLITE_TOOBIG,
                         sqlite3_mprintf("%s: graph too large: at most %u nodes and %u edges", fname, VG_GRAPH_NONE - 1,
                                         VG_GRAPH_NONE - 1));
}

vg_graph_node_id vg_graph_node_arg(sqlite3_value *v) {
    vg_graph_node_id id = {VG_GRAPH_NO_IDS, 0, NULL, 0};
    switch (v ? sqlite3_value_type(v) : SQLITE_NULL) {
    case SQLITE_INTEGER:
        id.type = VG_GRAPH_INT_IDS;
        id.i = sqlite3_value_int64(v);
        break;
    case SQLITE_FLOAT: {
        double d = sqlite3_value_double(v);
        if (d >= -9.2e18 && d <= 9.2e18 && d == (double)(sqlite3_int64)d) {
            id.type = VG_GRAPH_INT_IDS;
            id.i = (sqlite3_int64)d;
        }
        break;
    }
    case SQLITE_TEXT:
        id.text = (const char *)sqlite3_value_text(v);
        id.len = (size_t)sqlite3_value_bytes(v);
        if (id.text) id.type = VG_GRAPH_TEXT_IDS;
        break;
    default: break;
    }
    return id;
}

uint32_t vg_graph_find_node(const vg_graph *g, const vg_graph_node_id *id) {
    if (id->type == VG_GRAPH_INT_IDS) return vg_graph_find_int(g, id->i);
    if (id->type == VG_GRAPH_TEXT_IDS) return vg_graph_find_text(g, id->text, id->len);
    return VG_GRAPH_NONE;
}
