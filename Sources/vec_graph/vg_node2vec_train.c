/* node2vec's training: counts how often each node occurs in the walks (for the unigram^0.75
 * negative-sampling table), then replays the same walks every epoch through skip-gram with negative
 * sampling, word2vec's SGD update, the rate decaying linearly. Walks are regenerated rather than
 * stored (the walk stream is reseeded per pass), so memory stays O(nodes * dims). */
#include <math.h>
#include <string.h>

#include "vg_alloc.h"
#include "vg_node2vec.h"

/* word2vec's sigmoid table: SIGMOID_SIZE steps over [-MAX_EXP, MAX_EXP]. */
#define SIGMOID_SIZE 1000
#define MAX_EXP 6
/* Work between two polls of the stop callback, in float multiply-adds: about a millisecond, so that a
 * call with a huge window, neg_samples or dims, or extreme p or q (millions of proposals a step),
 * stops as soon as asked, also inside one walk or one pair, while the poll (~10 us) stays a small
 * part of the time. A walk's proposal (a random draw, a division, mostly a binary search of the
 * previous node's neighbours: 10-60 ns) counts as PROPOSAL_WORK. */
#define POLL_WORK (1u << 21)
#define PROPOSAL_WORK 64
/* Independent streams from one seed. */
#define WALK_STREAM 0x6e6f64653277616cULL
#define INIT_STREAM 0x696e697476656373ULL
#define TRAIN_STREAM 0x736b69706772616dULL

typedef struct trainer {
    const vg_node2vec_graph *g;
    const vg_node2vec_params *p;
    vg_node2vec_dot dot;
    vg_node2vec_stop stop;
    void *stop_ctx;
    float *syn0, *syn1, *neu1e;
    uint32_t *walk, *order;
    uint64_t *count;
    vg_node2vec_alias neg;
    vg_node2vec_rng rng;
    uint64_t done, total, work; /* work: since the last poll */
    float sigmoid[SIGMOID_SIZE];
} trainer;

typedef vg_node2vec_status (*walk_visitor)(trainer *t, uint32_t len);

/* Counts work done; polls the stop callback once POLL_WORK has been done since the last poll. */
static vg_node2vec_status did(trainer *t, uint64_t work) {
    t->work += work;
    if (t->work < POLL_WORK) return VG_NODE2VEC_OK;
    t->work = 0;
    return t->stop && t->stop(t->stop_ctx) ? VG_NODE2VEC_STOPPED : VG_NODE2VEC_OK;
}

/* y += a * x, eight lanes at a time so that compilers vectorize it at -O2. */
static void axpy(float *restrict y, float a, const float *restrict x, uint32_t n) {
    uint32_t i = 0;
    for (; i + 8 <= n; i += 8) {
        y[i] += a * x[i];
        y[i + 1] += a * x[i + 1];
        y[i + 2] += a * x[i + 2];
        y[i + 3] += a * x[i + 3];
        y[i + 4] += a * x[i + 4];
        y[i + 5] += a * x[i + 5];
        y[i + 6] += a * x[i + 6];
        y[i + 7] += a * x[i + 7];
    }
    for (; i < n; i++) y[i] += a * x[i];
}

/* One epoch's walks, in order: num_walks rounds over every node in a shuffled order. */
static vg_node2vec_status for_each_walk(trainer *t, walk_visitor visit) {
    uint32_t n = t->g->node_count;
    vg_node2vec_rng rng = {t->p->seed ^ WALK_STREAM};
    for (uint32_t u = 0; u < n; u++) t->order[u] = u;
    for (uint32_t r = 0; r < t->p->num_walks; r++) {
        for (uint32_t i = n; i > 1; i--) {
            uint32_t j = (uint32_t)(((vg_node2vec_next(&rng) >> 32) * (uint64_t)i) >> 32), tmp = t->order[i - 1];
            t->order[i - 1] = t->order[j];
            t->order[j] = tmp;
        }
        for (uint32_t i = 0; i < n; i++) {
            vg_node2vec_walker w;
            vg_node2vec_walk_start(&w, t->g, t->p->p, t->p->q, t->order[i], t->p->walk_length, t->walk);
            while (!w.done) { /* in budgets that end at the next poll */
                uint64_t budget = (POLL_WORK - t->work + PROPOSAL_WORK - 1) / PROPOSAL_WORK;
                if (did(t, vg_node2vec_walk_on(&w, &rng, budget) * PROPOSAL_WORK) != VG_NODE2VEC_OK)
                    return VG_NODE2VEC_STOPPED;
            }
            vg_node2vec_status rc = visit(t, w.len);
            if (rc != VG_NODE2VEC_OK) return rc;
        }
    }
    return VG_NODE2VEC_OK;
}

static vg_node2vec_status count_walk(trainer *t, uint32_t len) {
    for (uint32_t i = 0; i < len; i++) t->count[t->walk[i]]++;
    t->total += len;
    return VG_NODE2VEC_OK;
}

/* One skip-gram pair: the context node's vector learns to predict center against negatives. A stop
 * asked for midway leaves the vectors half-updated, which is fine: they are then not written. */
