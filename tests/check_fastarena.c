/* SPDX-License-Identifier: Apache-2.0 */
/*
 * check_fastarena.c - the libcheck suite "fastarena": fbump_fastarena, the
 * arena shared between threads, one TCase per feature.
 *
 * With FBUMP_TEST_SMALL set (the valgrind runs set it) the largest
 * workloads shrink.  Threads never call ck_assert: they record what they
 * saw, and the test asserts once they are joined and the arena is freed.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fastbump.h"
#include "testutil.h"

/* The white-box build's VM fault hook (lib/vm.h).  testutil installs it;
 * the threaded tests remove it, so that its lock adds no ordering between
 * threads that the library must provide itself. */
#ifndef FBUMP_TESTING
# define FBUMP_TESTING 1
#endif
#include "vm.h"

#ifdef HAVE_VALGRIND_HELGRIND_H
# include <valgrind/helgrind.h>
# define SIGNAL_WORD(addr) \
	ANNOTATE_BENIGN_RACE_SIZED((addr), sizeof(*(addr)), "test signal")
#else
# define SIGNAL_WORD(addr) ((void)(addr))
#endif

/* The library's default VM reservation (semantics: 4 GiB on 64-bit). */
#define DEFAULT_RESERVATION \
	(sizeof(void *) >= 8 ? (size_t)4 << 30 : (size_t)64 << 20)

/* The capacity of the VM arenas that need not test the default
 * reservation: reserving and releasing gigabytes is slow under memcheck
 * with --track-origins=yes (seconds per arena). */
#define VM_SMALL ((size_t)1 << 20)

/* The value the tests store in slot i, never 0 so that an unwritten slot
 * shows. */
#define VAL(i) ((long)(i) * 10 + 1)

/* ---- helpers ------------------------------------------------------------- */

/* The call fails with errno 'err' (read at once: a passing ck_assert
 * may itself call into libc). */
#define ASSERT_FAILS_INDEX(call, err) do {			\
	size_t r_;						\
	int e_;							\
								\
	errno = 0;						\
	r_ = (call);						\
	e_ = errno;						\
	ck_assert_uint_eq(r_, FBUMP_NONE);			\
	ck_assert_int_eq(e_, (err));				\
} while (0)

#define ASSERT_FAILS_PTR(call, err) do {			\
	const void *r_;						\
	int e_;							\
								\
	errno = 0;						\
	r_ = (call);						\
	e_ = errno;						\
	ck_assert_ptr_null(r_);					\
	ck_assert_int_eq(e_, (err));				\
} while (0)

/* Status calls return the errno value and also set errno. */
#define ASSERT_FAILS_STATUS(call, err) do {			\
	int r_;							\
	int e_;							\
								\
	errno = 0;						\
	r_ = (call);						\
	e_ = errno;						\
	ck_assert_int_eq(r_, (err));				\
	ck_assert_int_eq(e_, (err));				\
} while (0)

static size_t scaled(size_t normal, size_t small)
{
	return tu_small() ? small : normal;
}

/* Words the threaded tests signal through ("stop", "a writer returned"):
 * relaxed atomics, and no race for helgrind, so that neither helgrind nor
 * ThreadSanitizer sees in them an ordering that could hide a missing one
 * in the library.  Joining the threads is what orders their work. */
static int stop_signal;
static int finished_signal;

static int signal_get(const int *word)
{
	return __atomic_load_n(word, __ATOMIC_RELAXED);
}

static void signal_add(int *word, int n)
{
	__atomic_fetch_add(word, n, __ATOMIC_RELAXED);
}

static void setup(void)
{
	tu_reset();
	stop_signal = finished_signal = 0;
	SIGNAL_WORD(&stop_signal);
	SIGNAL_WORD(&finished_signal);
}

static void no_vm_hook(void)
{
	fbump_vm_fault_hook = NULL;
}

static struct fbump_config long_config(unsigned int storage, size_t capacity)
{
	struct fbump_config cfg = FBUMP_CONFIG_INIT(long);

	cfg.storage = storage;
	cfg.capacity = capacity;
	cfg.allocator = tu_allocator();
	return cfg;
}

static fbump_fastarena *create_ok(const struct fbump_config *cfg)
{
	fbump_fastarena *a = fbump_fastarena_create(cfg);

	ck_assert_msg(a != NULL, "create failed: %s", strerror(errno));
	return a;
}

/* The storage of a loop test: VM for _i == 0, FIXED for 1. */
static unsigned int storage_of(int i)
{
	return i ? FBUMP_STORAGE_FIXED : FBUMP_STORAGE_VM;
}

static fbump_fastarena *new_arena(unsigned int storage, size_t capacity)
{
	struct fbump_config cfg = long_config(storage, capacity);

	return create_ok(&cfg);
}

/* Destroys the last arena of a test and checks that nothing leaked. */
static void free_arena(fbump_fastarena *a)
{
	ck_assert_int_eq(fbump_fastarena_destroy(a), 0);
	ck_assert_int_eq(tu_alloc_live_blocks(), 0);
	ck_assert_int_eq(tu_alloc_misuses(), 0);
}

static struct fbump_fastarena_stats stats_of(const fbump_fastarena *a)
{
	struct fbump_fastarena_stats st;

	memset(&st, 0xa5, sizeof(st));
	ck_assert_int_eq(fbump_fastarena_stats(a, &st), 0);
	return st;
}

static size_t reserved_of(const fbump_fastarena *a)
{
	return stats_of(a).reserved_slots;
}

/* Appends n elements VAL(i) with alloc; checks the indices returned.
 * (Loops test with if and ck_abort_msg: every ck_assert costs a write to
 * libcheck's pipe, which valgrind makes slow.) */
static void fill(fbump_fastarena *a, size_t n)
{
	size_t start = reserved_of(a);

	for (size_t i = start; i < start + n; i++) {
		long v = VAL(i);
		size_t got = fbump_fastarena_alloc(a, &v);

		if (got != i)
			ck_abort_msg("alloc returned %zu, expected %zu (%s)",
				     got, i, strerror(errno));
	}
}

static void assert_values(const fbump_fastarena *a, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++) {
		const long *p = fbump_fastarena_get(a, i);

		if (p == NULL)
			ck_abort_msg("slot %zu not readable", i);
		if (*p != VAL(i))
			ck_abort_msg("slot %zu holds %ld, expected %ld", i, *p,
				     VAL(i));
	}
}

/* What "nothing changed" compares. */
struct state {
	size_t len;
	size_t reserved;
	size_t capacity;
};

static struct state state_of(const fbump_fastarena *a)
{
	struct fbump_fastarena_stats st = stats_of(a);
	struct state s = { st.elements, st.reserved_slots, st.capacity };

	ck_assert_uint_eq(fbump_fastarena_len(a), st.elements);
	return s;
}

static void assert_state(const fbump_fastarena *a, const struct state *s)
{
	struct state now = state_of(a);

	ck_assert_uint_eq(now.len, s->len);
	ck_assert_uint_eq(now.reserved, s->reserved);
	ck_assert_uint_eq(now.capacity, s->capacity);
}

static size_t foreach_count(const fbump_fastarena *a)
{
	size_t n = 0;

	FBUMP_FASTARENA_FOREACH(const long, p, a) {
		if (*p != VAL(n))
			ck_abort_msg("FOREACH: slot %zu holds %ld", n, *p);
		n++;
	}
	return n;
}

/* ---- create -------------------------------------------------------------- */

static void assert_empty(const fbump_fastarena *a)
{
	struct fbump_fastarena_stats st = stats_of(a);

	ck_assert_uint_eq(fbump_fastarena_len(a), 0);
	ck_assert_uint_eq(st.elements, 0);
	ck_assert_uint_eq(st.reserved_slots, 0);
	ck_assert_ptr_nonnull(fbump_fastarena_data(a));
	ck_assert_ptr_null(fbump_fastarena_get(a, 0));
}

START_TEST(test_create_vm_default)
{
	fbump_fastarena *a = new_arena(FBUMP_STORAGE_VM, 0);
	struct fbump_fastarena_stats st = stats_of(a);
	size_t want = DEFAULT_RESERVATION / sizeof(long);

	assert_empty(a);
	ck_assert_uint_eq(fbump_fastarena_stride(a), sizeof(long));
	ck_assert_uint_eq(fbump_fastarena_capacity(a), want);
	ck_assert_uint_eq(st.capacity, want);
	ck_assert_uint_ge(st.bytes_reserved, want * sizeof(long));
	ck_assert_uint_eq(st.bytes_committed, 0);
	/* slot memory comes from mmap: the allocator holds the struct only */
	ck_assert_int_eq(tu_alloc_live_blocks(), 1);
	ck_assert_uint_lt(tu_alloc_live_bytes(), 4096);
	free_arena(a);
}
END_TEST

START_TEST(test_create_vm_capacity)
{
	fbump_fastarena *a = new_arena(FBUMP_STORAGE_VM, 4096);
	struct fbump_fastarena_stats st = stats_of(a);

	assert_empty(a);
	ck_assert_uint_eq(fbump_fastarena_capacity(a), 4096);
	ck_assert_uint_eq(st.capacity, 4096);
	ck_assert_uint_ge(st.bytes_reserved, 4096 * sizeof(long));
	ck_assert_uint_lt(st.bytes_reserved, DEFAULT_RESERVATION / 8);
	ck_assert_uint_eq(st.bytes_committed, 0);
	free_arena(a);
}
END_TEST

START_TEST(test_create_fixed)
{
	fbump_fastarena *a = new_arena(FBUMP_STORAGE_FIXED, 100);
	struct fbump_fastarena_stats st = stats_of(a);

	assert_empty(a);
	ck_assert_uint_eq(fbump_fastarena_capacity(a), 100);
	ck_assert_uint_eq(st.capacity, 100);
	/* everything is usable at once: committed is all that is held */
	ck_assert_uint_ge(st.bytes_committed, 100 * sizeof(long));
	ck_assert_uint_eq(st.bytes_committed, st.bytes_reserved);
	ck_assert_uint_ge(tu_alloc_live_bytes(), 100 * sizeof(long));
	ck_assert_int_ge(tu_alloc_live_blocks(), 2);
	/* FIXED makes no VM call */
	ck_assert_int_eq(tu_vm_calls(), 0);
	free_arena(a);
}
END_TEST

START_TEST(test_create_default_allocator)
{
	struct fbump_config cfg = FBUMP_CONFIG_INIT(long);
	fbump_fastarena *a;

	cfg.storage = FBUMP_STORAGE_FIXED;
	cfg.capacity = 10;
	a = create_ok(&cfg);
	fill(a, 10);
	assert_values(a, 0, 10);
	ck_assert_int_eq(fbump_fastarena_destroy(a), 0);
	ck_assert_int_eq(tu_alloc_calls(), 0);
}
END_TEST

struct stride_case {
	size_t size, align, stride;
};

static const struct stride_case stride_cases[] = {
	{ 1, 1, 1 }, { 3, 4, 4 }, { 12, 16, 16 }, { 24, 8, 24 },
	{ 1, 0, _Alignof(max_align_t) }, { 8, 8192, 8192 },
};

