/* Benchmark of the distance kernels: one query against N vectors (a brute-force scan), for every
 * kernel this CPU runs: float32 (l2, ip), and the compact vectors' kernels, a float32 query against
 * float16 vectors (l2_f16), int8 dot products (ip_i8) and bit hamming distances (hamming). Prints TSV:
 * kernel, metric, dims, ns per vector (the median of the runs: the machine may be shared). */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "vg_f16.h"
#include "vg_kernels.h"

#define MAX_RUNS 1001

/* The median per-vector time over runs of `scan` (a loop over the n vectors adding into acc). */
#define MEDIAN_NS(result, runs, n, sink, acc, scan)                 \
    do {                                                            \
        double times_[MAX_RUNS];                                    \
        for (int r_ = 0; r_ < (runs); r_++) {                       \
            double t0_ = now_ns();                                  \
            double acc = 0;                                         \
            scan;                                                   \
            times_[r_] = (now_ns() - t0_) / (double)(n);            \
            *(sink) += (float)acc;                                  \
        }                                                           \
        result = median(times_, (runs));                            \
    } while (0)

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int compare_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *t, int runs) {
    qsort(t, (size_t)runs, sizeof *t, compare_double);
    return runs % 2 ? t[runs / 2] : (t[runs / 2 - 1] + t[runs / 2]) / 2;
}

/* The median ns per vector of fn over the n x dims matrix. */
static double time_scan(float (*fn)(const float *, const float *, size_t), const float *x, const float *q,
                        size_t n, size_t dims, int runs, volatile float *sink) {
    double ns;
    MEDIAN_NS(ns, runs, n, sink, acc, for (size_t i = 0; i < n; i++) acc += fn(x + i * dims, q, dims));
    return ns;
}

/* The same data as compact vectors: x and q as float16, as int8 (x * 254, |x| < 0.5) and as signs. */
typedef struct compact_data {
    uint16_t *h;
    int8_t *qi, *qq;
    uint8_t *bits, *qb;
} compact_data;

static compact_data make_compact(const float *x, const float *q, size_t n, size_t dims) {
    compact_data c = {malloc(n * dims * sizeof(uint16_t)), malloc(n * dims), malloc(dims), calloc(n * dims / 8, 1),
                      calloc(dims / 8, 1)};
    for (size_t i = 0; i < n * dims; i++) {
        c.h[i] = vg_f32_to_f16(x[i]);
        c.qi[i] = (int8_t)(x[i] * 254.0f);
        if (x[i] > 0) c.bits[i / 8] |= (uint8_t)(1u << (i % 8));
    }
    for (size_t i = 0; i < dims; i++) {
        c.qq[i] = (int8_t)(q[i] * 254.0f);
        if (q[i] > 0) c.qb[i / 8] |= (uint8_t)(1u << (i % 8));
    }
    return c;
}

static void free_compact(compact_data *c) {
    free(c->h);
    free(c->qi);
    free(c->qq);
    free(c->bits);
    free(c->qb);
}

static void time_compact(const vg_kernels *k, const compact_data *c, const float *q, size_t n, size_t dims, int runs,
                         volatile float *sink) {
    double ns;
    MEDIAN_NS(ns, runs, n, sink, acc, for (size_t i = 0; i < n; i++) acc += k->l2sq_f16(q, c->h + i * dims, dims));
    printf("%s\tl2_f16\t%zu\t%.1f\n", k->name, dims, ns);
    MEDIAN_NS(ns, runs, n, sink, acc, for (size_t i = 0; i < n; i++) acc += k->dot_i8(c->qi + i * dims, c->qq, dims));
    printf("%s\tip_i8\t%zu\t%.1f\n", k->name, dims, ns);
    MEDIAN_NS(ns, runs, n, sink, acc,
            for (size_t i = 0; i < n; i++) acc += k->hamming(c->bits + i * dims / 8, c->qb, dims / 8));
    printf("%s\thamming\t%zu\t%.1f\n", k->name, dims, ns);
}

int main(int argc, char **argv) {
    size_t n = argc > 1 ? (size_t)atol(argv[1]) : 20000;
    int runs = argc > 2 ? atoi(argv[2]) : 15;
    if (runs < 1 || runs > MAX_RUNS) {
        fprintf(stderr, "distance_kernels: runs must be 1..%d\n", MAX_RUNS);
        return 2;
    }
    const size_t dims_list[] = {128, 384, 768, 1536};
    volatile float sink = 0;
    srand(1);
    printf("kernel\tmetric\tdims\tns_per_vector\n");
    for (size_t d = 0; d < sizeof dims_list / sizeof dims_list[0]; d++) {
        size_t dims = dims_list[d];
        float *x = malloc(n * dims * sizeof(float));
        float *q = malloc(dims * sizeof(float));
        for (size_t i = 0; i < n * dims; i++) x[i] = (float)rand() / (float)RAND_MAX - 0.5f;
        for (size_t i = 0; i < dims; i++) q[i] = (float)rand() / (float)RAND_MAX - 0.5f;
        compact_data compact = make_compact(x, q, n, dims);
        for (int id = 0; id < VG_KERNEL_COUNT; id++) {
            const vg_kernels *k = vg_kernels_get((vg_kernel_id)id);
            if (!k) continue;
            printf("%s\tl2\t%zu\t%.1f\n", k->name, dims, time_scan(k->l2sq, x, q, n, dims, runs, &sink));
            printf("%s\tip\t%zu\t%.1f\n", k->name, dims, time_scan(k->dot, x, q, n, dims, runs, &sink));
            time_compact(k, &compact, q, n, dims, runs, &sink);
        }
        free_compact(&compact);
        free(x);
        free(q);
    }
    return sink == 12345.0f; /* keep the results alive */
}
