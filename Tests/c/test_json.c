/* Unit tests of the JSON vector parser and formatter: grammar, limits, errors, locale independence. */
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vg_test.h"
#include "vg_vector.h"

static int parse(const char *text, float *out, size_t cap, size_t *dims, char *err) {
    return vg_json_parse(text, strlen(text), out, cap, dims, err);
}

static void accepts(const char *text, size_t want_dims, const float *want) {
    float out[8];
    size_t dims = 0;
    char err[VG_ERR_LEN] = "";
    int rc = parse(text, out, 8, &dims, err);
    CHECK(rc == 0, "'%s' rejected: %s", text, err);
    CHECK(dims == want_dims, "'%s' gave %zu dims, want %zu", text, dims, want_dims);
    for (size_t i = 0; rc == 0 && i < dims && i < want_dims; i++)
        CHECK(out[i] == want[i], "'%s'[%zu] = %.9g, want %.9g", text, i, (double)out[i], (double)want[i]);
}

static void rejects(const char *text, const char *want_in_message) {
    float out[8];
    size_t dims = 0;
    char err[VG_ERR_LEN] = "";
    int rc = parse(text, out, 8, &dims, err);
    CHECK(rc != 0, "'%s' accepted", text);
    CHECK(strstr(err, want_in_message) != NULL, "'%s': message '%s' lacks '%s'", text, err, want_in_message);
}

static void test_grammar(void) {
    accepts("[1, 2.5, -3]", 3, (const float[]){1.0f, 2.5f, -3.0f});
    accepts(" \t\n[ 0 ]\r\n", 1, (const float[]){0.0f});
    accepts("[-0.0,1e2,1E-2,2.5e+1]", 4, (const float[]){-0.0f, 100.0f, 0.01f, 25.0f});
    accepts("[3.4028234e38]", 1, (const float[]){3.4028234e38f});
    accepts("[0.1]", 1, (const float[]){0.1f});
    rejects("", "expected '['");
    rejects("1, 2", "expected '['");
    rejects("[]", "empty vector");
    rejects("[ ]", "empty vector");
    rejects("[1,]", "expected a number");
    rejects("[,1]", "expected a number");
    rejects("[1 2]", "expected ',' or ']'");
    rejects("[1", "expected ',' or ']'");
    rejects("[01]", "expected ',' or ']'");
    rejects("[.5]", "expected a number");
    rejects("[1.]", "expected a number");
    rejects("[1e]", "expected a number");
    rejects("[+1]", "expected a number");
    rejects("[NaN]", "expected a number");
    rejects("[Infinity]", "expected a number");
    rejects("[\"1\"]", "expected a number");
    rejects("[[1]]", "expected a number");
    rejects("[null]", "expected a number");
    rejects("[1] x", "unexpected text");
    rejects("[1e39]", "outside the float32 range");
    rejects("[-1e400]", "outside the float32 range");
}

static void test_offsets_in_messages(void) {
    char err[VG_ERR_LEN];
    size_t dims;
    float out[4];
    parse("[1, x]", out, 4, &dims, err);
    CHECK(strstr(err, "offset 4") != NULL, "message '%s' should point at offset 4", err);
}

static void test_embedded_nul_is_not_the_end(void) {
    char err[VG_ERR_LEN];
    size_t dims;
    float out[4];
    static const char text[] = "[1]\0[2]";
    int rc = vg_json_parse(text, sizeof text - 1, out, 4, &dims, err);
    CHECK(rc != 0, "text after an embedded NUL must be rejected");
}

