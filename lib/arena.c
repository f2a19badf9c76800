/* SPDX-License-Identifier: Apache-2.0 */
/*
 * arena.c - fbump_arena, the single-thread arena.
 */
#include "config.h"

#include <string.h>

#include "internal.h"
#include "poison.h"
#include "storage.h"

struct fbump_arena {
	struct fbump_arena_head head;	/* public prefix: must stay first */
	/* The fast path appends while len < fast_end: the elements that fit
	 * without growing.  Zero while destructors or a drain callback run,
	 * so every allocation then takes the slow path, which refuses it with
	 * EBUSY.  head.inline_end follows it (see set_fast_end). */
	size_t fast_end;
	bool busy;
	size_t block_size;	/* bytes of this struct's heap block */
	struct fbump_model model;
	struct fbump_store storage;
};

static unsigned char *slot(const fbump_arena *a, size_t i)
{
	return a->head.base + i * a->head.stride;
}

/* Elements that fit in the first 'bytes' of storage, within the limit
 * (VM commits whole pages, so committed bytes may pass it). */
static size_t slots_in(const fbump_arena *a, size_t bytes)
{
	if (bytes > a->storage.limit)
		bytes = a->storage.limit;
	return bytes / a->head.stride;
}

/* Elements that fit in the memory committed now. */
static size_t fitting(const fbump_arena *a)
{
	return slots_in(a, fbump_storage_committed(&a->storage));
}

/* Where the fast paths stop: at the end of the memory that is committed
 * and, for VM storage, prefaulted; never below len. */
static size_t fast_fitting(const fbump_arena *a)
{
	size_t n = slots_in(a, fbump_storage_ready(&a->storage));

	return n > a->head.len ? n : a->head.len;
}

/* Bytes of committed storage past the live elements. */
static size_t tail_bytes(const fbump_arena *a)
{
	return fbump_storage_committed(&a->storage) -
	       a->head.len * a->head.stride;
}

/* Sets the bound of both fast paths: the library's and the header's
 * inline one, which builds that poison free slots must not take (it cannot
 * unpoison the slot it hands out). */
static void set_fast_end(fbump_arena *a, size_t end)
{
	a->fast_end = end;
	a->head.inline_end = FBUMP_POISONING ? 0 : end;
}

/* Marks the arena as running user callbacks (destructors, drain). */
static void enter_callbacks(fbump_arena *a)
{
	a->busy = true;
	set_fast_end(a, 0);
}

static void leave_callbacks(fbump_arena *a)
{
	a->busy = false;
	set_fast_end(a, fast_fitting(a));
}

/* After storage changed: refresh the view and poison the slots past len. */
static void storage_changed(fbump_arena *a)
{
	size_t used = a->head.len * a->head.stride;

	a->head.base = a->storage.base;
	set_fast_end(a, a->busy ? 0 : fast_fitting(a));
	if (a->head.base != NULL)
		fbump_poison(a->head.base + used,
			     fbump_storage_committed(&a->storage) - used);
}

/* Where a FIXED arena's slots start in the heap block that holds the
 * struct too: one allocation per arena, not two. */
static size_t fixed_slots_offset(const struct fbump_model *m)
{
	size_t align = m->align > _Alignof(fbump_arena) ? m->align
						 : _Alignof(fbump_arena);

	return (sizeof(fbump_arena) + align - 1) & ~(align - 1);
}

/* Allocates the arena's heap block: the struct, followed for FIXED storage
 * by the slots.  Returns NULL with *err set. */
static fbump_arena *alloc_block(const struct fbump_model *m, int *err)
{
	size_t size = sizeof(fbump_arena), align = _Alignof(fbump_arena);
	size_t slots = 0;
	fbump_arena *a;

	if (m->storage == FBUMP_STORAGE_FIXED) {
		*err = fbump_storage_fixed_bytes(m, &slots);
		if (*err != 0)
			return NULL;
		size = fixed_slots_offset(m);
		if (slots > SIZE_MAX - size) {
			*err = EOVERFLOW;
			return NULL;
		}
		size += slots;
		if (m->align > align)
			align = m->align;
	}
	a = fbump_model_alloc_aligned(m, size, align);
	if (a == NULL) {
		*err = ENOMEM;
		return NULL;
	}
	a->block_size = size;
	return a;
}

