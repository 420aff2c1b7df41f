/* Unit tests of the graph cache (vg_graph_cache.h): hits need the same key and token, a stale token
 * drops the entry, least recently used entries go first beyond the count or the byte budget, a
 * graph larger than the budget is not kept, and a graph dropped while still referenced lives on. */
#include <string.h>

#include "vg_graph_cache.h"
#include "vg_test.h"

/* A shared graph of n nodes in a chain (n - 1 edges). */
static vg_graph_shared *chain(int n) {
    vg_graph_builder b;
    memset(&b, 0, sizeof b);
    for (int i = 0; i + 1 < n; i++) vg_graph_add_int_edge(&b, i, i + 1, 0);
    vg_graph g;
    vg_graph_build(&b, 0, &g);
    return vg_graph_share(&g);
}

static vg_graph_shared *get(vg_graph_cache *c, const char *key, int need_in, vg_graph_token t) {
    return vg_graph_cache_get(c, key, strlen(key), need_in, &t);
}

static void put(vg_graph_cache *c, const char *key, int with_in, vg_graph_token t, vg_graph_shared *g) {
    CHECK(vg_graph_cache_put(c, key, strlen(key), with_in, &t, g) == VG_GRAPH_OK, "put %s", key);
}

void test_graph_cache(void) {
    vg_graph_cache c;
    vg_graph_cache_init(&c, 1 << 20, 2);
    vg_graph_token t1 = {1, 2, 3}, t2 = {1, 2, 4};
    vg_graph_shared *a = chain(10), *b = chain(20), *d = chain(30);
    put(&c, "a", 0, t1, a);
    CHECK(vg_graph_cache_has(&c, "a", 1) && !vg_graph_cache_has(&c, "b", 1), "has");
    vg_graph_shared *hit = get(&c, "a", 0, t1);
    CHECK(hit == a && a->refs == 3, "a hit shares the graph (refs %u)", a->refs);
    vg_graph_shared_release(hit);
    CHECK(get(&c, "a", 1, t1) == NULL && vg_graph_cache_has(&c, "a", 1), "no in-edges: a miss that keeps the entry");
    CHECK(get(&c, "a", 0, t2) == NULL && !vg_graph_cache_has(&c, "a", 1) && a->refs == 1,
          "another token drops the entry (refs %u)", a->refs);

    put(&c, "a", 1, t1, a);
    hit = get(&c, "a", 1, t1);
    CHECK(hit == a, "an entry with in-edges serves calls that need them");
    vg_graph_shared_release(hit);
    put(&c, "b", 0, t1, b);
    hit = get(&c, "a", 0, t1); /* a is now the most recently used */
    vg_graph_shared_release(hit);
    put(&c, "d", 0, t1, d);
    CHECK(c.count == 2 && vg_graph_cache_has(&c, "a", 1) && !vg_graph_cache_has(&c, "b", 1) && vg_graph_cache_has(&c, "d", 1),
          "beyond the count the least recently used goes");
    CHECK(b->refs == 1, "b released by the cache (refs %u)", b->refs);

    put(&c, "d", 0, t2, a);
    hit = get(&c, "d", 0, t2);
    CHECK(hit == a && d->refs == 1, "a put replaces the entry under its key");
    vg_graph_shared_release(hit);

    /* a small budget: the newest entry alone fits, older ones go; a bigger graph is not kept */
    vg_graph_cache_clear(&c);
    CHECK(c.count == 0 && c.bytes == 0 && a->refs == 1, "clear");
    vg_graph_cache_init(&c, b->bytes + d->bytes - 1, 8);
    put(&c, "b", 0, t1, b);
    put(&c, "d", 0, t1, d);
    CHECK(c.count == 1 && vg_graph_cache_has(&c, "d", 1) && c.bytes == d->bytes, "the byte budget evicts (%zu bytes)", c.bytes);
    vg_graph_cache_clear(&c);
    vg_graph_cache_init(&c, a->bytes - 1, 8);
    put(&c, "a", 0, t1, a);
    CHECK(c.count == 0 && a->refs == 1, "a graph larger than the budget is not kept");

    /* a graph evicted while a reader holds it stays valid for that reader */
    vg_graph_cache_clear(&c);
    vg_graph_cache_init(&c, 1 << 20, 1);
    put(&c, "b", 0, t1, b);
    hit = get(&c, "b", 0, t1);
    put(&c, "d", 0, t1, d);
    CHECK(hit == b && b->refs == 2 && b->graph.node_count == 20, "an evicted graph lives on for its reader");
    vg_graph_shared_release(hit);
    vg_graph_cache_clear(&c);
    vg_graph_shared_release(a);
    vg_graph_shared_release(b);
    vg_graph_shared_release(d);

    /* every allocation failing in turn: put reports NOMEM, nothing leaks */
    int ok = 1;
    for (long k = 0; k < 4; k++) {
        vg_graph_shared *g = chain(5);
        vg_graph_cache_init(&c, 1 << 20, 4);
        vg_test_fail_alloc_after(k);
        vg_graph_status st = vg_graph_cache_put(&c, "k", 1, 0, &t1, g);
        vg_test_fail_alloc_after(-1);
        ok &= st == VG_GRAPH_OK ? c.count == 1 : st == VG_GRAPH_NOMEM && c.count == 0;
        vg_graph_cache_clear(&c);
        vg_graph_shared_release(g);
    }
    CHECK(ok, "an allocation failure in put stores nothing");
}