START_TEST(test_create_stride_and_alignment)
{
	const struct stride_case *c = &stride_cases[_i / 2];
	struct fbump_config cfg = FBUMP_CONFIG_INIT_SIZED(c->size, c->align);
	size_t align = c->align ? c->align : _Alignof(max_align_t);
	fbump_fastarena *a;

	cfg.allocator = tu_allocator();
	cfg.storage = _i % 2 ? FBUMP_STORAGE_FIXED : FBUMP_STORAGE_VM;
	cfg.capacity = 16;
	a = create_ok(&cfg);
	ck_assert_uint_eq(fbump_fastarena_stride(a), c->stride);
	ck_assert_uint_eq((uintptr_t)fbump_fastarena_data(a) % align, 0);
	if (cfg.storage == FBUMP_STORAGE_FIXED)
		ck_assert_uint_eq(fbump_fastarena_capacity(a), 16);
	else
		ck_assert_uint_ge(fbump_fastarena_capacity(a), 16);
	free_arena(a);
}
END_TEST

static void expect_create_fails(const struct fbump_config *cfg, int err)
{
	ASSERT_FAILS_PTR(fbump_fastarena_create(cfg), err);
	ck_assert_int_eq(tu_alloc_live_blocks(), 0);
}

/* A caller built against a later version: a longer struct. */
struct config_plus {
	struct fbump_config cfg;
	unsigned char extra[16];
};

static void make_plus(struct config_plus *p)
{
	memset(p, 0, sizeof(*p));
	p->cfg = long_config(FBUMP_STORAGE_VM, 512);
	p->cfg.struct_size = sizeof(*p);
}

START_TEST(test_create_longer_struct)
{
	struct config_plus p;
	fbump_fastarena *a;

	make_plus(&p);
	a = create_ok(&p.cfg);
	ck_assert_uint_eq(fbump_fastarena_capacity(a), 512);
	free_arena(a);
	p.extra[7] = 1;
	expect_create_fails(&p.cfg, EINVAL);
}
END_TEST

START_TEST(test_create_einval)
{
	struct fbump_config base = long_config(FBUMP_STORAGE_VM, 0), cfg;

	expect_create_fails(NULL, EINVAL);
	cfg = base, cfg.struct_size = 0;
	expect_create_fails(&cfg, EINVAL);
	cfg = base, cfg.struct_size = sizeof(cfg) - 1;
	expect_create_fails(&cfg, EINVAL);
	cfg = base, cfg.elem_size = 0;
	expect_create_fails(&cfg, EINVAL);
	cfg = base, cfg.elem_align = 3;
	expect_create_fails(&cfg, EINVAL);
	cfg = base, cfg.elem_align = 24;
	expect_create_fails(&cfg, EINVAL);
	cfg = base, cfg.storage = 3;
	expect_create_fails(&cfg, EINVAL);
	cfg = base, cfg.storage = UINT_MAX;
	expect_create_fails(&cfg, EINVAL);
	cfg = base, cfg.flags = 1;
	expect_create_fails(&cfg, EINVAL);
	cfg = base, cfg.flags = 0x80000000u;
	expect_create_fails(&cfg, EINVAL);
	cfg = base, cfg.storage = FBUMP_STORAGE_FIXED, cfg.capacity = 0;
	expect_create_fails(&cfg, EINVAL);
}
END_TEST

START_TEST(test_create_incomplete_allocator)
{
	struct fbump_config cfg = long_config(FBUMP_STORAGE_FIXED, 8);
	struct fbump_allocator al = *tu_allocator();

	cfg.allocator = &al;
	al.alloc = NULL;
	expect_create_fails(&cfg, EINVAL);
	al = *tu_allocator(), al.realloc = NULL;
	expect_create_fails(&cfg, EINVAL);
	al = *tu_allocator(), al.free = NULL;
	expect_create_fails(&cfg, EINVAL);
	ck_assert_int_eq(tu_alloc_calls(), 0);
}
END_TEST

START_TEST(test_create_realloc_rejected)
{
	struct fbump_config cfg = long_config(FBUMP_STORAGE_REALLOC, 0);

	expect_create_fails(&cfg, EINVAL);
	cfg.capacity = 100;
	expect_create_fails(&cfg, EINVAL);
}
END_TEST

START_TEST(test_create_eoverflow)
{
	struct fbump_config cfg;

	/* the stride overflows */
	cfg = long_config(FBUMP_STORAGE_VM, 0);
	cfg.elem_size = SIZE_MAX, cfg.elem_align = 16;
	expect_create_fails(&cfg, EOVERFLOW);
	cfg.elem_size = SIZE_MAX - 2, cfg.elem_align = 8;
	expect_create_fails(&cfg, EOVERFLOW);
	/* capacity * stride overflows */
	cfg = long_config(FBUMP_STORAGE_VM, SIZE_MAX / sizeof(long) + 1);
	expect_create_fails(&cfg, EOVERFLOW);
	cfg = long_config(FBUMP_STORAGE_VM, SIZE_MAX);
	expect_create_fails(&cfg, EOVERFLOW);
	cfg = long_config(FBUMP_STORAGE_FIXED, SIZE_MAX / sizeof(long) + 1);
	expect_create_fails(&cfg, EOVERFLOW);
	cfg = long_config(FBUMP_STORAGE_FIXED, SIZE_MAX / 2);
	expect_create_fails(&cfg, EOVERFLOW);
}
END_TEST

/* capacity * stride fits size_t but no object may be that large */
START_TEST(test_create_too_large)
{
	static const unsigned int storages[] = {
		FBUMP_STORAGE_VM, FBUMP_STORAGE_FIXED
	};

	for (int k = 0; k < 2; k++) {
		struct fbump_config cfg = long_config(storages[k],
						      SIZE_MAX / sizeof(long));

		fbump_fastarena *a;
		int err;

		errno = 0;
		a = fbump_fastarena_create(&cfg);
		err = errno;
		ck_assert_ptr_null(a);
		ck_assert_msg(err == EOVERFLOW || err == ENOMEM, "errno %d",
			      err);
		ck_assert_int_eq(tu_alloc_live_blocks(), 0);
	}
}
END_TEST

/* ---- alloc, get, try_get ------------------------------------------------- */

START_TEST(test_alloc_indices_and_values)
{
	fbump_fastarena *a = new_arena(storage_of(_i), _i ? 200 : VM_SMALL);
	unsigned char *base = fbump_fastarena_data(a);
	long v = 42;

	fill(a, 100);
	ck_assert_uint_eq(fbump_fastarena_len(a), 100);
	assert_values(a, 0, 100);
	for (size_t i = 0; i < 100; i++) {
		ck_assert_ptr_eq(fbump_fastarena_get(a, i),
				 base + i * sizeof(long));
		ck_assert_ptr_eq(fbump_fastarena_try_get(a, i),
				 fbump_fastarena_get(a, i));
	}
	/* the value is copied */
	ck_assert_uint_eq(fbump_fastarena_alloc(a, &v), 100);
	v = 43;
	ck_assert_int_eq(*(long *)fbump_fastarena_get(a, 100), 42);
	free_arena(a);
}
END_TEST

START_TEST(test_alloc_einval)
{
	fbump_fastarena *a = new_arena(FBUMP_STORAGE_VM, VM_SMALL);
	struct state s = state_of(a);
	long v = 1;

	ASSERT_FAILS_INDEX(fbump_fastarena_alloc(NULL, &v), EINVAL);
	ASSERT_FAILS_INDEX(fbump_fastarena_alloc(a, NULL), EINVAL);
	assert_state(a, &s);
	free_arena(a);
}
END_TEST

START_TEST(test_get_out_of_range)
{
	fbump_fastarena *a = new_arena(FBUMP_STORAGE_VM, VM_SMALL);

	ck_assert_ptr_null(fbump_fastarena_get(a, 0));
	ASSERT_FAILS_PTR(fbump_fastarena_try_get(a, 0), ERANGE);
	fill(a, 3);
	ck_assert_ptr_null(fbump_fastarena_get(a, 3));
	ck_assert_ptr_null(fbump_fastarena_get(a, SIZE_MAX));
	ASSERT_FAILS_PTR(fbump_fastarena_try_get(a, 3), ERANGE);
	ASSERT_FAILS_PTR(fbump_fastarena_try_get(a, SIZE_MAX), ERANGE);
	ASSERT_FAILS_PTR(fbump_fastarena_try_get(NULL, 0), EINVAL);
	assert_values(a, 0, 3);
	free_arena(a);
}
END_TEST

START_TEST(test_get_unpublished_eagain)
{
	fbump_fastarena *a = new_arena(FBUMP_STORAGE_VM, VM_SMALL);
	size_t i = SIZE_MAX;
	long *p;

	fill(a, 2);
	p = fbump_fastarena_alloc_begin(a, &i);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(i, 2);
	*p = VAL(2);
	ck_assert_ptr_null(fbump_fastarena_get(a, 2));
	ASSERT_FAILS_PTR(fbump_fastarena_try_get(a, 2), EAGAIN);
	ASSERT_FAILS_PTR(fbump_fastarena_try_get(a, 3), ERANGE);
	ck_assert_int_eq(fbump_fastarena_alloc_publish(a, 2), 0);
	ck_assert_ptr_eq(fbump_fastarena_try_get(a, 2), p);
	assert_values(a, 0, 3);
	free_arena(a);
}
END_TEST

/* ---- alloc_begin, alloc_publish ------------------------------------------ */

START_TEST(test_begin_einval)
{
	fbump_fastarena *a = new_arena(FBUMP_STORAGE_VM, VM_SMALL);
	struct state s = state_of(a);
	size_t i;

	ASSERT_FAILS_PTR(fbump_fastarena_alloc_begin(NULL, &i), EINVAL);
	ASSERT_FAILS_PTR(fbump_fastarena_alloc_begin(a, NULL), EINVAL);
	assert_state(a, &s);
	free_arena(a);
}
END_TEST

START_TEST(test_begin_invisible_until_published)
{
	fbump_fastarena *a = new_arena(FBUMP_STORAGE_VM, VM_SMALL);
	struct fbump_fastarena_stats st;
	size_t i = SIZE_MAX;
	long *p;

	fill(a, 3);
	p = fbump_fastarena_alloc_begin(a, &i);
	ck_assert_uint_eq(i, 3);
	ck_assert_ptr_eq(p, (unsigned char *)fbump_fastarena_data(a) +
			    3 * sizeof(long));
	*p = VAL(3);
	st = stats_of(a);
	ck_assert_uint_eq(st.elements, 3);
	ck_assert_uint_eq(st.reserved_slots, 4);
	ck_assert_uint_eq(fbump_fastarena_len(a), 3);
	ck_assert_uint_eq(fbump_fastarena_checkpoint(a).len, 3);
	ck_assert_uint_eq(foreach_count(a), 3);
	ck_assert_ptr_null(fbump_fastarena_get(a, 3));
	ck_assert_int_eq(fbump_fastarena_alloc_publish(a, 3), 0);
	ck_assert_uint_eq(fbump_fastarena_len(a), 4);
	ck_assert_uint_eq(foreach_count(a), 4);
	ck_assert_ptr_eq(fbump_fastarena_get(a, 3), p);
	assert_values(a, 0, 4);
	free_arena(a);
}
END_TEST

