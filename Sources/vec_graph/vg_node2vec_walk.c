/* node2vec's random walks. A second-order step from v (coming from t) is drawn by exact rejection
 * sampling: propose a neighbour x of v uniformly under an envelope of height max(1, 1/q), accept it
 * with its weight (1 when x neighbours t, 1/q otherwise, 1/p for x == t capped at the envelope); the
 * part of 1/p above the envelope is one extra block of proposal area that returns to t outright
 * (KnightKing's outlier folding). With at least two neighbours to choose from, a step takes at most
 * 2 * max(q, 1/q) proposals on average, whatever p is. */
#include "vg_node2vec.h"

uint64_t vg_node2vec_next(vg_node2vec_rng *rng) {
    uint64_t z = (rng->state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* A uniform integer in [0, n), n < 2^32 (the high 32 bits scaled: no division). */
static uint32_t below(vg_node2vec_rng *rng, size_t n) {
    return (uint32_t)(((vg_node2vec_next(rng) >> 32) * (uint64_t)n) >> 32);
}

double vg_node2vec_unit(vg_node2vec_rng *rng) {
    return (double)(vg_node2vec_next(rng) >> 11) * (1.0 / 9007199254740992.0); /* 53 bits over 2^53 */
}

static int adjacent(const vg_node2vec_graph *g, uint32_t t, uint32_t x) {
    size_t lo = g->start[t], hi = g->start[t + 1];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (g->adj[mid] < x) lo = mid + 1;
        else hi = mid;
    }
    return lo < g->start[t + 1] && g->adj[lo] == x;
}

/* The step after t -> v (v has neighbours). */
static uint32_t biased_step(const vg_node2vec_graph *g, double inv_p, double inv_q, uint32_t t, uint32_t v,
                            vg_node2vec_rng *rng) {
    const uint32_t *nb = g->adj + g->start[v];
    size_t deg = g->start[v + 1] - g->start[v];
    if (deg == 1) return nb[0]; /* the only way on (back to t): no proposals, however large p is */
    double env = inv_q > 1.0 ? inv_q : 1.0;
    double body = (double)deg * env, outlier = inv_p > env ? inv_p - env : 0.0;
    for (;;) {
        double u = vg_node2vec_unit(rng) * (body + outlier);
        if (u >= body) return t;
        size_t i = (size_t)(u / env);
        if (i >= deg) i = deg - 1;
        double r = u - (double)i * env;
        uint32_t x = nb[i];
        double w = x == t ? (inv_p < env ? inv_p : env) : adjacent(g, t, x) ? 1.0 : inv_q;
        if (r < w) return x;
    }
}

uint32_t vg_node2vec_walk(const vg_node2vec_graph *g, double p, double q, uint32_t start, uint32_t length,
                          vg_node2vec_rng *rng, uint32_t *walk) {
    if (length == 0) return 0;
    int uniform = p == 1.0 && q == 1.0;
    double inv_p = 1.0 / p, inv_q = 1.0 / q;
    walk[0] = start;
    uint32_t n = 1;
    while (n < length) {
        uint32_t v = walk[n - 1];
        size_t deg = g->start[v + 1] - g->start[v];
        if (deg == 0) break;
        if (n == 1 || uniform) walk[n] = g->adj[g->start[v] + below(rng, deg)];
        else walk[n] = biased_step(g, inv_p, inv_q, walk[n - 2], v, rng);
        n++;
    }
    return n;
}
