/* JSON array text <-> float32 vectors. Numbers follow the JSON grammar exactly; conversion is
 * independent of the C locale (the host application may have set a decimal comma). */
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vg_alloc.h"
#include "vg_vector.h"

static size_t skip_space(const char *z, size_t i, size_t n) {
    while (i < n && (z[i] == ' ' || z[i] == '\t' || z[i] == '\n' || z[i] == '\r')) i++;
    return i;
}

static size_t skip_digits(const char *z, size_t i, size_t n) {
    while (i < n && z[i] >= '0' && z[i] <= '9') i++;
    return i;
}

/* Length of the JSON number at z[i..n), or 0 if there is none. */
static size_t number_length(const char *z, size_t i, size_t n) {
    size_t start = i;
    if (i < n && z[i] == '-') i++;
    if (i < n && z[i] == '0') {
        i++;
    } else if (i < n && z[i] >= '1' && z[i] <= '9') {
        i = skip_digits(z, i, n);
    } else {
        return 0;
    }
    if (i < n && z[i] == '.') {
        size_t j = skip_digits(z, i + 1, n);
        if (j == i + 1) return 0;
        i = j;
    }
    if (i < n && (z[i] == 'e' || z[i] == 'E')) {
        size_t j = i + 1;
        if (j < n && (z[j] == '+' || z[j] == '-')) j++;
        size_t k = skip_digits(z, j, n);
        if (k == j) return 0;
        i = k;
    }
    return i - start;
}

/* strtod on a copy of a JSON number, with '.' swapped for the locale's decimal point. A number too
 * long for the stack buffer is copied to the heap; returns -1 when that copy cannot be had, else 0. */
static int number_value(const char *z, size_t len, double *value) {
    const char *point = localeconv()->decimal_point;
    size_t pl = point ? strlen(point) : 0;
    if (pl == 0 || pl > 4) {
        point = ".";
        pl = 1;
    }
    char buf[64];
    size_t need = len + pl + 1;
    char *copy = need <= sizeof buf ? buf : vg_malloc(need);
    if (!copy) return -1;
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        if (z[i] == '.') {
            memcpy(copy + o, point, pl);
            o += pl;
        } else {
            copy[o++] = z[i];
        }
    }
    copy[o] = 0;
    *value = strtod(copy, NULL);
    if (copy != buf) vg_free(copy);
    return 0;
}

int vg_json_parse(const char *z, size_t n, float *out, size_t cap, size_t *dims, char err[VG_ERR_LEN]) {
    size_t count = 0;
    size_t i = skip_space(z, 0, n);
    *dims = 0;
    if (i >= n || z[i] != '[') {
        snprintf(err, VG_ERR_LEN, "malformed JSON vector: expected '[' at offset %zu", i);
        return -1;
    }
    i = skip_space(z, i + 1, n);
    if (i < n && z[i] == ']') {
        snprintf(err, VG_ERR_LEN, "empty vector: a vector needs at least one dimension");
        return -1;
    }
    for (;;) {
        size_t len = number_length(z, i, n);
        if (len == 0) {
            snprintf(err, VG_ERR_LEN, "malformed JSON vector: expected a number at offset %zu", i);
            return -1;
        }
        if (count >= VG_MAX_DIMS) {
            snprintf(err, VG_ERR_LEN, "vector too large: more than %d dimensions", VG_MAX_DIMS);
            return -1;
        }
        double v;
        if (number_value(z + i, len, &v) != 0) {
            snprintf(err, VG_ERR_LEN, "out of memory");
            return VG_NOMEM;
        }
        /* FLT_MAX plus half an ulp: anything below rounds to a finite float32 */
        if (!isfinite(v) || fabs(v) >= 3.4028235677973366e38) {
            snprintf(err, VG_ERR_LEN, "value at offset %zu is outside the float32 range", i);
            return -1;
        }
        if (out) {
            if (count >= cap) {
                snprintf(err, VG_ERR_LEN, "vector has more values than its buffer holds");
                return -1;
            }
            out[count] = (float)v;
        }
        count++;
        i = skip_space(z, i + len, n);
        if (i < n && z[i] == ',') {
            i = skip_space(z, i + 1, n);
            continue;
        }
        if (i < n && z[i] == ']') break;
        snprintf(err, VG_ERR_LEN, "malformed JSON vector: expected ',' or ']' at offset %zu", i);
        return -1;
    }
    i = skip_space(z, i + 1, n);
    if (i != n) {
        snprintf(err, VG_ERR_LEN, "malformed JSON vector: unexpected text after ']' at offset %zu", i);
        return -1;
    }
    *dims = count;
    return 0;
}

size_t vg_json_size(size_t dims) {
    /* "%.9g" needs at most 15 characters (-1.23456789e-38), plus ", " between values and "[]\0". */
    return dims * 17 + 3;
}

/* The value of a number printed here: under 32 bytes, it fits number_value's stack buffer, which
 * therefore cannot fail. */
static double read_back(const char *num, int len) {
    double v = 0.0;
    number_value(num, (size_t)len, &v);
    return v;
}

/* The shortest "%.<p>g" text (p = 1..9) that reads back as exactly x; 9 digits always do.
 * The decimal point is made '.' whatever the locale. Returns the length written to num. */
/* Writes x in a locale-free form that reads back as x: %.Ng with the fewest digits N, or %.Nf with
 * the fewest decimals N when that is shorter (10, not 1e+01). Returns the length. */
static int shortest_float(float x, char num[32]) {
    char other[32];
    int len = 0, other_len = 0;
    for (int p = 1; p <= 9; p++) {
        len = snprintf(num, 32, "%.*g", p, (double)x);
        for (int j = 0; j < len; j++)
            if (num[j] == ',') num[j] = '.';
        if ((float)read_back(num, len) == x) break;
    }
    for (int d = 0; d <= 9 && fabsf(x) < 1e9f; d++) {
        other_len = snprintf(other, sizeof other, "%.*f", d, (double)x);
        for (int j = 0; j < other_len; j++)
            if (other[j] == ',') other[j] = '.';
        if ((float)read_back(other, other_len) == x) {
            if (other_len < len) {
                memcpy(num, other, (size_t)other_len + 1);
                len = other_len;
            }
            break;
        }
    }
    return len;
}

size_t vg_json_format(const float *v, size_t dims, char *out, size_t cap) {
    size_t o = 0;
    out[o++] = '[';
    for (size_t i = 0; i < dims; i++) {
        char num[32];
        int len = shortest_float(v[i], num);
        if (o + (size_t)len + 3 > cap) break;
        if (i > 0) out[o++] = ',';
        memcpy(out + o, num, (size_t)len);
        o += (size_t)len;
    }
    out[o++] = ']';
    out[o] = 0;
    return o;
}