START_TEST(test_publish_einval)
{
	fbump_fastarena *a = new_arena(FBUMP_STORAGE_VM, VM_SMALL);
	struct state s;
	size_t i;
	long *p;

	fill(a, 2);
	p = fbump_fastarena_alloc_begin(a, &i);
	*p = VAL(i);
	ck_assert_int_eq(fbump_fastarena_alloc_publish(a, i), 0);
	s = state_of(a);
	/* twice */
	ASSERT_FAILS_STATUS(fbump_fastarena_alloc_publish(a, i), EINVAL);
	/* a slot that alloc handed out and finished */
	ASSERT_FAILS_STATUS(fbump_fastarena_alloc_publish(a, 0), EINVAL);
	/* out of range */
	ASSERT_FAILS_STATUS(fbump_fastarena_alloc_publish(a, 3), EINVAL);
	ASSERT_FAILS_STATUS(fbump_fastarena_alloc_publish(a, 4), EINVAL);
	ASSERT_FAILS_STATUS(fbump_fastarena_alloc_publish(a, SIZE_MAX), EINVAL);
	ASSERT_FAILS_STATUS(fbump_fastarena_alloc_publish(NULL, 0), EINVAL);
	assert_state(a, &s);
	assert_values(a, 0, 3);
	free_arena(a);
}
END_TEST

START_TEST(test_publish_out_of_order)
{
	fbump_fastarena *a = new_arena(FBUMP_STORAGE_VM, VM_SMALL);
	size_t i, j;
	long *p = fbump_fastarena_alloc_begin(a, &i);
	long *q = fbump_fastarena_alloc_begin(a, &j);

	ck_assert_uint_eq(i, 0);
	ck_assert_uint_eq(j, 1);
	*p = VAL(0);
	*q = VAL(1);
	ck_assert_int_eq(fbump_fastarena_alloc_publish(a, 1), 0);
	/* finished but behind an unfinished slot: readable, not published */
	ck_assert_uint_eq(fbump_fastarena_len(a), 0);
	ck_assert_ptr_eq(fbump_fastarena_get(a, 1), q);
	ck_assert_ptr_eq(fbump_fastarena_try_get(a, 1), q);
	ck_assert_ptr_null(fbump_fastarena_get(a, 0));
	ASSERT_FAILS_STATUS(fbump_fastarena_alloc_publish(a, 1), EINVAL);
	ck_assert_int_eq(fbump_fastarena_alloc_publish(a, 0), 0);
	ck_assert_uint_eq(fbump_fastarena_len(a), 2);
	assert_values(a, 0, 2);
	free_arena(a);
}
END_TEST

START_TEST(test_begin_blocks_prefix_not_writers)
{
	fbump_fastarena *a = new_arena(FBUMP_STORAGE_VM, VM_SMALL);
	size_t s;
	long *p = fbump_fastarena_alloc_begin(a, &s);
	long v = VAL(1);

	ck_assert_uint_eq(fbump_fastarena_alloc(a, &v), 1);
	fill(a, 8);
	ck_assert_uint_eq(fbump_fastarena_len(a), 0);
	ck_assert_uint_eq(reserved_of(a), 10);
	for (size_t i = 1; i < 10; i++)
		ck_assert_int_eq(*(long *)fbump_fastarena_try_get(a, i),
				 VAL(i));
	*p = VAL(0);
	ck_assert_int_eq(fbump_fastarena_alloc_publish(a, s), 0);
	ck_assert_uint_eq(fbump_fastarena_len(a), 10);
	assert_values(a, 0, 10);
	free_arena(a);
}
END_TEST

/* ---- alloc_extend -------------------------------------------------------- */

START_TEST(test_extend_contiguous)
{
	fbump_fastarena *a = new_arena(storage_of(_i), _i ? 100 : VM_SMALL);
	long v[10];

	fill(a, 2);
	for (size_t k = 0; k < 10; k++)
		v[k] = VAL(2 + k);
	ck_assert_uint_eq(fbump_fastarena_alloc_extend(a, v, 10), 2);
	ck_assert_uint_eq(fbump_fastarena_len(a), 12);
	for (size_t k = 0; k < 10; k++)
		v[k] = VAL(12 + k);
	ck_assert_uint_eq(fbump_fastarena_alloc_extend(a, v, 10), 12);
	ck_assert_uint_eq(fbump_fastarena_alloc_extend(a, v, 1), 22);
	ck_assert_int_eq(*(long *)fbump_fastarena_get(a, 22), VAL(12));
	assert_values(a, 0, 22);
	free_arena(a);
}
END_TEST

START_TEST(test_extend_large_batch)
{
	size_t n = 100000;
	long *v = malloc(n * sizeof(*v));
	fbump_fastarena *a = new_arena(FBUMP_STORAGE_VM, VM_SMALL);

	ck_assert_ptr_nonnull(v);
	fill(a, 1);
	for (size_t k = 0; k < n; k++)
		v[k] = VAL(1 + k);
	ck_assert_uint_eq(fbump_fastarena_alloc_extend(a, v, n), 1);
	free(v);
	ck_assert_uint_eq(fbump_fastarena_len(a), n + 1);
	assert_values(a, 0, n + 1);
	free_arena(a);
}
END_TEST

START_TEST(test_extend_zero)
{
	fbump_fastarena *a = new_arena(FBUMP_STORAGE_VM, VM_SMALL);
	struct state s;
	size_t i, r;
	long v = 5, *p;
	int err;

	ck_assert_uint_eq(fbump_fastarena_alloc_extend(a, NULL, 0), 0);
	fill(a, 3);
	ck_assert_uint_eq(fbump_fastarena_alloc_extend(a, &v, 0), 3);
	/* the reserved count, not the published one */
	p = fbump_fastarena_alloc_begin(a, &i);
	ck_assert_ptr_nonnull(p);
	s = state_of(a);
	errno = 0;
	r = fbump_fastarena_alloc_extend(a, NULL, 0);
	err = errno;
	ck_assert_uint_eq(r, 4);
	ck_assert_int_eq(err, 0);
	assert_state(a, &s);
	*p = VAL(3);
	ck_assert_ptr_null(fbump_fastarena_get(a, 3));
	ck_assert_int_eq(fbump_fastarena_alloc_publish(a, i), 0);
	assert_values(a, 0, 4);
	free_arena(a);
}
END_TEST

START_TEST(test_extend_einval)
{
	fbump_fastarena *a = new_arena(FBUMP_STORAGE_VM, VM_SMALL);
	struct state s = state_of(a);
	long v = 1;

	ASSERT_FAILS_INDEX(fbump_fastarena_alloc_extend(NULL, &v, 1), EINVAL);
	ASSERT_FAILS_INDEX(fbump_fastarena_alloc_extend(NULL, NULL, 0), EINVAL);
	ASSERT_FAILS_INDEX(fbump_fastarena_alloc_extend(a, NULL, 1), EINVAL);
	assert_state(a, &s);
	free_arena(a);
}
END_TEST

START_TEST(test_extend_overflow)
{
	fbump_fastarena *a = new_arena(FBUMP_STORAGE_VM, VM_SMALL);
	struct state s;
	long v = 1;
	size_t r;
	int err;

	fill(a, 1);
	s = state_of(a);
	/* n * stride overflows */
	ASSERT_FAILS_INDEX(fbump_fastarena_alloc_extend(a, &v, SIZE_MAX),
			   EOVERFLOW);
	ASSERT_FAILS_INDEX(fbump_fastarena_alloc_extend(a, &v,
				SIZE_MAX / sizeof(long) + 1), EOVERFLOW);
	/* n * stride fits, (len + n) * stride does not: all or nothing */
	errno = 0;
	r = fbump_fastarena_alloc_extend(a, &v, SIZE_MAX / sizeof(long));
	err = errno;
	ck_assert_uint_eq(r, FBUMP_NONE);
	ck_assert_msg(err == EOVERFLOW || err == ENOSPC, "errno %d", err);
	assert_state(a, &s);
	fill(a, 1);
	assert_values(a, 0, 2);
	free_arena(a);
}
END_TEST

START_TEST(test_extend_overflow_stride1)
{
	struct fbump_config cfg = FBUMP_CONFIG_INIT_SIZED(1, 1);
	fbump_fastarena *a;
	unsigned char c = 7;

	cfg.allocator = tu_allocator();
	cfg.capacity = VM_SMALL;
	a = create_ok(&cfg);
	ck_assert_uint_eq(fbump_fastarena_alloc(a, &c), 0);
	/* len + n overflows */
	ASSERT_FAILS_INDEX(fbump_fastarena_alloc_extend(a, &c, SIZE_MAX),
			   EOVERFLOW);
	ck_assert_uint_eq(reserved_of(a), 1);
	ck_assert_uint_eq(fbump_fastarena_alloc(a, &c), 1);
	free_arena(a);
}
END_TEST

/* Elements closer together in the input than in the arena. */
START_TEST(test_extend_stride_gt_elem_size)
{
	struct fbump_config cfg = FBUMP_CONFIG_INIT_SIZED(3, 4);
	unsigned char in[3 * 50];
	fbump_fastarena *a;

	cfg.allocator = tu_allocator();
	cfg.storage = storage_of(_i);
	cfg.capacity = 64;
	a = create_ok(&cfg);
	for (size_t k = 0; k < sizeof(in); k++)
		in[k] = (unsigned char)(k + 1);
	ck_assert_uint_eq(fbump_fastarena_stride(a), 4);
	ck_assert_uint_eq(fbump_fastarena_alloc(a, in), 0);
	ck_assert_uint_eq(fbump_fastarena_alloc_extend(a, in, 50), 1);
	ck_assert_uint_eq(fbump_fastarena_len(a), 51);
	ck_assert_int_eq(memcmp(fbump_fastarena_get(a, 0), in, 3), 0);
	for (size_t k = 0; k < 50; k++) {
		const unsigned char *p = fbump_fastarena_get(a, 1 + k);

		ck_assert_ptr_eq(p, (unsigned char *)fbump_fastarena_data(a) +
				    (1 + k) * 4);
		if (memcmp(p, in + 3 * k, 3) != 0)
			ck_abort_msg("element %zu of the batch differs", k);
	}
	free_arena(a);
}
END_TEST

/* ---- len, data, stride, FOREACH ------------------------------------------ */

START_TEST(test_data_never_moves)
{
	fbump_fastarena *a = new_arena(storage_of(_i), _i ? 50000 : VM_SMALL);
	void *base = fbump_fastarena_data(a);

	ck_assert_ptr_nonnull(base);
	ck_assert_uint_eq(fbump_fastarena_stride(a), sizeof(long));
	fill(a, 50000);
	ck_assert_ptr_eq(fbump_fastarena_data(a), base);
	ck_assert_int_eq(fbump_fastarena_reset(a), 0);
	ck_assert_ptr_eq(fbump_fastarena_data(a), base);
	free_arena(a);
}
END_TEST

START_TEST(test_foreach)
{
	fbump_fastarena *a = new_arena(FBUMP_STORAGE_VM, VM_SMALL);
	size_t n = 0;

	FBUMP_FASTARENA_FOREACH(long, p, a)
		n += (size_t)*p;
	ck_assert_uint_eq(n, 0);
	fill(a, 1000);
	ck_assert_uint_eq(foreach_count(a), 1000);
	/* the slice is data() and len() */
	for (size_t i = 0; i < fbump_fastarena_len(a); i++)
		ck_assert_int_eq(((long *)fbump_fastarena_data(a))[i], VAL(i));
	free_arena(a);
}
END_TEST

/* An element type that is a pointer; a break leaves the whole loop, a
 * continue moves to the next element. */
