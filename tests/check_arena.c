/* SPDX-License-Identifier: Apache-2.0 */
/*
 * check_arena.c - unit tests of fbump_arena, the single-thread arena.
 *
 * Most tests are loop tests over the storage modes in modes[]: _i picks
 * the mode.  Every test runs in a checked fixture that resets the counting
 * allocator and the fault injection of testutil.h and, at the end, fails
 * the test if a block leaked or the allocator was misused.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fastbump.h"
#include "poison.h"
#include "testutil.h"
/* The suites always link the white-box build, which has the VM hooks. */
#ifndef FBUMP_TESTING
# define FBUMP_TESTING 1
#endif
#include "vm.h"
#include "vmcache.h"

/* ---- storage modes --------------------------------------------------------- */

#define VM_CAPPED	65536	/* elements; * sizeof(long) is whole pages */
#define FIXED_CAP	1024
/* Under valgrind the "vm" mode reserves this many elements instead of the
 * default 4 GiB: memcheck --track-origins=yes spends seconds on every
 * mmap and munmap that large.  vm_default keeps the default. */
#define VM_SMALL_CAP	((size_t)1 << 20)

struct mode {
	const char *name;
	unsigned int storage;
	size_t capacity;
};

static const struct mode vm_default = { "vm-default", FBUMP_STORAGE_VM, 0 };

static struct mode modes[] = {
	{ "vm", FBUMP_STORAGE_VM, 0 },
	{ "vm-capped", FBUMP_STORAGE_VM, VM_CAPPED },
	{ "fixed", FBUMP_STORAGE_FIXED, FIXED_CAP },
	{ "realloc", FBUMP_STORAGE_REALLOC, 0 },
	{ "realloc-initial", FBUMP_STORAGE_REALLOC, 16 },
};

#define N_MODES ((int)(sizeof(modes) / sizeof(modes[0])))
#define MODE (&modes[_i])

static bool is_vm(const struct mode *m)
{
	return m->storage == FBUMP_STORAGE_VM;
}

static bool is_fixed(const struct mode *m)
{
	return m->storage == FBUMP_STORAGE_FIXED;
}

static bool is_realloc(const struct mode *m)
{
	return m->storage == FBUMP_STORAGE_REALLOC;
}

/* ---- fixture ---------------------------------------------------------------- */

#define RECORD_MAX 4096

/* What the destructor of the arenas made by new_arena() saw. */
static struct tu_recorder rec;

static void setup(void)
{
	tu_reset();
	tu_recorder_init(&rec, RECORD_MAX);
}

static void teardown(void)
{
	long live = tu_alloc_live_blocks();
	long misuses = tu_alloc_misuses();

	tu_fault_disarm();
	tu_recorder_fini(&rec);
	ck_assert_msg(live == 0, "%ld blocks leaked", live);
	ck_assert_msg(misuses == 0, "%ld allocator misuses", misuses);
}

/* ---- helpers ---------------------------------------------------------------- */

/* The value stored at index i; linear, so that tu_assert_recorded can
 * check runs in either direction. */
#define KEY_BASE 1000L
#define KEY_STEP 7L

static long key(size_t i)
{
	return KEY_BASE + (long)i * KEY_STEP;
}

/* Asserts that an index-returning call failed with 'err'. */
#define ASSERT_INDEX_FAILS(call, err) do {				\
		errno = 0;						\
		size_t ret_ = (call);					\
		int errno_ = errno;					\
		ck_assert_uint_eq(ret_, FBUMP_NONE);			\
		ck_assert_int_eq(errno_, (err));			\
	} while (0)

/* Asserts that a pointer-returning call failed with 'err'. */
#define ASSERT_PTR_FAILS(call, err) do {				\
		errno = 0;						\
		void *ret_ = (call);					\
		int errno_ = errno;					\
		ck_assert_ptr_null(ret_);				\
		ck_assert_int_eq(errno_, (err));			\
	} while (0)

/* Asserts that a status call failed with 'err', returned and in errno. */
#define ASSERT_STATUS_FAILS(call, err) do {				\
		errno = 0;						\
		int ret_ = (call);					\
		int errno_ = errno;					\
		ck_assert_int_eq(ret_, (err));				\
		ck_assert_int_eq(errno_, (err));			\
	} while (0)

static struct fbump_config long_config(const struct mode *m)
{
	struct fbump_config cfg = FBUMP_CONFIG_INIT(long);

	cfg.destructor = tu_record_destructor;
	cfg.destructor_ctx = &rec;
	cfg.allocator = tu_allocator();
	cfg.storage = m->storage;
	cfg.capacity = m->capacity;
	return cfg;
}

static fbump_arena *create_ok(const struct fbump_config *cfg)
{
	fbump_arena *a = fbump_arena_create(cfg);

	ck_assert_msg(a != NULL, "create failed: %s", strerror(errno));
	return a;
}

/* A new arena of longs in mode m whose destructor records into rec. */
static fbump_arena *new_arena(const struct mode *m)
{
	struct fbump_config cfg = long_config(m);

	return create_ok(&cfg);
}

static void destroy_ok(fbump_arena *a)
{
	ck_assert_int_eq(fbump_arena_destroy(a), 0);
}

/* Appends key(len), key(len + 1), ... until 'a' holds n more elements. */
static void push(fbump_arena *a, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		size_t i = fbump_arena_len(a);
		long v = key(i);
		size_t got = fbump_arena_alloc(a, &v);

		if (got != i)
			ck_abort_msg("alloc of element %zu returned %zu (%s)",
				     i, got, strerror(errno));
	}
}

/* Appends until the arena is at its capacity, which is then not zero. */
static void fill_to_capacity(fbump_arena *a)
{
	if (fbump_arena_capacity(a) == 0)
		push(a, 1);
	push(a, fbump_arena_capacity(a) - fbump_arena_len(a));
	ck_assert_uint_eq(fbump_arena_len(a), fbump_arena_capacity(a));
}

/* Asserts that the first n elements of 'a' are key(0), ..., key(n - 1). */
static void assert_contents_upto(const fbump_arena *a, size_t n)
{
	ck_assert_uint_ge(fbump_arena_len(a), n);
	for (size_t i = 0; i < n; i++) {
		long v = *(const long *)fbump_arena_get(a, i);

		if (v != key(i))
			ck_abort_msg("element %zu is %ld, expected %ld", i, v,
				     key(i));
	}
}

/* Asserts that 'a' holds exactly key(0), ..., key(n - 1). */
static void assert_contents(const fbump_arena *a, size_t n)
{
	ck_assert_uint_eq(fbump_arena_len(a), n);
	assert_contents_upto(a, n);
}

struct state {
	size_t len;
	size_t capacity;
	void *data;
};

static struct state state_of(const fbump_arena *a)
{
	struct state s = {
		fbump_arena_len(a), fbump_arena_capacity(a), fbump_arena_data(a)
	};

	return s;
}

/* Asserts that 'a' is as 's' recorded and holds key(0..len-1). */
static void assert_unchanged(const fbump_arena *a, const struct state *s)
{
	ck_assert_uint_eq(fbump_arena_capacity(a), s->capacity);
	ck_assert_ptr_eq(fbump_arena_data(a), s->data);
	assert_contents(a, s->len);
}

/* Allocator and VM calls so far: growth shows up here. */
static long growth_calls(void)
{
	return tu_alloc_calls() + tu_vm_calls();
}

static size_t page_size(void)
{
	long p = sysconf(_SC_PAGESIZE);

	return p > 0 ? (size_t)p : 4096;
}

static size_t round_up(size_t n, size_t to)
{
	return (n + to - 1) / to * to;
}

static void noop_drain(void *elem, size_t index, void *ctx)
{
	(void)elem;
	(void)index;
	(void)ctx;
}

/* ---- version ---------------------------------------------------------------- */

START_TEST(test_version)
{
	char s[32];

	ck_assert_uint_eq(fbump_version(), FASTBUMP_VERSION_HEX);
	snprintf(s, sizeof(s), "%u.%u.%u", fbump_version() >> 16,
		 (fbump_version() >> 8) & 0xff, fbump_version() & 0xff);
	ck_assert_str_eq(s, FASTBUMP_VERSION_STRING);
}
END_TEST

/* ---- create ----------------------------------------------------------------- */

START_TEST(test_create_valid)
{
	const struct mode *m = MODE;
	fbump_arena *a = new_arena(m);
	bool has_block = is_fixed(m) || m->capacity != 0;

	ck_assert_uint_eq(fbump_arena_len(a), 0);
	ck_assert_int_ne(fbump_arena_is_empty(a), 0);
	ck_assert_uint_eq(fbump_arena_stride(a), sizeof(long));
	ck_assert_uint_eq(fbump_arena_capacity(a), is_vm(m) ? 0 : m->capacity);
	if (is_vm(m) || !has_block)
		ck_assert_ptr_null(fbump_arena_data(a));
	else
		ck_assert_ptr_nonnull(fbump_arena_data(a));
	ck_assert_int_eq(tu_vm_calls(), 0); /* VM: no system call at create */
	/* FIXED slots share the struct's block; REALLOC's have their own */
	ck_assert_int_eq(tu_alloc_live_blocks(),
			 is_vm(m) || is_fixed(m) || !has_block ? 1 : 2);
	destroy_ok(a);
	ck_assert_uint_eq(rec.calls, 0);
}
END_TEST

struct shape {
	size_t size;
	size_t align;
	size_t stride;
};

#define MAXA alignof(max_align_t)

static const struct shape shapes[] = {
	{ 1, 1, 1 }, { 3, 1, 3 }, { 1, 2, 2 }, { 12, 4, 12 }, { 12, 8, 16 },
	{ 16, 16, 16 }, { 17, 16, 32 }, { 100, 64, 128 }, { 1, 4096, 4096 },
	{ 8, 65536, 65536 }, { 5, 0, MAXA }, { MAXA + 1, 0, 2 * MAXA },
};

/* Three elements of shape s in mode m: stride, alignment, contents. */
static void check_shape(const struct mode *m, const struct shape *s)
{
	struct fbump_config cfg = FBUMP_CONFIG_INIT_SIZED(s->size, s->align);
	size_t align = s->align ? s->align : MAXA;
	unsigned char *v = malloc(s->size); /* exact: memcheck sees overreads */
	fbump_arena *a;

	ck_assert_ptr_nonnull(v);
	cfg.allocator = tu_allocator();
	cfg.storage = m->storage;
	cfg.capacity = m->capacity ? 4 : 0;
	a = create_ok(&cfg);
	ck_assert_uint_eq(fbump_arena_stride(a), s->stride);
	for (size_t i = 0; i < 3; i++) {
		memset(v, (int)(0x40 + i), s->size);
		ck_assert_uint_eq(fbump_arena_alloc(a, v), i);
	}
	for (size_t i = 0; i < 3; i++) {
		unsigned char *p = fbump_arena_get(a, i);

		ck_assert_uint_eq((uintptr_t)p % align, 0);
		ck_assert_ptr_eq(p, (unsigned char *)fbump_arena_data(a) +
				 i * s->stride);
		memset(v, (int)(0x40 + i), s->size);
		ck_assert_mem_eq(p, v, s->size);
	}
	destroy_ok(a);
	free(v);
}

START_TEST(test_create_shapes)
{
	for (size_t k = 0; k < sizeof(shapes) / sizeof(shapes[0]); k++)
		check_shape(MODE, &shapes[k]);
}
END_TEST

START_TEST(test_create_null)
{
	ASSERT_PTR_FAILS(fbump_arena_create(NULL), EINVAL);
}
END_TEST

/* create(cfg) must fail with err without allocating. */
static void assert_create_fails(const struct fbump_config *cfg, int err)
{
	long calls = tu_alloc_calls();

	ASSERT_PTR_FAILS(fbump_arena_create(cfg), err);
	ck_assert_int_eq(tu_alloc_live_blocks(), 0);
	if (err == EINVAL)
		ck_assert_int_eq(tu_alloc_calls(), calls);
}

START_TEST(test_create_struct_size)
{
	struct fbump_config cfg = long_config(MODE);
	const size_t bad[] = {
		0, 1, sizeof(cfg) / 2, offsetof(struct fbump_config, capacity),
		sizeof(cfg) - 1,
	};

	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		cfg.struct_size = bad[k];
		assert_create_fails(&cfg, EINVAL);
	}
}
END_TEST

struct longer_config {
	struct fbump_config cfg;
	unsigned char tail[24];	/* fields of some later version */
};