static vg_node2vec_status train_pair(trainer *t, uint32_t center, uint32_t context, float alpha) {
    uint32_t dims = t->p->dims;
    float *l1 = t->syn0 + (size_t)context * dims;
    memset(t->neu1e, 0, dims * sizeof *t->neu1e);
    for (uint32_t d = 0; d <= t->p->neg_samples; d++) {
        if (did(t, 1 + 3 * (uint64_t)dims) != VG_NODE2VEC_OK) return VG_NODE2VEC_STOPPED;
        uint32_t target = center;
        float label = 1.0f;
        if (d > 0) {
            target = vg_node2vec_alias_draw(&t->neg, vg_node2vec_next(&t->rng));
            if (target == center) continue;
            label = 0.0f;
        }
        float *l2 = t->syn1 + (size_t)target * dims;
        float f = t->dot(l1, l2, dims), g;
        if (f >= MAX_EXP) g = (label - 1.0f) * alpha;
        else if (!(f > -MAX_EXP)) g = label * alpha; /* also NaN, from a diverging rate */
        else g = (label - t->sigmoid[(int)((f + MAX_EXP) * (SIGMOID_SIZE / (2.0f * MAX_EXP)))]) * alpha;
        axpy(t->neu1e, g, l2, dims);
        axpy(l2, g, l1, dims);
    }
    axpy(l1, 1.0f, t->neu1e, dims);
    return VG_NODE2VEC_OK;
}

static vg_node2vec_status train_walk(trainer *t, uint32_t len) {
    double rate = 1.0 - (double)t->done / ((double)t->total + 1.0);
    float alpha = (float)(t->p->learning_rate * (rate > 1e-4 ? rate : 1e-4));
    uint32_t window = t->p->window;
    for (uint32_t i = 0; i < len; i++) {
        uint32_t span = window - (uint32_t)(((vg_node2vec_next(&t->rng) >> 32) * (uint64_t)window) >> 32);
        uint32_t lo = i > span ? i - span : 0, hi = len - 1 - i > span ? i + span : len - 1;
        for (uint32_t c = lo; c <= hi; c++) {
            vg_node2vec_status rc = c != i ? train_pair(t, t->walk[i], t->walk[c], alpha) : VG_NODE2VEC_OK;
            if (rc != VG_NODE2VEC_OK) return rc;
        }
    }
    t->done += len;
    return VG_NODE2VEC_OK;
}

/* Input vectors uniform in [-0.5, 0.5) / dims, output vectors zero (word2vec's start). */
static void init_vectors(trainer *t) {
    vg_node2vec_rng rng = {t->p->seed ^ INIT_STREAM};
    size_t total = (size_t)t->g->node_count * t->p->dims;
    for (size_t i = 0; i < total; i++)
        t->syn0[i] = (float)((vg_node2vec_unit(&rng) - 0.5) / t->p->dims);
    memset(t->syn1, 0, total * sizeof *t->syn1);
    for (int i = 0; i < SIGMOID_SIZE; i++) {
        double e = exp(((double)i / SIGMOID_SIZE * 2.0 - 1.0) * MAX_EXP);
        t->sigmoid[i] = (float)(e / (e + 1.0));
    }
}

/* Counts the walks' nodes and builds the unigram^0.75 table from them. */
static vg_node2vec_status prepare(trainer *t) {
    uint32_t n = t->g->node_count;
    vg_node2vec_status rc = for_each_walk(t, count_walk);
    if (rc != VG_NODE2VEC_OK) return rc;
    double *weight = vg_malloc((size_t)n * sizeof *weight);
    if (!weight) return VG_NODE2VEC_NOMEM;
    for (uint32_t u = 0; u < n; u++) weight[u] = pow((double)t->count[u], 0.75);
    rc = vg_node2vec_alias_build(weight, n, &t->neg);
    vg_free(weight);
    t->total *= t->p->epochs;
    return rc;
}

vg_node2vec_status vg_node2vec_train(const vg_node2vec_graph *g, const vg_node2vec_params *params,
                                     vg_node2vec_dot dot, vg_node2vec_stop stop, void *stop_ctx, float *out) {
    trainer *t = vg_calloc(1, sizeof *t);
    if (!t) return VG_NODE2VEC_NOMEM;
    size_t n = g->node_count;
    t->g = g;
    t->p = params;
    t->dot = dot;
    t->stop = stop;
    t->stop_ctx = stop_ctx;
    t->syn0 = out;
    t->rng.state = params->seed ^ TRAIN_STREAM;
    t->syn1 = vg_malloc(n * params->dims * sizeof *t->syn1);
    t->neu1e = vg_malloc(params->dims * sizeof *t->neu1e);
    t->walk = vg_malloc((params->walk_length ? params->walk_length : 1) * sizeof *t->walk);
    t->order = vg_malloc((n ? n : 1) * sizeof *t->order);
    t->count = vg_calloc(n ? n : 1, sizeof *t->count);
    vg_node2vec_status rc = VG_NODE2VEC_NOMEM;
    if (t->syn1 && t->neu1e && t->walk && t->order && t->count) {
        init_vectors(t);
        rc = prepare(t);
        for (uint32_t e = 0; rc == VG_NODE2VEC_OK && e < params->epochs; e++) rc = for_each_walk(t, train_walk);
    }
    vg_node2vec_alias_free(&t->neg);
    vg_free(t->syn1);
    vg_free(t->neu1e);
    vg_free(t->walk);
    vg_free(t->order);
    vg_free(t->count);
    vg_free(t);
    return rc;
}
