/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fastarena.c - fbump_fastarena, the arena shared between threads.
 * The publication protocol is in publish.h; its design and proofs are in
 * doc/design-fastarena.md.
 */
#include "config.h"

#include <string.h>

#include "internal.h"
#include "poison.h"
#include "publish.h"
#include "storage.h"
#include "vm.h"

/* Allocated on a cache-line boundary: head.published and pub.cursor, which
 * every writer writes, share the first line (see struct fbump_pub). */
struct fbump_fastarena {
	struct fbump_fastarena_head head; /* public prefix: must stay first */
	struct fbump_pub pub;
	/* slots whose slot and flag memory is committed: the fast check of
	 * ensure_slots */
	fbump_atomic_size usable;
	/* VM: bytes of slot memory from base that have been handed to
	 * fbump_vm_populate (a hint, see prefault_slots) */
	fbump_atomic_size prefaulted;
	uint64_t id;
	struct fbump_model model;
	struct fbump_model flag_model;	/* one byte per slot */
	struct fbump_store slots;
	struct fbump_store flags;
};

static unsigned char *slot(const fbump_fastarena *a, size_t i)
{
	return a->head.base + i * a->head.stride;
}

#if FBUMP_POISONING
/* Instrumented builds only: commits are serialised so that the slots a
 * commit makes usable are poisoned before any thread can reserve them; a
 * committer working from an older figure would otherwise poison slots
 * already handed out.  Production builds commit lock-free. */
# include <pthread.h>
static pthread_mutex_t poison_commit_lock = PTHREAD_MUTEX_INITIALIZER;
# define COMMIT_LOCK() pthread_mutex_lock(&poison_commit_lock)
# define COMMIT_UNLOCK() pthread_mutex_unlock(&poison_commit_lock)
#else
# define COMMIT_LOCK() ((void)0)
# define COMMIT_UNLOCK() ((void)0)
#endif

/* Commits slot and flag memory for slots [0, end), from any thread. */
static int commit_slots(fbump_fastarena *a, size_t end)
{
	size_t have, now;
	int err;

	COMMIT_LOCK();
	err = fbump_storage_grow_shared(&a->flags, end);
	if (err == 0)
		err = fbump_storage_grow_shared(&a->slots, end * a->head.stride);
	if (err != 0) {
		COMMIT_UNLOCK();
		return err;
	}
	/* acquire, both: another thread may have raised a figure past the
	 * commit we made; pairs with the release CAS of
	 * fbump_storage_grow_shared, so that its commit happens before our
	 * release of 'usable' below, and so before whoever acquires it. */
	have = fbump_atomic_load(&a->flags.committed, FBUMP_ACQUIRE);
	now = fbump_atomic_load(&a->slots.committed, FBUMP_ACQUIRE) /
	      a->head.stride;
	if (now > have)
		now = have;
	/* acquire on failure: we may return on another thread's figure, as
	 * ensure_slots does.  release on success: pairs with the acquire in
	 * ensure_slots, so whoever sees the figure may touch the pages that
	 * grow_shared committed (and published with its own release). */
	have = fbump_atomic_load(&a->usable, FBUMP_ACQUIRE);
	if (FBUMP_POISONING && have < now)
		fbump_poison(slot(a, have), (now - have) * a->head.stride);
	while (have < now &&
	       !fbump_atomic_cas(&a->usable, &have, now, FBUMP_RELEASE,
				 FBUMP_ACQUIRE))
		;
	COMMIT_UNLOCK();
	return 0;
}

/* VM: has the system back the slot pages ahead of the writers, as
 * fbump_arena does (fbump_storage_prefault), so that they take one system
 * call per step instead of a page fault per page.  Slots [0, end) are
 * usable; the caller is about to reserve the last of them and holds no
 * slot yet, so the system call delays no publication
 * (doc/design-fastarena.md).  A writer whose slots pass the figure moves
 * it on a step past them and asks for that step; each byte is asked for
 * once.  Other writers go on writing meanwhile, which is safe while pages
 * are being populated.  Lock-free: a failed CAS means another writer
 * moved the figure. */
