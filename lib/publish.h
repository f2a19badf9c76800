/* SPDX-License-Identifier: Apache-2.0 */
/*
 * publish.h - the publication protocol of fbump_fastarena.
 *
 * Kept apart from the arena so that the same source is what a model checker
 * checks (tests/model/).  It depends only on atomics.h and annotate.h.
 * doc/design-fastarena.md explains the protocol and proves its invariants.
 * "count" is the published count, the low bits of *published; its high
 * bits are an epoch that every exclusive section that lowers the count
 * advances, in the store that first lowers it.
 *
 *   I1  count <= cursor, and every slot below count is finished (written
 *       by its writer).
 *   I2  A reader that sees index < count (acquire) sees the slot's bytes:
 *       a reader never sees an unwritten slot.
 *   I3  count never decreases outside an exclusive section, and a helper
 *       that read the flags before an exclusive section can never raise
 *       the count after it: if the section lowered the count, the
 *       helper's CAS expects the old epoch and fails; if not, every flag
 *       the helper saw set is still set, and its slot still finished.
 *   I4  Once every writer has returned, pub_advance (which len, the slice
 *       and the exclusive operations call) brings count to cursor: no
 *       stall, whatever the interleaving.
 *   I5  An exclusive section starts only when count == cursor (no writer
 *       in flight), and no writer can reserve while it runs.
 */
#ifndef FBUMP_PUBLISH_H
#define FBUMP_PUBLISH_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "annotate.h"
#include "atomics.h"

/* The top bit of cursor: an exclusive operation is running. */
#define PUB_EXCLUSIVE ((size_t)1 << (sizeof(size_t) * 8 - 1))

/* *published = epoch << PUB_COUNT_BITS | count */
#define PUB_COUNT_BITS 40
#define PUB_COUNT_MASK ((((uint64_t)1) << PUB_COUNT_BITS) - 1)
#define PUB_EPOCH_ONE (((uint64_t)1) << PUB_COUNT_BITS)
/* What a section adds to the word when it first lowers the count; a model
 * checker's harness may define it to break the protocol on purpose. */
#ifndef PUB_EPOCH_STEP
# define PUB_EPOCH_STEP PUB_EPOCH_ONE
#endif
/* The most slots an arena may have: the count must fit its bits. */
#define PUB_MAX_SLOTS \
	(PUB_COUNT_MASK < (uint64_t)(PUB_EXCLUSIVE - 1) ? \
	 (size_t)PUB_COUNT_MASK : PUB_EXCLUSIVE - 1)

static inline size_t pub_count(uint64_t word)
{
	return (size_t)(word & PUB_COUNT_MASK);
}

/* The same word with the count replaced. */
static inline uint64_t pub_with_count(uint64_t word, size_t count)
{
	return (word & ~PUB_COUNT_MASK) | (uint64_t)count;
}

#ifdef FBUMP_RANDOM_YIELD
/* Stress builds: a random sched_yield or short sleep at each protocol
 * step, to widen the interleavings that a 2-core machine shows. */
void fbump_protocol_step(void);
# define PUB_STEP() fbump_protocol_step()
#else
# define PUB_STEP() ((void)0)
#endif

struct fbump_pub {
	/* Slots handed out | PUB_EXCLUSIVE.  The arena keeps it in the
	 * cache line of the published word: a writer writes both, so under
	 * contention one transfer of the line serves the reservation and
	 * the publication. */
	fbump_atomic_size cursor;
	fbump_atomic_u64 *published;	/* the public head's field */
	fbump_atomic_flag8 *ready;	/* one flag per slot */
	size_t capacity;		/* slots that may be handed out */
};

/* Makes memory usable for slots [0, end): 0 or an errno value. */
typedef int pub_ensure_fn(void *ctx, size_t end);

/* Reserves n contiguous slots with a single atomic step, never past
 * capacity.  Returns 0 with *first set, EBUSY during an exclusive
 * section, ENOSPC when they do not fit, or ensure's error; on failure
 * nothing is reserved. */