START_TEST(test_foreach_pointer_type)
{
	struct fbump_config cfg = FBUMP_CONFIG_INIT(const char *);
	fbump_fastarena *a = create_ok(&cfg);
	static const char *const words[] = { "a", "bc", "def", "stop", "x" };
	size_t chars = 0, visits = 0;

	for (size_t k = 0; k < sizeof(words) / sizeof(words[0]); k++)
		ck_assert_uint_eq(fbump_fastarena_alloc(a, &words[k]), k);
	FBUMP_FASTARENA_FOREACH(const char *, w, a) {
		visits++;
		if (strcmp(*w, "stop") == 0)
			break;
		chars += strlen(*w);
	}
	ck_assert_uint_eq(visits, 4);
	ck_assert_uint_eq(chars, 6);
	/* continue moves the cursor and the count together */
	visits = chars = 0;
	FBUMP_FASTARENA_FOREACH(const char *, w, a) {
		visits++;
		if (strlen(*w) % 2 == 0)
			continue;
		chars += strlen(*w);
	}
	ck_assert_uint_eq(visits, 5);
	ck_assert_uint_eq(chars, 5); /* "a", "def", "x" */
	free_arena(a);
}
END_TEST

START_TEST(test_foreach_reads_len_once)
{
	fbump_fastarena *a = new_arena(FBUMP_STORAGE_VM, VM_SMALL);
	size_t seen = 0;

	fill(a, 10);
	FBUMP_FASTARENA_FOREACH(long, p, a) {
		long v = VAL(10 + seen);

		ck_assert_int_eq(*p, VAL(seen));
		ck_assert_uint_eq(fbump_fastarena_alloc(a, &v), 10 + seen);
		seen++;
	}
	ck_assert_uint_eq(seen, 10);
	ck_assert_uint_eq(fbump_fastarena_len(a), 20);
	assert_values(a, 0, 20);
	free_arena(a);
}
END_TEST

START_TEST(test_foreach_stops_at_unpublished)
{
	fbump_fastarena *a = new_arena(FBUMP_STORAGE_VM, VM_SMALL);
	size_t i;
	long *p;

	fill(a, 5);
	p = fbump_fastarena_alloc_begin(a, &i);
	fill(a, 5);
	ck_assert_uint_eq(foreach_count(a), 5);
	*p = VAL(i);
	ck_assert_int_eq(fbump_fastarena_alloc_publish(a, i), 0);
	ck_assert_uint_eq(foreach_count(a), 11);
	free_arena(a);
}
END_TEST

START_TEST(test_queries_null)
{
	fbump_fastarena *a = new_arena(FBUMP_STORAGE_VM, VM_SMALL);
	struct fbump_fastarena_stats st;
	fbump_checkpoint cp;
	size_t r;
	int err;

	errno = 0;
	r = fbump_fastarena_len(NULL);
	err = errno;
	ck_assert_uint_eq(r, 0);
	ck_assert_int_eq(err, EINVAL);
	errno = 0;
	r = fbump_fastarena_capacity(NULL);
	err = errno;
	ck_assert_uint_eq(r, 0);
	ck_assert_int_eq(err, EINVAL);
	ASSERT_FAILS_STATUS(fbump_fastarena_stats(NULL, &st), EINVAL);
	ASSERT_FAILS_STATUS(fbump_fastarena_stats(a, NULL), EINVAL);
	errno = 0;
	cp = fbump_fastarena_checkpoint(NULL);
	err = errno;
	ck_assert_int_eq(err, EINVAL);
	ck_assert_uint_eq(cp.arena_id, 0);
	ck_assert_uint_eq(cp.len, 0);
	free_arena(a);
}
END_TEST

/* ---- capacity and full --------------------------------------------------- */

/* Fills an arena of capacity n, checks every way of running past it, and
 * that the arena stays usable. */
static void check_full(fbump_fastarena *a, size_t n)
{
	struct state s;
	long v[4] = { 1, 2, 3, 4 };
	size_t i;

	ck_assert_uint_eq(fbump_fastarena_capacity(a), n);
	ck_assert_uint_eq(stats_of(a).capacity, n);
	fill(a, n - 3);
	s = state_of(a);
	/* a batch that does not fit reserves nothing */
	ASSERT_FAILS_INDEX(fbump_fastarena_alloc_extend(a, v, 4), ENOSPC);
	assert_state(a, &s);
	fill(a, 3);
	s = state_of(a);
	ck_assert_uint_eq(s.len, n);
	ASSERT_FAILS_INDEX(fbump_fastarena_alloc(a, v), ENOSPC);
	ASSERT_FAILS_INDEX(fbump_fastarena_alloc_extend(a, v, 1), ENOSPC);
	ASSERT_FAILS_PTR(fbump_fastarena_alloc_begin(a, &i), ENOSPC);
	ASSERT_FAILS_INDEX(fbump_fastarena_alloc(a, v), ENOSPC);
	assert_state(a, &s);
	assert_values(a, 0, n);
	ck_assert_int_eq(fbump_fastarena_reset(a), 0);
	fill(a, n);
	assert_values(a, 0, n);
	free_arena(a);
}

START_TEST(test_full_fixed)
{
	check_full(new_arena(FBUMP_STORAGE_FIXED, 100), 100);
}
END_TEST

/* capacity * stride a whole number of pages */
START_TEST(test_full_vm_page_multiple)
{
	size_t n = 4096 * 4 / sizeof(long);

	check_full(new_arena(FBUMP_STORAGE_VM, n), n);
}
END_TEST

/* capacity * stride not a whole number of pages: the capacity is still
 * the number of elements asked for */
START_TEST(test_full_vm_exact)
{
	check_full(new_arena(FBUMP_STORAGE_VM, 1000), 1000);
}
END_TEST

START_TEST(test_full_fixed_small)
{
	check_full(new_arena(FBUMP_STORAGE_FIXED, 3), 3);
}
END_TEST

/* ---- growth across many commits ------------------------------------------ */

#define HELD 64

START_TEST(test_growth_pointers_stable)
{
	struct fbump_config cfg = FBUMP_CONFIG_INIT(uint64_t);
	size_t n = scaled(2000000, 200000);
	uint64_t *held[HELD];
	fbump_fastarena *a;
	void *base;
	size_t first_commit = 0;

	cfg.allocator = tu_allocator();
	a = create_ok(&cfg);
	base = fbump_fastarena_data(a);
	for (uint64_t i = 0; i < n; i++) {
		uint64_t v = i * 0x9e3779b97f4a7c15u;

		if (fbump_fastarena_alloc(a, &v) != i)
			ck_abort_msg("alloc %llu: %s", (unsigned long long)i,
				     strerror(errno));
		if (i < HELD)
			held[i] = fbump_fastarena_get(a, i);
		if (i == 0)
			first_commit = stats_of(a).bytes_committed;
	}
	ck_assert_ptr_eq(fbump_fastarena_data(a), base);
	ck_assert_uint_eq(fbump_fastarena_len(a), n);
	for (uint64_t i = 0; i < HELD; i++) {
		ck_assert_ptr_eq(held[i], fbump_fastarena_get(a, i));
		ck_assert_uint_eq(*held[i], i * 0x9e3779b97f4a7c15u);
	}
	for (uint64_t i = 0; i < n; i++)
		if (((uint64_t *)base)[i] != i * 0x9e3779b97f4a7c15u)
			ck_abort_msg("element %llu changed",
				     (unsigned long long)i);
	/* it grew in several steps */
	ck_assert_uint_lt(first_commit, n * sizeof(uint64_t));
	ck_assert_uint_ge(stats_of(a).bytes_committed, n * sizeof(uint64_t));
	free_arena(a);
}
END_TEST

/* ---- stats --------------------------------------------------------------- */

START_TEST(test_stats_empty_vm)
{
	fbump_fastarena *a = new_arena(FBUMP_STORAGE_VM, VM_SMALL);
	struct fbump_fastarena_stats st = stats_of(a);

	ck_assert_uint_eq(st.elements, 0);
	ck_assert_uint_eq(st.reserved_slots, 0);
	ck_assert_uint_eq(st.bytes_committed, 0);
	ck_assert_uint_eq(st.capacity, fbump_fastarena_capacity(a));
	ck_assert_uint_ge(st.bytes_reserved, st.capacity * sizeof(long));
	free_arena(a);
}
END_TEST

START_TEST(test_stats_grow_with_use)
{
	fbump_fastarena *a = new_arena(FBUMP_STORAGE_VM, (size_t)1 << 26);
	struct fbump_fastarena_stats one, many;
	size_t i;
	long *p;

	fill(a, 1);
	one = stats_of(a);
	ck_assert_uint_eq(one.elements, 1);
	ck_assert_uint_eq(one.reserved_slots, 1);
	ck_assert_uint_ge(one.bytes_committed, sizeof(long) + 1);
	ck_assert_uint_lt(one.bytes_committed, one.bytes_reserved / 1000);
	fill(a, 99999);
	p = fbump_fastarena_alloc_begin(a, &i);
	ck_assert_ptr_nonnull(p);
	many = stats_of(a);
	ck_assert_uint_eq(many.elements, 100000);
	ck_assert_uint_eq(many.reserved_slots, 100001);
	ck_assert_uint_gt(many.bytes_committed, one.bytes_committed);
	ck_assert_uint_ge(many.bytes_committed, 100001 * (sizeof(long) + 1));
	ck_assert_uint_lt(many.bytes_committed, many.bytes_reserved / 100);
	ck_assert_uint_eq(many.bytes_reserved, one.bytes_reserved);
	ck_assert_uint_eq(many.capacity, one.capacity);
	*p = VAL(i);
	ck_assert_int_eq(fbump_fastarena_alloc_publish(a, i), 0);
	/* reset keeps what was committed */
	ck_assert_int_eq(fbump_fastarena_reset(a), 0);
	ck_assert_uint_eq(stats_of(a).bytes_committed, many.bytes_committed);
	ck_assert_uint_eq(stats_of(a).elements, 0);
	free_arena(a);
}
END_TEST

/* ---- checkpoint, rollback, reset, drain, destroy ------------------------- */

#define PROBE_CAP 64
#define REENTRANT_CALLS 7

/* What a destructor or drain callback saw. */
struct probe {
	fbump_fastarena *arena;
	size_t calls;
	long values[PROBE_CAP];
	size_t lens[PROBE_CAP];		/* destructor: len() inside it */
	size_t indices[PROBE_CAP];	/* drain: the index passed */
	bool reenter;			/* try every mutating call */
	size_t busy;			/* ... refused with EBUSY */
	size_t wrong;			/* ... that did anything else */
	size_t bad_reads;		/* reading calls that failed */
};

static void drain_nothing(void *elem, size_t index, void *ctx)
{
	(void)elem, (void)index, (void)ctx;
}

static void expect_busy(struct probe *p, bool failed)
{
	if (failed && errno == EBUSY)
		p->busy++;
	else
		p->wrong++;
}

static void try_reenter(struct probe *p)
{
	fbump_fastarena *a = p->arena;
	fbump_checkpoint cp = fbump_fastarena_checkpoint(a);
	long v = -1;
	size_t i;

	errno = 0;
	expect_busy(p, fbump_fastarena_alloc(a, &v) == FBUMP_NONE);
	errno = 0;
	expect_busy(p, fbump_fastarena_alloc_begin(a, &i) == NULL);
	errno = 0;
	expect_busy(p, fbump_fastarena_alloc_extend(a, &v, 1) == FBUMP_NONE);
	cp.len = 0;
	errno = 0;
	expect_busy(p, fbump_fastarena_rollback(a, cp) == EBUSY);
	errno = 0;
	expect_busy(p, fbump_fastarena_reset(a) == EBUSY);
	errno = 0;
	expect_busy(p, fbump_fastarena_drain(a, drain_nothing, NULL) == EBUSY);
	errno = 0;
	expect_busy(p, fbump_fastarena_destroy(a) == EBUSY);
}

