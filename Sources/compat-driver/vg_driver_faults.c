/*
** vg_driver --faults oom|ioerr: the record loop (see vg_driver_faults.h for what is tried and checked).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vg_driver_checks.h"
#include "vg_driver_faults.h"
#include "vg_driver_ioerr.h"
#include "vg_driver_oom.h"
#include "vg_driver_points.h"
#include "vg_driver_snapshot.h"

enum { OOM, IOERR };

/* The most FAULT messages printed per record (every failed check counts in the case's verdict). */
#define REPORTED_PROBLEMS 3

/* A record's result: its output and its error message (NULL when it succeeded). */
typedef struct {
    vg_buf out;
    char *message;
} result;

/* A record run since the snapshot, and what it gave then. */
typedef struct {
    vg_record record;
    result expected;
} replayed;

enum { SAMPLE, EVERY, SITES, NEW_SITES };

struct vg_faults {
    int mode;
    int points; /* SAMPLE, EVERY, SITES or NEW_SITES (--fault-points sample, all, sites, new-sites) */
    vg_site_set file_sites; /* new-sites: the sites the file's records so far failed */
    char *db_path, *extension;
    vg_snapshot snapshot; /* the state at the last record boundary outside a transaction */
    replayed *replay;     /* the records run since, in order */
    int n_replay;
};

/* One record's tries. */
typedef struct {
    vg_faults *f;
    sqlite3 *db;
    const vg_record *r;
    result expected;           /* the fault-free run's */
    int expected_rc;           /* and its (extended) result code */
    uint64_t expected_content; /* vg_fingerprint after it */
    vg_health before, after;   /* the integrity checks before and after the record, fault-free */
    long long points, tried, runs, failed, problems;
    long long point;     /* the point being tried (0: none) */
    const char *variant; /* "transient", "persistent" or "persistent SQLITE_FULL" */
    vg_site_set sites_failed;
    vg_buf *report;
} tries;

static void result_free(result *x) {
    vg_buf_free(&x->out);
    free(x->message);
    x->message = NULL;
}

static int same(const result *a, const result *b) {
    if ((a->message == NULL) != (b->message == NULL)) return 0;
    if (a->message && strcmp(a->message, b->message) != 0) return 0;
    return a->out.len == b->out.len && (a->out.len == 0 || memcmp(a->out.bytes, b->out.bytes, a->out.len) == 0);
}

vg_faults *vg_faults_new(const char *mode, const char *points, const char *db_path, const char *extension) {
    int m = mode && strcmp(mode, "oom") == 0 ? OOM : mode && strcmp(mode, "ioerr") == 0 ? IOERR : -1;
    int chosen = points == NULL || strcmp(points, "sample") == 0 ? SAMPLE
                 : strcmp(points, "all") == 0                  ? EVERY
                 : strcmp(points, "sites") == 0                ? SITES
                 : strcmp(points, "new-sites") == 0            ? NEW_SITES
                                                               : -1;
    if (m < 0 || chosen < 0 || db_path == NULL) {
        fprintf(stderr, "vg_driver: --faults takes oom or ioerr, --fault-points sample, all, sites or new-sites\n");
        return NULL;
    }
    int rc = m == OOM ? vg_oom_install() : vg_ioerr_install();
    if (rc != SQLITE_OK) {
        fprintf(stderr, "vg_driver: cannot install the %s fault injection: %s\n", mode, sqlite3_errstr(rc));
        return NULL;
    }
    /* SQLite's random numbers seeded now: a PRNG_SAVE before their first use would save the unseeded
    ** state, and each run of a record that draws them first (CREATE VIRTUAL TABLE: hnsw_index's id)
    ** would seed it afresh from the OS and draw other numbers than the run it is checked against */
    unsigned char seed;
    sqlite3_randomness(1, &seed);
    vg_faults *f = calloc(1, sizeof *f);
    if (f == NULL) return NULL;
    f->mode = m;
    f->points = chosen;
    f->db_path = vg_strdup(db_path);
    f->extension = extension ? vg_strdup(extension) : NULL;
    return f;
}

