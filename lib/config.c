/* SPDX-License-Identifier: Apache-2.0 */
/*
 * config.c - reading a struct fbump_config into the element model; the
 * default allocator; arena identities.
 */
#include "config.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define FIELD_END(type, field) (offsetof(type, field) + sizeof(((type *)0)->field))

/* The smallest struct_size a caller may pass: the first release's struct. */
#define CONFIG_MIN_SIZE FIELD_END(struct fbump_config, capacity)

static void *default_alloc(void *ctx, size_t size, size_t align)
{
	void *p = NULL;

	(void)ctx;
	if (align <= alignof(max_align_t))
		return malloc(size);
	if (posix_memalign(&p, align, size) != 0)
		return NULL;
	return p;
}

static void *default_realloc(void *ctx, void *ptr, size_t old_size,
			     size_t new_size, size_t align)
{
	void *p;

	if (align <= alignof(max_align_t))
		return realloc(ptr, new_size);
	p = default_alloc(ctx, new_size, align);
	if (p == NULL)
		return NULL;
	memcpy(p, ptr, old_size < new_size ? old_size : new_size);
	free(ptr);
	return p;
}

static void default_free(void *ctx, void *ptr, size_t size)
{
	(void)ctx;
	(void)size;
	free(ptr);
}

const struct fbump_allocator fbump_default_allocator = {
	default_alloc, default_realloc, default_free, NULL
};

/* True when the bytes of cfg past what this library knows are all zero:
 * a newer caller may pass a longer struct as long as it asks for nothing
 * this version cannot do. */
static bool unknown_tail_is_zero(const struct fbump_config *cfg)
{
	const unsigned char *p = (const unsigned char *)cfg;

	for (size_t i = sizeof(*cfg); i < cfg->struct_size; i++)
		if (p[i] != 0)
			return false;
	return true;
}

static bool allocator_ok(const struct fbump_allocator *a)
{
	return a->alloc != NULL && a->realloc != NULL && a->free != NULL;
}

int fbump_model_from_config(const struct fbump_config *cfg,
			    struct fbump_model *m)
{
	size_t align;

	if (cfg == NULL || cfg->struct_size < CONFIG_MIN_SIZE ||
	    !unknown_tail_is_zero(cfg))
		return EINVAL;
	if (cfg->elem_size == 0 || cfg->flags != 0 ||
	    cfg->storage > FBUMP_STORAGE_REALLOC)
		return EINVAL;
	align = cfg->elem_align ? cfg->elem_align : alignof(max_align_t);
	if ((align & (align - 1)) != 0)
		return EINVAL;
	if (cfg->allocator != NULL && !allocator_ok(cfg->allocator))
		return EINVAL;
	if (cfg->elem_size > SIZE_MAX - (align - 1))
		return EOVERFLOW;

	m->elem_size = cfg->elem_size;
	m->align = align;
	m->stride = (cfg->elem_size + align - 1) & ~(align - 1);
	m->destructor = cfg->destructor;
	m->destructor_ctx = cfg->destructor_ctx;
	m->allocator = cfg->allocator ? *cfg->allocator : fbump_default_allocator;
	m->storage = cfg->storage;
	m->capacity = cfg->capacity;
	return 0;
}

void *fbump_model_alloc_aligned(const struct fbump_model *m, size_t size,
				size_t align)
{
	return m->allocator.alloc(m->allocator.ctx, size, align);
}

void fbump_model_free(const struct fbump_model *m, void *p, size_t size)
{
	m->allocator.free(m->allocator.ctx, p, size);
}

uint64_t fbump_new_arena_id(void)
{
	/* relaxed: only uniqueness matters, which the atomic RMW gives in any
	 * order; nothing else is published through this counter. */
	static uint64_t next_id = 1;

	return __atomic_fetch_add(&next_id, 1, __ATOMIC_RELAXED);
}

FBUMP_EXPORT unsigned int fbump_version(void)
{
	return FASTBUMP_VERSION_HEX;
}
