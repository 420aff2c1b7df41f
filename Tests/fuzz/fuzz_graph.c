/* libFuzzer target: the graph functions over an edge table the fuzz bytes fill, each answer checked
 * against a straightforward reference implementation in this file (README, "Graph functions").
 *
 * The bytes choose the table (column types, so affinities convert values; a rowid or WITHOUT ROWID
 * table, in main or temp, or a view over it), its indexes and their collations (BINARY, NOCASE,
 * RTRIM), VEC_GRAPH_STRATEGY (auto, index, load, cache), and the edges: small integer or text ids,
 * and hostile ones (NULL, REAL, BLOB, the extreme integers, '', 'A' beside 'a', 'a ', an embedded
 * NUL, a 100 KB text), with weights (halves, and NULL, negative, infinite, TEXT, BLOB). Then calls
 * of graph_bfs, graph_dfs, graph_shortest_path (hops and weighted), graph_components and
 * graph_pagerank with fuzzed arguments (start and end nodes of every type, max_depth, direction,
 * bad ones too), between inserts, deletes and updates of edges, inside transactions rolled back or
 * not (the cache must follow).
 *
 * The reference reads the table back (the values as stored) and computes: BFS (visit order,
 * neighbours ascending: integers ascending, text by bytes; depth; parent), DFS preorder with
 * neighbours ascending (without max_depth; with it, each row's parent came first and links to it),
 * shortest paths (the distances; the path of predecessors, each the first settled node in
 * (distance, node) order that reaches the next), weakly connected components (id the smallest
 * node) and PageRank's shape (one row per node, ascending, ranks >= 0 summing to 1). A table whose
 * read rows hold an id that is not INTEGER or TEXT, or mix the two (or, for weighted paths, a bad
 * weight), must give an error from whole-graph calls, and an error or no row from searches that
 * read the whole table (views; the load and cache strategies); a search through the indexes may
 * answer from the rows it reads. Bad arguments must give an error naming the function. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"

enum { MAXE = 40, MAXN = 2 * MAXE + 2, HUGE_LEN = 100000 };

/* A node id as stored: INTEGER or TEXT (anything else makes the table "dirty"). */
typedef struct node_id {
    int type;
    int64_t i;
    const unsigned char *text; /* into the edge's own copy */
    int len;
} node_id;

typedef struct edge {
    node_id src, dst;
    int src_null, dst_null, bad; /* NULL ends (skipped); an end neither INTEGER nor TEXT */
    int w_type;                  /* the weight's type, as stored */
    double w;
    unsigned char *mem[2];       /* the text ids' bytes */
} edge;

typedef struct graph {
    edge e[MAXE + 8];
    int n_edges;
    int dirty;   /* a row both of whose ends are non-NULL holds a bad id, or the ids mix types */
    int dirty_w; /* ... or, for weights: a kept row's weight is not a finite number >= 0 */
    node_id nodes[MAXN];
    int n_nodes; /* sorted ascending */
    int out[MAXE + 8][2], n_out;
} graph;

typedef struct session {
    sqlite3 *db;
    int strategy; /* 0 auto, 1 index, 2 load, 3 cache */
    int view, temp, text_ids;
    int next_id; /* the id column (a WITHOUT ROWID table does not number its rows) */
    char table[16];
    char *huge;
    graph g;
} session;

static const char *const strategies[] = {"auto", "index", "load", "cache"};

/* ---- node ids ---- */

static int compare_ids(const node_id *a, const node_id *b) {
    if (a->type != b->type) return a->type < b->type ? -1 : 1;
    if (a->type == SQLITE_INTEGER) return a->i < b->i ? -1 : a->i > b->i;
    int n = a->len < b->len ? a->len : b->len, c = n ? memcmp(a->text, b->text, (size_t)n) : 0;
    return c ? c : (a->len > b->len) - (a->len < b->len);
}

static int node_index(const graph *g, const node_id *id) {
    for (int i = 0; i < g->n_nodes; i++)
        if (compare_ids(&g->nodes[i], id) == 0) return i;
    return -1;
}

