/* SPDX-License-Identifier: Apache-2.0 */
/*
 * check_badinput.c - every public function of both arena kinds, fed bad
 * input, one table row per case (doc/errors.md is the specification):
 *
 *   { function, bad input, arena kind, state, call thunk,
 *     expected return, expected errno per storage pass }
 *
 * Each row runs in a fresh environment: an fbump_arena and an
 * fbump_fastarena holding KEY(0..2), a second arena of each kind (for
 * foreign checkpoints), all on the counting allocator of testutil.h.  The
 * state says where the call is made from:
 *
 *   S_PLAIN     the test itself
 *   S_INFLIGHT  the fastarena has a writer in flight (alloc_begin, not yet
 *               published)
 *   S_DTOR      the destructor run by a rollback of the target arena
 *   S_DRAIN     the callback of a drain of the target arena
 *   S_DESTROY   the destructor run by destroying the target arena
 *
 * After the call: the return value and errno (a sentinel when the row
 * expects none to be set); then nothing changed (length, contents,
 * capacity, slice, no destructor run); then every arena still works
 * (allocate, read back); then destroy all, and the counting allocator must
 * show no leak and no misuse.  The table runs once per storage pass
 * (VM capped, FIXED, REALLOC / VM with the default reservation).
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fastbump.h"
#include "testutil.h"

#if defined(__SANITIZE_ADDRESS__)
# define BADINPUT_ASAN 1
#elif defined(__has_feature)
# if __has_feature(address_sanitizer)
#  define BADINPUT_ASAN 1
# endif
#endif
#if defined(__SANITIZE_THREAD__)
# define BADINPUT_TSAN 1
#elif defined(__has_feature)
# if __has_feature(thread_sanitizer)
#  define BADINPUT_TSAN 1
# endif
#endif

#ifdef BADINPUT_ASAN
/* Some rows ask the allocator for nearly PTRDIFF_MAX bytes and expect
 * ENOMEM: ASan must return NULL, as malloc does, not abort. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "allocator_may_return_null=1";
}
#endif
#ifdef BADINPUT_TSAN
/* The same for ThreadSanitizer's allocator. */
const char *__tsan_default_options(void);
const char *__tsan_default_options(void)
{
	return "allocator_may_return_null=1";
}
#endif

/* ---- storage passes ------------------------------------------------------ */

#define N_PASSES 3

/* Elements of capped VM arenas: 512 KiB, more than the first 64 KiB
 * commit, so that a large reserve must commit again. */
#define VM_CAP 65536
#define FIXED_CAP 64
#define REALLOC_INITIAL 16
/* the "default reservation" pass under valgrind */
#define VM_SMALL_CAP ((size_t)1 << 20)

static const char *const pass_names[N_PASSES] = {
	"vm-capped", "fixed", "realloc (arena) / vm-default (fastarena)"
};

static void pass_storage(int pass, bool fast, unsigned int *storage,
			 size_t *capacity)
{
	switch (pass) {
	case 0:
		*storage = FBUMP_STORAGE_VM;
		*capacity = VM_CAP;
		break;
	case 1:
		*storage = FBUMP_STORAGE_FIXED;
		*capacity = FIXED_CAP;
		break;
	default:
		*storage = fast ? FBUMP_STORAGE_VM : FBUMP_STORAGE_REALLOC;
		*capacity = fast ? (tu_small() ? VM_SMALL_CAP : 0)
				 : REALLOC_INITIAL;
		break;
	}
}

/* ---- the environment of one row ------------------------------------------ */

#define BASE_LEN 3		/* elements in every arena of the environment */
#define KEY(i) (1000L + 7L * (long)(i))
#define ERRNO_SENTINEL 4242	/* no errno value has this number */

struct row;

struct env {
	int pass;
	const struct row *row;
	fbump_arena *a, *a2;		/* a: the target of arena rows */
	fbump_fastarena *f, *f2;	/* f: the target of fastarena rows */
	fbump_checkpoint cp_a0, cp_f0;	/* valid, at length 0 */
	fbump_checkpoint cp_a3, cp_f3;	/* valid, at length BASE_LEN */
	fbump_checkpoint cp_dead;	/* of an arena destroyed since */
	size_t inflight;		/* S_INFLIGHT: the index begun */
	long *inflight_slot;
	/* callbacks */
	bool pending;			/* run the row from the next callback */
	long dtor_calls, drain_calls;
	/* the outcome */
	bool ran;
	uintmax_t ret;
	int err;
};

static const long one_value = 77;
static long values[16];			/* never read by a failing call */

/* ---- the table ------------------------------------------------------------ */

enum target { T_NONE, T_ARENA, T_FAST };
enum state { S_PLAIN, S_INFLIGHT, S_DTOR, S_DRAIN, S_DESTROY };
/* what the function returns */
enum rtype { RT_INDEX, RT_PTR, RT_STATUS, RT_SIZE, RT_CKPT, RT_UINT };
/* what it must return:
 *   X_FAIL      the failure value: FBUMP_NONE, NULL, the errno value, 0,
 *               the checkpoint {0, 0}
 *   X_VALUE     exactly 'value'
 *   X_NONZERO   anything but 0 / NULL / {0, 0} */
enum expect { X_FAIL, X_VALUE, X_NONZERO };

#define UNCHANGED (-1)	/* errno must not be set */
#define SKIP (-2)	/* row does not apply to this pass */

struct row {
	const char *func;
	const char *what;
	enum target target;
	enum state state;
	uintmax_t (*call)(struct env *e);
	enum rtype rtype;
	enum expect expect;
	uintmax_t value;
	int err[N_PASSES];	/* per pass */
	unsigned int fault;	/* TU_FAULT_* armed just for the call */
	long fault_k;
	void (*mod)(struct fbump_config *cfg);	/* create rows */
};

#define E3(e) { (e), (e), (e) }
#define FAILS(e) X_FAIL, 0, E3(e)
#define FAILS3(vm, fixed, third) X_FAIL, 0, { (vm), (fixed), (third) }
#define RETURNS(v) X_VALUE, (v), E3(UNCHANGED)
#define SUCCEEDS(x) (x), 0, E3(UNCHANGED)

/* ---- helpers for the thunks ---------------------------------------------- */

static uintmax_t ptr_ret(const void *p)
{
	return (uintmax_t)(uintptr_t)p;
}

static uintmax_t cp_ret(fbump_checkpoint cp)
{
	return cp.arena_id == 0 && cp.len == 0 ? 0 : 1;
}

static uintmax_t status_ret(int s)
{
	return (uintmax_t)(unsigned int)s;
}

static fbump_checkpoint cp_make(uint64_t id, size_t len)
{
	fbump_checkpoint cp;

	cp.arena_id = id;
	cp.len = len;
	return cp;
}

static void noop_drain(void *elem, size_t index, void *ctx)
{
	(void)elem;
	(void)index;
	(void)ctx;
}

static void env_dtor(void *elem, void *ctx);
static void env_drain(void *elem, size_t index, void *ctx);
static void run_call(struct env *e);

/* The configuration of the environment's arenas for this pass. */
static struct fbump_config env_config(struct env *e, bool fast)
{
	struct fbump_config cfg = FBUMP_CONFIG_INIT(long);

	cfg.allocator = tu_allocator();
	cfg.destructor = env_dtor;
	cfg.destructor_ctx = e;
	pass_storage(e->pass, fast, &cfg.storage, &cfg.capacity);
	return cfg;
}

/* Create rows: the environment's configuration, with the row's change,
 * in a buffer with room for a longer struct_size. */
union big_config {
	struct fbump_config cfg;
	unsigned char bytes[sizeof(struct fbump_config) + 32];
};

static uintmax_t create_modified(struct env *e, bool fast)
{
	union big_config big;

	memset(&big, 0, sizeof(big));
	big.cfg = env_config(e, fast);
	big.cfg.destructor = NULL;	/* nothing to run if it succeeds */
	e->row->mod(&big.cfg);
	if (fast) {
		fbump_fastarena *f = fbump_fastarena_create(&big.cfg);
		int err = errno;

		if (f != NULL)
			(void)fbump_fastarena_destroy(f);
		errno = err;
		return f != NULL;
	} else {
		fbump_arena *a = fbump_arena_create(&big.cfg);
		int err = errno;

		if (a != NULL)
			(void)fbump_arena_destroy(a);
		errno = err;
		return a != NULL;
	}
}

static uintmax_t a_create(struct env *e) { return create_modified(e, false); }
static uintmax_t f_create(struct env *e) { return create_modified(e, true); }

/* the changes */
static void m_none(struct fbump_config *c) { (void)c; }
static void m_size0(struct fbump_config *c) { c->struct_size = 0; }
static void m_size_short(struct fbump_config *c) { c->struct_size--; }
static void m_tail(struct fbump_config *c)
{
	c->struct_size = sizeof(union big_config);
	((unsigned char *)c)[sizeof(*c) + 5] = 1;
}
static void m_elem0(struct fbump_config *c) { c->elem_size = 0; }
static void m_align3(struct fbump_config *c) { c->elem_align = 3; }
static void m_align24(struct fbump_config *c) { c->elem_align = 24; }
static void m_align_max(struct fbump_config *c) { c->elem_align = SIZE_MAX; }
static void m_align_top_plus(struct fbump_config *c)
{
	c->elem_align = (SIZE_MAX >> 1) + 2;	/* 2^63 + 1 */
}
static void m_stride_overflow(struct fbump_config *c)
{
	c->elem_align = (SIZE_MAX >> 1) + 1;	/* 2^63: a power of two */
	c->elem_size = c->elem_align + 1;	/* rounds up past SIZE_MAX */
}
static void m_elem_max(struct fbump_config *c)
{
	c->elem_size = SIZE_MAX;		/* default alignment: overflows */
	c->elem_align = 0;
}
static void m_elem_max_align1(struct fbump_config *c)
{
	c->elem_size = SIZE_MAX;		/* stride SIZE_MAX ... */
	c->elem_align = 1;
	c->capacity = 2;			/* ... times 2 overflows */
	if (c->storage == FBUMP_STORAGE_REALLOC)
		c->storage = FBUMP_STORAGE_VM;
}
static void m_storage3(struct fbump_config *c) { c->storage = 3; }
static void m_storage_max(struct fbump_config *c) { c->storage = UINT_MAX; }
static void m_flags(struct fbump_config *c) { c->flags = 1; }
static void m_flags_top(struct fbump_config *c) { c->flags = 1u << 31; }