START_TEST(test_create_struct_tail)
{
	struct longer_config lc;

	memset(&lc, 0, sizeof(lc));
	lc.cfg = long_config(MODE);
	lc.cfg.struct_size = sizeof(lc);
	destroy_ok(create_ok(&lc.cfg));
	for (size_t i = 0; i < sizeof(lc.tail); i++) {
		lc.tail[i] = i % 2 ? 0x01 : 0x80;
		assert_create_fails(&lc.cfg, EINVAL);
		lc.tail[i] = 0;
	}
	destroy_ok(create_ok(&lc.cfg));
}
END_TEST

START_TEST(test_create_bad_align)
{
	struct fbump_config cfg = long_config(MODE);
	const size_t bad[] = {
		3, 5, 6, 7, 12, 24, 1000, 4097, SIZE_MAX, SIZE_MAX / 2 + 2,
	};

	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		cfg.elem_align = bad[k];
		assert_create_fails(&cfg, EINVAL);
	}
}
END_TEST

START_TEST(test_create_align_zero)
{
	struct fbump_config cfg = long_config(MODE);
	fbump_arena *a;
	long v = key(0);

	cfg.elem_align = 0;
	a = create_ok(&cfg);
	ck_assert_uint_eq(fbump_arena_stride(a), MAXA);
	ck_assert_uint_eq(fbump_arena_alloc(a, &v), 0);
	ck_assert_uint_eq(fbump_arena_alloc(a, &v), 1);
	ck_assert_uint_eq((uintptr_t)fbump_arena_get(a, 1) % MAXA, 0);
	destroy_ok(a);
	ck_assert_uint_eq(rec.calls, 2);
}
END_TEST

START_TEST(test_create_elem_size_zero)
{
	struct fbump_config cfg = long_config(MODE);

	cfg.elem_size = 0;
	assert_create_fails(&cfg, EINVAL);
}
END_TEST

START_TEST(test_create_bad_storage)
{
	struct fbump_config cfg = long_config(MODE);
	const unsigned int bad[] = { 3, 4, 255, 0x80000000u, UINT_MAX };

	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		cfg.storage = bad[k];
		assert_create_fails(&cfg, EINVAL);
	}
}
END_TEST

START_TEST(test_create_bad_flags)
{
	struct fbump_config cfg = long_config(MODE);
	const unsigned int bad[] = { 1, 2, 0x100, 0x80000000u, UINT_MAX };

	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		cfg.flags = bad[k];
		assert_create_fails(&cfg, EINVAL);
	}
}
END_TEST

START_TEST(test_create_incomplete_allocator)
{
	struct fbump_config cfg = long_config(MODE);
	struct fbump_allocator al;

	cfg.allocator = &al;
	/* bit b of 'missing' clears function b */
	for (unsigned int missing = 1; missing < 8; missing++) {
		al = *tu_allocator();
		if (missing & 1)
			al.alloc = NULL;
		if (missing & 2)
			al.realloc = NULL;
		if (missing & 4)
			al.free = NULL;
		assert_create_fails(&cfg, EINVAL);
	}
	ck_assert_int_eq(tu_alloc_calls(), 0);
}
END_TEST

START_TEST(test_create_fixed_capacity_zero)
{
	struct fbump_config cfg = long_config(&modes[2]);

	ck_assert_uint_eq(cfg.storage, FBUMP_STORAGE_FIXED);
	cfg.capacity = 0;
	ASSERT_PTR_FAILS(fbump_arena_create(&cfg), EINVAL);
	ck_assert_int_eq(tu_alloc_live_blocks(), 0);
}
END_TEST

START_TEST(test_create_overflow)
{
	struct fbump_config cfg = long_config(MODE);
	const size_t caps[] = {
		SIZE_MAX, SIZE_MAX / sizeof(long) + 1, SIZE_MAX / 2,
	};

	for (size_t k = 0; k < sizeof(caps) / sizeof(caps[0]); k++) {
		cfg.capacity = caps[k];
		assert_create_fails(&cfg, EOVERFLOW);
	}
	/* the stride itself: elem_size rounded up to align overflows */
	cfg.capacity = MODE->capacity;
	cfg.destructor = NULL;
	cfg.elem_size = SIZE_MAX;
	cfg.elem_align = 2;
	assert_create_fails(&cfg, EOVERFLOW);
	cfg.elem_size = SIZE_MAX - 6;
	cfg.elem_align = 8;
	assert_create_fails(&cfg, EOVERFLOW);
}
END_TEST

/* allocator NULL: malloc and friends; memcheck watches for leaks */
START_TEST(test_create_default_allocator)
{
	struct fbump_config cfg = long_config(MODE);
	fbump_arena *a;

	cfg.allocator = NULL;
	a = create_ok(&cfg);
	push(a, 1000);
	assert_contents(a, 1000);
	ck_assert_int_eq(fbump_arena_shrink_to_fit(a), 0);
	assert_contents(a, 1000);
	destroy_ok(a);
	ck_assert_uint_eq(rec.calls, 1000);
	ck_assert_int_eq(tu_alloc_calls(), 0);
}
END_TEST

/* The allocator struct and the config are copied at create. */
START_TEST(test_create_copies_config)
{
	struct fbump_config cfg = long_config(MODE);
	struct fbump_allocator al = *tu_allocator();
	fbump_arena *a;

	cfg.allocator = &al;
	a = create_ok(&cfg);
	memset(&al, 0, sizeof(al));
	memset(&cfg, 0xff, sizeof(cfg));
	push(a, 1000);
	ck_assert_uint_eq(fbump_arena_stride(a), sizeof(long));
	assert_contents(a, 1000);
	destroy_ok(a);
	ck_assert_uint_eq(rec.calls, 1000);
	ck_assert_int_gt(tu_alloc_calls(), 0);
}
END_TEST

START_TEST(test_create_unique_ids)
{
	fbump_arena *a = new_arena(MODE);
	fbump_arena *b = new_arena(MODE);
	fbump_checkpoint ca = fbump_arena_checkpoint(a);
	fbump_checkpoint cb = fbump_arena_checkpoint(b);

	ck_assert_uint_ne(ca.arena_id, 0);
	ck_assert_uint_ne(cb.arena_id, 0);
	ck_assert_uint_ne(ca.arena_id, cb.arena_id);
	destroy_ok(a);
	destroy_ok(b);
}
END_TEST

/* ---- alloc ------------------------------------------------------------------ */

START_TEST(test_alloc_values)
{
	fbump_arena *a = new_arena(MODE);
	long v;

	for (size_t i = 0; i < 1000; i++) {
		v = key(i);
		ck_assert_uint_eq(fbump_arena_alloc(a, &v), i);
		v = -1; /* the arena holds a copy */
		ck_assert_uint_eq(fbump_arena_len(a), i + 1);
		ck_assert_int_eq(fbump_arena_is_empty(a), 0);
	}
	assert_contents(a, 1000);
	destroy_ok(a);
	tu_assert_recorded(&rec, key(0), KEY_STEP, 1000);
}
END_TEST

/* Copies elem_size bytes from value and no more: the value lives in a
 * block of exactly elem_size bytes, so memcheck would see an overread. */
START_TEST(test_alloc_elem_size_copy)
{
	struct fbump_config cfg = FBUMP_CONFIG_INIT_SIZED(12, 8);
	unsigned char *v = malloc(12);
	fbump_arena *a;

	ck_assert_ptr_nonnull(v);
	cfg.allocator = tu_allocator();
	cfg.storage = MODE->storage;
	cfg.capacity = MODE->capacity;
	a = create_ok(&cfg);
	ck_assert_uint_eq(fbump_arena_stride(a), 16);
	for (size_t i = 0; i < 100; i++) {
		memset(v, (int)i, 12);
		ck_assert_uint_eq(fbump_arena_alloc(a, v), i);
	}
	for (size_t i = 0; i < 100; i++) {
		memset(v, (int)i, 12);
		ck_assert_mem_eq(fbump_arena_get(a, i), v, 12);
	}
	destroy_ok(a);
	free(v);
}
END_TEST

/* The value may be an element of the same arena, even when the call
 * grows the arena and (REALLOC) moves that element. */
START_TEST(test_alloc_self)
{
	const struct mode *m = MODE;
	fbump_arena *a = new_arena(m);
	size_t len;

	if (is_fixed(m))
		push(a, 10);
	else
		fill_to_capacity(a);
	len = fbump_arena_len(a);
	ck_assert_uint_eq(fbump_arena_alloc(a, fbump_arena_get(a, 3)), len);
	ck_assert_int_eq(*(long *)fbump_arena_get(a, len), key(3));
	ck_assert_uint_eq(fbump_arena_alloc(a, fbump_arena_get(a, len - 1)),
			  len + 1);
	ck_assert_int_eq(*(long *)fbump_arena_get(a, len + 1), key(len - 1));
	assert_contents_upto(a, len);
	destroy_ok(a);
}
END_TEST

START_TEST(test_alloc_einval)
{
	fbump_arena *a = new_arena(MODE);
	long v = key(0);
	struct state s;

	ASSERT_INDEX_FAILS(fbump_arena_alloc(NULL, &v), EINVAL);
	push(a, 3);
	s = state_of(a);
	ASSERT_INDEX_FAILS(fbump_arena_alloc(a, NULL), EINVAL);
	assert_unchanged(a, &s);
	push(a, 1);
	assert_contents(a, 4);
	destroy_ok(a);
}
END_TEST

/* ---- alloc_uninit ----------------------------------------------------------- */

START_TEST(test_uninit)
{
	fbump_arena *a = new_arena(MODE);

	for (size_t i = 0; i < 500; i++) {
		size_t idx = FBUMP_NONE;
		long *p = fbump_arena_alloc_uninit(a, i % 3 ? &idx : NULL);

		ck_assert_ptr_nonnull(p);
		ck_assert_uint_eq((uintptr_t)p % alignof(long), 0);
		ck_assert_uint_eq(fbump_arena_len(a), i + 1);
		ck_assert_ptr_eq(p, fbump_arena_get(a, i));
		if (i % 3)
			ck_assert_uint_eq(idx, i);
		*p = key(i);
		if (i % 5 == 0) { /* mixed with alloc */
			push(a, 1);
			i++;
		}
	}
	assert_contents(a, 500);
	destroy_ok(a);
	tu_assert_recorded(&rec, key(0), KEY_STEP, 500);
}
END_TEST

START_TEST(test_uninit_einval)
{
	size_t idx = 5;

	ASSERT_PTR_FAILS(fbump_arena_alloc_uninit(NULL, &idx), EINVAL);
	ASSERT_PTR_FAILS(fbump_arena_alloc_uninit(NULL, NULL), EINVAL);
}
END_TEST

/* ---- alloc_extend ----------------------------------------------------------- */

/* key(first), ..., key(first + n - 1) in a block of exactly n longs. */
static long *keys(size_t first, size_t n)
{
	long *v = malloc(n * sizeof(*v));

	ck_assert_ptr_nonnull(v);
	for (size_t i = 0; i < n; i++)
		v[i] = key(first + i);
	return v;
}

/* Appends key(len .. len + n - 1) with one alloc_extend. */
static void extend(fbump_arena *a, size_t n)
{
	size_t len = fbump_arena_len(a);
	long *v = keys(len, n);

	ck_assert_uint_eq(fbump_arena_alloc_extend(a, v, n), len);
	ck_assert_uint_eq(fbump_arena_len(a), len + n);
	free(v);
}

START_TEST(test_extend_values)
{
	fbump_arena *a = new_arena(MODE);

	extend(a, 10);
	extend(a, 5);
	push(a, 1);
	extend(a, 20);
	extend(a, 1);
	extend(a, 700);
	assert_contents(a, 737);
	destroy_ok(a);
	tu_assert_recorded(&rec, key(0), KEY_STEP, 737);
}
END_TEST

START_TEST(test_extend_zero)
{
	fbump_arena *a = new_arena(MODE);
	long v = key(0);
	struct state s = state_of(a);
	long calls = growth_calls();

	ck_assert_uint_eq(fbump_arena_alloc_extend(a, NULL, 0), 0);
	ck_assert_uint_eq(fbump_arena_alloc_extend(a, &v, 0), 0);
	assert_unchanged(a, &s);
	ck_assert_int_eq(growth_calls(), calls);
	push(a, 3);
	s = state_of(a);
	calls = growth_calls();
	ck_assert_uint_eq(fbump_arena_alloc_extend(a, NULL, 0), 3);
	ck_assert_uint_eq(fbump_arena_alloc_extend(a, &v, 0), 3);
	assert_unchanged(a, &s);
	ck_assert_int_eq(growth_calls(), calls);
	destroy_ok(a);
	ck_assert_uint_eq(rec.calls, 3);
}
END_TEST

