/* Parsing and checking hnsw_index's CREATE VIRTUAL TABLE options. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vg_hnsw_options.h"
#include "vg_vector.h"

typedef struct option_spec {
    const char *name;
    long long min, max;
} option_spec;

enum { OPT_DIMENSIONS, OPT_METRIC, OPT_M, OPT_EF_CONSTRUCTION, OPT_SEED, OPT_CACHE_MB, OPT_STORAGE, OPT_RESCORE, OPT_COUNT };

static const option_spec specs[OPT_COUNT] = {
    {"dimensions", 1, VG_MAX_DIMS},
    {"metric", 0, 0},
    {"m", 2, 128},
    {"ef_construction", 1, 4096},
    {"seed", 0, 9007199254740991LL},
    {"cache_mb", 1, 1048576},
    {"storage", 0, 0},
    {"rescore", 0, VG_HNSW_MAX_RESCORE},
};

static const char *const metric_names[] = {"l2", "cosine", "inner_product"};

const char *vg_hnsw_metric_name(vg_hnsw_metric m) {
    return metric_names[m];
}

/* Copies z[0..n) without surrounding blanks and one pair of matching quotes into out (cap bytes). */
static void trimmed(const char *z, size_t n, char *out, size_t cap) {
    while (n && isspace((unsigned char)z[0])) z++, n--;
    while (n && isspace((unsigned char)z[n - 1])) n--;
    if (n >= 2 && (z[0] == '\'' || z[0] == '"' || z[0] == '`') && z[n - 1] == z[0]) z++, n -= 2;
    if (n >= cap) n = cap - 1;
    memcpy(out, z, n);
    out[n] = 0;
}

static int parse_integer(const char *text, const option_spec *spec, long long *out, char *err) {
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (!text[0] || *end || errno || v < spec->min || v > spec->max) {
        snprintf(err, VG_HNSW_ERR_LEN, "%s must be an integer from %lld to %lld, got '%s'", spec->name, spec->min,
                 spec->max, text);
        return -1;
    }
    *out = v;
    return 0;
}

static int set_option(int opt, const char *value, vg_hnsw_params *p, char *err) {
    long long v = 0;
    if (opt == OPT_METRIC) {
        for (int m = 0; m < 3; m++) {
            if (strcmp(value, metric_names[m]) == 0) {
                p->metric = (vg_hnsw_metric)m;
                return 0;
            }
        }
        snprintf(err, VG_HNSW_ERR_LEN, "unknown metric '%s' (expected l2, cosine or inner_product)", value);
        return -1;
    }
    if (opt == OPT_STORAGE) {
        for (int t = VG_ELEM_F32; t <= VG_ELEM_BIT; t++) {
            if (strcmp(value, vg_elem_name((vg_elem)t)) == 0) {
                p->storage = (vg_elem)t;
                return 0;
            }
        }
        snprintf(err, VG_HNSW_ERR_LEN, "unknown storage '%s' (expected f32, f16, i8 or bit)", value);
        return -1;
    }
    if (parse_integer(value, &specs[opt], &v, err) != 0) return -1;
    switch (opt) {
    case OPT_DIMENSIONS: p->dims = (int)v; break;
    case OPT_M: p->m = (int)v; break;
    case OPT_EF_CONSTRUCTION: p->ef_construction = (int)v; break;
    case OPT_CACHE_MB: p->cache_mb = (int)v; break;
    case OPT_RESCORE: p->rescore = (int)v; break;
    default: p->seed = (uint64_t)v; break;
    }
    return 0;
}

int vg_hnsw_parse_options(int n, const char *const *args, vg_hnsw_params *out, char err[VG_HNSW_ERR_LEN]) {
    vg_hnsw_params p = {0, VG_HNSW_L2, 16, 200, VG_HNSW_DEFAULT_SEED, VG_HNSW_DEFAULT_CACHE_MB, VG_ELEM_F32, 0};
    int seen[OPT_COUNT] = {0};
    for (int i = 0; i < n; i++) {
        const char *eq = strchr(args[i], '=');
        char key[64], value[128];
        if (!eq) {
            trimmed(args[i], strlen(args[i]), key, sizeof key);
            snprintf(err, VG_HNSW_ERR_LEN, "expected key=value, got '%s'", key);
            return -1;
        }
        trimmed(args[i], (size_t)(eq - args[i]), key, sizeof key);
        trimmed(eq + 1, strlen(eq + 1), value, sizeof value);
        int opt = 0;
        while (opt < OPT_COUNT && strcmp(key, specs[opt].name) != 0) opt++;
        if (opt == OPT_COUNT) {
            snprintf(err, VG_HNSW_ERR_LEN,
                     "unknown option '%s' (expected dimensions, metric, m, ef_construction, seed, cache_mb, storage "
                     "or rescore)",
                     key);
            return -1;
        }
        if (seen[opt]++) {
            snprintf(err, VG_HNSW_ERR_LEN, "option '%s' given twice", key);
            return -1;
        }
        if (set_option(opt, value, &p, err) != 0) return -1;
    }
    if (!seen[OPT_DIMENSIONS]) {
        snprintf(err, VG_HNSW_ERR_LEN, "dimensions=N is required (1 to %d)", VG_MAX_DIMS);
        return -1;
    }
    if (p.rescore > 0 && p.storage == VG_ELEM_F32) {
        snprintf(err, VG_HNSW_ERR_LEN, "rescore=%d needs a compact storage (f16, i8 or bit): f32 is what it re-ranks by",
                 p.rescore);
        return -1;
    }
    *out = p;
    return 0;
}
