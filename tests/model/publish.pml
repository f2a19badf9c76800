/* SPDX-License-Identifier: Apache-2.0 */
/*
 * publish.pml - a Promela model of the publication protocol of
 * fbump_fastarena (lib/publish.h, doc/design-fastarena.md) for spin.
 *
 * Sequentially consistent: this checks the protocol's logic (which
 * interleavings of reserve, write, finish, help, lock, rollback and unlock
 * are possible), not its memory orders; tests/model/relacy_publish.cpp
 * checks the real source under the C11 model.  Every shared access of
 * publish.h is one Promela step (the flag scan is one step per flag), so
 * a thread can be preempted between any two of them.
 *
 * Properties:
 *   I1  published <= cursor, and every slot below published is written
 *       (an LTL safety property, checked in every reachable state);
 *   I3  outside an exclusive section, no store lowers published (asserted
 *       at every store) and a reader's counts never decrease;
 *   I4  once every process has ended, pub_advance brings published to
 *       cursor, which is every slot handed out (init checks it);
 *   I5  an exclusive section starts only with no reserved slot unfinished,
 *       and no reservation succeeds while one runs (asserted).
 *   Also: no slot is handed out twice.
 *
 * Configurations (spin -DCFG=n):
 *   1  2 writers (one allocates 1 slot twice, one 2 slots at once) + a
 *      reader (twice: len, then get of every slot below it, then try_get
 *      of the reserved slots)
 *   2  3 writers (1 slot each) + the reader
 *   3  1 writer (2 allocations of 1 slot) + a reset (lock, drop every
 *      slot, unlock)
 *   4  2 writers (1 slot each) + a rollback to 1 slot
 * Variants:
 *   -DMUTANT_LOCK  pub_lock does not check that published == cursor
 *                  (a writer may be in flight): must fail in CFG 3
 *   -DMUTANT_FAST  the front-writer fast path is taken when pub <= first
 *                  instead of pub == first: must fail in CFG 1
 *   -DFIX          a candidate fix of the ABA found in CFG 3 (see
 *                  tests/model/README.md): helpers register before their
 *                  CAS and check a generation; pub_lock backs out if a
 *                  helper is registered
 *
 * Run: spin -a -DCFG=n publish.pml && cc -O2 -DSAFETY -o pan pan.c && ./pan
 */

#ifndef CFG
#define CFG 1
#endif

#define CAP	4	/* slots */
#define EXCL	128	/* PUB_EXCLUSIVE: the top bit of cursor */
#define COUNT	127	/* ~PUB_EXCLUSIVE */
#define EBUSY	16
#define ENOSPC	28
#define RETRY	1

byte cursor;		/* slots handed out | EXCL */
byte published;		/* the public count */
bit ready[CAP];		/* one flag per slot */
#ifdef FIX
byte gen;		/* generation, bumped by every unlock; in C it would
			 * live in high bits of cursor (updated with it) */
byte helpers;		/* helpers between their check and their CAS */
#endif

/* ghost state */
bit written[CAP];	/* the slot holds its writer's value */
byte unfinished;	/* reserved slots not yet finished */
bit exclusive;		/* an exclusive section runs */
byte expect;		/* slots handed out */

#define W(i)	(published <= i || written[i])
#define INV	(published <= (cursor & COUNT) && W(0) && W(1) && W(2) && W(3))

/* I1, checked in every reachable state: a safety never claim, which
 * ends (a violation) in the first state where INV does not hold. */
never {
	do
	:: !INV -> break
	:: else
	od
}

/* pub_advance: returns in 'pub' the count it saw last. */
#ifndef FIX
inline advance(pub, hi, to, g0)
{
	pub = published;
	do
	:: true ->
		atomic { hi = cursor & COUNT; to = pub };
		do
		:: atomic { (to < hi && ready[to]) -> to++ }
		:: else -> break
		od;
		if
		:: to == pub -> hi = 0; to = 0; break
		:: else ->
			atomic {
				if
				:: published == pub ->
					assert(exclusive || to >= published);
					published = to;
					pub = to
				:: else -> pub = published
				fi;
				hi = 0; to = 0
			}
		fi
	od
}
#else
inline advance(pub, hi, to, g0)
{
	g0 = gen;	/* with cursor, in one load, in C */
	pub = published;
	do
	:: true ->
		atomic { hi = cursor & COUNT; to = pub };
		do
		:: atomic { (to < hi && ready[to]) -> to++ }
		:: else -> break
		od;
		if
		:: to == pub -> hi = 0; to = 0; break
		:: else ->
			helpers++;	/* seq_cst RMW */
			if
			:: ((cursor & EXCL) || gen != g0) ->
				/* a section runs or ran since we began:
				 * our scan may be stale; do not help */
				atomic {
					helpers--;
					pub = published;
					hi = 0; to = 0
				};
				break
			:: else
			fi;
			atomic {
				if
				:: published == pub ->
					assert(exclusive || to >= published);
					published = to;
					pub = to
				:: else -> pub = published
				fi;
				hi = 0; to = 0
			}
			helpers--
		fi
	od
}
#endif