static struct fbump_allocator half_allocator;
static void m_no_alloc(struct fbump_config *c)
{
	half_allocator = *tu_allocator();
	half_allocator.alloc = NULL;
	c->allocator = &half_allocator;
}
static void m_no_realloc(struct fbump_config *c)
{
	half_allocator = *tu_allocator();
	half_allocator.realloc = NULL;
	c->allocator = &half_allocator;
}
static void m_no_free(struct fbump_config *c)
{
	half_allocator = *tu_allocator();
	half_allocator.free = NULL;
	c->allocator = &half_allocator;
}
static void m_fixed_cap0(struct fbump_config *c)
{
	c->storage = FBUMP_STORAGE_FIXED;
	c->capacity = 0;
}
static void m_realloc(struct fbump_config *c)
{
	c->storage = FBUMP_STORAGE_REALLOC;
}
static void m_cap_max(struct fbump_config *c)
{
	c->capacity = SIZE_MAX;
}
static void m_cap_mul_overflow(struct fbump_config *c)
{
	c->capacity = SIZE_MAX / sizeof(long) + 1;	/* * 8 wraps */
}
static void m_cap_past_ptrdiff(struct fbump_config *c)
{
	/* capacity * stride fits size_t but exceeds PTRDIFF_MAX */
	c->capacity = (size_t)PTRDIFF_MAX / sizeof(long) + 1;
}
#if SIZE_MAX > 0xffffffffu	/* used only where the block cannot exist */
static void m_fixed_near_ptrdiff(struct fbump_config *c)
{
	/* a FIXED block of PTRDIFF_MAX - 1 MiB bytes: representable, but
	 * no allocator can provide it */
	c->storage = FBUMP_STORAGE_FIXED;
	c->elem_size = 1;
	c->elem_align = 1;
	c->capacity = (size_t)PTRDIFF_MAX - ((size_t)1 << 20);
}
#endif
static void m_fixed(struct fbump_config *c)
{
	c->storage = FBUMP_STORAGE_FIXED;
	c->capacity = FIXED_CAP;
}
static void m_vm(struct fbump_config *c)
{
	c->storage = FBUMP_STORAGE_VM;
	c->capacity = VM_CAP;
}

static uintmax_t a_create_null(struct env *e)
{
	(void)e;
	return ptr_ret(fbump_arena_create(NULL));
}

static uintmax_t f_create_null(struct env *e)
{
	(void)e;
	return ptr_ret(fbump_fastarena_create(NULL));
}

/* An arena whose element is larger than its whole VM reservation: created
 * (the stride is representable), but no element ever fits. */
static uintmax_t a_alloc_huge_elem(struct env *e)
{
	struct fbump_config cfg = env_config(e, false);
	fbump_arena *a;
	uintmax_t r;
	int err;

	cfg.destructor = NULL;
	cfg.storage = FBUMP_STORAGE_VM;
	cfg.capacity = 0;
	cfg.elem_size = (size_t)1 << (sizeof(size_t) * 8 - 2);
	cfg.elem_align = 1;
	a = fbump_arena_create(&cfg);
	if (a == NULL)
		return 1;	/* not the expected FBUMP_NONE */
	errno = ERRNO_SENTINEL;
	r = fbump_arena_alloc(a, values);	/* fails before any copy */
	err = errno;
	(void)fbump_arena_destroy(a);
	errno = err;
	return r;
}

static uintmax_t f_alloc_huge_elem(struct env *e)
{
	struct fbump_config cfg = env_config(e, true);
	fbump_fastarena *f;
	uintmax_t r;
	int err;

	cfg.destructor = NULL;
	cfg.storage = FBUMP_STORAGE_VM;
	cfg.capacity = 0;
	cfg.elem_size = (size_t)1 << (sizeof(size_t) * 8 - 2);
	cfg.elem_align = 1;
	f = fbump_fastarena_create(&cfg);
	if (f == NULL)
		return 1;
	errno = ERRNO_SENTINEL;
	r = fbump_fastarena_alloc(f, values);
	err = errno;
	(void)fbump_fastarena_destroy(f);
	errno = err;
	return r;
}

/* ---- thunks: fbump_version and fbump_arena -------------------------------- */

static uintmax_t version(struct env *e)
{
	(void)e;
	return fbump_version();
}

static uintmax_t a_destroy_null(struct env *e)
{
	(void)e;
	return status_ret(fbump_arena_destroy(NULL));
}

static uintmax_t a_destroy(struct env *e)
{
	return status_ret(fbump_arena_destroy(e->a));
}

static uintmax_t a_alloc_null_arena(struct env *e)
{
	(void)e;
	return fbump_arena_alloc(NULL, &one_value);
}

static uintmax_t a_alloc_null_value(struct env *e)
{
	return fbump_arena_alloc(e->a, NULL);
}

static uintmax_t a_alloc_null_both(struct env *e)
{
	(void)e;
	return fbump_arena_alloc(NULL, NULL);
}

static uintmax_t a_alloc(struct env *e)
{
	return fbump_arena_alloc(e->a, &one_value);
}

static uintmax_t a_uninit_null(struct env *e)
{
	size_t i = 0;

	(void)e;
	return ptr_ret(fbump_arena_alloc_uninit(NULL, &i));
}

static uintmax_t a_uninit_null_both(struct env *e)
{
	(void)e;
	return ptr_ret(fbump_arena_alloc_uninit(NULL, NULL));
}

static uintmax_t a_uninit(struct env *e)
{
	size_t i = 0;

	return ptr_ret(fbump_arena_alloc_uninit(e->a, &i));
}

static uintmax_t a_uninit_null_index(struct env *e)
{
	return ptr_ret(fbump_arena_alloc_uninit(e->a, NULL));
}

static uintmax_t a_extend_null_arena(struct env *e)
{
	(void)e;
	return fbump_arena_alloc_extend(NULL, values, 1);
}

static uintmax_t a_extend_null_arena_n0(struct env *e)
{
	(void)e;
	return fbump_arena_alloc_extend(NULL, NULL, 0);
}

static uintmax_t a_extend_null_values(struct env *e)
{
	return fbump_arena_alloc_extend(e->a, NULL, 1);
}

static uintmax_t a_extend_null_values_max(struct env *e)
{
	return fbump_arena_alloc_extend(e->a, NULL, SIZE_MAX);
}

static uintmax_t a_extend_n0(struct env *e)
{
	return fbump_arena_alloc_extend(e->a, NULL, 0);
}

static uintmax_t a_extend_n0_values(struct env *e)
{
	return fbump_arena_alloc_extend(e->a, values, 0);
}

static uintmax_t a_extend_max(struct env *e)
{
	return fbump_arena_alloc_extend(e->a, values, SIZE_MAX);
}

static uintmax_t a_extend_len_wraps(struct env *e)
{
	/* len + n == SIZE_MAX + 1 */
	return fbump_arena_alloc_extend(e->a, values,
					SIZE_MAX - fbump_arena_len(e->a) + 1);
}

static uintmax_t a_extend_len_max(struct env *e)
{
	/* len + n == SIZE_MAX: the length fits, its bytes do not */
	return fbump_arena_alloc_extend(e->a, values,
					SIZE_MAX - fbump_arena_len(e->a));
}

static uintmax_t a_extend_bytes_wrap(struct env *e)
{
	return fbump_arena_alloc_extend(e->a, values,
					SIZE_MAX / sizeof(long) + 1);
}

static uintmax_t a_extend_bytes_wrap_len(struct env *e)
{
	/* n * stride fits, (len + n) * stride does not */
	return fbump_arena_alloc_extend(e->a, values, SIZE_MAX / sizeof(long));
}

static uintmax_t a_extend_ptrdiff(struct env *e)
{
	return fbump_arena_alloc_extend(e->a, values,
					(size_t)PTRDIFF_MAX / sizeof(long));
}

static uintmax_t a_extend_one_too_many(struct env *e)
{
	size_t room = (e->pass == 0 ? VM_CAP : FIXED_CAP) -
		      fbump_arena_len(e->a);

	return fbump_arena_alloc_extend(e->a, values, room + 1);
}

/* Elements enough to need more than the first 64 KiB commit of a VM
 * arena, whatever the size of a long (and fewer than VM_CAP). */
#define GROW_N ((size_t)(80 << 10) / sizeof(long) + 1)
static long big_values[GROW_N];

static uintmax_t a_extend_grow(struct env *e)
{
	return fbump_arena_alloc_extend(e->a, big_values, GROW_N);
}

static uintmax_t a_extend(struct env *e)
{
	return fbump_arena_alloc_extend(e->a, values, 2);
}

static uintmax_t a_try_get_null(struct env *e)
{
	(void)e;
	return ptr_ret(fbump_arena_try_get(NULL, 0));
}

static uintmax_t a_try_get_len(struct env *e)
{
	return ptr_ret(fbump_arena_try_get(e->a, fbump_arena_len(e->a)));
}

static uintmax_t a_try_get_max(struct env *e)
{
	return ptr_ret(fbump_arena_try_get(e->a, SIZE_MAX));
}

static uintmax_t a_try_get_0(struct env *e)
{
	return ptr_ret(fbump_arena_try_get(e->a, 0));
}

static uintmax_t a_try_get_destroyed(struct env *e)
{
	/* in the destructor of a rollback: the element being destroyed is
	 * already past the length */
	return ptr_ret(fbump_arena_try_get(e->a, BASE_LEN - 1));
}

static uintmax_t a_capacity_null(struct env *e)
{
	(void)e;
	return fbump_arena_capacity(NULL);
}

static uintmax_t a_capacity(struct env *e)
{
	return fbump_arena_capacity(e->a) >= fbump_arena_len(e->a);
}

static uintmax_t a_reserve_null(struct env *e)
{
	(void)e;
	return status_ret(fbump_arena_reserve(NULL, 1));
}

static uintmax_t a_reserve_max(struct env *e)
{
	return status_ret(fbump_arena_reserve(e->a, SIZE_MAX));
}

static uintmax_t a_reserve_len_wraps(struct env *e)
{
	return status_ret(fbump_arena_reserve(e->a,
					      SIZE_MAX - fbump_arena_len(e->a) + 1));
}

static uintmax_t a_reserve_bytes_wrap(struct env *e)
{
	return status_ret(fbump_arena_reserve(e->a, SIZE_MAX / sizeof(long)));
}

static uintmax_t a_reserve_ptrdiff(struct env *e)
{
	return status_ret(fbump_arena_reserve(e->a,
					      (size_t)PTRDIFF_MAX / sizeof(long)));
}

static uintmax_t a_reserve_grow(struct env *e)
{
	return status_ret(fbump_arena_reserve(e->a, GROW_N));
}

static uintmax_t a_reserve_0(struct env *e)
{
	return status_ret(fbump_arena_reserve(e->a, 0));
}

static uintmax_t a_reserve_1(struct env *e)
{
	return status_ret(fbump_arena_reserve(e->a, 1));
}

static uintmax_t a_shrink_null(struct env *e)
{
	(void)e;
	return status_ret(fbump_arena_shrink_to_fit(NULL));
}

static uintmax_t a_shrink(struct env *e)
{
	return status_ret(fbump_arena_shrink_to_fit(e->a));
}

static uintmax_t a_checkpoint_null(struct env *e)
{
	(void)e;
	return cp_ret(fbump_arena_checkpoint(NULL));
}

static uintmax_t a_checkpoint(struct env *e)
{
	return cp_ret(fbump_arena_checkpoint(e->a));
}

static uintmax_t a_rollback_null(struct env *e)
{
	return status_ret(fbump_arena_rollback(NULL, e->cp_a0));
}