FBUMP_EXPORT fbump_arena *fbump_arena_create(const struct fbump_config *cfg)
{
	struct fbump_model model;
	fbump_arena *a;
	int err = fbump_model_from_config(cfg, &model);

	if (err == 0)
		err = fbump_storage_check(&model);
	if (err != 0)
		return fbump_fail_ptr(err);
	a = alloc_block(&model, &err);
	if (a == NULL)
		return fbump_fail_ptr(err);
	a->model = model;
	a->head.len = 0;
	a->head.stride = model.stride;
	a->head.id = 0;		/* drawn by the first checkpoint */
	a->busy = false;
	if (model.storage == FBUMP_STORAGE_FIXED) {
		fbump_storage_init_fixed_at(&a->storage, &a->model,
			(unsigned char *)a + fixed_slots_offset(&model));
		a->head.base = a->storage.base;
		set_fast_end(a, model.capacity); /* every slot is ready */
		fbump_poison(a->head.base, a->storage.limit);
		return a;
	}
	err = fbump_storage_init(&a->storage, &a->model, false);
	if (err != 0) {
		fbump_model_free(&model, a, a->block_size);
		return fbump_fail_ptr(err);
	}
	a->storage.cacheable = true; /* VM: one owner, the calling thread */
	storage_changed(a);
	return a;
}

/* Makes room for 'n' more elements, and when they are about to be
 * written ('touch'), has the system back their pages in bulk.  Returns 0
 * or an errno value; on failure the arena is unchanged. */
static int make_room(fbump_arena *a, size_t n, bool touch)
{
	size_t total, bytes;
	int err;

	if (a->busy)
		return EBUSY;
	if (n <= a->fast_end - a->head.len) /* not busy: fast_end >= len */
		return 0;
	if (n > SIZE_MAX - a->head.len)
		return EOVERFLOW;
	total = a->head.len + n;
	if (!fbump_mul_ok(total, a->head.stride, &bytes))
		return EOVERFLOW;
	if (a->head.base != NULL) /* realloc may copy every byte */
		fbump_unpoison(slot(a, a->head.len), tail_bytes(a));
	err = fbump_storage_grow(&a->storage, bytes);
	if (err == 0 && touch)
		fbump_storage_prefault(&a->storage, bytes);
	storage_changed(a);
	return err;
}

/* make_room for a copy from *src, which may point into this arena's own
 * elements: if growing moves them (REALLOC), *src follows them. */
static int make_room_for(fbump_arena *a, size_t n, const unsigned char **src)
{
	uintptr_t old = (uintptr_t)a->head.base;
	uintptr_t p = (uintptr_t)*src;
	int err;

	if (old == 0 || p < old || p - old >= a->head.len * a->head.stride)
		return make_room(a, n, true);
	size_t offset = (size_t)(p - old);
	err = make_room(a, n, true);
	*src = a->head.base + offset;
	return err;
}

/* Hands out the next 'n' slots, writable and undefined; they fit. */
static size_t take(fbump_arena *a, size_t n)
{
	size_t first = a->head.len;

	fbump_unpoison(slot(a, first), n * a->head.stride);
	a->head.len = first + n;
	return first;
}

/* fbump_arena_alloc when the committed memory is full (or the arena busy):
 * grows, then appends.  Kept out of line so the fast path stays a leaf. */
static size_t alloc_slow(fbump_arena *a, const void *value)
{
	const unsigned char *src = value;
	int err = make_room_for(a, 1, &src);

	if (err != 0)
		return fbump_fail_index(err);
	size_t i = take(a, 1);
	fbump_copy_elem(slot(a, i), src, a->model.elem_size);
	return i;
}

FBUMP_EXPORT size_t fbump_arena_alloc(fbump_arena *a, const void *value)
{
	if (FBUMP_UNLIKELY(a == NULL || value == NULL))
		return fbump_fail_index(EINVAL);
	size_t i = a->head.len;
	if (FBUMP_UNLIKELY(i >= a->fast_end))
		return alloc_slow(a, value);
	a->head.len = i + 1;
	fbump_unpoison(slot(a, i), a->head.stride);
	fbump_copy_elem(slot(a, i), value, a->model.elem_size);
	return i;
}

FBUMP_EXPORT void *fbump_arena_alloc_uninit(fbump_arena *a, size_t *index)
{
	int err;

	if (a == NULL)
		return fbump_fail_ptr(EINVAL);
	if (FBUMP_UNLIKELY(a->head.len >= a->fast_end) &&
	    (err = make_room(a, 1, true)) != 0)
		return fbump_fail_ptr(err);
	size_t i = take(a, 1);
	if (index != NULL)
		*index = i;
	return slot(a, i);
}

FBUMP_EXPORT size_t fbump_arena_alloc_extend(fbump_arena *a,
					     const void *values, size_t n)
{
	const unsigned char *src = values;
	int err;

	if (a == NULL || (values == NULL && n != 0))
		return fbump_fail_index(EINVAL);
	if (n == 0)
		return a->head.len;
	if ((err = make_room_for(a, n, &src)) != 0)
		return fbump_fail_index(err);
	size_t first = take(a, n);
	if (a->model.elem_size == a->head.stride) {
		if (n != 0)
			memcpy(slot(a, first), src, n * a->head.stride);
	} else {
		/* values is an array of elem_size-byte elements */
		for (size_t k = 0; k < n; k++)
			memcpy(slot(a, first + k), src + k * a->model.elem_size,
			       a->model.elem_size);
	}
	return first;
}

