/* SPDX-License-Identifier: Apache-2.0 */
/*
 * use_after_rollback.c - a program that misuses an arena on purpose, to
 * show that an instrumented build of the library (ENABLE_VALGRIND under
 * memcheck, or -fsanitize=address) REPORTS the misuse; tests/poison.test
 * runs it.
 *
 *   use_after_rollback arena|fastarena SCENARIO [vm|fixed]
 *
 * Scenarios (each builds an arena of 8 elements of ELEM_SIZE bytes, the
 * last of them allocated after a checkpoint taken at length KEEP):
 *
 *   control              reads live elements, also after rollback, reset
 *                        and a reuse of the freed slots: nothing to report
 *   read-after-rollback  reads an element that rollback destroyed, through
 *                        a pointer taken before the rollback
 *   read-after-reset     the same after reset: slot 0, now past the length
 *   read-after-drain     the same after drain
 *   read-past-len        reads the slot just past the length, never
 *                        handed out, in memory the arena has committed
 *   read-uninit          branches on a slot handed out by alloc_uninit
 *                        (arena) or alloc_begin (fastarena) and never
 *                        written: memcheck reports a conditional jump on
 *                        an uninitialised value (ASan does not track
 *                        definedness: nothing to see there)
 *
 * Every scenario prints "reading ..." just before its bad read and
 * "done" at the end; the misuse scenarios print "NOT REPORTED" after the
 * read, which only shows when the checker let it pass (ASan aborts at the
 * read; memcheck continues and fails the run through --error-exitcode).
 * Exit status 0, or 2 on a usage error or an unexpected library failure.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fastbump.h"

#define ELEM_SIZE 12	/* not a multiple of 8: slots straddle ASan granules */
#define ELEM_ALIGN 4
#define COUNT 8
#define KEEP 5
#define CAPACITY 4096	/* elements, VM or FIXED: small under valgrind */

struct elem {
	int a, b, c;
};

static int die(const char *what)
{
	fprintf(stderr, "use_after_rollback: %s: %s\n", what, strerror(errno));
	exit(2);
}

/* One arena of either kind behind the same few operations. */
struct any {
	fbump_arena *a;
	fbump_fastarena *f;
};

static struct elem make(int i)
{
	struct elem e = { i, 100 + i, 1000 + i };

	return e;
}

static void push(struct any *x, int i)
{
	struct elem e = make(i);
	size_t r = x->a ? fbump_arena_alloc(x->a, &e)
			: fbump_fastarena_alloc(x->f, &e);

	if (r == FBUMP_NONE)
		die("alloc");
}

static struct elem *at(const struct any *x, size_t i)
{
	void *p = x->a ? fbump_arena_try_get(x->a, i)
		       : fbump_fastarena_try_get(x->f, i);

	if (p == NULL)
		die("try_get");
	return p;
}

static size_t len(const struct any *x)
{
	return x->a ? fbump_arena_len(x->a) : fbump_fastarena_len(x->f);
}

/* Slot i whatever the length: the slice plus i strides. */
static struct elem *slot(const struct any *x, size_t i)
{
	unsigned char *base = x->a ? fbump_arena_data(x->a)
				   : fbump_fastarena_data(x->f);
	size_t stride = x->a ? fbump_arena_stride(x->a)
			     : fbump_fastarena_stride(x->f);

	return (struct elem *)(void *)(base + i * stride);
}

static fbump_checkpoint checkpoint(const struct any *x)
{
	return x->a ? fbump_arena_checkpoint(x->a)
		    : fbump_fastarena_checkpoint(x->f);
}

static void rollback(struct any *x, fbump_checkpoint cp)
{
	if ((x->a ? fbump_arena_rollback(x->a, cp)
		  : fbump_fastarena_rollback(x->f, cp)) != 0)
		die("rollback");
}

static void reset(struct any *x)
{
	if ((x->a ? fbump_arena_reset(x->a) : fbump_fastarena_reset(x->f)) != 0)
		die("reset");
}

static void take(void *elem, size_t index, void *ctx)
{
	(void)elem;
	(void)index;
	(void)ctx;
}

static void drain(struct any *x)
{
	if ((x->a ? fbump_arena_drain(x->a, take, NULL)
		  : fbump_fastarena_drain(x->f, take, NULL)) != 0)
		die("drain");
}

/* A slot handed out and left unwritten. */
static struct elem *uninit(struct any *x)
{
	size_t i;
	void *p = x->a ? fbump_arena_alloc_uninit(x->a, &i)
		       : fbump_fastarena_alloc_begin(x->f, &i);

	if (p == NULL)
		die("alloc_uninit/alloc_begin");
	return p;
}