static uintmax_t a_rollback_zero_cp(struct env *e)
{
	return status_ret(fbump_arena_rollback(e->a, cp_make(0, 0)));
}

/* e->a2 never gave out a checkpoint: its identity is not drawn yet */
static uintmax_t a_rollback_zero_cp_unchecked(struct env *e)
{
	return status_ret(fbump_arena_rollback(e->a2, cp_make(0, 0)));
}

static uintmax_t a_rollback_other(struct env *e)
{
	return status_ret(fbump_arena_rollback(e->a,
					       fbump_arena_checkpoint(e->a2)));
}

static uintmax_t a_rollback_fast_cp(struct env *e)
{
	return status_ret(fbump_arena_rollback(e->a, e->cp_f0));
}

static uintmax_t a_rollback_dead(struct env *e)
{
	return status_ret(fbump_arena_rollback(e->a, e->cp_dead));
}

static uintmax_t a_rollback_beyond(struct env *e)
{
	return status_ret(fbump_arena_rollback(e->a,
		cp_make(e->cp_a0.arena_id, fbump_arena_len(e->a) + 1)));
}

static uintmax_t a_rollback_max(struct env *e)
{
	return status_ret(fbump_arena_rollback(e->a,
					       cp_make(e->cp_a0.arena_id, SIZE_MAX)));
}

static uintmax_t a_rollback_0(struct env *e)
{
	return status_ret(fbump_arena_rollback(e->a, e->cp_a0));
}

static uintmax_t a_reset_null(struct env *e)
{
	(void)e;
	return status_ret(fbump_arena_reset(NULL));
}

static uintmax_t a_reset(struct env *e)
{
	return status_ret(fbump_arena_reset(e->a));
}

static uintmax_t a_drain_null(struct env *e)
{
	(void)e;
	return status_ret(fbump_arena_drain(NULL, noop_drain, NULL));
}

static uintmax_t a_drain_null_fn(struct env *e)
{
	return status_ret(fbump_arena_drain(e->a, NULL, NULL));
}

static uintmax_t a_drain_null_both(struct env *e)
{
	(void)e;
	return status_ret(fbump_arena_drain(NULL, NULL, NULL));
}

static uintmax_t a_drain(struct env *e)
{
	return status_ret(fbump_arena_drain(e->a, noop_drain, NULL));
}

/* ---- thunks: fbump_fastarena ---------------------------------------------- */

static uintmax_t f_destroy_null(struct env *e)
{
	(void)e;
	return status_ret(fbump_fastarena_destroy(NULL));
}

static uintmax_t f_destroy(struct env *e)
{
	return status_ret(fbump_fastarena_destroy(e->f));
}

static uintmax_t f_alloc_null_arena(struct env *e)
{
	(void)e;
	return fbump_fastarena_alloc(NULL, &one_value);
}

static uintmax_t f_alloc_null_value(struct env *e)
{
	return fbump_fastarena_alloc(e->f, NULL);
}

static uintmax_t f_alloc_null_both(struct env *e)
{
	(void)e;
	return fbump_fastarena_alloc(NULL, NULL);
}

static uintmax_t f_alloc(struct env *e)
{
	return fbump_fastarena_alloc(e->f, &one_value);
}

static uintmax_t f_begin_null_arena(struct env *e)
{
	size_t i = 0;

	(void)e;
	return ptr_ret(fbump_fastarena_alloc_begin(NULL, &i));
}

static uintmax_t f_begin_null_index(struct env *e)
{
	return ptr_ret(fbump_fastarena_alloc_begin(e->f, NULL));
}

static uintmax_t f_begin_null_both(struct env *e)
{
	(void)e;
	return ptr_ret(fbump_fastarena_alloc_begin(NULL, NULL));
}

static uintmax_t f_begin(struct env *e)
{
	size_t i = 0;

	return ptr_ret(fbump_fastarena_alloc_begin(e->f, &i));
}

static uintmax_t f_publish_null(struct env *e)
{
	(void)e;
	return status_ret(fbump_fastarena_alloc_publish(NULL, 0));
}

static uintmax_t f_publish_published(struct env *e)
{
	return status_ret(fbump_fastarena_alloc_publish(e->f, 0));
}

static uintmax_t f_publish_last_published(struct env *e)
{
	return status_ret(fbump_fastarena_alloc_publish(e->f, BASE_LEN - 1));
}

static uintmax_t f_publish_not_handed_out(struct env *e)
{
	return status_ret(fbump_fastarena_alloc_publish(e->f,
		fbump_fastarena_alloc_extend(e->f, NULL, 0)));
}

static uintmax_t f_publish_max(struct env *e)
{
	return status_ret(fbump_fastarena_alloc_publish(e->f, SIZE_MAX));
}

static uintmax_t f_extend_null_arena(struct env *e)
{
	(void)e;
	return fbump_fastarena_alloc_extend(NULL, values, 1);
}

static uintmax_t f_extend_null_arena_n0(struct env *e)
{
	(void)e;
	return fbump_fastarena_alloc_extend(NULL, NULL, 0);
}

static uintmax_t f_extend_null_values(struct env *e)
{
	return fbump_fastarena_alloc_extend(e->f, NULL, 1);
}

static uintmax_t f_extend_null_values_max(struct env *e)
{
	return fbump_fastarena_alloc_extend(e->f, NULL, SIZE_MAX);
}

static uintmax_t f_extend_n0(struct env *e)
{
	return fbump_fastarena_alloc_extend(e->f, NULL, 0);
}

static uintmax_t f_extend_max(struct env *e)
{
	return fbump_fastarena_alloc_extend(e->f, values, SIZE_MAX);
}

static uintmax_t f_extend_top_bit(struct env *e)
{
	return fbump_fastarena_alloc_extend(e->f, values,
					    (SIZE_MAX >> 1) + 1);
}

static uintmax_t f_extend_bytes_wrap(struct env *e)
{
	return fbump_fastarena_alloc_extend(e->f, values,
					    SIZE_MAX / sizeof(long) + 1);
}

static uintmax_t f_extend_bytes_max(struct env *e)
{
	/* n * stride fits size_t: representable, far beyond capacity */
	return fbump_fastarena_alloc_extend(e->f, values,
					    SIZE_MAX / sizeof(long));
}

static uintmax_t f_extend_ptrdiff(struct env *e)
{
	return fbump_fastarena_alloc_extend(e->f, values,
					    (size_t)PTRDIFF_MAX / sizeof(long));
}

/* alloc_extend on a fresh fastarena of 1-byte elements, where n bytes
 * never overflow and only the slot count can be too large. */
static uintmax_t extend_bytes(struct env *e, size_t n)
{
	struct fbump_config cfg = env_config(e, true);
	fbump_fastarena *f;
	uintmax_t r;
	int err;

	cfg.destructor = NULL;
	cfg.elem_size = 1;
	cfg.elem_align = 1;
	cfg.capacity = FIXED_CAP;
	f = fbump_fastarena_create(&cfg);
	if (f == NULL)
		return 1;	/* not the expected FBUMP_NONE */
	errno = ERRNO_SENTINEL;
	r = fbump_fastarena_alloc_extend(f, values, n);
	err = errno;
	(void)fbump_fastarena_destroy(f);
	errno = err;
	return r;
}

static uintmax_t f_extend_stride1_top_bit(struct env *e)
{
	return extend_bytes(e, (SIZE_MAX >> 1) + 1);
}

static uintmax_t f_extend_stride1_below_top_bit(struct env *e)
{
	return extend_bytes(e, SIZE_MAX >> 1);
}

static uintmax_t f_extend_one_too_many(struct env *e)
{
	size_t room = fbump_fastarena_capacity(e->f) -
		      fbump_fastarena_alloc_extend(e->f, NULL, 0);

	return fbump_fastarena_alloc_extend(e->f, values, room + 1);
}

static uintmax_t f_extend_grow(struct env *e)
{
	return fbump_fastarena_alloc_extend(e->f, big_values, GROW_N);
}

static uintmax_t f_extend(struct env *e)
{
	return fbump_fastarena_alloc_extend(e->f, values, 2);
}

static uintmax_t f_try_get_null(struct env *e)
{
	(void)e;
	return ptr_ret(fbump_fastarena_try_get(NULL, 0));
}

static uintmax_t f_try_get_reserved(struct env *e)
{
	return ptr_ret(fbump_fastarena_try_get(e->f,
		fbump_fastarena_alloc_extend(e->f, NULL, 0)));
}

static uintmax_t f_try_get_max(struct env *e)
{
	return ptr_ret(fbump_fastarena_try_get(e->f, SIZE_MAX));
}

static uintmax_t f_try_get_inflight(struct env *e)
{
	return ptr_ret(fbump_fastarena_try_get(e->f, e->inflight));
}

static uintmax_t f_try_get_destroyed(struct env *e)
{
	return ptr_ret(fbump_fastarena_try_get(e->f, BASE_LEN - 1));
}

static uintmax_t f_try_get_0(struct env *e)
{
	return ptr_ret(fbump_fastarena_try_get(e->f, 0));
}

static uintmax_t f_len_null(struct env *e)
{
	(void)e;
	return fbump_fastarena_len(NULL);
}

static uintmax_t f_len(struct env *e)
{
	return fbump_fastarena_len(e->f);
}

static uintmax_t f_capacity_null(struct env *e)
{
	(void)e;
	return fbump_fastarena_capacity(NULL);
}

static uintmax_t f_capacity(struct env *e)
{
	return fbump_fastarena_capacity(e->f) >= BASE_LEN;
}

static uintmax_t f_stats_null(struct env *e)
{
	struct fbump_fastarena_stats st;

	(void)e;
	return status_ret(fbump_fastarena_stats(NULL, &st));
}

static uintmax_t f_stats_null_out(struct env *e)
{
	return status_ret(fbump_fastarena_stats(e->f, NULL));
}

static uintmax_t f_stats_null_both(struct env *e)
{
	(void)e;
	return status_ret(fbump_fastarena_stats(NULL, NULL));
}

static uintmax_t f_stats(struct env *e)
{
	struct fbump_fastarena_stats st;

	return status_ret(fbump_fastarena_stats(e->f, &st));
}

static uintmax_t f_checkpoint_null(struct env *e)
{
	(void)e;
	return cp_ret(fbump_fastarena_checkpoint(NULL));
}

static uintmax_t f_checkpoint(struct env *e)
{
	return cp_ret(fbump_fastarena_checkpoint(e->f));
}

static uintmax_t f_rollback_null(struct env *e)
{
	return status_ret(fbump_fastarena_rollback(NULL, e->cp_f0));
}

static uintmax_t f_rollback_zero_cp(struct env *e)
{
	return status_ret(fbump_fastarena_rollback(e->f, cp_make(0, 0)));
}

static uintmax_t f_rollback_other(struct env *e)
{
	return status_ret(fbump_fastarena_rollback(e->f,
					fbump_fastarena_checkpoint(e->f2)));
}

static uintmax_t f_rollback_arena_cp(struct env *e)
{
	return status_ret(fbump_fastarena_rollback(e->f, e->cp_a0));
}