static void prefault_slots(fbump_fastarena *a, size_t end)
{
	/* 4 KiB ahead of our slots, so that the next writer does not fault
	 * in the page after them itself; end * stride <= the reservation,
	 * well below SIZE_MAX */
	size_t need = end * a->head.stride + 4096;
	/* relaxed: the figure only shares out the work of a hint; no thread
	 * reads or writes slot memory on its strength. */
	size_t from = fbump_atomic_load(&a->prefaulted, FBUMP_RELAXED);
	size_t to;

	if (FBUMP_LIKELY(need <= from) ||
	    a->model.storage != FBUMP_STORAGE_VM)
		return;
	do {
		/* acquire: pairs with the release CAS of
		 * fbump_storage_grow_shared, so the commit of every page
		 * below the figure we read has finished before we ask for
		 * them.  It covers our slots, which are usable. */
		to = fbump_prefault_end(from, need,
					fbump_atomic_load(&a->slots.committed,
							  FBUMP_ACQUIRE));
		if (to <= from)
			return;	/* the page ahead is not committed yet */
		/* relaxed, success and failure: as the load of 'prefaulted'
		 * above; the figure only grows, so the steps never overlap. */
		if (fbump_atomic_cas(&a->prefaulted, &from, to,
				     FBUMP_RELAXED, FBUMP_RELAXED)) {
			fbump_vm_populate(a->head.base + from, to - from);
			return;
		}
	} while (need > from);
}

/* pub_ensure_fn: makes slots [0, end) usable and prefaults ahead of
 * them; pub_reserve calls it before it reserves, so that neither system
 * call runs while the caller holds an unpublished slot. */
static int ensure_slots(void *ctx, size_t end)
{
	fbump_fastarena *a = ctx;
	int err = 0;

	/* acquire: pairs with commit_slots' release (see there). */
	if (FBUMP_UNLIKELY(end > fbump_atomic_load(&a->usable, FBUMP_ACQUIRE)))
		err = commit_slots(a, end);
	if (err == 0)
		prefault_slots(a, end);
	return err;
}

/* Slots that storage of 'limit' bytes holds, within what the protocol's
 * counters can count. */
static size_t slots_in(size_t limit, size_t stride)
{
	size_t n = limit / stride;

	return n < PUB_MAX_SLOTS ? n : PUB_MAX_SLOTS;
}

static int setup_storage(fbump_fastarena *a)
{
	int err;

	a->flag_model = a->model;
	a->flag_model.elem_size = 1;
	a->flag_model.align = 1;
	a->flag_model.stride = 1;
	a->flag_model.destructor = NULL;
	err = fbump_storage_init(&a->slots, &a->model, true);
	if (err != 0)
		return err;
	/* the slot reservation may have come out smaller than asked */
	a->pub.capacity = slots_in(a->slots.limit, a->head.stride);
	/* (capacity 0 would mean the default reservation: an element larger
	 * than the whole slot reservation leaves no slot, and needs no flag) */
	a->flag_model.capacity = a->pub.capacity ? a->pub.capacity : 1;
	err = fbump_storage_init(&a->flags, &a->flag_model, true);
	if (err == 0 && a->flags.limit < a->pub.capacity)
		a->pub.capacity = a->flags.limit;
	if (err == 0 && a->model.storage == FBUMP_STORAGE_FIXED)
		memset(a->flags.base, 0, a->pub.capacity);
	if (err != 0)
		fbump_storage_fini(&a->slots);
	return err;
}

