/* Reading an hnsw_index's options back from its CREATE VIRTUAL TABLE statement: a small tokenizer
 * (blanks, comments, quoted names and strings, words) walks the statement's head, then the module
 * arguments are split at top-level commas, as SQLite splits them, and handed to hnsw_index's parser. */
#include <ctype.h>
#include <string.h>

#include "vg_alloc.h"
#include "vg_node2vec_schema.h"

static const char *skip_blanks(const char *z) {
    for (;;) {
        if (isspace((unsigned char)*z)) z++;
        else if (z[0] == '-' && z[1] == '-') z += strcspn(z, "\n");
        else if (z[0] == '/' && z[1] == '*') {
            const char *end = strstr(z + 2, "*/");
            z = end ? end + 2 : z + strlen(z);
        } else return z;
    }
}

static int is_word_char(char c) {
    return isalnum((unsigned char)c) || c == '_' || c == '$' || (unsigned char)c >= 0x80;
}

/* The length of the token at z (0 at the end): a quoted name or string (doubled quotes inside),
 * a [bracketed] name, a word, or one other character. */
static size_t token_length(const char *z) {
    if (!*z) return 0;
    if (*z == '"' || *z == '\'' || *z == '`' || *z == '[') {
        char close = *z == '[' ? ']' : *z;
        size_t i = 1;
        while (z[i]) {
            if (z[i] == close && (close == ']' || z[i + 1] != close)) return i + 1;
            i += z[i] == close ? 2 : 1;
        }
        return i;
    }
    size_t i = 0;
    while (is_word_char(z[i])) i++;
    return i ? i : 1;
}

/* Whether the n bytes at t, without one pair of surrounding quotes, are word (ASCII case ignored). */
static int token_is(const char *t, size_t n, const char *word) {
    if (n >= 2 && (t[0] == '"' || t[0] == '`' || t[0] == '[')) t++, n -= 2;
    if (n != strlen(word)) return 0;
    for (size_t i = 0; i < n; i++)
        if (tolower((unsigned char)t[i]) != word[i]) return 0;
    return 1;
}

/* Moves *z past the next token and returns it (length in *n). */
static const char *next_token(const char **z, size_t *n) {
    const char *t = skip_blanks(*z);
    *n = token_length(t);
    *z = t + *n;
    return t;
}

static int next_is(const char **z, const char *word) {
    const char *save = *z;
    size_t n;
    const char *t = next_token(z, &n);
    if (token_is(t, n, word)) return 1;
    *z = save;
    return 0;
}

/* After the head, z is at the module name; splits its "(...)" arguments into a malloc'd array. */
static vg_node2vec_schema_rc split_args(const char *z, char ***args, int *count) {
    *args = NULL;
    *count = 0;
    if (!next_is(&z, "(")) return VG_NODE2VEC_SCHEMA_OK;
    size_t cap = 1;
    for (const char *c = z; *c; c++) cap += *c == ',';
    char **list = vg_calloc(cap, sizeof *list);
    if (!list) return VG_NODE2VEC_SCHEMA_NOMEM;
    *args = list;
    int depth = 0;
    const char *arg = NULL, *end = NULL; /* the argument's first token and the end of its last */
    for (;;) {
        size_t n;
        const char *t = next_token(&z, &n);
        if (n == 0 || (depth == 0 && (*t == ',' || *t == ')'))) {
            if (n == 0 && !arg) break;
            size_t len = arg ? (size_t)(end - arg) : 0;
            list[*count] = vg_malloc(len + 1);
            if (!list[*count]) return VG_NODE2VEC_SCHEMA_NOMEM;
            if (len) memcpy(list[*count], arg, len);
            list[(*count)++][len] = 0;
            if (n == 0 || *t == ')') break;
            arg = NULL;
            continue;
        }
        if (*t == '(') depth++;
        else if (*t == ')') depth--;
        if (!arg) arg = t;
        end = t + n;
    }
    return VG_NODE2VEC_SCHEMA_OK;
}

vg_node2vec_schema_rc vg_node2vec_hnsw_options(const char *sql, vg_hnsw_params *out, char err[VG_HNSW_ERR_LEN]) {
    const char *z = sql;
    size_t n;
    if (!next_is(&z, "create") || !next_is(&z, "virtual") || !next_is(&z, "table")) return VG_NODE2VEC_SCHEMA_NOT_HNSW;
    if (next_is(&z, "if") && !(next_is(&z, "not") && next_is(&z, "exists"))) return VG_NODE2VEC_SCHEMA_NOT_HNSW;
    next_token(&z, &n);
    if (next_is(&z, ".")) next_token(&z, &n);
    if (!next_is(&z, "using") || !next_is(&z, "hnsw_index")) return VG_NODE2VEC_SCHEMA_NOT_HNSW;
    char **args;
    int count;
    vg_node2vec_schema_rc rc = split_args(z, &args, &count);
    if (rc == VG_NODE2VEC_SCHEMA_OK && vg_hnsw_parse_options(count, (const char *const *)args, out, err) != 0)
        rc = VG_NODE2VEC_SCHEMA_BAD;
    for (int i = 0; args && i < count; i++) vg_free(args[i]);
    vg_free(args);
    return rc;
}