static uintmax_t f_rollback_dead(struct env *e)
{
	return status_ret(fbump_fastarena_rollback(e->f, e->cp_dead));
}

static uintmax_t f_rollback_beyond(struct env *e)
{
	return status_ret(fbump_fastarena_rollback(e->f,
		cp_make(e->cp_f0.arena_id, fbump_fastarena_len(e->f) + 1)));
}

static uintmax_t f_rollback_max(struct env *e)
{
	return status_ret(fbump_fastarena_rollback(e->f,
					cp_make(e->cp_f0.arena_id, SIZE_MAX)));
}

static uintmax_t f_rollback_0(struct env *e)
{
	return status_ret(fbump_fastarena_rollback(e->f, e->cp_f0));
}

static uintmax_t f_rollback_3(struct env *e)
{
	return status_ret(fbump_fastarena_rollback(e->f, e->cp_f3));
}

static uintmax_t f_reset_null(struct env *e)
{
	(void)e;
	return status_ret(fbump_fastarena_reset(NULL));
}

static uintmax_t f_reset(struct env *e)
{
	return status_ret(fbump_fastarena_reset(e->f));
}

static uintmax_t f_drain_null(struct env *e)
{
	(void)e;
	return status_ret(fbump_fastarena_drain(NULL, noop_drain, NULL));
}

static uintmax_t f_drain_null_fn(struct env *e)
{
	return status_ret(fbump_fastarena_drain(e->f, NULL, NULL));
}

static uintmax_t f_drain_null_both(struct env *e)
{
	(void)e;
	return status_ret(fbump_fastarena_drain(NULL, NULL, NULL));
}

static uintmax_t f_drain(struct env *e)
{
	return status_ret(fbump_fastarena_drain(e->f, noop_drain, NULL));
}

/* ---- the rows -------------------------------------------------------------- */

#define A T_ARENA
#define F T_FAST
#define N T_NONE

/* CREATE(func, thunk, what, mod, errors...) */
#define CREATE(fn, thunk, tgt, what, mod, ...) \
	{ fn, what, tgt, S_PLAIN, thunk, RT_PTR, __VA_ARGS__, 0, 0, mod }
/* faults are sticky: the VM reservation retries at half the size */
#define FAULTS (TU_FAULT_ANY | TU_FAULT_STICKY)
#define CREATE_FAULT(fn, thunk, tgt, what, mod, k, ...) \
	{ fn, what, tgt, S_PLAIN, thunk, RT_PTR, __VA_ARGS__, FAULTS, k, mod }
#define BOTH_CREATE(what, mod, ...) \
	CREATE("fbump_arena_create", a_create, A, what, mod, __VA_ARGS__), \
	CREATE("fbump_fastarena_create", f_create, F, what, mod, __VA_ARGS__)
#define ROW(tgt, st, fn, what, thunk, rt, ...) \
	{ fn, what, tgt, st, thunk, rt, __VA_ARGS__, 0, 0, NULL }
#define FAULT_ROW(tgt, fn, what, thunk, rt, k, ...) \
	{ fn, what, tgt, S_PLAIN, thunk, rt, __VA_ARGS__, FAULTS, k, NULL }