static void forget_replay(vg_faults *f) {
    for (int i = 0; i < f->n_replay; i++) {
        free(f->replay[i].record.sql);
        result_free(&f->replay[i].expected);
    }
    free(f->replay);
    f->replay = NULL;
    f->n_replay = 0;
}

void vg_faults_free(vg_faults *f) {
    if (f == NULL) return;
    forget_replay(f);
    vg_snapshot_free(&f->snapshot);
    vg_site_set_free(&f->file_sites);
    free(f->db_path);
    free(f->extension);
    free(f);
}

int vg_faults_wants_syncs(const vg_faults *f) {
    return f && f->mode == IOERR;
}

static void problem(tries *t, const char *what, const char *detail) {
    t->problems++;
    if (t->problems > REPORTED_PROBLEMS) return;
    vg_buf text = {0};
    if (t->point) vg_buf_printf(&text, "%s fault point %lld of %lld (%s): ", t->f->mode == OOM ? "oom" : "ioerr", t->point,
                                t->points, t->variant);
    vg_buf_printf(&text, "%s", what);
    if (detail && detail[0]) vg_buf_printf(&text, "\n%s", detail);
    vg_buf_framed(t->report, "FAULT ", text.bytes, text.len);
    vg_buf_free(&text);
}

/* Runs r into x, with the points counting (and failing) as vg_points_start set them. */
static int run(sqlite3 *db, const vg_record *r, result *x) {
    memset(x, 0, sizeof *x);
    vg_points_now.stack_base = (uintptr_t)__builtin_frame_address(0);
    return vg_run_record(db, r, &x->out, &x->message);
}

/* Back to the state before the record: the snapshot and the records since (unless the connection is
** known to be there still), and SQLite's random numbers as they were at the snapshot's boundary, so
** that every run draws the same (hnsw_index ids, temporary file names). Returns 0 when that state
** could be had exactly as before. */
static int back_to_start(tries *t) {
    vg_faults *f = t->f;
    char *message = NULL;
    sqlite3_test_control(SQLITE_TESTCTRL_PRNG_RESTORE);
    if (f->n_replay == 0 && vg_snapshot_unchanged(t->db, &f->snapshot)) return 0;
    if (vg_snapshot_restore(t->db, &f->snapshot, &message) != SQLITE_OK) {
        problem(t, "the database could not be restored from its snapshot", message);
        free(message);
        return 1;
    }
    for (int i = 0; i < f->n_replay; i++) {
        result again;
        run(t->db, &f->replay[i].record, &again);
        int differs = !same(&again, &f->replay[i].expected);
        result_free(&again);
        if (differs) {
            char line[96];
            snprintf(line, sizeof line, "replaying record %ld (since the snapshot) gave another result",
                     f->replay[i].record.line);
            problem(t, line, NULL);
            return 1;
        }
    }
    return 0;
}

static int accepted(int mode, int rc) {
    return mode == OOM ? (rc & 0xff) == SQLITE_NOMEM : (rc & 0xff) == SQLITE_IOERR || rc == SQLITE_FULL;
}

/* oom: the record's own error, whose message SQLite could not copy. sqlite3_step copies a failed
** statement's message to the connection (sqlite3VdbeTransferError) as a benign allocation: when that
** fails, nothing notes it, the error keeps its code and sqlite3_errmsg gives sqlite3_errstr(code).
** Accepted only when the fault-free run failed with that same code and the message is exactly
** sqlite3_errstr(code); the record, run again, must still match exactly. */
static int lost_message(const tries *t, int rc, const result *got) {
    return t->f->mode == OOM && t->expected.message && rc == t->expected_rc && got->message &&
           strcmp(got->message, sqlite3_errstr(rc)) == 0;
}

static void note_site(tries *t) {
    if (vg_points_now.fired > 0) vg_site_set_add(&t->sites_failed, vg_points_now.fired_site);
}

