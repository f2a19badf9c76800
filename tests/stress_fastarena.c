/* SPDX-License-Identifier: Apache-2.0 */
/*
 * stress_fastarena.c - a standalone validator of fbump_fastarena under
 * concurrent writers and readers, in the manner of Concurrency Kit's
 * regressions/.
 *
 *   stress_fastarena [-w writers] [-r readers] [-n items-per-writer]
 *                    [-d seconds] [-s seed] [-v]
 *
 * Without -w, -r or -n it runs the default plan: 2 writers x 100,000 items
 * with 1 reader, then 4 and 8 writers (oversubscribed on a 2-core machine).
 * -d, or FBUMP_STRESS_DURATION in the environment, repeats the rounds until
 * that many seconds have passed.
 *
 * Each element names its writer and its place in that writer's sequence
 * and carries a cookie computed from both.  Writers mix alloc, alloc_extend
 * (batches of 1 to 16) and alloc_begin/alloc_publish.  Readers scan the
 * published slice over and over, fetch random published elements, and
 * peek past the published count, checking every element they see: a
 * reader must never see an unwritten or torn slot, and the published
 * count must never decrease.  At the end of a round every element must be
 * present exactly once, where alloc said, each writer's in sequence order
 * and each batch contiguous.
 *
 * Exit status: 0 when every check passed, 1 with a message on the first
 * violation, 2 on a usage error.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fastbump.h"

#ifdef HAVE_VALGRIND_HELGRIND_H
# include <valgrind/helgrind.h>
# define SIGNAL_WORD(addr) \
	ANNOTATE_BENIGN_RACE_SIZED((addr), sizeof(*(addr)), "stress signal")
#else
# define SIGNAL_WORD(addr) ((void)(addr))
#endif

/* Words the threads only signal through ("stop", "writers left"):
 * relaxed atomics, and no race for helgrind, so that neither helgrind nor
 * ThreadSanitizer sees in them an ordering that could hide a missing one
 * in the library.  Joining the threads is what orders their work. */
static int signal_get(const int *word)
{
	return __atomic_load_n(word, __ATOMIC_RELAXED);
}

static void signal_add(int *word, int n)
{
	__atomic_fetch_add(word, n, __ATOMIC_RELAXED);
}

/* ---- elements ------------------------------------------------------------ */

/* The first 16 bytes are the element of the 16-byte layout; the 24-byte
 * layout adds 'check'. */
struct item {
	uint32_t writer;
	uint32_t seq;
	uint64_t cookie;	/* cookie_of(round salt, writer, seq) */
	uint64_t check;		/* ~cookie */
};

#define MAX_BATCH 16

static uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15u;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
	return x ^ (x >> 31);
}

static uint64_t cookie_of(uint64_t salt, uint32_t writer, uint32_t seq)
{
	return mix64(salt ^ ((uint64_t)writer << 32 | seq));
}

/* xorshift64*: each thread has its own state */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1du;
}

/* ---- the first violation ------------------------------------------------- */

/* The lock guards only the message: threads poll 'failed' without it, so
 * that the lock orders nothing between writers and readers. */
static pthread_mutex_t fail_lock = PTHREAD_MUTEX_INITIALIZER;
static int failed;		/* a signal: stop early */
static char fail_msg[512];	/* read once the threads are joined */

__attribute__((format(printf, 1, 2)))
static void fail(const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&fail_lock);
	if (fail_msg[0] == '\0') {
		va_start(ap, fmt);
		vsnprintf(fail_msg, sizeof(fail_msg), fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&fail_lock);
	signal_add(&failed, 1);
}

static bool has_failed(void)
{
	return signal_get(&failed) != 0;
}

/* ---- a round ------------------------------------------------------------- */

struct round {
	fbump_fastarena *arena;
	unsigned char *base;	/* fbump_fastarena_data(), never moves */
	size_t writers, readers, n;
	size_t elem_size;	/* 16 or 24 */
	unsigned int storage;
	uint64_t salt;
	int writers_left;	/* a signal: writers still running */
	pthread_barrier_t start;	/* every thread starts at once */
};

/* One alloc_extend call of a writer. */
struct batch {
	uint32_t first_seq;
	uint32_t count;
	size_t first_index;
};

