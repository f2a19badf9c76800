/* SPDX-License-Identifier: Apache-2.0 */
/*
 * annotate.h - happens-before annotations for helgrind, which does not
 * understand atomic instructions.  Each release in the publication
 * protocol is paired with FBUMP_HAPPENS_BEFORE on the same address, each
 * acquire that reads it with FBUMP_HAPPENS_AFTER.  Without
 * <valgrind/helgrind.h> they compile to nothing; with it, outside valgrind
 * they cost one predictable branch on a flag that fbump_annotate_init()
 * sets once, at arena creation, when the process runs under valgrind.
 */
#ifndef FBUMP_ANNOTATE_H
#define FBUMP_ANNOTATE_H

#if defined(HAVE_VALGRIND_HELGRIND_H) && !defined(FBUMP_ATOMICS_EXTERNAL)
# include <valgrind/helgrind.h>

static int fbump_annotating;

static inline void fbump_annotate_init(void)
{
	/* relaxed: every thread stores the same value, and only to switch
	 * on annotations that are invisible outside valgrind */
	if (RUNNING_ON_VALGRIND) {
		/* threads may store the flag while others read it */
		ANNOTATE_BENIGN_RACE_SIZED(&fbump_annotating,
					   sizeof(fbump_annotating),
					   "accessed atomically");
		__atomic_store_n(&fbump_annotating, 1, __ATOMIC_RELAXED);
	}
}

static inline int fbump_annotating_now(void)
{
	return __builtin_expect(
		__atomic_load_n(&fbump_annotating, __ATOMIC_RELAXED), 0);
}

# define FBUMP_HAPPENS_BEFORE(addr) \
	do { if (fbump_annotating_now()) ANNOTATE_HAPPENS_BEFORE(addr); } while (0)
# define FBUMP_HAPPENS_AFTER(addr) \
	do { if (fbump_annotating_now()) ANNOTATE_HAPPENS_AFTER(addr); } while (0)
/* The word is only ever accessed atomically: not a race. */
# define FBUMP_ATOMIC_WORD(addr, size) \
	ANNOTATE_BENIGN_RACE_SIZED((addr), (size), "accessed atomically")
#else
# define fbump_annotate_init() ((void)0)
# define FBUMP_HAPPENS_BEFORE(addr) ((void)(addr))
# define FBUMP_HAPPENS_AFTER(addr) ((void)(addr))
# define FBUMP_ATOMIC_WORD(addr, size) ((void)(addr), (void)(size))
#endif

#endif /* FBUMP_ANNOTATE_H */