/* After a failed try: the integrity checks (unless the database is known to be as before the record,
** whose checks are known), the reopened connection (ioerr), and the record again. */
static void check_failure(tries *t, const result *got) {
    vg_buf problems = {0};
    if (t->f->n_replay > 0 || !vg_snapshot_unchanged(t->db, &t->f->snapshot)) {
        vg_health now;
        vg_health_take(t->db, &now);
        if (vg_health_compare(&now, &t->before, &t->after, &problems)) problem(t, "after the failure", problems.bytes);
        vg_health_free(&now);
    }
    if (t->f->mode == IOERR) {
        if (!sqlite3_get_autocommit(t->db)) sqlite3_exec(t->db, "ROLLBACK", NULL, NULL, NULL);
        problems.len = 0;
        if (vg_check_reopened(t->f->db_path, t->f->extension, &problems)) problem(t, "after reopening", problems.bytes);
    }
    vg_buf_free(&problems);
    if (back_to_start(t)) return;
    result again;
    run(t->db, t->r, &again);
    if (!same(&again, &t->expected)) {
        vg_buf detail = {0};
        vg_buf_printf(&detail, "the failure was: %s\nrun again: %s", got->message,
                      again.message ? again.message : "(no error, other rows)");
        problem(t, "the record, run again without faults, gives another result", detail.bytes);
        vg_buf_free(&detail);
    }
    result_free(&again);
}

/* One faulted run; returns the number of points the run made. */
static long long try_point(tries *t, long long point, int persistent, int full) {
    t->point = point;
    t->variant = full ? "persistent SQLITE_FULL" : persistent ? "persistent" : "transient";
    if (back_to_start(t)) return 0;
    result got;
    vg_points_start(point, persistent, full, 0);
    int rc = run(t->db, t->r, &got);
    vg_points_stop();
    long long seen = vg_points_now.seen;
    t->runs++;
    note_site(t);
    if (same(&got, &t->expected)) {
        if (vg_fingerprint(t->db) != t->expected_content)
            problem(t, "the record gave its result but left the databases otherwise than its fault-free run", NULL);
    } else if (rc == SQLITE_OK) {
        problem(t, "the record succeeded with another result", NULL);
    } else if (!accepted(t->f->mode, rc) && !lost_message(t, rc, &got)) {
        char what[160];
        snprintf(what, sizeof what, "failed with %s (%d), not %s", sqlite3_errstr(rc), rc,
                 t->f->mode == OOM ? "SQLITE_NOMEM" : "SQLITE_IOERR or SQLITE_FULL");
        problem(t, what, got.message);
    } else {
        t->failed++;
        check_failure(t, &got);
    }
    result_free(&got);
    return seen;
}

/* Which points to try: every one, or the sample (vg_driver_faults.h); sets chosen[i] for point i + 1
** and *sites to the number of distinct sites. */
static void choose(const vg_faults *f, long long n, unsigned char *chosen, long long *sites) {
    const uint64_t *site = vg_points_now.site;
    long long stride = n > SAMPLE_ALL ? (n - SAMPLE_ALL + SAMPLE_SPREAD - 1) / SAMPLE_SPREAD : 1;
    vg_site_set seen = {0};
    *sites = 0;
    for (long long i = 0; i < n; i++) {
        chosen[i] = f->points == EVERY || (f->points == SAMPLE && (i < SAMPLE_ALL || (i + 1 - SAMPLE_ALL) % stride == 0));
        if (!vg_site_set_add(&seen, site[i])) continue;
        (*sites)++;
        /* the first point of a site; new-sites: of a site no earlier record of the file failed */
        if (f->points != NEW_SITES || !vg_site_set_has(&f->file_sites, site[i])) chosen[i] = 1;
    }
    if (f->points == NEW_SITES && n > 0) chosen[n - 1] = 1; /* and the record's last point */
    vg_site_set_free(&seen);
}