static void test_dimension_limit(void) {
    size_t n = (VG_MAX_DIMS + 1) * 2 + 2;
    char *text = malloc(n + 1);
    size_t o = 0;
    text[o++] = '[';
    for (size_t i = 0; i < VG_MAX_DIMS + 1; i++) {
        if (i) text[o++] = ',';
        text[o++] = '1';
    }
    text[o++] = ']';
    char err[VG_ERR_LEN] = "";
    size_t dims;
    CHECK(vg_json_parse(text, o, NULL, 0, &dims, err) != 0, "%d dims accepted", VG_MAX_DIMS + 1);
    CHECK(strstr(err, "too large") != NULL, "message '%s'", err);
    /* exactly the limit is fine: cut the last ",1" */
    text[o - 3] = ']';
    CHECK(vg_json_parse(text, o - 2, NULL, 0, &dims, err) == 0 && dims == VG_MAX_DIMS, "limit rejected: %s", err);
    free(text);
}

static void test_count_then_fill(void) {
    const char *text = "[1,2,3,4,5]";
    size_t dims;
    char err[VG_ERR_LEN];
    CHECK(parse(text, NULL, 0, &dims, err) == 0 && dims == 5, "count pass");
    float small[3];
    CHECK(parse(text, small, 3, &dims, err) != 0, "a buffer of 3 must not receive 5 values");
}

static void test_format_round_trip(void) {
    const float values[] = {1.0f, 2.5f, -3.0f, 0.1f, 3.4028235e38f, -1.17549435e-38f, 1e-45f, 123456.789f};
    size_t n = sizeof values / sizeof values[0];
    size_t cap = vg_json_size(n);
    char *text = malloc(cap);
    size_t len = vg_json_format(values, n, text, cap);
    CHECK(len < cap && text[len] == 0, "formatted length %zu within %zu", len, cap);
    float back[8];
    size_t dims;
    char err[VG_ERR_LEN];
    CHECK(vg_json_parse(text, len, back, 8, &dims, err) == 0, "re-parse '%s': %s", text, err);
    for (size_t i = 0; i < n; i++) CHECK(back[i] == values[i], "round trip [%zu] of %s", i, text);
    CHECK(strncmp(text, "[1,2.5,-3,0.1,3.4028235e+38,", 28) == 0, "shortest round-trip form, got %s", text);
    free(text);
}

static void test_decimal_comma_locale(void) {
    const char *locales[] = {"de_DE.UTF-8", "fr_FR.UTF-8", "de_DE", NULL};
    const char *set = NULL;
    for (int i = 0; locales[i] && !set; i++) set = setlocale(LC_NUMERIC, locales[i]);
    /* Without a decimal-comma locale installed this still checks the "C" locale path. */
    accepts("[2.5, -0.125]", 2, (const float[]){2.5f, -0.125f});
    float v[] = {2.5f};
    char text[32];
    vg_json_format(v, 1, text, sizeof text);
    CHECK(strcmp(text, "[2.5]") == 0, "formatted %s under locale %s", text, set ? set : "C");
    setlocale(LC_NUMERIC, "C");
}

/* A number too long for the parser's stack buffer is copied to the heap: when that allocation fails
 * the parse says VG_NOMEM (never a wrong value or a range error), and succeeds once memory is back. */
static void test_long_number_out_of_memory(void) {
    char text[128] = "[0.";
    memset(text + 3, '5', 80);
    strcpy(text + 83, "]");
    float out[1];
    size_t dims = 0;
    char err[VG_ERR_LEN] = "";
    vg_test_fail_alloc_after(0);
    int rc = parse(text, out, 1, &dims, err);
    vg_test_fail_alloc_after(-1);
    CHECK(rc == VG_NOMEM, "an 80-digit number without memory gave %d (%s), want VG_NOMEM", rc, err);
    rc = parse(text, out, 1, &dims, err);
    CHECK(rc == 0 && dims == 1 && out[0] == 0.5555555555f, "an 80-digit number gave %d (%s), %.9g", rc, err,
          (double)out[0]);
}

void test_json(void) {
    test_grammar();
    test_offsets_in_messages();
    test_embedded_nul_is_not_the_end();
    test_dimension_limit();
    test_count_then_fill();
    test_format_round_trip();
    test_decimal_comma_locale();
    test_long_number_out_of_memory();
}
