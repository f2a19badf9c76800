/* SPDX-License-Identifier: Apache-2.0 */
/*
 * storage.h - the slot memory of an arena, in one of three modes
 * (enum fbump_storage): VM (reserve once, commit as needed, never moves),
 * FIXED (one heap block), REALLOC (a heap block that may move).
 */
#ifndef FBUMP_STORAGE_H
#define FBUMP_STORAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "atomics.h"
#include "internal.h"

struct fbump_store {
	unsigned char *base;	/* slot memory; NULL until first use */
	/* bytes usable at base; grows by fbump_storage_grow_shared while
	 * other threads read it, so it is atomic */
	fbump_atomic_size committed;
	size_t limit;		/* bytes that may ever be used */
	size_t reserved;	/* bytes of address space held (VM: pages) */
	size_t prefaulted;	/* VM, single-thread: bytes from base that
				 * fbump_storage_prefault has handled */
	void *map;		/* VM: the reservation, for release */
	bool borrowed;		/* FIXED: base belongs to the caller's block */
	/* VM of the default size, single-thread owner: the reservation may
	 * come from and go back to the process's cache (vmcache.h) */
	bool cacheable;
	size_t map_size;
	const struct fbump_model *model;
};

/* Bytes reserved for a VM arena whose configuration gives no capacity:
 * small enough that a process holds thousands of arenas, large enough for
 * hundreds of millions of small elements. */
#define FBUMP_DEFAULT_RESERVATION \
	(sizeof(void *) >= 8 ? (size_t)4 << 30 : (size_t)64 << 20)

/* Sets up 'st' for 'model'.  FIXED allocates its block now; VM reserves
 * address space now if 'reserve_now', else at the first grow; REALLOC
 * allocates the configured initial capacity, if any, and requires a model
 * that passed fbump_storage_check (fbump_arena_create checks it before it
 * allocates).  Returns 0, ENOMEM, EINVAL (FIXED without a capacity) or
 * EOVERFLOW (FIXED or VM: capacity * stride). */
int fbump_storage_init(struct fbump_store *st, const struct fbump_model *model,
		       bool reserve_now);

/* The errors of fbump_storage_init that the model alone causes, found
 * without allocating: 0, EINVAL or EOVERFLOW.  Creation checks it before
 * it allocates, so that a bad configuration is reported as such even when
 * memory is short. */
int fbump_storage_check(const struct fbump_model *model);

/* FIXED: the bytes of the slot block; 0, EINVAL (no capacity) or
 * EOVERFLOW (capacity * stride). */
int fbump_storage_fixed_bytes(const struct fbump_model *model, size_t *bytes);

/* FIXED storage in memory the caller allocated, fbump_storage_fixed_bytes
 * long and aligned for the model; fini leaves it alone. */
void fbump_storage_init_fixed_at(struct fbump_store *st,
				 const struct fbump_model *model,
				 unsigned char *base);

/* Single-thread: makes at least 'need' bytes usable, growing in large
 * steps.  REALLOC may move base.  Returns 0, ENOMEM or ENOSPC (the limit);
 * on failure nothing changed. */
int fbump_storage_grow(struct fbump_store *st, size_t need);

/* Single-thread, VM: has the system back committed pages up to at least
 * 'need' bytes and a little further (doubling from one page up to
 * PREFAULT_STEP ahead), so that a sequential writer takes one system call
 * per step instead of one page fault per page.  Other modes: nothing. */
void fbump_storage_prefault(struct fbump_store *st, size_t need);

/* Where a prefault that must cover 'need' bytes, with 'from' bytes done
 * and 'have' committed, should end: a step past 'from' that doubles from
 * one page up to PREFAULT_STEP, whole pages, never past 'have'. */
size_t fbump_prefault_end(size_t from, size_t need, size_t have);

/* Bytes from base that a sequential writer may fill without a further
 * fbump_storage_prefault: committed, and prefaulted for VM. */
size_t fbump_storage_ready(const struct fbump_store *st);

/* The same, safe to call from many threads at once on a VM or FIXED
 * storage whose base is already set; base never moves. */
int fbump_storage_grow_shared(struct fbump_store *st, size_t need);

/* Single-thread: gives back memory beyond the first 'keep' bytes where the
 * mode can (VM decommits whole pages, REALLOC shrinks the block). */
void fbump_storage_shrink(struct fbump_store *st, size_t keep);

/* Releases the memory, or for a cacheable VM storage hands its
 * reservation with up to FBUMP_VMCACHE_KEEP committed bytes to the cache;
 * the contents are lost either way. */
void fbump_storage_fini(struct fbump_store *st);

/* Bytes usable now; for a single-thread owner or an exclusive caller. */
static inline size_t fbump_storage_committed(const struct fbump_store *st)
{
	/* relaxed: callers are the owning thread, or hold exclusive use, or
	 * only report the figure; nothing is read through it. */
	return fbump_atomic_load(&((struct fbump_store *)st)->committed,
				 FBUMP_RELAXED);
}

#endif /* FBUMP_STORAGE_H */