static const struct row rows[] = {
	ROW(N, S_PLAIN, "fbump_version", "no input: always succeeds", version,
	    RT_UINT, RETURNS(FASTBUMP_VERSION_HEX)),

	/* ---- creation: both kinds ---- */
	CREATE("fbump_arena_create", a_create_null, A, "cfg NULL", NULL,
	       FAILS(EINVAL)),
	CREATE("fbump_fastarena_create", f_create_null, F, "cfg NULL", NULL,
	       FAILS(EINVAL)),
	BOTH_CREATE("control: the environment's own configuration", m_none,
		    SUCCEEDS(X_NONZERO)),
	BOTH_CREATE("struct_size 0", m_size0, FAILS(EINVAL)),
	BOTH_CREATE("struct_size one byte short", m_size_short, FAILS(EINVAL)),
	BOTH_CREATE("struct_size longer, a non-zero byte past the known fields",
		    m_tail, FAILS(EINVAL)),
	BOTH_CREATE("elem_size 0", m_elem0, FAILS(EINVAL)),
	BOTH_CREATE("elem_align 3 (not a power of two)", m_align3,
		    FAILS(EINVAL)),
	BOTH_CREATE("elem_align 24 (not a power of two)", m_align24,
		    FAILS(EINVAL)),
	BOTH_CREATE("elem_align SIZE_MAX", m_align_max, FAILS(EINVAL)),
	BOTH_CREATE("elem_align 2^(w-1) + 1", m_align_top_plus, FAILS(EINVAL)),
	BOTH_CREATE("stride overflows: elem_align 2^(w-1), elem_size one more",
		    m_stride_overflow, FAILS(EOVERFLOW)),
	BOTH_CREATE("elem_size SIZE_MAX, default alignment", m_elem_max,
		    FAILS(EOVERFLOW)),
	BOTH_CREATE("elem_size SIZE_MAX, alignment 1, capacity 2",
		    m_elem_max_align1, FAILS(EOVERFLOW)),
	BOTH_CREATE("storage 3 (unknown)", m_storage3, FAILS(EINVAL)),
	BOTH_CREATE("storage UINT_MAX", m_storage_max, FAILS(EINVAL)),
	BOTH_CREATE("flags 1", m_flags, FAILS(EINVAL)),
	BOTH_CREATE("flags 1 << 31", m_flags_top, FAILS(EINVAL)),
	BOTH_CREATE("allocator without alloc", m_no_alloc, FAILS(EINVAL)),
	BOTH_CREATE("allocator without realloc", m_no_realloc, FAILS(EINVAL)),
	BOTH_CREATE("allocator without free", m_no_free, FAILS(EINVAL)),
	BOTH_CREATE("FIXED with capacity 0", m_fixed_cap0, FAILS(EINVAL)),
	CREATE("fbump_fastarena_create", f_create, F,
	       "storage REALLOC (slots of a shared arena must not move)",
	       m_realloc, FAILS(EINVAL)),
	BOTH_CREATE("capacity SIZE_MAX: capacity * stride overflows",
		    m_cap_max, FAILS(EOVERFLOW)),
	BOTH_CREATE("capacity * stride wraps to a small number",
		    m_cap_mul_overflow, FAILS(EOVERFLOW)),
	BOTH_CREATE("capacity * stride exceeds PTRDIFF_MAX",
		    m_cap_past_ptrdiff, FAILS(EOVERFLOW)),
#if SIZE_MAX > 0xffffffffu	/* a 32-bit process might get 2 GiB */
	BOTH_CREATE("FIXED block of nearly PTRDIFF_MAX bytes",
		    m_fixed_near_ptrdiff, FAILS(ENOMEM)),
#endif
	/* a bad configuration is reported as such when memory is short too
	 * (the arguments' errors come first) */
	CREATE_FAULT("fbump_arena_create", a_create, A,
		     "capacity * stride wraps, and every allocation fails",
		     m_cap_mul_overflow, 0, FAILS(EOVERFLOW)),
	CREATE_FAULT("fbump_arena_create", a_create, A,
		     "capacity * stride past PTRDIFF_MAX, and every allocation "
		     "fails", m_cap_past_ptrdiff, 0, FAILS(EOVERFLOW)),
	CREATE_FAULT("fbump_fastarena_create", f_create, F,
		     "capacity * stride wraps, and every allocation fails",
		     m_cap_mul_overflow, 0, FAILS(EOVERFLOW)),
	CREATE_FAULT("fbump_fastarena_create", f_create, F,
		     "FIXED with capacity 0, and every allocation fails",
		     m_fixed_cap0, 0, FAILS(EINVAL)),
	CREATE_FAULT("fbump_arena_create", a_create, A,
		     "allocator fails for the arena struct", m_none, 0,
		     FAILS(ENOMEM)),
	CREATE_FAULT("fbump_arena_create", a_create, A,
		     "allocator fails for the FIXED block (struct and slots)",
		     m_fixed, 0, FAILS(ENOMEM)),
	CREATE_FAULT("fbump_fastarena_create", f_create, F,
		     "allocator fails for the arena struct", m_none, 0,
		     FAILS(ENOMEM)),
	CREATE_FAULT("fbump_fastarena_create", f_create, F,
		     "VM reservation of the slots fails", m_vm, 1,
		     FAILS(ENOMEM)),
	CREATE_FAULT("fbump_fastarena_create", f_create, F,
		     "VM reservation of the readiness flags fails", m_vm, 2,
		     FAILS(ENOMEM)),
	CREATE_FAULT("fbump_fastarena_create", f_create, F,
		     "allocator fails for the FIXED slots", m_fixed, 1,
		     FAILS(ENOMEM)),
	CREATE_FAULT("fbump_fastarena_create", f_create, F,
		     "allocator fails for the FIXED readiness flags", m_fixed,
		     2, FAILS(ENOMEM)),

	/* ---- fbump_arena ---- */
	ROW(A, S_PLAIN, "fbump_arena_destroy", "arena NULL (like free)",
	    a_destroy_null, RT_STATUS, RETURNS(0)),
	ROW(A, S_DTOR, "fbump_arena_destroy", "from a rollback's destructor",
	    a_destroy, RT_STATUS, FAILS(EBUSY)),
	ROW(A, S_DRAIN, "fbump_arena_destroy", "from a drain callback",
	    a_destroy, RT_STATUS, FAILS(EBUSY)),
	ROW(A, S_DESTROY, "fbump_arena_destroy", "from destroy's destructor",
	    a_destroy, RT_STATUS, FAILS(EBUSY)),

	ROW(A, S_PLAIN, "fbump_arena_alloc", "arena NULL", a_alloc_null_arena,
	    RT_INDEX, FAILS(EINVAL)),
	ROW(A, S_PLAIN, "fbump_arena_alloc", "value NULL", a_alloc_null_value,
	    RT_INDEX, FAILS(EINVAL)),
	ROW(A, S_PLAIN, "fbump_arena_alloc", "arena and value NULL",
	    a_alloc_null_both, RT_INDEX, FAILS(EINVAL)),
	ROW(A, S_DTOR, "fbump_arena_alloc", "from a destructor", a_alloc,
	    RT_INDEX, FAILS(EBUSY)),
	ROW(A, S_DRAIN, "fbump_arena_alloc", "from a drain callback", a_alloc,
	    RT_INDEX, FAILS(EBUSY)),
	ROW(A, S_DESTROY, "fbump_arena_alloc", "from destroy's destructor",
	    a_alloc, RT_INDEX, FAILS(EBUSY)),
	ROW(A, S_PLAIN, "fbump_arena_alloc",
	    "element larger than the whole VM reservation", a_alloc_huge_elem,
	    RT_INDEX, FAILS(ENOSPC)),

	ROW(A, S_PLAIN, "fbump_arena_alloc_uninit", "arena NULL",
	    a_uninit_null, RT_PTR, FAILS(EINVAL)),
	ROW(A, S_PLAIN, "fbump_arena_alloc_uninit", "arena and index NULL",
	    a_uninit_null_both, RT_PTR, FAILS(EINVAL)),
	ROW(A, S_DTOR, "fbump_arena_alloc_uninit", "from a destructor",
	    a_uninit, RT_PTR, FAILS(EBUSY)),
	ROW(A, S_DRAIN, "fbump_arena_alloc_uninit", "from a drain callback",
	    a_uninit_null_index, RT_PTR, FAILS(EBUSY)),

	ROW(A, S_PLAIN, "fbump_arena_alloc_extend", "arena NULL",
	    a_extend_null_arena, RT_INDEX, FAILS(EINVAL)),
	ROW(A, S_PLAIN, "fbump_arena_alloc_extend", "arena NULL, n 0",
	    a_extend_null_arena_n0, RT_INDEX, FAILS(EINVAL)),
	ROW(A, S_PLAIN, "fbump_arena_alloc_extend", "values NULL, n 1",
	    a_extend_null_values, RT_INDEX, FAILS(EINVAL)),
	ROW(A, S_PLAIN, "fbump_arena_alloc_extend", "values NULL, n SIZE_MAX",
	    a_extend_null_values_max, RT_INDEX, FAILS(EINVAL)),
	ROW(A, S_PLAIN, "fbump_arena_alloc_extend",
	    "n 0, values NULL: the length, no change", a_extend_n0, RT_INDEX,
	    RETURNS(BASE_LEN)),
	ROW(A, S_PLAIN, "fbump_arena_alloc_extend", "n 0, values given",
	    a_extend_n0_values, RT_INDEX, RETURNS(BASE_LEN)),
	ROW(A, S_PLAIN, "fbump_arena_alloc_extend", "n SIZE_MAX",
	    a_extend_max, RT_INDEX, FAILS(EOVERFLOW)),
	ROW(A, S_PLAIN, "fbump_arena_alloc_extend",
	    "len + n wraps to 0", a_extend_len_wraps, RT_INDEX,
	    FAILS(EOVERFLOW)),
	ROW(A, S_PLAIN, "fbump_arena_alloc_extend",
	    "len + n == SIZE_MAX (bytes overflow)", a_extend_len_max, RT_INDEX,
	    FAILS(EOVERFLOW)),
	ROW(A, S_PLAIN, "fbump_arena_alloc_extend",
	    "n * stride wraps", a_extend_bytes_wrap, RT_INDEX,
	    FAILS(EOVERFLOW)),
	ROW(A, S_PLAIN, "fbump_arena_alloc_extend",
	    "n * stride fits, (len + n) * stride wraps",
	    a_extend_bytes_wrap_len, RT_INDEX, FAILS(EOVERFLOW)),
	ROW(A, S_PLAIN, "fbump_arena_alloc_extend",
	    "(len + n) * stride beyond PTRDIFF_MAX", a_extend_ptrdiff, RT_INDEX,
	    FAILS3(ENOSPC, ENOSPC, ENOMEM)),
	ROW(A, S_PLAIN, "fbump_arena_alloc_extend",
	    "one slot more than the capacity left", a_extend_one_too_many,
	    RT_INDEX, FAILS3(ENOSPC, ENOSPC, SKIP)),
	FAULT_ROW(A, "fbump_arena_alloc_extend",
		  "growth fails (VM commit or allocator)", a_extend_grow,
		  RT_INDEX, 0, FAILS3(ENOMEM, ENOSPC, ENOMEM)),
	ROW(A, S_DTOR, "fbump_arena_alloc_extend", "from a destructor",
	    a_extend, RT_INDEX, FAILS(EBUSY)),
	ROW(A, S_DRAIN, "fbump_arena_alloc_extend", "from a drain callback",
	    a_extend, RT_INDEX, FAILS(EBUSY)),
	ROW(A, S_DTOR, "fbump_arena_alloc_extend",
	    "n 0 from a destructor: no mutation, the length", a_extend_n0,
	    RT_INDEX, RETURNS(BASE_LEN - 1)),
	/* several conditions at once: the arguments alone first, then the
	 * arena's state, then length and room (doc/errors.md) */
	ROW(A, S_DTOR, "fbump_arena_alloc_extend",
	    "values NULL, n 1, from a destructor: EINVAL before EBUSY",
	    a_extend_null_values, RT_INDEX, FAILS(EINVAL)),
	ROW(A, S_DTOR, "fbump_arena_alloc_extend",
	    "n SIZE_MAX from a destructor: EBUSY before EOVERFLOW of len + n",
	    a_extend_max, RT_INDEX, FAILS(EBUSY)),
	ROW(A, S_DTOR, "fbump_arena_alloc_extend",
	    "one slot too many from a destructor: EBUSY before ENOSPC",
	    a_extend_one_too_many, RT_INDEX, FAILS3(EBUSY, EBUSY, SKIP)),

	ROW(A, S_PLAIN, "fbump_arena_try_get", "arena NULL", a_try_get_null,
	    RT_PTR, FAILS(EINVAL)),
	ROW(A, S_PLAIN, "fbump_arena_try_get", "index == length",
	    a_try_get_len, RT_PTR, FAILS(ERANGE)),
	ROW(A, S_PLAIN, "fbump_arena_try_get", "index SIZE_MAX",
	    a_try_get_max, RT_PTR, FAILS(ERANGE)),
	ROW(A, S_DTOR, "fbump_arena_try_get",
	    "from a destructor, the element being destroyed",
	    a_try_get_destroyed, RT_PTR, FAILS(ERANGE)),
	ROW(A, S_DTOR, "fbump_arena_try_get",
	    "from a destructor, a live element (reading is allowed)",
	    a_try_get_0, RT_PTR, SUCCEEDS(X_NONZERO)),
	ROW(A, S_DRAIN, "fbump_arena_try_get",
	    "from a drain callback (reading is allowed)", a_try_get_0, RT_PTR,
	    SUCCEEDS(X_NONZERO)),

	ROW(A, S_PLAIN, "fbump_arena_capacity", "arena NULL",
	    a_capacity_null, RT_SIZE, FAILS(EINVAL)),
	ROW(A, S_DTOR, "fbump_arena_capacity",
	    "from a destructor (reading is allowed)", a_capacity, RT_SIZE,
	    RETURNS(1)),

	ROW(A, S_PLAIN, "fbump_arena_reserve", "arena NULL", a_reserve_null,
	    RT_STATUS, FAILS(EINVAL)),
	ROW(A, S_PLAIN, "fbump_arena_reserve", "additional SIZE_MAX",
	    a_reserve_max, RT_STATUS, FAILS(EOVERFLOW)),
	ROW(A, S_PLAIN, "fbump_arena_reserve", "len + additional wraps to 0",
	    a_reserve_len_wraps, RT_STATUS, FAILS(EOVERFLOW)),
	ROW(A, S_PLAIN, "fbump_arena_reserve",
	    "(len + additional) * stride wraps", a_reserve_bytes_wrap,
	    RT_STATUS, FAILS(EOVERFLOW)),
	ROW(A, S_PLAIN, "fbump_arena_reserve",
	    "(len + additional) * stride beyond PTRDIFF_MAX",
	    a_reserve_ptrdiff, RT_STATUS, FAILS3(ENOSPC, ENOSPC, ENOMEM)),
	FAULT_ROW(A, "fbump_arena_reserve",
		  "growth fails (VM commit or allocator)", a_reserve_grow,
		  RT_STATUS, 0, FAILS3(ENOMEM, ENOSPC, ENOMEM)),
	ROW(A, S_PLAIN, "fbump_arena_reserve", "additional 0: nothing to do",
	    a_reserve_0, RT_STATUS, RETURNS(0)),
	ROW(A, S_DTOR, "fbump_arena_reserve", "from a destructor",
	    a_reserve_1, RT_STATUS, FAILS(EBUSY)),
	ROW(A, S_DRAIN, "fbump_arena_reserve", "0 from a drain callback",
	    a_reserve_0, RT_STATUS, FAILS(EBUSY)),

	ROW(A, S_PLAIN, "fbump_arena_shrink_to_fit", "arena NULL",
	    a_shrink_null, RT_STATUS, FAILS(EINVAL)),
	ROW(A, S_DTOR, "fbump_arena_shrink_to_fit", "from a destructor",
	    a_shrink, RT_STATUS, FAILS(EBUSY)),
	ROW(A, S_DRAIN, "fbump_arena_shrink_to_fit", "from a drain callback",
	    a_shrink, RT_STATUS, FAILS(EBUSY)),

	ROW(A, S_PLAIN, "fbump_arena_checkpoint", "arena NULL: {0, 0}",
	    a_checkpoint_null, RT_CKPT, FAILS(EINVAL)),
	ROW(A, S_DTOR, "fbump_arena_checkpoint",
	    "from a destructor (reading is allowed)", a_checkpoint, RT_CKPT,
	    SUCCEEDS(X_NONZERO)),

	ROW(A, S_PLAIN, "fbump_arena_rollback", "arena NULL", a_rollback_null,
	    RT_STATUS, FAILS(EINVAL)),
	ROW(A, S_PLAIN, "fbump_arena_rollback", "checkpoint {0, 0}",
	    a_rollback_zero_cp, RT_STATUS, FAILS(EINVAL)),
	ROW(A, S_PLAIN, "fbump_arena_rollback",
	    "checkpoint {0, 0} on an arena that never gave one",
	    a_rollback_zero_cp_unchecked, RT_STATUS, FAILS(EINVAL)),
	ROW(A, S_PLAIN, "fbump_arena_rollback",
	    "checkpoint of another arena, same length", a_rollback_other,
	    RT_STATUS, FAILS(EINVAL)),
	ROW(A, S_PLAIN, "fbump_arena_rollback", "checkpoint of a fastarena",
	    a_rollback_fast_cp, RT_STATUS, FAILS(EINVAL)),
	ROW(A, S_PLAIN, "fbump_arena_rollback",
	    "checkpoint of a destroyed arena", a_rollback_dead, RT_STATUS,
	    FAILS(EINVAL)),
	ROW(A, S_PLAIN, "fbump_arena_rollback", "checkpoint length + 1",
	    a_rollback_beyond, RT_STATUS, FAILS(EINVAL)),
	ROW(A, S_PLAIN, "fbump_arena_rollback", "checkpoint length SIZE_MAX",
	    a_rollback_max, RT_STATUS, FAILS(EINVAL)),
	ROW(A, S_DTOR, "fbump_arena_rollback", "from a destructor",
	    a_rollback_0, RT_STATUS, FAILS(EBUSY)),
	ROW(A, S_DRAIN, "fbump_arena_rollback", "from a drain callback",
	    a_rollback_0, RT_STATUS, FAILS(EBUSY)),
	ROW(A, S_DESTROY, "fbump_arena_rollback", "from destroy's destructor",
	    a_rollback_0, RT_STATUS, FAILS(EBUSY)),
	ROW(A, S_DTOR, "fbump_arena_rollback",
	    "checkpoint of another arena from a destructor: EINVAL before "
	    "EBUSY", a_rollback_other, RT_STATUS, FAILS(EINVAL)),
	ROW(A, S_DTOR, "fbump_arena_rollback",
	    "checkpoint length + 1 from a destructor: EBUSY before the length",
	    a_rollback_beyond, RT_STATUS, FAILS(EBUSY)),

	ROW(A, S_PLAIN, "fbump_arena_reset", "arena NULL", a_reset_null,
	    RT_STATUS, FAILS(EINVAL)),
	ROW(A, S_DTOR, "fbump_arena_reset", "from a destructor", a_reset,
	    RT_STATUS, FAILS(EBUSY)),
	ROW(A, S_DRAIN, "fbump_arena_reset", "from a drain callback", a_reset,
	    RT_STATUS, FAILS(EBUSY)),

	ROW(A, S_PLAIN, "fbump_arena_drain", "arena NULL", a_drain_null,
	    RT_STATUS, FAILS(EINVAL)),
	ROW(A, S_PLAIN, "fbump_arena_drain", "fn NULL", a_drain_null_fn,
	    RT_STATUS, FAILS(EINVAL)),
	ROW(A, S_PLAIN, "fbump_arena_drain", "arena and fn NULL",
	    a_drain_null_both, RT_STATUS, FAILS(EINVAL)),
	ROW(A, S_DTOR, "fbump_arena_drain", "from a destructor", a_drain,
	    RT_STATUS, FAILS(EBUSY)),
	ROW(A, S_DRAIN, "fbump_arena_drain", "from a drain callback", a_drain,
	    RT_STATUS, FAILS(EBUSY)),

	/* ---- fbump_fastarena ---- */
	ROW(F, S_PLAIN, "fbump_fastarena_destroy", "arena NULL (like free)",
	    f_destroy_null, RT_STATUS, RETURNS(0)),
	ROW(F, S_INFLIGHT, "fbump_fastarena_destroy", "writer in flight",
	    f_destroy, RT_STATUS, FAILS(EBUSY)),
	ROW(F, S_DTOR, "fbump_fastarena_destroy", "from a rollback's destructor",
	    f_destroy, RT_STATUS, FAILS(EBUSY)),
	ROW(F, S_DRAIN, "fbump_fastarena_destroy", "from a drain callback",
	    f_destroy, RT_STATUS, FAILS(EBUSY)),
	ROW(F, S_DESTROY, "fbump_fastarena_destroy",
	    "from destroy's destructor", f_destroy, RT_STATUS, FAILS(EBUSY)),

	ROW(F, S_PLAIN, "fbump_fastarena_alloc", "arena NULL",
	    f_alloc_null_arena, RT_INDEX, FAILS(EINVAL)),
	ROW(F, S_PLAIN, "fbump_fastarena_alloc", "value NULL",
	    f_alloc_null_value, RT_INDEX, FAILS(EINVAL)),
	ROW(F, S_PLAIN, "fbump_fastarena_alloc", "arena and value NULL",
	    f_alloc_null_both, RT_INDEX, FAILS(EINVAL)),
	ROW(F, S_DTOR, "fbump_fastarena_alloc", "from a destructor", f_alloc,
	    RT_INDEX, FAILS(EBUSY)),
	ROW(F, S_DRAIN, "fbump_fastarena_alloc", "from a drain callback",
	    f_alloc, RT_INDEX, FAILS(EBUSY)),
	ROW(F, S_DESTROY, "fbump_fastarena_alloc", "from destroy's destructor",
	    f_alloc, RT_INDEX, FAILS(EBUSY)),
	ROW(F, S_PLAIN, "fbump_fastarena_alloc",
	    "element larger than the whole VM reservation", f_alloc_huge_elem,
	    RT_INDEX, FAILS(ENOSPC)),

	ROW(F, S_PLAIN, "fbump_fastarena_alloc_begin", "arena NULL",
	    f_begin_null_arena, RT_PTR, FAILS(EINVAL)),
	ROW(F, S_PLAIN, "fbump_fastarena_alloc_begin", "index NULL",
	    f_begin_null_index, RT_PTR, FAILS(EINVAL)),
	ROW(F, S_PLAIN, "fbump_fastarena_alloc_begin", "arena and index NULL",
	    f_begin_null_both, RT_PTR, FAILS(EINVAL)),
	ROW(F, S_DTOR, "fbump_fastarena_alloc_begin", "from a destructor",
	    f_begin, RT_PTR, FAILS(EBUSY)),
	ROW(F, S_DRAIN, "fbump_fastarena_alloc_begin", "from a drain callback",
	    f_begin, RT_PTR, FAILS(EBUSY)),

	ROW(F, S_PLAIN, "fbump_fastarena_alloc_publish", "arena NULL",
	    f_publish_null, RT_STATUS, FAILS(EINVAL)),
	ROW(F, S_PLAIN, "fbump_fastarena_alloc_publish",
	    "index 0, published long ago", f_publish_published, RT_STATUS,
	    FAILS(EINVAL)),
	ROW(F, S_PLAIN, "fbump_fastarena_alloc_publish",
	    "the last index, published", f_publish_last_published, RT_STATUS,
	    FAILS(EINVAL)),
	ROW(F, S_PLAIN, "fbump_fastarena_alloc_publish",
	    "index not handed out yet", f_publish_not_handed_out, RT_STATUS,
	    FAILS(EINVAL)),
	ROW(F, S_INFLIGHT, "fbump_fastarena_alloc_publish",
	    "index past the one in flight", f_publish_not_handed_out,
	    RT_STATUS, FAILS(EINVAL)),
	ROW(F, S_INFLIGHT, "fbump_fastarena_alloc_publish",
	    "published index while another is in flight", f_publish_published,
	    RT_STATUS, FAILS(EINVAL)),
	ROW(F, S_PLAIN, "fbump_fastarena_alloc_publish", "index SIZE_MAX",
	    f_publish_max, RT_STATUS, FAILS(EINVAL)),
	ROW(F, S_DTOR, "fbump_fastarena_alloc_publish",
	    "from a destructor (no slot can be unpublished)",
	    f_publish_published, RT_STATUS, FAILS(EINVAL)),

	ROW(F, S_PLAIN, "fbump_fastarena_alloc_extend", "arena NULL",
	    f_extend_null_arena, RT_INDEX, FAILS(EINVAL)),
	ROW(F, S_PLAIN, "fbump_fastarena_alloc_extend", "arena NULL, n 0",
	    f_extend_null_arena_n0, RT_INDEX, FAILS(EINVAL)),
	ROW(F, S_PLAIN, "fbump_fastarena_alloc_extend", "values NULL, n 1",
	    f_extend_null_values, RT_INDEX, FAILS(EINVAL)),
	ROW(F, S_PLAIN, "fbump_fastarena_alloc_extend",
	    "values NULL, n SIZE_MAX", f_extend_null_values_max, RT_INDEX,
	    FAILS(EINVAL)),
	ROW(F, S_PLAIN, "fbump_fastarena_alloc_extend",
	    "n 0: slots handed out, no change", f_extend_n0, RT_INDEX,
	    RETURNS(BASE_LEN)),
	ROW(F, S_INFLIGHT, "fbump_fastarena_alloc_extend",
	    "n 0 with a writer in flight: counts its slot", f_extend_n0,
	    RT_INDEX, RETURNS(BASE_LEN + 1)),
	ROW(F, S_PLAIN, "fbump_fastarena_alloc_extend", "n SIZE_MAX",
	    f_extend_max, RT_INDEX, FAILS(EOVERFLOW)),
	ROW(F, S_PLAIN, "fbump_fastarena_alloc_extend", "n 2^(w-1)",
	    f_extend_top_bit, RT_INDEX, FAILS(EOVERFLOW)),
	ROW(F, S_PLAIN, "fbump_fastarena_alloc_extend", "n * stride wraps",
	    f_extend_bytes_wrap, RT_INDEX, FAILS(EOVERFLOW)),
	ROW(F, S_PLAIN, "fbump_fastarena_alloc_extend",
	    "n * stride == SIZE_MAX rounded: beyond capacity",
	    f_extend_bytes_max, RT_INDEX, FAILS(ENOSPC)),
	ROW(F, S_PLAIN, "fbump_fastarena_alloc_extend",
	    "n * stride beyond PTRDIFF_MAX", f_extend_ptrdiff, RT_INDEX,
	    FAILS(ENOSPC)),
	ROW(F, S_PLAIN, "fbump_fastarena_alloc_extend",
	    "1-byte elements, n 2^(w-1): more slots than can be counted",
	    f_extend_stride1_top_bit, RT_INDEX, FAILS(EOVERFLOW)),
	ROW(F, S_PLAIN, "fbump_fastarena_alloc_extend",
	    "1-byte elements, n 2^(w-1) - 1: beyond capacity",
	    f_extend_stride1_below_top_bit, RT_INDEX, FAILS(ENOSPC)),
	ROW(F, S_PLAIN, "fbump_fastarena_alloc_extend",
	    "one slot more than the capacity left", f_extend_one_too_many,
	    RT_INDEX, FAILS(ENOSPC)),
	FAULT_ROW(F, "fbump_fastarena_alloc_extend",
		  "VM commit fails", f_extend_grow, RT_INDEX, 0,
		  FAILS3(ENOMEM, ENOSPC, ENOMEM)),
	ROW(F, S_DTOR, "fbump_fastarena_alloc_extend", "from a destructor",
	    f_extend, RT_INDEX, FAILS(EBUSY)),
	ROW(F, S_DRAIN, "fbump_fastarena_alloc_extend",
	    "from a drain callback", f_extend, RT_INDEX, FAILS(EBUSY)),
	ROW(F, S_DTOR, "fbump_fastarena_alloc_extend",
	    "values NULL, n 1, from a destructor: EINVAL before EBUSY",
	    f_extend_null_values, RT_INDEX, FAILS(EINVAL)),
	ROW(F, S_DTOR, "fbump_fastarena_alloc_extend",
	    "n * stride wraps, from a destructor: EOVERFLOW of the arguments "
	    "before EBUSY", f_extend_bytes_wrap, RT_INDEX, FAILS(EOVERFLOW)),
	ROW(F, S_DTOR, "fbump_fastarena_alloc_extend",
	    "one slot too many from a destructor: EBUSY before ENOSPC",
	    f_extend_one_too_many, RT_INDEX, FAILS(EBUSY)),

	ROW(F, S_PLAIN, "fbump_fastarena_try_get", "arena NULL",
	    f_try_get_null, RT_PTR, FAILS(EINVAL)),
	ROW(F, S_PLAIN, "fbump_fastarena_try_get", "index == slots handed out",
	    f_try_get_reserved, RT_PTR, FAILS(ERANGE)),
	ROW(F, S_INFLIGHT, "fbump_fastarena_try_get",
	    "index past the slot in flight", f_try_get_reserved, RT_PTR,
	    FAILS(ERANGE)),
	ROW(F, S_PLAIN, "fbump_fastarena_try_get", "index SIZE_MAX",
	    f_try_get_max, RT_PTR, FAILS(ERANGE)),
	ROW(F, S_INFLIGHT, "fbump_fastarena_try_get",
	    "the slot in flight (writer not finished)", f_try_get_inflight,
	    RT_PTR, FAILS(EAGAIN)),
	ROW(F, S_DTOR, "fbump_fastarena_try_get",
	    "from a destructor, the element being destroyed (still handed "
	    "out, no longer finished)", f_try_get_destroyed, RT_PTR,
	    FAILS(EAGAIN)),
	ROW(F, S_DTOR, "fbump_fastarena_try_get",
	    "from a destructor, a live element (reading is allowed)",
	    f_try_get_0, RT_PTR, SUCCEEDS(X_NONZERO)),

	ROW(F, S_PLAIN, "fbump_fastarena_len", "arena NULL", f_len_null,
	    RT_SIZE, FAILS(EINVAL)),
	ROW(F, S_INFLIGHT, "fbump_fastarena_len",
	    "writer in flight: not counted", f_len, RT_SIZE,
	    RETURNS(BASE_LEN)),
	ROW(F, S_DTOR, "fbump_fastarena_len",
	    "from a destructor: excludes the element destroyed", f_len,
	    RT_SIZE, RETURNS(BASE_LEN - 1)),

	ROW(F, S_PLAIN, "fbump_fastarena_capacity", "arena NULL",
	    f_capacity_null, RT_SIZE, FAILS(EINVAL)),
	ROW(F, S_DTOR, "fbump_fastarena_capacity",
	    "from a destructor (reading is allowed)", f_capacity, RT_SIZE,
	    RETURNS(1)),

	ROW(F, S_PLAIN, "fbump_fastarena_stats", "arena NULL", f_stats_null,
	    RT_STATUS, FAILS(EINVAL)),
	ROW(F, S_PLAIN, "fbump_fastarena_stats", "stats NULL",
	    f_stats_null_out, RT_STATUS, FAILS(EINVAL)),
	ROW(F, S_PLAIN, "fbump_fastarena_stats", "arena and stats NULL",
	    f_stats_null_both, RT_STATUS, FAILS(EINVAL)),
	ROW(F, S_DTOR, "fbump_fastarena_stats",
	    "from a destructor (reading is allowed)", f_stats, RT_STATUS,
	    RETURNS(0)),

	ROW(F, S_PLAIN, "fbump_fastarena_checkpoint", "arena NULL: {0, 0}",
	    f_checkpoint_null, RT_CKPT, FAILS(EINVAL)),
	ROW(F, S_DTOR, "fbump_fastarena_checkpoint",
	    "from a destructor (reading is allowed)", f_checkpoint, RT_CKPT,
	    SUCCEEDS(X_NONZERO)),

	ROW(F, S_PLAIN, "fbump_fastarena_rollback", "arena NULL",
	    f_rollback_null, RT_STATUS, FAILS(EINVAL)),
	ROW(F, S_PLAIN, "fbump_fastarena_rollback", "checkpoint {0, 0}",
	    f_rollback_zero_cp, RT_STATUS, FAILS(EINVAL)),
	ROW(F, S_PLAIN, "fbump_fastarena_rollback",
	    "checkpoint of another fastarena, same length", f_rollback_other,
	    RT_STATUS, FAILS(EINVAL)),
	ROW(F, S_PLAIN, "fbump_fastarena_rollback",
	    "checkpoint of an fbump_arena", f_rollback_arena_cp, RT_STATUS,
	    FAILS(EINVAL)),
	ROW(F, S_PLAIN, "fbump_fastarena_rollback",
	    "checkpoint of a destroyed arena", f_rollback_dead, RT_STATUS,
	    FAILS(EINVAL)),
	ROW(F, S_PLAIN, "fbump_fastarena_rollback", "checkpoint length + 1",
	    f_rollback_beyond, RT_STATUS, FAILS(EINVAL)),
	ROW(F, S_PLAIN, "fbump_fastarena_rollback",
	    "checkpoint length SIZE_MAX", f_rollback_max, RT_STATUS,
	    FAILS(EINVAL)),
	ROW(F, S_INFLIGHT, "fbump_fastarena_rollback",
	    "writer in flight, checkpoint at 0", f_rollback_0, RT_STATUS,
	    FAILS(EBUSY)),
	ROW(F, S_INFLIGHT, "fbump_fastarena_rollback",
	    "writer in flight, checkpoint at the length (nothing to destroy)",
	    f_rollback_3, RT_STATUS, FAILS(EBUSY)),
	ROW(F, S_INFLIGHT, "fbump_fastarena_rollback",
	    "writer in flight, checkpoint of another arena", f_rollback_other,
	    RT_STATUS, FAILS(EINVAL)),
	ROW(F, S_DTOR, "fbump_fastarena_rollback", "from a destructor",
	    f_rollback_0, RT_STATUS, FAILS(EBUSY)),
	ROW(F, S_DTOR, "fbump_fastarena_rollback",
	    "checkpoint of another arena from a destructor: EINVAL before "
	    "EBUSY", f_rollback_other, RT_STATUS, FAILS(EINVAL)),
	ROW(F, S_DTOR, "fbump_fastarena_rollback",
	    "checkpoint length + 1 from a destructor: EBUSY before the length",
	    f_rollback_beyond, RT_STATUS, FAILS(EBUSY)),
	ROW(F, S_DRAIN, "fbump_fastarena_rollback", "from a drain callback",
	    f_rollback_0, RT_STATUS, FAILS(EBUSY)),
	ROW(F, S_DESTROY, "fbump_fastarena_rollback",
	    "from destroy's destructor", f_rollback_0, RT_STATUS,
	    FAILS(EBUSY)),

	ROW(F, S_PLAIN, "fbump_fastarena_reset", "arena NULL", f_reset_null,
	    RT_STATUS, FAILS(EINVAL)),
	ROW(F, S_INFLIGHT, "fbump_fastarena_reset", "writer in flight",
	    f_reset, RT_STATUS, FAILS(EBUSY)),
	ROW(F, S_DTOR, "fbump_fastarena_reset", "from a destructor", f_reset,
	    RT_STATUS, FAILS(EBUSY)),
	ROW(F, S_DRAIN, "fbump_fastarena_reset", "from a drain callback",
	    f_reset, RT_STATUS, FAILS(EBUSY)),

	ROW(F, S_PLAIN, "fbump_fastarena_drain", "arena NULL", f_drain_null,
	    RT_STATUS, FAILS(EINVAL)),
	ROW(F, S_PLAIN, "fbump_fastarena_drain", "fn NULL", f_drain_null_fn,
	    RT_STATUS, FAILS(EINVAL)),
	ROW(F, S_PLAIN, "fbump_fastarena_drain", "arena and fn NULL",
	    f_drain_null_both, RT_STATUS, FAILS(EINVAL)),
	ROW(F, S_INFLIGHT, "fbump_fastarena_drain", "writer in flight",
	    f_drain, RT_STATUS, FAILS(EBUSY)),
	ROW(F, S_DTOR, "fbump_fastarena_drain", "from a destructor", f_drain,
	    RT_STATUS, FAILS(EBUSY)),
	ROW(F, S_DRAIN, "fbump_fastarena_drain", "from a drain callback",
	    f_drain, RT_STATUS, FAILS(EBUSY)),
};