START_TEST(test_extend_einval)
{
	fbump_arena *a = new_arena(MODE);
	long v[2] = { key(0), key(1) };
	struct state s;

	ASSERT_INDEX_FAILS(fbump_arena_alloc_extend(NULL, v, 2), EINVAL);
	ASSERT_INDEX_FAILS(fbump_arena_alloc_extend(NULL, NULL, 0), EINVAL);
	s = state_of(a);
	ASSERT_INDEX_FAILS(fbump_arena_alloc_extend(a, NULL, 1), EINVAL);
	assert_unchanged(a, &s);
	push(a, 2);
	s = state_of(a);
	ASSERT_INDEX_FAILS(fbump_arena_alloc_extend(a, NULL, 5), EINVAL);
	assert_unchanged(a, &s);
	destroy_ok(a);
	ck_assert_uint_eq(rec.calls, 2);
}
END_TEST

START_TEST(test_extend_overflow)
{
	fbump_arena *a = new_arena(MODE);
	long v = key(0); /* never read: the call fails first */
	struct state s = state_of(a);

	/* (0 + n) * stride overflows */
	ASSERT_INDEX_FAILS(fbump_arena_alloc_extend(a, &v, SIZE_MAX), EOVERFLOW);
	ASSERT_INDEX_FAILS(fbump_arena_alloc_extend(a, &v,
			SIZE_MAX / sizeof(long) + 1), EOVERFLOW);
	assert_unchanged(a, &s);
	push(a, 3);
	s = state_of(a);
	/* len + n overflows */
	ASSERT_INDEX_FAILS(fbump_arena_alloc_extend(a, &v, SIZE_MAX), EOVERFLOW);
	ASSERT_INDEX_FAILS(fbump_arena_alloc_extend(a, &v, SIZE_MAX - 2),
			   EOVERFLOW);
	/* len + n fits, (len + n) * stride does not */
	ASSERT_INDEX_FAILS(fbump_arena_alloc_extend(a, &v,
			SIZE_MAX / sizeof(long) - 2), EOVERFLOW);
	assert_unchanged(a, &s);
	extend(a, 4);
	assert_contents(a, 7);
	destroy_ok(a);
	ck_assert_uint_eq(rec.calls, 7);
}
END_TEST

/* alloc_extend from the arena's own elements, growing it. */
START_TEST(test_extend_self)
{
	const struct mode *m = MODE;
	fbump_arena *a = new_arena(m);
	size_t len;

	if (is_fixed(m))
		push(a, FIXED_CAP / 2);
	else
		fill_to_capacity(a);
	len = fbump_arena_len(a);
	ck_assert_uint_eq(fbump_arena_alloc_extend(a, fbump_arena_data(a), len),
			  len);
	ck_assert_uint_eq(fbump_arena_len(a), 2 * len);
	assert_contents_upto(a, len);
	for (size_t i = 0; i < len; i++)
		if (*(long *)fbump_arena_get(a, len + i) != key(i))
			ck_abort_msg("copy of element %zu is wrong", i);
	destroy_ok(a);
}
END_TEST

/* elem_size not a multiple of align: the input array is elem_size bytes
 * apart, the slots stride bytes apart. */
static void check_extend_shape(const struct mode *m, size_t size, size_t align,
			       size_t stride)
{
	struct fbump_config cfg = FBUMP_CONFIG_INIT_SIZED(size, align);
	const size_t n = 50;
	unsigned char *v = malloc(n * size); /* exact: memcheck sees overreads */
	fbump_arena *a;

	ck_assert_ptr_nonnull(v);
	for (size_t i = 0; i < n * size; i++)
		v[i] = (unsigned char)(i * 13 + 1);
	cfg.allocator = tu_allocator();
	cfg.storage = m->storage;
	cfg.capacity = m->capacity;
	a = create_ok(&cfg);
	ck_assert_uint_eq(fbump_arena_stride(a), stride);
	ck_assert_uint_eq(fbump_arena_alloc(a, v), 0);
	ck_assert_uint_eq(fbump_arena_alloc_extend(a, v, n), 1);
	ck_assert_uint_eq(fbump_arena_alloc_extend(a, v + size, n - 1), n + 1);
	ck_assert_uint_eq(fbump_arena_len(a), 2 * n);
	ck_assert_mem_eq(fbump_arena_get(a, 0), v, size);
	for (size_t i = 0; i < n; i++)
		ck_assert_mem_eq(fbump_arena_get(a, 1 + i), v + i * size, size);
	for (size_t i = 1; i < n; i++)
		ck_assert_mem_eq(fbump_arena_get(a, n + i), v + i * size, size);
	destroy_ok(a);
	free(v);
}

START_TEST(test_extend_stride)
{
	check_extend_shape(MODE, 12, 8, 16);	/* stride > elem_size */
	check_extend_shape(MODE, 3, 2, 4);
	check_extend_shape(MODE, 12, 4, 12);	/* stride == elem_size */
}
END_TEST

/* ---- get, try_get ----------------------------------------------------------- */

START_TEST(test_get)
{
	fbump_arena *a = new_arena(MODE);
	fbump_checkpoint cp;

	ASSERT_PTR_FAILS(fbump_arena_try_get(a, 0), ERANGE);
	ASSERT_PTR_FAILS(fbump_arena_try_get(NULL, 0), EINVAL);
	push(a, 4);
	cp = fbump_arena_checkpoint(a);
	push(a, 6);
	for (size_t i = 0; i < 10; i++) {
		long *p = fbump_arena_try_get(a, i);

		ck_assert_ptr_eq(p, fbump_arena_get(a, i));
		ck_assert_int_eq(*p, key(i));
	}
	ASSERT_PTR_FAILS(fbump_arena_try_get(a, 10), ERANGE);
	ASSERT_PTR_FAILS(fbump_arena_try_get(a, 11), ERANGE);
	ASSERT_PTR_FAILS(fbump_arena_try_get(a, SIZE_MAX), ERANGE);
	ASSERT_PTR_FAILS(fbump_arena_try_get(a, SIZE_MAX / 8), ERANGE);
	ck_assert_int_eq(fbump_arena_rollback(a, cp), 0);
	ASSERT_PTR_FAILS(fbump_arena_try_get(a, 4), ERANGE);
	ck_assert_ptr_eq(fbump_arena_try_get(a, 3), fbump_arena_get(a, 3));
	destroy_ok(a);
}
END_TEST

/* ---- len, is_empty, data, stride, FOREACH ----------------------------------- */

START_TEST(test_len_is_empty)
{
	fbump_arena *a = new_arena(MODE);

	ck_assert_uint_eq(fbump_arena_len(a), 0);
	ck_assert_int_ne(fbump_arena_is_empty(a), 0);
	push(a, 1);
	ck_assert_uint_eq(fbump_arena_len(a), 1);
	ck_assert_int_eq(fbump_arena_is_empty(a), 0);
	extend(a, 9);
	ck_assert_uint_eq(fbump_arena_len(a), 10);
	ck_assert_int_eq(fbump_arena_reset(a), 0);
	ck_assert_uint_eq(fbump_arena_len(a), 0);
	ck_assert_int_ne(fbump_arena_is_empty(a), 0);
	destroy_ok(a);
}
END_TEST

START_TEST(test_data_stride)
{
	const struct mode *m = MODE;
	fbump_arena *a = new_arena(m);
	unsigned char *d;

	if (is_vm(m) || m->capacity == 0)
		ck_assert_ptr_null(fbump_arena_data(a));
	push(a, 100);
	d = fbump_arena_data(a);
	ck_assert_ptr_nonnull(d);
	ck_assert_uint_eq(fbump_arena_stride(a), sizeof(long));
	for (size_t i = 0; i < 100; i++) {
		ck_assert_ptr_eq(fbump_arena_get(a, i), d + i * sizeof(long));
		ck_assert_int_eq(((long *)(void *)d)[i], key(i));
	}
	destroy_ok(a);
}
END_TEST

/* Counts FOREACH's steps, asserting each visits key(step). */
static size_t foreach_count(const fbump_arena *a)
{
	size_t n = 0;

	FBUMP_ARENA_FOREACH(long, p, a) {
		ck_assert_ptr_eq(p, fbump_arena_get(a, n));
		ck_assert_int_eq(*p, key(n));
		n++;
	}
	return n;
}

START_TEST(test_foreach)
{
	fbump_arena *a = new_arena(MODE);

	ck_assert_uint_eq(foreach_count(a), 0);
	push(a, 1);
	ck_assert_uint_eq(foreach_count(a), 1);
	push(a, 299);
	ck_assert_uint_eq(foreach_count(a), 300);
	ck_assert_int_eq(fbump_arena_reset(a), 0);
	ck_assert_uint_eq(foreach_count(a), 0);
	destroy_ok(a);
}
END_TEST

START_TEST(test_foreach_stride)
{
	struct fbump_config cfg = FBUMP_CONFIG_INIT_SIZED(12, 8);
	fbump_arena *a;
	unsigned char v[12];
	size_t n = 0;

	cfg.allocator = tu_allocator();
	cfg.storage = MODE->storage;
	cfg.capacity = MODE->capacity;
	a = create_ok(&cfg);
	for (size_t i = 0; i < 40; i++) {
		memset(v, (int)i, sizeof(v));
		ck_assert_uint_eq(fbump_arena_alloc(a, v), i);
	}
	FBUMP_ARENA_FOREACH(unsigned char, p, a) {
		memset(v, (int)n, sizeof(v));
		ck_assert_ptr_eq(p, fbump_arena_get(a, n));
		ck_assert_mem_eq(p, v, sizeof(v));
		n++;
	}
	ck_assert_uint_eq(n, 40);
	destroy_ok(a);
}
END_TEST

/* ---- capacity, reserve, shrink_to_fit --------------------------------------- */

START_TEST(test_capacity_null)
{
	errno = 0;
	ck_assert_uint_eq(fbump_arena_capacity(NULL), 0);
	ck_assert_int_eq(errno, EINVAL);
	ASSERT_STATUS_FAILS(fbump_arena_reserve(NULL, 1), EINVAL);
	ASSERT_STATUS_FAILS(fbump_arena_shrink_to_fit(NULL), EINVAL);
}
END_TEST

/* The capacity is what fits without growing: filling it takes no
 * allocator or VM call, and it never falls below the length. */
START_TEST(test_capacity_growth)
{
	fbump_arena *a = new_arena(MODE);
	size_t cap;
	long calls;

	for (size_t i = 0; i < 3 * FIXED_CAP / 4; i++) {
		push(a, 1);
		if (fbump_arena_capacity(a) < fbump_arena_len(a))
			ck_abort_msg("capacity %zu < length %zu",
				     fbump_arena_capacity(a),
				     fbump_arena_len(a));
	}
	cap = fbump_arena_capacity(a);
	calls = growth_calls();
	push(a, cap - fbump_arena_len(a));
	ck_assert_int_eq(growth_calls(), calls);
	ck_assert_uint_eq(fbump_arena_capacity(a), cap);
	assert_contents(a, cap);
	destroy_ok(a);
}
END_TEST

START_TEST(test_reserve)
{
	const struct mode *m = MODE;
	fbump_arena *a = new_arena(m);
	const size_t n = is_fixed(m) ? FIXED_CAP - 10 : 5000;
	struct state s;
	long calls;

	push(a, 10);
	s = state_of(a);
	calls = growth_calls();
	ck_assert_int_eq(fbump_arena_reserve(a, 0), 0);
	assert_unchanged(a, &s);
	ck_assert_int_eq(growth_calls(), calls);
	ck_assert_int_eq(fbump_arena_reserve(a, n), 0);
	ck_assert_uint_ge(fbump_arena_capacity(a), 10 + n);
	assert_contents(a, 10);
	s = state_of(a);
	calls = growth_calls();
	push(a, n);
	ck_assert_int_eq(growth_calls(), calls);
	ck_assert_uint_eq(fbump_arena_capacity(a), s.capacity);
	ck_assert_ptr_eq(fbump_arena_data(a), s.data);
	assert_contents(a, 10 + n);
	destroy_ok(a);
}
END_TEST

/* reserve past a fixed limit: ENOSPC and nothing changes. */
START_TEST(test_reserve_nospace)
{
	const struct mode *m = MODE;
	fbump_arena *a = new_arena(m);
	struct state s;

	push(a, 10);
	ck_assert_int_eq(fbump_arena_reserve(a, m->capacity - 10), 0);
	s = state_of(a);
	ASSERT_STATUS_FAILS(fbump_arena_reserve(a, m->capacity - 9), ENOSPC);
	ASSERT_STATUS_FAILS(fbump_arena_reserve(a, SIZE_MAX / 16), ENOSPC);
	assert_unchanged(a, &s);
	push(a, m->capacity - 10);
	assert_contents(a, m->capacity);
	destroy_ok(a);
}
END_TEST

