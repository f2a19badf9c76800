/* SPDX-License-Identifier: Apache-2.0 */
/*
 * yield.c - the PUB_STEP() hook of stress builds (-DFBUMP_RANDOM_YIELD):
 * at each step of the publication protocol, a thread yields the CPU now
 * and then, and rarely sleeps a few microseconds, so that a machine with
 * few cores still shows the interleavings of a large one.  Nothing here
 * synchronises: each thread has its own generator.
 */
#include "config.h"

#ifdef FBUMP_RANDOM_YIELD

/* nanosleep and clock_gettime are POSIX: a strict -std=c11 build with a
 * config.h that does not ask for system extensions still needs them */
#if !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
# define _POSIX_C_SOURCE 200809L
#endif

#include <sched.h>
#include <stdint.h>
#include <time.h>

void fbump_protocol_step(void);

/* xorshift64 state of this thread; 0 until the first step seeds it */
static _Thread_local uint64_t step_rng;

static uint64_t step_seed(void)
{
	struct timespec ts;
	uint64_t x;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	/* the address of the thread-local state differs between threads
	 * that start at the same nanosecond; pthread_self() may not be an
	 * integer, so it is not used directly */
	x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 32) ^
	    (uint64_t)(uintptr_t)&step_rng;
	/* splitmix64 finaliser: spreads the bits; never leaves 0 */
	x += 0x9e3779b97f4a7c15u;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
	x ^= x >> 31;
	return x != 0 ? x : 0x2545f4914f6cdd1du;
}

void fbump_protocol_step(void)
{
	uint64_t x = step_rng;

	if (x == 0)
		x = step_seed();
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	step_rng = x;

	if ((x & 0xff) == 0) {
		/* 1/256: sleep 1 to 50 microseconds */
		struct timespec ts = {
			0, (long)(1 + (x >> 8) % 50) * 1000L
		};

		nanosleep(&ts, NULL);
	} else if ((x & 0x7) == 0) {
		/* 1/8 (of the rest): give up the CPU */
		sched_yield();
	}
}

#else

/* ISO C forbids an empty translation unit. */
typedef int fbump_yield_unused_t;

#endif /* FBUMP_RANDOM_YIELD */