static void add_node(graph *g, const node_id *id) {
    if (node_index(g, id) >= 0) return;
    int at = g->n_nodes++;
    while (at > 0 && compare_ids(&g->nodes[at - 1], id) > 0) {
        g->nodes[at] = g->nodes[at - 1];
        at--;
    }
    g->nodes[at] = *id;
}

/* The node an output column holds (stops when it is none of the graph's). */
static int output_node(const graph *g, sqlite3_stmt *s, int col, const char *what) {
    node_id id = {sqlite3_column_type(s, col), 0, NULL, 0};
    if (id.type == SQLITE_INTEGER) id.i = sqlite3_column_int64(s, col);
    else if (id.type == SQLITE_TEXT) {
        id.text = sqlite3_column_text(s, col);
        id.len = sqlite3_column_bytes(s, col);
    }
    int i = id.type == SQLITE_INTEGER || id.type == SQLITE_TEXT ? node_index(g, &id) : -1;
    if (i < 0) fz_die("%s: a row for a node that is not in the graph (type %d)", what, id.type);
    return i;
}

/* ---- reading the table back into the reference ---- */

static void free_graph(graph *g) {
    for (int i = 0; i < g->n_edges; i++) free(g->e[i].mem[0]), free(g->e[i].mem[1]);
    memset(g, 0, sizeof *g);
}

static void read_id(sqlite3_stmt *s, int col, node_id *id, int *is_null, int *bad, unsigned char **mem) {
    int type = sqlite3_column_type(s, col);
    *is_null = type == SQLITE_NULL;
    *bad |= type != SQLITE_NULL && type != SQLITE_INTEGER && type != SQLITE_TEXT;
    id->type = type;
    if (type == SQLITE_INTEGER) id->i = sqlite3_column_int64(s, col);
    if (type != SQLITE_TEXT) return;
    id->len = sqlite3_column_bytes(s, col);
    *mem = malloc((size_t)id->len + 1);
    memcpy(*mem, sqlite3_column_text(s, col), (size_t)id->len);
    id->text = *mem;
}

static void load_reference(session *ss) {
    graph *g = &ss->g;
    free_graph(g);
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT src, dst, w FROM %sbase", ss->temp ? "temp." : "");
    sqlite3_stmt *s = fz_prepare(ss->db, sql);
    int rc, type = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (g->n_edges == MAXE + 8) fz_die("too many edges");
        edge *e = &g->e[g->n_edges++];
        read_id(s, 0, &e->src, &e->src_null, &e->bad, &e->mem[0]);
        read_id(s, 1, &e->dst, &e->dst_null, &e->bad, &e->mem[1]);
        e->w_type = sqlite3_column_type(s, 2);
        e->w = sqlite3_column_double(s, 2);
        if (e->src_null || e->dst_null) continue;
        if (e->bad) g->dirty = 1;
        for (int k = 0; k < 2 && !e->bad; k++) {
            int t = k ? e->dst.type : e->src.type;
            if (!type) type = t;
            else if (t != type) g->dirty = 1;
        }
        if (e->w_type != SQLITE_NULL &&
            (!(e->w_type == SQLITE_INTEGER || e->w_type == SQLITE_FLOAT) || !(e->w >= 0) || isinf(e->w)))
            g->dirty_w = 1;
    }
    fz_check_rc(ss->db, rc, sql);
    sqlite3_finalize(s);
    g->dirty_w |= g->dirty;
    if (g->dirty) return;
    for (int i = 0; i < g->n_edges; i++) {
        if (g->e[i].src_null || g->e[i].dst_null) continue;
        add_node(g, &g->e[i].src);
        add_node(g, &g->e[i].dst);
    }
}