START_TEST(test_reserve_overflow)
{
	fbump_arena *a = new_arena(MODE);
	struct state s = state_of(a);

	ASSERT_STATUS_FAILS(fbump_arena_reserve(a, SIZE_MAX), EOVERFLOW);
	ASSERT_STATUS_FAILS(fbump_arena_reserve(a, SIZE_MAX / sizeof(long) + 1),
			    EOVERFLOW);
	assert_unchanged(a, &s);
	push(a, 2);
	s = state_of(a);
	ASSERT_STATUS_FAILS(fbump_arena_reserve(a, SIZE_MAX - 1), EOVERFLOW);
	ASSERT_STATUS_FAILS(fbump_arena_reserve(a, SIZE_MAX / sizeof(long) - 1),
			    EOVERFLOW);
	assert_unchanged(a, &s);
	destroy_ok(a);
}
END_TEST

/* VM: whole pages past the length are decommitted; live elements keep
 * their address and value. */
START_TEST(test_shrink_vm)
{
	fbump_arena *a = new_arena(&modes[0]);
	size_t keep = page_size() / sizeof(long) + 3; /* 2 pages */
	fbump_checkpoint cp;
	void *d;

	push(a, keep);
	cp = fbump_arena_checkpoint(a);
	push(a, 50000 - keep);
	ck_assert_uint_ge(fbump_arena_capacity(a), 50000);
	d = fbump_arena_data(a);
	ck_assert_int_eq(fbump_arena_rollback(a, cp), 0);
	ck_assert_uint_ge(fbump_arena_capacity(a), 50000);
	ck_assert_int_eq(fbump_arena_shrink_to_fit(a), 0);
	ck_assert_uint_eq(fbump_arena_capacity(a),
			  round_up(keep * sizeof(long), page_size()) /
			  sizeof(long));
	ck_assert_ptr_eq(fbump_arena_data(a), d);
	assert_contents(a, keep);
	push(a, 50000 - keep); /* grows again */
	ck_assert_ptr_eq(fbump_arena_data(a), d);
	assert_contents(a, 50000);
	ck_assert_int_eq(fbump_arena_reset(a), 0);
	ck_assert_int_eq(fbump_arena_shrink_to_fit(a), 0);
	ck_assert_uint_eq(fbump_arena_capacity(a), 0);
	push(a, 10);
	assert_contents(a, 10);
	destroy_ok(a);
}
END_TEST

/* REALLOC: the block shrinks to the live elements, or goes at length 0. */
START_TEST(test_shrink_realloc)
{
	fbump_arena *a = new_arena(MODE);
	size_t bytes;

	push(a, 1000);
	bytes = tu_alloc_live_bytes();
	ck_assert_int_eq(fbump_arena_rollback(a, (fbump_checkpoint){
		fbump_arena_checkpoint(a).arena_id, 10 }), 0);
	ck_assert_int_eq(fbump_arena_shrink_to_fit(a), 0);
	ck_assert_uint_eq(fbump_arena_capacity(a), 10);
	ck_assert_uint_lt(tu_alloc_live_bytes(), bytes);
	assert_contents(a, 10);
	push(a, 5);
	assert_contents(a, 15);
	ck_assert_int_eq(fbump_arena_reset(a), 0);
	ck_assert_int_eq(fbump_arena_shrink_to_fit(a), 0);
	ck_assert_uint_eq(fbump_arena_capacity(a), 0);
	ck_assert_ptr_null(fbump_arena_data(a));
	ck_assert_int_eq(tu_alloc_live_blocks(), 1); /* the arena itself */
	push(a, 20);
	assert_contents(a, 20);
	destroy_ok(a);
}
END_TEST

/* REALLOC: a shrink whose realloc fails keeps the larger block, and the
 * call succeeds with errno as it was. */
START_TEST(test_shrink_realloc_fails)
{
	fbump_arena *a = new_arena(MODE);
	fbump_checkpoint cp;
	struct state s;

	push(a, 10);
	cp = fbump_arena_checkpoint(a);
	push(a, 990);
	ck_assert_int_eq(fbump_arena_rollback(a, cp), 0);
	s = state_of(a);
	tu_fault_arm(0, TU_FAULT_ANY | TU_FAULT_STICKY);
	errno = 0;
	ck_assert_int_eq(fbump_arena_shrink_to_fit(a), 0);
	ck_assert_int_eq(errno, 0);
	ck_assert(tu_fault_hit());
	tu_fault_disarm();
	assert_unchanged(a, &s);
	push(a, 1000);
	assert_contents(a, 1010);
	destroy_ok(a);
}
END_TEST

START_TEST(test_shrink_fixed)
{
	fbump_arena *a = new_arena(&modes[2]);
	struct state s;
	long calls;

	push(a, 10);
	s = state_of(a);
	calls = growth_calls();
	ck_assert_int_eq(fbump_arena_shrink_to_fit(a), 0);
	assert_unchanged(a, &s);
	ck_assert_uint_eq(fbump_arena_capacity(a), FIXED_CAP);
	ck_assert_int_eq(growth_calls(), calls);
	push(a, FIXED_CAP - 10);
	assert_contents(a, FIXED_CAP);
	destroy_ok(a);
}
END_TEST

/* REALLOC has no limit of its own: a request no allocator can satisfy is
 * ENOMEM (or EOVERFLOW), not ENOSPC, which means a FIXED or VM arena is
 * full. */
START_TEST(test_realloc_huge)
{
	fbump_arena *a = new_arena(MODE);
	const size_t n = SIZE_MAX / sizeof(long) - 4; /* * stride fits */
	long v = 0;
	struct state s;
	int err;

	push(a, 3);
	s = state_of(a);
	errno = 0;
	ck_assert_uint_eq(fbump_arena_alloc_extend(a, &v, n), FBUMP_NONE);
	err = errno;
	ck_assert_msg(err == ENOMEM || err == EOVERFLOW,
		      "alloc_extend: %s", strerror(err));
	err = fbump_arena_reserve(a, n);
	ck_assert_msg(err == ENOMEM || err == EOVERFLOW, "reserve: %s",
		      strerror(err));
	assert_unchanged(a, &s);
	destroy_ok(a);
}
END_TEST

/* ---- pointer stability ------------------------------------------------------ */

static size_t big_count(void)
{
	return tu_small() ? 100000 : 1000000;
}

#define SAMPLES 80

struct samples {
	size_t n;
	size_t index[SAMPLES];
	long *ptr[SAMPLES];
};

/* Appends n elements, alternately by alloc and alloc_uninit, noting early
 * pointers to some of them; returns how many calls went wrong. */
static size_t grow_noting(fbump_arena *a, size_t n, struct samples *s)
{
	size_t bad = 0;

	for (size_t i = 0; i < n; i++) {
		long v = key(i);
		size_t got = FBUMP_NONE;
		long *p;

		if (i % 2) {
			got = fbump_arena_alloc(a, &v);
		} else if ((p = fbump_arena_alloc_uninit(a, &got)) != NULL) {
			*p = v;
		}
		if (got != i)
			bad++;
		if ((i < 32 || i % (n / 32) == 0) && s->n < SAMPLES) {
			s->index[s->n] = i;
			s->ptr[s->n++] = fbump_arena_get(a, i);
		}
	}
	return bad;
}

static void check_stable(const struct mode *m, size_t n)
{
	struct samples s = { 0 };
	fbump_arena *a = new_arena(m);
	void *d;

	push(a, 1);
	d = fbump_arena_data(a);
	ck_assert_int_eq(fbump_arena_reset(a), 0);
	ck_assert_uint_eq(grow_noting(a, n, &s), 0);
	ck_assert_uint_gt(s.n, 40);
	ck_assert_ptr_eq(fbump_arena_data(a), d);
	for (size_t k = 0; k < s.n; k++) {
		ck_assert_ptr_eq(s.ptr[k], fbump_arena_get(a, s.index[k]));
		ck_assert_int_eq(*s.ptr[k], key(s.index[k]));
	}
	assert_contents(a, n);
	if (is_fixed(m)) {
		long v = 0;

		ASSERT_INDEX_FAILS(fbump_arena_alloc(a, &v), ENOSPC);
		ck_assert_ptr_eq(fbump_arena_data(a), d);
		assert_contents(a, n);
	}
	destroy_ok(a);
	ck_assert_uint_eq(rec.calls, n + 1);
}

START_TEST(test_stable_vm)
{
	check_stable(&vm_default, big_count());
}
END_TEST

START_TEST(test_stable_fixed)
{
	const struct mode fixed = {
		"fixed-big", FBUMP_STORAGE_FIXED, big_count()
	};

	check_stable(&fixed, fixed.capacity);
}
END_TEST

/* REALLOC: the block moves (the counting allocator always moves it) but
 * indices stay valid. */
START_TEST(test_realloc_grows)
{
	fbump_arena *a = new_arena(MODE);
	size_t n = big_count() / 4;

	push(a, n);
	ck_assert_int_gt(tu_realloc_calls(), 0);
	ck_assert_uint_ge(fbump_arena_capacity(a), n);
	assert_contents(a, n);
	destroy_ok(a);
	ck_assert_uint_eq(rec.calls, n);
}
END_TEST

/* ---- ENOSPC ----------------------------------------------------------------- */

/* Fills 'a' (holding key(0..len-1)) to 'limit' elements; every way to go past it fails with
 * ENOSPC and changes nothing; the arena stays usable. */
static void check_full(fbump_arena *a, size_t limit)
{
	long v[10] = { 0 };
	struct state s;

	push(a, limit - fbump_arena_len(a));
	ck_assert_uint_eq(fbump_arena_capacity(a), limit);
	s = state_of(a);
	ASSERT_INDEX_FAILS(fbump_arena_alloc(a, v), ENOSPC);
	ASSERT_PTR_FAILS(fbump_arena_alloc_uninit(a, NULL), ENOSPC);
	ASSERT_INDEX_FAILS(fbump_arena_alloc_extend(a, v, 1), ENOSPC);
	ASSERT_INDEX_FAILS(fbump_arena_alloc_extend(a, v, 10), ENOSPC);
	ASSERT_STATUS_FAILS(fbump_arena_reserve(a, 1), ENOSPC);
	assert_unchanged(a, &s);
	ck_assert_uint_eq(rec.calls, 0);
	/* all or nothing */
	ck_assert_int_eq(fbump_arena_rollback(a, (fbump_checkpoint){
		fbump_arena_checkpoint(a).arena_id, limit - 5 }), 0);
	tu_assert_recorded(&rec, key(limit - 1), -KEY_STEP, 5);
	s = state_of(a);
	ASSERT_INDEX_FAILS(fbump_arena_alloc_extend(a, v, 6), ENOSPC);
	assert_unchanged(a, &s);
	extend(a, 5);
	assert_contents(a, limit);
	tu_recorder_clear(&rec);
	destroy_ok(a);
	ck_assert_uint_eq(rec.calls, limit);
}

/* The limit is the same for one call as for many: a fresh arena takes
 * 'limit' elements in one alloc_extend, or reserves room for them. */
static void check_bulk_limit(const struct mode *m, size_t limit)
{
	fbump_arena *a = new_arena(m);
	long *v = keys(0, limit + 1);

	ASSERT_INDEX_FAILS(fbump_arena_alloc_extend(a, v, limit + 1), ENOSPC);
	ASSERT_STATUS_FAILS(fbump_arena_reserve(a, limit + 1), ENOSPC);
	ck_assert_uint_eq(fbump_arena_len(a), 0);
	ck_assert_int_eq(fbump_arena_reserve(a, limit), 0);
	ck_assert_uint_eq(fbump_arena_capacity(a), limit);
	destroy_ok(a);
	a = new_arena(m);
	ck_assert_uint_eq(fbump_arena_alloc_extend(a, v, limit), 0);
	assert_contents(a, limit);
	ASSERT_INDEX_FAILS(fbump_arena_alloc_extend(a, v, 1), ENOSPC);
	tu_recorder_clear(&rec);
	destroy_ok(a);
	ck_assert_uint_eq(rec.calls, limit);
	free(v);
}

START_TEST(test_fixed_full)
{
	check_full(new_arena(&modes[2]), FIXED_CAP);
	tu_recorder_clear(&rec);
	check_bulk_limit(&modes[2], FIXED_CAP);
}
END_TEST

/* VM: the limit is exactly the capacity, although whole pages are
 * committed, whichever call reaches it. */
