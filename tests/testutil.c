/* SPDX-License-Identifier: Apache-2.0 */
/*
 * testutil.c - helpers shared by the libcheck suites; see testutil.h.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__has_include)
# if __has_include(<valgrind/valgrind.h>)
#  include <valgrind/valgrind.h>
# endif
#endif
#ifndef RUNNING_ON_VALGRIND
# define RUNNING_ON_VALGRIND 0
#endif
#ifdef ENABLE_VALGRIND
# include <valgrind/memcheck.h>
#endif

#if defined(__SANITIZE_ADDRESS__)
# define TU_HAVE_ASAN 1
#elif defined(__has_feature)
# if __has_feature(address_sanitizer)
#  define TU_HAVE_ASAN 1
# endif
#endif
#ifdef TU_HAVE_ASAN
# include <sanitizer/asan_interface.h>
#endif

/* The suites always link the white-box build, which has the hook. */
#ifndef FBUMP_TESTING
# define FBUMP_TESTING 1
#endif
#include "vm.h"

#include "testutil.h"

/* One lock guards all the counters below: tests are not about speed. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static struct {
	long live_blocks;
	size_t live_bytes;
	long calls;
	long reallocs;
	long frees;
	long misuses;
	long vm_calls;
} stats;

static struct {
	bool armed;
	unsigned int flags;
	long countdown;		/* calls to let through before failing */
	long failed;
} fault;

/* The ctx the library must hand back to every allocator call. */
static int allocator_ctx;

void tu_fault_arm(long k, unsigned int flags)
{
	pthread_mutex_lock(&lock);
	fault.armed = true;
	fault.flags = flags;
	fault.countdown = k;
	fault.failed = 0;
	pthread_mutex_unlock(&lock);
}

void tu_fault_disarm(void)
{
	pthread_mutex_lock(&lock);
	fault.armed = false;
	pthread_mutex_unlock(&lock);
}

long tu_fault_failed(void)
{
	long n;

	pthread_mutex_lock(&lock);
	n = fault.failed;
	pthread_mutex_unlock(&lock);
	return n;
}

bool tu_fault_hit(void)
{
	return tu_fault_failed() > 0;
}

/* Under the lock: whether this call of 'source' must fail. */
static bool fault_now(unsigned int source)
{
	if (!fault.armed || !(fault.flags & source))
		return false;
	if (fault.countdown > 0) {
		fault.countdown--;
		return false;
	}
	if (!(fault.flags & TU_FAULT_STICKY))
		fault.armed = false;
	fault.failed++;
	return true;
}

static int vm_hook(void)
{
	bool fail;

	pthread_mutex_lock(&lock);
	stats.vm_calls++;
	fail = fault_now(TU_FAULT_VM);
	pthread_mutex_unlock(&lock);
	return fail;
}

void tu_reset(void)
{
	pthread_mutex_lock(&lock);
	memset(&stats, 0, sizeof(stats));
	memset(&fault, 0, sizeof(fault));
	pthread_mutex_unlock(&lock);
	fbump_vm_fault_hook = vm_hook;
}

bool tu_small(void)
{
	const char *s = getenv("FBUMP_TEST_SMALL");

	if (s != NULL && s[0] != '\0' && strcmp(s, "0") != 0)
		return true;
	return RUNNING_ON_VALGRIND != 0;
}

enum tu_mem tu_mem_state(const void *p, size_t n)
{
#if defined(TU_HAVE_ASAN)
	return __asan_region_is_poisoned((void *)(uintptr_t)p, n) != NULL ?
	       TU_MEM_NOACCESS : TU_MEM_ADDRESSABLE;
#elif defined(ENABLE_VALGRIND)
	unsigned char *vbits;
	enum tu_mem state = TU_MEM_DEFINED;
	unsigned int r;

	if (!RUNNING_ON_VALGRIND || n == 0)
		return TU_MEM_UNKNOWN;
	vbits = malloc(n);
	if (vbits == NULL)
		return TU_MEM_UNKNOWN;
	r = VALGRIND_GET_VBITS(p, vbits, n);
	if (r == 3)
		state = TU_MEM_NOACCESS;
	else if (r != 1)
		state = TU_MEM_UNKNOWN;	/* not memcheck */
	else
		for (size_t i = 0; i < n; i++)
			if (vbits[i] != 0)
				state = TU_MEM_UNDEFINED;
	free(vbits);
	return state;
#else
	(void)p;
	(void)n;
	return TU_MEM_UNKNOWN;
#endif
}

/* ---- the counting allocator ------------------------------------------------
 * Each block carries a header just below the pointer handed out, so that
 * free and realloc can check the size and alignment they are given. */

#define LIVE_MAGIC 0x6662756d706c6976ull	/* "fbumpliv" */
#define DEAD_MAGIC 0x6662756d70646561ull	/* "fbumpdea" */

struct header {
	uint64_t magic;
	void *raw;		/* what posix_memalign returned */
	size_t size;
	size_t align;
};

static bool power_of_two(size_t n)
{
	return n != 0 && (n & (n - 1)) == 0;
}

/* Under the lock.  The header of a live block, or NULL (a misuse). */
static struct header *header_of(void *p)
{
	struct header *h;

	if (p == NULL)
		return NULL;
	h = (struct header *)(void *)((unsigned char *)p - sizeof(*h));
	return h->magic == LIVE_MAGIC ? h : NULL;
}