/* pub_reserve, write the slots, pub_finish (which helps). */
inline alloc(n, err, c, first, i, pub, hi, to, g0)
{
	c = cursor;
	do
	:: (c & EXCL) -> err = EBUSY; break
	:: else ->
		if
		:: n > CAP - c -> err = ENOSPC; break
		:: else
		fi;
		atomic {
			if
			:: cursor == c ->
				cursor = c + n;
				err = 0;
				assert(!exclusive);		/* I5 */
				unfinished = unfinished + n;
				if
				:: c + n > expect -> expect = c + n
				:: else
				fi
			:: else -> c = cursor; err = RETRY
			fi
		}
		if
		:: err == 0 -> break
		:: else
		fi
	od;
	if
	:: err == 0 ->
		first = c;
		i = first;
		do
		:: i < first + n ->
			assert(!written[i]);	/* not handed out twice */
			written[i] = 1;
			i++
		:: else -> break
		od;
		pub = published;
		if
#ifndef MUTANT_FAST
		:: pub == first ->
#else
		:: pub <= first ->
#endif
			atomic {
				assert(exclusive || first + n >= published);
				published = first + n;
				unfinished = unfinished - n
			}
		:: else ->
			i = first;
			do
			:: i < first + n ->
				atomic { ready[i] = 1; unfinished-- };
				i++
			:: else -> break
			od
		fi;
		atomic { c = 0; first = 0; i = 0; pub = 0 };
		advance(pub, hi, to, g0);
		pub = 0; g0 = 0
	:: else
	fi
}

proctype Writer(byte n1; byte n2)
{
	byte err, c, first, i, pub, hi, to, g0;

	alloc(n1, err, c, first, i, pub, hi, to, g0);
	assert(err == 0 || err == EBUSY);
	if
	:: n2 > 0 ->
		alloc(n2, err, c, first, i, pub, hi, to, g0);
		assert(err == 0 || err == EBUSY)
	:: else
	fi
}

/* len, then get of every slot below it, then try_get (pub_reserved,
 * pub_is_ready) of the reserved slots; twice.  Only with no exclusive
 * section, whose destructors a reader may legitimately race with. */
proctype Reader()
{
	byte last, n, i, res, hi, to, g0, r;

	r = 0;
	do
	:: r < 2 ->
		advance(n, hi, to, g0);
		assert(n >= last);		/* I3 */
		last = n;
		/* get of the slots below len (I2), then try_get of the
		 * reserved slots (pub_reserved, pub_is_ready).  Each
		 * check is one step: under SC, and with no exclusive
		 * section, a slot once written stays written, so checking
		 * later could not find more. */
		d_step {
			i = 0;
			do
			:: i < n -> assert(written[i]); i++
			:: else -> break
			od;
			res = cursor & COUNT;
			assert(res >= n);
			do
			:: i < res ->
				if
				:: (i < published || ready[i]) ->
					assert(written[i])
				:: else
				fi;
				i++
			:: else -> break
			od
		};
		atomic { i = 0; res = 0; n = 0; r++ }
	:: else -> break
	od
}

/* pub_lock; rollback to 'keep' (truncate_to: pub_drop_last then the
 * destructor, from the last slot down); pub_unlock. */
proctype Locker(byte keep)
{
	byte c, pub, hi, to, g0, n, i, k;

	c = cursor;
	if
	:: (c & EXCL) -> goto busy
	:: else
	fi;
	advance(pub, hi, to, g0);
#ifndef MUTANT_LOCK
	if
	:: pub != c -> goto busy	/* a reserved slot is unfinished */
	:: else
	fi;
#endif
	atomic {
		if
		:: cursor == c -> cursor = c | EXCL
		:: else -> goto busy
		fi
	}
#ifdef FIX
	if
	:: helpers != 0 -> cursor = c; goto busy	/* back out */
	:: else
	fi;
#endif
	atomic {
		assert(unfinished == 0);	/* I5 */
		exclusive = 1
	}
	n = c;
	k = keep;
	if
	:: k > n -> k = n
	:: else
	fi;
	i = n;
	do
	:: i > k ->
		ready[i - 1] = 0;	/* pub_drop_last */
		published = i - 1;
		written[i - 1] = 0;	/* the destructor */
		i--
	:: else -> break
	od;
	atomic {
		exclusive = 0;
		expect = k;
#ifdef FIX
		gen++;
#endif
		cursor = k	/* pub_unlock */
	}
busy:
	skip
}

init {
	byte pub, hi, to, g0;

	atomic {
#if CFG == 1
		run Writer(1, 1);
		run Writer(2, 0);
		run Reader()
#elif CFG == 2
		run Writer(1, 0);
		run Writer(1, 0);
		run Writer(1, 0);
		run Reader()
#elif CFG == 3
		run Writer(1, 1);
		run Locker(0)
#elif CFG == 4
		run Writer(1, 0);
		run Writer(1, 0);
		run Locker(1)
#else
		assert(false)	/* unknown CFG */
#endif
	}
	/* join: only init is left */
	_nr_pr == 1;
	advance(pub, hi, to, g0);
	assert((cursor & EXCL) == 0);
	assert(unfinished == 0);
	assert(cursor == expect);
	assert(pub == cursor);		/* I4: no stall */
	assert(published == cursor)
}