struct writer {
	pthread_t thread;
	struct round *r;
	uint32_t id;
	uint64_t rng;
	size_t *index;		/* where each seq went */
	struct batch *batches;
	size_t nbatches;
	size_t allocs, begins, stops;
};

struct reader {
	pthread_t thread;
	struct round *r;
	uint32_t id;
	uint64_t rng;
	size_t reads, scans, gets, peeks, checked, newest;
};

static void make_item(const struct round *r, uint32_t w, uint32_t seq,
		      void *out)
{
	struct item it = { w, seq, cookie_of(r->salt, w, seq), 0 };

	it.check = ~it.cookie;
	memcpy(out, &it, r->elem_size);
}

/* Checks the element at p; 'what' and 'index' name it in a message. */
static bool valid_item(const struct round *r, const void *p,
		       const char *what, size_t index)
{
	struct item it = { 0, 0, 0, 0 };

	memcpy(&it, p, r->elem_size);
	if (r->elem_size < sizeof(it))
		it.check = ~it.cookie;
	if (it.writer < r->writers && it.seq < r->n &&
	    it.cookie == cookie_of(r->salt, it.writer, it.seq) &&
	    it.check == ~it.cookie)
		return true;
	fail("%s: slot %zu is unwritten or torn: writer %" PRIu32 " seq %"
	     PRIu32 " cookie %016" PRIx64 " check %016" PRIx64, what, index,
	     it.writer, it.seq, it.cookie, it.check);
	return false;
}

/* ---- writers ------------------------------------------------------------- */

/* The writer has finished slot i: get must return it, intact. */
static bool own_slot_ok(struct writer *w, size_t i)
{
	const void *p = fbump_fastarena_get(w->r->arena, i);

	if (p == NULL) {
		fail("writer %" PRIu32 ": get(%zu) of its own finished slot "
		     "returned NULL", w->id, i);
		return false;
	}
	return valid_item(w->r, p, "writer", i);
}

static bool write_one(struct writer *w, uint32_t seq)
{
	unsigned char buf[sizeof(struct item)];
	size_t i;

	make_item(w->r, w->id, seq, buf);
	i = fbump_fastarena_alloc(w->r->arena, buf);
	if (i == FBUMP_NONE) {
		fail("writer %" PRIu32 ": alloc: %s", w->id, strerror(errno));
		return false;
	}
	w->index[seq] = i;
	w->allocs++;
	return own_slot_ok(w, i);
}

static bool write_batch(struct writer *w, uint32_t seq, uint32_t count)
{
	unsigned char buf[MAX_BATCH * sizeof(struct item)] = { 0 };
	size_t es = w->r->elem_size, first;

	for (uint32_t k = 0; k < count; k++)
		make_item(w->r, w->id, seq + k, buf + k * es);
	first = fbump_fastarena_alloc_extend(w->r->arena, buf, count);
	if (first == FBUMP_NONE) {
		fail("writer %" PRIu32 ": alloc_extend(%" PRIu32 "): %s", w->id,
		     count, strerror(errno));
		return false;
	}
	for (uint32_t k = 0; k < count; k++)
		w->index[seq + k] = first + k;
	w->batches[w->nbatches++] = (struct batch){ seq, count, first };
	return own_slot_ok(w, first) && own_slot_ok(w, first + count - 1);
}

/* alloc_begin, construct in place, sometimes stop a while, publish. */
static bool write_in_place(struct writer *w, uint32_t seq)
{
	size_t i;
	void *p = fbump_fastarena_alloc_begin(w->r->arena, &i);
	int err;

	if (p == NULL) {
		fail("writer %" PRIu32 ": alloc_begin: %s", w->id,
		     strerror(errno));
		return false;
	}
	make_item(w->r, w->id, seq, p);
	if (rnd(&w->rng) % 32 == 0) {
		sched_yield();	/* a stopped writer: the others go on */
		w->stops++;
	}
	err = fbump_fastarena_alloc_publish(w->r->arena, i);
	if (err != 0) {
		fail("writer %" PRIu32 ": alloc_publish(%zu): %s", w->id, i,
		     strerror(err));
		return false;
	}
	w->index[seq] = i;
	w->begins++;
	return own_slot_ok(w, i);
}

