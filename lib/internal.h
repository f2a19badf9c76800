/* SPDX-License-Identifier: Apache-2.0 */
/*
 * internal.h - machinery shared by both arena kinds: errors, the element
 * model read from a struct fbump_config, arena identities.
 */
#ifndef FBUMP_INTERNAL_H
#define FBUMP_INTERNAL_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fastbump.h"

/* ---- errors ---------------------------------------------------------------
 * Index-returning calls fail with FBUMP_NONE, pointer-returning calls with
 * NULL, status calls with the errno value itself; all of them set errno. */

static inline size_t fbump_fail_index(int err)
{
	errno = err;
	return FBUMP_NONE;
}

static inline void *fbump_fail_ptr(int err)
{
	errno = err;
	return NULL;
}

static inline int fbump_fail(int err)
{
	errno = err;
	return err;
}

/* *out = a * b; false when that overflows size_t. */
static inline bool fbump_mul_ok(size_t a, size_t b, size_t *out)
{
	return !__builtin_mul_overflow(a, b, out);
}

/* Copies one element: the sizes of common element types are copied inline
 * rather than through a call to memcpy. */
static inline void fbump_copy_elem(void *dst, const void *src, size_t size)
{
	switch (size) {
	case 4:
		memcpy(dst, src, 4);
		break;
	case 8:
		memcpy(dst, src, 8);
		break;
	case 16:
		memcpy(dst, src, 16);
		break;
	case 32:
		memcpy(dst, src, 32);
		break;
	default:
		memcpy(dst, src, size);
	}
}

/* ---- the element model ----------------------------------------------------- */

struct fbump_model {
	size_t elem_size;	/* bytes copied per element */
	size_t align;		/* power of two */
	size_t stride;		/* elem_size rounded up to align */
	fbump_destructor_fn *destructor;
	void *destructor_ctx;
	struct fbump_allocator allocator; /* always filled in */
	unsigned int storage;	/* enum fbump_storage */
	size_t capacity;	/* as in struct fbump_config */
};

/* Reads and validates a caller's configuration.  Returns 0, EINVAL for a
 * bad field (NULL cfg, struct_size too small or unknown non-zero trailing
 * bytes, elem_size 0, alignment not a power of two, unknown storage or
 * flags, half-filled allocator) or EOVERFLOW when the stride overflows. */
int fbump_model_from_config(const struct fbump_config *cfg,
			    struct fbump_model *model);

/* The allocator used when the configuration names none: malloc & co. */
extern const struct fbump_allocator fbump_default_allocator;

void *fbump_model_alloc_aligned(const struct fbump_model *m, size_t size,
				size_t align);
void fbump_model_free(const struct fbump_model *m, void *p, size_t size);

/* Bytes in a cache line, for laying out shared counters. */
#define FBUMP_CACHE_LINE 64

/* A fresh, never-zero identity for a new arena, so that a checkpoint of one
 * arena is rejected by every other. */
uint64_t fbump_new_arena_id(void);

#endif /* FBUMP_INTERNAL_H */
