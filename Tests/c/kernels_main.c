/* The kernel and vector-codec unit tests alone (no SQLite, no threads), for running where the whole
 * suite would be slow: under qemu for linux-arm64 (packaging/release/cross-kernels.sh). */
#include "vg_kernels.h"
#include "vg_test.h"

int vg_test_passed = 0;
int vg_test_failed = 0;

int main(void) {
#if defined(__aarch64__)
    /* Else the every-length checks would skip NEON and pass on the scalar and portable kernels alone. */
    CHECK(vg_kernels_get(VG_KERNEL_NEON) != NULL, "an arm64 build runs the NEON kernels");
#endif
    test_blob();
    test_kernels();
    test_compact();
    test_kernels_compact();
    printf("kernel unit tests: %d passed, %d failed\n", vg_test_passed, vg_test_failed);
    return vg_test_failed ? 1 : 0;
}