/* Neighbours of node u, ascending, without repeats: dir 0 forward, 1 reverse, 2 both. */
static int neighbours(const graph *g, int u, int dir, int weighted, int *out) {
    unsigned char seen[MAXN] = {0};
    for (int i = 0; i < g->n_edges; i++) {
        const edge *e = &g->e[i];
        if (e->src_null || e->dst_null || (weighted && e->w_type == SQLITE_NULL)) continue;
        int a = node_index(g, &e->src), b = node_index(g, &e->dst);
        if (dir != 1 && a == u) seen[b] = 1;
        if (dir != 0 && b == u) seen[a] = 1;
    }
    int n = 0;
    for (int v = 0; v < g->n_nodes; v++)
        if (seen[v]) out[n++] = v; /* nodes[] is sorted, so this is ascending */
    return n;
}

/* ---- checks of one call ---- */

typedef struct call {
    char sql[256];
    sqlite3_stmt *s;
    int rc;
} call;

/* The rows of a call; errors are judged by the caller. */
static int step_row(session *ss, call *c) {
    c->rc = sqlite3_step(c->s);
    if (c->rc != SQLITE_ROW && c->rc != SQLITE_DONE) {
        const char *msg = sqlite3_errmsg(ss->db);
        if (!strstr(msg, "graph_") && c->rc != SQLITE_NOMEM && c->rc != SQLITE_TOOBIG)
            fz_die("%s: an error that does not name its function: %s", c->sql, msg);
    }
    return c->rc == SQLITE_ROW;
}

static void finish(session *ss, call *c, int must_fail, int may_fail) {
    fz_trace("%s -> %d %s", c->sql, c->rc, c->rc == SQLITE_DONE ? "" : sqlite3_errmsg(ss->db));
    sqlite3_finalize(c->s);
    if (must_fail && c->rc == SQLITE_DONE) fz_die("%s: succeeded, should fail", c->sql);
    if (!must_fail && !may_fail && c->rc != SQLITE_DONE) fz_die("%s: %s", c->sql, sqlite3_errmsg(ss->db));
}

/* Binds a start or end node: one of the graph's (an index into nodes[]) or a value of any type. */
static int bind_node(session *ss, sqlite3_stmt *s, int i, fz_in *in) {
    const graph *g = &ss->g;
    uint8_t b = fz_byte(in);
    if (b < 200 && g->n_nodes) {
        const node_id *id = &g->nodes[b % g->n_nodes];
        if (id->type == SQLITE_INTEGER) {
            /* an integral REAL names the integer node too */
            if ((b & 1) && id->i > -(1LL << 53) && id->i < (1LL << 53)) sqlite3_bind_double(s, i, (double)id->i);
            else sqlite3_bind_int64(s, i, id->i);
        } else {
            sqlite3_bind_text(s, i, (const char *)id->text, id->len, SQLITE_TRANSIENT);
        }
        return b % g->n_nodes;
    }
    switch (b % 6) {
    case 0: sqlite3_bind_null(s, i); break;
    case 1: sqlite3_bind_double(s, i, 2.5); break;
    case 2: sqlite3_bind_blob(s, i, "\1", 1, SQLITE_STATIC); break;
    case 3: sqlite3_bind_int64(s, i, 77); break;
    case 4: sqlite3_bind_text(s, i, "zz", -1, SQLITE_STATIC); break;
    default: sqlite3_bind_text(s, i, "3", -1, SQLITE_STATIC); break;
    }
    /* a value of the graph's own type might still name one of its nodes */
    node_id probe = {SQLITE_NULL, 0, NULL, 0};
    if (b % 6 == 3) probe = (node_id){SQLITE_INTEGER, 77, NULL, 0};
    if (b % 6 == 4) probe = (node_id){SQLITE_TEXT, 0, (const unsigned char *)"zz", 2};
    if (b % 6 == 5) probe = (node_id){SQLITE_TEXT, 0, (const unsigned char *)"3", 1};
    return probe.type == SQLITE_NULL ? -1 : node_index(g, &probe);
}

/* Whether a search over a dirty table may give no row: it reads the whole table (or answers "no
 * such node" from the start node's type alone), so it fails or finds nothing. */
static int search_reads_all(const session *ss) {
    return ss->view || ss->strategy >= 2;
}

static const char *const directions[] = {"forward", "reverse", "both", "sideways"};

