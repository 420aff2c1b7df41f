/* Unit tests of the float32 BLOB codec: byte order, length rules, NaN/infinity rejection. */
#include <math.h>
#include <string.h>

#include "vg_test.h"
#include "vg_vector.h"

static void test_little_endian_bytes(void) {
    /* 1.0f = 0x3f800000, -2.5f = 0xc0200000, little-endian on the wire whatever the host order */
    const unsigned char bytes[] = {0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x20, 0xc0};
    float out[2];
    char err[VG_ERR_LEN];
    CHECK(vg_blob_decode(bytes, sizeof bytes, out, err) == 0, "decode: %s", err);
    CHECK(out[0] == 1.0f && out[1] == -2.5f, "decoded %g %g", (double)out[0], (double)out[1]);
    unsigned char back[8];
    vg_blob_encode(out, 2, back);
    CHECK(memcmp(back, bytes, sizeof bytes) == 0, "encode gives the same bytes");
}

static void test_unaligned_source(void) {
    unsigned char buffer[13] = {0};
    const unsigned char one[] = {0x00, 0x00, 0x80, 0x3f};
    for (int i = 0; i < 3; i++) memcpy(buffer + 1 + 4 * i, one, 4);
    float out[3];
    char err[VG_ERR_LEN];
    CHECK(vg_blob_decode(buffer + 1, 12, out, err) == 0 && out[0] == 1.0f && out[2] == 1.0f, "unaligned decode");
}

static void rejects(const void *blob, size_t n, const char *want) {
    float out[8];
    char err[VG_ERR_LEN] = "";
    CHECK(vg_blob_decode(blob, n, n <= sizeof out ? out : NULL, err) != 0, "%zu-byte blob accepted", n);
    CHECK(strstr(err, want) != NULL, "message '%s' lacks '%s'", err, want);
}

static void test_rejections(void) {
    const unsigned char five[5] = {0};
    rejects(five, 5, "not a multiple of 4");
    rejects(five, 0, "empty vector");
    float nan_v[2] = {1.0f, NAN};
    rejects(nan_v, sizeof nan_v, "element 1 is NaN");
    float inf_v[1] = {-INFINITY};
    rejects(inf_v, sizeof inf_v, "element 0 is infinite");
    char err[VG_ERR_LEN] = "";
    CHECK(vg_blob_decode(five, 4 * ((size_t)VG_MAX_DIMS + 1), NULL, err) != 0 && strstr(err, "too large"),
          "oversized blob: '%s'", err);
}

void test_blob(void) {
    test_little_endian_bytes();
    test_unaligned_source();
    test_rejections();
}
