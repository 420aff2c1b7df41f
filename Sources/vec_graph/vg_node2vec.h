/* node2vec in plain C (no SQLite calls, so the C unit tests link it): the undirected graph it walks,
 * biased second-order random walks (exact rejection sampling), the unigram^0.75 negative-sampling
 * alias table, and skip-gram with negative sampling trained by SGD with a linearly decaying rate.
 * Every random draw comes from seeded splitmix64 streams, so one seed gives byte-identical vectors
 * on one machine (the dot-product kernel is a parameter: another kernel may round differently). */
#ifndef VG_NODE2VEC_H
#define VG_NODE2VEC_H

#include <stddef.h>
#include <stdint.h>

#include "vg_graph.h"

/* The seed when node2vec_train is called without one. */
#define VG_NODE2VEC_DEFAULT_SEED 42

typedef enum vg_node2vec_status { VG_NODE2VEC_OK = 0, VG_NODE2VEC_NOMEM, VG_NODE2VEC_STOPPED } vg_node2vec_status;

/* Simple undirected graph: each node's neighbours sorted ascending, without duplicates or itself. */
typedef struct vg_node2vec_graph {
    uint32_t node_count;
    size_t *start; /* node_count + 1 */
    uint32_t *adj;
} vg_node2vec_graph;

/* The undirected view of g (built with in-edges): u and v are neighbours when either edge row exists.
 * Parallel edges count once, self-loops not at all. */
vg_node2vec_status vg_node2vec_graph_from(const vg_graph *g, vg_node2vec_graph *out);
void vg_node2vec_graph_free(vg_node2vec_graph *g);

/* A splitmix64 stream. */
typedef struct vg_node2vec_rng {
    uint64_t state;
} vg_node2vec_rng;

uint64_t vg_node2vec_next(vg_node2vec_rng *rng);
/* A uniform double in [0, 1). */
double vg_node2vec_unit(vg_node2vec_rng *rng);

/* A walk being drawn, in steps that can be cut short: walk[0..len) so far, of at most length nodes;
 * done once it has length nodes or reaches a node without neighbours. From v, having come from t,
 * the next node x is drawn with weight 1/p when x == t, 1 when x neighbours t, 1/q otherwise (the
 * first step is uniform). */
typedef struct vg_node2vec_walker {
    const vg_node2vec_graph *g;
    double inv_p, inv_q;
    int uniform; /* p == q == 1: every step uniform */
    uint32_t *walk;
    uint32_t len, length;
    int done;
} vg_node2vec_walker;

/* A walk from start into walk (room for length nodes). */
void vg_node2vec_walk_start(vg_node2vec_walker *w, const vg_node2vec_graph *g, double p, double q, uint32_t start,
                            uint32_t length, uint32_t *walk);
/* Draws the walk on for at most budget >= 1 proposals and returns how many it made (a step is one
 * or more: with extreme p or q one step of the rejection sampler can take millions); until done,
 * call again. A step cut short by the budget had only rejected proposals, which leave nothing behind
 * but the random stream's position, so the next call goes on with it: the walk is the same, draw for
 * draw, however its proposals are split between calls. */
uint64_t vg_node2vec_walk_on(vg_node2vec_walker *w, vg_node2vec_rng *rng, uint64_t budget);

/* Walker's alias table over n weights: one draw picks i with probability weight[i] / sum. */
typedef struct vg_node2vec_alias {
    uint32_t n;
    uint32_t *threshold; /* keep i when the draw's low 32 bits are below threshold[i] */
    uint32_t *alias;
} vg_node2vec_alias;

/* Weights must be >= 0 with a positive sum. */
vg_node2vec_status vg_node2vec_alias_build(const double *weight, uint32_t n, vg_node2vec_alias *out);
uint32_t vg_node2vec_alias_draw(const vg_node2vec_alias *a, uint64_t draw);
void vg_node2vec_alias_free(vg_node2vec_alias *a);

typedef struct vg_node2vec_params {
    uint32_t dims;
    double p, q;
    uint32_t num_walks, walk_length, window, neg_samples, epochs;
    double learning_rate;
    uint64_t seed;
} vg_node2vec_params;

/* Dot product of two float arrays (a vg_kernels dot). */
typedef float (*vg_node2vec_dot)(const float *a, const float *b, size_t n);
/* Polled about every millisecond of work (walk proposals and skip-gram updates, also inside one walk
 * or one pair): nonzero stops training with VG_NODE2VEC_STOPPED. */
typedef int (*vg_node2vec_stop)(void *ctx);

/* Trains one vector per node into out (node_count * dims floats, node by node); g has at least one
 * node, every count in params is >= 1 and p, q, learning_rate are > 0. Each epoch walks
 * num_walks rounds, each round starting one walk from every node in a freshly shuffled order (the
 * same walks every epoch); skip-gram pairs use a window of 1..window drawn per position, with
 * neg_samples negatives from the walks' unigram^0.75 distribution, and the rate decays linearly from
 * learning_rate to learning_rate * 1e-4 over all epochs. stop may be NULL. */
vg_node2vec_status vg_node2vec_train(const vg_node2vec_graph *g, const vg_node2vec_params *params,
                                     vg_node2vec_dot dot, vg_node2vec_stop stop, void *stop_ctx, float *out);

#endif