/* graph_bfs or graph_dfs with fuzzed arguments. */
static void traverse(session *ss, fz_in *in, int dfs) {
    graph *g = &ss->g;
    uint8_t form = fz_byte(in);
    int has_depth = form & 1, has_dir = form & 2, depth_kind = fz_byte(in) % 8, dir = fz_below(in, 4);
    int max_depth = depth_kind < 4 ? depth_kind : depth_kind == 4 ? -2 /* NULL */ : -1 /* bad */;
    if (has_dir) has_depth = 1;
    call c;
    snprintf(c.sql, sizeof c.sql, "SELECT node, depth, parent FROM %s(?1, 'src', 'dst', ?2%s%s)", dfs ? "graph_dfs" : "graph_bfs",
             has_depth ? ", ?3" : "", has_dir ? ", ?4" : "");
    c.s = fz_prepare(ss->db, c.sql);
    sqlite3_bind_text(c.s, 1, ss->table, -1, SQLITE_STATIC);
    int start = bind_node(ss, c.s, 2, in);
    if (has_depth) {
        if (max_depth >= 0) sqlite3_bind_int(c.s, 3, max_depth);
        else if (max_depth == -2) sqlite3_bind_null(c.s, 3);
        else if (depth_kind == 5) sqlite3_bind_int(c.s, 3, -1);
        else if (depth_kind == 6) sqlite3_bind_double(c.s, 3, 1.5);
        else sqlite3_bind_text(c.s, 3, "two", -1, SQLITE_STATIC);
    }
    if (has_dir) sqlite3_bind_text(c.s, 4, directions[dir], -1, SQLITE_STATIC);
    int bad_args = (has_depth && max_depth == -1) || (has_dir && dir == 3);
    if (!has_depth || max_depth == -2) max_depth = -1;
    if (!has_dir) dir = 0;

    /* the reference: BFS queue order, or DFS preorder (a stack, neighbours pushed in reverse) */
    int order[MAXN], depth[MAXN], parent[MAXN], n_ref = 0;
    unsigned char visited[MAXN] = {0};
    if (!g->dirty && start >= 0) {
        static int stack[MAXN * MAXN], from[MAXN * MAXN], sdepth[MAXN * MAXN];
        int top = 0, head = 0;
        if (!dfs) {
            order[n_ref] = start, depth[start] = 0, parent[start] = -1, visited[start] = 1, n_ref++;
            while (head < n_ref) {
                int u = order[head++], nb[MAXN];
                if (max_depth >= 0 && depth[u] >= max_depth) continue;
                int k = neighbours(g, u, dir, 0, nb);
                for (int i = 0; i < k; i++)
                    if (!visited[nb[i]]) visited[nb[i]] = 1, depth[nb[i]] = depth[u] + 1, parent[nb[i]] = u, order[n_ref++] = nb[i];
            }
        } else {
            stack[top] = start, from[top] = -1, sdepth[top++] = 0;
            while (top) {
                top--;
                int u = stack[top];
                if (visited[u]) continue;
                visited[u] = 1, depth[u] = sdepth[top], parent[u] = from[top], order[n_ref++] = u;
                int nb[MAXN], k = neighbours(g, u, dir, 0, nb);
                for (int i = k - 1; i >= 0; i--)
                    if (!visited[nb[i]]) stack[top] = nb[i], from[top] = u, sdepth[top++] = depth[u] + 1;
            }
        }
    }
    int got = 0, got_node[MAXN], got_depth[MAXN];
    unsigned char seen[MAXN] = {0};
    int dirty_rows = 0;
    while (step_row(ss, &c)) {
        if (g->dirty && ++dirty_rows) continue;
        if (got == n_ref && !(dfs && max_depth >= 0)) fz_die("%s: more rows than the reference's %d", c.sql, n_ref);
        int v = output_node(g, c.s, 0, c.sql), d = sqlite3_column_int(c.s, 1);
        int p = sqlite3_column_type(c.s, 2) == SQLITE_NULL ? -1 : output_node(g, c.s, 2, c.sql);
        if (seen[v]) fz_die("%s: node %d twice", c.sql, v);
        seen[v] = 1;
        if (dfs && max_depth >= 0) {
            /* the depth-limited DFS: its parent came first, one level up, and links to it */
            int ok = got == 0 ? v == start && d == 0 && p < 0 : p >= 0 && seen[p] && d <= max_depth;
            for (int j = 0; ok && j < got; j++)
                if (got_node[j] == p) ok = got_depth[j] == d - 1;
            if (ok && got) {
                int nb[MAXN], k = neighbours(g, p, dir, 0, nb), linked = 0;
                for (int i = 0; i < k; i++) linked |= nb[i] == v;
                ok = linked;
            }
            if (!ok) fz_die("%s: row %d (node %d, depth %d, parent %d) is not a step of a depth-limited DFS", c.sql, got, v, d, p);
        } else if (order[got] != v || depth[v] != d || parent[v] != p) {
            fz_die("%s: row %d is node %d depth %d parent %d; the reference's node %d depth %d parent %d", c.sql, got, v, d,
                   p, order[got], depth[order[got]], parent[order[got]]);
        }
        got_node[got] = v;
        got_depth[got++] = d;
    }
    if (!g->dirty && c.rc == SQLITE_DONE && !(dfs && max_depth >= 0) && got != n_ref)
        fz_die("%s: %d rows, the reference has %d", c.sql, got, n_ref);
    if (dirty_rows && search_reads_all(ss) && c.rc == SQLITE_DONE) fz_die("%s: rows from a table it cannot read", c.sql);
    finish(ss, &c, bad_args, g->dirty);
}

