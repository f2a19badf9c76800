/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_arenas.c - libFuzzer target for both arena kinds.
 *
 * The input is a script.  Its first 14 bytes configure one fbump_arena (A)
 * and one fbump_fastarena (F); every later op byte is
 *
 *	bits 0-4  the operation (enum op; codes past OP_COUNT alias common ops)
 *	bit  5    the target: 0 = A, 1 = F
 *	bits 6-7  a variant (which argument error, which checkpoint, ...)
 *
 * followed by the operands the operation reads.  A missing byte reads as 0.
 *
 * A reference model (struct model: the element bytes, the length, for F the
 * reserved slots and which of them are finished, the storage limits) predicts
 * every result: the index, the errno, the length, the element bytes, the
 * destructor calls (reverse order for rollback and reset, forward for
 * destroy, with the length already decremented), the drain order, the
 * capacity rules, and which calls may allocate.  Failures come from a
 * tracking allocator and from the VM fault hook of the -DFBUMP_TESTING build,
 * either of which fails the k-th call (once or from then on).  Any mismatch
 * prints a message to stderr and aborts.  Everything is destroyed at the end
 * of each input and the tracking allocator must then hold no block.
 *
 * The model follows the documentation (fastbump(3) and the function pages,
 * doc/storage.md, doc/errors.md): a VM arena holds 'capacity' elements
 * exactly, a refused VM reservation is halved (replayed here from the hook's
 * log).  It assumes in addition that a call that fails for a reason known
 * in advance (EINVAL, EOVERFLOW, ENOSPC, EBUSY) makes no allocator or VM
 * call, and that a call the capacity has room for makes none either.
 */
#define _DEFAULT_SOURCE 1	/* posix_memalign, mincore under -std=c11 */

#include <errno.h>
#include <stdalign.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fastbump.h"
#include "vm.h"
#include "vmcache.h"

#ifndef FBUMP_TESTING
# error "build the fuzz target with -DFBUMP_TESTING (it needs fbump_vm_fault_hook)"
#endif

#if defined(__SANITIZE_ADDRESS__)
# define FZ_ASAN 1
#elif defined(__has_feature)
# if __has_feature(address_sanitizer)
#  define FZ_ASAN 1
# endif
#endif
#ifdef FZ_ASAN
# include <sanitizer/asan_interface.h>
#endif

/* ---- limits of the harness ------------------------------------------------ */

#define MAX_ELEM 64		/* largest element the model stores */
#define MAX_ELEMS 8192		/* elements (F: slots) per arena in the model */
#define MAX_EXTEND 4096		/* n of a successful alloc_extend */
#define MAX_BYTES ((size_t)8 << 20)	/* len * stride */
#define MAX_COMMIT ((size_t)32 << 20)	/* what a successful reserve may ask */
#define MAX_CFG_BYTES ((size_t)16 << 20) /* capacity * stride of a config */
#define REFUSE_BYTES ((size_t)64 << 20)	/* the tracking allocator refuses more */
#define MAX_OPS 4096
#define MAX_IDS 256
#define NCP 8

#define PUB_EXCL ((size_t)1 << (sizeof(size_t) * 8 - 1))
#define DEFAULT_RES (sizeof(void *) >= 8 ? (size_t)4 << 30 : (size_t)64 << 20)
#define CFG_MIN (offsetof(struct fbump_config, capacity) + sizeof(size_t))

/* ---- reporting -------------------------------------------------------------- */

static unsigned long op_no;	/* for messages */
static const char *op_name = "setup";

#define FAIL(...) \
	do { \
		fprintf(stderr, "fuzz_arenas: MISMATCH at op %lu (%s), %s:%d: ", \
			op_no, op_name, __FILE__, __LINE__); \
		fprintf(stderr, __VA_ARGS__); \
		fputc('\n', stderr); \
		abort(); \
	} while (0)
#define CHECK(cond, ...) \
	do { \
		if (!(cond)) \
			FAIL(__VA_ARGS__); \
	} while (0)

/* errno values as bits, for the set of results a call may give */
enum {
	B_INVAL = 1, B_OVERFLOW = 2, B_NOSPC = 4, B_NOMEM = 8, B_BUSY = 16,
	B_RANGE = 32, B_AGAIN = 64
};

static unsigned ebit(int e)
{
	switch (e) {
	case EINVAL: return B_INVAL;
	case EOVERFLOW: return B_OVERFLOW;
	case ENOSPC: return B_NOSPC;
	case ENOMEM: return B_NOMEM;
	case EBUSY: return B_BUSY;
	case ERANGE: return B_RANGE;
	case EAGAIN: return B_AGAIN;
	default: return 0x80000000u;
	}
}

static size_t page;

/* The alias ops pass a value that points into the same arena, which
 * lib/arena.c supports in every mode (fbump_arena_alloc(3));
 * FBUMP_FUZZ_NO_REALLOC_ALIAS=1 passes a copy to REALLOC arenas instead. */
static bool no_realloc_alias;

static void read_options(void)
{
	const char *t = getenv("FBUMP_FUZZ_NO_REALLOC_ALIAS");

	no_realloc_alias = t != NULL && *t != '\0' && strcmp(t, "0") != 0;
}

static size_t round_up(size_t n, size_t to)
{
	return (n + to - 1) & ~(to - 1);
}

static bool mul_ovf(size_t a, size_t b, size_t *out)
{
	return __builtin_mul_overflow(a, b, out);
}

/* ---- the input ---------------------------------------------------------------- */

struct in {
	const uint8_t *p;
	size_t n, pos;
};

static uint8_t rd8(struct in *in)
{
	return in->pos < in->n ? in->p[in->pos++] : 0;
}

static uint16_t rd16(struct in *in)
{
	uint16_t lo = rd8(in);

	return (uint16_t)(lo | (uint16_t)rd8(in) << 8);
}

/* ---- fault injection: the tracking allocator and the VM hook --------------- */

static struct {
	long alloc_k, vm_k;	/* calls to let through before failing; -1 off */
	bool alloc_sticky, vm_sticky;	/* keep failing after the k-th */
	long calls;		/* allocator and VM calls, ever */
	long fired;		/* failed calls (injected or refused), ever */
	unsigned char vm_log[1024];	/* this op's VM calls: 1 = failed */
	size_t vm_n;
} FI;

static bool fault_now(long *k, bool sticky)
{
	if (*k < 0)
		return false;
	if (*k == 0) {
		if (!sticky)
			*k = -1;
		return true;
	}
	(*k)--;
	return false;
}

static int vm_hook(void)
{
	bool fail = fault_now(&FI.vm_k, FI.vm_sticky);

	FI.calls++;
	CHECK(FI.vm_n < sizeof(FI.vm_log), "more than %zu VM calls in one op",
	      sizeof(FI.vm_log));
	FI.vm_log[FI.vm_n++] = fail;
	if (fail)
		FI.fired++;
	return fail;
}

static void op_begin(void)
{
	FI.vm_n = 0;
}

struct blk {
	void *p;
	size_t size, align;
};

#define MAX_BLK 256
static struct blk blks[MAX_BLK];
static size_t nblk;
static int tctx;		/* the allocator's ctx points here */

static struct blk *blk_find(void *p)
{
	for (size_t i = 0; i < nblk; i++)
		if (blks[i].p == p)
			return &blks[i];
	return NULL;
}

static void *raw_alloc(size_t size, size_t align)
{
	void *p = NULL;
	size_t a = align < sizeof(void *) ? sizeof(void *) : align;

	if (posix_memalign(&p, a, size ? size : 1) != 0)
		FAIL("posix_memalign(%zu, %zu) failed", a, size);
	return p;
}

static void *t_alloc(void *ctx, size_t size, size_t align)
{
	void *p;

	CHECK(ctx == &tctx, "allocator alloc: wrong ctx");
	CHECK(align != 0 && (align & (align - 1)) == 0,
	      "allocator alloc: alignment %zu is not a power of two", align);
	FI.calls++;
	if (fault_now(&FI.alloc_k, FI.alloc_sticky) || size > REFUSE_BYTES) {
		FI.fired++;
		return NULL;
	}
	CHECK(nblk < MAX_BLK, "more than %d live blocks", MAX_BLK);
	p = raw_alloc(size, align);
	blks[nblk].p = p;
	blks[nblk].size = size;
	blks[nblk].align = align;
	nblk++;
	return p;
}

static void *t_realloc(void *ctx, void *ptr, size_t old_size, size_t new_size,
		       size_t align)
{
	struct blk *b = blk_find(ptr);
	void *p;

	CHECK(ctx == &tctx, "allocator realloc: wrong ctx");
	CHECK(b != NULL, "allocator realloc of %p, which is no live block", ptr);
	CHECK(b->size == old_size,
	      "allocator realloc: old_size %zu, but the block has %zu",
	      old_size, b->size);
	CHECK(b->align == align,
	      "allocator realloc: align %zu, but the block was allocated with %zu",
	      align, b->align);
	FI.calls++;
	if (fault_now(&FI.alloc_k, FI.alloc_sticky) || new_size > REFUSE_BYTES) {
		FI.fired++;
		return NULL;
	}
	/* always move, so that a stale pointer is a use after free */
	p = raw_alloc(new_size, align);
	memcpy(p, ptr, old_size < new_size ? old_size : new_size);
	free(ptr);
	b->p = p;
	b->size = new_size;
	return p;
}

static void t_free(void *ctx, void *ptr, size_t size)
{
	struct blk *b = blk_find(ptr);

	CHECK(ctx == &tctx, "allocator free: wrong ctx");
	CHECK(b != NULL, "allocator free of %p, which is no live block", ptr);
	CHECK(b->size == size,
	      "allocator free: size %zu, but the block has %zu", size, b->size);
	free(ptr);
	*b = blks[--nblk];
}

static const struct fbump_allocator tracking = {
	t_alloc, t_realloc, t_free, &tctx
};
static const struct fbump_allocator incomplete[3] = {
	{ NULL, t_realloc, t_free, &tctx },
	{ t_alloc, NULL, t_free, &tctx },
	{ t_alloc, t_realloc, NULL, &tctx },
};

/* ---- the model ------------------------------------------------------------------ */

enum { KA = 0, KF = 1 };
enum { CB_NONE, CB_ROLLBACK, CB_DESTROY, CB_DRAIN };
enum { AK_MALLOC, AK_TRACK, AK_INCOMPLETE };