/* Reading calls are allowed from callbacks. */
static void check_reads(struct probe *p)
{
	const fbump_fastarena *a = p->arena;
	struct fbump_fastarena_stats st;
	size_t len = fbump_fastarena_len(a);

	if (fbump_fastarena_stats(a, &st) != 0 || st.elements != len ||
	    fbump_fastarena_checkpoint(a).arena_id == 0 ||
	    fbump_fastarena_capacity(a) == 0 || fbump_fastarena_data(a) == NULL)
		p->bad_reads++;
	if (len > 0) {
		const long *last = fbump_fastarena_get(a, len - 1);

		if (last == NULL || *last != VAL(len - 1))
			p->bad_reads++;
	}
}

static void probe_record(struct probe *p, const void *elem, size_t index)
{
	if (p->calls < PROBE_CAP) {
		p->values[p->calls] = *(const long *)elem;
		p->lens[p->calls] = fbump_fastarena_len(p->arena);
		p->indices[p->calls] = index;
	}
	p->calls++;
	check_reads(p);
	if (p->reenter)
		try_reenter(p);
}

static void probe_destructor(void *elem, void *ctx)
{
	probe_record(ctx, elem, SIZE_MAX);
}

static void probe_drain(void *elem, size_t index, void *ctx)
{
	probe_record(ctx, elem, index);
}

/* Forgets what the probe saw. */
static void probe_clear(struct probe *p, bool reenter)
{
	fbump_fastarena *a = p->arena;

	memset(p, 0, sizeof(*p));
	p->arena = a;
	p->reenter = reenter;
}

static fbump_fastarena *probed_arena(struct probe *p, unsigned int storage)
{
	struct fbump_config cfg = long_config(storage, 1000);

	memset(p, 0, sizeof(*p));
	cfg.destructor = probe_destructor;
	cfg.destructor_ctx = p;
	p->arena = create_ok(&cfg);
	return p->arena;
}

/* The probe saw slots to - 1 down to from, each destroyed after len()
 * had dropped to its index. */
static void assert_destroyed_reverse(const struct probe *p, size_t from,
				     size_t to)
{
	ck_assert_uint_eq(p->calls, to - from);
	for (size_t k = 0; k < to - from; k++) {
		ck_assert_int_eq(p->values[k], VAL(to - 1 - k));
		ck_assert_uint_eq(p->lens[k], to - 1 - k);
	}
	ck_assert_uint_eq(p->bad_reads, 0);
}

START_TEST(test_rollback_reverse_order)
{
	struct probe p;
	fbump_fastarena *a = probed_arena(&p, storage_of(_i));
	fbump_checkpoint cp;

	fill(a, 4);
	cp = fbump_fastarena_checkpoint(a);
	ck_assert_uint_eq(cp.len, 4);
	ck_assert_uint_ne(cp.arena_id, 0);
	fill(a, 6);
	ck_assert_int_eq(fbump_fastarena_rollback(a, cp), 0);
	assert_destroyed_reverse(&p, 4, 10);
	ck_assert_uint_eq(fbump_fastarena_len(a), 4);
	ck_assert_uint_eq(reserved_of(a), 4);
	ck_assert_ptr_null(fbump_fastarena_get(a, 4));
	ASSERT_FAILS_PTR(fbump_fastarena_try_get(a, 4), ERANGE);
	assert_values(a, 0, 4);
	/* the indices are reused */
	fill(a, 2);
	assert_values(a, 0, 6);
	p.calls = 0;
	ck_assert_int_eq(fbump_fastarena_destroy(a), 0);
	ck_assert_uint_eq(p.calls, 6);
	ck_assert_int_eq(tu_alloc_live_blocks(), 0);
}
END_TEST

START_TEST(test_rollback_to_len_is_noop)
{
	struct probe p;
	fbump_fastarena *a = probed_arena(&p, FBUMP_STORAGE_VM);
	struct state s;

	fill(a, 3);
	s = state_of(a);
	ck_assert_int_eq(fbump_fastarena_rollback(a,
			 fbump_fastarena_checkpoint(a)), 0);
	ck_assert_uint_eq(p.calls, 0);
	assert_state(a, &s);
	assert_values(a, 0, 3);
	free_arena(a);
}
END_TEST

/* The epoch of the published word (fbump_fastarena_head): the bits above
 * the count. */
static uint64_t epoch_of(const fbump_fastarena *a)
{
	const struct fbump_fastarena_head *h =
		(const struct fbump_fastarena_head *)a;

	return __atomic_load_n(&h->published, __ATOMIC_RELAXED) >> 40;
}

/* Only a section that lowers the count starts a new epoch, once however
 * many slots it drops: sections that drop nothing leave it alone, so the
 * epoch's 24 bits wrap as slowly as they can (doc/design-fastarena.md). */
START_TEST(test_epoch_moves_only_when_count_drops)
{
	fbump_fastarena *a = new_arena(FBUMP_STORAGE_VM, VM_SMALL);
	fbump_checkpoint cp, beyond;
	uint64_t e;

	e = epoch_of(a);
	ck_assert_int_eq(fbump_fastarena_reset(a), 0);	/* empty */
	ck_assert_int_eq(fbump_fastarena_drain(a, drain_nothing, NULL), 0);
	fill(a, 5);
	cp = fbump_fastarena_checkpoint(a);
	ck_assert_int_eq(fbump_fastarena_rollback(a, cp), 0); /* to len */
	beyond = cp;
	beyond.len++;
	ASSERT_FAILS_STATUS(fbump_fastarena_rollback(a, beyond), EINVAL);
	ck_assert_uint_eq(epoch_of(a), e);
	cp.len = 2;
	ck_assert_int_eq(fbump_fastarena_rollback(a, cp), 0); /* drops 3 */
	ck_assert_uint_eq(epoch_of(a), (e + 1) & 0xffffff);
	ck_assert_int_eq(fbump_fastarena_reset(a), 0);	/* drops 2 */
	ck_assert_uint_eq(epoch_of(a), (e + 2) & 0xffffff);
	fill(a, 3);
	assert_values(a, 0, 3);
	free_arena(a);
}
END_TEST

START_TEST(test_rollback_einval)
{
	struct probe p;
	fbump_fastarena *a = probed_arena(&p, FBUMP_STORAGE_VM);
	fbump_fastarena *other = new_arena(FBUMP_STORAGE_VM, VM_SMALL);
	fbump_checkpoint mine, theirs, beyond, stale, none = { 0, 0 };
	struct state s;

	fill(a, 5);
	stale = fbump_fastarena_checkpoint(a);
	fill(other, 2);
	theirs = fbump_fastarena_checkpoint(other);
	ck_assert_uint_ne(theirs.arena_id, stale.arena_id);
	mine = fbump_fastarena_checkpoint(a);
	mine.len = 2;
	ck_assert_int_eq(fbump_fastarena_rollback(a, mine), 0);
	p.calls = 0;
	s = state_of(a);
	beyond = fbump_fastarena_checkpoint(a);
	beyond.len++;
	ASSERT_FAILS_STATUS(fbump_fastarena_rollback(a, theirs), EINVAL);
	ASSERT_FAILS_STATUS(fbump_fastarena_rollback(a, beyond), EINVAL);
	ASSERT_FAILS_STATUS(fbump_fastarena_rollback(a, stale), EINVAL);
	ASSERT_FAILS_STATUS(fbump_fastarena_rollback(a, none), EINVAL);
	ASSERT_FAILS_STATUS(fbump_fastarena_rollback(NULL, mine), EINVAL);
	ck_assert_uint_eq(p.calls, 0);
	assert_state(a, &s);
	assert_values(a, 0, 2);
	ck_assert_int_eq(fbump_fastarena_destroy(other), 0);
	free_arena(a);
}
END_TEST

START_TEST(test_reset)
{
	struct probe p;
	fbump_fastarena *a = probed_arena(&p, storage_of(_i));
	size_t committed;

	ck_assert_int_eq(fbump_fastarena_reset(a), 0);
	ck_assert_uint_eq(p.calls, 0);
	fill(a, 20);
	committed = stats_of(a).bytes_committed;
	ck_assert_int_eq(fbump_fastarena_reset(a), 0);
	assert_destroyed_reverse(&p, 0, 20);
	assert_empty(a);
	ck_assert_uint_eq(stats_of(a).bytes_committed, committed);
	fill(a, 3);
	assert_values(a, 0, 3);
	ASSERT_FAILS_STATUS(fbump_fastarena_reset(NULL), EINVAL);
	free_arena(a);
}
END_TEST

START_TEST(test_drain)
{
	struct probe p, d;
	fbump_fastarena *a = probed_arena(&p, storage_of(_i));
	size_t committed;

	memset(&d, 0, sizeof(d));
	d.arena = a;
	fill(a, 30);
	committed = stats_of(a).bytes_committed;
	ASSERT_FAILS_STATUS(fbump_fastarena_drain(a, NULL, NULL), EINVAL);
	ASSERT_FAILS_STATUS(fbump_fastarena_drain(NULL, probe_drain, &d),
			    EINVAL);
	ck_assert_uint_eq(fbump_fastarena_len(a), 30);
	ck_assert_int_eq(fbump_fastarena_drain(a, probe_drain, &d), 0);
	ck_assert_uint_eq(d.calls, 30);
	for (size_t k = 0; k < 30; k++) {
		ck_assert_int_eq(d.values[k], VAL(k));
		ck_assert_uint_eq(d.indices[k], k);
	}
	ck_assert_uint_eq(d.bad_reads, 0);
	ck_assert_uint_eq(p.calls, 0);	/* fn took them: no destructor */
	assert_empty(a);
	ck_assert_uint_eq(stats_of(a).bytes_committed, committed);
	fill(a, 2);
	assert_values(a, 0, 2);
	free_arena(a);
	ck_assert_uint_eq(p.calls, 2);
}
END_TEST

START_TEST(test_destroy_in_order)
{
	struct tu_recorder r;
	struct fbump_config cfg = long_config(FBUMP_STORAGE_VM, VM_SMALL);
	fbump_fastarena *a;

	tu_recorder_init(&r, 100);
	cfg.destructor = tu_record_destructor;
	cfg.destructor_ctx = &r;
	a = create_ok(&cfg);
	fill(a, 50);
	ck_assert_uint_eq(r.calls, 0);
	free_arena(a);
	tu_assert_recorded(&r, VAL(0), VAL(1) - VAL(0), 50);
	tu_recorder_fini(&r);
	ck_assert_int_eq(fbump_fastarena_destroy(NULL), 0);
}
END_TEST

/* ---- EBUSY --------------------------------------------------------------- */

START_TEST(test_busy_while_reserved)
{
	struct probe p, d;
	fbump_fastarena *a = probed_arena(&p, storage_of(_i));
	fbump_checkpoint cp;
	struct state s;
	size_t i;
	long *slot;

	memset(&d, 0, sizeof(d));
	d.arena = a;
	fill(a, 3);
	cp = fbump_fastarena_checkpoint(a);
	cp.len = 1;
	slot = fbump_fastarena_alloc_begin(a, &i);
	ck_assert_ptr_nonnull(slot);
	fill(a, 2);
	s = state_of(a);
	ASSERT_FAILS_STATUS(fbump_fastarena_rollback(a, cp), EBUSY);
	ASSERT_FAILS_STATUS(fbump_fastarena_reset(a), EBUSY);
	ASSERT_FAILS_STATUS(fbump_fastarena_drain(a, probe_drain, &d), EBUSY);
	ASSERT_FAILS_STATUS(fbump_fastarena_destroy(a), EBUSY);
	ck_assert_uint_eq(p.calls, 0);
	ck_assert_uint_eq(d.calls, 0);
	assert_state(a, &s);
	assert_values(a, 0, 3);
	ck_assert_int_eq(*(long *)fbump_fastarena_try_get(a, 4), VAL(4));
	/* writers are not stopped by it */
	fill(a, 1);
	*slot = VAL(i);
	ck_assert_int_eq(fbump_fastarena_alloc_publish(a, i), 0);
	ck_assert_uint_eq(fbump_fastarena_len(a), 7);
	ck_assert_int_eq(fbump_fastarena_rollback(a, cp), 0);
	assert_destroyed_reverse(&p, 1, 7);
	ck_assert_int_eq(fbump_fastarena_drain(a, probe_drain, &d), 0);
	ck_assert_uint_eq(d.calls, 1);
	fill(a, 2);
	ck_assert_int_eq(fbump_fastarena_reset(a), 0);
	free_arena(a);
}
END_TEST

