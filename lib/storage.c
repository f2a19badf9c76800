/* SPDX-License-Identifier: Apache-2.0 */
/*
 * storage.c - slot memory in the three modes of enum fbump_storage.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>

#include "poison.h"
#include "storage.h"
#include "vm.h"
#include "vmcache.h"

/* The most that fbump_storage_prefault backs ahead of the writer: the
 * resident memory an arena may hold beyond its elements (64 KiB is 0.08%
 * of 10 million u64 slots), and as fast as larger steps where measured. */
#define PREFAULT_STEP ((size_t)64 << 10)

/* Smallest first commit or allocation, so tiny arenas do not grow by a
 * few bytes at a time. */
#define MIN_STEP ((size_t)64 << 10)

static size_t round_up(size_t n, size_t to)
{
	return (n + to - 1) & ~(to - 1);
}

/* How far to grow from 'have' when 'need' bytes are wanted: at least
 * double, at least MIN_STEP, never past 'limit'. */
static size_t grow_target(size_t have, size_t need, size_t limit)
{
	size_t t = have > SIZE_MAX / 2 ? SIZE_MAX : have * 2;

	if (t < MIN_STEP)
		t = MIN_STEP;
	if (t < need)
		t = need;
	return t < limit ? t : limit;
}

/* Where a VM commit that must reach 'need' should end: whole pages, within
 * the reservation. */
static size_t vm_commit_target(const struct fbump_store *st, size_t have,
			       size_t need)
{
	size_t t = round_up(grow_target(have, need, st->reserved),
			    fbump_vm_page_size());

	return t < st->reserved ? t : st->reserved;
}

static int vm_limit(const struct fbump_model *m, size_t *limit)
{
	size_t page = fbump_vm_page_size();
	size_t bytes;

	if (m->capacity == 0) {
		*limit = FBUMP_DEFAULT_RESERVATION;
		return 0;
	}
	if (!fbump_mul_ok(m->capacity, m->stride, &bytes) ||
	    bytes > SIZE_MAX - page || bytes > PTRDIFF_MAX)
		return EOVERFLOW;
	*limit = bytes;
	return 0;
}

/* Whether this VM storage's reservation may come from or go to the
 * cache: all cached reservations have the default size, base == map.
 * Never in builds that poison free slots: there a pointer kept past
 * destroy must fault on the unmapped range, not reach the next arena. */
static bool cache_eligible(const struct fbump_store *st)
{
	return !FBUMP_POISONING && st->cacheable &&
	       st->model->storage == FBUMP_STORAGE_VM &&
	       st->model->capacity == 0 &&
	       st->model->align <= fbump_vm_page_size();
}

/* A reservation from the cache, with its committed pages: 0, ENOENT when
 * the cache has none, or (white-box builds only) an injected ENOMEM, so
 * that fault injection sees one reservation step either way. */
static int vm_reserve_cached(struct fbump_store *st)
{
	struct fbump_vmcache_entry e;

	if (!cache_eligible(st) ||
	    !fbump_vmcache_take(round_up(st->limit, fbump_vm_page_size()), &e))
		return ENOENT;
#ifdef FBUMP_TESTING
	if (fbump_vm_fault_hook != NULL && fbump_vm_fault_hook()) {
		if (!fbump_vmcache_put(&e))
			fbump_vm_release(e.map, e.map_size);
		return ENOMEM;
	}
#endif
	st->base = e.map;
	st->map = e.map;
	st->map_size = st->reserved = e.map_size;
	/* committed pages the last owner may not all have touched: counting
	 * them as prefaulted only skips the hint, it cannot fault wrongly */
	st->prefaulted = e.committed;
	fbump_atomic_store(&st->committed, e.committed, FBUMP_RELAXED); /* owner */
	return 0;
}

/* Offers the reservation to the cache, keeping its first pages committed;
 * true if the cache took it. */
static bool vm_release_cached(struct fbump_store *st)
{
	size_t have = fbump_storage_committed(st);
	struct fbump_vmcache_entry e;

	/* not a reservation that vm_reserve had to shrink (it lowers the
	 * limit): no taker wants one of another size */
	if (!cache_eligible(st) || st->map_size != st->reserved ||
	    st->limit != FBUMP_DEFAULT_RESERVATION || have < sizeof(e) ||
	    !fbump_vmcache_has_room())
		return false;
	e.map = st->map;
	e.map_size = st->map_size;
	e.committed = have < FBUMP_VMCACHE_KEEP ? have : FBUMP_VMCACHE_KEEP;
	/* before put: once cached, another thread may take it and commit */
	fbump_vm_decommit(st->base + e.committed, have - e.committed);
	return fbump_vmcache_put(&e);
}

/* Reserves st->limit bytes, rounded up to pages; if the system refuses,
 * halves the request (keeping at least 'need' bytes) and lowers the limit
 * to what it got.  A refusal that a smaller request absorbs leaves errno
 * as it was: the caller's call succeeds. */
