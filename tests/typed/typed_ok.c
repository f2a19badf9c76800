/* SPDX-License-Identifier: Apache-2.0 */
/*
 * typed_ok.c - every function that FBUMP_ARENA_TYPED and
 * FBUMP_FASTARENA_TYPED generate, and FBUMP_TYPED_FOREACH, with their
 * results checked.  Exits 0 on success, 1 (after naming the failed check)
 * otherwise.  Links against the installed-API library; reads
 * lib/poison.h only to know whether that library poisons free slots.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fastbump.h>

#include "poison.h"	/* FBUMP_POISONING: the library's build, as ours */

struct point {
	int x, y;
};

/* 3 bytes, alignment 1: the stride is exactly sizeof, no padding */
struct rgb {
	unsigned char r, g, b;
};

FBUMP_ARENA_TYPED(point_arena, struct point);
FBUMP_ARENA_TYPED(rgb_arena, struct rgb);
FBUMP_FASTARENA_TYPED(point_log, struct point);

/* larger than the 64 bytes that the typed append copies before a call */
struct block {
	int v[40];
};
FBUMP_ARENA_TYPED(block_arena, struct block);
FBUMP_FASTARENA_TYPED(block_log, struct block);

/* self-referential elements: the index type comes first */
FBUMP_TYPED_IDX(tree);
struct tree_node {
	int key;
	tree_idx left, right;
};
FBUMP_ARENA_TYPED_GENERATE(tree, struct tree_node);

FBUMP_TYPED_IDX(chain);
struct link {
	chain_idx prev;
	int value;
};
FBUMP_FASTARENA_TYPED_GENERATE(chain, struct link);

#if defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
/* an over-aligned element type: the typed layer takes its alignment */
struct line {
	_Alignas(64) int id;
};
FBUMP_ARENA_TYPED(line_arena, struct line);
#endif

static int failures;