struct model {
	int kind;		/* KA or KF */
	const char *name;
	void *h;		/* the arena; never NULL between ops */
	uint64_t id;
	size_t es, align, stride;
	unsigned storage;
	bool dtor, giant;
	int ak;
	size_t cfg_cap;
	size_t limit;		/* A: bytes the storage may ever hold */
	bool reserved;		/* A, VM: address space reserved */
	size_t cap;		/* F: capacity */
	unsigned char *base;	/* data() once set (not for REALLOC) */
	size_t n;		/* A: length; F: slots handed out */
	size_t pub;		/* F: published prefix */
	size_t npend;		/* F: slots begun, not published */
	unsigned char content[MAX_ELEMS * MAX_ELEM];
	unsigned char ready[MAX_ELEMS];	/* F: writer finished */
	/* expected callbacks */
	int cb;
	size_t cb_next, cb_left, cb_calls;
	unsigned reent;		/* re-entrant probe from callbacks; 0 = none */
};

static struct model M[2];

static struct {
	bool used;
	fbump_checkpoint cp;
} CPS[NCP];

static uint64_t ids[MAX_IDS];
static size_t nids;
static uint64_t ctr;		/* element values */

static unsigned char vbuf[MAX_EXTEND * MAX_ELEM];
static unsigned char ebuf[MAX_EXTEND * MAX_ELEM];
static unsigned char probe_buf[2 * MAX_ELEM];

static unsigned char *melem(struct model *m, size_t i)
{
	return m->content + i * m->es;
}

/* Distinct values: the first 8 bytes of consecutive elements all differ. */
static void gen(unsigned char *dst, size_t es)
{
	uint64_t v = ++ctr * 0x9E3779B97F4A7C15ull;

	for (size_t j = 0; j < es; j++)
		dst[j] = (unsigned char)((v >> (8 * (j & 7))) ^ (j >> 3) * 0x5b);
}

static fbump_arena *A_(struct model *m)
{
	return m->h;
}

static fbump_fastarena *F_(struct model *m)
{
	return m->h;
}

static unsigned char *h_data(struct model *m)
{
	return m->kind == KA ? fbump_arena_data(A_(m)) : fbump_fastarena_data(F_(m));
}

static fbump_checkpoint h_cp(struct model *m)
{
	return m->kind == KA ? fbump_arena_checkpoint(A_(m)) :
			       fbump_fastarena_checkpoint(F_(m));
}

static void advance_pub(struct model *m)
{
	while (m->pub < m->n && m->ready[m->pub])
		m->pub++;
}

/* ---- ASan: slots past the length are poisoned, live ones are not --------- */

static void check_live(struct model *m, const char *what)
{
#ifdef FZ_ASAN
	unsigned char *d = h_data(m);
	size_t bytes = m->n * m->stride;
	void *bad;

	if (d == NULL || bytes == 0)
		return;
	bad = __asan_region_is_poisoned(d, bytes);
	CHECK(bad == NULL, "%s: %s: live slot byte %td is poisoned", m->name,
	      what, (unsigned char *)bad - d);
#else
	(void)m;
	(void)what;
#endif
}

/* The whole granules inside [d + from, d + to) must be poisoned. */
static void check_dead(struct model *m, unsigned char *d, size_t from,
		       size_t to, const char *what)
{
#ifdef FZ_ASAN
	uintptr_t lo, hi;

	if (d == NULL || from >= to)
		return;
	lo = ((uintptr_t)d + from + 7) & ~(uintptr_t)7;
	hi = ((uintptr_t)d + to) & ~(uintptr_t)7;
	if (lo >= hi)
		return;
	CHECK(__asan_address_is_poisoned((void *)lo) &&
	      __asan_address_is_poisoned((void *)(hi - 1)),
	      "%s: %s: dead slot bytes [%zu, %zu) are not poisoned", m->name,
	      what, (size_t)(lo - (uintptr_t)d), (size_t)(hi - (uintptr_t)d));
#else
	(void)m;
	(void)d;
	(void)from;
	(void)to;
	(void)what;
#endif
}

/* ---- consistency checks ------------------------------------------------------------ */

static void check_basics(struct model *m)
{
	unsigned char *d;

	if (m->kind == KA) {
		fbump_arena *a = A_(m);
		size_t cap = fbump_arena_capacity(a);

		d = fbump_arena_data(a);
		CHECK(fbump_arena_len(a) == m->n, "%s: len %zu, model %zu",
		      m->name, fbump_arena_len(a), m->n);
		CHECK(!fbump_arena_is_empty(a) == (m->n != 0),
		      "%s: is_empty wrong", m->name);
		CHECK(fbump_arena_stride(a) == m->stride, "%s: stride %zu, model %zu",
		      m->name, fbump_arena_stride(a), m->stride);
		CHECK(cap >= m->n, "%s: capacity %zu < len %zu", m->name, cap, m->n);
		CHECK(cap <= m->limit / m->stride,
		      "%s: capacity %zu exceeds the "
		      "most elements the storage may hold (%zu)", m->name, cap,
		      m->limit / m->stride);
		if (m->storage == FBUMP_STORAGE_VM)
			CHECK((d != NULL) == m->reserved,
			      "%s: data() %p but reserved=%d", m->name, (void *)d,
			      m->reserved);
		if (m->storage == FBUMP_STORAGE_FIXED) {
			CHECK(d != NULL, "%s: FIXED data() is NULL", m->name);
			CHECK(cap == m->cfg_cap, "%s: FIXED capacity %zu, configured %zu",
			      m->name, cap, m->cfg_cap);
		}
		if (m->storage != FBUMP_STORAGE_REALLOC && d != NULL) {
			if (m->base == NULL)
				m->base = d;
			CHECK(d == m->base, "%s: elements moved from %p to %p",
			      m->name, (void *)m->base, (void *)d);
		}
		if (m->n > 0) {
			CHECK(d != NULL, "%s: data() NULL with %zu elements",
			      m->name, m->n);
			CHECK(memcmp(fbump_arena_get(a, m->n - 1), melem(m, m->n - 1),
				     m->es) == 0,
			      "%s: last element %zu differs", m->name, m->n - 1);
		}
	} else {
		fbump_fastarena *f = F_(m);

		d = fbump_fastarena_data(f);
		CHECK(d != NULL && d == m->base, "%s: data() %p, expected %p",
		      m->name, (void *)d, (void *)m->base);
		CHECK(fbump_fastarena_stride(f) == m->stride,
		      "%s: stride %zu, model %zu", m->name,
		      fbump_fastarena_stride(f), m->stride);
		CHECK(fbump_fastarena_len(f) == m->pub, "%s: len %zu, model %zu",
		      m->name, fbump_fastarena_len(f), m->pub);
		CHECK(fbump_fastarena_capacity(f) == m->cap,
		      "%s: capacity %zu, model %zu", m->name,
		      fbump_fastarena_capacity(f), m->cap);
		if (m->pub > 0)
			CHECK(memcmp(fbump_fastarena_get(f, m->pub - 1),
				     melem(m, m->pub - 1), m->es) == 0,
			      "%s: last element %zu differs", m->name, m->pub - 1);
	}
}

static void verify(struct model *m)
{
	size_t i = 0;

	check_basics(m);
	if (m->kind == KA) {
		fbump_arena *a = A_(m);

		FBUMP_ARENA_FOREACH(unsigned char, e, a) {
			CHECK(i < m->n, "%s: FOREACH runs past len", m->name);
			CHECK(e == fbump_arena_get(a, i) && e == fbump_arena_try_get(a, i),
			      "%s: FOREACH/get/try_get disagree at %zu", m->name, i);
			CHECK(memcmp(e, melem(m, i), m->es) == 0,
			      "%s: element %zu differs", m->name, i);
			i++;
		}
		CHECK(i == m->n, "%s: FOREACH saw %zu of %zu", m->name, i, m->n);
		check_live(m, "verify");
		check_dead(m, fbump_arena_data(a), m->n * m->stride,
			   fbump_arena_capacity(a) * m->stride, "verify");
	} else {
		fbump_fastarena *f = F_(m);

		FBUMP_FASTARENA_FOREACH(unsigned char, e, f) {
			CHECK(i < m->pub, "%s: FOREACH runs past len", m->name);
			CHECK(e == fbump_fastarena_get(f, i) &&
			      e == fbump_fastarena_try_get(f, i),
			      "%s: FOREACH/get/try_get disagree at %zu", m->name, i);
			CHECK(memcmp(e, melem(m, i), m->es) == 0,
			      "%s: element %zu differs", m->name, i);
			i++;
		}
		CHECK(i == m->pub, "%s: FOREACH saw %zu of %zu", m->name, i, m->pub);
		for (; i < m->n; i++) {
			void *p = fbump_fastarena_get(f, i);

			if (m->ready[i]) {
				CHECK(p == m->base + i * m->stride,
				      "%s: finished slot %zu: get %p", m->name, i, p);
				CHECK(memcmp(p, melem(m, i), m->es) == 0,
				      "%s: element %zu differs", m->name, i);
			} else {
				CHECK(p == NULL, "%s: get of unpublished slot %zu", m->name, i);
			}
		}
		check_live(m, "verify");
	}
}

/* ---- re-entrant probes from a destructor or drain callback --------------- */

static void drain_cb(void *elem, size_t index, void *ctx);

static void expect_busy_idx(struct model *m, size_t r, const char *what)
{
	int e = errno;

	CHECK(r == FBUMP_NONE && e == EBUSY,
	      "%s: %s from a callback: %zu errno %d, expected EBUSY", m->name,
	      what, r, e);
}

static void expect_busy_ptr(struct model *m, void *p, const char *what)
{
	int e = errno;

	CHECK(p == NULL && e == EBUSY,
	      "%s: %s from a callback: %p errno %d, expected EBUSY", m->name,
	      what, p, e);
}

static void expect_busy_rc(struct model *m, int rc, const char *what)
{
	int e = errno;

	CHECK(rc == EBUSY && e == EBUSY,
	      "%s: %s from a callback: %d errno %d, expected EBUSY", m->name,
	      what, rc, e);
}