static inline int pub_reserve(struct fbump_pub *p, size_t n, size_t *first,
			      pub_ensure_fn *ensure, void *ctx)
{
	/* acquire: pairs with pub_unlock's release, so the destructors and
	 * flag clearing of a finished exclusive section happen before we
	 * reuse its slots. */
	size_t c = fbump_atomic_load(&p->cursor, FBUMP_ACQUIRE);
	int err;

	for (;;) {
		if (c & PUB_EXCLUSIVE)
			return EBUSY;
		if (n > p->capacity - c)
			return ENOSPC;
		/* commit before reserving, so a failed commit reserves
		 * nothing and the cursor never passes usable memory */
		err = ensure(ctx, c + n);
		if (err != 0)
			return err;
		PUB_STEP();
		/* acquire on success, for the reason above (the value read
		 * may be one a pub_unlock stored); acquire on failure since
		 * we loop on the value seen. */
		if (fbump_atomic_cas(&p->cursor, &c, c + n, FBUMP_ACQUIRE,
				     FBUMP_ACQUIRE))
			break;
	}
	FBUMP_HAPPENS_AFTER(&p->cursor);
	*first = c;
	return 0;
}

/* Length of the run of finished slots from 'from', below 'end'. */
static inline size_t pub_scan(const struct fbump_pub *p, size_t from,
			      size_t end)
{
	/* acquire: pairs with pub_finish's release; seeing the flag
	 * makes the slot's bytes visible to us, and through our release in
	 * pub_advance to whoever reads the published count. */
	while (from < end && fbump_atomic_load(&p->ready[from], FBUMP_ACQUIRE)) {
		FBUMP_HAPPENS_AFTER(&p->ready[from]);
		from++;
	}
	return from;
}

/* Advances the published count over every finished slot it can see,
 * helping the writers; returns the count it saw last.  Lock-free: each
 * round either moves the count or sees another thread change the word. */
static inline size_t pub_advance(struct fbump_pub *p)
{
	/* acquire: what we return lets the caller read slots below it, and
	 * flags cleared by the exclusive section that stored this word are
	 * seen as cleared. */
	uint64_t word = fbump_atomic_load(p->published, FBUMP_ACQUIRE);

	for (;;) {
		size_t pub = pub_count(word);
		/* relaxed: cursor only bounds the scan; the flags, read
		 * with acquire, are what say a slot is finished. */
		size_t end = fbump_atomic_load(&p->cursor, FBUMP_RELAXED) &
			     ~PUB_EXCLUSIVE;
		size_t to = pub_scan(p, pub, end);

		if (to == pub) {
			FBUMP_HAPPENS_AFTER(p->published);
			return pub;
		}
		PUB_STEP();
		FBUMP_HAPPENS_BEFORE(p->published);
		/* The CAS expects the epoch too: if an exclusive section ran
		 * since we loaded the word, the flags we scanned may be stale
		 * and the CAS fails (I3).
		 * release on success: hands the slots' bytes, which we
		 * acquired through their flags, on to every reader that
		 * acquires the word.  acquire on failure: we continue from
		 * the newer word and may return its count. */
		if (fbump_atomic_cas(p->published, &word,
				     pub_with_count(word, to), FBUMP_RELEASE,
				     FBUMP_ACQUIRE))
			word = pub_with_count(word, to);
	}
}

/* Marks slots [first, first + n), now written, as finished, then helps
 * advance the published prefix.  Never waits for another writer. */