START_TEST(test_vm_capped_full)
{
	const struct mode vm = { "vm-1000", FBUMP_STORAGE_VM, 1000 };
	size_t limit = 1000;

	check_full(new_arena(&vm), limit);
	tu_recorder_clear(&rec);
	check_bulk_limit(&vm, limit);
}
END_TEST

/* VM: a refused reservation is retried at half the size: the arena works
 * with the lower limit. */
START_TEST(test_vm_halving)
{
	const struct mode vm = {
		"vm-16-pages", FBUMP_STORAGE_VM, 16 * page_size() / sizeof(long)
	};
	fbump_arena *a = new_arena(&vm);

	tu_vm_fail_at(0);
	errno = 0;
	push(a, 1);
	ck_assert_int_eq(errno, 0);	/* the refusal was absorbed */
	ck_assert(tu_fault_hit());
	tu_fault_disarm();
	check_full(a, 8 * page_size() / sizeof(long));
}
END_TEST

/* ---- checkpoint, rollback --------------------------------------------------- */

START_TEST(test_checkpoint_null)
{
	fbump_checkpoint cp;
	fbump_arena *a = new_arena(MODE);

	errno = 0;
	cp = fbump_arena_checkpoint(NULL);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_uint_eq(cp.arena_id, 0);
	ck_assert_uint_eq(cp.len, 0);
	ASSERT_STATUS_FAILS(fbump_arena_rollback(NULL,
			fbump_arena_checkpoint(a)), EINVAL);
	destroy_ok(a);
}
END_TEST

START_TEST(test_checkpoint_len)
{
	fbump_arena *a = new_arena(MODE);
	fbump_checkpoint c0 = fbump_arena_checkpoint(a);
	fbump_checkpoint c7;

	push(a, 7);
	c7 = fbump_arena_checkpoint(a);
	ck_assert_uint_ne(c0.arena_id, 0);
	ck_assert_uint_eq(c7.arena_id, c0.arena_id);
	ck_assert_uint_eq(c0.len, 0);
	ck_assert_uint_eq(c7.len, 7);
	/* rolling back to the current length destroys nothing */
	ck_assert_int_eq(fbump_arena_rollback(a, c7), 0);
	ck_assert_uint_eq(rec.calls, 0);
	assert_contents(a, 7);
	destroy_ok(a);
}
END_TEST

/* Reverse order; the slots are reused by the next allocations, at the
 * same address where elements never move. */
START_TEST(test_rollback_order)
{
	const struct mode *m = MODE;
	fbump_arena *a = new_arena(m);
	fbump_checkpoint cp;
	void *slot4;
	size_t cap;
	long v = -42;

	push(a, 4);
	cp = fbump_arena_checkpoint(a);
	push(a, 6);
	slot4 = fbump_arena_get(a, 4);
	cap = fbump_arena_capacity(a);
	ck_assert_int_eq(fbump_arena_rollback(a, cp), 0);
	tu_assert_recorded(&rec, key(9), -KEY_STEP, 6);
	assert_contents(a, 4);
	ck_assert_uint_eq(fbump_arena_capacity(a), cap);
	ck_assert_uint_eq(fbump_arena_alloc(a, &v), 4);
	ck_assert_int_eq(*(long *)fbump_arena_get(a, 4), -42);
	if (!is_realloc(m))
		ck_assert_ptr_eq(fbump_arena_get(a, 4), slot4);
	ck_assert_uint_eq(fbump_arena_len(a), 5);
	tu_recorder_clear(&rec);
	destroy_ok(a);
	ck_assert_uint_eq(rec.calls, 5);
	ck_assert_int_eq(rec.values[4], -42);
}
END_TEST

START_TEST(test_rollback_other_arena)
{
	fbump_arena *a = new_arena(MODE);
	fbump_arena *b = new_arena(MODE);
	fbump_checkpoint cb;
	struct state s;

	push(a, 5);
	push(b, 2);
	cb = fbump_arena_checkpoint(b);
	push(b, 3);
	s = state_of(a);
	ASSERT_STATUS_FAILS(fbump_arena_rollback(a, cb), EINVAL);
	ASSERT_STATUS_FAILS(fbump_arena_rollback(a, (fbump_checkpoint){ 0, 0 }),
			    EINVAL);
	assert_unchanged(a, &s);
	ck_assert_uint_eq(rec.calls, 0);
	ck_assert_int_eq(fbump_arena_rollback(b, cb), 0);
	ck_assert_uint_eq(rec.calls, 3);
	destroy_ok(a);
	destroy_ok(b);
}
END_TEST

START_TEST(test_rollback_beyond_len)
{
	fbump_arena *a = new_arena(MODE);
	fbump_checkpoint c3, c6, forged;
	struct state s;

	push(a, 3);
	c3 = fbump_arena_checkpoint(a);
	push(a, 3);
	c6 = fbump_arena_checkpoint(a);
	ck_assert_int_eq(fbump_arena_rollback(a, c3), 0);
	ck_assert_uint_eq(rec.calls, 3);
	s = state_of(a);
	ASSERT_STATUS_FAILS(fbump_arena_rollback(a, c6), EINVAL);
	forged = c3;
	forged.len = 4;
	ASSERT_STATUS_FAILS(fbump_arena_rollback(a, forged), EINVAL);
	forged.len = SIZE_MAX;
	ASSERT_STATUS_FAILS(fbump_arena_rollback(a, forged), EINVAL);
	assert_unchanged(a, &s);
	ck_assert_uint_eq(rec.calls, 3);
	destroy_ok(a);
}
END_TEST

START_TEST(test_rollback_nested)
{
	fbump_arena *a = new_arena(MODE);
	fbump_checkpoint c0, c2, c5;

	c0 = fbump_arena_checkpoint(a);
	push(a, 2);
	c2 = fbump_arena_checkpoint(a);
	push(a, 3);
	c5 = fbump_arena_checkpoint(a);
	push(a, 4);
	ck_assert_int_eq(fbump_arena_rollback(a, c5), 0);
	tu_assert_recorded(&rec, key(8), -KEY_STEP, 4);
	assert_contents(a, 5);
	push(a, 2);
	tu_recorder_clear(&rec);
	ck_assert_int_eq(fbump_arena_rollback(a, c5), 0);
	tu_assert_recorded(&rec, key(6), -KEY_STEP, 2);
	tu_recorder_clear(&rec);
	ck_assert_int_eq(fbump_arena_rollback(a, c2), 0);
	tu_assert_recorded(&rec, key(4), -KEY_STEP, 3);
	ASSERT_STATUS_FAILS(fbump_arena_rollback(a, c5), EINVAL);
	assert_contents(a, 2);
	tu_recorder_clear(&rec);
	ck_assert_int_eq(fbump_arena_rollback(a, c0), 0);
	tu_assert_recorded(&rec, key(1), -KEY_STEP, 2);
	ck_assert_int_ne(fbump_arena_is_empty(a), 0);
	push(a, 3);
	assert_contents(a, 3);
	destroy_ok(a);
}
END_TEST

/* A destructor that checks what it sees of its arena: the element being
 * destroyed is already outside the length. */
struct probe {
	fbump_arena *a;
	long calls;
	char bad[160];		/* the first inconsistency seen */
};

static void probe_destructor(void *elem, void *ctx)
{
	struct probe *p = ctx;
	size_t len = fbump_arena_len(p->a);
	long v = *(long *)elem;
	void *prev = len ? fbump_arena_try_get(p->a, len - 1) : NULL;

	p->calls++;
	if (p->bad[0] != '\0')
		return;
	errno = 0;
	if (v != key(len))
		snprintf(p->bad, sizeof(p->bad), "len %zu destroying %ld", len,
			 v);
	else if (fbump_arena_try_get(p->a, len) != NULL || errno != ERANGE)
		snprintf(p->bad, sizeof(p->bad), "try_get(%zu) works", len);
	else if (len > 0 && (prev == NULL || *(long *)prev != key(len - 1)))
		snprintf(p->bad, sizeof(p->bad), "element %zu lost", len - 1);
	else if (fbump_arena_checkpoint(p->a).len != len)
		snprintf(p->bad, sizeof(p->bad), "checkpoint len wrong");
	else if (fbump_arena_capacity(p->a) < len + 1)
		snprintf(p->bad, sizeof(p->bad), "capacity too small");
}

START_TEST(test_destructor_sees_len)
{
	struct fbump_config cfg = long_config(MODE);
	struct probe p = { 0 };
	fbump_checkpoint cp;

	cfg.destructor = probe_destructor;
	cfg.destructor_ctx = &p;
	p.a = create_ok(&cfg);
	push(p.a, 3);
	cp = fbump_arena_checkpoint(p.a);
	push(p.a, 7);
	ck_assert_int_eq(fbump_arena_rollback(p.a, cp), 0);
	ck_assert_int_eq(p.calls, 7);
	ck_assert_msg(p.bad[0] == '\0', "rollback: %s", p.bad);
	ck_assert_int_eq(fbump_arena_reset(p.a), 0);
	ck_assert_int_eq(p.calls, 10);
	ck_assert_msg(p.bad[0] == '\0', "reset: %s", p.bad);
	destroy_ok(p.a);
	ck_assert_int_eq(p.calls, 10);
}
END_TEST

/* ---- reset ------------------------------------------------------------------ */

START_TEST(test_reset)
{
	fbump_arena *a = new_arena(MODE);
	struct state s;
	long calls;

	push(a, 50);
	s = state_of(a);
	ck_assert_int_eq(fbump_arena_reset(a), 0);
	tu_assert_recorded(&rec, key(49), -KEY_STEP, 50);
	ck_assert_uint_eq(fbump_arena_len(a), 0);
	ck_assert_int_ne(fbump_arena_is_empty(a), 0);
	ck_assert_uint_eq(fbump_arena_capacity(a), s.capacity);
	ck_assert_ptr_eq(fbump_arena_data(a), s.data);
	/* the capacity is kept: refilling it does not grow */
	calls = growth_calls();
	push(a, s.capacity);
	ck_assert_int_eq(growth_calls(), calls);
	assert_contents(a, s.capacity);
	tu_recorder_clear(&rec);
	ck_assert_int_eq(fbump_arena_reset(a), 0);
	ck_assert_int_eq(fbump_arena_reset(a), 0); /* empty: nothing to do */
	ck_assert_uint_eq(rec.calls, s.capacity);
	ASSERT_STATUS_FAILS(fbump_arena_reset(NULL), EINVAL);
	destroy_ok(a);
	ck_assert_uint_eq(rec.calls, s.capacity);
}
END_TEST

/* ---- drain ------------------------------------------------------------------ */

START_TEST(test_drain)
{
	fbump_arena *a = new_arena(MODE);
	struct tu_recorder drained;
	struct state s;
	long calls;

	tu_recorder_init(&drained, 64);
	push(a, 20);
	s = state_of(a);
	ck_assert_int_eq(fbump_arena_drain(a, tu_record_drain, &drained), 0);
	tu_assert_recorded(&drained, key(0), KEY_STEP, 20);
	tu_assert_drain_indices(&drained);
	ck_assert_uint_eq(rec.calls, 0);	/* no destructor */
	ck_assert_int_ne(fbump_arena_is_empty(a), 0);
	ck_assert_uint_eq(fbump_arena_capacity(a), s.capacity);
	ck_assert_ptr_eq(fbump_arena_data(a), s.data);
	calls = growth_calls();
	push(a, 5);
	ck_assert_int_eq(growth_calls(), calls);
	assert_contents(a, 5);
	tu_recorder_clear(&drained);
	destroy_ok(a);
	tu_assert_recorded(&rec, key(0), KEY_STEP, 5);
	ck_assert_uint_eq(drained.calls, 0);
	tu_recorder_fini(&drained);
}
END_TEST

START_TEST(test_drain_einval)
{
	fbump_arena *a = new_arena(MODE);
	struct tu_recorder drained;
	struct state s;

	tu_recorder_init(&drained, 4);
	push(a, 3);
	s = state_of(a);
	ASSERT_STATUS_FAILS(fbump_arena_drain(NULL, tu_record_drain, &drained),
			    EINVAL);
	ASSERT_STATUS_FAILS(fbump_arena_drain(a, NULL, &drained), EINVAL);
	assert_unchanged(a, &s);
	ck_assert_uint_eq(drained.calls, 0);
	ck_assert_int_eq(fbump_arena_drain(a, tu_record_drain, &drained), 0);
	ck_assert_uint_eq(drained.calls, 3);
	ck_assert_int_eq(fbump_arena_drain(a, tu_record_drain, &drained), 0);
	ck_assert_uint_eq(drained.calls, 3);	/* empty: no calls */
	destroy_ok(a);
	ck_assert_uint_eq(rec.calls, 0);
	tu_recorder_fini(&drained);
}
END_TEST