static int vm_reserve(struct fbump_store *st, size_t need)
{
	size_t page = fbump_vm_page_size();
	size_t size = round_up(st->limit, page);
	size_t floor = round_up(need ? need : 1, page);
	int saved = errno;

	for (;;) {
		void *base = fbump_vm_reserve(size, st->model->align, &st->map,
					      &st->map_size);
		if (base != NULL) {
			st->base = base;
			st->reserved = size;
			if (size < st->limit)
				st->limit = size;
			errno = saved;
			return 0;
		}
		if (size / 2 < floor)
			return ENOMEM;
		size = round_up(size / 2, page);
	}
}

/* No memory: the state of a VM storage before its first grow, and of any
 * storage before init gives it some. */
static void set_unreserved(struct fbump_store *st)
{
	st->base = NULL;
	st->map = NULL;
	st->map_size = 0;
	st->reserved = 0;
	st->prefaulted = 0;
	fbump_atomic_store(&st->committed, 0, FBUMP_RELAXED); /* owner only */
}

/* REALLOC: the most bytes a block may have, a whole number of slots */
static size_t realloc_limit(const struct fbump_model *m)
{
	return PTRDIFF_MAX - (PTRDIFF_MAX % m->stride);
}

int fbump_storage_check(const struct fbump_model *m)
{
	size_t bytes;

	switch (m->storage) {
	case FBUMP_STORAGE_VM:
		return vm_limit(m, &bytes);
	case FBUMP_STORAGE_FIXED:
		return fbump_storage_fixed_bytes(m, &bytes);
	default: /* FBUMP_STORAGE_REALLOC */
		if (m->capacity != 0 &&
		    (!fbump_mul_ok(m->capacity, m->stride, &bytes) ||
		     bytes > realloc_limit(m)))
			return EOVERFLOW;
		return 0;
	}
}

int fbump_storage_init(struct fbump_store *st, const struct fbump_model *m,
		       bool reserve_now)
{
	size_t bytes = 0;
	unsigned char *base;
	int err;

	st->borrowed = false;
	st->cacheable = false;
	st->model = m;
	set_unreserved(st);

	switch (m->storage) {
	case FBUMP_STORAGE_VM:
		err = vm_limit(m, &st->limit);
		if (err == 0 && reserve_now)
			err = vm_reserve(st, 0);
		return err;
	case FBUMP_STORAGE_FIXED:
		if ((err = fbump_storage_fixed_bytes(m, &bytes)) != 0)
			return err;
		base = m->allocator.alloc(m->allocator.ctx, bytes, m->align);
		if (base == NULL)
			return ENOMEM;
		fbump_storage_init_fixed_at(st, m, base);
		st->borrowed = false;	/* ours to free */
		return 0;
	default: /* FBUMP_STORAGE_REALLOC */
		st->limit = realloc_limit(m);
		if (m->capacity == 0)
			return 0;
		/* fbump_storage_check found it within realloc_limit */
		bytes = m->capacity * m->stride;
		st->base = m->allocator.alloc(m->allocator.ctx, bytes, m->align);
		if (st->base == NULL)
			return ENOMEM;
		fbump_atomic_init(&st->committed, bytes);
		return 0;
	}
}

int fbump_storage_fixed_bytes(const struct fbump_model *m, size_t *bytes)
{
	if (m->capacity == 0)
		return EINVAL;
	if (!fbump_mul_ok(m->capacity, m->stride, bytes) ||
	    *bytes > PTRDIFF_MAX)
		return EOVERFLOW;
	return 0;
}

void fbump_storage_init_fixed_at(struct fbump_store *st,
				 const struct fbump_model *m,
				 unsigned char *base)
{
	size_t bytes = m->capacity * m->stride; /* checked by fixed_bytes */

	st->base = base;
	st->map = NULL;
	st->map_size = 0;
	st->borrowed = true;
	st->cacheable = false;
	st->prefaulted = 0;
	st->model = m;
	st->limit = st->reserved = bytes;
	fbump_atomic_init(&st->committed, bytes);
}

static int realloc_grow(struct fbump_store *st, size_t have, size_t need)
{
	const struct fbump_allocator *a = &st->model->allocator;
	size_t target = grow_target(have, need, st->limit);
	void *p;

	target -= target % st->model->stride;
	if (st->base == NULL)
		p = a->alloc(a->ctx, target, st->model->align);
	else
		p = a->realloc(a->ctx, st->base, have, target, st->model->align);
	if (p == NULL)
		return ENOMEM;
	st->base = p;
	fbump_atomic_store(&st->committed, target, FBUMP_RELAXED); /* owner only */
	return 0;
}

/* VM, reserved: commits at least 'need' bytes (within the limit).
 * Returns 0 or ENOMEM; on failure nothing changed. */
static int vm_commit_more(struct fbump_store *st, size_t need)
{
	size_t have = fbump_storage_committed(st);
	size_t target;
	int err;

	if (need <= have) /* a cached reservation comes with some */
		return 0;
	target = vm_commit_target(st, have, need);
	err = fbump_vm_commit(st->base + have, target - have);
	if (err != 0)
		return err;
	fbump_atomic_store(&st->committed, target, FBUMP_RELAXED); /* owner only */
	return 0;
}