#define CHECK(cond) \
	do { \
		if (!(cond)) { \
			fprintf(stderr, "%s:%d: check failed: %s\n", \
				__FILE__, __LINE__, #cond); \
			failures++; \
		} \
	} while (0)

/* destructor log: the x of each destroyed point, in order */
struct dlog {
	int x[64];
	size_t n;
};

static void point_dtor(struct point *p, void *ctx)
{
	struct dlog *log = ctx;

	if (log->n < 64)
		log->x[log->n] = p->x;
	log->n++;
}

/* a raw destructor in a config: the typed layer must ignore it */
static int raw_dtor_calls;
static void raw_dtor(void *elem, void *ctx)
{
	(void)elem;
	(void)ctx;
	raw_dtor_calls++;
}

/* drain callbacks: check that the index matches the element */
struct drained {
	size_t n;
	int ok;
};

static void point_arena_take(struct point *p, point_arena_idx idx, void *ctx)
{
	struct drained *d = ctx;

	if (p->x != (int)idx.i || idx.i != d->n)
		d->ok = 0;
	d->n++;
}

static void point_log_take(struct point *p, point_log_idx idx, void *ctx)
{
	struct drained *d = ctx;

	if (p->x != (int)idx.i || idx.i != d->n)
		d->ok = 0;
	d->n++;
}

static struct point pt(int x, int y)
{
	struct point p;

	p.x = x;
	p.y = y;
	return p;
}

static void test_arena(void)
{
	struct dlog log = { { 0 }, 0 };
	const point_arena_dtor dtor = { point_dtor, &log };
	point_arena a, other;
	point_arena_idx i0, i1, iu, ie, none = point_arena_idx_none();
	struct point batch[3], p = pt(0, 0), *q;
	fbump_checkpoint cp;
	size_t n;
	int count;

	CHECK(!point_arena_idx_valid(none));
	CHECK(point_arena_idx_valid(point_arena_idx_make(0)));
	CHECK(point_arena_idx_make(7).i == 7);

	CHECK(point_arena_create(&a, &dtor) == 0);
	CHECK(point_arena_raw(&a) != NULL);
	CHECK(point_arena_is_empty(&a));
	CHECK(point_arena_len(&a) == 0);
	CHECK(point_arena_data(&a) == NULL);	/* VM: nothing stored yet */
	count = 0;
	FBUMP_TYPED_FOREACH(point_arena, v, &a)	/* empty: no iteration */
		count++;
	CHECK(count == 0);
	CHECK(fbump_arena_stride(point_arena_raw(&a)) == sizeof(struct point));

	p = pt(0, 100);
	i0 = point_arena_alloc(&a, &p);
	CHECK(point_arena_idx_valid(i0) && i0.i == 0);
	p = pt(1, 101);
	i1 = point_arena_alloc(&a, &p);
	CHECK(i1.i == 1);
	CHECK(point_arena_get(&a, i1)->y == 101);

	q = point_arena_alloc_uninit(&a, &iu);
	CHECK(q != NULL && iu.i == 2);
	if (q != NULL)
		*q = pt(2, 102);
	CHECK(point_arena_alloc_uninit(&a, NULL) != NULL);	/* idx optional */
	point_arena_get(&a, point_arena_idx_make(3))->x = 3;
	point_arena_get(&a, point_arena_idx_make(3))->y = 103;

	batch[0] = pt(4, 104);
	batch[1] = pt(5, 105);
	batch[2] = pt(6, 106);
	ie = point_arena_alloc_extend(&a, batch, 3);
	CHECK(ie.i == 4);
	CHECK(point_arena_alloc_extend(&a, batch, 0).i == 7);	/* n == 0 */
	CHECK(point_arena_len(&a) == 7 && !point_arena_is_empty(&a));
	CHECK(point_arena_data(&a)[5].y == 105);	/* a plain array */
	CHECK(point_arena_try_get(&a, ie)->x == 4);
	errno = 0;
	CHECK(point_arena_try_get(&a, point_arena_idx_make(7)) == NULL);
	CHECK(errno == ERANGE);

	n = 0;
	FBUMP_TYPED_FOREACH(point_arena, v, &a) {
		CHECK(v->x == (int)n && v->y == 100 + (int)n);
		n++;
	}
	CHECK(n == 7);
	n = 0;
	FBUMP_TYPED_FOREACH(point_arena, v, &a) {	/* break leaves the loop */
		if (v->x == 2)
			break;
		n++;
	}
	CHECK(n == 2);
	n = 0;
	FBUMP_TYPED_FOREACH(point_arena, v, &a) {	/* continue goes on */
		if (v->x % 2)
			continue;
		n++;
	}
	CHECK(n == 4);

	CHECK(point_arena_capacity(&a) >= 7);
	CHECK(point_arena_reserve(&a, 1000) == 0);
	CHECK(point_arena_capacity(&a) >= 1007);
	CHECK(point_arena_shrink_to_fit(&a) == 0);
	CHECK(point_arena_len(&a) == 7 && point_arena_get(&a, i1)->x == 1);

	/* rollback: last first, through the typed destructor */
	cp = point_arena_checkpoint(&a);
	CHECK(cp.len == 7);
	p = pt(7, 107);
	point_arena_alloc(&a, &p);
	p = pt(8, 108);
	point_arena_alloc(&a, &p);
	CHECK(point_arena_rollback(&a, cp) == 0);
	CHECK(point_arena_len(&a) == 7);
	CHECK(log.n == 2 && log.x[0] == 8 && log.x[1] == 7);

	/* a checkpoint of another arena is refused */
	CHECK(point_arena_create(&other, NULL) == 0);
	CHECK(point_arena_rollback(&other, cp) == EINVAL);

	/* FOREACH re-reads the length: elements added in the loop are seen */
	n = 0;
	FBUMP_TYPED_FOREACH(point_arena, v, &other) {
		if (v->x < 3) {
			p = pt(v->x + 1, 0);
			point_arena_alloc(&other, &p);
		}
		n++;
	}
	CHECK(n == 0);	/* other is still empty: the loop did not start */
	p = pt(0, 0);
	point_arena_alloc(&other, &p);
	n = 0;
	FBUMP_TYPED_FOREACH(point_arena, v, &other) {
		if (v->x < 3) {
			p = pt(v->x + 1, 0);
			point_arena_alloc(&other, &p);
		}
		n++;
	}
	CHECK(n == 4 && point_arena_len(&other) == 4);
	CHECK(point_arena_reset(&other) == 0);
	CHECK(point_arena_is_empty(&other));
	CHECK(point_arena_destroy(&other) == 0);
	CHECK(point_arena_raw(&other) == NULL);
	CHECK(point_arena_destroy(&other) == 0);	/* twice: harmless */

	/* drain: the typed callback takes elements 0..6, no destructor */
	{
		struct drained d = { 0, 1 };

		CHECK(point_arena_drain(&a, NULL, NULL) == EINVAL);
		CHECK(point_arena_drain(&a, point_arena_take, &d) == 0);
		CHECK(d.ok && d.n == 7);
		CHECK(log.n == 2);
		CHECK(point_arena_len(&a) == 0);
	}

	/* reset runs the destructor, last first; destroy, first first */
	p = pt(20, 0);
	point_arena_alloc(&a, &p);
	p = pt(21, 0);
	point_arena_alloc(&a, &p);
	CHECK(point_arena_reset(&a) == 0);
	CHECK(log.n == 4 && log.x[2] == 21 && log.x[3] == 20);
	p = pt(30, 0);
	point_arena_alloc(&a, &p);
	p = pt(31, 0);
	point_arena_alloc(&a, &p);
	CHECK(point_arena_destroy(&a) == 0);
	CHECK(log.n == 6 && log.x[4] == 30 && log.x[5] == 31);
}

static void test_arena_config(void)
{
	struct fbump_config cfg = FBUMP_CONFIG_INIT_SIZED(1, 1);
	point_arena a;
	rgb_arena c;
	struct point p = pt(1, 2);
	struct rgb colours[4] = { { 1, 2, 3 }, { 4, 5, 6 }, { 7, 8, 9 },
				  { 10, 11, 12 } };
	size_t k;

	/* FIXED storage: size and alignment from the type, not from cfg;
	 * the raw destructor of cfg is replaced (here: by none) */
	cfg.storage = FBUMP_STORAGE_FIXED;
	cfg.capacity = 2;
	cfg.destructor = raw_dtor;
	CHECK(point_arena_create_config(&a, &cfg, NULL) == 0);
	CHECK(fbump_arena_stride(point_arena_raw(&a)) == sizeof(struct point));
	CHECK(point_arena_capacity(&a) == 2);
	CHECK(point_arena_alloc(&a, &p).i == 0);
	CHECK(point_arena_alloc(&a, &p).i == 1);
	errno = 0;
	CHECK(!point_arena_idx_valid(point_arena_alloc(&a, &p)));
	CHECK(errno == ENOSPC);
	CHECK(point_arena_alloc_uninit(&a, NULL) == NULL);
	CHECK(point_arena_destroy(&a) == 0);
	CHECK(raw_dtor_calls == 0);

	/* a bad configuration fails with -1 and errno */
	cfg = (struct fbump_config)FBUMP_CONFIG_INIT(struct point);
	cfg.flags = 1;
	errno = 0;
	CHECK(point_arena_create_config(&a, &cfg, NULL) == -1);
	CHECK(errno == EINVAL && point_arena_raw(&a) == NULL);
	CHECK(point_arena_destroy(&a) == 0);	/* invalid handle: no-op */

	/* REALLOC storage, odd-sized elements: data() is an array of rgb */
	cfg.flags = 0;
	cfg.storage = FBUMP_STORAGE_REALLOC;
	cfg.capacity = 1;
	CHECK(rgb_arena_create_config(&c, &cfg, NULL) == 0);
	CHECK(fbump_arena_stride(rgb_arena_raw(&c)) == 3);
	for (k = 0; k < 100; k++)
		rgb_arena_alloc_extend(&c, colours, 4);
	CHECK(rgb_arena_len(&c) == 400);
	CHECK(rgb_arena_data(&c)[397].g == 5 && rgb_arena_data(&c)[399].b == 12);
	k = 0;
	FBUMP_TYPED_FOREACH(rgb_arena, v, &c)
		k += v->r;
	CHECK(k == 100 * (1 + 4 + 7 + 10));
	CHECK(rgb_arena_destroy(&c) == 0);

#if defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
	{
		line_arena l;
		struct line ln;

		ln.id = 5;
		CHECK(line_arena_create(&l, NULL) == 0);
		line_arena_alloc(&l, &ln);
		line_arena_alloc(&l, &ln);
		CHECK(fbump_arena_stride(line_arena_raw(&l)) == 64);
		CHECK(((size_t)line_arena_get(&l, line_arena_idx_make(1)) &
		       63) == 0);
		CHECK(line_arena_destroy(&l) == 0);
	}
#endif
}

static void test_fastarena(void)
{
	struct dlog log = { { 0 }, 0 };
	const point_log_dtor dtor = { point_dtor, &log };
	struct fbump_config cfg = FBUMP_CONFIG_INIT(struct point);
	struct fbump_fastarena_stats st;
	point_log f, g;
	point_log_idx i, ib;
	struct point p, batch[2], *q;
	fbump_checkpoint cp;
	size_t n;

	CHECK(point_log_create(&f, &dtor) == 0);
	CHECK(point_log_raw(&f) != NULL);
	CHECK(point_log_is_empty(&f) && point_log_len(&f) == 0);
	CHECK(point_log_data(&f) != NULL);	/* never NULL */
	CHECK(!point_log_idx_valid(point_log_idx_none()));

	p = pt(0, 100);
	i = point_log_alloc(&f, &p);
	CHECK(point_log_idx_valid(i) && i.i == 0);
	CHECK(point_log_get(&f, i) != NULL && point_log_get(&f, i)->y == 100);

	/* in place: invisible until published */
	q = point_log_alloc_begin(&f, &ib);
	CHECK(q != NULL && ib.i == 1);
	CHECK(point_log_get(&f, ib) == NULL);
	errno = 0;
	CHECK(point_log_try_get(&f, ib) == NULL && errno == EAGAIN);
	CHECK(point_log_len(&f) == 1);
	if (q != NULL)
		*q = pt(1, 101);
	CHECK(point_log_alloc_publish(&f, ib) == 0);
	CHECK(point_log_alloc_publish(&f, ib) == EINVAL);	/* twice */
	CHECK(point_log_try_get(&f, ib)->y == 101);
	errno = 0;
	CHECK(point_log_alloc_begin(&f, NULL) == NULL && errno == EINVAL);

	batch[0] = pt(2, 102);
	batch[1] = pt(3, 103);
	CHECK(point_log_alloc_extend(&f, batch, 2).i == 2);
	CHECK(point_log_alloc_extend(&f, batch, 0).i == 4);
	CHECK(point_log_len(&f) == 4 && !point_log_is_empty(&f));
	CHECK(point_log_data(&f)[3].y == 103);
	errno = 0;
	CHECK(point_log_try_get(&f, point_log_idx_make(4)) == NULL);
	CHECK(errno == ERANGE);
	CHECK(point_log_get(&f, point_log_idx_make(99)) == NULL);

	n = 0;
	FBUMP_TYPED_FOREACH(point_log, v, &f) {
		CHECK(v->x == (int)n);
		n++;
	}
	CHECK(n == 4);
	n = 0;
	FBUMP_TYPED_FOREACH(point_log, v, &f) {
		/* the length was read once: this element is not visited */
		if (v->x == 0) {
			p = pt(4, 104);
			CHECK(point_log_alloc(&f, &p).i == 4);
		}
		n++;
	}
	CHECK(n == 4 && point_log_len(&f) == 5);

	CHECK(point_log_stats(&f, &st) == 0);
	CHECK(st.elements == 5 && st.reserved_slots == 5);
	CHECK(point_log_capacity(&f) == st.capacity && st.capacity >= 5);

	cp = point_log_checkpoint(&f);
	CHECK(cp.len == 5);
	p = pt(5, 105);
	point_log_alloc(&f, &p);
	p = pt(6, 106);
	point_log_alloc(&f, &p);
	CHECK(point_log_rollback(&f, cp) == 0);
	CHECK(point_log_len(&f) == 5);
	CHECK(log.n == 2 && log.x[0] == 6 && log.x[1] == 5);

	/* FIXED via config; checkpoint of another arena refused */
	cfg.storage = FBUMP_STORAGE_FIXED;
	cfg.capacity = 1;
	CHECK(point_log_create_config(&g, &cfg, NULL) == 0);
	CHECK(point_log_capacity(&g) == 1);
	CHECK(point_log_rollback(&g, cp) == EINVAL);
	CHECK(point_log_alloc(&g, &p).i == 0);
	errno = 0;
	CHECK(!point_log_idx_valid(point_log_alloc(&g, &p)) && errno == ENOSPC);
	CHECK(point_log_reset(&g) == 0 && point_log_is_empty(&g));
	CHECK(point_log_destroy(&g) == 0 && point_log_raw(&g) == NULL);
	CHECK(point_log_destroy(&g) == 0);

	/* REALLOC is not for fastarenas */
	cfg.storage = FBUMP_STORAGE_REALLOC;
	errno = 0;
	CHECK(point_log_create_config(&g, &cfg, NULL) == -1 && errno == EINVAL);

	{
		struct drained d = { 0, 1 };

		CHECK(point_log_drain(&f, NULL, NULL) == EINVAL);
		CHECK(point_log_drain(&f, point_log_take, &d) == 0);
		CHECK(d.ok && d.n == 5 && log.n == 2);
		CHECK(point_log_len(&f) == 0);
	}
	p = pt(40, 0);
	point_log_alloc(&f, &p);
	p = pt(41, 0);
	point_log_alloc(&f, &p);
	CHECK(point_log_reset(&f) == 0);
	CHECK(log.n == 4 && log.x[2] == 41 && log.x[3] == 40);
	p = pt(50, 0);
	point_log_alloc(&f, &p);
	p = pt(51, 0);
	point_log_alloc(&f, &p);
	CHECK(point_log_destroy(&f) == 0);
	CHECK(log.n == 6 && log.x[4] == 50 && log.x[5] == 51);
}

/* binary search tree insert: returns the (possibly new) root */
static tree_idx tree_insert(tree *t, tree_idx root, int key)
{
	struct tree_node n;
	tree_idx *slot = &root;

	n.key = key;
	n.left = n.right = tree_idx_none();
	while (tree_idx_valid(*slot)) {
		struct tree_node *cur = tree_get(t, *slot);

		slot = key < cur->key ? &cur->left : &cur->right;
	}
	*slot = tree_alloc(t, &n);	/* VM storage: cur never moves */
	return root;
}

static void tree_walk(const tree *t, tree_idx i, int *out, size_t *n)
{
	if (!tree_idx_valid(i))
		return;
	tree_walk(t, tree_get(t, i)->left, out, n);
	out[(*n)++] = tree_get(t, i)->key;
	tree_walk(t, tree_get(t, i)->right, out, n);
}

static void test_self_referential(void)
{
	static const int keys[] = { 50, 20, 80, 10, 30, 70, 90, 60 };
	int sorted[8];
	size_t k, n = 0;
	tree t;
	tree_idx root = tree_idx_none();
	chain c;
	chain_idx last = chain_idx_none();
	struct link l;
	int sum = 0;

	CHECK(tree_create(&t, NULL) == 0);
	for (k = 0; k < 8; k++)
		root = tree_insert(&t, root, keys[k]);
	tree_walk(&t, root, sorted, &n);
	CHECK(n == 8 && tree_len(&t) == 8);
	for (k = 1; k < n; k++)
		CHECK(sorted[k - 1] < sorted[k]);
	CHECK(tree_destroy(&t) == 0);

	CHECK(chain_create(&c, NULL) == 0);
	for (k = 1; k <= 10; k++) {
		l.prev = last;
		l.value = (int)k;
		last = chain_alloc(&c, &l);
	}
	while (chain_idx_valid(last)) {
		sum += chain_get(&c, last)->value;
		last = chain_get(&c, last)->prev;
	}
	CHECK(sum == 55);
	CHECK(chain_destroy(&c) == 0);
}

/* The inline append of the typed layer (fbump_arena_append_inline_) and
 * its bound, head.inline_end: every element lands, the bound never passes
 * the capacity, and whatever the inline path cannot do (grow, refuse with
 * an errno) still happens in the library. */
struct inline_busy {
	point_arena *a;
	size_t got;
	int err;
	size_t inline_end;
};

static void alloc_from_dtor(struct point *p, void *ctx)
{
	struct inline_busy *b = ctx;
	const struct fbump_arena_head *h;

	if (b->a == NULL)
		return;
	h = (const struct fbump_arena_head *)(void *)point_arena_raw(b->a);
	b->inline_end = h->inline_end;
	errno = 0;
	b->got = point_arena_alloc(b->a, p).i;
	b->err = errno;
}

static void test_arena_inline(void)
{
	point_arena a, b, null_arena = { NULL };
	struct point p = pt(0, 0);
	const struct fbump_arena_head *h;
	struct fbump_config cfg = FBUMP_CONFIG_INIT(struct point);
	struct inline_busy busy = { NULL, 0, 0, 1 };
	const point_arena_dtor dtor = { alloc_from_dtor, &busy };
	fbump_checkpoint cp, raw_cp;
	size_t k, bad = 0, inline_room = 0;

	/* 300,000 points cross many commit steps of the VM storage */
	CHECK(point_arena_create(&a, NULL) == 0);
	h = (const struct fbump_arena_head *)(void *)point_arena_raw(&a);
	for (k = 0; k < 300000; k++) {
		p = pt((int)k, (int)(k * 7));
		inline_room += h->len < h->inline_end;
		if (point_arena_alloc(&a, &p).i != k)
			bad++;
		/* within the committed slots, and never below len */
		if (h->inline_end > point_arena_capacity(&a) ||
		    (h->inline_end != 0 && h->inline_end < h->len))
			bad++;
	}
	CHECK(bad == 0);
	CHECK(point_arena_len(&a) == 300000);
	/* the inline path took nearly every append; none where free slots
	 * are poisoned (the library must see each one) */
	if (FBUMP_POISONING)
		CHECK(inline_room == 0);
	else
		CHECK(inline_room > 290000);
	for (k = 0; k < 300000; k++)
		if (point_arena_get(&a, point_arena_idx_make(k))->y !=
		    (int)(k * 7))
			bad++;
	CHECK(bad == 0);

	/* the inline checkpoint (the arena has its identity from the
	 * library's first one) is the library's */
	raw_cp = fbump_arena_checkpoint(point_arena_raw(&a));
	cp = point_arena_checkpoint(&a);
	CHECK(cp.arena_id == raw_cp.arena_id && cp.len == raw_cp.len);
	CHECK(cp.arena_id != 0);
	p = pt(-1, -1);
	CHECK(point_arena_alloc(&a, &p).i == 300000);
	CHECK(point_arena_rollback(&a, cp) == 0);
	CHECK(point_arena_len(&a) == 300000);
	CHECK(point_arena_create(&b, NULL) == 0);
	errno = 0;
	CHECK(point_arena_rollback(&b, cp) == EINVAL && errno == EINVAL);
	CHECK(point_arena_checkpoint(&b).arena_id != cp.arena_id);
	CHECK(point_arena_destroy(&b) == 0);
	CHECK(point_arena_destroy(&a) == 0);

	/* FIXED, 4 slots: the fifth append fails in the library */
	cfg.storage = FBUMP_STORAGE_FIXED;
	cfg.capacity = 4;
	CHECK(point_arena_create_config(&a, &cfg, NULL) == 0);
	for (k = 0; k < 4; k++)
		CHECK(point_arena_alloc(&a, &p).i == k);
	errno = 0;
	CHECK(!point_arena_idx_valid(point_arena_alloc(&a, &p)));
	CHECK(errno == ENOSPC);
	CHECK(point_arena_len(&a) == 4);
	CHECK(point_arena_destroy(&a) == 0);

	/* no arena (a failed create) and no value */
	errno = 0;
	CHECK(!point_arena_idx_valid(point_arena_alloc(&null_arena, &p)));
	CHECK(errno == EINVAL);
	errno = 0;
	CHECK(point_arena_checkpoint(&null_arena).arena_id == 0);
	CHECK(errno == EINVAL);
	CHECK(point_arena_create(&a, NULL) == 0);
	errno = 0;
	CHECK(!point_arena_idx_valid(point_arena_alloc(&a, NULL)));
	CHECK(errno == EINVAL && point_arena_len(&a) == 0);
	CHECK(point_arena_destroy(&a) == 0);

	/* while a destructor runs, the bound is 0 and appends get EBUSY */
	CHECK(point_arena_create(&a, &dtor) == 0);
	busy.a = &a;
	CHECK(point_arena_alloc(&a, &p).i == 0);
	CHECK(point_arena_reset(&a) == 0);
	CHECK(busy.inline_end == 0);
	CHECK(busy.got == FBUMP_NONE && busy.err == EBUSY);
	CHECK(point_arena_len(&a) == 0);
	CHECK(point_arena_alloc(&a, &p).i == 0); /* usable again */
	busy.a = NULL; /* destroy's destructor call does nothing */
	CHECK(point_arena_destroy(&a) == 0);
}

/* Appends whose value is an element of the same arena, in REALLOC storage
 * that moves as it grows: the value handed to the library must be read
 * before the move, whether the typed layer copies it (small elements) or
 * passes it on (large ones).  Element k is a copy of element k / 2. */
static void test_self_append(void)
{
	struct fbump_config cfg = FBUMP_CONFIG_INIT(struct point);
	struct fbump_config big = FBUMP_CONFIG_INIT(struct block);
	point_arena a;
	block_arena b;
	block_log l;
	struct block blk;
	size_t k, bad = 0;

	cfg.storage = FBUMP_STORAGE_REALLOC;
	big.storage = FBUMP_STORAGE_REALLOC;
	CHECK(point_arena_create_config(&a, &cfg, NULL) == 0);
	CHECK(block_arena_create_config(&b, &big, NULL) == 0);
	CHECK(block_log_create(&l, NULL) == 0);
	memset(&blk, 0, sizeof(blk));
	blk.v[0] = 1;
	blk.v[39] = 7;
	CHECK(point_arena_alloc(&a, &(struct point){ 1, 7 }).i == 0);
	CHECK(block_arena_alloc(&b, &blk).i == 0);
	CHECK(block_log_alloc(&l, &blk).i == 0);
	for (k = 1; k < 100000; k++) {
		const struct point *p = point_arena_get(&a,
			point_arena_idx_make(k / 2));
		if (point_arena_alloc(&a, p).i != k)
			bad++;
		if (k < 20000 &&
		    block_arena_alloc(&b, block_arena_get(&b,
			    block_arena_idx_make(k / 2))).i != k)
			bad++;
	}
	CHECK(bad == 0);
	CHECK(block_log_alloc(&l, block_log_get(&l, block_log_idx_make(0))).i
	      == 1);
	for (k = 0; k < 100000; k++) {
		const struct point *p = point_arena_get(&a,
			point_arena_idx_make(k));
		if (p->x != 1 || p->y != 7)
			bad++;
		if (k < 20000 &&
		    memcmp(block_arena_get(&b, block_arena_idx_make(k)), &blk,
			   sizeof(blk)) != 0)
			bad++;
	}
	CHECK(bad == 0);
	CHECK(memcmp(block_log_get(&l, block_log_idx_make(1)), &blk,
		     sizeof(blk)) == 0);
	CHECK(point_arena_destroy(&a) == 0);
	CHECK(block_arena_destroy(&b) == 0);
	CHECK(block_log_destroy(&l) == 0);
}

int main(void)
{
	test_arena();
	test_arena_inline();
	test_self_append();
	test_arena_config();
	test_fastarena();
	test_self_referential();
	if (failures != 0) {
		fprintf(stderr, "typed_ok: %d checks failed\n", failures);
		return EXIT_FAILURE;
	}
	printf("typed_ok: all checks passed\n");
	return EXIT_SUCCESS;
}