/* Elements own heap strings: the destructor frees them, drain hands them
 * over.  memcheck sees a double free or a leak. */
static void free_string(void *elem, void *ctx)
{
	free(*(char **)elem);
	++*(long *)ctx;
}

struct taken {
	size_t n;
	size_t bad;
};

static void take_string(void *elem, size_t index, void *ctx)
{
	struct taken *t = ctx;
	char *s = *(char **)elem;
	char want[32];

	snprintf(want, sizeof(want), "element %zu", index);
	if (index != t->n++ || strcmp(s, want) != 0)
		t->bad++;
	free(s);
}

static void push_strings(fbump_arena *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *s = malloc(32);

		ck_assert_ptr_nonnull(s);
		snprintf(s, 32, "element %zu", i);
		ck_assert_uint_eq(fbump_arena_alloc(a, &s), i);
	}
}

START_TEST(test_drain_ownership)
{
	struct fbump_config cfg = FBUMP_CONFIG_INIT(char *);
	struct taken t = { 0, 0 };
	long destroyed = 0;
	fbump_arena *a;

	cfg.allocator = tu_allocator();
	cfg.storage = MODE->storage;
	cfg.capacity = MODE->capacity;
	cfg.destructor = free_string;
	cfg.destructor_ctx = &destroyed;
	a = create_ok(&cfg);
	push_strings(a, 100);
	ck_assert_int_eq(fbump_arena_drain(a, take_string, &t), 0);
	ck_assert_uint_eq(t.n, 100);
	ck_assert_uint_eq(t.bad, 0);
	ck_assert_int_eq(destroyed, 0);
	ck_assert_uint_eq(fbump_arena_len(a), 0);
	push_strings(a, 10);
	destroy_ok(a);
	ck_assert_int_eq(destroyed, 10);
}
END_TEST

/* ---- destroy ---------------------------------------------------------------- */

START_TEST(test_destroy_order)
{
	fbump_arena *a = new_arena(MODE);

	push(a, 30);
	destroy_ok(a);
	tu_assert_recorded(&rec, key(0), KEY_STEP, 30);
}
END_TEST

START_TEST(test_destroy_null)
{
	ck_assert_int_eq(fbump_arena_destroy(NULL), 0);
}
END_TEST

START_TEST(test_destroy_empty)
{
	fbump_arena *a = new_arena(MODE);

	ck_assert_int_gt(tu_alloc_live_blocks(), 0);
	destroy_ok(a);
	ck_assert_uint_eq(rec.calls, 0);
	ck_assert_int_eq(tu_alloc_live_blocks(), 0);
	a = new_arena(MODE);
	push(a, FIXED_CAP);
	ck_assert_int_eq(fbump_arena_reset(a), 0);
	tu_recorder_clear(&rec);
	destroy_ok(a);
	ck_assert_uint_eq(rec.calls, 0);
	ck_assert_int_eq(tu_alloc_live_blocks(), 0);
}
END_TEST

START_TEST(test_destroy_no_destructor)
{
	struct fbump_config cfg = long_config(MODE);
	fbump_arena *a;

	cfg.destructor = NULL;
	a = create_ok(&cfg);
	push(a, 300);
	destroy_ok(a);
	ck_assert_uint_eq(rec.calls, 0);
	ck_assert_int_eq(tu_alloc_live_blocks(), 0);
}
END_TEST

/* ---- re-entrancy ------------------------------------------------------------
 * Destructors and drain callbacks that call back into their own arena:
 * every mutating call must fail with EBUSY, reading calls must work, and
 * another arena must stay fully usable. */

struct reenter {
	fbump_arena *a;
	fbump_arena *other;	/* a second arena, not busy */
	fbump_checkpoint cp0;	/* a valid checkpoint of a, at length 0 */
	long calls;
	long refused;		/* mutating calls refused with EBUSY */
	char bad[160];		/* the first call that went wrong */
};

/* The mutating calls, each 0 when refused with EBUSY as documented. */
static int busy_index(size_t ret, int err)
{
	return !(ret == FBUMP_NONE && err == EBUSY);
}

static int busy_ptr(const void *ret, int err)
{
	return !(ret == NULL && err == EBUSY);
}

static int busy_status(int ret, int err)
{
	return !(ret == EBUSY && err == EBUSY);
}

#define N_MUTATIONS 9

/* Tries each mutating call once; returns the name of the first one that
 * was not refused, or NULL. */
static const char *try_mutations(struct reenter *r)
{
	fbump_arena *a = r->a;
	long v = 7;
	size_t idx;
	size_t ri;
	void *rp;
	int rs;

	ri = fbump_arena_alloc(a, &v);
	if (busy_index(ri, errno))
		return "alloc";
	rp = fbump_arena_alloc_uninit(a, &idx);
	if (busy_ptr(rp, errno))
		return "alloc_uninit";
	ri = fbump_arena_alloc_extend(a, &v, 1);
	if (busy_index(ri, errno))
		return "alloc_extend";
	rs = fbump_arena_reserve(a, 1);
	if (busy_status(rs, errno))
		return "reserve";
	rs = fbump_arena_shrink_to_fit(a);
	if (busy_status(rs, errno))
		return "shrink_to_fit";
	rs = fbump_arena_rollback(a, r->cp0);
	if (busy_status(rs, errno))
		return "rollback";
	rs = fbump_arena_reset(a);
	if (busy_status(rs, errno))
		return "reset";
	rs = fbump_arena_drain(a, noop_drain, NULL);
	if (busy_status(rs, errno))
		return "drain";
	rs = fbump_arena_destroy(a);
	if (busy_status(rs, errno))
		return "destroy";
	return NULL;
}

/* The reading calls and the other arena; returns what failed, or NULL. */
static const char *try_reads(struct reenter *r)
{
	size_t len = fbump_arena_len(r->a);
	long v = 1;

	if (len > 0 && fbump_arena_try_get(r->a, 0) != fbump_arena_get(r->a, 0))
		return "try_get";
	if (fbump_arena_capacity(r->a) < len)
		return "capacity";
	if (fbump_arena_checkpoint(r->a).arena_id != r->cp0.arena_id)
		return "checkpoint";
	/* n == 0 changes nothing, so it is no mutation */
	if (fbump_arena_alloc_extend(r->a, NULL, 0) != len)
		return "alloc_extend of 0 elements";
	if (fbump_arena_alloc(r->other, &v) == FBUMP_NONE)
		return "alloc on another arena";
	return NULL;
}

static void reenter_callback(struct reenter *r)
{
	const char *what = try_mutations(r);

	r->calls++;
	if (what == NULL)
		r->refused += N_MUTATIONS;
	else if (r->bad[0] == '\0')
		snprintf(r->bad, sizeof(r->bad), "%s not refused: %s", what,
			 strerror(errno));
	what = try_reads(r);
	if (what != NULL && r->bad[0] == '\0')
		snprintf(r->bad, sizeof(r->bad), "%s failed", what);
}

static void reenter_destructor(void *elem, void *ctx)
{
	(void)elem;
	reenter_callback(ctx);
}

static void reenter_drain(void *elem, size_t index, void *ctx)
{
	(void)elem;
	(void)index;
	reenter_callback(ctx);
}

static void reenter_init(struct reenter *r, const struct mode *m)
{
	struct fbump_config cfg = long_config(m);

	memset(r, 0, sizeof(*r));
	cfg.destructor = reenter_destructor;
	cfg.destructor_ctx = r;
	r->a = create_ok(&cfg);
	r->cp0 = fbump_arena_checkpoint(r->a);
	r->other = new_arena(&modes[0]);
	push(r->a, 6);
}

/* Asserts that n callbacks ran and refused everything, and that the
 * arena (if still alive) holds key(0..len-1) and works. */
static void reenter_check(struct reenter *r, long n, size_t len,
			  const struct state *s)
{
	ck_assert_msg(r->bad[0] == '\0', "%s", r->bad);
	ck_assert_int_eq(r->calls, n);
	ck_assert_int_eq(r->refused, n * N_MUTATIONS);
	ck_assert_uint_eq(fbump_arena_len(r->other), (size_t)n);
	if (s == NULL)
		return;
	assert_contents(r->a, len);
	ck_assert_uint_eq(fbump_arena_capacity(r->a), s->capacity);
	ck_assert_ptr_eq(fbump_arena_data(r->a), s->data);
	push(r->a, 3);
	assert_contents(r->a, len + 3);
}

/* Destroys the arena, whose destructors re-enter too, and the other. */
static void reenter_fini(struct reenter *r)
{
	long len = (long)fbump_arena_len(r->a);

	r->calls = 0;
	r->refused = 0;
	destroy_ok(r->a);
	ck_assert_msg(r->bad[0] == '\0', "destroy: %s", r->bad);
	ck_assert_int_eq(r->calls, len);
	ck_assert_int_eq(r->refused, len * N_MUTATIONS);
	destroy_ok(r->other);
}

START_TEST(test_reenter_rollback)
{
	struct reenter r;
	struct state s;

	reenter_init(&r, MODE);
	s = state_of(r.a);
	ck_assert_int_eq(fbump_arena_rollback(r.a, (fbump_checkpoint){
		r.cp0.arena_id, 2 }), 0);
	reenter_check(&r, 4, 2, &s);
	reenter_fini(&r);
}
END_TEST

START_TEST(test_reenter_reset)
{
	struct reenter r;
	struct state s;

	reenter_init(&r, MODE);
	s = state_of(r.a);
	ck_assert_int_eq(fbump_arena_reset(r.a), 0);
	reenter_check(&r, 6, 0, &s);
	reenter_fini(&r);
}
END_TEST

START_TEST(test_reenter_destroy)
{
	struct reenter r;

	reenter_init(&r, MODE);
	destroy_ok(r.a);
	reenter_check(&r, 6, 0, NULL);
	destroy_ok(r.other);
}
END_TEST

START_TEST(test_reenter_drain)
{
	struct reenter r;
	struct state s;

	reenter_init(&r, MODE);
	s = state_of(r.a);
	ck_assert_int_eq(fbump_arena_drain(r.a, reenter_drain, &r), 0);
	reenter_check(&r, 6, 0, &s);
	reenter_fini(&r);
}
END_TEST

/* ---- memory checker annotations ---------------------------------------------
 * In a build that marks slots (ENABLE_VALGRIND under memcheck, or ASan):
 * live elements stay addressable and defined whatever the arena does;
 * slots past the length and rolled-back slots are inaccessible; a slot
 * from alloc_uninit is addressable and undefined.  Elsewhere the checker
 * answers TU_MEM_UNKNOWN and the test has nothing to check. */

static void assert_live_defined(const fbump_arena *a, const char *after)
{
	size_t n = fbump_arena_len(a) * fbump_arena_stride(a);
	enum tu_mem st = tu_mem_state(fbump_arena_data(a), n);

	ck_assert_msg(n == 0 || st == TU_MEM_DEFINED ||
		      st == TU_MEM_ADDRESSABLE,
		      "after %s: live elements in state %d", after, (int)st);
}

static void assert_slot_noaccess(const fbump_arena *a, size_t i,
				 const char *after)
{
	const unsigned char *p = fbump_arena_data(a);
	enum tu_mem st = tu_mem_state(p + i * fbump_arena_stride(a),
				      fbump_arena_stride(a));

	ck_assert_msg(st == TU_MEM_NOACCESS, "after %s: slot %zu in state %d",
		      after, i, (int)st);
}

START_TEST(test_annotations)
{
	const struct mode *m = MODE;
	fbump_arena *a = new_arena(m);
	long *p;

	push(a, 1);
	if (tu_mem_state(fbump_arena_data(a), sizeof(long)) == TU_MEM_UNKNOWN) {
		destroy_ok(a);
		return;
	}
	assert_live_defined(a, "alloc");
	assert_slot_noaccess(a, 1, "alloc");
	if (is_fixed(m)) {
		push(a, 20);
	} else {
		fill_to_capacity(a);
		extend(a, 10); /* grows */
	}
	assert_live_defined(a, "growth");
	p = fbump_arena_alloc_uninit(a, NULL);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_ne(tu_mem_state(p, sizeof(*p)), TU_MEM_DEFINED);
	ck_assert_int_ne(tu_mem_state(p, sizeof(*p)), TU_MEM_NOACCESS);
	*p = key(fbump_arena_len(a) - 1);
	ck_assert_int_eq(fbump_arena_rollback(a, (fbump_checkpoint){
		fbump_arena_checkpoint(a).arena_id, 5 }), 0);
	assert_slot_noaccess(a, 5, "rollback");
	assert_live_defined(a, "rollback");
	ck_assert_int_eq(fbump_arena_shrink_to_fit(a), 0);
	assert_live_defined(a, "shrink_to_fit");
	ck_assert_int_eq(fbump_arena_reserve(a, 2000), is_fixed(m) ? ENOSPC : 0);
	assert_live_defined(a, "reserve");
	assert_contents(a, 5);
	ck_assert_int_eq(fbump_arena_reset(a), 0);
	if (fbump_arena_data(a) != NULL)
		assert_slot_noaccess(a, 0, "reset");
	destroy_ok(a);
}
END_TEST