static void probe(struct model *m)
{
	unsigned k;
	size_t i;
	int saved = errno;

	if (m->reent == 0)
		return;
	k = (m->reent + (unsigned)m->cb_calls) % 10;
	errno = 0;
	if (m->kind == KA) {
		fbump_arena *a = A_(m);

		switch (k) {
		case 0: expect_busy_idx(m, fbump_arena_alloc(a, probe_buf), "alloc"); break;
		case 1: expect_busy_ptr(m, fbump_arena_alloc_uninit(a, &i), "alloc_uninit"); break;
		case 2: expect_busy_idx(m, fbump_arena_alloc_extend(a, probe_buf, 2), "alloc_extend"); break;
		case 3: expect_busy_rc(m, fbump_arena_reserve(a, 1), "reserve"); break;
		case 4: expect_busy_rc(m, fbump_arena_shrink_to_fit(a), "shrink_to_fit"); break;
		case 5: expect_busy_rc(m, fbump_arena_rollback(a, fbump_arena_checkpoint(a)), "rollback"); break;
		case 6: expect_busy_rc(m, fbump_arena_reset(a), "reset"); break;
		case 7: expect_busy_rc(m, fbump_arena_drain(a, drain_cb, m), "drain"); break;
		case 8: expect_busy_rc(m, fbump_arena_destroy(a), "destroy"); break;
		default:
			CHECK(fbump_arena_capacity(a) >= fbump_arena_len(a),
			      "%s: capacity < len in a callback", m->name);
			break;
		}
	} else {
		fbump_fastarena *f = F_(m);

		switch (k) {
		case 0: expect_busy_idx(m, fbump_fastarena_alloc(f, probe_buf), "alloc"); break;
		case 1: expect_busy_ptr(m, fbump_fastarena_alloc_begin(f, &i), "alloc_begin"); break;
		case 2: expect_busy_idx(m, fbump_fastarena_alloc_extend(f, probe_buf, 2), "alloc_extend"); break;
		case 5: expect_busy_rc(m, fbump_fastarena_rollback(f, fbump_fastarena_checkpoint(f)), "rollback"); break;
		case 6: expect_busy_rc(m, fbump_fastarena_reset(f), "reset"); break;
		case 7: expect_busy_rc(m, fbump_fastarena_drain(f, drain_cb, m), "drain"); break;
		case 8: expect_busy_rc(m, fbump_fastarena_destroy(f), "destroy"); break;
		default:
			CHECK(fbump_fastarena_capacity(f) == m->cap,
			      "%s: capacity changed in a callback", m->name);
			break;
		}
	}
	errno = saved;
}

/* ---- the callbacks -------------------------------------------------------------- */

static void dtor_cb(void *elem, void *ctx)
{
	struct model *m = ctx;
	size_t i;

	CHECK(m == &M[0] || m == &M[1], "destructor: wrong ctx %p", ctx);
	CHECK(m->cb == CB_ROLLBACK || m->cb == CB_DESTROY,
	      "%s: unexpected destructor call (cb mode %d)", m->name, m->cb);
	CHECK(m->cb_left > 0, "%s: more destructor calls than elements", m->name);
	i = m->cb_next;
	CHECK(elem == h_data(m) + i * m->stride,
	      "%s: destructor got %p, expected element %zu at %p", m->name, elem,
	      i, (void *)(h_data(m) + i * m->stride));
	CHECK(memcmp(elem, melem(m, i), m->es) == 0,
	      "%s: destructor: element %zu has the wrong bytes (order?)", m->name, i);
	if (m->cb == CB_ROLLBACK) {
		/* the length is decremented before the destructor runs */
		int e;
		void *p;

		if (m->kind == KA) {
			fbump_arena *a = A_(m);

			CHECK(fbump_arena_len(a) == i,
			      "%s: len %zu in the destructor of element %zu",
			      m->name, fbump_arena_len(a), i);
			errno = 0;
			p = fbump_arena_try_get(a, i);
			e = errno;
			CHECK(p == NULL && e == ERANGE,
			      "%s: try_get of the element being destroyed: %p errno %d",
			      m->name, p, e);
			CHECK(fbump_arena_checkpoint(a).len == i,
			      "%s: checkpoint in a destructor", m->name);
			if (i > 0)
				CHECK(memcmp(fbump_arena_get(a, i - 1), melem(m, i - 1),
					     m->es) == 0,
				      "%s: element %zu differs in a destructor", m->name, i - 1);
		} else {
			fbump_fastarena *f = F_(m);

			CHECK(fbump_fastarena_len(f) == i,
			      "%s: len %zu in the destructor of element %zu",
			      m->name, fbump_fastarena_len(f), i);
			CHECK(fbump_fastarena_get(f, i) == NULL,
			      "%s: get of the element being destroyed", m->name);
			errno = 0;
			p = fbump_fastarena_try_get(f, i);
			e = errno;
			CHECK(p == NULL && (e == ERANGE || e == EAGAIN),
			      "%s: try_get of the element being destroyed: %p errno %d",
			      m->name, p, e);
			CHECK(fbump_fastarena_checkpoint(f).len == i,
			      "%s: checkpoint in a destructor", m->name);
			if (i > 0)
				CHECK(memcmp(fbump_fastarena_get(f, i - 1),
					     melem(m, i - 1), m->es) == 0,
				      "%s: element %zu differs in a destructor", m->name, i - 1);
		}
	}
	probe(m);
	m->cb_calls++;
	m->cb_left--;
	if (m->cb == CB_ROLLBACK)
		m->cb_next--;
	else
		m->cb_next++;
}

static void drain_cb(void *elem, size_t index, void *ctx)
{
	struct model *m = ctx;

	CHECK(m == &M[0] || m == &M[1], "drain: wrong ctx %p", ctx);
	CHECK(m->cb == CB_DRAIN, "%s: unexpected drain callback", m->name);
	CHECK(m->cb_left > 0, "%s: more drain callbacks than elements", m->name);
	CHECK(index == m->cb_next, "%s: drain index %zu, expected %zu", m->name,
	      index, m->cb_next);
	CHECK(elem == h_data(m) + index * m->stride,
	      "%s: drain got %p for index %zu", m->name, elem, index);
	CHECK(memcmp(elem, melem(m, index), m->es) == 0,
	      "%s: drain: element %zu has the wrong bytes", m->name, index);
	probe(m);
	m->cb_calls++;
	m->cb_left--;
	m->cb_next++;
}

static void cb_expect(struct model *m, int mode, size_t first, size_t count)
{
	m->cb = count > 0 ? mode : CB_NONE;
	m->cb_next = first;
	m->cb_left = count;
	m->cb_calls = 0;
}

static void cb_done(struct model *m, const char *what)
{
	CHECK(m->cb_left == 0, "%s: %s: %zu callbacks missing", m->name, what,
	      m->cb_left);
	m->cb = CB_NONE;
}

/* ---- creating and destroying ----------------------------------------------------- */

struct cdesc {
	struct {
		struct fbump_config c;
		unsigned char tail[16];
	} x;
	bool null_cfg;
	int ak;
	bool giant;
};

static void decode_cfg(struct in *in, struct cdesc *d)
{
	static const size_t good_al[16] = {
		0, 1, 2, 4, 8, 16, 32, 64, 0, 1, 2, 4, 8, 8, 4096, (size_t)1 << 20
	};
	static const size_t bad_al[8] = { 3, 5, 6, 12, 24, 48, 100, SIZE_MAX };
	struct fbump_config init = FBUMP_CONFIG_INIT_SIZED(1, 0);
	uint8_t b0 = rd8(in), b1 = rd8(in), b2 = rd8(in), b3 = rd8(in);
	uint8_t b4 = rd8(in), b5 = rd8(in), b6 = rd8(in);
	struct fbump_config *c = &d->x.c;
	size_t es, al, stride = 1, cap, eff;
	unsigned s;

	memset(d, 0, sizeof(*d));
	*c = init;
	if (b0 == 0xff) {
		es = 0;
	} else if (b0 == 0xfe) {
		es = SIZE_MAX - (b6 & 7);
		d->giant = true;
	} else {
		es = 1 + b0 % MAX_ELEM;
	}
	al = (b1 & 0x80) ? bad_al[b1 & 7] : good_al[b1 & 15];
	s = b2 & 3;
	if (s == 3)
		s = (b2 & 4) ? 0xffffffffu : 3u + (unsigned)(b2 >> 3);
	c->elem_size = es;
	c->elem_align = al;
	c->storage = s;
	c->flags = (b3 & 0x80) ? 1u << (b6 >> 3) : 0;
	c->destructor = (b3 & 1) ? NULL : dtor_cb;
	switch ((b3 >> 1) & 3) {
	case 0: d->ak = AK_MALLOC; break;
	case 3: d->ak = (b3 & 8) ? AK_INCOMPLETE : AK_TRACK; break;
	default: d->ak = AK_TRACK; break;
	}
	c->allocator = d->ak == AK_MALLOC ? NULL :
		       d->ak == AK_TRACK ? &tracking : &incomplete[b6 % 3];
	switch ((b3 >> 4) & 7) {
	case 5:	/* a newer caller's longer struct, zero tail: fine */
		c->struct_size = sizeof(*c) + 8;
		break;
	case 6:
		if (b6 & 1) {	/* too small */
			c->struct_size = CFG_MIN - 1 - (b6 >> 5);
		} else {	/* longer, asks for something unknown */
			c->struct_size = sizeof(*c) + 16;
			d->x.tail[(b6 >> 1) & 15] = 1;
		}
		break;
	case 7:
		d->null_cfg = (b6 & 3) == 0;
		break;
	default:
		break;
	}

	/* capacity: small, or a special value near the limits */
	eff = al ? al : alignof(max_align_t);
	if (es != 0 && (eff & (eff - 1)) == 0 && es <= SIZE_MAX - (eff - 1))
		stride = (es + eff - 1) & ~(eff - 1);
	if (b5 & 0x80) {
		switch (b4 & 7) {
		case 0: cap = SIZE_MAX; break;
		case 1: cap = stride > 1 ? SIZE_MAX / stride + 1 : SIZE_MAX; break;
		case 2: cap = (size_t)PTRDIFF_MAX / stride + 1; break;
		case 3:
			/* valid but huge: only where the tracking allocator
			 * refuses it (VM would reserve it for real) */
			if (d->ak == AK_TRACK && (s == FBUMP_STORAGE_FIXED ||
						 s == FBUMP_STORAGE_REALLOC))
				cap = (size_t)PTRDIFF_MAX / stride;
			else
				cap = (size_t)PTRDIFF_MAX / stride + 1;
			break;
		case 4: cap = page / stride; break;
		case 5: cap = page / stride + 1; break;
		case 6: cap = 1; break;
		default: cap = 0; break;
		}
	} else {
		cap = (size_t)(b4 | (b5 << 8)) % 2049;
		if (d->giant)
			cap = 0;
		else if (cap > MAX_CFG_BYTES / stride)
			cap = MAX_CFG_BYTES / stride;
	}
	c->capacity = cap;
	c->destructor_ctx = NULL;	/* set by do_create */
}

/* Errors that a create with this description must give: returns 1 when the
 * configuration itself is wrong (no allocation may happen), 2 when the
 * storage setup must fail (after the arena's own allocation), 0 when it
 * must succeed unless a fault fires. */
