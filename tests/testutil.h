/* SPDX-License-Identifier: Apache-2.0 */
/*
 * testutil.h - helpers shared by the libcheck suites:
 *
 *   - a counting allocator (struct fbump_allocator) that tracks every live
 *     block with its size and alignment, notices frees and reallocs of the
 *     wrong size, and can be told to fail;
 *   - fault injection shared by that allocator and the VM fault hook of the
 *     white-box build (fbump_vm_fault_hook), so that one counter walks the
 *     k-th allocation of either kind;
 *   - a destructor and drain recorder;
 *   - tu_small(): shrink the largest workloads under valgrind.
 *
 * Everything here is safe to call from several threads at once.  Call
 * tu_reset() at the start of every test (a checked fixture does).
 */
#ifndef FBUMP_TESTUTIL_H
#define FBUMP_TESTUTIL_H

#include <stdbool.h>
#include <stddef.h>

#include "fastbump.h"

/* Forgets all counts and faults and installs the VM fault hook. */
void tu_reset(void);

/* True when tests should keep their largest workloads small: under
 * valgrind, or with FBUMP_TEST_SMALL set to anything but "" or "0". */
bool tu_small(void);

/* ---- the counting allocator ------------------------------------------------ */

/* The allocator to put in struct fbump_config.allocator. */
const struct fbump_allocator *tu_allocator(void);

long tu_alloc_live_blocks(void);	/* allocated, not yet freed */
size_t tu_alloc_live_bytes(void);
long tu_alloc_calls(void);	/* alloc and realloc calls, failed ones too */
long tu_realloc_calls(void);	/* realloc calls, failed ones too */
long tu_free_calls(void);
/* Misuses seen: a free or realloc with a size other than the block's, of a
 * pointer that is no live block, with another alignment, a NULL free, an
 * alignment that is not a power of two, a wrong ctx. */
long tu_alloc_misuses(void);

/* ---- fault injection ------------------------------------------------------- */

#define TU_FAULT_ALLOC	0x1u	/* allocator alloc and realloc calls */
#define TU_FAULT_VM	0x2u	/* VM reserve and commit calls */
#define TU_FAULT_ANY	(TU_FAULT_ALLOC | TU_FAULT_VM)
#define TU_FAULT_STICKY	0x4u	/* after the k-th, every later call fails */

/* From now on, the k-th call (0 = the next one) of the sources in 'flags'
 * fails: the allocator returns NULL, the VM call fails with ENOMEM.  Only
 * that one call fails unless TU_FAULT_STICKY is given. */
void tu_fault_arm(long k, unsigned int flags);
void tu_fault_disarm(void);
bool tu_fault_hit(void);	/* a call failed since tu_fault_arm */
long tu_fault_failed(void);	/* how many calls failed since tu_fault_arm */

static inline void tu_alloc_fail_at(long k)
{
	tu_fault_arm(k, TU_FAULT_ALLOC);
}

static inline void tu_vm_fail_at(long k)
{
	tu_fault_arm(k, TU_FAULT_VM);
}

long tu_vm_calls(void);	/* VM reserve and commit calls, failed ones too */

/* ---- memory checker annotations ------------------------------------------- */

/* What the memory checker knows of [p, p + n).  The library marks its
 * slots for memcheck when built with ENABLE_VALGRIND (--enable-valgrind)
 * and for AddressSanitizer when built with it; otherwise, or when no such
 * checker runs, the answer is TU_MEM_UNKNOWN. */
enum tu_mem {
	TU_MEM_UNKNOWN,
	TU_MEM_NOACCESS,	/* some byte must not be touched */
	TU_MEM_UNDEFINED,	/* addressable, some byte undefined */
	TU_MEM_DEFINED,		/* addressable and defined */
	TU_MEM_ADDRESSABLE,	/* addressable, definedness unknown (ASan) */
};

enum tu_mem tu_mem_state(const void *p, size_t n);

/* ---- the destructor and drain recorder ----------------------------------- */

/* Records the element values (the long at the start of each element) that
 * a destructor or drain callback received, in order. */
struct tu_recorder {
	long *values;		/* the first 'cap' values seen */
	size_t *indices;	/* drain: the index passed with each value */
	size_t cap;
	size_t calls;		/* calls, including those past cap */
};

void tu_recorder_init(struct tu_recorder *r, size_t cap);
void tu_recorder_clear(struct tu_recorder *r);
void tu_recorder_fini(struct tu_recorder *r);

/* fbump_destructor_fn: ctx is a struct tu_recorder. */
void tu_record_destructor(void *elem, void *ctx);
/* fbump_drain_fn: ctx is a struct tu_recorder. */
void tu_record_drain(void *elem, size_t index, void *ctx);

/* Asserts (libcheck) that exactly n calls were recorded, with the values
 * first, first + step, first + 2 * step, ... */
void tu_assert_recorded(const struct tu_recorder *r, long first, long step,
			size_t n);
/* Asserts that the drain indices recorded are 0, 1, ..., calls - 1. */
void tu_assert_drain_indices(const struct tu_recorder *r);

#endif /* FBUMP_TESTUTIL_H */