static void *writer_main(void *arg)
{
	struct writer *w = arg;
	size_t n = w->r->n;
	uint32_t seq = 0;
	bool ok = true;

	pthread_barrier_wait(&w->r->start);
	while (ok && seq < n && !has_failed()) {
		uint64_t x = rnd(&w->rng);
		uint32_t count = 1 + (uint32_t)(x >> 8) % MAX_BATCH;

		switch (x % 3) {
		case 0:
			ok = write_one(w, seq++);
			break;
		case 1:
			if (count > n - seq)
				count = (uint32_t)(n - seq);
			ok = write_batch(w, seq, count);
			seq += count;
			break;
		default:
			ok = write_in_place(w, seq++);
			break;
		}
	}
	signal_add(&w->r->writers_left, -1);
	return NULL;
}

/* ---- readers ------------------------------------------------------------- */

/* Every element of the published slice, by FOREACH or by data() + len. */
static bool scan(struct reader *rd, bool foreach)
{
	const struct round *r = rd->r;
	size_t i = 0;

	if (foreach) {
		FBUMP_FASTARENA_FOREACH(const unsigned char, p, r->arena) {
			if (!valid_item(r, p, "reader scan", i))
				return false;
			i++;
		}
	} else {
		const unsigned char *base = fbump_fastarena_data(r->arena);
		size_t len = fbump_fastarena_len(r->arena);
		size_t stride = fbump_fastarena_stride(r->arena);

		for (i = 0; i < len; i++)
			if (!valid_item(r, base + i * stride, "reader slice",
					i))
				return false;
	}
	rd->checked += i;
	rd->scans++;
	return true;
}

/* The newest published element, as soon as it is published, again and
 * again: a slot published before its writer finished shows here first. */
static bool newest(struct reader *rd, size_t *last)
{
	for (int k = 0; k < 64; k++) {
		size_t len = fbump_fastarena_len(rd->r->arena);
		const void *p;

		if (len < *last) {
			fail("reader: len went down from %zu to %zu", *last,
			     len);
			return false;
		}
		*last = len;
		if (len == 0)
			continue;
		p = fbump_fastarena_get(rd->r->arena, len - 1);
		if (p == NULL) {
			fail("reader: get(%zu) returned NULL below len %zu",
			     len - 1, len);
			return false;
		}
		if (!valid_item(rd->r, p, "reader newest", len - 1))
			return false;
		rd->newest++;
	}
	return true;
}

/* Random published elements by get, which must not fail below len. */
static bool random_gets(struct reader *rd, size_t len)
{
	for (int k = 0; k < 64 && len > 0; k++) {
		size_t i = rnd(&rd->rng) % len;
		const void *p = fbump_fastarena_get(rd->r->arena, i);

		if (p == NULL) {
			fail("reader: get(%zu) returned NULL below len %zu",
			     i, len);
			return false;
		}
		if (!valid_item(rd->r, p, "reader get", i))
			return false;
		rd->gets++;
	}
	return true;
}

/* Past the published count get returns NULL, or a finished slot. */
static bool peek_unpublished(struct reader *rd, size_t len)
{
	for (size_t i = len; i < len + 8; i++) {
		const void *p = fbump_fastarena_get(rd->r->arena, i);

		if (p != NULL) {
			if (!valid_item(rd->r, p, "reader peek", i))
				return false;
			rd->peeks++;
		}
	}
	return true;
}

static bool read_once(struct reader *rd, size_t *last)
{
	const struct round *r = rd->r;

	if (!newest(rd, last))
		return false;
	if (fbump_fastarena_data(r->arena) != r->base) {
		fail("reader: data() moved");
		return false;
	}
	/* the whole slice every 8th time: the newest slots are where
	 * trouble shows first, and scans of a long slice slow the writers */
	if (!peek_unpublished(rd, *last) || !random_gets(rd, *last))
		return false;
	return rd->reads++ % 8 != 0 || scan(rd, rd->scans % 2 == 0);
}

static void *reader_main(void *arg)
{
	struct reader *rd = arg;
	size_t last = 0;
	bool ok = true;

	pthread_barrier_wait(&rd->r->start);
	while (ok && !has_failed() && signal_get(&rd->r->writers_left) > 0)
		ok = read_once(rd, &last);
	if (ok && !has_failed())
		read_once(rd, &last);	/* the final state too */
	return NULL;
}