static int predict_create(const struct cdesc *d, int kind, unsigned *errs)
{
	const struct fbump_config *c = &d->x.c;
	size_t al, stride, bytes, cap = c->capacity;
	bool al_ok;

	*errs = 0;
	if (d->null_cfg) {
		*errs = B_INVAL;
		return 1;
	}
	if (c->struct_size < CFG_MIN)
		*errs |= B_INVAL;
	for (size_t i = sizeof(*c); i < c->struct_size; i++)
		if (d->x.tail[i - sizeof(*c)] != 0)
			*errs |= B_INVAL;
	if (c->elem_size == 0 || c->flags != 0 || c->storage > 2)
		*errs |= B_INVAL;
	al = c->elem_align ? c->elem_align : alignof(max_align_t);
	al_ok = (al & (al - 1)) == 0;
	if (!al_ok || d->ak == AK_INCOMPLETE)
		*errs |= B_INVAL;
	if (al_ok && c->elem_size > SIZE_MAX - (al - 1))
		*errs |= B_OVERFLOW;
	if (kind == KF && c->storage == FBUMP_STORAGE_REALLOC)
		*errs |= B_INVAL;
	if (*errs)
		return 1;
	stride = (c->elem_size + al - 1) & ~(al - 1);
	switch (c->storage) {
	case FBUMP_STORAGE_FIXED:
		if (cap == 0)
			*errs |= B_INVAL;
		else if (mul_ovf(cap, stride, &bytes) || bytes > PTRDIFF_MAX)
			*errs |= B_OVERFLOW;
		break;
	case FBUMP_STORAGE_VM:
		if (cap != 0 && (mul_ovf(cap, stride, &bytes) ||
				 bytes > SIZE_MAX - page || bytes > PTRDIFF_MAX))
			*errs |= B_OVERFLOW;
		break;
	default:
		if (cap != 0 && (mul_ovf(cap, stride, &bytes) ||
				 bytes > PTRDIFF_MAX - PTRDIFF_MAX % stride))
			*errs |= B_OVERFLOW;
		break;
	}
	return *errs ? 2 : 0;
}

/* Replays the halving of a refused VM reservation against the hook's log,
 * from *pos: 0 and the size obtained, or ENOMEM. */
static int sim_reserve(struct model *m, size_t *size, size_t floor, size_t *pos)
{
	for (;;) {
		CHECK(*pos < FI.vm_n, "%s: expected another VM reserve call "
		      "(log has %zu)", m->name, FI.vm_n);
		if (!FI.vm_log[(*pos)++])
			return 0;
		if (*size / 2 < floor)
			return ENOMEM;
		*size = round_up(*size / 2, page);
	}
}

static void null_checks(void);

static void remember_id(struct model *m)
{
	fbump_checkpoint cp = h_cp(m);

	CHECK(cp.arena_id != 0, "%s: arena id 0", m->name);
	CHECK(cp.len == 0, "%s: new arena's checkpoint len %zu", m->name, cp.len);
	for (size_t i = 0; i < nids; i++)
		CHECK(ids[i] != cp.arena_id, "%s: arena id %llu reused", m->name,
		      (unsigned long long)cp.arena_id);
	if (nids < MAX_IDS)
		ids[nids++] = cp.arena_id;
	m->id = cp.arena_id;
}

static void do_create(struct model *m, struct cdesc *d, bool fallback);

static void create_fallback(struct model *m, size_t es)
{
	struct cdesc d;
	struct fbump_config init = FBUMP_CONFIG_INIT_SIZED(1, 8);
	long ak = FI.alloc_k, vk = FI.vm_k;

	memset(&d, 0, sizeof(d));
	d.x.c = init;
	d.x.c.elem_size = es >= 1 && es <= MAX_ELEM ? es : 8;
	d.x.c.destructor = dtor_cb;
	d.x.c.allocator = &tracking;
	d.ak = AK_TRACK;
	FI.alloc_k = FI.vm_k = -1;
	do_create(m, &d, true);
	FI.alloc_k = ak;
	FI.vm_k = vk;
}

static void do_create(struct model *m, struct cdesc *d, bool fallback)
{
	struct fbump_config *c = &d->x.c;
	const struct fbump_config *cfg = d->null_cfg ? NULL : c;
	unsigned errs;
	int lvl = predict_create(d, m->kind, &errs);
	long calls0 = FI.calls, fired0 = FI.fired;
	size_t live0 = nblk, fcap = 0;
	int want = 0, e;
	void *h;

	c->destructor_ctx = m;
	op_begin();
	errno = 0;
	h = m->kind == KA ? (void *)fbump_arena_create(cfg) :
			    (void *)fbump_fastarena_create(cfg);
	e = errno;
	if (lvl == 1) {
		CHECK(h == NULL && (errs & ebit(e)),
		      "%s: create with a bad config: %p errno %d, expected mask %#x",
		      m->name, h, e, errs);
		CHECK(FI.calls == calls0, "%s: create with a bad config allocated",
		      m->name);
	} else if (lvl == 2) {
		CHECK(h == NULL && ((errs & ebit(e)) ||
				    (e == ENOMEM && FI.fired > fired0)),
		      "%s: create with a bad capacity: %p errno %d, expected mask %#x",
		      m->name, h, e, errs);
	} else {
		if (m->kind == KA) {
			CHECK(FI.vm_n == 0, "%s: create made %zu VM calls", m->name,
			      FI.vm_n);
			want = FI.fired > fired0 ? ENOMEM : 0;
		} else if (c->storage == FBUMP_STORAGE_VM && FI.vm_n > 0) {
			size_t pos = 0, stride, size, fsize, lim;
			size_t al = c->elem_align ? c->elem_align : alignof(max_align_t);

			/* the limits are capacity elements exactly, the
			 * reservations whole pages (halved if refused) */
			stride = (c->elem_size + al - 1) & ~(al - 1);
			lim = c->capacity ? c->capacity * stride : DEFAULT_RES;
			size = round_up(lim, page);
			want = sim_reserve(m, &size, page, &pos);
			if (want == 0) {
				/* (the counters' own ceiling, far above what the
				 * harness configures, is not modelled) */
				fcap = (size < lim ? size : lim) / stride;
				lim = fcap ? fcap : 1; /* flags for no slot */
				fsize = round_up(lim, page);
				want = sim_reserve(m, &fsize, page, &pos);
				if (want == 0 && fsize < fcap)
					fcap = fsize;
			}
			CHECK(pos == FI.vm_n, "%s: create made %zu VM calls, "
			      "expected %zu", m->name, FI.vm_n, pos);
		} else {
			CHECK(!(h != NULL && c->storage == FBUMP_STORAGE_VM),
			      "%s: VM fastarena created without reserving", m->name);
			CHECK(!(c->storage == FBUMP_STORAGE_FIXED && FI.vm_n != 0),
			      "%s: FIXED create made VM calls", m->name);
			want = FI.fired > fired0 ? ENOMEM : 0;
			fcap = c->capacity;
		}
		if (want == 0)
			CHECK(h != NULL, "%s: create failed with errno %d", m->name, e);
		else
			CHECK(h == NULL && e == want,
			      "%s: create: %p errno %d, expected errno %d", m->name,
			      h, e, want);
	}
	if (h == NULL) {
		CHECK(nblk == live0, "%s: failed create leaked %zu blocks", m->name,
		      nblk - live0);
		CHECK(!fallback, "%s: the fallback configuration failed", m->name);
		null_checks();
		create_fallback(m, c->elem_size);
		return;
	}

	m->h = h;
	m->es = c->elem_size;
	m->align = c->elem_align ? c->elem_align : alignof(max_align_t);
	m->stride = (m->es + m->align - 1) & ~(m->align - 1);
	m->storage = c->storage;
	m->dtor = c->destructor != NULL;
	m->giant = d->giant;
	m->ak = d->ak;
	m->cfg_cap = c->capacity;
	m->reserved = false;
	m->base = NULL;
	m->n = m->pub = m->npend = 0;
	m->cb = CB_NONE;
	if (m->kind == KA) {
		switch (m->storage) {
		case FBUMP_STORAGE_VM:
			/* capacity elements exactly (doc/storage.md) */
			m->limit = m->cfg_cap ? m->cfg_cap * m->stride : DEFAULT_RES;
			break;
		case FBUMP_STORAGE_FIXED:
			m->limit = m->cfg_cap * m->stride;
			break;
		default:
			m->limit = PTRDIFF_MAX - PTRDIFF_MAX % m->stride;
			break;
		}
		CHECK(fbump_arena_capacity(h) ==
		      (m->storage == FBUMP_STORAGE_VM ? 0 : m->cfg_cap),
		      "%s: new arena's capacity %zu", m->name, fbump_arena_capacity(h));
		CHECK(m->storage != FBUMP_STORAGE_VM || fbump_arena_data(h) == NULL,
		      "%s: new VM arena has data()", m->name);
	} else {
		m->cap = fcap;
		m->base = fbump_fastarena_data(h);
		CHECK(fbump_fastarena_capacity(h) == fcap,
		      "%s: capacity %zu, expected %zu", m->name,
		      fbump_fastarena_capacity(h), fcap);
	}
	remember_id(m);
	check_basics(m);
}

static void check_unmapped(struct model *m, unsigned char *p)
{
	unsigned char vec;
	uintptr_t pg = (uintptr_t)p & ~(uintptr_t)(page - 1);

	errno = 0;
	CHECK(mincore((void *)pg, page, &vec) == -1 && errno == ENOMEM,
	      "%s: the VM reservation at %p is still mapped after destroy",
	      m->name, (void *)p);
}

static void publish_all(struct model *m);

static void destroy_arena(struct model *m)
{
	unsigned char *vm = NULL;
	int rc, e;

	if (m->kind == KF && m->npend > 0) {
		errno = 0;
		rc = fbump_fastarena_destroy(F_(m));
		e = errno;
		CHECK(rc == EBUSY && e == EBUSY,
		      "%s: destroy with %zu unpublished slots: %d errno %d",
		      m->name, m->npend, rc, e);
		publish_all(m);
	}
	if (m->storage == FBUMP_STORAGE_VM)
		vm = h_data(m);
	cb_expect(m, CB_DESTROY, 0, m->dtor ? m->n : 0);
	rc = m->kind == KA ? fbump_arena_destroy(A_(m)) :
			     fbump_fastarena_destroy(F_(m));
	cb_done(m, "destroy");
	CHECK(rc == 0, "%s: destroy returned %d", m->name, rc);
	/* a default VM arena's reservation may wait in the cache for the
	 * next arena; releasing the cache must unmap it (the cache itself is
	 * tested by check_arena, and the model expects fresh reservations) */
	fbump_vmcache_flush();
	if (vm != NULL)
		check_unmapped(m, vm);
	m->h = NULL;
	m->n = m->pub = m->npend = 0;
}