/* ---- fault injection --------------------------------------------------------
 * For each call that can allocate, run it with the k-th allocator or VM
 * call failing, k = 0, 1, ..., until it completes without meeting the
 * fault.  Every failing run must report ENOMEM, leave the arena as it was
 * and usable, and leak nothing. */

#define MAX_FAULTS 64

START_TEST(test_fault_create)
{
	struct fbump_config cfg = long_config(MODE);
	const unsigned int how[] = { TU_FAULT_STICKY, 0 };
	long failures = 0;

	for (size_t h = 0; h < 2; h++) {
		for (long k = 0; k < MAX_FAULTS; k++) {
			long vm_calls = tu_vm_calls();
			fbump_arena *a;
			int err;

			tu_fault_arm(k, TU_FAULT_ANY | how[h]);
			a = fbump_arena_create(&cfg);
			err = errno;
			tu_fault_disarm();
			if (a != NULL) {
				ck_assert_int_eq(tu_fault_hit(), 0);
				ck_assert_int_eq(tu_vm_calls(), vm_calls);
				push(a, 3);
				destroy_ok(a);
				break;
			}
			ck_assert_int_eq(err, ENOMEM);
			ck_assert(tu_fault_hit());
			ck_assert_int_eq(tu_alloc_live_blocks(), 0);
			failures++;
		}
	}
	/* the arena struct (FIXED: with the slots), and for an initial
	 * REALLOC capacity the block */
	ck_assert_int_eq(failures, is_vm(MODE) || is_fixed(MODE) ||
				   !MODE->capacity ? 2 : 4);
}
END_TEST

/* A call under test, on an arena holding key(0..len-1): appends key(len),
 * ... or reserves room; returns 0 or the errno of its failure. */
struct fault_op {
	const char *name;
	int (*run)(fbump_arena *a);
	size_t adds;		/* elements appended on success */
	size_t need;		/* room it needs */
};

#define OP_N 100	/* elements alloc_extend appends and reserve makes room for */

static int op_alloc(fbump_arena *a)
{
	size_t len = fbump_arena_len(a);
	long v = key(len);
	size_t i = fbump_arena_alloc(a, &v);

	if (i == FBUMP_NONE)
		return errno;
	ck_assert_uint_eq(i, len);
	return 0;
}

static int op_uninit(fbump_arena *a)
{
	size_t len = fbump_arena_len(a);
	size_t i = FBUMP_NONE;
	long *p = fbump_arena_alloc_uninit(a, &i);

	if (p == NULL)
		return errno;
	ck_assert_uint_eq(i, len);
	*p = key(len);
	return 0;
}

static int op_extend(fbump_arena *a)
{
	size_t len = fbump_arena_len(a);
	long *v = keys(len, OP_N);
	size_t i = fbump_arena_alloc_extend(a, v, OP_N);
	int err = errno;

	free(v);
	if (i == FBUMP_NONE)
		return err;
	ck_assert_uint_eq(i, len);
	return 0;
}

static int op_reserve(fbump_arena *a)
{
	int err = fbump_arena_reserve(a, OP_N);

	if (err != 0)
		ck_assert_int_eq(errno, err);
	else
		ck_assert_uint_ge(fbump_arena_capacity(a),
				  fbump_arena_len(a) + OP_N);
	return err;
}

static const struct fault_op op_table[] = {
	{ "alloc", op_alloc, 1, 1 },
	{ "alloc_uninit", op_uninit, 1, 1 },
	{ "alloc_extend", op_extend, OP_N, OP_N },
	{ "reserve", op_reserve, 0, OP_N },
};

/* One run of op with the k-th allocation failing (and every later one if
 * 'how' is TU_FAULT_STICKY).  Returns whether the fault was met; counts
 * failed runs in *failures. */
static bool fault_run(const struct mode *m, const struct fault_op *op,
		      bool full, long k, unsigned int how, long *failures)
{
	fbump_arena *a;
	struct state s;
	bool hit;
	int err;

	fbump_vmcache_flush(); /* a fresh reservation: reserve, then commit */
	a = new_arena(m);

	tu_recorder_clear(&rec);
	if (full)
		fill_to_capacity(a);
	s = state_of(a);
	tu_fault_arm(k, TU_FAULT_ANY | how);
	err = op->run(a);
	hit = tu_fault_hit();
	tu_fault_disarm();
	if (err != 0) {
		ck_assert_msg(hit, "%s/%s failed without a fault: %s", m->name,
			      op->name, strerror(err));
		ck_assert_msg(err == ENOMEM, "%s/%s at k=%ld: %s", m->name,
			      op->name, k, strerror(err));
		assert_unchanged(a, &s); /* a first VM reservation too */
		ck_assert_uint_eq(rec.calls, 0);
		++*failures;
		ck_assert_int_eq(op->run(a), 0); /* usable */
	} else {
		/* only a one-shot fault may be recovered from (VM halving) */
		ck_assert_msg(!hit || !(how & TU_FAULT_STICKY),
			      "%s/%s succeeded through a fault", m->name,
			      op->name);
	}
	assert_contents(a, s.len + op->adds);
	tu_recorder_clear(&rec);
	destroy_ok(a);
	ck_assert_uint_eq(rec.calls, s.len + op->adds);
	ck_assert_int_eq(tu_alloc_live_blocks(), 0);
	ck_assert_int_eq(tu_alloc_misuses(), 0);
	return hit;
}

/* k = 0, 1, ... until op runs clean; returns the failed runs. */
static long fault_loop(const struct mode *m, const struct fault_op *op,
		       bool full, unsigned int how)
{
	long failures = 0;

	for (long k = 0; k < MAX_FAULTS; k++)
		if (!fault_run(m, op, full, k, how, &failures))
			return failures;
	ck_abort_msg("%s/%s still meets faults after %d", m->name, op->name,
		     MAX_FAULTS);
	return failures;
}

/* FIXED allocates nothing after create: op works with every allocation
 * failing, and fails with ENOSPC, not ENOMEM, once the arena is full. */
static void no_alloc_check(const struct mode *m, const struct fault_op *op)
{
	fbump_arena *a = new_arena(m);
	struct state s;

	push(a, 10);
	tu_fault_arm(0, TU_FAULT_ANY | TU_FAULT_STICKY);
	ck_assert_int_eq(op->run(a), 0);
	fill_to_capacity(a);
	s = state_of(a);
	ck_assert_int_eq(op->run(a), ENOSPC);
	ck_assert_int_eq(tu_fault_hit(), 0);
	tu_fault_disarm();
	assert_unchanged(a, &s);
	destroy_ok(a);
}

static void fault_op_test(const struct mode *m, const struct fault_op *op)
{
	if (is_fixed(m)) {
		no_alloc_check(m, op);
		return;
	}
	/* growth from a full arena */
	ck_assert_int_gt(fault_loop(m, op, true, TU_FAULT_STICKY), 0);
	ck_assert_int_gt(fault_loop(m, op, true, 0), 0);
	/* from a fresh arena: allocates only if the initial room is short */
	if (m->capacity < op->need || is_vm(m))
		ck_assert_int_gt(fault_loop(m, op, false, TU_FAULT_STICKY), 0);
	else
		ck_assert_int_eq(fault_loop(m, op, false, TU_FAULT_STICKY), 0);
	fault_loop(m, op, false, 0); /* VM: halving may absorb the fault */
}

START_TEST(test_fault_alloc)
{
	fault_op_test(MODE, &op_table[0]);
}
END_TEST

START_TEST(test_fault_uninit)
{
	fault_op_test(MODE, &op_table[1]);
}
END_TEST

START_TEST(test_fault_extend)
{
	fault_op_test(MODE, &op_table[2]);
}
END_TEST

START_TEST(test_fault_reserve)
{
	fault_op_test(MODE, &op_table[3]);
}
END_TEST

/* ---- the cache of VM reservations (vmcache.h) ------------------------------ */

#if !FBUMP_POISONING
/* VM calls made by creating a default VM arena and pushing one element;
 * the arena is then destroyed, or handed back in *keep. */
static long vm_calls_of_small_arena(fbump_arena **keep)
{
	long before = tu_vm_calls();
	fbump_arena *a = new_arena(&vm_default);

	push(a, 1);
	if (keep != NULL)
		*keep = a;
	else
		destroy_ok(a);
	return tu_vm_calls() - before;
}

/* A destroyed default VM arena's reservation serves the next one: same
 * slots, its committed pages, and one (white-box) VM step, not two. */
START_TEST(test_vmcache_reuse)
{
	fbump_arena *a, *b;
	void *slots;

	fbump_vmcache_flush();
	a = new_arena(&vm_default);
	push(a, 1000);
	slots = fbump_arena_data(a);
	destroy_ok(a);
	ck_assert_int_eq(vm_calls_of_small_arena(&b), 1);
	ck_assert_ptr_eq(fbump_arena_data(b), slots);
	ck_assert_uint_eq(fbump_arena_capacity(b), (64 << 10) / sizeof(long));
	push(b, 20000); /* grows past the cached pages: checks every value */
	destroy_ok(b);
	/* an empty cache costs the reservation and the commit */
	fbump_vmcache_flush();
	ck_assert_int_eq(vm_calls_of_small_arena(NULL), 2);
}
END_TEST

/* A large arena goes to the cache with FBUMP_VMCACHE_KEEP bytes committed:
 * the rest is decommitted first. */
START_TEST(test_vmcache_keep)
{
	fbump_arena *a;

	fbump_vmcache_flush();
	a = new_arena(&vm_default);
	push(a, 300000);
	ck_assert_uint_gt(fbump_arena_capacity(a) * sizeof(long),
			  FBUMP_VMCACHE_KEEP);
	destroy_ok(a);
	a = new_arena(&vm_default);
	push(a, 1);
	ck_assert_uint_eq(fbump_arena_capacity(a),
			  FBUMP_VMCACHE_KEEP / sizeof(long));
	{	/* the pages past KEEP were given back to the system */
		unsigned char resident[256];
		size_t page = (size_t)sysconf(_SC_PAGESIZE), gone = 0;
		unsigned char *past = (unsigned char *)fbump_arena_data(a) +
				      FBUMP_VMCACHE_KEEP;

		ck_assert_int_eq(mincore(past, 256 * page, resident), 0);
		for (size_t i = 0; i < 256; i++)
			gone += !(resident[i] & 1);
		ck_assert_uint_eq(gone, 256);
	}
	destroy_ok(a);
	fbump_vmcache_flush();
}
END_TEST

/* FBUMP_VMCACHE_SLOTS reservations at most; a capped VM arena (not the
 * default size) neither takes from the cache nor gives to it. */
START_TEST(test_vmcache_bounded)
{
	fbump_arena *held[FBUMP_VMCACHE_SLOTS + 2];
	const size_t n = FBUMP_VMCACHE_SLOTS + 2;
	fbump_arena *capped;
	long calls = 0;

	fbump_vmcache_flush();
	for (size_t i = 0; i < n; i++)
		vm_calls_of_small_arena(&held[i]);
	for (size_t i = 0; i < n; i++)
		destroy_ok(held[i]);
	capped = new_arena(&modes[1]);
	{
		long before = tu_vm_calls();

		push(capped, 1);
		ck_assert_int_eq(tu_vm_calls() - before, 2); /* not cached */
	}
	destroy_ok(capped);
	for (size_t i = 0; i < n; i++)
		calls += vm_calls_of_small_arena(&held[i]);
	/* SLOTS from the cache (1 step each), 2 fresh (2 steps each) */
	ck_assert_int_eq(calls, FBUMP_VMCACHE_SLOTS + 2 * 2);
	for (size_t i = 0; i < n; i++)
		destroy_ok(held[i]);
	fbump_vmcache_flush();
}
END_TEST

/* A new default VM arena with exactly one reservation in the cache, left
 * by a destroyed arena whose slots were at *slots. */
static fbump_arena *arena_with_one_cached(void **slots)
{
	fbump_arena *a;

	fbump_vmcache_flush();
	a = new_arena(&vm_default);
	push(a, 1);
	*slots = fbump_arena_data(a);
	destroy_ok(a);
	return new_arena(&vm_default);
}