/* ---- the final check ----------------------------------------------------- */

#define ABSENT SIZE_MAX

/* pos[w * n + seq]: the slot where (w, seq) was found, from the contents. */
static size_t *locate_all(const struct round *r, size_t total)
{
	size_t *pos = malloc(r->writers * r->n * sizeof(*pos));

	if (pos == NULL) {
		fail("out of memory");
		return NULL;
	}
	for (size_t k = 0; k < r->writers * r->n; k++)
		pos[k] = ABSENT;
	for (size_t i = 0; i < total; i++) {
		const void *p = fbump_fastarena_get(r->arena, i);
		struct item it = { 0, 0, 0, 0 };

		if (p == NULL || !valid_item(r, p, "final", i))
			break;
		memcpy(&it, p, r->elem_size);
		if (pos[it.writer * r->n + it.seq] != ABSENT) {
			fail("writer %" PRIu32 " seq %" PRIu32 " in slots %zu "
			     "and %zu", it.writer, it.seq,
			     pos[it.writer * r->n + it.seq], i);
			break;
		}
		pos[it.writer * r->n + it.seq] = i;
	}
	return pos;
}

/* Present once, where alloc said, in sequence order. */
static void check_writer(const struct round *r, const struct writer *w,
			 const size_t *pos)
{
	for (size_t s = 0; s < r->n && !has_failed(); s++) {
		size_t at = pos[w->id * r->n + s];

		if (at == ABSENT)
			fail("writer %" PRIu32 " seq %zu is missing", w->id, s);
		else if (at != w->index[s])
			fail("writer %" PRIu32 " seq %zu: in slot %zu, alloc "
			     "said %zu", w->id, s, at, w->index[s]);
		else if (s > 0 && at <= pos[w->id * r->n + s - 1])
			fail("writer %" PRIu32 ": seq %zu at %zu is not after "
			     "seq %zu", w->id, s, at, s - 1);
	}
	for (size_t b = 0; b < w->nbatches && !has_failed(); b++) {
		const struct batch *bt = &w->batches[b];

		for (uint32_t k = 0; k < bt->count; k++)
			if (pos[w->id * r->n + bt->first_seq + k] !=
			    bt->first_index + k)
				fail("writer %" PRIu32 ": batch at %zu is not "
				     "contiguous", w->id, bt->first_index);
	}
}

static void check_counts(const struct round *r, size_t total)
{
	struct fbump_fastarena_stats st;
	unsigned char extra[sizeof(struct item)];
	size_t len = fbump_fastarena_len(r->arena);

	if (fbump_fastarena_stats(r->arena, &st) != 0)
		fail("stats: %s", strerror(errno));
	else if (len != total || st.elements != total ||
		 st.reserved_slots != total)
		fail("len %zu, elements %zu, reserved %zu: expected %zu", len,
		     st.elements, st.reserved_slots, total);
	if (r->storage != FBUMP_STORAGE_FIXED || has_failed())
		return;
	/* a FIXED arena of exactly 'total' slots is now full */
	make_item(r, 0, 0, extra);
	errno = 0;
	if (fbump_fastarena_alloc(r->arena, extra) != FBUMP_NONE ||
	    errno != ENOSPC)
		fail("alloc into a full FIXED arena: errno %d", errno);
}

static void final_check(const struct round *r, const struct writer *w)
{
	size_t total = r->writers * r->n;
	size_t *pos;

	check_counts(r, total);
	if (has_failed())
		return;
	pos = locate_all(r, total);
	for (size_t k = 0; k < r->writers && pos != NULL; k++)
		check_writer(r, &w[k], pos);
	free(pos);
}

/* ---- running rounds ------------------------------------------------------ */

struct totals {
	size_t rounds, items, scans, checked, gets, peeks, newest;
	size_t allocs, batches, begins, stops;
};

static fbump_fastarena *new_arena(struct round *r)
{
	struct fbump_config cfg = FBUMP_CONFIG_INIT_SIZED(r->elem_size, 8);
	fbump_fastarena *a;

	cfg.storage = r->storage;
	if (r->storage == FBUMP_STORAGE_FIXED)
		cfg.capacity = r->writers * r->n;
	a = fbump_fastarena_create(&cfg);
	if (a == NULL)
		fail("create: %s", strerror(errno));
	else if (fbump_fastarena_stride(a) != r->elem_size)
		fail("stride %zu for %zu-byte elements",
		     fbump_fastarena_stride(a), r->elem_size);
	return a;
}

