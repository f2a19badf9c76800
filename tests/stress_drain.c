/* SPDX-License-Identifier: Apache-2.0 */
/*
 * stress_drain.c - producers and consumers on one fbump_fastarena.
 *
 * Producers append items with fbump_fastarena_alloc_begin / _publish (or
 * fbump_fastarena_alloc), retrying on EBUSY; consumers call
 * fbump_fastarena_drain at the same time, from several threads, so that
 * exclusive sections race with each other and with writers in flight.
 * Every item must be drained exactly once, intact: a slot drained before
 * its writer wrote it (an exclusive section that ran with a writer in
 * flight) reads as the zero its last consumer left, or as an item already
 * seen, and is reported.  Then the arena must be empty and still usable.
 *
 *   stress_drain [-p producers] [-c consumers] [-n items per producer]
 *
 * Runs rounds until a drain has taken items while a producer ran, at
 * most MAX_ROUNDS.  A producer stops early when its round has run for
 * ROUND_SECONDS, so that a loaded machine, where every yield may cost a
 * time slice, makes the run shorter rather than minutes long; the checks
 * then cover the items it did produce.  Exit 0 when every check passes, 1
 * otherwise, and 77 (automake's skip) when no round had such a drain: the
 * run then tested nothing it is for.  make check runs it as is;
 * tests/stress-yield.test builds it with -DFBUMP_RANDOM_YIELD, where every
 * protocol step may yield or sleep.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fastbump.h>

enum { MAX_THREADS = 16, MAX_ROUNDS = 10, ROUND_SECONDS = 5 };

struct item {
	uint32_t producer;
	uint32_t seq;
	uint64_t check;		/* never 0 for a written item */
};

static uint64_t check_of(uint32_t producer, uint32_t seq)
{
	uint64_t x = ((uint64_t)producer << 32 | seq) + 0x9e3779b97f4a7c15u;

	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
	return (x ^ (x >> 31)) | 1;
}

static fbump_fastarena *arena;
static unsigned int producers = 2, consumers = 2;
static uint32_t items = 200000;

/* Written only by drain callbacks, which exclusive sections serialise. */
static unsigned char *seen[MAX_THREADS];
/* Items each producer appended this round, written by it alone and read
 * after it is joined; and when the round's producers stop early. */
static uint32_t produced[MAX_THREADS];
static struct timespec deadline;
static size_t drained, unwritten, duplicates, strangers;

/* Relaxed atomics: a stop flag, and failures counted by producers. */
static int producers_left;
static size_t publish_errors, alloc_errors, busy_retries;
static size_t drains, drains_refused;	/* by the consumers */
/* Drains that took items while a producer was still running: the races
 * this program is for.  A run with none has tested little. */
static size_t racing_drains;

static void count(size_t *c)
{
	__atomic_fetch_add(c, 1, __ATOMIC_RELAXED);
}

/* A drain callback: records the item and zeroes the slot, so that a slot
 * handed out again and drained before it is written reads as zero. */
static void consume(void *elem, size_t index, void *ctx)
{
	struct item *it = elem;
	size_t *taken = ctx;	/* the calling consumer's own count */

	(void)index;
	if (taken != NULL)
		++*taken;
	if (it->check == 0)
		unwritten++;
	else if (it->producer >= producers || it->seq >= items ||
		 it->check != check_of(it->producer, it->seq))
		strangers++;
	else if (seen[it->producer][it->seq]++ != 0)
		duplicates++;
	drained++;
	memset(it, 0, sizeof(*it));
}

/* Appends one item, half the time in two steps; retries on EBUSY. */
static void produce(uint32_t p, uint32_t seq)
{
	struct item v = { p, seq, check_of(p, seq) };

	for (;;) {
		size_t i;

		if (seq % 2 == 0) {
			struct item *slot = fbump_fastarena_alloc_begin(arena,
									&i);

			if (slot != NULL) {
				/* now and then, hold the slot unwritten
				 * while others run: the window in which an
				 * exclusive section must see a writer */
				if (seq % 8 == 0)
					sched_yield();
				*slot = v;
				if (fbump_fastarena_alloc_publish(arena, i) != 0)
					count(&publish_errors);
				return;
			}
		} else if (fbump_fastarena_alloc(arena, &v) != FBUMP_NONE) {
			return;
		}
		if (errno != EBUSY) {
			count(&alloc_errors);
			return;
		}
		count(&busy_retries);
		sched_yield();
	}
}

static bool past_deadline(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > deadline.tv_sec ||
	       (now.tv_sec == deadline.tv_sec && now.tv_nsec >= deadline.tv_nsec);
}

static void *producer_main(void *arg)
{
	uint32_t p = (uint32_t)(uintptr_t)arg;
	uint32_t s;

	for (s = 0; s < items; s++) {
		produce(p, s);
		if (s % 64 == 63) {	/* a pause: room for a drain */
			sched_yield();
			if (past_deadline()) {
				s++;
				break;
			}
		}
	}
	produced[p] = s;
	__atomic_fetch_sub(&producers_left, 1, __ATOMIC_RELAXED);
	return NULL;
}