/* ---- appending ------------------------------------------------------------------ */

enum { AP_ALLOC, AP_UNINIT, AP_EXTEND, AP_RESERVE };
static const char *const ap_name[] = { "alloc", "alloc_uninit", "alloc_extend", "reserve" };

#define P_FITS (-1)
#define P_DYN (-2)

/* fbump_arena: what n more elements give, judged before the call. */
static int arena_pre(struct model *m, size_t n, size_t cap0, unsigned *errs)
{
	size_t need;

	if (n > SIZE_MAX - m->n || mul_ovf(m->n + n, m->stride, &need)) {
		*errs = B_OVERFLOW;
		return 1;
	}
	if (need > m->limit) {
		/* REALLOC: "ENOMEM only" (doc/storage.md); ENOSPC is for FIXED
		 * and VM (doc/errors.md) */
		*errs = m->storage == FBUMP_STORAGE_REALLOC ? B_NOMEM : B_NOSPC;
		return 1;
	}
	if (n <= cap0 - m->n)
		return P_FITS;
	return P_DYN;
}

/* Whether the model and the machine can take the call if it succeeds. */
static bool room_ok(struct model *m, int how, size_t n)
{
	size_t need;

	if (m->giant)
		return false;
	if (how == AP_RESERVE) {
		need = (m->n + n) * m->stride;	/* no overflow: not static */
		if (need <= MAX_COMMIT)
			return true;
		/* refused by the tracking allocator: fails with ENOMEM */
		return m->kind == KA && m->storage == FBUMP_STORAGE_REALLOC &&
		       m->ak == AK_TRACK && need > REFUSE_BYTES;
	}
	return n <= MAX_EXTEND && m->n + n <= MAX_ELEMS &&
	       (m->n + n) * m->stride <= MAX_BYTES;
}

static void arena_post(struct model *m, int pre, unsigned errs, size_t n,
		       bool ok, int e, long calls0, long fired0, const char *what)
{
	int want;

	if (pre == P_FITS) {
		CHECK(ok, "%s: %s of %zu failed (errno %d) although the capacity "
		      "had room", m->name, what, n, e);
		CHECK(FI.calls == calls0, "%s: %s of %zu allocated although the "
		      "capacity had room", m->name, what, n);
		return;
	}
	if (pre == 1) {
		CHECK(!ok && (errs & ebit(e)), "%s: %s of %zu (len %zu): ok=%d "
		      "errno %d, expected mask %#x", m->name, what, n, m->n, ok, e,
		      errs);
		CHECK(FI.calls == calls0, "%s: %s of %zu failed statically but "
		      "made %ld allocator/VM calls", m->name, what, n,
		      FI.calls - calls0);
		return;
	}
	if (m->storage == FBUMP_STORAGE_VM && !m->reserved) {
		size_t need = (m->n + n) * m->stride, pos = 0;
		size_t size = round_up(m->limit, page);

		want = sim_reserve(m, &size, round_up(need, page), &pos);
		if (want == 0) {
			CHECK(pos < FI.vm_n, "%s: %s: reserved but did not commit",
			      m->name, what);
			want = FI.vm_log[pos++] ? ENOMEM : 0;
		}
		/* a failed commit gives the reservation back: the failed
		 * call changes nothing */
		if (want == 0) {
			m->reserved = true;
			if (size < m->limit)
				m->limit = size;
		}
		CHECK(pos == FI.vm_n, "%s: %s: %zu VM calls, expected %zu",
		      m->name, what, FI.vm_n, pos);
	} else {
		want = FI.fired > fired0 ? ENOMEM : 0;
	}
	if (want == 0)
		CHECK(ok, "%s: %s of %zu (len %zu) failed with errno %d, no fault "
		      "fired", m->name, what, n, m->n, e);
	else
		CHECK(!ok && e == want, "%s: %s of %zu: ok=%d errno %d after an "
		      "injected fault, expected %d", m->name, what, n, ok, e, want);
}

/* Returns false when skipped (the model could not hold the result). */
static bool arena_append(struct model *m, int how, size_t n,
			 const void *values, const unsigned char *expect,
			 bool null_index)
{
	fbump_arena *a = A_(m);
	size_t cap0 = fbump_arena_capacity(a), cap1, r = 0, idx = 12345;
	unsigned errs = 0;
	int pre, e, rc;
	long calls0, fired0;
	void *p = NULL;
	bool ok = false;

	CHECK(cap0 >= m->n, "%s: capacity %zu < len %zu", m->name, cap0, m->n);
	if (how == AP_EXTEND && n == 0)
		pre = P_FITS;
	else
		pre = arena_pre(m, n, cap0, &errs);
	if (pre != 1 && !room_ok(m, how, n))
		return false;
	calls0 = FI.calls;
	fired0 = FI.fired;
	op_begin();
	errno = 0;
	switch (how) {
	case AP_ALLOC:
		r = fbump_arena_alloc(a, values);
		ok = r != FBUMP_NONE;
		break;
	case AP_UNINIT:
		p = fbump_arena_alloc_uninit(a, null_index ? NULL : &idx);
		ok = p != NULL;
		break;
	case AP_EXTEND:
		r = fbump_arena_alloc_extend(a, values, n);
		ok = r != FBUMP_NONE;
		break;
	default:
		rc = fbump_arena_reserve(a, n);
		ok = rc == 0;
		CHECK(ok || rc == errno, "%s: reserve returned %d, errno %d",
		      m->name, rc, errno);
		break;
	}
	e = errno;
	arena_post(m, pre, errs, n, ok, e, calls0, fired0, ap_name[how]);
	if (!ok) {
		CHECK(fbump_arena_len(a) == m->n, "%s: failed %s changed len",
		      m->name, ap_name[how]);
		check_basics(m);
		return true;
	}
	if (how == AP_UNINIT) {
		if (!null_index)
			CHECK(idx == m->n, "%s: alloc_uninit index %zu, expected %zu",
			      m->name, idx, m->n);
		CHECK(p == fbump_arena_get(a, m->n) &&
		      p == fbump_arena_try_get(a, m->n),
		      "%s: alloc_uninit returned %p, get says %p", m->name, p,
		      fbump_arena_get(a, m->n));
		memcpy(p, expect, m->es);
	} else if (how != AP_RESERVE) {
		CHECK(r == m->n, "%s: %s returned %zu, expected %zu", m->name,
		      ap_name[how], r, m->n);
	}
	if (how != AP_RESERVE && n > 0) {
		memcpy(melem(m, m->n), expect, n * m->es);
		m->n += n;
		for (size_t i = m->n - n; i < m->n; i++)
			CHECK(memcmp(fbump_arena_get(a, i), melem(m, i), m->es) == 0,
			      "%s: %s: new element %zu has the wrong bytes", m->name,
			      ap_name[how], i);
	}
	cap1 = fbump_arena_capacity(a);
	CHECK(cap1 >= cap0, "%s: %s shrank the capacity %zu -> %zu", m->name,
	      ap_name[how], cap0, cap1);
	if (how == AP_RESERVE)
		CHECK(cap1 - m->n >= n, "%s: reserve(%zu) succeeded, capacity %zu "
		      "len %zu", m->name, n, cap1, m->n);
	check_basics(m);
	return true;
}

static bool fast_append(struct model *m, int how, size_t n, const void *values,
			const unsigned char *expect)
{
	fbump_fastarena *f = F_(m);
	size_t r = 0, idx = 12345, bytes;
	unsigned errs = 0;
	int pre, e, want;
	long calls0, fired0;
	void *p = NULL;
	bool ok = false;

	if (how == AP_EXTEND && n == 0) {
		pre = P_FITS;
	} else if (how == AP_EXTEND &&
		   (mul_ovf(n, m->stride, &bytes) || n >= PUB_EXCL)) {
		pre = 1;
		errs = B_OVERFLOW;
	} else if (n > m->cap - m->n) {
		pre = 1;
		errs = B_NOSPC;
		if (how == AP_EXTEND && (n > SIZE_MAX - m->n ||
					 mul_ovf(m->n + n, m->stride, &bytes)))
			errs |= B_OVERFLOW;
	} else {
		pre = P_DYN;
	}
	if (pre == P_DYN && !room_ok(m, how, n))
		return false;
	calls0 = FI.calls;
	fired0 = FI.fired;
	op_begin();
	errno = 0;
	switch (how) {
	case AP_ALLOC:
		r = fbump_fastarena_alloc(f, values);
		ok = r != FBUMP_NONE;
		break;
	case AP_UNINIT:
		p = fbump_fastarena_alloc_begin(f, &idx);
		ok = p != NULL;
		break;
	default:
		r = fbump_fastarena_alloc_extend(f, values, n);
		ok = r != FBUMP_NONE;
		break;
	}
	e = errno;
	if (pre == P_FITS) {
		CHECK(ok && r == m->n, "%s: alloc_extend(0) returned %zu, "
		      "expected %zu", m->name, r, m->n);
		CHECK(FI.calls == calls0, "%s: alloc_extend(0) allocated", m->name);
		check_basics(m);
		return true;
	}
	if (pre == 1) {
		CHECK(!ok && (errs & ebit(e)), "%s: %s of %zu (reserved %zu, cap "
		      "%zu): ok=%d errno %d, expected mask %#x", m->name,
		      ap_name[how], n, m->n, m->cap, ok, e, errs);
		CHECK(FI.calls == calls0, "%s: %s failed statically but made "
		      "allocator/VM calls", m->name, ap_name[how]);
	} else {
		want = FI.fired > fired0 ? ENOMEM : 0;
		if (want == 0)
			CHECK(ok, "%s: %s of %zu failed with errno %d, no fault fired",
			      m->name, ap_name[how], n, e);
		else
			CHECK(!ok && e == want, "%s: %s of %zu: ok=%d errno %d after "
			      "an injected fault", m->name, ap_name[how], n, ok, e);
	}
	if (!ok) {
		check_basics(m);
		return true;
	}
	if (how == AP_UNINIT) {
		CHECK(idx == m->n, "%s: alloc_begin index %zu, expected %zu",
		      m->name, idx, m->n);
		CHECK(p == m->base + idx * m->stride, "%s: alloc_begin returned %p",
		      m->name, p);
		CHECK(fbump_fastarena_get(f, idx) == NULL,
		      "%s: get of a begun slot is not NULL", m->name);
		errno = 0;
		CHECK(fbump_fastarena_try_get(f, idx) == NULL && errno == EAGAIN,
		      "%s: try_get of a begun slot: errno %d", m->name, errno);
		memcpy(melem(m, m->n), expect, m->es);
		m->ready[m->n] = 0;
		m->n++;
		m->npend++;
	} else {
		CHECK(r == m->n, "%s: %s returned %zu, expected %zu", m->name,
		      ap_name[how], r, m->n);
		memcpy(melem(m, m->n), expect, n * m->es);
		memset(m->ready + m->n, 1, n);
		m->n += n;
		for (size_t i = m->n - n; i < m->n; i++)
			CHECK(memcmp(fbump_fastarena_get(f, i), melem(m, i), m->es) == 0,
			      "%s: %s: new element %zu has the wrong bytes", m->name,
			      ap_name[how], i);
	}
	advance_pub(m);
	check_basics(m);
	return true;
}