START_TEST(test_busy_destroy_then_publish)
{
	fbump_fastarena *a = new_arena(FBUMP_STORAGE_VM, VM_SMALL);
	size_t i;
	long *slot = fbump_fastarena_alloc_begin(a, &i);

	ASSERT_FAILS_STATUS(fbump_fastarena_destroy(a), EBUSY);
	ck_assert_int_eq(tu_alloc_live_blocks(), 1);
	*slot = VAL(0);
	ck_assert_int_eq(fbump_fastarena_alloc_publish(a, i), 0);
	free_arena(a);
}
END_TEST

static void check_reentry(const struct probe *p, size_t calls)
{
	ck_assert_uint_eq(p->calls, calls);
	ck_assert_uint_eq(p->wrong, 0);
	ck_assert_uint_eq(p->busy, calls * REENTRANT_CALLS);
	ck_assert_uint_eq(p->bad_reads, 0);
}

START_TEST(test_busy_from_destructor)
{
	struct probe p;
	fbump_fastarena *a = probed_arena(&p, FBUMP_STORAGE_VM);
	fbump_checkpoint cp;

	fill(a, 2);
	cp = fbump_fastarena_checkpoint(a);
	fill(a, 3);
	p.reenter = true;
	ck_assert_int_eq(fbump_fastarena_rollback(a, cp), 0);
	check_reentry(&p, 3);
	assert_destroyed_reverse(&p, 2, 5);
	ck_assert_uint_eq(fbump_fastarena_len(a), 2);
	fill(a, 2);
	probe_clear(&p, true);
	ck_assert_int_eq(fbump_fastarena_reset(a), 0);
	check_reentry(&p, 4);
	fill(a, 3);
	probe_clear(&p, true);
	ck_assert_int_eq(fbump_fastarena_destroy(a), 0);
	check_reentry(&p, 3);
	ck_assert_int_eq(tu_alloc_live_blocks(), 0);
}
END_TEST

START_TEST(test_busy_from_drain)
{
	fbump_fastarena *a = new_arena(FBUMP_STORAGE_VM, VM_SMALL);
	struct probe d;

	memset(&d, 0, sizeof(d));
	d.arena = a;
	d.reenter = true;
	fill(a, 4);
	ck_assert_int_eq(fbump_fastarena_drain(a, probe_drain, &d), 0);
	check_reentry(&d, 4);
	assert_empty(a);
	fill(a, 1);
	free_arena(a);
}
END_TEST

/* ---- threads ------------------------------------------------------------- */

/* A value that names its writer and its place in that writer's order. */
#define TAG(w, s) ((long)(((unsigned long)(w) + 1) << 24 | (unsigned long)(s)))
#define TAG_WRITER(v) ((size_t)((unsigned long)(v) >> 24) - 1)
#define TAG_SEQ(v) ((size_t)((unsigned long)(v) & 0xffffff))

struct writer {
	pthread_t thread;
	fbump_fastarena *arena;
	unsigned int id;
	size_t n;
	size_t *indices;	/* index of each seq */
	size_t failures;
	size_t busy;		/* EBUSY, retried */
	bool retry_busy;
};

static void *writer_main(void *arg)
{
	struct writer *w = arg;

	for (size_t s = 0; s < w->n; s++) {
		long v = TAG(w->id, s);
		size_t i = fbump_fastarena_alloc(w->arena, &v);

		while (i == FBUMP_NONE && errno == EBUSY && w->retry_busy) {
			w->busy++;
			sched_yield();	/* let the exclusive op end */
			i = fbump_fastarena_alloc(w->arena, &v);
		}
		if (i == FBUMP_NONE)
			w->failures++;
		w->indices[s] = i;
	}
	signal_add(&finished_signal, 1);
	return NULL;
}

/* Starts 'count' writers of n elements each; finished_signal counts those
 * that returned.  With 'retry_busy' they retry on EBUSY. */
static void start_writers(struct writer *w, size_t count, fbump_fastarena *a,
			  size_t n, bool retry_busy)
{
	for (size_t k = 0; k < count; k++) {
		w[k].arena = a;
		w[k].id = (unsigned int)k;
		w[k].n = n;
		w[k].indices = calloc(n, sizeof(size_t));
		w[k].failures = w[k].busy = 0;
		w[k].retry_busy = retry_busy;
		ck_assert_ptr_nonnull(w[k].indices);
		ck_assert_int_eq(pthread_create(&w[k].thread, NULL,
						writer_main, &w[k]), 0);
	}
}

static void join_writers(struct writer *w, size_t count)
{
	for (size_t k = 0; k < count; k++)
		ck_assert_int_eq(pthread_join(w[k].thread, NULL), 0);
}

static void free_writers(struct writer *w, size_t count)
{
	for (size_t k = 0; k < count; k++)
		free(w[k].indices);
}

/* Writer k's element s is in slot i, after its previous one, and in no
 * slot seen before (seen has room for every index). */
static void check_written(const fbump_fastarena *a, const struct writer *w,
			  size_t k, size_t s, unsigned char *seen)
{
	size_t i = w->indices[s];
	const long *p = fbump_fastarena_try_get(a, i);

	if (p == NULL)
		ck_abort_msg("writer %zu seq %zu: slot %zu: %s", k, s, i,
			     strerror(errno));
	if (*p != TAG(k, s))
		ck_abort_msg("writer %zu seq %zu: slot %zu holds %lx", k, s, i,
			     (unsigned long)*p);
	if (s > 0 && i <= w->indices[s - 1])
		ck_abort_msg("writer %zu seq %zu: slot %zu is not after %zu",
			     k, s, i, w->indices[s - 1]);
	if (seen[i])
		ck_abort_msg("slot %zu handed out twice", i);
	seen[i] = 1;
}

static void check_writers(const fbump_fastarena *a, const struct writer *w,
			  size_t count, unsigned char *seen)
{
	for (size_t k = 0; k < count; k++) {
		ck_assert_uint_eq(w[k].failures, 0);
		for (size_t s = 0; s < w[k].n; s++)
			check_written(a, &w[k], k, s, seen);
	}
}

START_TEST(test_stopped_writer)
{
	size_t n = scaled(10000, 2000), s, total;
	fbump_fastarena *a = new_arena(FBUMP_STORAGE_VM, VM_SMALL);
	struct writer w[2];
	unsigned char *seen;
	long *slot;

	no_vm_hook();
	fill(a, 5);
	slot = fbump_fastarena_alloc_begin(a, &s);	/* and stops here */
	ck_assert_ptr_nonnull(slot);
	start_writers(w, 2, a, n, false);
	join_writers(w, 2);
	total = 5 + 1 + 2 * n;
	ck_assert_uint_eq(reserved_of(a), total);
	ck_assert_uint_eq(fbump_fastarena_len(a), s);
	ck_assert_uint_eq(foreach_count(a), s);
	ck_assert_ptr_null(fbump_fastarena_get(a, s));
	ASSERT_FAILS_PTR(fbump_fastarena_try_get(a, s), EAGAIN);
	seen = calloc(total, 1);
	ck_assert_ptr_nonnull(seen);
	seen[s] = 1;
	check_writers(a, w, 2, seen);
	free(seen);
	free_writers(w, 2);
	assert_values(a, 0, 5);
	*slot = VAL(s);
	ck_assert_int_eq(fbump_fastarena_alloc_publish(a, s), 0);
	ck_assert_uint_eq(fbump_fastarena_len(a), total);
	free_arena(a);
}
END_TEST

/* A reader that scans the published prefix while writers append. */
struct reader {
	pthread_t thread;
	fbump_fastarena *arena;
	pthread_barrier_t running;	/* the reader runs before writers */
	size_t writers, n;
	size_t bad, shrank;
};

static bool tag_ok(const struct reader *r, const long *p)
{
	return p != NULL && TAG_WRITER(*p) < r->writers && TAG_SEQ(*p) < r->n;
}

/* Checks the newest published elements at once (where a slot published
 * before it was written would show), then the whole slice. */
static void read_once(struct reader *r, size_t *last)
{
	size_t len = fbump_fastarena_len(r->arena);

	if (len < *last)
		r->shrank++;
	*last = len;
	for (size_t i = len > 16 ? len - 16 : 0; i < len; i++)
		if (!tag_ok(r, fbump_fastarena_get(r->arena, i)))
			r->bad++;
	FBUMP_FASTARENA_FOREACH(const long, p, r->arena)
		if (!tag_ok(r, p))
			r->bad++;
}

static void *reader_main(void *arg)
{
	struct reader *r = arg;
	size_t last = 0;

	pthread_barrier_wait(&r->running);
	while (!signal_get(&stop_signal))
		read_once(r, &last);
	return NULL;
}

START_TEST(test_writers_and_reader)
{
	size_t n = scaled(20000, 2000);
	fbump_fastarena *a = new_arena(FBUMP_STORAGE_VM, VM_SMALL);
	struct writer w[3];
	struct reader r = { .writers = 3, .n = n };
	unsigned char *seen = calloc(3 * n, 1);

	no_vm_hook();
	ck_assert_ptr_nonnull(seen);
	r.arena = a;
	ck_assert_int_eq(pthread_barrier_init(&r.running, NULL, 2), 0);
	ck_assert_int_eq(pthread_create(&r.thread, NULL, reader_main, &r), 0);
	pthread_barrier_wait(&r.running);
	start_writers(w, 3, a, n, false);
	join_writers(w, 3);
	signal_add(&stop_signal, 1);
	ck_assert_int_eq(pthread_join(r.thread, NULL), 0);
	pthread_barrier_destroy(&r.running);
	ck_assert_uint_eq(fbump_fastarena_len(a), 3 * n);
	check_writers(a, w, 3, seen);
	free(seen);
	free_writers(w, 3);
	ck_assert_uint_eq(r.bad, 0);
	ck_assert_uint_eq(r.shrank, 0);
	free_arena(a);
}
END_TEST

/* Destroys an arena whose counts an exclusive section may have left
 * inconsistent (published above reserved): appending brings reserved up
 * to published, after which destroy succeeds.  Keeps a failing test from
 * also leaking. */
static int destroy_anyway(fbump_fastarena *a)
{
	long v = 0;

	for (int k = 0; k < 1000; k++) {
		int err = fbump_fastarena_destroy(a);

		if (err != EBUSY)
			return err;
		if (fbump_fastarena_alloc(a, &v) == FBUMP_NONE)
			return errno;
	}
	return EBUSY;
}

/* Calls fbump_fastarena_len, which helps advance the count, until told
 * to stop. */
static void *len_hammer_main(void *arena)
{
	while (!signal_get(&stop_signal))
		(void)fbump_fastarena_len(arena);
	return NULL;
}

