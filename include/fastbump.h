/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fastbump.h - typed bump-pointer arenas: the public interface of libfastbump.
 *
 * Two arena kinds share one element model (run-time element size and
 * alignment, an optional destructor, optional custom backing memory,
 * size_t indices, checkpoints):
 *
 *   fbump_arena      single-thread; see fbump_arena_create(3)
 *   fbump_fastarena  shared between threads, lock-free alloc, wait-free get;
 *                    see fbump_fastarena_create(3)
 *
 * This header is self-contained, compiles as C99 or later and as C++11 or
 * later, and does not include <stdatomic.h>: the inline fast paths use the
 * GCC/Clang __atomic builtins.  The overview is fastbump(3).
 */
#ifndef FASTBUMP_H
#define FASTBUMP_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Version ------------------------------------------------------------ */

#define FASTBUMP_VERSION_MAJOR 1
#define FASTBUMP_VERSION_MINOR 0
#define FASTBUMP_VERSION_MICRO 0
#define FASTBUMP_VERSION_STRING "1.0.0"
/* 0xMMmmuu: compare with FASTBUMP_VERSION_HEX >= 0x010000 */
#define FASTBUMP_VERSION_HEX \
	((FASTBUMP_VERSION_MAJOR << 16) | (FASTBUMP_VERSION_MINOR << 8) | \
	 FASTBUMP_VERSION_MICRO)

/* ---- Attribute macros: vanish on compilers that lack them --------------- */

#if defined(__GNUC__) || defined(__clang__)
# define FBUMP_WARN_UNUSED __attribute__((__warn_unused_result__))
# define FBUMP_NONNULL(...) __attribute__((__nonnull__(__VA_ARGS__)))
# define FBUMP_PURE __attribute__((__pure__))
# define FBUMP_MALLOC_LIKE __attribute__((__malloc__))
# define FBUMP_LIKELY(x) __builtin_expect(!!(x), 1)
# define FBUMP_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
# define FBUMP_WARN_UNUSED
# define FBUMP_NONNULL(...)
# define FBUMP_PURE
# define FBUMP_MALLOC_LIKE
# define FBUMP_LIKELY(x) (x)
# define FBUMP_UNLIKELY(x) (x)
#endif

/* FBUMP_EXPORT marks the library's public symbols; the build compiles with
 * -fvisibility=hidden and defines FBUMP_BUILDING_LIBRARY. */
#if defined(FBUMP_BUILDING_LIBRARY) && \
	(defined(__GNUC__) || defined(__clang__))
# define FBUMP_EXPORT __attribute__((__visibility__("default")))
#else
# define FBUMP_EXPORT
#endif

/* Alignment of a type, usable in C and C++. */
#if defined(__cplusplus) && __cplusplus >= 201103L
# define FBUMP_ALIGNOF(type) alignof(type)
#elif defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
# define FBUMP_ALIGNOF(type) _Alignof(type)
#else
# define FBUMP_ALIGNOF(type) offsetof(struct { char c_; type t_; }, t_)
#endif

/* ---- Shared element model ----------------------------------------------- */

/* The index returned by a failed allocation. */
#define FBUMP_NONE ((size_t)-1)

/* A destructor runs once on each element that the arena destroys. */
typedef void fbump_destructor_fn(void *elem, void *ctx);

/* Custom backing memory.  Every field is required when the struct is given.
 * alloc and realloc return memory aligned to at least 'align' (a power of
 * two) or NULL; free receives the size the block was allocated with.
 * The struct is copied at create time. */
struct fbump_allocator {
	void *(*alloc)(void *ctx, size_t size, size_t align);
	void *(*realloc)(void *ctx, void *ptr, size_t old_size, size_t new_size,
			 size_t align);
	void (*free)(void *ctx, void *ptr, size_t size);
	void *ctx;
};