/* Dijkstra (or BFS by hops) from start: dist[] (INFINITY: unreached), settled in (distance, node)
 * order, pred[] the first settled node that reaches each. */
static void shortest(const graph *g, int start, int weighted, double *dist, int *pred) {
    unsigned char done[MAXN] = {0};
    for (int v = 0; v < g->n_nodes; v++) dist[v] = INFINITY, pred[v] = -1;
    dist[start] = 0;
    for (;;) {
        int u = -1;
        for (int v = 0; v < g->n_nodes; v++)
            if (!done[v] && dist[v] < INFINITY && (u < 0 || dist[v] < dist[u])) u = v;
        if (u < 0) return;
        done[u] = 1;
        for (int i = 0; i < g->n_edges; i++) {
            const edge *e = &g->e[i];
            if (e->src_null || e->dst_null || (weighted && e->w_type == SQLITE_NULL)) continue;
            if (node_index(g, &e->src) != u) continue;
            int v = node_index(g, &e->dst);
            double d = dist[u] + (weighted ? e->w : 1.0);
            if (!done[v] && d < dist[v]) dist[v] = d, pred[v] = u;
        }
    }
}

static int in_weighted_graph(const graph *g, int v) {
    for (int i = 0; i < g->n_edges; i++) {
        const edge *e = &g->e[i];
        if (!e->src_null && !e->dst_null && e->w_type != SQLITE_NULL &&
            (node_index(g, &e->src) == v || node_index(g, &e->dst) == v))
            return 1;
    }
    return 0;
}