/* What went wrong in a round of test_len_during_rollback. */
struct round_error {
	const char *step;
	int err;
	struct fbump_fastarena_stats st;
};

/* After a step: its status was 0, and there are 'len' elements published
 * of 'len' reserved. */
static bool step_ok(fbump_fastarena *a, const char *step, int err, size_t len,
		    struct round_error *e)
{
	e->step = step;
	e->err = err;
	fbump_fastarena_stats(a, &e->st);
	return err == 0 && e->st.elements == len && e->st.reserved_slots == len;
}

/* One round of test_len_during_rollback, on an arena of keep - 1
 * elements: slot 'keep' finishes behind the unfinished slot keep - 1 (so
 * its ready flag is what publishes it), then keep - 1 is published and the
 * arena rolled back to 'keep' and to keep - 1. */
static bool rollback_round(fbump_fastarena *a, size_t keep,
			   struct round_error *e)
{
	fbump_checkpoint cp = fbump_fastarena_checkpoint(a);
	long v = VAL(keep), *p;
	size_t i = SIZE_MAX;

	if (!step_ok(a, "the last round", 0, keep - 1, e))
		return false;
	p = fbump_fastarena_alloc_begin(a, &i);
	if (p == NULL || i != keep - 1 || fbump_fastarena_alloc(a, &v) != keep)
		return step_ok(a, "alloc", errno, SIZE_MAX, e);
	*p = VAL(i);
	if (!step_ok(a, "publish", fbump_fastarena_alloc_publish(a, i),
		     keep + 1, e))
		return false;
	cp.len = keep;
	if (!step_ok(a, "rollback", fbump_fastarena_rollback(a, cp), keep, e))
		return false;
	cp.len = keep - 1;
	return step_ok(a, "second rollback", fbump_fastarena_rollback(a, cp),
		       keep - 1, e);
}

/* A thread that only reads the count (len helps advance it) while another
 * publishes and rolls back: a rollback must leave no slot published past
 * the reserved count, and with no writer in flight it must never fail with
 * EBUSY.  A race: it can only fail when the helper is caught between its
 * scan of the ready flags and its CAS of the count, so it runs many rounds
 * (a time budget, normally about two seconds). */
START_TEST(test_len_during_rollback)
{
	size_t rounds = scaled(10000000, 20000), done;
	struct round_error e = { "none", 0, { 0 } };
	time_t until = time(NULL) + 2;
	fbump_fastarena *a;
	bool ok = true;
	pthread_t t;

	no_vm_hook();
	a = new_arena(FBUMP_STORAGE_VM, VM_SMALL);
	fill(a, 1);
	ck_assert_int_eq(pthread_create(&t, NULL, len_hammer_main, a), 0);
	for (done = 0; done < rounds; done++) {
		ok = rollback_round(a, 2, &e);
		if (!ok || ((done & 0xffff) == 0 && time(NULL) > until))
			break;
	}
	signal_add(&stop_signal, 1);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_int_eq(destroy_anyway(a), 0);
	ck_assert_int_eq(tu_alloc_live_blocks(), 0);
	ck_assert_msg(ok, "round %zu, after %s (status %d): %zu published of "
		      "%zu reserved", done, e.step, e.err, e.st.elements,
		      e.st.reserved_slots);
}
END_TEST

/* Resets race with writers: each either runs or fails with EBUSY, writers
 * see EBUSY while one runs and retry, and what stays is consistent. */
START_TEST(test_reset_during_writers)
{
	size_t n = scaled(20000, 2000), len, left;
	fbump_fastarena *a = new_arena(FBUMP_STORAGE_VM, VM_SMALL);
	struct writer w[2];
	int bad_status = 0;

	no_vm_hook();
	start_writers(w, 2, a, n, true);
	while (signal_get(&finished_signal) < 2) {
		int err = fbump_fastarena_reset(a);

		if (err != 0 && err != EBUSY)
			bad_status = err;
		sched_yield();
	}
	join_writers(w, 2);
	ck_assert_int_eq(bad_status, 0);
	ck_assert_uint_eq(w[0].failures + w[1].failures, 0);
	len = fbump_fastarena_len(a);
	left = reserved_of(a);
	for (size_t i = 0; i < len && i < left; i++) {
		long v = *(long *)fbump_fastarena_get(a, i);

		if (TAG_WRITER(v) >= 2 || TAG_SEQ(v) >= n)
			ck_abort_msg("slot %zu holds %lx", i, (unsigned long)v);
	}
	free_writers(w, 2);
	ck_assert_int_eq(destroy_anyway(a), 0);
	ck_assert_uint_eq(len, left);
}
END_TEST

/* ---- prefaulting --------------------------------------------------------- */

/* The populate requests a test saw, from any thread: a stand-in for
 * madvise(MADV_POPULATE_WRITE) that records each range and succeeds
 * without touching it (the pages then fault in as they are written).  Its
 * lock orders the writers that ask, so threaded tests of ordering do not
 * install it. */
#define MAX_RANGES 4096
static struct {
	pthread_mutex_t lock;
	size_t n;
	struct range { unsigned char *p; size_t size; } r[MAX_RANGES];
} asked = { PTHREAD_MUTEX_INITIALIZER, 0, { { NULL, 0 } } };

static int record_populate(void *p, size_t size)
{
	pthread_mutex_lock(&asked.lock);
	if (asked.n < MAX_RANGES)
		asked.r[asked.n] = (struct range){ p, size };
	asked.n++;
	pthread_mutex_unlock(&asked.lock);
	return 0;
}

static int by_start(const void *x, const void *y)
{
	const struct range *a = x, *b = y;

	return a->p < b->p ? -1 : a->p > b->p;
}

/* The ranges, sorted, tile [base, base + bytes) for some bytes >= 'need':
 * each byte asked for once, in whole pages, none left out; returns the
 * number of ranges. */
static size_t check_tiling(const fbump_fastarena *a, size_t need)
{
	unsigned char *at = fbump_fastarena_data(a);
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	ck_assert_uint_le(asked.n, MAX_RANGES);
	qsort(asked.r, asked.n, sizeof(asked.r[0]), by_start);
	for (size_t k = 0; k < asked.n; k++) {
		ck_assert_ptr_eq(asked.r[k].p, at);
		ck_assert_uint_gt(asked.r[k].size, 0);
		ck_assert_uint_eq(asked.r[k].size % page, 0);
		at += asked.r[k].size;
	}
	ck_assert_uint_ge((size_t)(at - (unsigned char *)
				   fbump_fastarena_data(a)), need);
	/* at most one step (64 KiB) past the page after the last written */
	ck_assert_uint_le((size_t)(at - (unsigned char *)
				   fbump_fastarena_data(a)),
			  (need + 4096 + page - 1) / page * page + (64 << 10));
	return asked.n;
}

/* Writers ask the system to back the slot pages ahead of them in steps of
 * at most 64 KiB: from one thread or three, every byte written was asked
 * for, exactly once. */
START_TEST(test_prefault_tiles_slots)
{
	size_t threads = _i ? 3 : 1, n = scaled(100000, 20000);
	fbump_fastarena *a = new_arena(FBUMP_STORAGE_VM, VM_SMALL);
	struct writer w[3];
	unsigned char *seen = calloc(threads * n, 1);

	no_vm_hook();
	ck_assert_ptr_nonnull(seen);
	asked.n = 0;
	fbump_vm_populate_forget();
	fbump_vm_populate_hook = record_populate;
	start_writers(w, threads, a, n, false);
	join_writers(w, threads);
	fbump_vm_populate_hook = NULL;
	ck_assert_uint_eq(fbump_fastarena_len(a), threads * n);
	check_writers(a, w, threads, seen);
	ck_assert_uint_ge(check_tiling(a, threads * n * sizeof(long)),
			  threads * n * sizeof(long) / (64 << 10));
	free(seen);
	free_writers(w, threads);
	free_arena(a);
}
END_TEST

/* FIXED storage is the allocator's memory: nothing to ask for, where the
 * same appends to VM storage (the control) ask. */
START_TEST(test_prefault_not_fixed)
{
	fbump_fastarena *a;

	fbump_vm_populate_forget();
	fbump_vm_populate_hook = record_populate;
	for (int fixed = 0; fixed <= 1; fixed++) {
		a = new_arena(storage_of(fixed), 100000);
		asked.n = 0;
		fill(a, 100000);
		if (fixed)
			ck_assert_uint_eq(asked.n, 0);
		else
			ck_assert_uint_gt(asked.n, 0);
		free_arena(a);
	}
	fbump_vm_populate_hook = NULL;
}
END_TEST

/* ---- fault injection ----------------------------------------------------- */

/* Address space of the process in KiB, or -1: a leaked VM reservation
 * shows here, not in the allocator's counts. */
static long vm_size_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kib = -1;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmSize: %ld", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

static void assert_no_address_space_leak(long before)
{
	long after = vm_size_kib();

	if (before >= 0 && after >= 0)
		ck_assert_int_lt(after - before, 64 << 10);
}

/* Makes the k-th call of 'sources' fail for k = 0, 1, ... until create
 * succeeds; returns how many k failed. */
static long walk_create_faults(const struct fbump_config *cfg,
			       unsigned int sources)
{
	long kib = vm_size_kib();
	fbump_fastarena *a = NULL;
	long k;

	for (k = 0; a == NULL; k++) {
		ck_assert_int_lt(k, 100);
		tu_fault_arm(k, sources);
		a = fbump_fastarena_create(cfg);
		if (a == NULL) {
			ck_assert_int_eq(errno, ENOMEM);
			ck_assert(tu_fault_hit());
			ck_assert_int_eq(tu_alloc_live_blocks(), 0);
		}
	}
	ck_assert(!tu_fault_hit());
	tu_fault_disarm();
	fill(a, 10);
	assert_values(a, 0, 10);
	free_arena(a);
	assert_no_address_space_leak(kib);
	return k - 1;
}

START_TEST(test_fault_create_fixed_allocator)
{
	struct fbump_config cfg = long_config(FBUMP_STORAGE_FIXED, 1000);

	/* at least the struct and the slots come from the allocator */
	ck_assert_int_ge(walk_create_faults(&cfg, TU_FAULT_ALLOC), 2);
}
END_TEST

START_TEST(test_fault_create_vm_allocator)
{
	struct fbump_config cfg = long_config(FBUMP_STORAGE_VM, VM_SMALL);

	/* only the struct comes from the allocator */
	ck_assert_int_eq(walk_create_faults(&cfg, TU_FAULT_ALLOC), 1);
}
END_TEST

/* The system refuses every reservation from the k-th on. */
START_TEST(test_fault_create_vm_refused)
{
	struct fbump_config cfg = long_config(FBUMP_STORAGE_VM,
					      _i ? 1000 : VM_SMALL);

	ck_assert_int_ge(walk_create_faults(&cfg,
					    TU_FAULT_VM | TU_FAULT_STICKY), 1);
}
END_TEST

/* The system refuses one reservation: the library asks for less, and the
 * capacity says so. */
START_TEST(test_fault_create_vm_smaller)
{
	struct fbump_config cfg = long_config(FBUMP_STORAGE_VM, VM_SMALL);
	size_t full = VM_SMALL;
	fbump_fastarena *a;

	tu_fault_arm(_i, TU_FAULT_VM);
	errno = 0;
	a = create_ok(&cfg);
	ck_assert_int_eq(errno, 0);	/* the refusal was absorbed */
	ck_assert(tu_fault_hit());
	tu_fault_disarm();
	ck_assert_uint_gt(fbump_fastarena_capacity(a), 0);
	ck_assert_uint_le(fbump_fastarena_capacity(a), full / 2);
	ck_assert_uint_eq(stats_of(a).capacity, fbump_fastarena_capacity(a));
	fill(a, 1000);
	assert_values(a, 0, 1000);
	free_arena(a);
}
END_TEST