FBUMP_EXPORT fbump_fastarena *fbump_fastarena_create(const struct fbump_config *cfg)
{
	struct fbump_model model;
	fbump_fastarena *a;
	int err = fbump_model_from_config(cfg, &model);

	if (err == 0 && model.storage == FBUMP_STORAGE_REALLOC)
		err = EINVAL;	/* slots of a shared arena must not move */
	if (err == 0)
		err = fbump_storage_check(&model);
	if (err != 0)
		return fbump_fail_ptr(err);
	a = fbump_model_alloc_aligned(&model, sizeof(*a), FBUMP_CACHE_LINE);
	if (a == NULL)
		return fbump_fail_ptr(ENOMEM);
	memset(a, 0, sizeof(*a));
	a->model = model;
	a->head.stride = model.stride;
	a->id = fbump_new_arena_id();
	err = setup_storage(a);
	if (err != 0) {
		fbump_model_free(&model, a, sizeof(*a));
		return fbump_fail_ptr(err);
	}
	fbump_annotate_init();
	a->head.base = a->slots.base;
	a->pub.published = &a->head.published;
	if (a->model.storage == FBUMP_STORAGE_FIXED)
		fbump_atomic_init(&a->usable, a->pub.capacity);
	a->pub.ready = a->flags.base;
	FBUMP_ATOMIC_WORD(&a->head.published, sizeof(a->head.published));
	FBUMP_ATOMIC_WORD(&a->pub.cursor, sizeof(a->pub.cursor));
	FBUMP_ATOMIC_WORD(&a->slots.committed, sizeof(a->slots.committed));
	FBUMP_ATOMIC_WORD(&a->flags.committed, sizeof(a->flags.committed));
	FBUMP_ATOMIC_WORD(&a->usable, sizeof(a->usable));
	FBUMP_ATOMIC_WORD(&a->prefaulted, sizeof(a->prefaulted));
	fbump_poison(a->head.base, fbump_storage_committed(&a->slots));
	return a;
}

/* Reserves n slots and returns the first, or FBUMP_NONE with errno. */
static size_t reserve(fbump_fastarena *a, size_t n)
{
	size_t first;
	int err = pub_reserve(&a->pub, n, &first, ensure_slots, a);

	if (err != 0)
		return fbump_fail_index(err);
	fbump_unpoison_shared(slot(a, first), n * a->head.stride);
	return first;
}

FBUMP_EXPORT size_t fbump_fastarena_alloc(fbump_fastarena *a, const void *value)
{
	size_t i;

	if (a == NULL || value == NULL)
		return fbump_fail_index(EINVAL);
	i = reserve(a, 1);
	if (i == FBUMP_NONE)
		return FBUMP_NONE;
	fbump_copy_elem(slot(a, i), value, a->model.elem_size);
	pub_finish(&a->pub, i, 1);
	return i;
}

FBUMP_EXPORT void *fbump_fastarena_alloc_begin(fbump_fastarena *a, size_t *index)
{
	size_t i;

	if (a == NULL || index == NULL)
		return fbump_fail_ptr(EINVAL);
	i = reserve(a, 1);
	if (i == FBUMP_NONE)
		return NULL;
	*index = i;
	return slot(a, i);
}

FBUMP_EXPORT int fbump_fastarena_alloc_publish(fbump_fastarena *a, size_t index)
{
	if (a == NULL || index >= pub_reserved(&a->pub) ||
	    pub_is_ready(&a->pub, index))
		return fbump_fail(EINVAL);
	pub_finish(&a->pub, index, 1);
	return 0;
}

FBUMP_EXPORT size_t fbump_fastarena_alloc_extend(fbump_fastarena *a,
						 const void *values, size_t n)
{
	const unsigned char *src = values;
	size_t bytes, first;

	if (a == NULL || (values == NULL && n != 0))
		return fbump_fail_index(EINVAL);
	if (n == 0)
		return pub_reserved(&a->pub);
	if (!fbump_mul_ok(n, a->head.stride, &bytes) || n >= PUB_EXCLUSIVE)
		return fbump_fail_index(EOVERFLOW);
	first = reserve(a, n);
	if (first == FBUMP_NONE)
		return FBUMP_NONE;
	if (a->model.elem_size == a->head.stride)
		memcpy(slot(a, first), src, bytes);
	else
		for (size_t k = 0; k < n; k++)
			memcpy(slot(a, first + k), src + k * a->model.elem_size,
			       a->model.elem_size);
	pub_finish(&a->pub, first, n);
	return first;
}

FBUMP_EXPORT void *fbump_fastarena_try_get(const fbump_fastarena *a, size_t index)
{
	if (a == NULL)
		return fbump_fail_ptr(EINVAL);
	if (index >= pub_reserved(&a->pub))
		return fbump_fail_ptr(ERANGE);
	if (!pub_is_ready(&a->pub, index))
		return fbump_fail_ptr(EAGAIN);
	return slot(a, index);
}

FBUMP_EXPORT size_t fbump_fastarena_len(const fbump_fastarena *a)
{
	if (a == NULL) {
		errno = EINVAL;
		return 0;
	}
	/* helping is a write to the shared counter, not to the arena's
	 * contents: len stays a const query for its callers */
	return pub_advance((struct fbump_pub *)&a->pub);
}