/* At a record boundary outside a transaction: what the records since did is in the database now; a
** new snapshot if the databases changed, and SQLite's random numbers as they are now. */
static void new_boundary(tries *t) {
    vg_faults *f = t->f;
    forget_replay(f);
    sqlite3_test_control(SQLITE_TESTCTRL_PRNG_SAVE);
    if (vg_snapshot_unchanged(t->db, &f->snapshot)) return;
    vg_snapshot_free(&f->snapshot);
    int rc = vg_snapshot_take(t->db, &f->snapshot);
    if (rc != SQLITE_OK) problem(t, "cannot take a snapshot of the databases", sqlite3_errstr(rc));
}

/* Keeps r and its result for the replays of the records after it, until the next boundary. */
static void remember(vg_faults *f, const vg_record *r, const result *x) {
    replayed *grown = realloc(f->replay, ((size_t)f->n_replay + 1) * sizeof *grown);
    if (grown == NULL) return;
    f->replay = grown;
    replayed *kept = &f->replay[f->n_replay++];
    memset(kept, 0, sizeof *kept);
    kept->record = *r;
    kept->record.sql = malloc(r->n + 1);
    if (kept->record.sql) memcpy(kept->record.sql, r->sql, r->n + 1);
    vg_buf_put(&kept->expected.out, x->out.bytes, x->out.len);
    kept->expected.message = x->message ? vg_strdup(x->message) : NULL;
}

void vg_faults_record(vg_faults *f, sqlite3 *db, const vg_record *r, vg_buf *out, char **message, vg_buf *report) {
    tries t = {.f = f, .db = db, .r = r, .report = report};
    if (sqlite3_get_autocommit(db)) new_boundary(&t);
    vg_health_take(db, &t.before);
    /* Run once to warm what a first run warms (schema, caches), and once more from the state before the
    ** record, counting: the tries start as that second run does. */
    int broken = back_to_start(&t);
    t.expected_rc = run(db, r, &t.expected);
    broken = broken || back_to_start(&t);
    result counted;
    vg_points_find_extension(f->extension);
    vg_points_start(0, 0, 0, 1);
    run(db, r, &counted);
    vg_points_stop();
    t.points = vg_points_now.seen;
    t.expected_content = vg_fingerprint(db);
    if (!broken && !same(&counted, &t.expected)) {
        problem(&t, "the record gives another result when run a second time (from the same state)", NULL);
        broken = 1;
    }
    result_free(&counted);
    vg_health_take(db, &t.after);
    long long sites = 0;
    unsigned char *chosen = t.points > 0 ? calloc((size_t)t.points, 1) : NULL;
    if (chosen) choose(f, t.points, chosen, &sites);
    const unsigned char *kinds = vg_points_now.kind; /* recorded by the fault-free run, kept by the tries */
    for (long long i = 0; chosen && !broken && i < t.points; i++) {
        if (!chosen[i]) continue;
        t.tried++;
        /* a persistent fault differs from a transient one only at the points after it */
        if (try_point(&t, i + 1, 0, 0) > i + 1) try_point(&t, i + 1, 1, 0);
        if (f->mode == IOERR && kinds[i] == VG_POINT_WRITE) try_point(&t, i + 1, 1, 1);
    }
    t.point = 0;
    /* leave the state after the record, as its fault-free run left it */
    if (t.runs > 0 && !back_to_start(&t)) {
        result last;
        run(db, r, &last);
        if (!same(&last, &t.expected)) problem(&t, "the record, run once more at the end, gives another result", NULL);
        result_free(&last);
    }
    free(chosen);
    vg_buf_printf(report, "FAULTS %s %lld %lld %lld %lld %lld %zu\n", f->mode == OOM ? "oom" : "ioerr", t.points, t.tried,
                  t.runs, t.failed, sites, t.sites_failed.count);
    for (size_t i = 0; i < t.sites_failed.cap; i++)
        if (t.sites_failed.slot[i]) vg_site_set_add(&f->file_sites, t.sites_failed.slot[i]);
    remember(f, r, &t.expected);
    *out = t.expected.out; /* the record as its fault-free run gave it, for the harness to judge */
    *message = t.expected.message;
    vg_health_free(&t.before);
    vg_health_free(&t.after);
    vg_site_set_free(&t.sites_failed);
}