/* One way of appending, at index 'at', for the fault walks. */
typedef size_t append_fn(fbump_fastarena *a, size_t at);

static size_t append_alloc(fbump_fastarena *a, size_t at)
{
	long v = VAL(at);

	return fbump_fastarena_alloc(a, &v);
}

static size_t append_begin(fbump_fastarena *a, size_t at)
{
	size_t i;
	long *p = fbump_fastarena_alloc_begin(a, &i);

	(void)at;
	if (p == NULL)
		return FBUMP_NONE;
	*p = VAL(i);
	ck_assert_int_eq(fbump_fastarena_alloc_publish(a, i), 0);
	return i;
}

#define BATCH 20000

static size_t append_batch(fbump_fastarena *a, size_t at)
{
	static long v[BATCH];

	for (size_t k = 0; k < BATCH; k++)
		v[k] = VAL(at + k);
	return fbump_fastarena_alloc_extend(a, v, BATCH);
}

/* The element count at which a VM arena of longs commits for the second
 * time (the first is at index 0). */
static size_t second_commit_at(void)
{
	fbump_fastarena *a = new_arena(FBUMP_STORAGE_VM, VM_SMALL);
	struct fbump_fastarena_stats st;
	size_t first, i;
	long v = 0;

	fill(a, 1);
	first = stats_of(a).bytes_committed;
	for (i = 1; i < 100000000; i++) {
		if (fbump_fastarena_alloc(a, &v) != i ||
		    fbump_fastarena_stats(a, &st) != 0)
			ck_abort_msg("alloc %zu: %s", i, strerror(errno));
		if (st.bytes_committed != first)
			break;
	}
	ck_assert_int_eq(fbump_fastarena_destroy(a), 0);
	return i;
}

/* Makes the k-th VM call of 'fn' fail for k = 0, 1, ... until it succeeds:
 * each failure is ENOMEM and changes nothing. */
static void walk_append_faults(append_fn *fn, size_t added, size_t prefill)
{
	fbump_fastarena *a = new_arena(FBUMP_STORAGE_VM, VM_SMALL);
	size_t r = FBUMP_NONE;
	long k;

	fill(a, prefill);
	for (k = 0; r == FBUMP_NONE; k++) {
		struct state s = state_of(a);
		int err;

		ck_assert_int_lt(k, 100);
		tu_fault_arm(k, TU_FAULT_VM);
		r = fn(a, prefill);
		err = errno;
		if (r == FBUMP_NONE) {
			ck_assert_int_eq(err, ENOMEM);
			ck_assert(tu_fault_hit());
			assert_state(a, &s);
		}
	}
	ck_assert(!tu_fault_hit());
	tu_fault_disarm();
	ck_assert_int_ge(k, 2);	/* at least one call did fail */
	ck_assert_uint_eq(r, prefill);
	ck_assert_uint_eq(fbump_fastarena_len(a), prefill + added);
	fill(a, 1);
	assert_values(a, 0, prefill + added + 1);
	free_arena(a);
}

static append_fn *const appenders[] = {
	append_alloc, append_begin, append_batch
};
static const size_t appended[] = { 1, 1, BATCH };

START_TEST(test_fault_append_first)
{
	walk_append_faults(appenders[_i], appended[_i], 0);
}
END_TEST

START_TEST(test_fault_append_growing)
{
	walk_append_faults(appenders[_i], appended[_i], second_commit_at());
}
END_TEST

/* While the system refuses every commit, appends keep failing cleanly;
 * afterwards they work. */
START_TEST(test_fault_append_sticky)
{
	fbump_fastarena *a = new_arena(FBUMP_STORAGE_VM, VM_SMALL);
	size_t at = second_commit_at();
	struct state s;

	fill(a, at);
	s = state_of(a);
	tu_fault_arm(0, TU_FAULT_VM | TU_FAULT_STICKY);
	for (int k = 0; k < 3; k++) {
		ASSERT_FAILS_INDEX(appenders[_i](a, at), ENOMEM);
		assert_state(a, &s);
	}
	ck_assert_int_ge(tu_fault_failed(), 3);
	tu_fault_disarm();
	ck_assert_uint_eq(appenders[_i](a, at), at);
	assert_values(a, 0, at + appended[_i]);
	free_arena(a);
}
END_TEST

/* FIXED storage needs neither the allocator nor the VM after create. */
START_TEST(test_fault_fixed_appends_need_nothing)
{
	fbump_fastarena *a = new_arena(FBUMP_STORAGE_FIXED, 3 * BATCH);
	long calls = tu_alloc_calls();

	tu_fault_arm(0, TU_FAULT_ANY | TU_FAULT_STICKY);
	ck_assert_uint_eq(append_alloc(a, 0), 0);
	ck_assert_uint_eq(append_begin(a, 1), 1);
	ck_assert_uint_eq(append_batch(a, 2), 2);
	ck_assert(!tu_fault_hit());
	tu_fault_disarm();
	ck_assert_int_eq(tu_alloc_calls(), calls);
	ck_assert_int_eq(tu_vm_calls(), 0);
	assert_values(a, 0, 2 + BATCH);
	free_arena(a);
}
END_TEST

/* ---- the suite ----------------------------------------------------------- */

static TCase *tcase(Suite *s, const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return tc;
}

static void add_create(Suite *s)
{
	TCase *tc = tcase(s, "create");

	tcase_add_test(tc, test_create_vm_default);
	tcase_add_test(tc, test_create_vm_capacity);
	tcase_add_test(tc, test_create_fixed);
	tcase_add_test(tc, test_create_default_allocator);
	tcase_add_loop_test(tc, test_create_stride_and_alignment, 0,
			    2 * (int)(sizeof(stride_cases) /
				      sizeof(stride_cases[0])));
	tcase_add_test(tc, test_create_longer_struct);
	tcase_add_test(tc, test_create_einval);
	tcase_add_test(tc, test_create_incomplete_allocator);
	tcase_add_test(tc, test_create_realloc_rejected);
	tcase_add_test(tc, test_create_eoverflow);
	tcase_add_test(tc, test_create_too_large);
}

static void add_alloc_get(Suite *s)
{
	TCase *tc = tcase(s, "alloc_get");

	tcase_add_loop_test(tc, test_alloc_indices_and_values, 0, 2);
	tcase_add_test(tc, test_alloc_einval);
	tcase_add_test(tc, test_get_out_of_range);
	tcase_add_test(tc, test_get_unpublished_eagain);
}

static void add_begin_publish(Suite *s)
{
	TCase *tc = tcase(s, "begin_publish");

	tcase_add_test(tc, test_begin_einval);
	tcase_add_test(tc, test_begin_invisible_until_published);
	tcase_add_test(tc, test_publish_einval);
	tcase_add_test(tc, test_publish_out_of_order);
	tcase_add_test(tc, test_begin_blocks_prefix_not_writers);
}

static void add_extend(Suite *s)
{
	TCase *tc = tcase(s, "extend");

	tcase_add_loop_test(tc, test_extend_contiguous, 0, 2);
	tcase_add_test(tc, test_extend_large_batch);
	tcase_add_test(tc, test_extend_zero);
	tcase_add_test(tc, test_extend_einval);
	tcase_add_test(tc, test_extend_overflow);
	tcase_add_test(tc, test_extend_overflow_stride1);
	tcase_add_loop_test(tc, test_extend_stride_gt_elem_size, 0, 2);
}

static void add_slice(Suite *s)
{
	TCase *tc = tcase(s, "slice");

	tcase_add_loop_test(tc, test_data_never_moves, 0, 2);
	tcase_add_test(tc, test_foreach);
	tcase_add_test(tc, test_foreach_pointer_type);
	tcase_add_test(tc, test_foreach_reads_len_once);
	tcase_add_test(tc, test_foreach_stops_at_unpublished);
	tcase_add_test(tc, test_queries_null);
}

static void add_capacity(Suite *s)
{
	TCase *tc = tcase(s, "capacity");

	tcase_add_test(tc, test_full_fixed);
	tcase_add_test(tc, test_full_vm_page_multiple);
	tcase_add_test(tc, test_full_vm_exact);
	tcase_add_test(tc, test_full_fixed_small);
}

static void add_growth(Suite *s)
{
	TCase *tc = tcase(s, "growth");

	tcase_add_test(tc, test_growth_pointers_stable);
}

static void add_stats(Suite *s)
{
	TCase *tc = tcase(s, "stats");

	tcase_add_test(tc, test_stats_empty_vm);
	tcase_add_test(tc, test_stats_grow_with_use);
}

static void add_rollback(Suite *s)
{
	TCase *tc = tcase(s, "rollback");

	tcase_add_loop_test(tc, test_rollback_reverse_order, 0, 2);
	tcase_add_test(tc, test_rollback_to_len_is_noop);
	tcase_add_test(tc, test_rollback_einval);
	tcase_add_test(tc, test_epoch_moves_only_when_count_drops);
	tcase_add_loop_test(tc, test_reset, 0, 2);
	tcase_add_loop_test(tc, test_drain, 0, 2);
	tcase_add_test(tc, test_destroy_in_order);
}

static void add_busy(Suite *s)
{
	TCase *tc = tcase(s, "busy");

	tcase_add_loop_test(tc, test_busy_while_reserved, 0, 2);
	tcase_add_test(tc, test_busy_destroy_then_publish);
	tcase_add_test(tc, test_busy_from_destructor);
	tcase_add_test(tc, test_busy_from_drain);
}

static void add_threads(Suite *s)
{
	TCase *tc = tcase(s, "threads");

	tcase_add_test(tc, test_stopped_writer);
	tcase_add_test(tc, test_writers_and_reader);
	tcase_add_test(tc, test_len_during_rollback);
	tcase_add_test(tc, test_reset_during_writers);
}

static void add_prefault(Suite *s)
{
	TCase *tc = tcase(s, "prefault");

	tcase_add_loop_test(tc, test_prefault_tiles_slots, 0, 2);
	tcase_add_test(tc, test_prefault_not_fixed);
}

static void add_faults(Suite *s)
{
	TCase *tc = tcase(s, "faults");

	tcase_add_test(tc, test_fault_create_fixed_allocator);
	tcase_add_test(tc, test_fault_create_vm_allocator);
	tcase_add_loop_test(tc, test_fault_create_vm_refused, 0, 2);
	tcase_add_loop_test(tc, test_fault_create_vm_smaller, 0, 2);
	tcase_add_loop_test(tc, test_fault_append_first, 0, 3);
	tcase_add_loop_test(tc, test_fault_append_growing, 0, 3);
	tcase_add_loop_test(tc, test_fault_append_sticky, 0, 3);
	tcase_add_test(tc, test_fault_fixed_appends_need_nothing);
}

static Suite *fastarena_suite(void)
{
	Suite *s = suite_create("fastarena");

	add_create(s);
	add_alloc_get(s);
	add_begin_publish(s);
	add_extend(s);
	add_slice(s);
	add_capacity(s);
	add_growth(s);
	add_stats(s);
	add_rollback(s);
	add_busy(s);
	add_threads(s);
	add_prefault(s);
	add_faults(s);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(fastarena_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