FBUMP_EXPORT size_t fbump_fastarena_capacity(const fbump_fastarena *a)
{
	if (a == NULL) {
		errno = EINVAL;
		return 0;
	}
	return a->pub.capacity;
}

FBUMP_EXPORT int fbump_fastarena_stats(const fbump_fastarena *a,
				       struct fbump_fastarena_stats *st)
{
	if (a == NULL || st == NULL)
		return fbump_fail(EINVAL);
	st->elements = fbump_fastarena_len(a);
	st->reserved_slots = pub_reserved(&a->pub);
	st->capacity = a->pub.capacity;
	st->bytes_committed = fbump_storage_committed(&a->slots) +
			      fbump_storage_committed(&a->flags);
	st->bytes_reserved = a->slots.reserved + a->flags.reserved;
	return 0;
}

FBUMP_EXPORT fbump_checkpoint fbump_fastarena_checkpoint(const fbump_fastarena *a)
{
	fbump_checkpoint cp = { 0, 0 };

	if (a == NULL) {
		errno = EINVAL;
		return cp;
	}
	cp.arena_id = a->id;
	cp.len = fbump_fastarena_len(a);
	return cp;
}

/* Within an exclusive section: destroys slots from 'len' - 1 down to
 * 'keep', shrinking the published count before each destructor runs. */
static void truncate_to(fbump_fastarena *a, size_t len, size_t keep)
{
	for (size_t i = len; i > keep; i--) {
		pub_drop_last(&a->pub, i - 1);
		if (a->model.destructor != NULL)
			a->model.destructor(slot(a, i - 1), a->model.destructor_ctx);
	}
	fbump_poison(slot(a, keep), (len - keep) * a->head.stride);
}

FBUMP_EXPORT int fbump_fastarena_rollback(fbump_fastarena *a, fbump_checkpoint cp)
{
	size_t len;
	int err;

	if (a == NULL || cp.arena_id != a->id)
		return fbump_fail(EINVAL);
	if ((err = pub_lock(&a->pub, &len)) != 0)
		return fbump_fail(err);
	if (cp.len > len) {
		pub_unlock(&a->pub, len);
		return fbump_fail(EINVAL);
	}
	truncate_to(a, len, cp.len);
	pub_unlock(&a->pub, cp.len);
	return 0;
}

FBUMP_EXPORT int fbump_fastarena_reset(fbump_fastarena *a)
{
	size_t len;
	int err;

	if (a == NULL)
		return fbump_fail(EINVAL);
	if ((err = pub_lock(&a->pub, &len)) != 0)
		return fbump_fail(err);
	truncate_to(a, len, 0);
	pub_unlock(&a->pub, 0);
	return 0;
}

FBUMP_EXPORT int fbump_fastarena_drain(fbump_fastarena *a, fbump_drain_fn *fn,
				       void *ctx)
{
	size_t len;
	int err;

	if (a == NULL || fn == NULL)
		return fbump_fail(EINVAL);
	if ((err = pub_lock(&a->pub, &len)) != 0)
		return fbump_fail(err);
	for (size_t i = 0; i < len; i++)
		fn(slot(a, i), i, ctx);
	for (size_t i = len; i > 0; i--)
		pub_drop_last(&a->pub, i - 1);
	fbump_poison(a->head.base, len * a->head.stride);
	pub_unlock(&a->pub, 0);
	return 0;
}

FBUMP_EXPORT int fbump_fastarena_destroy(fbump_fastarena *a)
{
	struct fbump_model model;
	size_t len;
	int err;

	if (a == NULL)
		return 0;
	if ((err = pub_lock(&a->pub, &len)) != 0)
		return fbump_fail(err);
	if (a->model.destructor != NULL)
		for (size_t i = 0; i < len; i++)
			a->model.destructor(slot(a, i), a->model.destructor_ctx);
	fbump_unpoison(a->head.base, fbump_storage_committed(&a->slots));
	fbump_storage_fini(&a->flags);
	fbump_storage_fini(&a->slots);
	model = a->model;
	fbump_model_free(&model, a, sizeof(*a));
	return 0;
}
