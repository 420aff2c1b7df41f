/* The counted regions of the regression workloads (bench/regress): each region is run under valgrind's
 * callgrind with instrumentation off outside the regions, and dumped under its counter's name, so a
 * counter holds exactly the instructions of that region. Outside valgrind the macros do nothing. */
#ifndef REGRESS_COUNTED_H
#define REGRESS_COUNTED_H

#include <valgrind/callgrind.h>

#define COUNTED_BEGIN()         \
    do {                        \
        CALLGRIND_START_INSTRUMENTATION; \
        CALLGRIND_ZERO_STATS;   \
    } while (0)

#define COUNTED_END(name)             \
    do {                              \
        CALLGRIND_DUMP_STATS_AT(name); \
        CALLGRIND_STOP_INSTRUMENTATION; \
    } while (0)

#endif
