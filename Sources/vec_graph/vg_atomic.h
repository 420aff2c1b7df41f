/* The few atomic operations the shared HNSW cache needs, for GCC/Clang (__atomic builtins) and MSVC
 * (volatile accesses with compiler barriers; x86-64 and arm64 MSVC give volatile acquire/release
 * semantics under /volatile:ms, its default on x86-64; the arm64 path uses explicit barriers).
 *   load_ptr / store_ptr   acquire / release: a record is fully written before another thread sees it
 *   load_u8 / store_u8     relaxed: the clock bit of a record, a hint where losing an update is harmless */
#ifndef VG_ATOMIC_H
#define VG_ATOMIC_H

#include <stdint.h>

#if defined(_MSC_VER) && !defined(__clang__)
#include <intrin.h>
#if defined(_M_ARM64)
#define VG_ACQUIRE_FENCE() __dmb(_ARM64_BARRIER_ISH)
#define VG_RELEASE_FENCE() __dmb(_ARM64_BARRIER_ISH)
#else
#define VG_ACQUIRE_FENCE() _ReadWriteBarrier()
#define VG_RELEASE_FENCE() _ReadWriteBarrier()
#endif
static __forceinline void *vg_msvc_load_ptr(void *const volatile *p) {
    void *v = *p;
    VG_ACQUIRE_FENCE();
    return v;
}
static __forceinline void vg_msvc_store_ptr(void *volatile *p, void *v) {
    VG_RELEASE_FENCE();
    *p = v;
}
#define vg_atomic_load_ptr(p) vg_msvc_load_ptr((void *const volatile *)(p))
#define vg_atomic_store_ptr(p, v) vg_msvc_store_ptr((void *volatile *)(p), (void *)(v))
#define vg_atomic_load_u8(p) (*(const volatile uint8_t *)(p))
#define vg_atomic_store_u8(p, v) (*(volatile uint8_t *)(p) = (uint8_t)(v))
#else
#define vg_atomic_load_ptr(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define vg_atomic_store_ptr(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define vg_atomic_load_u8(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#define vg_atomic_store_u8(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#endif

#endif
