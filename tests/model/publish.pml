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
 * The published word is an epoch and a count: a section advances the epoch
 * in the store that first lowers the count (pub_drop_last), every CAS of
 * pub_advance expects the epoch with the count, and the front writer's
 * store and pub_lock's CAS keep the epoch they read.
 *
 * Properties:
 *   I1  count <= cursor, and every slot below the count is written
 *       (a never claim: checked in every reachable state);
 *   I3  outside an exclusive section, no store lowers the count (asserted
 *       at every store) and a reader's counts never decrease;
 *   I4  once every process has ended, pub_advance brings the count to
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
 *   5  2 writers (one of them allocates twice) + a rollback to 1 slot + a
 *      thread calling len twice (a helper that is neither)
 *   6  1 writer (2 allocations of 1 slot) + 2 resets
 * Mutants (each must fail):
 *   -DMUTANT_LOCK     pub_lock checks neither pub_advance's count nor the
 *                     word's against the cursor (a writer may be in
 *                     flight): fails in CFG 3
 *   -DMUTANT_FAST     the front-writer fast path is taken when
 *                     count <= first instead of count == first: CFG 1
 *   -DMUTANT_NOEPOCH  a section does not advance the epoch (the protocol
 *                     before the epoch): a helper that scanned the flags
 *                     before a rollback raises the count over a destroyed
 *                     slot after it (ABA): CFG 4
 *   -DMUTANT_ABA      pub_lock trusts its CAS of the cursor and does not
 *                     check the word's count with its second CAS: the other
 *                     reset lowered the cursor, the writer took it back
 *                     to c and is still writing (ABA on the cursor): CFG 6
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
byte published;		/* the public word: its count ... */
byte epoch = 255;	/* ... and its epoch (one word in C, read, CASed and
			 * stored as one here); it starts at its last value,
			 * so the first exclusive section wraps it */
bit ready[CAP];		/* one flag per slot */

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

/* pub_advance: returns in 'pub' the count it saw last ('ep' is the
 * epoch of the word it saw last). */
inline advance(pub, ep, hi, to)
{
	atomic { pub = published; ep = epoch };
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
			atomic {	/* the CAS, on count and epoch */
				if
				:: published == pub && epoch == ep ->
					assert(exclusive || to >= published);
					published = to;
					pub = to
				:: else -> pub = published; ep = epoch
				fi;
				hi = 0; to = 0
			}
		fi
	od
}

/* pub_reserve, write the slots, pub_finish (which helps). */
inline alloc(n, err, c, first, i, pub, ep, hi, to)
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
		atomic { pub = published; ep = epoch };
		if
#ifndef MUTANT_FAST
		:: pub == first ->
#else
		:: pub <= first ->
#endif
			atomic {	/* the store, of count and epoch */
				assert(exclusive || first + n >= published);
				assert(ep == epoch);
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
		atomic { c = 0; first = 0; i = 0; pub = 0; ep = 0 };
		advance(pub, ep, hi, to);
		atomic { pub = 0; ep = 0 }
	:: else
	fi
}

proctype Writer(byte n1; byte n2)
{
	byte err, c, first, i, pub, ep, hi, to;

	alloc(n1, err, c, first, i, pub, ep, hi, to);
	assert(err == 0 || err == EBUSY);
	if
	:: n2 > 0 ->
		alloc(n2, err, c, first, i, pub, ep, hi, to);
		assert(err == 0 || err == EBUSY)
	:: else
	fi
}

/* len, then get of every slot below it, then try_get (pub_reserved,
 * pub_is_ready) of the reserved slots; twice.  Only with no exclusive
 * section, whose destructors a reader may legitimately race with. */
proctype Reader()
{
	byte last, n, i, res, ep, hi, to, r;

	r = 0;
	do
	:: r < 2 ->
		advance(n, ep, hi, to);
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

/* len, twice, with no check of the slots: a helper that runs alongside
 * exclusive sections (I1 is checked in every state anyway). */
proctype Helper()
{
	byte n, ep, hi, to;

	advance(n, ep, hi, to);
	atomic { n = 0; ep = 0 };
	advance(n, ep, hi, to)
}

/* pub_lock; rollback to 'keep' (truncate_to: pub_drop_last then the
 * destructor, from the last slot down); pub_unlock. */
proctype Locker(byte keep)
{
	byte c, pub, ep, hi, to, n, i, k;
	bit ok;

	c = cursor;
	if
	:: (c & EXCL) -> goto busy
	:: else
	fi;
	advance(pub, ep, hi, to);
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
	/* The word must still have a count of c: the cursor may have left c
	 * and come back with a writer in flight.  A load (a guess), then a
	 * CAS that checks it and writes it unchanged. */
	atomic { pub = published; ep = epoch };
	atomic {
		if
#if !defined(MUTANT_ABA) && !defined(MUTANT_LOCK)
		:: pub == c && published == pub && epoch == ep -> ok = 1
#else
		:: true -> ok = 1
#endif
		:: else -> ok = 0
		fi
	};
	if
	:: !ok -> cursor = c; goto busy	/* restore, EBUSY */
	:: else
	fi;
	atomic {
		assert(unfinished == 0);	/* I5 */
		exclusive = 1
	};
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
		atomic {	/* one store of count and epoch */
#ifndef MUTANT_NOEPOCH
			if	/* the first lowering: a new epoch */
			:: i == n -> epoch++
			:: else
			fi;
#endif
			published = i - 1
		};
		written[i - 1] = 0;	/* the destructor */
		i--
	:: else -> break
	od;
	atomic {
		exclusive = 0;
		expect = k;
		cursor = k	/* pub_unlock */
	}
busy:
	skip
}

init {
	byte pub, ep, hi, to;

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
#elif CFG == 5
		run Writer(1, 1);
		run Writer(1, 0);
		run Locker(1);
		run Helper()
#elif CFG == 6
		run Writer(1, 1);
		run Locker(0);
		run Locker(0)
#else
		assert(false)	/* unknown CFG */
#endif
	}
	/* join: only init is left */
	_nr_pr == 1;
	advance(pub, ep, hi, to);
	assert((cursor & EXCL) == 0);
	assert(unfinished == 0);
	assert(cursor == expect);
	assert(pub == cursor);		/* I4: no stall */
	assert(published == cursor)
}
