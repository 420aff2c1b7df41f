/* Role: libFuzzer target for the JSON vector parser (vg_json_parse in Sources/vec_graph/vg_json.c).
** Any input: the counting pass and the filling pass must agree and terminate the error message; a
** parsed vector must hold only finite floats, and its vg_json_format text must parse back to the same
** bits. ASan/UBSan (the build flags) catch the rest: reads past the input, overflows, UB. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vg_vector.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *z = (const char *)data;
    char err[VG_ERR_LEN];
    size_t dims = 0;
    memset(err, 0x55, sizeof err);
    if (vg_json_parse(z, size, NULL, 0, &dims, err) != 0) {
        if (memchr(err, 0, sizeof err) == NULL) abort();
        return 0;
    }
    if (dims < 1 || dims > VG_MAX_DIMS) abort();
    float *v = malloc(dims * sizeof *v);
    size_t filled = 0;
    if (v == NULL || vg_json_parse(z, size, v, dims, &filled, err) != 0 || filled != dims) abort();
    for (size_t i = 0; i < dims; i++) {
        if (!(v[i] - v[i] == 0.0f)) abort(); /* NaN or infinity got through */
    }
    size_t cap = vg_json_size(dims);
    char *text = malloc(cap);
    float *back = malloc(dims * sizeof *back);
    size_t again = 0;
    if (text == NULL || back == NULL) abort();
    size_t len = vg_json_format(v, dims, text, cap);
    if (len >= cap || vg_json_parse(text, len, back, dims, &again, err) != 0 || again != dims) abort();
    if (memcmp(v, back, dims * sizeof *v) != 0) abort();
    free(back);
    free(text);
    free(v);
    return 0;
}