/* Under the lock. */
static void *block_new(size_t size, size_t align)
{
	size_t a = align > alignof(max_align_t) ? align : alignof(max_align_t);
	size_t hsize = (sizeof(struct header) + a - 1) & ~(a - 1);
	void *raw;
	struct header *h;
	unsigned char *p;

	if (size > SIZE_MAX - hsize || posix_memalign(&raw, a, hsize + size) != 0)
		return NULL;
	p = (unsigned char *)raw + hsize;
	h = (struct header *)(void *)(p - sizeof(*h));
	h->magic = LIVE_MAGIC;
	h->raw = raw;
	h->size = size;
	h->align = align;
	stats.live_blocks++;
	stats.live_bytes += size;
	return p;
}

/* Under the lock. */
static void block_free(struct header *h)
{
	stats.live_blocks--;
	stats.live_bytes -= h->size;
	h->magic = DEAD_MAGIC;
	free(h->raw);
}

static void *tu_alloc(void *ctx, size_t size, size_t align)
{
	void *p = NULL;

	pthread_mutex_lock(&lock);
	stats.calls++;
	if (ctx != &allocator_ctx || !power_of_two(align))
		stats.misuses++;
	else if (!fault_now(TU_FAULT_ALLOC))
		p = block_new(size, align);
	else
		errno = ENOMEM; /* as malloc sets it */
	pthread_mutex_unlock(&lock);
	return p;
}

static void *tu_realloc(void *ctx, void *ptr, size_t old_size,
			size_t new_size, size_t align)
{
	struct header *h;
	void *p = NULL;

	pthread_mutex_lock(&lock);
	stats.calls++;
	stats.reallocs++;
	h = header_of(ptr);
	if (ctx != &allocator_ctx || h == NULL || h->size != old_size ||
	    h->align != align) {
		stats.misuses++;
	} else if (!fault_now(TU_FAULT_ALLOC)) {
		/* always move, so that nothing relies on realloc in place */
		p = block_new(new_size, align);
		if (p != NULL) {
			memcpy(p, ptr, old_size < new_size ? old_size : new_size);
			block_free(h);
		}
	} else {
		errno = ENOMEM; /* as realloc sets it */
	}
	pthread_mutex_unlock(&lock);
	return p;
}

static void tu_free(void *ctx, void *ptr, size_t size)
{
	struct header *h;

	pthread_mutex_lock(&lock);
	stats.frees++;
	h = header_of(ptr);
	if (ctx != &allocator_ctx || h == NULL || h->size != size)
		stats.misuses++;
	if (h != NULL)
		block_free(h);
	pthread_mutex_unlock(&lock);
}

static const struct fbump_allocator counting_allocator = {
	tu_alloc, tu_realloc, tu_free, &allocator_ctx
};

const struct fbump_allocator *tu_allocator(void)
{
	return &counting_allocator;
}

#define STAT_GETTER(type, name, field)			\
	type name(void)					\
	{						\
		type v;					\
							\
		pthread_mutex_lock(&lock);		\
		v = stats.field;			\
		pthread_mutex_unlock(&lock);		\
		return v;				\
	}

STAT_GETTER(long, tu_alloc_live_blocks, live_blocks)
STAT_GETTER(size_t, tu_alloc_live_bytes, live_bytes)
STAT_GETTER(long, tu_alloc_calls, calls)
STAT_GETTER(long, tu_realloc_calls, reallocs)
STAT_GETTER(long, tu_free_calls, frees)
STAT_GETTER(long, tu_alloc_misuses, misuses)
STAT_GETTER(long, tu_vm_calls, vm_calls)

/* ---- the recorder ---------------------------------------------------------- */

void tu_recorder_init(struct tu_recorder *r, size_t cap)
{
	r->values = calloc(cap, sizeof(*r->values));
	r->indices = calloc(cap, sizeof(*r->indices));
	ck_assert_ptr_nonnull(r->values);
	ck_assert_ptr_nonnull(r->indices);
	r->cap = cap;
	r->calls = 0;
}

void tu_recorder_clear(struct tu_recorder *r)
{
	r->calls = 0;
}

void tu_recorder_fini(struct tu_recorder *r)
{
	free(r->values);
	free(r->indices);
	r->values = NULL;
	r->indices = NULL;
	r->cap = 0;
}

static void record(struct tu_recorder *r, const void *elem, size_t index)
{
	if (r->calls < r->cap) {
		memcpy(&r->values[r->calls], elem, sizeof(long));
		r->indices[r->calls] = index;
	}
	r->calls++;
}

void tu_record_destructor(void *elem, void *ctx)
{
	record(ctx, elem, (size_t)-1);
}

void tu_record_drain(void *elem, size_t index, void *ctx)
{
	record(ctx, elem, index);
}

void tu_assert_recorded(const struct tu_recorder *r, long first, long step,
			size_t n)
{
	ck_assert_uint_eq(r->calls, n);
	ck_assert_uint_le(n, r->cap);
	for (size_t i = 0; i < n; i++)
		if (r->values[i] != first + (long)i * step)
			ck_abort_msg("call %zu got value %ld, expected %ld", i,
				     r->values[i], first + (long)i * step);
}

void tu_assert_drain_indices(const struct tu_recorder *r)
{
	ck_assert_uint_le(r->calls, r->cap);
	for (size_t i = 0; i < r->calls; i++)
		if (r->indices[i] != i)
			ck_abort_msg("drain call %zu got index %zu", i,
				     r->indices[i]);
}
