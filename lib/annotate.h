/* SPDX-License-Identifier: Apache-2.0 */
/*
 * annotate.h - happens-before annotations for helgrind, which does not
 * understand atomic instructions.  Each release in the publication
 * protocol is paired with FBUMP_HAPPENS_BEFORE on the same address, each
 * acquire that reads it with FBUMP_HAPPENS_AFTER.  Without
 * <valgrind/helgrind.h> they compile to nothing; with it they cost a few
 * instructions that do nothing outside valgrind.
 */
#ifndef FBUMP_ANNOTATE_H
#define FBUMP_ANNOTATE_H

#if defined(HAVE_VALGRIND_HELGRIND_H) && !defined(FBUMP_ATOMICS_EXTERNAL)
# include <valgrind/helgrind.h>
# define FBUMP_HAPPENS_BEFORE(addr) ANNOTATE_HAPPENS_BEFORE(addr)
# define FBUMP_HAPPENS_AFTER(addr) ANNOTATE_HAPPENS_AFTER(addr)
/* The word is only ever accessed atomically: not a race. */
# define FBUMP_ATOMIC_WORD(addr, size) \
	ANNOTATE_BENIGN_RACE_SIZED((addr), (size), "accessed atomically")
#else
# define FBUMP_HAPPENS_BEFORE(addr) ((void)(addr))
# define FBUMP_HAPPENS_AFTER(addr) ((void)(addr))
# define FBUMP_ATOMIC_WORD(addr, size) ((void)(addr), (void)(size))
#endif

#endif /* FBUMP_ANNOTATE_H */