static inline void pub_finish(struct fbump_pub *p, size_t first, size_t n)
{
	/* acquire: so that, on the fast path below, our store cannot be
	 * ordered before the load that justified it, and helping starts from
	 * a count whose slots we may read. */
	uint64_t word = fbump_atomic_load(p->published, FBUMP_ACQUIRE);

	if (pub_count(word) == first) {
		/* Fast path, the usual case without contention: we are at the
		 * front.  No other thread can move the count past 'first'
		 * while we have not set ready[first], and we never set it, so
		 * a plain store suffices where the flags and a CAS would
		 * otherwise be needed.
		 * release: our slots' bytes are visible to every reader that
		 * acquires the count (I2). */
		FBUMP_HAPPENS_BEFORE(p->published);
		fbump_atomic_store(p->published, pub_with_count(word, first + n),
				   FBUMP_RELEASE);
	} else {
		for (size_t i = first; i < first + n; i++) {
			FBUMP_HAPPENS_BEFORE(&p->ready[i]);
			/* release: the slot's bytes, written before, are
			 * visible to whoever acquires this flag (pub_scan,
			 * pub_is_ready). */
			fbump_atomic_store(&p->ready[i], 1, FBUMP_RELEASE);
		}
	}
	PUB_STEP();
	pub_advance(p);
}

/* Slots handed out so far (published or not). */
static inline size_t pub_reserved(const struct fbump_pub *p)
{
	/* acquire: a reader that then checks a slot below this figure
	 * must see flags cleared by the last exclusive section. */
	return fbump_atomic_load(&p->cursor, FBUMP_ACQUIRE) & ~PUB_EXCLUSIVE;
}

/* Whether slot i (below pub_reserved) has been finished by its writer. */
static inline int pub_is_ready(const struct fbump_pub *p, size_t i)
{
	/* acquire: pairs with pub_finish's release, so the caller may
	 * read the slot. */
	if (i < pub_count(fbump_atomic_load(p->published, FBUMP_ACQUIRE)) ||
	    fbump_atomic_load(&p->ready[i], FBUMP_ACQUIRE)) {
		FBUMP_HAPPENS_AFTER(&p->ready[i]);
		FBUMP_HAPPENS_AFTER(p->published);
		return 1;
	}
	return 0;
}

/* Takes exclusive use: succeeds, returning 0 with *len the element count,
 * only when no writer is in flight and no other exclusive section runs;
 * else EBUSY and nothing changed.  While held, pub_reserve fails. */
static inline int pub_lock(struct fbump_pub *p, size_t *len)
{
	/* acquire: see pub_reserve. */
	size_t c = fbump_atomic_load(&p->cursor, FBUMP_ACQUIRE);
	uint64_t word;

	if (c & PUB_EXCLUSIVE)
		return EBUSY;
	if (pub_advance(p) != c)
		return EBUSY;	/* a reserved slot is not finished */
	/* acquire: pairs with the last pub_unlock's release, so that the
	 * section comes after the one before, and so that the release
	 * store of a refusal below passes that on; the CAS of the word below
	 * orders it as well, since every section that lowered the count
	 * released a word that this CAS reads from.  That CAS, not this
	 * one, carries the ordering the section needs: the finishing of the
	 * slots below c (after an ABA, pub_advance may have acquired
	 * another generation of them).
	 * The CAS fails if the cursor is no longer c; it may have left c
	 * and come back, which the count check below catches. */
	PUB_STEP();
	if (!fbump_atomic_cas(&p->cursor, &c, c | PUB_EXCLUSIVE,
			      FBUMP_ACQUIRE, FBUMP_RELAXED))
		return EBUSY;
	FBUMP_HAPPENS_AFTER(&p->cursor);
	/* The cursor may have left c and come back since we read it (another
	 * section lowered it, writers took it back to c and one is still
	 * writing), and pub_advance may have seen an old word: only a count
	 * of c in the latest word proves that every slot below c is
	 * finished.  The CAS below, which writes the word unchanged, checks
	 * it: a read-modify-write reads the latest word.  (The epoch moves
	 * only when the section lowers the count: pub_drop_last.)
	 * relaxed load: only a guess of the word, which the CAS checks. */
	word = fbump_atomic_load(p->published, FBUMP_RELAXED);
	FBUMP_HAPPENS_BEFORE(p->published);
	/* acq_rel on success.  The acquire is what matters: our later
	 * accesses to the slots come after their finishing (the writers'
	 * release stores and CASes of the word that led to a count of c).
	 * The release half publishes nothing the word's readers need (a
	 * read-modify-write continues the release sequences of the word
	 * whatever its own order); it is kept because a locked instruction
	 * costs the same either way.  tests/model's weaklock mutant makes
	 * the success order relaxed, and Relacy catches it.
	 * relaxed on failure: we read nothing through it. */
	if (pub_count(word) != c ||
	    !fbump_atomic_cas(p->published, &word, word, FBUMP_ACQ_REL,
			      FBUMP_RELAXED)) {
		/* release: this store, by a thread other than the last
		 * pub_unlock's, ends that unlock's release sequence on the
		 * cursor (C11 5.1.2.4), so it must itself release what the
		 * sections before published: a writer that reserves from c
		 * must come after their destructors and cleared flags, as
		 * after pub_unlock.  (Relacy keeps a release sequence going
		 * through such a store, so it cannot catch a relaxed one:
		 * tests/model/README.md.)  No writer reserved meanwhile,
		 * since the cursor held PUB_EXCLUSIVE. */
		FBUMP_HAPPENS_BEFORE(&p->cursor);
		fbump_atomic_store(&p->cursor, c, FBUMP_RELEASE);
		return EBUSY;
	}
	FBUMP_HAPPENS_AFTER(p->published);
	*len = c;
	return 0;
}