static void destroy(struct any *x)
{
	if (x->f != NULL) {
		/* an alloc_begin never published keeps destroy busy */
		size_t reserved = fbump_fastarena_alloc_extend(x->f, NULL, 0);

		for (size_t i = 0; i < reserved; i++)
			if (fbump_fastarena_get(x->f, i) == NULL)
				(void)fbump_fastarena_alloc_publish(x->f, i);
	}
	if ((x->a ? fbump_arena_destroy(x->a)
		  : fbump_fastarena_destroy(x->f)) != 0)
		die("destroy");
}

/* Reads the element through a volatile pointer, so that the compiler
 * keeps the load, and returns a sum of its fields. */
__attribute__((noinline)) static int read_elem(const struct elem *e)
{
	const volatile struct elem *v = e;

	return v->a + v->b + v->c;
}

static int check(const struct elem *e, int i)
{
	if (read_elem(e) != i + (100 + i) + (1000 + i)) {
		fprintf(stderr, "use_after_rollback: element %d is wrong\n", i);
		exit(2);
	}
	return 0;
}

/* Reads a slot the program must not read; the checker should stop or
 * flag the run here. */
static void bad_read(const char *what, const struct elem *e)
{
	int sum;

	printf("reading %s\n", what);
	fflush(stdout);
	sum = read_elem(e);
	printf("NOT REPORTED (sum %d)\n", sum);
	fflush(stdout);
}

static int usage(void)
{
	fputs("usage: use_after_rollback arena|fastarena control|"
	      "read-after-rollback|read-after-reset|read-after-drain|"
	      "read-past-len|read-uninit [vm|fixed]\n", stderr);
	return 2;
}

int main(int argc, char **argv)
{
	struct fbump_config cfg = FBUMP_CONFIG_INIT_SIZED(ELEM_SIZE, ELEM_ALIGN);
	struct any x = { NULL, NULL };
	const char *scenario;
	fbump_checkpoint cp;
	struct elem *doomed, *first;

	if (argc < 3 || argc > 4)
		return usage();
	scenario = argv[2];
	cfg.capacity = CAPACITY;
	if (argc == 4 && strcmp(argv[3], "fixed") == 0)
		cfg.storage = FBUMP_STORAGE_FIXED;
	else if (argc == 4 && strcmp(argv[3], "vm") != 0)
		return usage();
	if (strcmp(argv[1], "arena") == 0)
		x.a = fbump_arena_create(&cfg);
	else if (strcmp(argv[1], "fastarena") == 0)
		x.f = fbump_fastarena_create(&cfg);
	else
		return usage();
	if (x.a == NULL && x.f == NULL)
		die("create");

	for (int i = 0; i < KEEP; i++)
		push(&x, i);
	cp = checkpoint(&x);
	for (int i = KEEP; i < COUNT; i++)
		push(&x, i);
	first = at(&x, 0);
	doomed = at(&x, KEEP);	/* destroyed by the rollback below */
	check(doomed, KEEP);

	if (strcmp(scenario, "control") == 0) {
		rollback(&x, cp);
		for (int i = 0; i < KEEP; i++)
			check(at(&x, (size_t)i), i);
		check(slot(&x, KEEP - 1), KEEP - 1);	/* last live one */
		/* the freed slots come back, readable once written */
		push(&x, KEEP);
		check(doomed, KEEP);
		/* a slot handed out unwritten may be written, then read */
		*uninit(&x) = make(KEEP + 1);
		if (x.f != NULL)
			(void)fbump_fastarena_alloc_publish(x.f, KEEP + 1);
		check(slot(&x, KEEP + 1), KEEP + 1);
		drain(&x);
		push(&x, 0);
		check(first, 0);
		reset(&x);
		push(&x, 0);
		check(first, 0);
		printf("control: read live elements only\n");
	} else if (strcmp(scenario, "read-after-rollback") == 0) {
		rollback(&x, cp);
		bad_read("an element destroyed by rollback", doomed);
	} else if (strcmp(scenario, "read-after-reset") == 0) {
		reset(&x);
		bad_read("slot 0 after reset", first);
	} else if (strcmp(scenario, "read-after-drain") == 0) {
		drain(&x);
		bad_read("slot 0 after drain", first);
	} else if (strcmp(scenario, "read-past-len") == 0) {
		bad_read("the slot past the length, never handed out",
			 slot(&x, len(&x)));
	} else if (strcmp(scenario, "read-uninit") == 0) {
		struct elem *u = uninit(&x);
		const volatile int *v = &u->b;

		printf("reading a slot handed out but never written\n");
		fflush(stdout);
		if (*v == 42)	/* the branch memcheck must flag */
			printf("42\n");
		else
			printf("not 42\n");
		fflush(stdout);
		u->a = u->b = u->c = 0;
	} else {
		destroy(&x);
		return usage();
	}
	destroy(&x);
	printf("done\n");
	return 0;
}
