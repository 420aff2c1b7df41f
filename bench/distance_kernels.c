/* Benchmark of the distance kernels: one query against N float32 vectors (a brute-force scan),
 * for every kernel this CPU runs. Prints TSV: kernel, metric, dims, ns per vector (best of runs). */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "vg_kernels.h"

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Best-of-runs ns per vector of fn over the n x dims matrix. */
static double time_scan(float (*fn)(const float *, const float *, size_t), const float *x, const float *q,
                        size_t n, size_t dims, int runs, volatile float *sink) {
    double best = 1e300;
    for (int r = 0; r < runs; r++) {
        double t0 = now_ns();
        float acc = 0;
        for (size_t i = 0; i < n; i++) acc += fn(x + i * dims, q, dims);
        double t = (now_ns() - t0) / (double)n;
        *sink += acc;
        if (t < best) best = t;
    }
    return best;
}

int main(int argc, char **argv) {
    size_t n = argc > 1 ? (size_t)atol(argv[1]) : 20000;
    int runs = argc > 2 ? atoi(argv[2]) : 15;
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
        for (int id = 0; id < VG_KERNEL_COUNT; id++) {
            const vg_kernels *k = vg_kernels_get((vg_kernel_id)id);
            if (!k) continue;
            printf("%s\tl2\t%zu\t%.1f\n", k->name, dims, time_scan(k->l2sq, x, q, n, dims, runs, &sink));
            printf("%s\tip\t%zu\t%.1f\n", k->name, dims, time_scan(k->dot, x, q, n, dims, runs, &sink));
        }
        free(x);
        free(q);
    }
    return sink == 12345.0f; /* keep the results alive */
}