/* Where the slots live (fbump_config.storage). */
enum fbump_storage {
	/* Default.  Address space reserved once (at the first allocation),
	 * committed as the arena grows: elements never move, so pointers stay
	 * valid until rollback, reset or destroy.  Slot memory comes from the
	 * operating system, not from the custom allocator. */
	FBUMP_STORAGE_VM = 0,
	/* A fixed capacity (fbump_config.capacity elements) allocated at
	 * create time from the allocator; elements never move; ENOSPC when
	 * full.  Cheapest to create in large numbers. */
	FBUMP_STORAGE_FIXED = 1,
	/* Grows by realloc from the allocator: ELEMENTS MAY MOVE when the
	 * arena grows, invalidating pointers (indices stay valid).
	 * fbump_arena only. */
	FBUMP_STORAGE_REALLOC = 2
};

/* Configuration of a new arena.  Initialise with FBUMP_CONFIG_INIT so that
 * struct_size is right: the library reads only the fields that the caller's
 * version of this struct has, so later versions can add fields at the end
 * without breaking callers built against this one. */
struct fbump_config {
	size_t struct_size;	/* sizeof(struct fbump_config) */
	size_t elem_size;	/* > 0 */
	size_t elem_align;	/* power of two; 0 = alignof(max_align_t) */
	fbump_destructor_fn *destructor; /* optional */
	void *destructor_ctx;
	const struct fbump_allocator *allocator; /* optional; NULL = malloc */
	unsigned int storage;	/* enum fbump_storage */
	unsigned int flags;	/* reserved, must be 0 */
	/* VM: maximum number of elements (address space reserved), 0 = the
	 * default reservation; FIXED: the capacity (required); REALLOC: the
	 * initial capacity (0 = grow on first allocation). */
	size_t capacity;
};

/* size and align may be any integer expressions.  C++ forbids a narrowing
 * conversion in a braced initializer, so there they go through a
 * static_cast, which still rejects a pointer; C converts them as for an
 * assignment, with the compiler's usual warnings. */
#ifdef __cplusplus
# define FBUMP_SIZE_ARG_(x) static_cast<size_t>(x)
#else
# define FBUMP_SIZE_ARG_(x) (x)
#endif
#define FBUMP_CONFIG_INIT_SIZED(size, align) \
	{ sizeof(struct fbump_config), FBUMP_SIZE_ARG_(size), \
	  FBUMP_SIZE_ARG_(align), 0, 0, 0, 0, 0, 0 }
#define FBUMP_CONFIG_INIT(type) \
	FBUMP_CONFIG_INIT_SIZED(sizeof(type), FBUMP_ALIGNOF(type))

/* A checkpoint: the length of one arena at one moment.  Copy it freely. */
typedef struct fbump_checkpoint {
	uint64_t arena_id;	/* which arena it belongs to */
	size_t len;		/* length when taken */
} fbump_checkpoint;

/* The callback of drain: takes ownership of one element. */
typedef void fbump_drain_fn(void *elem, size_t index, void *ctx);

/* Runtime version: FASTBUMP_VERSION_HEX of the library actually loaded. */
FBUMP_EXPORT unsigned int fbump_version(void);

/* ---- fbump_arena: single-thread arena ----------------------------------- */

typedef struct fbump_arena fbump_arena;

/* Stable public prefix of every fbump_arena (part of the ABI): the inline
 * fast paths below read it.  Only fbump_arena_append_inline_() writes it
 * (len); a program never does. */
struct fbump_arena_head {
	unsigned char *base;	/* slot 0, or NULL while it has no slots */
	size_t len;		/* live elements */
	size_t stride;		/* bytes from one slot to the next */
	/* While len < inline_end, an append needs no call into the library:
	 * the slot is committed and nothing else has to happen.  The library
	 * keeps it at 0 while destructors or a drain callback run and in
	 * builds that poison free slots (AddressSanitizer, Valgrind), so those
	 * appends take the library's path. */
	size_t inline_end;
	uint64_t id;		/* identity in checkpoints; 0 until the first */
};

FBUMP_EXPORT fbump_arena *fbump_arena_create(const struct fbump_config *cfg)
	FBUMP_WARN_UNUSED;
FBUMP_EXPORT int fbump_arena_destroy(fbump_arena *arena);