static void path(session *ss, fz_in *in) {
    graph *g = &ss->g;
    int weighted = fz_byte(in) & 1;
    call c;
    snprintf(c.sql, sizeof c.sql, "SELECT node, distance, path_order FROM graph_shortest_path(?1, 'src', 'dst', ?2, ?3%s)",
             weighted ? ", 'w'" : "");
    c.s = fz_prepare(ss->db, c.sql);
    sqlite3_bind_text(c.s, 1, ss->table, -1, SQLITE_STATIC);
    int start = bind_node(ss, c.s, 2, in), end = bind_node(ss, c.s, 3, in);
    int dirty = weighted ? g->dirty_w : g->dirty;
    double dist[MAXN];
    int pred[MAXN], chain[MAXN], n_chain = 0;
    /* a weighted call skips the rows without a weight: their nodes may not be in its graph */
    if (weighted && start >= 0 && !in_weighted_graph(g, start)) start = -1;
    if (weighted && end >= 0 && !in_weighted_graph(g, end)) end = -1;
    if (!dirty && start >= 0 && end >= 0) {
        shortest(g, start, weighted, dist, pred);
        if (dist[end] < INFINITY)
            for (int v = end; v >= 0; v = pred[v]) chain[n_chain++] = v;
    }
    int got = 0, dirty_rows = 0;
    while (step_row(ss, &c)) {
        if (dirty && ++dirty_rows) continue;
        if (got >= n_chain) fz_die("%s: more rows than the reference's path of %d", c.sql, n_chain);
        int v = output_node(g, c.s, 0, c.sql), want = chain[n_chain - 1 - got];
        double d = sqlite3_column_double(c.s, 1);
        if (v != want || d != dist[want] || sqlite3_column_int(c.s, 2) != got ||
            sqlite3_column_type(c.s, 1) != (weighted ? SQLITE_FLOAT : SQLITE_INTEGER))
            fz_die("%s: row %d is node %d at %g; the reference's node %d at %g", c.sql, got, v, d, want, dist[want]);
        got++;
    }
    if (!dirty && c.rc == SQLITE_DONE && got != n_chain) fz_die("%s: %d rows, the reference's path has %d", c.sql, got, n_chain);
    if (dirty_rows && search_reads_all(ss) && c.rc == SQLITE_DONE) fz_die("%s: rows from a table it cannot read", c.sql);
    finish(ss, &c, 0, dirty);
}

static void components(session *ss) {
    graph *g = &ss->g;
    int comp[MAXN];
    for (int v = 0; v < g->n_nodes; v++) comp[v] = v;
    for (int changed = 1; changed;) {
        changed = 0;
        for (int i = 0; i < g->n_edges; i++) {
            const edge *e = &g->e[i];
            if (e->src_null || e->dst_null || g->dirty) continue;
            int a = node_index(g, &e->src), b = node_index(g, &e->dst);
            int m = comp[a] < comp[b] ? comp[a] : comp[b];
            if (comp[a] != m || comp[b] != m) comp[a] = comp[b] = m, changed = 1;
        }
    }
    call c;
    snprintf(c.sql, sizeof c.sql, "SELECT node, component_id, component_size FROM graph_components(?1, 'src', 'dst')");
    c.s = fz_prepare(ss->db, c.sql);
    sqlite3_bind_text(c.s, 1, ss->table, -1, SQLITE_STATIC);
    int got = 0;
    while (step_row(ss, &c)) {
        if (g->dirty) fz_die("%s: a row from a table whose ids are not all INTEGER or all TEXT", c.sql);
        int v = output_node(g, c.s, 0, c.sql), id = output_node(g, c.s, 1, c.sql), size = 0;
        for (int u = 0; u < g->n_nodes; u++) size += comp[u] == comp[v];
        if (v != got || id != comp[v] || sqlite3_column_int(c.s, 2) != size)
            fz_die("%s: row %d: node %d in component %d of %d; the reference's node %d in %d of %d", c.sql, got, v, id,
                   sqlite3_column_int(c.s, 2), got, comp[got], size);
        got++;
    }
    if (!g->dirty && c.rc == SQLITE_DONE && got != g->n_nodes) fz_die("%s: %d rows for %d nodes", c.sql, got, g->n_nodes);
    finish(ss, &c, g->dirty, 0);
}

static void pagerank(session *ss) {
    graph *g = &ss->g;
    call c;
    snprintf(c.sql, sizeof c.sql, "SELECT node, rank FROM graph_pagerank(?1, 'src', 'dst')");
    c.s = fz_prepare(ss->db, c.sql);
    sqlite3_bind_text(c.s, 1, ss->table, -1, SQLITE_STATIC);
    int got = 0;
    double sum = 0;
    while (step_row(ss, &c)) {
        if (g->dirty) fz_die("%s: a row from a table whose ids are not all INTEGER or all TEXT", c.sql);
        double r = sqlite3_column_double(c.s, 1);
        if (output_node(g, c.s, 0, c.sql) != got++ || !(r >= 0)) fz_die("%s: row %d out of order or rank %g", c.sql, got, r);
        sum += r;
    }
    if (!g->dirty && c.rc == SQLITE_DONE && (got != g->n_nodes || (got && fabs(sum - 1.0) > 1e-5)))
        fz_die("%s: %d rows for %d nodes, ranks summing to %.9g", c.sql, got, g->n_nodes, sum);
    finish(ss, &c, g->dirty, 0);
}

