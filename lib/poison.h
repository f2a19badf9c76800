/* SPDX-License-Identifier: Apache-2.0 */
/*
 * poison.h - tell memcheck and AddressSanitizer which slots a program may
 * touch: slots past the length, and slots freed by rollback or reset, are
 * inaccessible; a slot handed out but not yet written is undefined.
 * Compiles to nothing unless built with --enable-valgrind or under ASan.
 */
#ifndef FBUMP_POISON_H
#define FBUMP_POISON_H

#include <stddef.h>
#include <stdint.h>

#if defined(__SANITIZE_ADDRESS__)
# define FBUMP_HAVE_ASAN 1
#elif defined(__has_feature)
# if __has_feature(address_sanitizer)
#  define FBUMP_HAVE_ASAN 1
# endif
#endif

#ifdef FBUMP_HAVE_ASAN
# include <sanitizer/asan_interface.h>
# define FBUMP_ASAN_POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
# define FBUMP_ASAN_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
# define FBUMP_ASAN_POISON(p, n) ((void)(p), (void)(n))
# define FBUMP_ASAN_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#ifdef ENABLE_VALGRIND
# include <valgrind/memcheck.h>
# define FBUMP_VG_NOACCESS(p, n) ((void)VALGRIND_MAKE_MEM_NOACCESS((p), (n)))
# define FBUMP_VG_UNDEFINED(p, n) ((void)VALGRIND_MAKE_MEM_UNDEFINED((p), (n)))
#else
# define FBUMP_VG_NOACCESS(p, n) ((void)(p), (void)(n))
# define FBUMP_VG_UNDEFINED(p, n) ((void)(p), (void)(n))
#endif

/* Whether this build marks slots at all (ASan, or --enable-valgrind). */
#if defined(FBUMP_HAVE_ASAN) || defined(ENABLE_VALGRIND)
# define FBUMP_POISONING 1
#else
# define FBUMP_POISONING 0
#endif

/* [p, p + n) must not be touched: past the length, or destroyed. */
static inline void fbump_poison(void *p, size_t n)
{
	if (p == NULL || n == 0)
		return;
	FBUMP_ASAN_POISON(p, n);
	FBUMP_VG_NOACCESS(p, n);
}

/* [p, p + n) is handed out: writable, contents undefined. */
static inline void fbump_unpoison(void *p, size_t n)
{
	if (p == NULL || n == 0)
		return;
	FBUMP_ASAN_UNPOISON(p, n);
	FBUMP_VG_UNDEFINED(p, n);
}

/* The same for a slot of an arena shared between threads: the range is
 * widened to whole ASan granules so that threads unpoisoning neighbouring
 * slots at once all store "addressable" into a shared shadow byte, never a
 * partial count that could hide the other thread's bytes. */
static inline void fbump_unpoison_shared(void *p, size_t n)
{
	if (p == NULL || n == 0)
		return;
#ifdef FBUMP_HAVE_ASAN
	{
		uintptr_t lo = (uintptr_t)p & ~(uintptr_t)7;
		uintptr_t hi = ((uintptr_t)p + n + 7) & ~(uintptr_t)7;

		FBUMP_ASAN_UNPOISON((void *)lo, hi - lo);
	}
#endif
	FBUMP_VG_UNDEFINED(p, n);
}

#endif /* FBUMP_POISON_H */