/* Threads wait for each other at a barrier, so a failure to start one
 * ends the program rather than the round. */
static void start_thread(pthread_t *t, void *(*fn)(void *), void *arg)
{
	int err = pthread_create(t, NULL, fn, arg);

	if (err != 0) {
		fprintf(stderr, "stress_fastarena: pthread_create: %s\n",
			strerror(err));
		exit(1);
	}
}

static void start_writers(struct round *r, struct writer *w, uint64_t seed)
{
	for (size_t k = 0; k < r->writers; k++) {
		w[k].r = r;
		w[k].id = (uint32_t)k;
		w[k].rng = mix64(seed ^ (k + 1)) | 1;
		start_thread(&w[k].thread, writer_main, &w[k]);
	}
}

static void start_readers(struct round *r, struct reader *rd, uint64_t seed)
{
	for (size_t k = 0; k < r->readers; k++) {
		rd[k].r = r;
		rd[k].id = (uint32_t)k;
		rd[k].rng = mix64(seed ^ (k + 1001)) | 1;
		start_thread(&rd[k].thread, reader_main, &rd[k]);
	}
}

/* The writers' records, or NULL. */
static struct writer *new_writers(const struct round *r)
{
	struct writer *w = calloc(r->writers, sizeof(*w));
	bool ok = w != NULL;

	for (size_t k = 0; ok && k < r->writers; k++) {
		w[k].index = malloc(r->n * sizeof(*w[k].index));
		w[k].batches = malloc(r->n * sizeof(*w[k].batches));
		ok = w[k].index != NULL && w[k].batches != NULL;
	}
	if (!ok)
		fail("out of memory");
	return w;
}

static void free_writers(const struct round *r, struct writer *w)
{
	for (size_t k = 0; w != NULL && k < r->writers; k++) {
		free(w[k].index);
		free(w[k].batches);
	}
	free(w);
}

static void add_totals(struct totals *t, const struct round *r,
		       const struct writer *w, const struct reader *rd)
{
	t->rounds++;
	t->items += r->writers * r->n;
	for (size_t k = 0; k < r->writers; k++) {
		t->allocs += w[k].allocs;
		t->batches += w[k].nbatches;
		t->begins += w[k].begins;
		t->stops += w[k].stops;
	}
	for (size_t k = 0; k < r->readers; k++) {
		t->scans += rd[k].scans;
		t->checked += rd[k].checked;
		t->gets += rd[k].gets;
		t->peeks += rd[k].peeks;
		t->newest += rd[k].newest;
	}
}

/* Runs one round: the readers and writers start together; once all are
 * joined, the final check. */
static void run_round(struct round *r, uint64_t seed, struct totals *t)
{
	struct writer *w = new_writers(r);
	struct reader *rd = calloc(r->readers + 1, sizeof(*rd));

	r->salt = mix64(seed);
	r->writers_left = (int)r->writers;
	SIGNAL_WORD(&r->writers_left);
	r->arena = has_failed() || rd == NULL ? NULL : new_arena(r);
	if (r->arena != NULL) {
		r->base = fbump_fastarena_data(r->arena);
		pthread_barrier_init(&r->start, NULL,
				     (unsigned int)(r->writers + r->readers));
		start_readers(r, rd, seed);
		start_writers(r, w, seed);
		for (size_t k = 0; k < r->writers; k++)
			pthread_join(w[k].thread, NULL);
		for (size_t k = 0; k < r->readers; k++)
			pthread_join(rd[k].thread, NULL);
		pthread_barrier_destroy(&r->start);
		if (!has_failed()) {
			final_check(r, w);
			add_totals(t, r, w, rd);
		}
		if (fbump_fastarena_destroy(r->arena) != 0)
			fail("destroy: %s", strerror(errno));
	}
	free_writers(r, w);
	free(rd);
}

/* ---- main ---------------------------------------------------------------- */

struct plan {
	size_t writers, readers, n;
};