/* ---- the table ---- */

static void bind_id(session *ss, sqlite3_stmt *s, int i, fz_in *in) {
    uint8_t b = fz_byte(in);
    if (b < 150) {
        char text[4] = {'n', (char)('0' + b % 10), 0, 0};
        if (ss->text_ids) sqlite3_bind_text(s, i, text, 2, SQLITE_TRANSIENT);
        else sqlite3_bind_int(s, i, b % 10);
        return;
    }
    switch (b % 14) {
    case 0: sqlite3_bind_text(s, i, (const char[]){(char)('a' + b % 6), 0}, 1, SQLITE_TRANSIENT); break;
    case 1: sqlite3_bind_text(s, i, "A", 1, SQLITE_STATIC); break;
    case 2: sqlite3_bind_text(s, i, "a ", 2, SQLITE_STATIC); break;
    case 3: sqlite3_bind_text(s, i, "", 0, SQLITE_STATIC); break;
    case 4: sqlite3_bind_text(s, i, "a\0b", 3, SQLITE_STATIC); break;
    case 5: sqlite3_bind_int64(s, i, INT64_MAX); break;
    case 6: sqlite3_bind_int64(s, i, INT64_MIN); break;
    case 7: sqlite3_bind_int64(s, i, -1); break;
    case 8: sqlite3_bind_double(s, i, 1.5); break;
    case 9: sqlite3_bind_double(s, i, 2.0); break;
    case 10: sqlite3_bind_blob(s, i, "\1", 1, SQLITE_STATIC); break;
    case 11: sqlite3_bind_null(s, i); break;
    case 12: sqlite3_bind_text(s, i, ss->huge, HUGE_LEN, SQLITE_STATIC); break;
    default: sqlite3_bind_text(s, i, "3", 1, SQLITE_STATIC); break;
    }
}

static void bind_weight(sqlite3_stmt *s, int i, fz_in *in) {
    uint8_t b = fz_byte(in);
    if (b < 200) {
        sqlite3_bind_double(s, i, (b % 8) / 2.0);
        return;
    }
    switch (b % 6) {
    case 0: sqlite3_bind_null(s, i); break;
    case 1: sqlite3_bind_int(s, i, -1); break;
    case 2: sqlite3_bind_text(s, i, "x", 1, SQLITE_STATIC); break;
    case 3: sqlite3_bind_double(s, i, INFINITY); break;
    case 4: sqlite3_bind_blob(s, i, "\0", 1, SQLITE_STATIC); break;
    default: sqlite3_bind_int(s, i, 4); break;
    }
}

static void insert_edges(session *ss, fz_in *in, int n) {
    char sql[80];
    snprintf(sql, sizeof sql, "INSERT INTO %sbase(src, dst, w, id) VALUES (?1, ?2, ?3, ?4)", ss->temp ? "temp." : "");
    sqlite3_stmt *s = fz_prepare(ss->db, sql);
    for (int i = 0; i < n && ss->g.n_edges + i < MAXE; i++) {
        sqlite3_bind_int(s, 4, ++ss->next_id);
        bind_id(ss, s, 1, in);
        bind_id(ss, s, 2, in);
        bind_weight(s, 3, in);
        fz_check_rc(ss->db, sqlite3_step(s), sql);
        sqlite3_reset(s);
    }
    sqlite3_finalize(s);
}

