/* Little-endian float32 BLOB <-> float vectors, with length and value checks. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "vg_vector.h"

static float load_le(const unsigned char *p) {
    uint32_t u = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

int vg_blob_decode(const void *blob, size_t n, float *out, char err[VG_ERR_LEN]) {
    if (n == 0) {
        snprintf(err, VG_ERR_LEN, "empty vector: a vector needs at least one dimension");
        return -1;
    }
    if (n % 4 != 0) {
        snprintf(err, VG_ERR_LEN, "BLOB length %zu is not a multiple of 4 (float32)", n);
        return -1;
    }
    if (n / 4 > VG_MAX_DIMS) {
        snprintf(err, VG_ERR_LEN, "vector too large: %zu dimensions, at most %d", n / 4, VG_MAX_DIMS);
        return -1;
    }
    if (!out) return 0;
    const unsigned char *p = blob;
    for (size_t i = 0; i < n / 4; i++) {
        float f = load_le(p + 4 * i);
        if (!isfinite(f)) {
            snprintf(err, VG_ERR_LEN, "element %zu is %s", i, isnan(f) ? "NaN" : "infinite");
            return -1;
        }
        out[i] = f;
    }
    return 0;
}

void vg_blob_encode(const float *v, size_t dims, unsigned char *out) {
    for (size_t i = 0; i < dims; i++) {
        uint32_t u;
        memcpy(&u, &v[i], sizeof u);
        out[4 * i] = (unsigned char)u;
        out[4 * i + 1] = (unsigned char)(u >> 8);
        out[4 * i + 2] = (unsigned char)(u >> 16);
        out[4 * i + 3] = (unsigned char)(u >> 24);
    }
}
