/* SPDX-License-Identifier: Apache-2.0 */
/*
 * atomics.h - the library's thin atomics layer.
 *
 * Every atomic access in lib/ goes through these macros, in the manner of
 * userspace-rcu's uatomic and Concurrency Kit's ck_pr, so that the
 * publication protocol (lib/publish.h) can be compiled against a model
 * checker: define FBUMP_ATOMICS_EXTERNAL and provide the same names.
 *
 * The default maps onto the GCC/Clang __atomic builtins, which have the
 * C11 memory model's semantics and which ThreadSanitizer understands; they
 * work on plain objects, so the public header's inline fast paths and the
 * library read and write the same fields the same way.  Every use states
 * why its memory order is enough.
 */
#ifndef FBUMP_ATOMICS_H
#define FBUMP_ATOMICS_H

#ifndef FBUMP_ATOMICS_EXTERNAL
#include <stdbool.h>
#include <stddef.h>

#include <stdint.h>

typedef size_t fbump_atomic_size;
typedef uint64_t fbump_atomic_u64;
typedef unsigned char fbump_atomic_flag8;

#define FBUMP_RELAXED __ATOMIC_RELAXED
#define FBUMP_ACQUIRE __ATOMIC_ACQUIRE
#define FBUMP_RELEASE __ATOMIC_RELEASE
#define FBUMP_ACQ_REL __ATOMIC_ACQ_REL
#define FBUMP_SEQ_CST __ATOMIC_SEQ_CST

/* Initialisation before the object is shared: a plain store. */
#define fbump_atomic_init(p, v) (*(p) = (v))
#define fbump_atomic_load(p, mo) __atomic_load_n((p), (mo))
#define fbump_atomic_store(p, v, mo) __atomic_store_n((p), (v), (mo))
/* Strong compare-and-swap; on failure *expected receives the value seen. */
#define fbump_atomic_cas(p, expected, desired, mo_ok, mo_fail) \
	__atomic_compare_exchange_n((p), (expected), (desired), false, \
				    (mo_ok), (mo_fail))
#define fbump_atomic_fetch_add(p, v, mo) __atomic_fetch_add((p), (v), (mo))
#endif /* FBUMP_ATOMICS_EXTERNAL */

#endif /* FBUMP_ATOMICS_H */