static bool append(struct model *m, int how, size_t n, const void *values,
		   const unsigned char *expect, bool null_index)
{
	return m->kind == KA ? arena_append(m, how, n, values, expect, null_index) :
			       fast_append(m, how, n, values, expect);
}

/* ---- F: publishing ------------------------------------------------------------- */

static void publish(struct model *m, size_t idx)
{
	fbump_fastarena *f = F_(m);
	bool valid = idx < m->n && !m->ready[idx];
	long calls0 = FI.calls;
	int rc, e;

	if (valid)	/* construct the element, then publish it */
		memcpy(m->base + idx * m->stride, melem(m, idx), m->es);
	errno = 0;
	rc = fbump_fastarena_alloc_publish(f, idx);
	e = errno;
	CHECK(FI.calls == calls0, "%s: publish allocated", m->name);
	if (!valid) {
		CHECK(rc == EINVAL && e == EINVAL, "%s: publish(%zu) of a slot not "
		      "begun (reserved %zu): %d errno %d", m->name, idx, m->n, rc, e);
		return;
	}
	CHECK(rc == 0, "%s: publish(%zu) failed: %d", m->name, idx, rc);
	m->ready[idx] = 1;
	m->npend--;
	advance_pub(m);
	CHECK(fbump_fastarena_get(f, idx) == m->base + idx * m->stride,
	      "%s: get after publish(%zu)", m->name, idx);
	check_basics(m);
}

static void publish_all(struct model *m)
{
	for (size_t i = 0; i < m->n && m->npend > 0; i++)
		if (!m->ready[i])
			publish(m, i);
}

/* the k-th (mod count) slot begun and not published */
static size_t pending_slot(struct model *m, size_t k)
{
	k %= m->npend;
	for (size_t i = m->pub; i < m->n; i++)
		if (!m->ready[i] && k-- == 0)
			return i;
	FAIL("%s: model lost a pending slot", m->name);
}

/* ---- operands ------------------------------------------------------------------ */

static size_t limit_elems(struct model *m)
{
	return m->kind == KA ? m->limit / m->stride : m->cap;
}

/* An element count: 0, small, medium, or at the interesting limits. */
static size_t decode_n(struct in *in, struct model *m)
{
	uint8_t c = rd8(in);
	size_t len = m->n, lim;

	switch (c % 12) {
	case 0: return 0;
	case 1: case 2: case 3: return 1 + (c >> 4);
	case 4: return rd16(in) % (MAX_EXTEND + 1);
	case 5:
		lim = limit_elems(m);
		return (lim > len ? lim - len : 0) + (size_t)(rd8(in) % 5) - 2;
	case 6: return SIZE_MAX - rd8(in) % 4;
	case 7: return SIZE_MAX - len + rd8(in) % 3;
	case 8: return SIZE_MAX / m->stride - len + rd8(in) % 3 - 1;
	case 9: return (size_t)PTRDIFF_MAX / m->stride - len + rd8(in) % 3 - 1;
	case 10: return PUB_EXCL - 1 + rd8(in) % 2;
	default: return rd8(in);
	}
}

/* ---- ops ------------------------------------------------------------------------ */

enum op {
	OP_ALLOC, OP_ALLOC_ALIAS, OP_UNINIT, OP_PUBLISH, OP_EXTEND,
	OP_EXTEND_ALIAS, OP_GET, OP_CHECKPOINT, OP_ROLLBACK, OP_RESET,
	OP_DRAIN, OP_RESERVE, OP_SHRINK, OP_INFO, OP_CREATE, OP_FAULT,
	OP_NOFAULT, OP_VERIFY, OP_REENT, OP_NULLS, OP_COUNT
};

static const char *const op_names[OP_COUNT] = {
	"alloc", "alloc_alias", "alloc_uninit/begin", "publish/argerrors",
	"alloc_extend", "alloc_extend_alias", "get", "checkpoint", "rollback",
	"reset", "drain", "reserve/stats", "shrink_to_fit/len", "info",
	"create", "fault", "nofault", "verify", "reentrancy", "null_checks"
};

/* codes 20..31: the common ops again */
static const uint8_t op_alias[12] = {
	OP_ALLOC, OP_ALLOC, OP_EXTEND, OP_GET, OP_CHECKPOINT, OP_ROLLBACK,
	OP_UNINIT, OP_PUBLISH, OP_ALLOC, OP_ROLLBACK, OP_GET, OP_EXTEND
};

static void op_alloc(struct model *m)
{
	gen(vbuf, m->giant ? 0 : m->es);
	append(m, AP_ALLOC, 1, vbuf, vbuf, false);
}

/* alloc with a value that is an element of the same arena */
static void op_alloc_alias(struct model *m, struct in *in)
{
	size_t live = m->kind == KA ? m->n : m->pub, i = rd16(in);
	const void *src;

	if (live == 0) {	/* value NULL */
		long calls0 = FI.calls;
		size_t r;

		errno = 0;
		r = m->kind == KA ? fbump_arena_alloc(A_(m), NULL) :
				    fbump_fastarena_alloc(F_(m), NULL);
		CHECK(r == FBUMP_NONE && errno == EINVAL,
		      "%s: alloc(NULL value): %zu errno %d", m->name, r, errno);
		CHECK(FI.calls == calls0, "%s: alloc(NULL) allocated", m->name);
		return;
	}
	i %= live;
	src = m->kind == KA ? fbump_arena_get(A_(m), i) :
			      fbump_fastarena_get(F_(m), i);
	memcpy(ebuf, melem(m, i), m->es);
	if (no_realloc_alias && m->storage == FBUMP_STORAGE_REALLOC) {
		memcpy(vbuf, src, m->es);
		src = vbuf;
	}
	append(m, AP_ALLOC, 1, src, ebuf, false);
}

static void op_uninit(struct model *m, int variant)
{
	if (m->kind == KF && variant == 3) {
		long calls0 = FI.calls;
		void *p;

		errno = 0;
		p = fbump_fastarena_alloc_begin(F_(m), NULL);
		CHECK(p == NULL && errno == EINVAL,
		      "%s: alloc_begin(NULL index): %p errno %d", m->name, p, errno);
		CHECK(FI.calls == calls0, "%s: alloc_begin(NULL) allocated", m->name);
		return;
	}
	gen(vbuf, m->giant ? 0 : m->es);
	append(m, AP_UNINIT, 1, NULL, vbuf, variant & 1);
}

/* F: publish a begun slot, or a wrong index.  A: argument errors. */
static void op_publish(struct model *m, struct in *in, int variant)
{
	if (m->kind == KF) {
		size_t idx;

		switch (variant) {
		case 0:
		case 1:
			if (m->npend > 0) {
				idx = pending_slot(m, rd8(in));
				break;
			}
			/* fall through */
		case 2:
			idx = rd16(in) % (m->n + 2);
			break;
		default:
			idx = SIZE_MAX - rd8(in) % 2;
			break;
		}
		publish(m, idx);
		return;
	}
	/* fbump_arena: NULL values and a NULL drain callback */
	{
		fbump_arena *a = A_(m);
		size_t r;
		int rc;

		errno = 0;
		r = fbump_arena_alloc_extend(a, NULL, 1 + rd8(in));
		CHECK(r == FBUMP_NONE && errno == EINVAL,
		      "%s: alloc_extend(NULL values): %zu errno %d", m->name, r, errno);
		r = fbump_arena_alloc_extend(a, NULL, 0);
		CHECK(r == m->n, "%s: alloc_extend(NULL, 0) returned %zu", m->name, r);
		errno = 0;
		rc = fbump_arena_drain(a, NULL, m);
		CHECK(rc == EINVAL && errno == EINVAL,
		      "%s: drain(NULL fn): %d errno %d", m->name, rc, errno);
		check_basics(m);
	}
}

static void op_extend(struct model *m, struct in *in, int variant)
{
	size_t n = decode_n(in, m);
	size_t k;

	if (variant == 3 && n != 0) {	/* values NULL */
		long calls0 = FI.calls;
		size_t r;

		errno = 0;
		r = m->kind == KA ? fbump_arena_alloc_extend(A_(m), NULL, n) :
				    fbump_fastarena_alloc_extend(F_(m), NULL, n);
		CHECK(r == FBUMP_NONE && errno == EINVAL,
		      "%s: alloc_extend(NULL, %zu): %zu errno %d", m->name, n, r, errno);
		CHECK(FI.calls == calls0, "%s: alloc_extend(NULL) allocated", m->name);
		return;
	}
	k = n <= MAX_EXTEND ? n : 0;
	for (size_t i = 0; i < k && !m->giant; i++)
		gen(vbuf + i * m->es, m->es);
	if (append(m, AP_EXTEND, n, vbuf, vbuf, false))
		return;
	/* too large to succeed here: a smaller one */
	n = 1 + n % 32;
	for (size_t i = 0; i < n && !m->giant; i++)
		gen(vbuf + i * m->es, m->es);
	append(m, AP_EXTEND, n, vbuf, vbuf, false);
}

/* alloc_extend from the arena's own elements (elem_size == stride only,
 * where the slots are laid out as the values array is) */
static void op_extend_alias(struct model *m, struct in *in)
{
	size_t live = m->kind == KA ? m->n : m->pub;
	size_t i = rd16(in), n = rd16(in);
	const void *src;

	if (live == 0 || m->es != m->stride) {
		op_extend(m, in, 0);
		return;
	}
	i %= live;
	n = 1 + n % (live - i);
	if (n > MAX_EXTEND)
		n = MAX_EXTEND;
	src = m->kind == KA ? fbump_arena_get(A_(m), i) :
			      fbump_fastarena_get(F_(m), i);
	memcpy(ebuf, melem(m, i), n * m->es);
	if (no_realloc_alias && m->storage == FBUMP_STORAGE_REALLOC) {
		memcpy(vbuf, src, n * m->es);
		src = vbuf;
	}
	append(m, AP_EXTEND, n, src, ebuf, false);
}