static void *consumer_main(void *arg)
{
	(void)arg;
	while (__atomic_load_n(&producers_left, __ATOMIC_RELAXED) > 0) {
		size_t taken = 0;
		int err;

		if (fbump_fastarena_len(arena) == 0) {	/* nothing to take */
			sched_yield();
			continue;
		}
		err = fbump_fastarena_drain(arena, consume, &taken);
		if (taken > 0 &&
		    __atomic_load_n(&producers_left, __ATOMIC_RELAXED) > 0)
			count(&racing_drains);

		if (err != 0 && err != EBUSY) {
			fprintf(stderr, "stress_drain: drain: %s\n",
				strerror(err));
			exit(1);
		}
		count(err == 0 ? &drains : &drains_refused);
		sched_yield();	/* let the producers fill the arena */
	}
	return NULL;
}

static unsigned long parse(const char *s, unsigned long max)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v == 0 || v > max) {
		fprintf(stderr, "stress_drain: bad number %s (1..%lu)\n", s,
			max);
		exit(2);
	}
	return v;
}

static void parse_options(int argc, char **argv)
{
	int c;

	while ((c = getopt(argc, argv, "p:c:n:")) != -1) {
		switch (c) {
		case 'p':
			producers = (unsigned int)parse(optarg, MAX_THREADS);
			break;
		case 'c':
			consumers = (unsigned int)parse(optarg, MAX_THREADS);
			break;
		case 'n':
			items = (uint32_t)parse(optarg, 1u << 30);
			break;
		default:
			fprintf(stderr, "usage: %s [-p producers] "
				"[-c consumers] [-n items]\n", argv[0]);
			exit(2);
		}
	}
}

/* Checks a finished round: 0, or 1 with a message. */
static int check_round(unsigned int round)
{
	size_t missing = 0, made = 0;

	for (unsigned int p = 0; p < producers; p++) {
		made += produced[p];
		for (uint32_t s = 0; s < items; s++) {
			if (s < produced[p])
				missing += seen[p][s] == 0;
			else
				strangers += seen[p][s] != 0; /* never made */
		}
	}
	printf("stress_drain: after round %u, %u producers, %zu of %lu "
	       "items made (%d s a round at most), %u consumers: %zu items "
	       "drained by %zu drains (%zu while producers ran, %zu refused "
	       "with EBUSY); %zu appends retried after EBUSY\n", round + 1,
	       producers, made, (unsigned long)items * producers,
	       ROUND_SECONDS, consumers, drained, drains, racing_drains,
	       drains_refused, busy_retries);
	if (unwritten || duplicates || strangers || missing ||
	    publish_errors || alloc_errors) {
		printf("FAIL: %zu unwritten slots drained, %zu duplicates, "
		       "%zu foreign items, %zu items lost, %zu publish "
		       "errors, %zu alloc errors\n", unwritten, duplicates,
		       strangers, missing, publish_errors, alloc_errors);
		return 1;
	}
	return 0;
}

/* Producers and consumers until every producer has returned, then the
 * last drain: 0, or 1 with a message. */
static int run_round(unsigned int round)
{
	pthread_t t[2 * MAX_THREADS];
	unsigned int k;

	for (unsigned int p = 0; p < producers; p++)
		memset(seen[p], 0, items);
	producers_left = (int)producers;
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += ROUND_SECONDS;
	for (k = 0; k < producers + consumers; k++) {
		void *(*fn)(void *) = k < producers ? producer_main
						    : consumer_main;

		if (pthread_create(&t[k], NULL, fn, (void *)(uintptr_t)k) != 0) {
			perror("stress_drain: pthread_create");
			exit(1);
		}
	}
	for (k = 0; k < producers + consumers; k++)
		pthread_join(t[k], NULL);
	/* every thread has returned: nothing is in flight */
	if (fbump_fastarena_drain(arena, consume, NULL) != 0 ||
	    fbump_fastarena_len(arena) != 0) {
		printf("FAIL: the last drain failed or left elements\n");
		return 1;
	}
	return check_round(round);
}

int main(int argc, char **argv)
{
	struct fbump_config cfg = FBUMP_CONFIG_INIT(struct item);
	unsigned int round;
	int status = 0;

	parse_options(argc, argv);
	arena = fbump_fastarena_create(&cfg);
	if (arena == NULL) {
		perror("stress_drain: fbump_fastarena_create");
		return 1;
	}
	for (unsigned int p = 0; p < producers; p++) {
		seen[p] = malloc(items);
		if (seen[p] == NULL) {
			perror("stress_drain: malloc");
			return 1;
		}
	}
	/* on a busy machine the consumers may never run while the producers
	 * do: more rounds, until a drain has raced with them */
	for (round = 0; round < MAX_ROUNDS && status == 0 &&
	     racing_drains == 0; round++)
		status = run_round(round);
	for (unsigned int p = 0; p < producers; p++)
		free(seen[p]);
	if (fbump_fastarena_destroy(arena) != 0) {
		printf("FAIL: destroy: %s\n", strerror(errno));
		return 1;
	}
	if (status == 0 && racing_drains == 0) {
		printf("SKIP: in %u rounds, no drain took items while "
		       "producers ran\n", MAX_ROUNDS);
		return 77;
	}
	return status;
}
