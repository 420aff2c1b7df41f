/*
** Fault points (vg_driver_points.h). A point's site says where the allocation or I/O came from. The
** stack above the allocator wrapper or the VFS shim is walked (_Unwind_Backtrace) up to the driver's
** vg_run_record, and the site is
**   - when an extension frame is on it: the innermost one and the EXT_CONTEXT - 1 frames above it
**     (vg_malloc and the line that called it; a SQLite call the extension made and its caller);
**   - else (SQLite's own work for the driver's SQL): the SQLITE_CONTEXT frames above the wrapper.
** Each site is a hash of those return addresses, good within one process.
*/
#define _GNU_SOURCE /* dl_iterate_phdr */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unwind.h>
#ifdef __linux__
#include <link.h>
#endif

#include "vg_driver_faults.h"
#include "vg_driver_points.h"

vg_points vg_points_now;

/* frames skipped: site_of itself, vg_point, and the wrapper or shim function that called it */
#define SKIPPED_FRAMES 3

/* the extension's code, once found (vg_points_find_extension) */
static uintptr_t extension_lo, extension_hi;

#ifdef __linux__
static int find_object(struct dl_phdr_info *info, size_t size, void *path) {
    (void)size;
    const char *name = info->dlpi_name, *base = strrchr(name, '/'), *want = strrchr(path, '/');
    if (strcmp(name, path) != 0 && !(base && want && strcmp(base, want) == 0)) return 0;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *h = &info->dlpi_phdr[i];
        if (h->p_type != PT_LOAD || !(h->p_flags & PF_X)) continue;
        uintptr_t lo = info->dlpi_addr + h->p_vaddr, hi = lo + h->p_memsz;
        if (!extension_lo || lo < extension_lo) extension_lo = lo;
        if (hi > extension_hi) extension_hi = hi;
    }
    return 1;
}
#endif

void vg_points_find_extension(const char *path) {
#ifdef __linux__
    if (path && !extension_hi) dl_iterate_phdr(find_object, (void *)path);
#else
    (void)path; /* sites are then SQLITE_CONTEXT frames deep everywhere */
#endif
}

typedef struct {
    uintptr_t ip[SQLITE_CONTEXT]; /* the first frames, for a site without extension frames */
    int n, skip;
    int in_extension; /* extension frames hashed so far */
    uint64_t hash;    /* FNV-1a over the return addresses */
} walk;

static void mix(walk *w, uintptr_t ip) {
    w->hash ^= (uint64_t)ip;
    w->hash *= 1099511628211ULL;
}

static _Unwind_Reason_Code step(struct _Unwind_Context *context, void *arg) {
    walk *w = arg;
    if (_Unwind_GetCFA(context) > vg_points_now.stack_base) return _URC_END_OF_STACK;
    if (w->skip > 0) {
        w->skip--;
        return _URC_NO_REASON;
    }
    uintptr_t ip = (uintptr_t)_Unwind_GetIP(context);
    if (w->in_extension || (ip >= extension_lo && ip < extension_hi)) {
        mix(w, ip);
        return ++w->in_extension == EXT_CONTEXT ? _URC_END_OF_STACK : _URC_NO_REASON;
    }
    if (w->n < SQLITE_CONTEXT) w->ip[w->n++] = ip;
    return _URC_NO_REASON;
}

__attribute__((noinline)) static uint64_t site_of(void) {
    walk w = {{0}, 0, SKIPPED_FRAMES, 0, 1469598103934665603ULL};
    _Unwind_Backtrace(step, &w);
    if (!w.in_extension)
        for (int i = 0; i < w.n; i++) mix(&w, w.ip[i]);
    return w.hash;
}

void vg_points_start(long long target, int persistent, int full, int recording) {
    vg_points *p = &vg_points_now;
    p->seen = 0;
    p->target = target;
    p->persistent = persistent;
    p->full = full;
    p->fired = 0;
    p->fired_site = 0;
    p->recording = recording;
    p->active = 1;
}

void vg_points_stop(void) {
    vg_points_now.active = 0;
    vg_points_now.target = 0;
    vg_points_now.recording = 0;
}

static void record(vg_points *p, int kind, uint64_t site) {
    size_t i = (size_t)p->seen - 1;
    if (i >= p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 4096;
        uint64_t *site = realloc(p->site, cap * sizeof *site);
        unsigned char *kinds = site ? realloc(p->kind, cap) : NULL;
        if (!kinds) {
            fputs("vg_driver: out of memory\n", stderr);
            exit(3);
        }
        p->site = site;
        p->kind = kinds;
        p->cap = cap;
    }
    p->site[i] = site;
    p->kind[i] = (unsigned char)kind;
}

int vg_point(int kind) {
    vg_points *p = &vg_points_now;
    if (!p->active) return 0;
    p->seen++;
    int fails = p->target != 0 && (p->seen == p->target || (p->seen > p->target && p->persistent));
    int first = fails && p->fired == 0;
    p->fired += fails;
    if (p->recording || first) {
        uint64_t site = site_of();
        if (p->recording) record(p, kind, site);
        if (first) p->fired_site = site;
    }
    return fails;
}

static size_t site_slot(const vg_site_set *s, uint64_t key) {
    size_t at = (size_t)(key ^ (key >> 29)) & (s->cap - 1);
    while (s->slot[at] && s->slot[at] != key) at = (at + 1) & (s->cap - 1);
    return at;
}

int vg_site_set_has(const vg_site_set *s, uint64_t site) {
    uint64_t key = site ? site : 1;
    return s->cap > 0 && s->slot[site_slot(s, key)] == key;
}

int vg_site_set_add(vg_site_set *s, uint64_t site) {
    uint64_t key = site ? site : 1;
    if ((s->count + 1) * 2 > s->cap) {
        vg_site_set grown = {calloc(s->cap ? s->cap * 2 : 64, sizeof(uint64_t)), s->cap ? s->cap * 2 : 64, s->count};
        if (!grown.slot) return !vg_site_set_has(s, site);
        for (size_t i = 0; i < s->cap; i++)
            if (s->slot[i]) grown.slot[site_slot(&grown, s->slot[i])] = s->slot[i];
        free(s->slot);
        *s = grown;
    }
    size_t at = site_slot(s, key);
    if (s->slot[at] == key) return 0;
    s->slot[at] = key;
    s->count++;
    return 1;
}

void vg_site_set_free(vg_site_set *s) {
    free(s->slot);
    s->slot = NULL;
    s->cap = s->count = 0;
}