/* Taking a reservation from the cache is one VM step for fault injection:
 * when it fails, the append reports ENOMEM, the arena stays empty and
 * usable, and the reservation goes back to the cache for the retry. */
START_TEST(test_vmcache_take_fails)
{
	void *slots;
	fbump_arena *a = arena_with_one_cached(&slots);
	long v = key(0), before;

	tu_vm_fail_at(0);
	ASSERT_INDEX_FAILS(fbump_arena_alloc(a, &v), ENOMEM);
	ck_assert_int_eq(tu_fault_failed(), 1);
	tu_fault_disarm();
	ck_assert_uint_eq(fbump_arena_len(a), 0);
	ck_assert_ptr_null(fbump_arena_data(a));
	before = tu_vm_calls();
	push(a, 1);
	ck_assert_int_eq(tu_vm_calls() - before, 1); /* from the cache */
	ck_assert_ptr_eq(fbump_arena_data(a), slots);
	assert_contents(a, 1);
	destroy_ok(a);
	fbump_vmcache_flush();
}
END_TEST

/* A first growth that takes a cached reservation and then fails to commit
 * more gives the reservation back to the cache: the arena is as before,
 * and the retry takes the same reservation in one step. */
START_TEST(test_vmcache_commit_fails)
{
	void *slots;
	fbump_arena *a = arena_with_one_cached(&slots);
	long before;

	tu_vm_fail_at(1); /* the take is step 0, the commit step 1 */
	errno = 0;
	ck_assert_int_eq(fbump_arena_reserve(a, 100000), ENOMEM);
	ck_assert_int_eq(errno, ENOMEM);
	ck_assert_int_eq(tu_fault_failed(), 1);
	tu_fault_disarm();
	ck_assert_ptr_null(fbump_arena_data(a));
	ck_assert_uint_eq(fbump_arena_capacity(a), 0);
	before = tu_vm_calls();
	push(a, 1);
	ck_assert_int_eq(tu_vm_calls() - before, 1); /* from the cache */
	ck_assert_ptr_eq(fbump_arena_data(a), slots);
	destroy_ok(a);
	fbump_vmcache_flush();
}
END_TEST

#else /* FBUMP_POISONING */
/* In builds that poison free slots the cache is off: a destroyed arena's
 * range is unmapped, so a pointer kept past destroy faults. */
START_TEST(test_vmcache_off_when_poisoning)
{
	fbump_arena *a = new_arena(&vm_default);
	unsigned char resident;
	void *slots;
	long before;

	push(a, 1000);
	slots = fbump_arena_data(a);
	destroy_ok(a);
	errno = 0;
	ck_assert_int_eq(mincore(slots, 1, &resident), -1);
	ck_assert_int_eq(errno, ENOMEM);	/* not mapped any more */
	before = tu_vm_calls();
	a = new_arena(&vm_default);
	push(a, 1);
	ck_assert_int_eq(tu_vm_calls() - before, 2); /* reserve and commit */
	destroy_ok(a);
}
END_TEST
#endif /* FBUMP_POISONING */

/* Threads create, fill and destroy default VM arenas at once: each
 * reservation has one owner at a time (ThreadSanitizer and helgrind run
 * this too). */
#define CACHE_THREADS 4
#define CACHE_ROUNDS 300

static void *cache_worker(void *arg)
{
	size_t *bad = arg;

	for (int r = 0; r < CACHE_ROUNDS; r++) {
		struct fbump_config cfg = FBUMP_CONFIG_INIT(long);
		fbump_arena *a = fbump_arena_create(&cfg);

		if (a == NULL) {
			(*bad)++;
			continue;
		}
		for (size_t i = 0; i < 2000; i++) {
			long v = key(i) ^ (long)(uintptr_t)arg;

			if (fbump_arena_alloc(a, &v) != i)
				(*bad)++;
		}
		for (size_t i = 0; i < 2000; i++)
			if (*(long *)fbump_arena_get(a, i) !=
			    (key(i) ^ (long)(uintptr_t)arg))
				(*bad)++;
		if (fbump_arena_destroy(a) != 0)
			(*bad)++;
	}
	return NULL;
}

START_TEST(test_vmcache_threads)
{
	pthread_t t[CACHE_THREADS];
	size_t bad[CACHE_THREADS] = { 0 };

	for (int i = 0; i < CACHE_THREADS; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, cache_worker,
						&bad[i]), 0);
	for (int i = 0; i < CACHE_THREADS; i++) {
		ck_assert_int_eq(pthread_join(t[i], NULL), 0);
		ck_assert_uint_eq(bad[i], 0);
	}
	fbump_vmcache_flush();
}
END_TEST

/* ---- prefaulting (fbump_vm_populate) ---------------------------------------- */

/* A stand-in for madvise(MADV_POPULATE_WRITE) that counts its calls and
 * fails with populate_errno (or does nothing and succeeds when it is 0):
 * the pages then fault in one by one as they are written. */
static long populate_calls;
static int populate_errno;

static int fake_populate(void *p, size_t size)
{
	(void)p;
	(void)size;
	populate_calls++;
	if (populate_errno == 0)
		return 0;
	errno = populate_errno;
	return -1;
}

/* Fills a fresh default VM arena with n elements while the system answers
 * every populate request with 'err'; returns how often it was asked. */
static long populate_calls_filling(int err, size_t n)
{
	fbump_arena *a;

	fbump_vmcache_flush(); /* a fresh reservation, nothing committed */
	fbump_vm_populate_forget();
	populate_calls = 0;
	populate_errno = err;
	fbump_vm_populate_hook = fake_populate;
	a = new_arena(&vm_default);
	errno = EILSEQ;
	push(a, 1); /* the first commit is prefaulted at once */
	ck_assert_int_eq(errno, EILSEQ); /* the hint keeps errno */
	push(a, n - 1);
	fbump_vm_populate_hook = NULL;
	fbump_vm_populate_forget();
	assert_contents(a, n);
	destroy_ok(a);
	fbump_vmcache_flush();
	return populate_calls;
}

/* n elements of 8 bytes that span many prefault steps (64 KiB at most) */
#define POPULATE_ELEMS ((size_t)1 << 18)

/* A system that answers "supported" is asked at every step; one that has
 * no MADV_POPULATE_WRITE (EINVAL, before Linux 5.14) or forbids it is
 * asked once, and one that fails for want of memory keeps being asked.
 * The arena fills correctly either way. */
START_TEST(test_populate_steps)
{
	long asked = populate_calls_filling(0, POPULATE_ELEMS);

	ck_assert_int_ge(asked, (long)(POPULATE_ELEMS * sizeof(long) /
				       (64 << 10)));
	ck_assert_int_eq(populate_calls_filling(EINVAL, POPULATE_ELEMS), 1);
	ck_assert_int_eq(populate_calls_filling(EPERM, POPULATE_ELEMS), 1);
	ck_assert_int_eq(populate_calls_filling(ENOMEM, POPULATE_ELEMS), asked);
}
END_TEST

/* ---- the suite -------------------------------------------------------------- */

static TCase *tcase(Suite *s, const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return tc;
}

#define LOOP(tc, t) tcase_add_loop_test((tc), (t), 0, N_MODES)
/* only the given range of modes[] */
#define LOOP_IN(tc, t, from, to) tcase_add_loop_test((tc), (t), (from), (to))

static Suite *arena_suite(void)
{
	Suite *s = suite_create("arena");
	TCase *tc;

	tc = tcase(s, "version");
	tcase_add_test(tc, test_version);

	tc = tcase(s, "create");
	LOOP(tc, test_create_valid);
	LOOP(tc, test_create_shapes);
	tcase_add_test(tc, test_create_null);
	LOOP(tc, test_create_struct_size);
	LOOP(tc, test_create_struct_tail);
	LOOP(tc, test_create_bad_align);
	LOOP(tc, test_create_align_zero);
	LOOP(tc, test_create_elem_size_zero);
	LOOP(tc, test_create_bad_storage);
	LOOP(tc, test_create_bad_flags);
	LOOP(tc, test_create_incomplete_allocator);
	tcase_add_test(tc, test_create_fixed_capacity_zero);
	LOOP(tc, test_create_overflow);
	LOOP(tc, test_create_default_allocator);
	LOOP(tc, test_create_copies_config);
	LOOP(tc, test_create_unique_ids);

	tc = tcase(s, "alloc");
	LOOP(tc, test_alloc_values);
	LOOP(tc, test_alloc_elem_size_copy);
	LOOP(tc, test_alloc_self);
	LOOP(tc, test_alloc_einval);

	tc = tcase(s, "alloc_uninit");
	LOOP(tc, test_uninit);
	tcase_add_test(tc, test_uninit_einval);

	tc = tcase(s, "alloc_extend");
	LOOP(tc, test_extend_values);
	LOOP(tc, test_extend_zero);
	LOOP(tc, test_extend_einval);
	LOOP(tc, test_extend_overflow);
	LOOP(tc, test_extend_stride);
	LOOP(tc, test_extend_self);

	tc = tcase(s, "get");
	LOOP(tc, test_get);

	tc = tcase(s, "slice");
	LOOP(tc, test_len_is_empty);
	LOOP(tc, test_data_stride);
	LOOP(tc, test_foreach);
	LOOP(tc, test_foreach_stride);

	tc = tcase(s, "capacity");
	tcase_add_test(tc, test_capacity_null);
	LOOP(tc, test_capacity_growth);
	LOOP(tc, test_reserve);
	LOOP_IN(tc, test_reserve_nospace, 1, 3);	/* vm-capped, fixed */
	LOOP(tc, test_reserve_overflow);
	tcase_add_test(tc, test_shrink_vm);
	LOOP_IN(tc, test_shrink_realloc, 3, 5);
	LOOP_IN(tc, test_shrink_realloc_fails, 3, 5);
	LOOP_IN(tc, test_realloc_huge, 3, 5);
	tcase_add_test(tc, test_shrink_fixed);

	tc = tcase(s, "stability");
	tcase_add_test(tc, test_stable_vm);
	tcase_add_test(tc, test_stable_fixed);
	LOOP_IN(tc, test_realloc_grows, 3, 5);

	tc = tcase(s, "enospc");
	tcase_add_test(tc, test_fixed_full);
	tcase_add_test(tc, test_vm_capped_full);
	tcase_add_test(tc, test_vm_halving);

	tc = tcase(s, "checkpoint");
	LOOP(tc, test_checkpoint_null);
	LOOP(tc, test_checkpoint_len);
	LOOP(tc, test_rollback_order);
	LOOP(tc, test_rollback_other_arena);
	LOOP(tc, test_rollback_beyond_len);
	LOOP(tc, test_rollback_nested);
	LOOP(tc, test_destructor_sees_len);

	tc = tcase(s, "reset");
	LOOP(tc, test_reset);

	tc = tcase(s, "drain");
	LOOP(tc, test_drain);
	LOOP(tc, test_drain_einval);
	LOOP(tc, test_drain_ownership);

	tc = tcase(s, "destroy");
	LOOP(tc, test_destroy_order);
	tcase_add_test(tc, test_destroy_null);
	LOOP(tc, test_destroy_empty);
	LOOP(tc, test_destroy_no_destructor);

	tc = tcase(s, "populate");
	tcase_add_test(tc, test_populate_steps);

	tc = tcase(s, "vmcache");
#if FBUMP_POISONING
	tcase_add_test(tc, test_vmcache_off_when_poisoning);
#else
	tcase_add_test(tc, test_vmcache_reuse);
	tcase_add_test(tc, test_vmcache_keep);
	tcase_add_test(tc, test_vmcache_bounded);
	tcase_add_test(tc, test_vmcache_take_fails);
	tcase_add_test(tc, test_vmcache_commit_fails);
#endif
	tcase_add_test(tc, test_vmcache_threads);

	tc = tcase(s, "reentrancy");
	LOOP(tc, test_reenter_rollback);
	LOOP(tc, test_reenter_reset);
	LOOP(tc, test_reenter_destroy);
	LOOP(tc, test_reenter_drain);

	tc = tcase(s, "annotations");
	LOOP(tc, test_annotations);

	tc = tcase(s, "faults");
	LOOP(tc, test_fault_create);
	LOOP(tc, test_fault_alloc);
	LOOP(tc, test_fault_uninit);
	LOOP(tc, test_fault_extend);
	LOOP(tc, test_fault_reserve);

	return s;
}

int main(void)
{
	SRunner *sr;
	int failed;

	if (tu_small())
		modes[0].capacity = VM_SMALL_CAP;
	sr = srunner_create(arena_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