static void create_table(session *ss, fz_in *in) {
    static const char *const types[] = {"", "INTEGER", "TEXT", "BLOB", "REAL", "NUMERIC"};
    static const char *const collations[] = {"BINARY", "NOCASE", "RTRIM"};
    uint8_t a = fz_byte(in), b = fz_byte(in), c = fz_byte(in);
    const char *t_src = types[a % 6], *t_dst = types[(a / 6) % 6], *t_w = types[b % 6];
    int kind = (b / 6) % 4; /* 0 rowid table, 1 WITHOUT ROWID, 2 temp, 3 a view */
    ss->temp = kind == 2;
    ss->view = kind == 3;
    ss->text_ids = (c & 0x40) != 0;
    char sql[400];
    snprintf(sql, sizeof sql, "CREATE %sTABLE base(id INTEGER PRIMARY KEY, src %s, dst %s, w %s)%s", ss->temp ? "TEMP " : "",
             t_src, t_dst, t_w, kind == 1 ? " WITHOUT ROWID" : "");
    fz_exec_ok(ss->db, sql);
    const char *schema = ss->temp ? "temp." : "";
    if (c & 1) {
        snprintf(sql, sizeof sql, "CREATE INDEX %sbase_src ON base(src COLLATE %s)", schema, collations[(c >> 2) % 3]);
        fz_exec_ok(ss->db, sql);
    }
    if (c & 2) {
        snprintf(sql, sizeof sql, "CREATE INDEX %sbase_dst ON base(dst COLLATE %s, src)", schema, collations[(c >> 4) % 3]);
        fz_exec_ok(ss->db, sql);
    }
    if (ss->view) fz_exec_ok(ss->db, "CREATE VIEW ev AS SELECT src, dst, w FROM base");
    snprintf(ss->table, sizeof ss->table, "%s", ss->view ? "ev" : ss->temp ? "temp.base" : (c & 0x80) ? "main.base" : "base");
}

/* An edge inserted, deleted or changed, or a transaction begun, committed or rolled back. */
static void change(session *ss, fz_in *in) {
    const char *schema = ss->temp ? "temp." : "";
    char sql[128];
    switch (fz_below(in, 6)) {
    case 0: insert_edges(ss, in, 1); return;
    case 1: snprintf(sql, sizeof sql, "DELETE FROM %sbase WHERE id = %d", schema, 1 + fz_below(in, MAXE)); break;
    case 2: {
        snprintf(sql, sizeof sql, "UPDATE %sbase SET dst = ?1 WHERE id = %d", schema, 1 + fz_below(in, MAXE));
        sqlite3_stmt *s = fz_prepare(ss->db, sql);
        bind_id(ss, s, 1, in);
        fz_check_rc(ss->db, sqlite3_step(s), sql);
        sqlite3_finalize(s);
        return;
    }
    case 3: snprintf(sql, sizeof sql, "BEGIN"); break;
    case 4: snprintf(sql, sizeof sql, "ROLLBACK"); break;
    default: snprintf(sql, sizeof sql, "COMMIT"); break;
    }
    int rc = fz_exec(ss->db, sql);
    fz_trace("%s -> %d", sql, rc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fz_in in = {data, size, 0};
    static char *huge;
    if (!huge) {
        huge = malloc(HUGE_LEN + 1);
        memset(huge, 'h', HUGE_LEN);
        huge[HUGE_LEN] = 0;
    }
    session *ss = calloc(1, sizeof *ss);
    ss->huge = huge;
    ss->strategy = fz_below(&in, 4);
    setenv("VEC_GRAPH_STRATEGY", strategies[ss->strategy], 1); /* read when a connection loads vec_graph */
    ss->db = fz_open(":memory:");
    create_table(ss, &in);
    insert_edges(ss, &in, fz_below(&in, MAXE / 2 + 1));
    for (int ops = 0; fz_more(&in) && ops < 200; ops++) {
        load_reference(ss);
        switch (fz_below(&in, 8)) {
        case 0: traverse(ss, &in, 0); break;
        case 1: traverse(ss, &in, 1); break;
        case 2:
        case 3: path(ss, &in); break;
        case 4: components(ss); break;
        case 5: pagerank(ss); break;
        default: change(ss, &in); break;
        }
    }
    free_graph(&ss->g);
    if (sqlite3_close(ss->db) != SQLITE_OK) fz_die("close: a statement was left open");
    free(ss);
    return 0;
}