#define N_ROWS ((int)(sizeof(rows) / sizeof(rows[0])))

/* Every public function; each must have a row. */
static const char *const public_functions[] = {
	"fbump_version",
	"fbump_arena_create", "fbump_arena_destroy", "fbump_arena_alloc",
	"fbump_arena_alloc_uninit", "fbump_arena_alloc_extend",
	"fbump_arena_try_get", "fbump_arena_capacity", "fbump_arena_reserve",
	"fbump_arena_shrink_to_fit", "fbump_arena_checkpoint",
	"fbump_arena_rollback", "fbump_arena_reset", "fbump_arena_drain",
	"fbump_fastarena_create", "fbump_fastarena_destroy",
	"fbump_fastarena_alloc", "fbump_fastarena_alloc_begin",
	"fbump_fastarena_alloc_publish", "fbump_fastarena_alloc_extend",
	"fbump_fastarena_try_get", "fbump_fastarena_len",
	"fbump_fastarena_capacity", "fbump_fastarena_stats",
	"fbump_fastarena_checkpoint", "fbump_fastarena_rollback",
	"fbump_fastarena_reset", "fbump_fastarena_drain",
};

/* ---- running a row ----------------------------------------------------------- */

/* Makes the call of the row, recording the outcome.  May run inside a
 * destructor or drain callback: no libcheck assertion here. */
