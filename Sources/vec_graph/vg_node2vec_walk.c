/* node2vec's random walks. A second-order step from v (coming from t) is drawn by exact rejection
 * sampling: propose a neighbour x of v uniformly under an envelope of height max(1, 1/q), accept it
 * with its weight (1 when x neighbours t, 1/q otherwise, 1/p for x == t capped at the envelope); the
 * part of 1/p above the envelope is one extra block of proposal area that returns to t outright
 * (KnightKing's outlier folding). With at least two neighbours to choose from, a step takes at most
 * 2 * max(q, 1/q) proposals on average, whatever p is: up to 2e6 at node2vec_train's limits, so a
 * walk is drawn in budgets of proposals, and training polls for a stop between them. */
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

/* Draws the step after t -> v (v has neighbours) into *next with at most *left proposals, counting
 * them off *left (a step without a choice counts one); returns 0 when all of them were rejected. */
static int biased_step(const vg_node2vec_graph *g, double inv_p, double inv_q, uint32_t t, uint32_t v,
                       vg_node2vec_rng *rng, uint64_t *left, uint32_t *next) {
    const uint32_t *nb = g->adj + g->start[v];
    size_t deg = g->start[v + 1] - g->start[v];
    if (deg == 1) { /* the only way on (back to t): no proposals, however large p is */
        --*left;
        *next = nb[0];
        return 1;
    }
    double env = inv_q > 1.0 ? inv_q : 1.0;
    double body = (double)deg * env, outlier = inv_p > env ? inv_p - env : 0.0;
    uint64_t n = *left;
    while (n > 0) {
        n--;
        double u = vg_node2vec_unit(rng) * (body + outlier);
        uint32_t x = t;
        if (u < body) {
            size_t i = (size_t)(u / env);
            if (i >= deg) i = deg - 1;
            double r = u - (double)i * env;
            x = nb[i];
            double w = x == t ? (inv_p < env ? inv_p : env) : adjacent(g, t, x) ? 1.0 : inv_q;
            if (!(r < w)) continue;
        }
        *left = n;
        *next = x;
        return 1;
    }
    *left = 0;
    return 0;
}

/* Whether a walk of len nodes ending at last is done. */
static int walk_finished(const vg_node2vec_walker *w, uint32_t len, uint32_t last) {
    return len == w->length || w->g->start[last + 1] == w->g->start[last];
}

void vg_node2vec_walk_start(vg_node2vec_walker *w, const vg_node2vec_graph *g, double p, double q, uint32_t start,
                            uint32_t length, uint32_t *walk) {
    w->g = g;
    w->inv_p = 1.0 / p;
    w->inv_q = 1.0 / q;
    w->uniform = p == 1.0 && q == 1.0;
    w->walk = walk;
    w->length = length;
    w->len = length ? 1 : 0;
    if (length) walk[0] = start;
    w->done = !length || walk_finished(w, 1, start);
}

uint64_t vg_node2vec_walk_on(vg_node2vec_walker *w, vg_node2vec_rng *rng, uint64_t budget) {
    const vg_node2vec_graph *g = w->g;
    uint32_t *walk = w->walk, len = w->len;
    int done = w->done;
    uint64_t left = budget;
    while (!done && left > 0) {
        uint32_t v = walk[len - 1], next;
        if (len == 1 || w->uniform) {
            left--;
            next = g->adj[g->start[v] + below(rng, g->start[v + 1] - g->start[v])];
        } else if (!biased_step(g, w->inv_p, w->inv_q, walk[len - 2], v, rng, &left, &next)) {
            break;
        }
        walk[len++] = next;
        done = walk_finished(w, len, next);
    }
    w->len = len;
    w->done = done;
    return budget - left;
}