static size_t pick_index(struct in *in, size_t n)
{
	uint8_t c = rd8(in);

	switch (c & 3) {
	case 0:
	case 1:
		if (n > 0)
			return rd16(in) % n;
		/* fall through */
	case 2:
		return n + rd8(in) % 4;
	default:
		return SIZE_MAX - rd8(in) % 2;
	}
}

static void op_get(struct model *m, struct in *in)
{
	size_t i = pick_index(in, m->n);
	void *p, *q;
	int e;

	if (m->kind == KA) {
		fbump_arena *a = A_(m);

		errno = 0;
		q = fbump_arena_try_get(a, i);
		e = errno;
		if (i < m->n) {
			p = fbump_arena_get(a, i);
			CHECK(p == q && p == (unsigned char *)fbump_arena_data(a) + i * m->stride,
			      "%s: get(%zu) %p, try_get %p", m->name, i, p, q);
			CHECK(memcmp(p, melem(m, i), m->es) == 0,
			      "%s: element %zu differs", m->name, i);
		} else {
			CHECK(q == NULL && e == ERANGE, "%s: try_get(%zu) with len "
			      "%zu: %p errno %d", m->name, i, m->n, q, e);
		}
		return;
	}
	{
		fbump_fastarena *f = F_(m);

		errno = 0;
		q = fbump_fastarena_try_get(f, i);
		e = errno;
		p = fbump_fastarena_get(f, i);
		if (i < m->n && m->ready[i]) {
			CHECK(p == q && p == m->base + i * m->stride,
			      "%s: get(%zu) %p, try_get %p", m->name, i, p, q);
			CHECK(memcmp(p, melem(m, i), m->es) == 0,
			      "%s: element %zu differs", m->name, i);
		} else {
			int want = i < m->n ? EAGAIN : ERANGE;

			CHECK(p == NULL && q == NULL && e == want,
			      "%s: get/try_get(%zu) (reserved %zu): %p %p errno %d, "
			      "expected errno %d", m->name, i, m->n, p, q, e, want);
		}
	}
}

static void op_checkpoint(struct model *m, struct in *in)
{
	fbump_checkpoint cp = h_cp(m);
	size_t live = m->kind == KA ? m->n : m->pub;

	CHECK(cp.arena_id == m->id && cp.len == live,
	      "%s: checkpoint {%llu, %zu}, expected {%llu, %zu}", m->name,
	      (unsigned long long)cp.arena_id, cp.len,
	      (unsigned long long)m->id, live);
	{
		uint8_t s = rd8(in) % NCP;

		CPS[s].used = true;
		CPS[s].cp = cp;
	}
}

/* rollback with a stored checkpoint (perhaps stale, beyond the length, of
 * another or a destroyed arena), a forged one, or the other arena's */
static void op_rollback(struct model *m, struct in *in, int variant)
{
	uint8_t b = rd8(in);
	fbump_checkpoint cp;
	unsigned errs = 0;
	size_t cap0, old = m->n;
	long calls0;
	int rc, e;
	unsigned char *d;

	switch (variant) {
	case 0:
	case 3:
		if (CPS[b % NCP].used) {
			cp = CPS[b % NCP].cp;
			break;
		}
		/* fall through */
	case 1:
		cp.arena_id = m->id;
		switch (rd8(in) & 3) {
		case 0: cp.len = m->n ? rd16(in) % (m->n + 1) : 0; break;
		case 1: cp.len = m->kind == KA ? m->n : m->pub; break;
		case 2: cp.len = m->n + 1 + rd8(in); break;
		default: cp.len = SIZE_MAX; break;
		}
		break;
	default:
		switch (b & 3) {
		case 0: cp = h_cp(&M[1 - m->kind]); break;
		case 1: cp.arena_id = 0; cp.len = 0; break;
		case 2: cp.arena_id = m->id + 1 + (b >> 2); cp.len = 0; break;
		default: cp.arena_id = ~m->id; cp.len = 0; break;
		}
		break;
	}
	if (cp.arena_id != m->id)
		errs = B_INVAL | (m->npend ? B_BUSY : 0);
	else if (m->npend)
		errs = B_BUSY | (cp.len > m->pub ? B_INVAL : 0);
	else if (cp.len > m->n)
		errs = B_INVAL;
	cap0 = m->kind == KA ? fbump_arena_capacity(A_(m)) :
			       fbump_fastarena_capacity(F_(m));
	if (!errs)
		cb_expect(m, CB_ROLLBACK, m->n - 1, m->dtor ? m->n - cp.len : 0);
	calls0 = FI.calls;
	errno = 0;
	rc = m->kind == KA ? fbump_arena_rollback(A_(m), cp) :
			     fbump_fastarena_rollback(F_(m), cp);
	e = errno;
	CHECK(FI.calls == calls0, "%s: rollback allocated", m->name);
	if (errs) {
		CHECK(m->cb == CB_NONE, "%s: internal", m->name);
		CHECK(rc != 0 && rc == e && (errs & ebit(e)),
		      "%s: rollback to {%llu, %zu} (id %llu, len %zu, pending %zu): "
		      "%d errno %d, expected mask %#x", m->name,
		      (unsigned long long)cp.arena_id, cp.len,
		      (unsigned long long)m->id, m->n, m->npend, rc, e, errs);
		check_basics(m);
		return;
	}
	cb_done(m, "rollback");
	CHECK(rc == 0, "%s: rollback to {%llu, %zu} (len %zu) failed: %d",
	      m->name, (unsigned long long)cp.arena_id, cp.len, m->n, rc);
	m->n = m->pub = cp.len;
	d = h_data(m);
	check_dead(m, d, cp.len * m->stride, old * m->stride, "rollback");
	CHECK((m->kind == KA ? fbump_arena_capacity(A_(m)) :
	       fbump_fastarena_capacity(F_(m))) == cap0,
	      "%s: rollback changed the capacity", m->name);
	check_basics(m);
}

static void op_reset(struct model *m)
{
	size_t cap0, old = m->n;
	long calls0 = FI.calls;
	int rc, e;

	cap0 = m->kind == KA ? fbump_arena_capacity(A_(m)) :
			       fbump_fastarena_capacity(F_(m));
	if (!m->npend)
		cb_expect(m, CB_ROLLBACK, m->n - 1, m->dtor ? m->n : 0);
	errno = 0;
	rc = m->kind == KA ? fbump_arena_reset(A_(m)) : fbump_fastarena_reset(F_(m));
	e = errno;
	CHECK(FI.calls == calls0, "%s: reset allocated", m->name);
	if (m->npend) {
		CHECK(rc == EBUSY && e == EBUSY, "%s: reset with %zu unpublished "
		      "slots: %d errno %d", m->name, m->npend, rc, e);
		check_basics(m);
		return;
	}
	cb_done(m, "reset");
	CHECK(rc == 0, "%s: reset failed: %d", m->name, rc);
	m->n = m->pub = 0;
	check_dead(m, h_data(m), 0, old * m->stride, "reset");
	CHECK((m->kind == KA ? fbump_arena_capacity(A_(m)) :
	       fbump_fastarena_capacity(F_(m))) == cap0,
	      "%s: reset changed the capacity", m->name);
	check_basics(m);
}

static void op_drain(struct model *m, int variant)
{
	size_t cap0, old = m->n;
	long calls0 = FI.calls;
	int rc, e;
	bool null_fn = variant == 3;

	cap0 = m->kind == KA ? fbump_arena_capacity(A_(m)) :
			       fbump_fastarena_capacity(F_(m));
	if (!null_fn && !m->npend)
		cb_expect(m, CB_DRAIN, 0, m->n);
	errno = 0;
	rc = m->kind == KA ? fbump_arena_drain(A_(m), null_fn ? NULL : drain_cb, m) :
			     fbump_fastarena_drain(F_(m), null_fn ? NULL : drain_cb, m);
	e = errno;
	CHECK(FI.calls == calls0, "%s: drain allocated", m->name);
	if (null_fn || m->npend) {
		int want = null_fn ? EINVAL : EBUSY;

		CHECK(rc == want && e == want, "%s: drain (fn %s, pending %zu): "
		      "%d errno %d", m->name, null_fn ? "NULL" : "set", m->npend,
		      rc, e);
		check_basics(m);
		return;
	}
	cb_done(m, "drain");
	CHECK(rc == 0, "%s: drain failed: %d", m->name, rc);
	m->n = m->pub = 0;
	check_dead(m, h_data(m), 0, old * m->stride, "drain");
	CHECK((m->kind == KA ? fbump_arena_capacity(A_(m)) :
	       fbump_fastarena_capacity(F_(m))) == cap0,
	      "%s: drain changed the capacity", m->name);
	check_basics(m);
}

static void op_stats(struct model *m)
{
	struct fbump_fastarena_stats st;
	fbump_fastarena *f = F_(m);
	int rc;

	memset(&st, 0xa5, sizeof(st));
	rc = fbump_fastarena_stats(f, &st);
	CHECK(rc == 0, "%s: stats failed: %d", m->name, rc);
	CHECK(st.elements == m->pub && st.reserved_slots == m->n &&
	      st.capacity == m->cap,
	      "%s: stats {%zu, %zu, %zu}, expected {%zu, %zu, %zu}", m->name,
	      st.elements, st.reserved_slots, st.capacity, m->pub, m->n, m->cap);
	CHECK(st.bytes_committed >= m->n * m->stride + m->n &&
	      st.bytes_committed <= st.bytes_reserved &&
	      st.bytes_reserved >= m->cap * m->stride + m->cap,
	      "%s: stats bytes: committed %zu reserved %zu (slots %zu, stride "
	      "%zu, capacity %zu)", m->name, st.bytes_committed,
	      st.bytes_reserved, m->n, m->stride, m->cap);
	if (m->storage == FBUMP_STORAGE_FIXED)
		CHECK(st.bytes_committed == st.bytes_reserved &&
		      st.bytes_reserved == m->cap * m->stride + m->cap,
		      "%s: FIXED stats bytes: committed %zu reserved %zu", m->name,
		      st.bytes_committed, st.bytes_reserved);
	errno = 0;
	rc = fbump_fastarena_stats(f, NULL);
	CHECK(rc == EINVAL && errno == EINVAL, "%s: stats(NULL): %d", m->name, rc);
}

static void op_reserve(struct model *m, struct in *in)
{
	size_t n;

	if (m->kind == KF) {
		op_stats(m);
		return;
	}
	n = decode_n(in, m);
	if (!arena_append(m, AP_RESERVE, n, NULL, NULL, false))
		arena_append(m, AP_RESERVE, n % 4096, NULL, NULL, false);
}