static const struct plan default_plan[] = {
	{ 2, 1, 100000 }, { 4, 1, 50000 }, { 8, 2, 25000 },
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int usage(const char *argv0)
{
	fprintf(stderr, "usage: %s [-w writers] [-r readers] "
		"[-n items-per-writer] [-d seconds] [-s seed] [-v]\n", argv0);
	return 2;
}

static bool parse_size(const char *s, size_t min, size_t max, size_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
		return false;
	*out = (size_t)v;
	return true;
}

struct options {
	struct plan one;	/* when 'custom' */
	bool custom, verbose;
	size_t seconds;
	size_t seed;
};

static bool parse_option(int c, struct options *o)
{
	switch (c) {
	case 'w':
		o->custom = true;
		return parse_size(optarg, 1, 256, &o->one.writers);
	case 'r':
		o->custom = true;
		return parse_size(optarg, 0, 256, &o->one.readers);
	case 'n':
		o->custom = true;
		return parse_size(optarg, 1, 1u << 24, &o->one.n);
	case 'd':
		return parse_size(optarg, 0, 1000000, &o->seconds);
	case 's':
		return parse_size(optarg, 0, SIZE_MAX, &o->seed);
	case 'v':
		o->verbose = true;
		return true;
	default:
		return false;
	}
}

static int parse_options(int argc, char **argv, struct options *o)
{
	const char *env = getenv("FBUMP_STRESS_DURATION");
	int c;

	o->one = default_plan[0];
	o->custom = o->verbose = false;
	o->seconds = 0;
	o->seed = 1;
	if (env != NULL && *env != '\0' &&
	    !parse_size(env, 0, 1000000, &o->seconds)) {
		fprintf(stderr, "bad FBUMP_STRESS_DURATION: %s\n", env);
		return 2;
	}
	while ((c = getopt(argc, argv, "w:r:n:d:s:v")) != -1)
		if (!parse_option(c, o))
			return usage(argv[0]);
	return optind == argc ? 0 : usage(argv[0]);
}

static void run_plan_once(const struct options *o, struct totals *t)
{
	const struct plan *plan = o->custom ? &o->one : default_plan;
	size_t steps = o->custom ? 1 : sizeof(default_plan) / sizeof(*plan);

	for (size_t k = 0; k < steps && !has_failed(); k++) {
		size_t no = t->rounds;
		struct round r = {
			.writers = plan[k].writers, .readers = plan[k].readers,
			.n = plan[k].n, .elem_size = no % 2 ? 24 : 16,
			.storage = (no / 2) % 2 ? FBUMP_STORAGE_FIXED
						: FBUMP_STORAGE_VM,
		};
		double t0 = now();

		run_round(&r, mix64(o->seed) + no, t);
		if (o->verbose)
			printf("round %zu: %zu writers x %zu, %zu readers, "
			       "%zu-byte %s elements: %s (%.2f s)\n", no,
			       r.writers, r.n, r.readers, r.elem_size,
			       r.storage == FBUMP_STORAGE_FIXED ? "FIXED"
								: "VM",
			       has_failed() ? "FAILED" : "ok", now() - t0);
	}
}

int main(int argc, char **argv)
{
	struct options o;
	struct totals t;
	double start = now();
	int err = parse_options(argc, argv, &o);

	if (err != 0)
		return err;
	memset(&t, 0, sizeof(t));
	SIGNAL_WORD(&failed);
	do
		run_plan_once(&o, &t);
	while (!has_failed() && now() - start < (double)o.seconds);
	if (has_failed()) {
		fprintf(stderr, "stress_fastarena: FAILED in round %zu: %s\n",
			t.rounds, fail_msg);
		return 1;
	}
	printf("stress_fastarena: ok: %zu rounds, %zu items verified; readers: "
	       "%zu scans checking %zu elements, %zu newest, %zu random gets, "
	       "%zu finished unpublished slots; writers: %zu allocs, %zu "
	       "batches, %zu begin/publish (%zu stopped a while); seed %zu, "
	       "%.2f s\n", t.rounds, t.items, t.scans, t.checked, t.newest,
	       t.gets, t.peeks, t.allocs, t.batches, t.begins, t.stops, o.seed,
	       now() - start);
	return 0;
}
