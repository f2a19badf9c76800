/* SPDX-License-Identifier: Apache-2.0 */
/*
 * parallel_graph.c - writer threads add nodes to one fbump_fastarena, each
 * linked to a node already published, while a reader thread walks the
 * published slice over and over.  At the end every node must be there
 * exactly once, and the reader must never have seen a half-written node or
 * an edge to a later one.  Odd writers add batches with alloc_extend, which
 * lands each batch in consecutive slots.  Exits 0 if all checks pass.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <fastbump.h>

#define WRITERS 4
#define PER_WRITER 20000
#define BATCH 8

struct node {
	unsigned writer, seq;	/* who added it, and its number there */
	size_t parent;		/* an earlier node, or FBUMP_NONE */
	uint64_t check;		/* a hash of the fields above */
};

static fbump_fastarena *graph;
static atomic_int writers_done;
static size_t reader_bad, reader_last;	/* main reads them after join */

static uint64_t hash(const struct node *n)
{
	return ((uint64_t)n->writer << 32 | n->seq) * 0x9e3779b97f4a7c15u ^
	       n->parent;
}

static void *writer(void *arg)
{
	unsigned w = (unsigned)(uintptr_t)arg, seq = 0, k;
	struct node b[BATCH];
	size_t first, len;

	while (seq < PER_WRITER) {
		unsigned n = w % 2 ? BATCH : 1;	/* PER_WRITER % BATCH == 0 */

		for (k = 0; k < n; k++, seq++) {
			len = fbump_fastarena_len(graph);  /* published so far */
			b[k].writer = w;
			b[k].seq = seq;
			b[k].parent = len > 0 ? (seq * 7919u + w) % len : FBUMP_NONE;
			b[k].check = hash(&b[k]);
		}
		first = fbump_fastarena_alloc_extend(graph, b, n);
		if (first == FBUMP_NONE)
			return (void *)1;
	}
	return NULL;
}

/* walk the published slice until the writers are done; count bad nodes */
static void *reader(void *arg)
{
	size_t i, passes = 0;
	int done;

	(void)arg;
	do {
		done = atomic_load(&writers_done);	/* then one more pass */
		i = 0;
		FBUMP_FASTARENA_FOREACH(struct node, v, graph) {
			if (v->check != hash(v) ||
			    (v->parent != FBUMP_NONE && v->parent >= i))
				reader_bad++;
			i++;
		}
		reader_bad += i < reader_last;	/* the slice never shrinks */
		reader_last = i;
		passes++;
		sched_yield();
	} while (!done);
	printf("reader: %zu passes, %zu nodes in the last\n", passes, i);
	return NULL;
}

int main(void)
{
	struct fbump_config cfg = FBUMP_CONFIG_INIT(struct node);
	static unsigned char seen[WRITERS][PER_WRITER];
	pthread_t w[WRITERS], r;
	size_t bad = 0, i;
	void *ret;

	graph = fbump_fastarena_create(&cfg);
	if (graph == NULL || pthread_create(&r, NULL, reader, NULL) != 0)
		return 1;
	for (i = 0; i < WRITERS; i++)
		if (pthread_create(&w[i], NULL, writer, (void *)(uintptr_t)i))
			return 1;
	for (i = 0; i < WRITERS; i++) {
		pthread_join(w[i], &ret);
		bad += ret != NULL;
	}
	atomic_store(&writers_done, 1);
	pthread_join(r, NULL);
	bad += reader_bad + (reader_last != (size_t)WRITERS * PER_WRITER);

	/* every node once; each odd writer's batch in consecutive slots */
	bad += fbump_fastarena_len(graph) != (size_t)WRITERS * PER_WRITER;
	for (i = 0; i < fbump_fastarena_len(graph); i++) {
		const struct node *n = fbump_fastarena_get(graph, i);

		if (n == NULL || n->writer >= WRITERS || n->seq >= PER_WRITER ||
		    seen[n->writer][n->seq]++ != 0) {
			bad++;
			continue;
		}
		if (n->writer % 2 && n->seq % BATCH != 0 && (i == 0 ||
		    n[-1].writer != n->writer || n[-1].seq != n->seq - 1))
			bad++;
	}
	printf("%zu nodes from %d writers, %zu failures\n",
	       fbump_fastarena_len(graph), WRITERS, bad);
	if (fbump_fastarena_destroy(graph) != 0)
		bad++;
	return bad == 0 ? 0 : 1;
}
