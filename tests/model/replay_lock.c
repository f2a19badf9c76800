/* SPDX-License-Identifier: Apache-2.0 */
/*
 * replay_lock.c - a deterministic replay, on the real lib/publish.h, of
 * the interleaving in which pub_lock's compare-and-swap of the cursor
 * meets an ABA: a second exclusive section lowers the cursor, writers take
 * it back to the same figure, and one of them has not written its slot.
 *
 * The atomics layer is the library's own (__atomic) plus a hook: when a CAS is
 * about to set PUB_EXCLUSIVE for the first time, the "other threads" run
 * to completion, as if the locking thread had been preempted just before
 * its CAS.  pub_lock must then refuse with EBUSY and change nothing; the
 * protocol before this test took the lock with a writer in flight.
 * Exit 0 when the protocol behaves, 1 with a message otherwise.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* The library's own atomics layer, with its CAS replaced below. */
#include "atomics.h"

static void (*preempt_hook)(void);

/* Runs the hook once, before the first CAS that sets the exclusive bit. */
static void before_cas(uint64_t desired, size_t size)
{
	void (*h)(void) = preempt_hook;

	if (h != NULL && size == sizeof(size_t) &&
	    (desired >> (sizeof(size_t) * 8 - 1)) != 0) {
		preempt_hook = NULL;
		h();
	}
}

#undef fbump_atomic_cas
#define fbump_atomic_cas(p, e, d, ok, fail) \
	(before_cas((uint64_t)(d), sizeof(*(p))), \
	 __atomic_compare_exchange_n((p), (e), (d), false, (ok), (fail)))

#include "publish.h"

enum { CAP = 64 };

static struct fbump_pub pub;
static uint64_t published;
static unsigned char ready[CAP];
static int slot[CAP];		/* 0: unwritten, else the writer's value */
static size_t in_flight;	/* the slot a writer holds, unwritten */
static int failures;

static void fail(const char *what)
{
	printf("FAIL: %s\n", what);
	failures++;
}

static int no_ensure(void *ctx, size_t end)
{
	(void)ctx;
	(void)end;
	return 0;
}

static size_t reserve_one(void)
{
	size_t i;

	if (pub_reserve(&pub, 1, &i, no_ensure, NULL) != 0) {
		printf("FAIL: pub_reserve refused\n");
		exit(1);
	}
	return i;
}

static void alloc_one(int value)
{
	size_t i = reserve_one();

	slot[i] = value;
	pub_finish(&pub, i, 1);
}

/* Exclusive section: drop every slot, as reset does. */
static int reset_all(void)
{
	size_t len;
	int err = pub_lock(&pub, &len);

	if (err != 0)
		return err;
	for (size_t i = len; i > 0; i--) {
		pub_drop_last(&pub, i - 1);
		slot[i - 1] = 0;
	}
	pub_unlock(&pub, 0);
	return 0;
}

/* While the first thread is preempted before its CAS: another thread
 * resets, four writers refill slots 0-3, and a fifth reserves slot 4 and
 * stops before writing it.  The cursor is back at 5. */
static void other_threads(void)
{
	if (reset_all() != 0)
		fail("the other thread's reset was refused");
	for (int k = 0; k < 4; k++)
		alloc_one(100 + k);
	in_flight = reserve_one();
}

int main(void)
{
	size_t len = 0;
	int err;

	pub.published = &published;
	pub.ready = ready;
	pub.capacity = CAP;
	for (int k = 0; k < 5; k++)
		alloc_one(1 + k);

	/* The first thread resets: it reads cursor 5, sees 5 published,
	 * and is preempted just before its CAS of the cursor. */
	preempt_hook = other_threads;
	err = pub_lock(&pub, &len);
	if (preempt_hook != NULL)
		fail("the replay's hook never ran");
	if (err != EBUSY)
		fail("pub_lock took the lock with slot 4 unwritten");
	if (err == 0)
		pub_unlock(&pub, len);
	if (pub_reserved(&pub) != 5)
		fail("the refused pub_lock left the cursor changed");
	if (pub_advance(&pub) != 4)
		fail("the published count is not 4 with slot 4 in flight");

	/* The writer finishes: everything is published, and a lock now
	 * succeeds with all five slots written. */
	slot[in_flight] = 999;
	pub_finish(&pub, in_flight, 1);
	if (pub_advance(&pub) != 5)
		fail("the count did not reach 5 once slot 4 was written");
	if (pub_lock(&pub, &len) != 0 || len != 5)
		fail("pub_lock refused with no writer in flight");
	else {
		for (size_t i = 0; i < len; i++)
			if (slot[i] == 0)
				fail("a locked slot is unwritten");
		pub_unlock(&pub, len);
	}
	if (failures == 0)
		printf("PASS: pub_lock refuses a cursor that went away and "
		       "came back\n");
	return failures != 0;
}