FBUMP_EXPORT void *fbump_arena_try_get(const fbump_arena *a, size_t index)
{
	if (a == NULL)
		return fbump_fail_ptr(EINVAL);
	if (index >= a->head.len)
		return fbump_fail_ptr(ERANGE);
	return slot(a, index);
}

FBUMP_EXPORT size_t fbump_arena_capacity(const fbump_arena *a)
{
	if (a == NULL) {
		errno = EINVAL;
		return 0;
	}
	return fitting(a);
}

FBUMP_EXPORT int fbump_arena_reserve(fbump_arena *a, size_t additional)
{
	int err;

	if (a == NULL)
		return fbump_fail(EINVAL);
	err = make_room(a, additional, false);
	return err ? fbump_fail(err) : 0;
}

FBUMP_EXPORT int fbump_arena_shrink_to_fit(fbump_arena *a)
{
	if (a == NULL)
		return fbump_fail(EINVAL);
	if (a->busy)
		return fbump_fail(EBUSY);
	if (a->head.base != NULL) /* realloc may copy every byte */
		fbump_unpoison(slot(a, a->head.len), tail_bytes(a));
	fbump_storage_shrink(&a->storage, a->head.len * a->head.stride);
	storage_changed(a);
	return 0;
}

FBUMP_EXPORT fbump_checkpoint fbump_arena_checkpoint(const fbump_arena *a)
{
	fbump_checkpoint cp = { 0, 0 };

	if (a == NULL) {
		errno = EINVAL;
		return cp;
	}
	if (a->head.id == 0) /* the arena's first checkpoint */
		((fbump_arena *)a)->head.id = fbump_new_arena_id();
	cp.arena_id = a->head.id;
	cp.len = a->head.len;
	return cp;
}

/* Destroys elements from the last down to index 'keep', shortening the
 * arena before each destructor runs; the slots become inaccessible. */
static void truncate_to(fbump_arena *a, size_t keep)
{
	size_t old = a->head.len;

	if (a->model.destructor == NULL) { /* nothing runs: no need to step */
		a->head.len = keep;
		if (old > keep)
			fbump_poison(slot(a, keep), (old - keep) * a->head.stride);
		return;
	}
	enter_callbacks(a);
	while (a->head.len > keep) {
		size_t i = --a->head.len;

		a->model.destructor(slot(a, i), a->model.destructor_ctx);
	}
	if (old > keep)
		fbump_poison(slot(a, keep), (old - keep) * a->head.stride);
	leave_callbacks(a);
}

FBUMP_EXPORT int fbump_arena_rollback(fbump_arena *a, fbump_checkpoint cp)
{
	/* an arena without an identity never gave out a checkpoint */
	if (a == NULL || a->head.id == 0 || cp.arena_id != a->head.id)
		return fbump_fail(EINVAL);
	if (a->busy)
		return fbump_fail(EBUSY);
	/* after the state, as fbump_fastarena_rollback must (doc/errors.md) */
	if (cp.len > a->head.len)
		return fbump_fail(EINVAL);
	truncate_to(a, cp.len);
	return 0;
}

FBUMP_EXPORT int fbump_arena_reset(fbump_arena *a)
{
	if (a == NULL)
		return fbump_fail(EINVAL);
	if (a->busy)
		return fbump_fail(EBUSY);
	truncate_to(a, 0);
	return 0;
}

FBUMP_EXPORT int fbump_arena_drain(fbump_arena *a, fbump_drain_fn *fn,
				   void *ctx)
{
	size_t n;

	if (a == NULL || fn == NULL)
		return fbump_fail(EINVAL);
	if (a->busy)
		return fbump_fail(EBUSY);
	n = a->head.len;
	enter_callbacks(a);
	for (size_t i = 0; i < n; i++)
		fn(slot(a, i), i, ctx);
	a->head.len = 0;
	fbump_poison(a->head.base, n * a->head.stride);
	leave_callbacks(a);
	return 0;
}

FBUMP_EXPORT int fbump_arena_destroy(fbump_arena *a)
{
	if (a == NULL)
		return 0;
	if (a->busy)
		return fbump_fail(EBUSY);
	enter_callbacks(a);
	if (a->model.destructor != NULL)
		for (size_t i = 0; i < a->head.len; i++)
			a->model.destructor(slot(a, i), a->model.destructor_ctx);
	fbump_unpoison(a->head.base, fbump_storage_committed(&a->storage));
	fbump_storage_fini(&a->storage);
	/* the allocator and the size are read before the block goes */
	fbump_model_free(&a->model, a, a->block_size);
	return 0;
}
