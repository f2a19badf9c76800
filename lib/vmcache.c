/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vmcache.c - the cache of vmcache.h: an array of slots, each empty (NULL)
 * or holding the base of a cached reservation.  The entry describing a
 * reservation is stored in its own first committed page, so the cache
 * needs no memory of its own and no lock: a slot changes hands with one
 * atomic exchange or compare-and-swap, which gives each reservation to
 * exactly one owner.
 */
#include "config.h"

#include <stdint.h>

#include "annotate.h"
#include "vm.h"
#include "vmcache.h"

static void *slots[FBUMP_VMCACHE_SLOTS];

bool fbump_vmcache_has_room(void)
{
	for (size_t i = 0; i < FBUMP_VMCACHE_SLOTS; i++)
		/* relaxed: only a hint; put's CAS decides */
		if (__atomic_load_n(&slots[i], __ATOMIC_RELAXED) == NULL)
			return true;
	return false;
}

bool fbump_vmcache_put(const struct fbump_vmcache_entry *e)
{
	struct fbump_vmcache_entry *at = e->map;

	*at = *e;
	fbump_annotate_init();
	FBUMP_HAPPENS_BEFORE(at); /* helgrind: the release below */
	for (size_t i = 0; i < FBUMP_VMCACHE_SLOTS; i++) {
		void *empty = NULL;

		/* The relaxed peek only skips full slots cheaply.  The CAS:
		 * release on success, so the entry written above, and every
		 * write the destroyed arena made, happen before a taker's
		 * acquire exchange sees this pointer; relaxed on failure, as
		 * nothing is read through a slot we did not get. */
		if (__atomic_load_n(&slots[i], __ATOMIC_RELAXED) == NULL &&
		    __atomic_compare_exchange_n(&slots[i], &empty, e->map,
						false, __ATOMIC_RELEASE,
						__ATOMIC_RELAXED))
			return true;
	}
	return false;
}

/* Empties slot i into *e; false if it was empty. */
static bool take_slot(size_t i, struct fbump_vmcache_entry *e)
{
	struct fbump_vmcache_entry *at;

	/* the relaxed peek only skips empty slots cheaply; ownership comes
	 * from the exchange, acquire to pair with the release CAS of put, so
	 * the entry and the old contents are visible. */
	if (__atomic_load_n(&slots[i], __ATOMIC_RELAXED) == NULL)
		return false;
	at = __atomic_exchange_n(&slots[i], NULL, __ATOMIC_ACQUIRE);
	if (at == NULL)
		return false;
	FBUMP_HAPPENS_AFTER(at);
	*e = *at;
	return true;
}

bool fbump_vmcache_take(size_t map_size, struct fbump_vmcache_entry *e)
{
	for (size_t i = 0; i < FBUMP_VMCACHE_SLOTS; i++) {
		if (!take_slot(i, e))
			continue;
		if (e->map_size == map_size)
			return true;
		fbump_vm_release(e->map, e->map_size); /* not ours to reuse */
	}
	return false;
}

void fbump_vmcache_flush(void)
{
	struct fbump_vmcache_entry e;

	for (size_t i = 0; i < FBUMP_VMCACHE_SLOTS; i++)
		if (take_slot(i, &e))
			fbump_vm_release(e.map, e.map_size);
}

#if defined(__GNUC__) || defined(__clang__)
/* A program that dlcloses the library gets the address space back. */
__attribute__((__destructor__)) static void release_cache_at_unload(void)
{
	fbump_vmcache_flush();
}
#endif