FBUMP_EXPORT size_t fbump_arena_alloc(fbump_arena *arena, const void *value);
FBUMP_EXPORT void *fbump_arena_alloc_uninit(fbump_arena *arena,
					    size_t *index);
FBUMP_EXPORT size_t fbump_arena_alloc_extend(fbump_arena *arena,
					     const void *values, size_t n);

FBUMP_EXPORT void *fbump_arena_try_get(const fbump_arena *arena,
				       size_t index);
FBUMP_EXPORT size_t fbump_arena_capacity(const fbump_arena *arena);
FBUMP_EXPORT int fbump_arena_reserve(fbump_arena *arena, size_t additional);
FBUMP_EXPORT int fbump_arena_shrink_to_fit(fbump_arena *arena);

FBUMP_EXPORT fbump_checkpoint fbump_arena_checkpoint(const fbump_arena *arena);
FBUMP_EXPORT int fbump_arena_rollback(fbump_arena *arena, fbump_checkpoint cp);
FBUMP_EXPORT int fbump_arena_reset(fbump_arena *arena);
FBUMP_EXPORT int fbump_arena_drain(fbump_arena *arena, fbump_drain_fn *fn,
				   void *ctx);

/* Element 'index' of 'arena'.  Precondition: index < fbump_arena_len(arena)
 * (use fbump_arena_try_get for unchecked indices).  Costs what a[i] costs. */
static inline void *fbump_arena_get(const fbump_arena *arena, size_t index)
{
	const struct fbump_arena_head *h = (const struct fbump_arena_head *)arena;
	return h->base + index * h->stride;
}

static inline size_t fbump_arena_len(const fbump_arena *arena)
{
	return ((const struct fbump_arena_head *)arena)->len;
}

static inline int fbump_arena_is_empty(const fbump_arena *arena)
{
	return fbump_arena_len(arena) == 0;
}

/* The slice: slot 0 of fbump_arena_len() contiguous elements; may be NULL
 * while the length is 0 (see fbump_arena_get(3)). */
static inline void *fbump_arena_data(const fbump_arena *arena)
{
	return ((const struct fbump_arena_head *)arena)->base;
}

static inline size_t fbump_arena_stride(const fbump_arena *arena)
{
	return ((const struct fbump_arena_head *)arena)->stride;
}

/* Internal, for the typed layer: the append of fbump_arena_alloc without
 * the call, for an element of 'size' bytes, a compile-time constant equal
 * to the stride.  Stores the element at the end and its index in *index
 * and returns 1 while len < inline_end (a compare and two stores); else
 * returns 0 and changes nothing: the caller then calls the library. */
static inline int fbump_arena_append_inline_(fbump_arena *arena,
					     const void *value, size_t size,
					     size_t *index)
{
	struct fbump_arena_head *h = (struct fbump_arena_head *)arena;

	if (FBUMP_LIKELY(h != NULL && value != NULL)) {
		size_t i = h->len;

		if (FBUMP_LIKELY(i < h->inline_end)) {
			memcpy(h->base + i * size, value, size);
			h->len = i + 1;
			*index = i;
			return 1;
		}
	}
	return 0;
}

/* Internal, for the typed layer: fbump_arena_checkpoint without the call. */
static inline fbump_checkpoint fbump_arena_checkpoint_inline_(
	const fbump_arena *arena)
{
	const struct fbump_arena_head *h =
		(const struct fbump_arena_head *)arena;
	fbump_checkpoint cp;

	if (FBUMP_UNLIKELY(h == NULL || h->id == 0))
		return fbump_arena_checkpoint(arena);
	cp.arena_id = h->id;
	cp.len = h->len;
	return cp;
}

/* for each element, in order: 'var' is a 'type *' */
#define FBUMP_ARENA_FOREACH(type, var, arena) \
	for (type *var = (type *)fbump_arena_data(arena); \
	     var != NULL && (unsigned char *)var < \
		(unsigned char *)fbump_arena_data(arena) + \
		fbump_arena_len(arena) * fbump_arena_stride(arena); \
	     var = (type *)(void *)((unsigned char *)var + \
				    fbump_arena_stride(arena)))