/* Undoes a reservation that the failing grow made: the storage is again
 * as fbump_storage_init left it, with 'limit', and the reservation goes
 * back to the cache it may have come from, or to the system. */
static void vm_unreserve(struct fbump_store *st, size_t limit)
{
	if (!vm_release_cached(st))
		fbump_vm_release(st->map, st->map_size);
	set_unreserved(st);
	st->limit = limit;
}

int fbump_storage_grow(struct fbump_store *st, size_t need)
{
	size_t have = fbump_storage_committed(st);
	size_t limit = st->limit;
	int err;

	if (need > st->limit) /* before 'have': VM commits whole pages */
		return st->model->storage == FBUMP_STORAGE_REALLOC ? ENOMEM
								   : ENOSPC;
	if (need <= have)
		return 0;
	if (st->model->storage == FBUMP_STORAGE_REALLOC)
		return realloc_grow(st, have, need);
	if (st->model->storage == FBUMP_STORAGE_FIXED)
		return ENOSPC;
	if (st->base != NULL)
		return vm_commit_more(st, need);
	if ((err = vm_reserve_cached(st)) != 0 &&
	    (err != ENOENT || (err = vm_reserve(st, need)) != 0))
		return err;
	/* within the limit: vm_reserve keeps at least 'need' bytes */
	err = vm_commit_more(st, need);
	if (err != 0)
		vm_unreserve(st, limit);
	return err;
}

size_t fbump_prefault_end(size_t from, size_t need, size_t have)
{
	size_t step = from < PREFAULT_STEP ? from : PREFAULT_STEP, end;

	if (step == 0)
		step = fbump_vm_page_size();
	end = round_up(need > from + step ? need : from + step,
		       fbump_vm_page_size());
	return end < have ? end : have;
}

void fbump_storage_prefault(struct fbump_store *st, size_t need)
{
	size_t from = st->prefaulted, end;

	if (st->model->storage != FBUMP_STORAGE_VM || need <= from)
		return;
	end = fbump_prefault_end(from, need, fbump_storage_committed(st));
	fbump_vm_populate(st->base + from, end - from);
	st->prefaulted = end;
}

size_t fbump_storage_ready(const struct fbump_store *st)
{
	size_t have = fbump_storage_committed(st);

	if (st->model->storage != FBUMP_STORAGE_VM || st->prefaulted > have)
		return have;
	return st->prefaulted;
}

int fbump_storage_grow_shared(struct fbump_store *st, size_t need)
{
	/* acquire: pairs with the release CAS below, so a thread that sees
	 * another's larger figure also sees that its commit has finished and
	 * may touch those pages. */
	size_t have = fbump_atomic_load(&st->committed, FBUMP_ACQUIRE);
	size_t target;
	int err;

	if (need <= have)
		return 0;
	if (need > st->limit || st->model->storage != FBUMP_STORAGE_VM)
		return ENOSPC;
	target = vm_commit_target(st, have, need);
	/* Threads that race here commit overlapping ranges: mprotect of an
	 * already writable page is harmless, and the figure only grows. */
	err = fbump_vm_commit(st->base + have, target - have);
	if (err != 0)
		return err;
	/* release on success: publishes the finished commit (see the acquire
	 * above); acquire on failure: we may return at once on the newer
	 * figure, which must then be as usable as if we had loaded it. */
	while (have < target &&
	       !fbump_atomic_cas(&st->committed, &have, target, FBUMP_RELEASE,
				 FBUMP_ACQUIRE))
		;
	return 0;
}

void fbump_storage_shrink(struct fbump_store *st, size_t keep)
{
	size_t have = fbump_storage_committed(st);
	const struct fbump_allocator *a = &st->model->allocator;

	if (st->base == NULL || keep >= have)
		return;
	if (st->model->storage == FBUMP_STORAGE_VM) {
		keep = round_up(keep, fbump_vm_page_size());
		if (keep >= have)
			return;
		fbump_vm_decommit(st->base + keep, have - keep);
		if (st->prefaulted > keep)
			st->prefaulted = keep;
	} else if (st->model->storage == FBUMP_STORAGE_REALLOC) {
		if (keep == 0) {
			a->free(a->ctx, st->base, have);
			st->base = NULL;
		} else {
			int saved = errno;
			void *p = a->realloc(a->ctx, st->base, have, keep,
					     st->model->align);

			if (p == NULL) {
				/* keeping the larger block is fine, and the
				 * caller's call succeeds: errno as it was */
				errno = saved;
				return;
			}
			st->base = p;
		}
	} else {
		return; /* FIXED keeps its block */
	}
	fbump_atomic_store(&st->committed, keep, FBUMP_RELAXED); /* owner only */
}

void fbump_storage_fini(struct fbump_store *st)
{
	const struct fbump_allocator *a = &st->model->allocator;

	if (st->model->storage == FBUMP_STORAGE_VM) {
		if (st->map != NULL && !vm_release_cached(st))
			fbump_vm_release(st->map, st->map_size);
	} else if (st->base != NULL && !st->borrowed) {
		a->free(a->ctx, st->base, fbump_storage_committed(st));
	}
	st->base = NULL;
}
