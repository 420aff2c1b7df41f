/* The distance kernels' regression workload: for every kernel this build and CPU run (scalar, sse,
 * avx2, neon), each metric's kernel (l2sq, dot, dot_norms) over VECTORS fixed vectors of 128 and 768
 * dimensions, one counted region each, named "kernel/<kernel>/<metric>/<dims>"; measure.py divides
 * its count by VECTORS. Counted per kernel, so which kernel this CPU prefers changes nothing.
 * usage: kernels_workload   (under callgrind: bench/regress/measure.py) */
#include <stdio.h>
#include <stdlib.h>

#include "counted.h"
#include "vg_kernels.h"

enum { VECTORS = 200 };
static const size_t dims_list[] = {128, 768};

int main(void) {
    printf("vectors %d\n", VECTORS);
    size_t most = dims_list[sizeof dims_list / sizeof dims_list[0] - 1];
    float *x = malloc(VECTORS * most * sizeof(float)), *q = malloc(most * sizeof(float));
    if (!x || !q) return 1;
    unsigned seed = 1;
    for (size_t i = 0; i < VECTORS * most; i++) x[i] = (float)((seed = seed * 1103515245u + 12345u) >> 8) / 16777216.0f - 0.5f;
    for (size_t i = 0; i < most; i++) q[i] = (float)((seed = seed * 1103515245u + 12345u) >> 8) / 16777216.0f - 0.5f;
    volatile float sink = 0;
    char name[64];
    for (int id = 0; id < VG_KERNEL_COUNT; id++) {
        const vg_kernels *k = vg_kernels_get((vg_kernel_id)id);
        if (!k) continue;
        for (size_t d = 0; d < sizeof dims_list / sizeof dims_list[0]; d++) {
            size_t dims = dims_list[d];
            snprintf(name, sizeof name, "kernel/%s/l2/%zu", k->name, dims);
            COUNTED_BEGIN();
            for (size_t i = 0; i < VECTORS; i++) sink += k->l2sq(x + i * dims, q, dims);
            COUNTED_END(name);
            snprintf(name, sizeof name, "kernel/%s/ip/%zu", k->name, dims);
            COUNTED_BEGIN();
            for (size_t i = 0; i < VECTORS; i++) sink += k->dot(x + i * dims, q, dims);
            COUNTED_END(name);
            snprintf(name, sizeof name, "kernel/%s/cosine/%zu", k->name, dims);
            COUNTED_BEGIN();
            for (size_t i = 0; i < VECTORS; i++) {
                float dot, aa, bb;
                k->dot_norms(x + i * dims, q, dims, &dot, &aa, &bb);
                sink += dot + aa + bb;
            }
            COUNTED_END(name);
        }
    }
    free(x);
    free(q);
    return 0;
}