static void op_shrink(struct model *m)
{
	fbump_arena *a;
	size_t cap0, cap1, keep;
	long fired0 = FI.fired;
	int rc;

	if (m->kind == KF) {
		CHECK(fbump_fastarena_len(F_(m)) == m->pub, "%s: len", m->name);
		verify(m);
		return;
	}
	a = A_(m);
	cap0 = fbump_arena_capacity(a);
	op_begin();
	errno = 0;
	rc = fbump_arena_shrink_to_fit(a);
	CHECK(rc == 0, "%s: shrink_to_fit failed: %d errno %d", m->name, rc, errno);
	CHECK(FI.vm_n == 0, "%s: shrink_to_fit made VM calls", m->name);
	cap1 = fbump_arena_capacity(a);
	CHECK(cap1 >= m->n && cap1 <= cap0, "%s: shrink_to_fit: capacity %zu "
	      "-> %zu with len %zu", m->name, cap0, cap1, m->n);
	switch (m->storage) {
	case FBUMP_STORAGE_FIXED:
		CHECK(cap1 == cap0, "%s: FIXED shrink changed the capacity", m->name);
		break;
	case FBUMP_STORAGE_REALLOC:
		/* a failed realloc keeps the block */
		CHECK(cap1 == m->n || (FI.fired > fired0 && cap1 == cap0),
		      "%s: REALLOC shrink: capacity %zu -> %zu, len %zu", m->name,
		      cap0, cap1, m->n);
		break;
	default:
		keep = round_up(m->n * m->stride, page) / m->stride;
		CHECK(cap1 == cap0 || cap1 == keep, "%s: VM shrink: capacity %zu "
		      "-> %zu, len %zu (whole pages: %zu)", m->name, cap0, cap1,
		      m->n, keep);
		break;
	}
	verify(m);
}

static void op_info(struct model *m)
{
	if (m->kind == KA) {
		fbump_arena *a = A_(m);
		fbump_checkpoint cp = fbump_arena_checkpoint(a);

		CHECK(cp.arena_id == m->id && cp.len == m->n, "%s: checkpoint",
		      m->name);
		CHECK(fbump_arena_capacity(a) >= m->n, "%s: capacity", m->name);
		check_basics(m);
		check_live(m, "info");
	} else {
		op_stats(m);
		check_basics(m);
	}
}

static void op_create(struct model *m, struct in *in)
{
	struct cdesc d;

	decode_cfg(in, &d);
	destroy_arena(m);
	do_create(m, &d, false);
}

static void op_fault(struct in *in)
{
	uint8_t b = rd8(in);
	long k = rd8(in) % 24;

	if (b & 1) {
		FI.alloc_k = k;
		FI.alloc_sticky = (b & 4) != 0;
	}
	if (b & 2) {
		FI.vm_k = (b & 8) ? k : rd8(in) % 24;
		FI.vm_sticky = (b & 16) != 0;
	}
	if (!(b & 3))
		FI.alloc_k = FI.vm_k = -1;
}

/* NULL arenas: EINVAL everywhere, destroy(NULL) is 0 */
static void null_checks(void)
{
	fbump_checkpoint cp = { 1, 0 };
	struct fbump_fastarena_stats st;
	size_t i;
	int rc;

#define NULL_IDX(call, what) \
	do { errno = 0; i = (call); \
	     CHECK(i == FBUMP_NONE && errno == EINVAL, "%s(NULL): %zu errno %d", \
		   what, i, errno); } while (0)
#define NULL_PTR(call, what) \
	do { void *p_; errno = 0; p_ = (call); \
	     CHECK(p_ == NULL && errno == EINVAL, "%s(NULL): %p errno %d", \
		   what, p_, errno); } while (0)
#define NULL_RC(call, what) \
	do { errno = 0; rc = (call); \
	     CHECK(rc == EINVAL && errno == EINVAL, "%s(NULL): %d errno %d", \
		   what, rc, errno); } while (0)
#define NULL_ZERO(call, what) \
	do { errno = 0; i = (call); \
	     CHECK(i == 0 && errno == EINVAL, "%s(NULL): %zu errno %d", \
		   what, i, errno); } while (0)

	NULL_IDX(fbump_arena_alloc(NULL, probe_buf), "fbump_arena_alloc");
	NULL_PTR(fbump_arena_alloc_uninit(NULL, &i), "fbump_arena_alloc_uninit");
	NULL_IDX(fbump_arena_alloc_extend(NULL, probe_buf, 1), "fbump_arena_alloc_extend");
	NULL_IDX(fbump_arena_alloc_extend(NULL, NULL, 0), "fbump_arena_alloc_extend");
	NULL_PTR(fbump_arena_try_get(NULL, 0), "fbump_arena_try_get");
	NULL_ZERO(fbump_arena_capacity(NULL), "fbump_arena_capacity");
	NULL_RC(fbump_arena_reserve(NULL, 1), "fbump_arena_reserve");
	NULL_RC(fbump_arena_shrink_to_fit(NULL), "fbump_arena_shrink_to_fit");
	NULL_RC(fbump_arena_rollback(NULL, cp), "fbump_arena_rollback");
	NULL_RC(fbump_arena_reset(NULL), "fbump_arena_reset");
	NULL_RC(fbump_arena_drain(NULL, drain_cb, NULL), "fbump_arena_drain");
	errno = 0;
	cp = fbump_arena_checkpoint(NULL);
	CHECK(cp.arena_id == 0 && cp.len == 0 && errno == EINVAL,
	      "fbump_arena_checkpoint(NULL)");
	CHECK(fbump_arena_destroy(NULL) == 0, "fbump_arena_destroy(NULL)");
	NULL_PTR(fbump_arena_create(NULL), "fbump_arena_create");

	NULL_IDX(fbump_fastarena_alloc(NULL, probe_buf), "fbump_fastarena_alloc");
	NULL_PTR(fbump_fastarena_alloc_begin(NULL, &i), "fbump_fastarena_alloc_begin");
	NULL_RC(fbump_fastarena_alloc_publish(NULL, 0), "fbump_fastarena_alloc_publish");
	NULL_IDX(fbump_fastarena_alloc_extend(NULL, probe_buf, 1), "fbump_fastarena_alloc_extend");
	NULL_PTR(fbump_fastarena_try_get(NULL, 0), "fbump_fastarena_try_get");
	NULL_ZERO(fbump_fastarena_len(NULL), "fbump_fastarena_len");
	NULL_ZERO(fbump_fastarena_capacity(NULL), "fbump_fastarena_capacity");
	NULL_RC(fbump_fastarena_stats(NULL, &st), "fbump_fastarena_stats");
	cp.arena_id = 1;
	NULL_RC(fbump_fastarena_rollback(NULL, cp), "fbump_fastarena_rollback");
	NULL_RC(fbump_fastarena_reset(NULL), "fbump_fastarena_reset");
	NULL_RC(fbump_fastarena_drain(NULL, drain_cb, NULL), "fbump_fastarena_drain");
	errno = 0;
	cp = fbump_fastarena_checkpoint(NULL);
	CHECK(cp.arena_id == 0 && cp.len == 0 && errno == EINVAL,
	      "fbump_fastarena_checkpoint(NULL)");
	CHECK(fbump_fastarena_destroy(NULL) == 0, "fbump_fastarena_destroy(NULL)");
	NULL_PTR(fbump_fastarena_create(NULL), "fbump_fastarena_create");
	CHECK(fbump_version() == FASTBUMP_VERSION_HEX, "fbump_version %#x",
	      fbump_version());
#undef NULL_IDX
#undef NULL_PTR
#undef NULL_RC
#undef NULL_ZERO
}

/* ---- the entry point ------------------------------------------------------------ */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = { data, size, 0 };
	struct cdesc d;

	if (page == 0) {
		long v = sysconf(_SC_PAGESIZE);

		page = v > 0 ? (size_t)v : 4096;
		read_options();
		M[KA].kind = KA;
		M[KA].name = "arena";
		M[KF].kind = KF;
		M[KF].name = "fastarena";
		for (size_t i = 0; i < sizeof(probe_buf); i++)
			probe_buf[i] = (unsigned char)i;
	}
	memset(&FI, 0, sizeof(FI));
	FI.alloc_k = FI.vm_k = -1;
	memset(CPS, 0, sizeof(CPS));
	nids = 0;
	ctr = 0;
	op_no = 0;
	op_name = "setup";
	CHECK(nblk == 0, "blocks left from the previous input");
	fbump_vmcache_flush(); /* each input starts from a fresh process's state */
	fbump_vm_fault_hook = vm_hook;
	for (int k = 0; k < 2; k++) {
		M[k].h = NULL;
		M[k].reent = 0;
		M[k].cb = CB_NONE;
		decode_cfg(&in, &d);
		do_create(&M[k], &d, false);
	}

	while (in.pos < in.n && op_no < MAX_OPS) {
		uint8_t b = rd8(&in);
		unsigned code = b & 31;
		struct model *m = &M[(b >> 5) & 1];
		int variant = b >> 6;

		if (code >= OP_COUNT)
			code = op_alias[code - OP_COUNT];
		op_no++;
		op_name = op_names[code];
		switch (code) {
		case OP_ALLOC: op_alloc(m); break;
		case OP_ALLOC_ALIAS: op_alloc_alias(m, &in); break;
		case OP_UNINIT: op_uninit(m, variant); break;
		case OP_PUBLISH: op_publish(m, &in, variant); break;
		case OP_EXTEND: op_extend(m, &in, variant); break;
		case OP_EXTEND_ALIAS: op_extend_alias(m, &in); break;
		case OP_GET: op_get(m, &in); break;
		case OP_CHECKPOINT: op_checkpoint(m, &in); break;
		case OP_ROLLBACK: op_rollback(m, &in, variant); break;
		case OP_RESET: op_reset(m); break;
		case OP_DRAIN: op_drain(m, variant); break;
		case OP_RESERVE: op_reserve(m, &in); break;
		case OP_SHRINK: op_shrink(m); break;
		case OP_INFO: op_info(m); break;
		case OP_CREATE: op_create(m, &in); break;
		case OP_FAULT: op_fault(&in); break;
		case OP_NOFAULT: FI.alloc_k = FI.vm_k = -1; break;
		case OP_VERIFY: verify(&M[KA]); verify(&M[KF]); break;
		case OP_REENT: m->reent = rd8(&in); break;
		default: null_checks(); break;
		}
	}

	op_name = "teardown";
	FI.alloc_k = FI.vm_k = -1;
	for (int k = 0; k < 2; k++) {
		verify(&M[k]);
		destroy_arena(&M[k]);
	}
	CHECK(nblk == 0, "%zu blocks of the tracking allocator leaked", nblk);
	fbump_vm_fault_hook = NULL;
	return 0;
}