/* ---- fbump_fastarena: arena shared between threads ---------------------- */

typedef struct fbump_fastarena fbump_fastarena;

/* Stable public prefix of every fbump_fastarena (part of the ABI).  The
 * slot array never moves: base is fixed from create to destroy.  A program
 * reads published only with __atomic acquire loads: its low bits
 * (FBUMP_FASTARENA_COUNT_MASK) count the slots [0, count) that are written;
 * the high bits are an epoch that rollback, reset and drain advance
 * when they lower the count. */
struct fbump_fastarena_head {
	unsigned char *base;	/* slot 0 */
	uint64_t published;	/* epoch << 40 | count */
	size_t stride;		/* bytes from one slot to the next */
};

#define FBUMP_FASTARENA_COUNT_MASK ((((uint64_t)1) << 40) - 1)

/* Statistics of a fastarena (fbump_fastarena_stats). */
struct fbump_fastarena_stats {
	size_t elements;	 /* published elements */
	size_t reserved_slots;	 /* slots handed to writers (>= elements) */
	size_t capacity;	 /* slots that can ever be handed out */
	size_t bytes_committed;	 /* slot and flag memory made usable */
	size_t bytes_reserved;	 /* address space held */
};

FBUMP_EXPORT fbump_fastarena *
fbump_fastarena_create(const struct fbump_config *cfg) FBUMP_WARN_UNUSED;
FBUMP_EXPORT int fbump_fastarena_destroy(fbump_fastarena *arena);

FBUMP_EXPORT size_t fbump_fastarena_alloc(fbump_fastarena *arena,
					  const void *value);
FBUMP_EXPORT void *fbump_fastarena_alloc_begin(fbump_fastarena *arena,
					       size_t *index);
FBUMP_EXPORT int fbump_fastarena_alloc_publish(fbump_fastarena *arena,
					       size_t index);
FBUMP_EXPORT size_t fbump_fastarena_alloc_extend(fbump_fastarena *arena,
						 const void *values, size_t n);

FBUMP_EXPORT void *fbump_fastarena_try_get(const fbump_fastarena *arena,
					   size_t index);
FBUMP_EXPORT size_t fbump_fastarena_len(const fbump_fastarena *arena);
FBUMP_EXPORT size_t fbump_fastarena_capacity(const fbump_fastarena *arena);
FBUMP_EXPORT int fbump_fastarena_stats(const fbump_fastarena *arena,
				       struct fbump_fastarena_stats *stats);

FBUMP_EXPORT fbump_checkpoint
fbump_fastarena_checkpoint(const fbump_fastarena *arena);
FBUMP_EXPORT int fbump_fastarena_rollback(fbump_fastarena *arena,
					  fbump_checkpoint cp);
FBUMP_EXPORT int fbump_fastarena_reset(fbump_fastarena *arena);
FBUMP_EXPORT int fbump_fastarena_drain(fbump_fastarena *arena,
				       fbump_drain_fn *fn, void *ctx);

/* Element 'index' if it is published or its writer has finished, else
 * NULL.  Wait-free; safe from any thread. */
static inline void *fbump_fastarena_get(const fbump_fastarena *arena,
					size_t index)
{
	const struct fbump_fastarena_head *h =
		(const struct fbump_fastarena_head *)arena;
	/* acquire: pairs with the release that published the slot, so the
	 * element's bytes are visible once index < published is seen. */
	if (FBUMP_LIKELY(index < (__atomic_load_n(&h->published,
						  __ATOMIC_ACQUIRE) &
				  FBUMP_FASTARENA_COUNT_MASK)))
		return h->base + index * h->stride;
	return fbump_fastarena_try_get(arena, index);
}

/* The slice: slot 0 of the contiguous published prefix, whose length
 * fbump_fastarena_len() returns.  Never NULL; never moves. */
static inline void *fbump_fastarena_data(const fbump_fastarena *arena)
{
	return ((const struct fbump_fastarena_head *)arena)->base;
}

