/* A minimal test harness for vec_graph's C unit tests: CHECK counts, test_main.c prints the total. */
#ifndef VG_TEST_H
#define VG_TEST_H

#include <stdio.h>

extern int vg_test_passed;
extern int vg_test_failed;

/* Records one check; on failure prints where and why (printf-style message). */
#define CHECK(cond, ...)                                                   \
    do {                                                                   \
        if (cond) {                                                        \
            vg_test_passed++;                                              \
        } else {                                                           \
            vg_test_failed++;                                              \
            fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                  \
            fputc('\n', stderr);                                           \
        }                                                                  \
    } while (0)

/* Makes the allocation n from now (0: the next) and every later one fail; -1 turns failures off. */
void vg_test_fail_alloc_after(long n);

void test_json(void);
void test_blob(void);
void test_kernels(void);
void test_compact(void);
void test_kernels_compact(void);
void test_graph(void);
void test_hnsw(void);
void test_hnsw_threads(void);
void test_node2vec(void);

#endif
