/* Runs every C unit test group and prints the "N passed, N failed" line make test sums. */
#include "vg_test.h"

int vg_test_passed = 0;
int vg_test_failed = 0;

int main(void) {
    test_json();
    test_blob();
    test_kernels();
    test_compact();
    test_kernels_compact();
    test_graph();
    test_hnsw();
    test_hnsw_threads();
    test_node2vec();
    printf("c unit tests: %d passed, %d failed\n", vg_test_passed, vg_test_failed);
    return vg_test_failed ? 1 : 0;
}