/* Within an exclusive section: shrinks the published count to 'len' and
 * clears the flag of slot 'len', before the slot's destructor runs. */
static inline void pub_drop_last(struct fbump_pub *p, size_t len)
{
	/* relaxed: no writer runs (I5); the release below orders the
	 * cleared flag before any thread that acquires the lowered count,
	 * and pub_unlock's release before the next writer of this slot. */
	fbump_atomic_store(&p->ready[len], 0, FBUMP_RELAXED);
	/* relaxed load: only this thread changes the word now.  No helper's
	 * CAS can succeed during the section: before the count is lowered
	 * there is no slot past it to publish (count == cursor), and a
	 * helper's older word has a smaller count (or the same, with nothing
	 * past it to publish); once it is lowered, the word is in a new
	 * epoch that no earlier load saw, and the flags above the count are
	 * cleared before it is stored.
	 * release store: the slots still below 'len' were acquired by
	 * pub_lock; a thread that later reads this count may read them. */
	uint64_t word = fbump_atomic_load(p->published, FBUMP_RELAXED);
	/* relaxed: the cursor is ours (PUB_EXCLUSIVE) until pub_unlock, so
	 * this reads the value of our own CAS: the count the section
	 * started from. */
	size_t start = fbump_atomic_load(&p->cursor, FBUMP_RELAXED) &
		       ~PUB_EXCLUSIVE;

	if (pub_count(word) == start) {
		/* The section's first lowering: a new epoch, in the same
		 * store, so that a helper that scanned the flags before can
		 * no longer move the count (I3).  Sections that drop nothing
		 * leave the epoch alone: it wraps only after 2^24 that do. */
		word += PUB_EPOCH_STEP;
	}
	FBUMP_HAPPENS_BEFORE(p->published);
	fbump_atomic_store(p->published, pub_with_count(word, len),
			   FBUMP_RELEASE);
}

/* Ends an exclusive section with 'len' slots handed out, all finished. */
static inline void pub_unlock(struct fbump_pub *p, size_t len)
{
	FBUMP_HAPPENS_BEFORE(&p->cursor);
	/* release: pairs with pub_reserve's acquire (see there). */
	fbump_atomic_store(&p->cursor, len, FBUMP_RELEASE);
}

#endif /* FBUMP_PUBLISH_H */