static void run_call(struct env *e)
{
	const struct row *r = e->row;

	if (r->fault != 0)
		tu_fault_arm(r->fault_k, r->fault);
	errno = ERRNO_SENTINEL;
	e->ret = r->call(e);
	e->err = errno;
	if (r->fault != 0)
		tu_fault_disarm();
	e->ran = true;
}

static void env_dtor(void *elem, void *ctx)
{
	struct env *e = ctx;

	(void)elem;
	e->dtor_calls++;
	if (e->pending) {
		e->pending = false;
		run_call(e);
	}
}

static void env_drain(void *elem, size_t index, void *ctx)
{
	struct env *e = ctx;

	(void)elem;
	(void)index;
	e->drain_calls++;
	if (e->pending) {
		e->pending = false;
		run_call(e);
	}
}

static void push_arena(fbump_arena *a, size_t n)
{
	for (size_t i = fbump_arena_len(a), end = i + n; i < end; i++) {
		long v = KEY(i);

		ck_assert_uint_eq(fbump_arena_alloc(a, &v), i);
	}
}

static void push_fast(fbump_fastarena *f, size_t n)
{
	for (size_t i = fbump_fastarena_len(f), end = i + n; i < end; i++) {
		long v = KEY(i);

		ck_assert_uint_eq(fbump_fastarena_alloc(f, &v), i);
	}
}

static void env_init(struct env *e, int pass, const struct row *r)
{
	struct fbump_config ca, cf;
	fbump_arena *dead;

	memset(e, 0, sizeof(*e));
	e->pass = pass;
	e->row = r;
	ca = env_config(e, false);
	cf = env_config(e, true);
	e->a = fbump_arena_create(&ca);
	e->a2 = fbump_arena_create(&ca);
	e->f = fbump_fastarena_create(&cf);
	e->f2 = fbump_fastarena_create(&cf);
	ck_assert_msg(e->a && e->a2 && e->f && e->f2, "environment: %s",
		      strerror(errno));
	e->cp_a0 = fbump_arena_checkpoint(e->a);
	e->cp_f0 = fbump_fastarena_checkpoint(e->f);
	push_arena(e->a, BASE_LEN);
	push_arena(e->a2, BASE_LEN);
	push_fast(e->f, BASE_LEN);
	push_fast(e->f2, BASE_LEN);
	e->cp_a3 = fbump_arena_checkpoint(e->a);
	e->cp_f3 = fbump_fastarena_checkpoint(e->f);
	dead = fbump_arena_create(&ca);
	ck_assert_ptr_nonnull(dead);
	e->cp_dead = fbump_arena_checkpoint(dead);
	ck_assert_int_eq(fbump_arena_destroy(dead), 0);
	if (r->state == S_INFLIGHT) {
		e->inflight_slot = fbump_fastarena_alloc_begin(e->f,
							       &e->inflight);
		ck_assert_ptr_nonnull(e->inflight_slot);
		ck_assert_uint_eq(e->inflight, BASE_LEN);
	}
	e->dtor_calls = 0;
	e->drain_calls = 0;
}