static inline size_t fbump_fastarena_stride(const fbump_fastarena *arena)
{
	return ((const struct fbump_fastarena_head *)arena)->stride;
}

/* Internal, for the typed layer: the same names as fbump_arena's inline
 * paths.  Every fastarena append is a call: it needs atomic operations. */
static inline int fbump_fastarena_append_inline_(fbump_fastarena *arena,
						 const void *value, size_t size,
						 size_t *index)
{
	(void)arena;
	(void)value;
	(void)size;
	(void)index;
	return 0;
}

static inline fbump_checkpoint fbump_fastarena_checkpoint_inline_(
	const fbump_fastarena *arena)
{
	return fbump_fastarena_checkpoint(arena);
}

/* for each published element, in order; the length and the stride are
 * read once, and 'arena' is evaluated three times, before the first
 * element.  Two loops, so that 'type' may be a pointer type (one
 * declarator list would make the bound a 'type' and the cursor a
 * 'type *'); a break leaves the inner one, and the outer one then ends. */
#define FBUMP_FASTARENA_FOREACH(type, var, arena) \
	for (size_t var##_i_ = 0, var##_n_ = fbump_fastarena_len(arena), \
		    var##_s_ = fbump_fastarena_stride(arena); \
	     var##_i_ != FBUMP_NONE; var##_i_ = FBUMP_NONE) \
		for (type *var = (type *)fbump_fastarena_data(arena); \
		     var##_i_ < var##_n_; \
		     var##_i_++, \
		     var = (type *)(void *)((unsigned char *)var + var##_s_))

/* ---- Typed layer: FBUMP_ARENA_TYPED, FBUMP_FASTARENA_TYPED -------------- */
/*
 * Generators in the style of BSD <sys/queue.h> and <sys/tree.h>.  At file
 * scope,
 *
 *	FBUMP_ARENA_TYPED(node_arena, struct node);
 *	FBUMP_FASTARENA_TYPED(event_log, struct event);
 *
 * define, for each name, a handle type 'name', an index type 'name_idx',
 * a destructor descriptor 'name_dtor', a drain callback type
 * 'name_drain_fn', the element type 'name_elem' and static inline functions
 * name_create, name_alloc, name_get, ... whose signatures carry the element
 * type: an element, an index or a handle of another arena type is a compile
 * error, not a silent reinterpretation.  Every function is a thin wrapper
 * around the untyped API above; the handle and the index are structs of one
 * member and cost nothing at run time.  The element size and alignment are
 * always those of the type, so the stride is sizeof(type) and name_data()
 * is an ordinary array.  FBUMP_TYPED_FOREACH(name, var, arena) iterates.
 * Element types that refer to their own arena type split the macro in two:
 *
 *	FBUMP_TYPED_IDX(ast);
 *	struct ast_node { ast_idx left, right; ... };
 *	FBUMP_ARENA_TYPED_GENERATE(ast, struct ast_node);
 *
 * Unused generated functions do not warn.  See fbump_typed(3).
 */

#if defined(__GNUC__) || defined(__clang__)
# define FBUMP_UNUSED __attribute__((__unused__))
#else
# define FBUMP_UNUSED
#endif

/* FBUMP_TYPED_IDX(name): only the index type name_idx.  For element types
 * that hold indices of their own arena type (trees, graphs): declare the
 * index, then the element type, then FBUMP_ARENA_TYPED_GENERATE(name, type)
 * or FBUMP_FASTARENA_TYPED_GENERATE(name, type). */
#define FBUMP_TYPED_IDX(name) \
typedef struct name##_idx { size_t i; } name##_idx

/* Types and functions common to both kinds; raw_type is the untyped arena.
 * Internal: use the macros below. */
#define FBUMP_TYPED_COMMON_(name, type, raw_type) \
typedef type name##_elem; \
typedef struct name { raw_type *raw_; } name; \
typedef struct name##_dtor { \
	void (*fn)(name##_elem *elem, void *ctx); \
	void *ctx; \
} name##_dtor; \
typedef void name##_drain_fn(name##_elem *elem, name##_idx idx, void *ctx); \
struct name##_drain_ctx_ { name##_drain_fn *fn; void *ctx; }; \
FBUMP_UNUSED static inline name##_idx name##_idx_make(size_t i) \
{ \
	name##_idx idx; \
	idx.i = i; \
	return idx; \
} \
FBUMP_UNUSED static inline name##_idx name##_idx_none(void) \
{ \
	return name##_idx_make(FBUMP_NONE); \
} \
FBUMP_UNUSED static inline int name##_idx_valid(name##_idx idx) \
{ \
	return idx.i != FBUMP_NONE; \
} \
FBUMP_UNUSED static inline raw_type *name##_raw(const name *a) \
{ \
	return a->raw_; \
} \
FBUMP_UNUSED static void name##_dtor_tramp_(void *elem, void *ctx) \
{ \
	const name##_dtor *d = (const name##_dtor *)ctx; \
	d->fn((name##_elem *)elem, d->ctx); \
} \
FBUMP_UNUSED static void name##_drain_tramp_(void *elem, size_t index, \
					      void *ctx) \
{ \
	const struct name##_drain_ctx_ *d = \
		(const struct name##_drain_ctx_ *)ctx; \
	d->fn((name##_elem *)elem, name##_idx_make(index), d->ctx); \
} \
/* the configuration: cfg (NULL = defaults) with the element size and \
 * alignment of the type and the typed destructor */ \
FBUMP_UNUSED static inline struct fbump_config \
name##_config_(const struct fbump_config *cfg, const name##_dtor *dtor) \
{ \
	struct fbump_config c = FBUMP_CONFIG_INIT(name##_elem); \
	if (cfg != NULL) { \
		c = *cfg; \
		c.struct_size = sizeof c; \
		c.elem_size = sizeof(name##_elem); \
		c.elem_align = FBUMP_ALIGNOF(name##_elem); \
	} \
	c.destructor = NULL; \
	c.destructor_ctx = NULL; \
	if (dtor != NULL && dtor->fn != NULL) { \
		c.destructor = name##_dtor_tramp_; \
		c.destructor_ctx = (void *)(uintptr_t)dtor; \
	} \
	return c; \
} \
FBUMP_UNUSED static inline int name##_create_config(name *out, \
	const struct fbump_config *cfg, const name##_dtor *dtor) \
{ \
	struct fbump_config c = name##_config_(cfg, dtor); \
	out->raw_ = raw_type##_create(&c); \
	return out->raw_ != NULL ? 0 : -1; \
} \
FBUMP_UNUSED static inline int name##_create(name *out, \
					     const name##_dtor *dtor) \
{ \
	return name##_create_config(out, NULL, dtor); \
} \
FBUMP_UNUSED static inline int name##_destroy(name *a) \
{ \
	int e = raw_type##_destroy(a->raw_); \
	if (e == 0) \
		a->raw_ = NULL; \
	return e; \
} \
/* the library's append, given a copy of a small value: the caller's \
 * variable then never escapes into a call, and its compiler may keep it \
 * in a register across a loop of appends.  The copy is the caller's \
 * code: checked by AddressSanitizer only if the caller is built with \
 * it, as for every inline function here. */ \
FBUMP_UNUSED static inline size_t name##_alloc_call_(name *a, \
						     const name##_elem *value) \
{ \
	unsigned char copy_[sizeof(name##_elem) <= 64 ? \
			    sizeof(name##_elem) : 1]; \
	if (value == NULL || sizeof(name##_elem) > 64) \
		return raw_type##_alloc(a->raw_, value); \
	memcpy(copy_, value, sizeof copy_); \
	return raw_type##_alloc(a->raw_, copy_); \
} \
FBUMP_UNUSED static inline name##_idx name##_alloc(name *a, \
						   const name##_elem *value) \
{ \
	size_t i_; \
	if (FBUMP_LIKELY(raw_type##_append_inline_(a->raw_, value, \
						   sizeof(name##_elem), &i_))) \
		return name##_idx_make(i_); \
	return name##_idx_make(name##_alloc_call_(a, value)); \
} \
FBUMP_UNUSED static inline fbump_checkpoint name##_checkpoint(const name *a) \
{ \
	return raw_type##_checkpoint_inline_(a->raw_); \
} \
FBUMP_UNUSED static inline int name##_rollback(name *a, fbump_checkpoint cp) \
{ \
	return raw_type##_rollback(a->raw_, cp); \
} \
FBUMP_UNUSED static inline int name##_reset(name *a) \
{ \
	return raw_type##_reset(a->raw_); \
} \
FBUMP_UNUSED static inline int name##_drain(name *a, name##_drain_fn *fn, \
					    void *ctx) \
{ \
	struct name##_drain_ctx_ d; \
	if (fn == NULL) \
		return raw_type##_drain(a->raw_, NULL, ctx); \
	d.fn = fn; \
	d.ctx = ctx; \
	return raw_type##_drain(a->raw_, name##_drain_tramp_, &d); \
}

/* FBUMP_ARENA_TYPED(name, type): a typed fbump_arena; see fbump_typed(3).
 * FBUMP_ARENA_TYPED_GENERATE: the same after FBUMP_TYPED_IDX(name). */
#define FBUMP_ARENA_TYPED(name, type) \
FBUMP_TYPED_IDX(name); \
FBUMP_ARENA_TYPED_GENERATE(name, type)
#define FBUMP_ARENA_TYPED_GENERATE(name, type) \
FBUMP_TYPED_COMMON_(name, type, fbump_arena) \
FBUMP_UNUSED static inline name##_elem *name##_alloc_uninit(name *a, \
							    name##_idx *idx) \
{ \
	size_t i = FBUMP_NONE; \
	name##_elem *p = (name##_elem *)fbump_arena_alloc_uninit(a->raw_, &i); \
	if (idx != NULL) \
		idx->i = p != NULL ? i : FBUMP_NONE; \
	return p; \
} \
FBUMP_UNUSED static inline name##_idx name##_alloc_extend(name *a, \
	const name##_elem *values, size_t n) \
{ \
	return name##_idx_make(fbump_arena_alloc_extend(a->raw_, values, n)); \
} \
FBUMP_UNUSED static inline name##_elem *name##_get(const name *a, \
						   name##_idx idx) \
{ \
	return (name##_elem *)fbump_arena_get(a->raw_, idx.i); \
} \
FBUMP_UNUSED static inline name##_elem *name##_try_get(const name *a, \
						       name##_idx idx) \
{ \
	return (name##_elem *)fbump_arena_try_get(a->raw_, idx.i); \
} \
FBUMP_UNUSED static inline size_t name##_len(const name *a) \
{ \
	return fbump_arena_len(a->raw_); \
} \
FBUMP_UNUSED static inline int name##_is_empty(const name *a) \
{ \
	return fbump_arena_is_empty(a->raw_); \
} \
FBUMP_UNUSED static inline name##_elem *name##_data(const name *a) \
{ \
	return (name##_elem *)fbump_arena_data(a->raw_); \
} \
FBUMP_UNUSED static inline size_t name##_capacity(const name *a) \
{ \
	return fbump_arena_capacity(a->raw_); \
} \
FBUMP_UNUSED static inline int name##_reserve(name *a, size_t additional) \
{ \
	return fbump_arena_reserve(a->raw_, additional); \
} \
FBUMP_UNUSED static inline int name##_shrink_to_fit(name *a) \
{ \
	return fbump_arena_shrink_to_fit(a->raw_); \
} \
/* FBUMP_TYPED_FOREACH helpers: the length is re-read at every step */ \
FBUMP_UNUSED static inline size_t name##_iter_n_(const name *a) \
{ \
	(void)a; \
	return 0; \
} \
FBUMP_UNUSED static inline name##_elem *name##_iter_(const name *a, \
						     size_t i, size_t n) \
{ \
	(void)n; \
	return i < fbump_arena_len(a->raw_) ? \
		(name##_elem *)fbump_arena_get(a->raw_, i) : NULL; \
} \
struct name

/* FBUMP_FASTARENA_TYPED(name, type): a typed fbump_fastarena; see
 * fbump_typed(3).  FBUMP_FASTARENA_TYPED_GENERATE: the same after
 * FBUMP_TYPED_IDX(name). */
#define FBUMP_FASTARENA_TYPED(name, type) \
FBUMP_TYPED_IDX(name); \
FBUMP_FASTARENA_TYPED_GENERATE(name, type)
#define FBUMP_FASTARENA_TYPED_GENERATE(name, type) \
FBUMP_TYPED_COMMON_(name, type, fbump_fastarena) \
FBUMP_UNUSED static inline name##_elem *name##_alloc_begin(name *a, \
							   name##_idx *idx) \
{ \
	size_t i = FBUMP_NONE; \
	name##_elem *p = (name##_elem *)fbump_fastarena_alloc_begin(a->raw_, \
		idx != NULL ? &i : NULL); \
	if (idx != NULL) \
		idx->i = p != NULL ? i : FBUMP_NONE; \
	return p; \
} \
FBUMP_UNUSED static inline int name##_alloc_publish(name *a, name##_idx idx) \
{ \
	return fbump_fastarena_alloc_publish(a->raw_, idx.i); \
} \
FBUMP_UNUSED static inline name##_idx name##_alloc_extend(name *a, \
	const name##_elem *values, size_t n) \
{ \
	return name##_idx_make(fbump_fastarena_alloc_extend(a->raw_, values, \
							    n)); \
} \
FBUMP_UNUSED static inline name##_elem *name##_get(const name *a, \
						   name##_idx idx) \
{ \
	return (name##_elem *)fbump_fastarena_get(a->raw_, idx.i); \
} \
FBUMP_UNUSED static inline name##_elem *name##_try_get(const name *a, \
						       name##_idx idx) \
{ \
	return (name##_elem *)fbump_fastarena_try_get(a->raw_, idx.i); \
} \
FBUMP_UNUSED static inline size_t name##_len(const name *a) \
{ \
	return fbump_fastarena_len(a->raw_); \
} \
FBUMP_UNUSED static inline int name##_is_empty(const name *a) \
{ \
	return fbump_fastarena_len(a->raw_) == 0; \
} \
FBUMP_UNUSED static inline name##_elem *name##_data(const name *a) \
{ \
	return (name##_elem *)fbump_fastarena_data(a->raw_); \
} \
FBUMP_UNUSED static inline size_t name##_capacity(const name *a) \
{ \
	return fbump_fastarena_capacity(a->raw_); \
} \
FBUMP_UNUSED static inline int name##_stats(const name *a, \
	struct fbump_fastarena_stats *stats) \
{ \
	return fbump_fastarena_stats(a->raw_, stats); \
} \
/* FBUMP_TYPED_FOREACH helpers: the published length is read once */ \
FBUMP_UNUSED static inline size_t name##_iter_n_(const name *a) \
{ \
	return fbump_fastarena_len(a->raw_); \
} \
FBUMP_UNUSED static inline name##_elem *name##_iter_(const name *a, \
						     size_t i, size_t n) \
{ \
	return i < n ? (name##_elem *)fbump_fastarena_data(a->raw_) + i : NULL; \
} \
struct name

/* for each element of a typed arena 'arena' (a 'name *'), in order: 'var'
 * is a 'name_elem *'.  fbump_arena kinds re-read the length at every step,
 * fbump_fastarena kinds read the published length once.  break and
 * continue work as in any loop. */
#define FBUMP_TYPED_FOREACH(name, var, arena) \
	for (size_t var##_i_ = 0, var##_n_ = name##_iter_n_(arena); \
	     var##_i_ != FBUMP_NONE; var##_i_ = FBUMP_NONE) \
		for (name##_elem *var; \
		     (var = name##_iter_(arena, var##_i_, var##_n_)) != NULL; \
		     var##_i_++)

/* ---- End of the typed layer --------------------------------------------- */

#ifdef __cplusplus
}
#endif

#endif /* FASTBUMP_H */
