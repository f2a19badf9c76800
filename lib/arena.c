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
	 * EBUSY. */
	size_t fast_end;
	bool busy;
	uint64_t id;
	struct fbump_model model;
	struct fbump_store storage;
};

static unsigned char *slot(const fbump_arena *a, size_t i)
{
	return a->head.base + i * a->head.stride;
}

/* Elements that fit in the memory committed now, within the limit. */
static size_t fitting(const fbump_arena *a)
{
	size_t bytes = fbump_storage_committed(&a->storage);

	if (bytes > a->storage.limit)
		bytes = a->storage.limit; /* VM commits whole pages */
	return bytes / a->head.stride;
}

/* Bytes of committed storage past the live elements. */
static size_t tail_bytes(const fbump_arena *a)
{
	return fbump_storage_committed(&a->storage) -
	       a->head.len * a->head.stride;
}

/* Marks the arena as running user callbacks (destructors, drain). */
static void enter_callbacks(fbump_arena *a)
{
	a->busy = true;
	a->fast_end = 0;
}

static void leave_callbacks(fbump_arena *a)
{
	a->busy = false;
	a->fast_end = fitting(a);
}

/* After storage changed: refresh the view and poison the slots past len. */
static void storage_changed(fbump_arena *a)
{
	size_t used = a->head.len * a->head.stride;

	a->head.base = a->storage.base;
	a->fast_end = a->busy ? 0 : fitting(a);
	if (a->head.base != NULL)
		fbump_poison(a->head.base + used,
			     fbump_storage_committed(&a->storage) - used);
}

FBUMP_EXPORT fbump_arena *fbump_arena_create(const struct fbump_config *cfg)
{
	struct fbump_model model;
	fbump_arena *a;
	int err = fbump_model_from_config(cfg, &model);

	if (err != 0)
		return fbump_fail_ptr(err);
	a = fbump_model_alloc(&model, sizeof(*a));
	if (a == NULL)
		return fbump_fail_ptr(ENOMEM);
	memset(a, 0, sizeof(*a));
	a->model = model;
	a->head.stride = model.stride;
	a->id = fbump_new_arena_id();
	err = fbump_storage_init(&a->storage, &a->model, false);
	if (err != 0) {
		fbump_model_free(&model, a, sizeof(*a));
		return fbump_fail_ptr(err);
	}
	storage_changed(a);
	return a;
}

/* Makes room for 'n' more elements.  Returns 0 or an errno value; on
 * failure the arena is unchanged. */
static int make_room(fbump_arena *a, size_t n)
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
		return make_room(a, n);
	size_t offset = (size_t)(p - old);
	err = make_room(a, n);
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
	    (err = make_room(a, 1)) != 0)
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
	err = make_room(a, additional);
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
	cp.arena_id = a->id;
	cp.len = a->head.len;
	return cp;
}

/* Destroys elements from the last down to index 'keep', shortening the
 * arena before each destructor runs; the slots become inaccessible. */
static void truncate_to(fbump_arena *a, size_t keep)
{
	size_t old = a->head.len;

	enter_callbacks(a);
	if (a->model.destructor == NULL)
		a->head.len = keep;	/* nothing to run: no need to step */
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
	if (a == NULL || cp.arena_id != a->id || cp.len > a->head.len)
		return fbump_fail(EINVAL);
	if (a->busy)
		return fbump_fail(EBUSY);
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
	struct fbump_model model;

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
	model = a->model;
	fbump_model_free(&model, a, sizeof(*a));
	return 0;
}