/* The contents KEY(0..n-1), through every reading path. */
static void assert_arena_holds(fbump_arena *a, size_t n, const char *name)
{
	ck_assert_msg(fbump_arena_len(a) == n, "%s: length %zu, expected %zu",
		      name, fbump_arena_len(a), n);
	for (size_t i = 0; i < n; i++) {
		long *p = fbump_arena_try_get(a, i);

		ck_assert_msg(p != NULL && p == fbump_arena_get(a, i) &&
			      *p == KEY(i), "%s: element %zu wrong", name, i);
	}
}

static void assert_fast_holds(fbump_fastarena *f, size_t n, const char *name)
{
	ck_assert_msg(fbump_fastarena_len(f) == n,
		      "%s: length %zu, expected %zu", name,
		      fbump_fastarena_len(f), n);
	for (size_t i = 0; i < n; i++) {
		long *p = fbump_fastarena_try_get(f, i);

		ck_assert_msg(p != NULL && p == fbump_fastarena_get(f, i) &&
			      *p == KEY(i), "%s: element %zu wrong", name, i);
	}
}

/* Still usable: one more element goes in and reads back. */
static void assert_arena_works(fbump_arena *a, const char *name)
{
	size_t n = fbump_arena_len(a);

	push_arena(a, 1);
	assert_arena_holds(a, n + 1, name);
}

static void assert_fast_works(fbump_fastarena *f, const char *name)
{
	size_t n = fbump_fastarena_len(f);

	push_fast(f, 1);
	assert_fast_holds(f, n + 1, name);
}

struct snapshot {
	size_t a_cap, f_cap, f_reserved;
	void *a_data, *f_data;
};

static struct snapshot snap(const struct env *e)
{
	struct snapshot s;

	s.a_cap = fbump_arena_capacity(e->a);
	s.a_data = fbump_arena_data(e->a);
	s.f_cap = fbump_fastarena_capacity(e->f);
	s.f_data = fbump_fastarena_data(e->f);
	s.f_reserved = fbump_fastarena_alloc_extend(e->f, NULL, 0);
	return s;
}

static const char *rtype_name(enum rtype t)
{
	static const char *const names[] = {
		"index", "pointer", "status", "size", "checkpoint", "value"
	};

	return names[t];
}

/* Checks the return value and errno of the call. */
static void check_outcome(const struct env *e, int pass, const char *label)
{
	const struct row *r = e->row;
	int want_err = r->err[pass];
	uintmax_t want;
	bool ok;

	ck_assert_msg(e->ran, "%s: the call never ran", label);
	switch (r->expect) {
	case X_FAIL:
		switch (r->rtype) {
		case RT_INDEX:
			want = FBUMP_NONE;
			break;
		case RT_STATUS:
			want = status_ret(want_err);
			break;
		default:	/* NULL, 0, {0, 0} */
			want = 0;
			break;
		}
		ok = e->ret == want;
		break;
	case X_VALUE:
		want = r->value;
		ok = e->ret == want;
		break;
	default:	/* X_NONZERO */
		want = 1;
		ok = e->ret != 0;
		break;
	}
	ck_assert_msg(ok, "%s: returned %s %#jx, expected %s%#jx", label,
		      rtype_name(r->rtype), e->ret,
		      r->expect == X_NONZERO ? "non-zero, e.g. " : "", want);
	if (want_err == UNCHANGED)
		ck_assert_msg(e->err == ERRNO_SENTINEL,
			      "%s: errno set to %d (%s), expected untouched",
			      label, e->err, strerror(e->err));
	else
		ck_assert_msg(e->err == want_err,
			      "%s: errno %d (%s), expected %d (%s)", label,
			      e->err, strerror(e->err), want_err,
			      strerror(want_err));
}

static int rows_tried, rows_skipped;

START_TEST(test_row)
{
	int pass = _i / N_ROWS;
	const struct row *r = &rows[_i % N_ROWS];
	struct env e;
	struct snapshot before;
	char label[256];
	size_t a_len = BASE_LEN, f_len = BASE_LEN;
	long want_dtor = 0, want_drain = 0;
	int st;

	snprintf(label, sizeof(label), "row %d [%s] %s: %s", _i % N_ROWS,
		 pass_names[pass], r->func, r->what);
	if (r->err[pass] == SKIP) {
		rows_skipped++;
		return;
	}
	rows_tried++;
	env_init(&e, pass, r);
	before = snap(&e);

	switch (r->state) {
	case S_PLAIN:
	case S_INFLIGHT:
		run_call(&e);
		break;
	case S_DTOR:	/* rollback to BASE_LEN - 1: one destructor call */
		e.pending = true;
		st = r->target == T_ARENA ?
		     fbump_arena_rollback(e.a, cp_make(e.cp_a0.arena_id,
						       BASE_LEN - 1)) :
		     fbump_fastarena_rollback(e.f, cp_make(e.cp_f0.arena_id,
							   BASE_LEN - 1));
		ck_assert_msg(st == 0, "%s: rollback to trigger: %s", label,
			      strerror(st));
		want_dtor = 1;
		if (r->target == T_ARENA)
			a_len = BASE_LEN - 1;
		else
			f_len = BASE_LEN - 1;
		break;
	case S_DRAIN:	/* the whole arena drained, no destructor */
		e.pending = true;
		st = r->target == T_ARENA ?
		     fbump_arena_drain(e.a, env_drain, &e) :
		     fbump_fastarena_drain(e.f, env_drain, &e);
		ck_assert_msg(st == 0, "%s: drain to trigger: %s", label,
			      strerror(st));
		want_drain = BASE_LEN;
		if (r->target == T_ARENA)
			a_len = 0;
		else
			f_len = 0;
		break;
	case S_DESTROY:	/* every destructor runs, then the arena is gone */
		e.pending = true;
		st = r->target == T_ARENA ? fbump_arena_destroy(e.a)
					  : fbump_fastarena_destroy(e.f);
		ck_assert_msg(st == 0, "%s: destroy to trigger: %s", label,
			      strerror(st));
		want_dtor = BASE_LEN;
		if (r->target == T_ARENA)
			e.a = NULL;
		else
			e.f = NULL;
		break;
	}
	check_outcome(&e, pass, label);

	/* nothing changed: no element destroyed or handed over */
	ck_assert_msg(e.dtor_calls == want_dtor,
		      "%s: %ld destructor calls, expected %ld", label,
		      e.dtor_calls, want_dtor);
	ck_assert_msg(e.drain_calls == want_drain,
		      "%s: %ld drain calls, expected %ld", label,
		      e.drain_calls, want_drain);
	if (r->state == S_PLAIN || r->state == S_INFLIGHT) {
		struct snapshot after = snap(&e);

		ck_assert_msg(after.a_cap == before.a_cap &&
			      after.a_data == before.a_data,
			      "%s: arena capacity or slice changed", label);
		ck_assert_msg(after.f_cap == before.f_cap &&
			      after.f_data == before.f_data &&
			      after.f_reserved == before.f_reserved,
			      "%s: fastarena capacity, slice or slots handed "
			      "out changed", label);
	}
	if (e.a != NULL)
		assert_arena_holds(e.a, a_len, "arena");
	if (e.f != NULL)
		assert_fast_holds(e.f, f_len, "fastarena");
	assert_arena_holds(e.a2, BASE_LEN, "second arena");
	assert_fast_holds(e.f2, BASE_LEN, "second fastarena");

	/* the writer in flight finishes: its element appears */
	if (r->state == S_INFLIGHT) {
		*e.inflight_slot = KEY(BASE_LEN);
		ck_assert_int_eq(fbump_fastarena_alloc_publish(e.f, e.inflight),
				 0);
		assert_fast_holds(e.f, BASE_LEN + 1, "fastarena, published");
	}

	/* still usable */
	if (e.a != NULL)
		assert_arena_works(e.a, "arena after the row");
	if (e.f != NULL)
		assert_fast_works(e.f, "fastarena after the row");
	assert_arena_works(e.a2, "second arena after the row");
	assert_fast_works(e.f2, "second fastarena after the row");

	/* destroy all; the fixture then checks the allocator */
	ck_assert_int_eq(fbump_arena_destroy(e.a), 0);
	ck_assert_int_eq(fbump_arena_destroy(e.a2), 0);
	ck_assert_int_eq(fbump_fastarena_destroy(e.f), 0);
	ck_assert_int_eq(fbump_fastarena_destroy(e.f2), 0);
	ck_assert_msg(tu_alloc_live_blocks() == 0, "%s: %ld blocks leaked",
		      label, tu_alloc_live_blocks());
	ck_assert_msg(tu_alloc_misuses() == 0, "%s: %ld allocator misuses",
		      label, tu_alloc_misuses());
}
END_TEST

/* The table covers every public function. */
START_TEST(test_coverage)
{
	size_t n = sizeof(public_functions) / sizeof(public_functions[0]);

	for (size_t k = 0; k < n; k++) {
		int hits = 0;

		for (int i = 0; i < N_ROWS; i++)
			hits += strcmp(rows[i].func, public_functions[k]) == 0;
		ck_assert_msg(hits > 0, "no row for %s", public_functions[k]);
	}
	for (int i = 0; i < N_ROWS; i++) {
		int known = 0;

		for (size_t k = 0; k < n; k++)
			known += strcmp(rows[i].func, public_functions[k]) == 0;
		ck_assert_msg(known == 1, "row %d: unknown function %s", i,
			      rows[i].func);
	}
}
END_TEST

/* ---- the suite ------------------------------------------------------------------ */

static void setup(void)
{
	tu_reset();
}

static void teardown(void)
{
	long live = tu_alloc_live_blocks();
	long misuses = tu_alloc_misuses();

	tu_fault_disarm();
	ck_assert_msg(live == 0, "%ld blocks leaked", live);
	ck_assert_msg(misuses == 0, "%ld allocator misuses", misuses);
}

static Suite *badinput_suite(void)
{
	Suite *s = suite_create("badinput");
	TCase *tc = tcase_create("table");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_coverage);
	tcase_add_loop_test(tc, test_row, 0, N_ROWS * N_PASSES);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(badinput_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	/* the counts are only known here without fork (CK_FORK=no);
	 * with fork, each test ran in a child */
	printf("check_badinput: %d rows x %d storage passes = %d cases",
	       N_ROWS, N_PASSES, N_ROWS * N_PASSES);
	if (rows_tried + rows_skipped > 0)
		printf(" (%d tried, %d not applicable)", rows_tried,
		       rows_skipped);
	printf("\n");
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
