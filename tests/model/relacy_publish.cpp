/* SPDX-License-Identifier: Apache-2.0 */
/*
 * relacy_publish.cpp - model-checks lib/publish.h, the publication protocol
 * of fbump_fastarena, under the C11 memory model with Relacy.
 *
 * The REAL lib/publish.h is compiled: FBUMP_ATOMICS_EXTERNAL is defined and
 * the thin atomics layer (lib/atomics.h) is supplied here on top of
 * rl::atomic, so every load, store and CAS of the protocol is a Relacy
 * operation with its own memory order, and every slot is an rl::var<int>,
 * on which Relacy reports a data race when a slot is read without a
 * happens-before edge from its writer.
 *
 * Usage: relacy_publish [MODE] [TEST...] [-b bound] [-i iters] [-v]
 *   MODE (default real):
 *   real      the protocol as written; exit 0 when every test passes
 *   weak      mutant M1: every acquire/release becomes relaxed
 *   plaincas  mutant M2: the CAS is a separate load, compare and store
 *   weakflag  mutant M3: only the ready flags' release store is relaxed
 *   weakcas   mutant M4: only the helpers' release CAS of the count
 *             (pub_advance) is relaxed
 *   noepoch   mutant M5: PUB_EPOCH_STEP is 0, so the epoch of the
 *             published word never changes (the protocol before
 *             the epoch: the ABA of a stale helper, caught by rollback2)
 *   weaklock  mutant M6: pub_lock's check of the word (its acq_rel CAS,
 *             the only one of the protocol) is relaxed on success, so
 *             a section need not come after the slots' finishing
 *   Mutants live only in the macros below (the atomics layer and
 *   PUB_EPOCH_STEP): publish.h is intact.
 *   For a mutant, exit 0 only if Relacy finds a failure in some test
 *   (the mutant is killed), 1 if every test unexpectedly passes.
 *   TEST: writers2x2 writers3x1 exclusive rollback2 rollbacklen twolocks
 *         (default: all)
 *   -b N  context-bound search with bound N, for every test
 *   -i N  random scheduler, N iterations, for every test
 *   (default: each test's own, in all_tests below)
 *   -v    print Relacy's execution history of a failure
 *
 * Build: c++ -std=c++11 -O1 -I lib tests/model/relacy_publish.cpp
 * (include <relacy/relacy.hpp>, not relacy_std.hpp, which clashes with
 * libstdc++ 12).
 */
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <stdint.h>
#include <type_traits>

/* Relacy replaces operator new with an inline one of its own: the driver
 * below therefore uses no std container (whose out-of-line parts, in
 * libstdc++, would free with the real operator delete). */
#include <relacy/relacy.hpp>

/* ---- the atomics layer, on Relacy ------------------------------------- */

enum mutant_e {
	MUT_NONE, MUT_WEAK, MUT_PLAINCAS, MUT_WEAKFLAG, MUT_WEAKCAS,
	MUT_NOEPOCH, MUT_WEAKLOCK, MUT_COUNT
};
static const char *const mutant_names[] = {
	"real", "weak", "plaincas", "weakflag", "weakcas", "noepoch",
	"weaklock"
};
static mutant_e g_mutant = MUT_NONE;

#define FBUMP_ATOMICS_EXTERNAL 1
typedef rl::atomic<size_t> fbump_atomic_size;
typedef rl::atomic<uint64_t> fbump_atomic_u64;
typedef rl::atomic<unsigned char> fbump_atomic_flag8;

#define FBUMP_RELAXED rl::mo_relaxed
#define FBUMP_ACQUIRE rl::mo_acquire
#define FBUMP_RELEASE rl::mo_release
#define FBUMP_ACQ_REL rl::mo_acq_rel
#define FBUMP_SEQ_CST rl::mo_seq_cst

/*
 * Relacy follows C++11 to the letter and refuses a CAS whose failure order
 * is stronger than its success order (RL_VERIFY in generic_atomic), which
 * C11/C++17 allow and which pub_advance uses: release on success, acquire
 * on failure.  Rather than strengthen the success order (which could hide a
 * bug), call Relacy's own implementation with exactly those orders: its
 * compare_swap_impl takes the success and failure orders independently.
 * It is private; the standard explicit-instantiation rule (access is not
 * checked in the template arguments of an explicit instantiation) gives us
 * a pointer to it.
 */
#if defined(__GNUC__) && !defined(__clang__)
# pragma GCC diagnostic ignored "-Wnon-template-friend"	/* intended */
#endif
template<typename T>
struct cas_rel_acq_tag {
	typedef bool (rl::generic_atomic<T, false>::*type)(T &, T,
							   rl::debug_info_param);
	friend type get_cas_rel_acq(cas_rel_acq_tag);
};
template<typename Tag, typename Tag::type M>
struct cas_rel_acq_robber {
	friend typename Tag::type get_cas_rel_acq(Tag) { return M; }
};
#define CAS_REL_ACQ(T) \
	template struct cas_rel_acq_robber<cas_rel_acq_tag<T>, \
		&rl::generic_atomic<T, false>::compare_swap_impl<false, \
			rl::mo_release, &rl::thread_info_base::atomic_rmw_release, \
			rl::mo_acquire, \
			&rl::thread_info_base::atomic_load_acquire_rmw> >;
/* every unsigned type that size_t or uint64_t may be: distinct types */
CAS_REL_ACQ(unsigned char)
CAS_REL_ACQ(unsigned int)
CAS_REL_ACQ(unsigned long)
CAS_REL_ACQ(unsigned long long)

/* M1: the orders the mutant uses. */
static rl::memory_order fb_mo(rl::memory_order mo)
{
	return g_mutant == MUT_WEAK ? rl::mo_relaxed : mo;
}

template<typename T>
static T fb_load(const rl::atomic<T> *a, rl::memory_order mo,
		 rl::debug_info_param info)
{
	return a->load(fb_mo(mo), info);
}

template<typename T, typename U>
static void fb_store(rl::atomic<T> *a, U v, rl::memory_order mo,
		     rl::debug_info_param info)
{
	/* M3: the ready flag's release store becomes relaxed (the flags
	 * are the only byte-sized atomics) */
	if (g_mutant == MUT_WEAKFLAG && sizeof(T) == 1)
		mo = rl::mo_relaxed;
	a->store((T)v, fb_mo(mo), info);
}

template<typename T, typename U>
static bool fb_cas(rl::atomic<T> *a, T *expected, U desired,
		   rl::memory_order ok, rl::memory_order fail,
		   rl::debug_info_param info)
{
	ok = fb_mo(ok);
	fail = fb_mo(fail);
	/* M4: the helpers' release CAS of the count becomes relaxed */
	if (g_mutant == MUT_WEAKCAS && ok == rl::mo_release)
		ok = fail = rl::mo_relaxed;
	/* M6: pub_lock's acq_rel CAS of the word becomes relaxed */
	if (g_mutant == MUT_WEAKLOCK && ok == rl::mo_acq_rel)
		ok = rl::mo_relaxed;
	if (g_mutant == MUT_PLAINCAS) {
		/* M2: not atomic; another thread may run between the load
		 * and the store (Relacy schedules at each atomic access). */
		rl::memory_order lmo =
			(ok == rl::mo_acquire || ok == rl::mo_acq_rel ||
			 ok == rl::mo_seq_cst) ? rl::mo_acquire : fail;
		rl::memory_order smo =
			(ok == rl::mo_release || ok == rl::mo_acq_rel ||
			 ok == rl::mo_seq_cst) ? rl::mo_release : rl::mo_relaxed;
		T cur = a->load(lmo, info);
		if (cur != *expected) {
			*expected = cur;
			return false;
		}
		a->store((T)desired, smo, info);
		return true;
	}
	if (ok == rl::mo_release && fail == rl::mo_acquire)
		return (a->*get_cas_rel_acq(cas_rel_acq_tag<T>()))(
			*expected, (T)desired, info);
	return a->compare_exchange_strong(*expected, (T)desired, ok, info,
					  fail, info);
}

#define fbump_atomic_init(p, v) ((p)->store((v), rl::mo_relaxed, $))
#define fbump_atomic_load(p, mo) fb_load((p), (mo), $)
#define fbump_atomic_store(p, v, mo) fb_store((p), (v), (mo), $)
#define fbump_atomic_cas(p, expected, desired, mo_ok, mo_fail) \
	fb_cas((p), (expected), (desired), (mo_ok), (mo_fail), $)
#define fbump_atomic_fetch_add(p, v, mo) fb_fetch_add((p), (v), (mo), $)

template<typename T, typename U>
static T fb_fetch_add(rl::atomic<T> *a, U v, rl::memory_order mo,
		      rl::debug_info_param info)
{
	return a->fetch_add((T)v, fb_mo(mo), info);
}

/* M5: a section that lowers the count no longer advances the word's
 * epoch: the protocol before the epoch, where a stale helper's CAS can
 * succeed after a rollback */
#define PUB_EPOCH_STEP \
	(g_mutant == MUT_NOEPOCH ? (uint64_t)0 : PUB_EPOCH_ONE)

#include "publish.h"

/* The type of the published word (size_t, or a 64-bit word that carries
 * an epoch above the count), and its count, whichever publish.h uses. */
typedef std::remove_pointer<decltype(((struct fbump_pub *)0)->published)>::type
	published_atomic;
#ifdef PUB_COUNT_BITS
# define MODEL_COUNT(w) pub_count(w)
#else
# define MODEL_COUNT(w) ((size_t)(w))
#endif

/* ---- the model of the arena ------------------------------------------- */

enum { CAP = 8 };
static const int UNWRITTEN = 0;
static const int DESTROYED = -1;

static int ensure_ok(void *, size_t) { return 0; }

/* Coverage over all iterations of a test (plain counters: they never
 * influence an execution, so Relacy's replay stays deterministic). */
static struct coverage {
	unsigned long long lock_ok, lock_busy, reserve_busy, slow_path;
} g_cov;

/*
 * State shared by every test: the public count, the flags, the cursor (in
 * struct fbump_pub), the slots, and ghost state.  Ghost state is plain C++:
 * Relacy runs one thread at a time and switches only at an atomic or
 * rl::var access, so a ghost update next to such an access is atomic with
 * it.  The ghost state only ever serves the checks.
 */
struct arena_model {
	published_atomic published;
	rl::atomic<unsigned char> ready[CAP];
	struct fbump_pub pub;
	rl::var<int> slot[CAP];

	int owner[CAP];		/* ghost: tag of the slot's writer, 0 none */
	bool written[CAP];	/* ghost: the writer has written the slot */
	int inflight;		/* ghost: reservations not yet finished */
	bool exclusive;		/* ghost: an exclusive section runs */
	size_t expect;		/* ghost: slots handed out */

	void init()
	{
#ifdef PUB_COUNT_BITS
		/* the last epoch before the word wraps: the first exclusive
		 * section wraps it to epoch 0 */
		published.store(~(uint64_t)PUB_COUNT_MASK, rl::mo_relaxed, $);
#else
		published.store(0, rl::mo_relaxed, $);
#endif
		for (int i = 0; i < CAP; i++) {
			ready[i].store(0, rl::mo_relaxed, $);
			slot[i]($) = UNWRITTEN;
			owner[i] = 0;
			written[i] = false;
		}
		pub.published = &published;
		pub.ready = ready;
		pub.capacity = CAP;
		pub.cursor.store(0, rl::mo_relaxed, $);
		inflight = 0;
		exclusive = false;
		expect = 0;
	}

	/* alloc(n) as fbump_fastarena_alloc_extend does it; returns the
	 * pub_reserve result. */
	int alloc(size_t n, int tag)
	{
		size_t first = 0;
		int err = pub_reserve(&pub, n, &first, ensure_ok, 0);

		if (err != 0) {
			if (err == EBUSY)
				g_cov.reserve_busy++;
			return err;
		}
		/* atomic with the reservation CAS (no access since) */
		RL_ASSERT(!exclusive);
		RL_ASSERT(first + n <= CAP);
		inflight++;
		if (first + n > expect)
			expect = first + n;
		for (size_t k = 0; k < n; k++) {
			/* two writers handed the same slot */
			RL_ASSERT(owner[first + k] == 0);
			owner[first + k] = tag;
		}
		for (size_t k = 0; k < n; k++) {
			slot[first + k]($) = tag;
			written[first + k] = true;
		}
		inflight--;	/* from here the writer is "finishing" */
		pub_finish(&pub, first, n);
		return 0;
	}

	/* Reads slot i, which the protocol says is finished. */
	void check_slot(size_t i)
	{
		RL_ASSERT(i < CAP);
		int v = slot[i]($);
		RL_ASSERT(v != UNWRITTEN);
		RL_ASSERT(v != DESTROYED);
		RL_ASSERT(v == owner[i]);
	}

	/* A reader: len (pub_advance) then every slot below it, then
	 * try_get (pub_reserved, pub_is_ready) over the reserved slots. */
	void reader(int rounds)
	{
		size_t last = 0;

		for (int r = 0; r < rounds; r++) {
			size_t n = pub_advance(&pub);

			RL_ASSERT(n >= last);	/* I3 */
			RL_ASSERT(n <= CAP);
			last = n;
			for (size_t i = 0; i < n; i++)
				check_slot(i);
			size_t res = pub_reserved(&pub);
			RL_ASSERT(res >= n);
			for (size_t i = n; i < res; i++)
				if (pub_is_ready(&pub, i))
					check_slot(i);
		}
	}

	/* Checked at every scheduling point, on the latest values. */
	void invariant()
	{
		size_t p = MODEL_COUNT(published.debug_value());
		size_t c = pub.cursor.debug_value() & ~PUB_EXCLUSIVE;

		RL_ASSERT(p <= c);	/* I1 */
		for (size_t i = 0; i < p && i < CAP; i++)
			RL_ASSERT(written[i]);	/* I1 */
	}

	/* After every thread has finished (Relacy joins them: a global
	 * fence), len must reach the cursor (I4). */
	void final_check()
	{
		size_t c = pub.cursor.load(rl::mo_relaxed, $);
		RL_ASSERT((c & PUB_EXCLUSIVE) == 0);
		RL_ASSERT(c == expect);
		size_t n = pub_advance(&pub);
		RL_ASSERT(n == c);	/* no stall */
		RL_ASSERT(MODEL_COUNT(published.load(rl::mo_relaxed, $)) == c);
		for (size_t i = 0; i < n; i++)
			check_slot(i);
		RL_ASSERT(inflight == 0);
	}

	/* An exclusive operation: rollback to 'keep' slots (keep == 0 is
	 * reset), as fbump_fastarena_rollback and truncate_to do it.
	 * Returns whether the lock was taken. */
	bool rollback(size_t keep)
	{
		size_t len = 0;

		if (pub_lock(&pub, &len) != 0) {
			g_cov.lock_busy++;
			return false;
		}
		g_cov.lock_ok++;
		/* atomic with the lock CAS: I5 */
		RL_ASSERT(inflight == 0);
		RL_ASSERT(len == expect);
		exclusive = true;
		for (size_t i = 0; i < len; i++)
			check_slot(i);	/* all finished and visible */
		if (keep > len)
			keep = len;
		for (size_t i = len; i > keep; i--) {
			pub_drop_last(&pub, i - 1);
			/* the destructor: writes the slot, so that a reader
			 * or writer still on it is a race */
			slot[i - 1]($) = DESTROYED;
			owner[i - 1] = 0;
			written[i - 1] = false;
		}
		expect = keep;
		exclusive = false;
		pub_unlock(&pub, keep);
		return true;
	}
};

/* Every test's thread count is a template parameter of rl::test_suite. */
#define MODEL_SUITE_COMMON                                          \
	arena_model m;                                              \
	void before() { m.init(); }                                 \
	void invariant() { m.invariant(); }                         \
	void after() { m.final_check(); }

/* (a) 2 writers x 2 allocations (one of 1 slot, one of 2) + 1 reader. */
struct writers2x2 : rl::test_suite<writers2x2, 3> {
	MODEL_SUITE_COMMON
	void thread(unsigned t)
	{
		if (t == 0) {
			RL_ASSERT(m.alloc(1, 1) == 0);
			RL_ASSERT(m.alloc(2, 2) == 0);
		} else if (t == 1) {
			RL_ASSERT(m.alloc(2, 3) == 0);
			RL_ASSERT(m.alloc(1, 4) == 0);
		} else {
			m.reader(2);
		}
	}
};

/* (b) 3 writers x 1 allocation + 1 reader. */
struct writers3x1 : rl::test_suite<writers3x1, 4> {
	MODEL_SUITE_COMMON
	void thread(unsigned t)
	{
		if (t < 3)
			RL_ASSERT(m.alloc(1, (int)t + 1) == 0);
		else
			m.reader(2);
	}
};

/* (c) exclusive: 1 writer (2 allocations) + 1 thread doing reset (lock,
 * drop every slot, unlock).  A reservation may fail only with EBUSY, never
 * succeed inside the section (ghost 'exclusive'); the lock never succeeds
 * while a reserved slot is unfinished (ghost 'inflight', and the section
 * reads every slot: a race if one is still being written). */
template <unsigned Threads>
struct writer_and_resets : rl::test_suite<writer_and_resets<Threads>, Threads> {
	MODEL_SUITE_COMMON
	void thread(unsigned t)
	{
		if (t == 0) {
			for (int k = 0; k < 2; k++) {
				int err = m.alloc(1, 1 + k);
				RL_ASSERT(err == 0 || err == EBUSY);
			}
		} else {
			m.rollback(0);
		}
	}
};
typedef writer_and_resets<2> exclusive1;

/* (d) exclusive with 2 writers: the second writer can finish before the
 * first, through its flag, so helpers see flags set beyond the count; a
 * third thread rolls back to 1 slot. */
struct rollback2 : rl::test_suite<rollback2, 3> {
	MODEL_SUITE_COMMON
	void thread(unsigned t)
	{
		if (t < 2) {
			int err = m.alloc(1, (int)t + 1);
			RL_ASSERT(err == 0 || err == EBUSY);
		} else {
			m.rollback(1);
		}
	}
};

/* (e) as (d), with a fourth thread calling len (pub_advance, which helps)
 * twice during it: a helper that is neither a writer nor the exclusive
 * thread, as in the arena's own test that found the ABA (doc/design-
 * fastarena.md, I3).  It reads no slot: a destructor may run on one. */
struct rollbacklen : rl::test_suite<rollbacklen, 4> {
	MODEL_SUITE_COMMON
	void thread(unsigned t)
	{
		if (t < 2) {
			int err = m.alloc(1, (int)t + 1);
			RL_ASSERT(err == 0 || err == EBUSY);
		} else if (t == 2) {
			m.rollback(1);
		} else {
			for (int r = 0; r < 2; r++)
				RL_ASSERT(pub_advance(&m.pub) <= CAP);
		}
	}
};

/* (f) as (c) with two exclusive threads (two consumers calling drain or
 * reset): one may lower the cursor, and the writer take it back to the
 * figure the other read, between the other's two steps (the cursor's
 * ABA, design-fastarena.md I5). */
typedef writer_and_resets<3> twolocks;

/* ---- driver ------------------------------------------------------------ */

static double now_s()
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct run_opts {
	unsigned bound;
	rl::iteration_t iters;	/* 0: context-bound search; else random */
};

template<typename T>
static bool run(const char *name, const run_opts &o, bool verbose,
		unsigned long long *iterations)
{
	rl::test_params p;
	rl::ostringstream out;

	if (o.iters == 0) {
		p.search_type = rl::sched_bound;
		p.context_bound = o.bound;
	} else {
		p.search_type = rl::sched_random;
		p.iteration_count = o.iters;
	}
	p.output_stream = verbose ? &std::cout : &out;
	p.progress_stream = &out;
	p.execution_depth_limit = 20000;

	double t0 = now_s();
	std::memset(&g_cov, 0, sizeof(g_cov));
	rl::simulate<T>(p);
	bool ok = p.test_result == rl::test_result_success;
	*iterations = p.stop_iteration;
	std::printf("%-11s %s: %s after %llu iterations (%s%u), %.1fs\n",
		    name, mutant_names[g_mutant],
		    ok ? "passed" : rl::test_result_str(p.test_result),
		    (unsigned long long)p.stop_iteration,
		    o.iters == 0 ? "context bound " : "random scheduler, of ",
		    o.iters == 0 ? o.bound : (unsigned)o.iters,
		    now_s() - t0);
	if (g_cov.lock_ok + g_cov.lock_busy != 0)
		std::printf("  lock taken %llu, refused %llu; reservation "
			    "refused (EBUSY) %llu\n", g_cov.lock_ok,
			    g_cov.lock_busy, g_cov.reserve_busy);
	if (!ok && !verbose)
		std::printf("  (rerun with -v for Relacy's execution history)\n");
	std::fflush(stdout);
	return ok;
}

/* The tests and their default search: exhaustive within a context bound
 * where that takes seconds, else Relacy's random scheduler. */
static const struct test_def {
	const char *name;
	run_opts opts;
} all_tests[] = {
	{ "writers2x2", { 0, 1000000 } },
	{ "writers3x1", { 0, 1000000 } },
	{ "exclusive", { 8, 0 } },
	{ "rollback2", { 3, 0 } },
	{ "rollbacklen", { 0, 1000000 } },
	{ "twolocks", { 4, 0 } },
};
enum { NTESTS = sizeof(all_tests) / sizeof(all_tests[0]) };

int main(int argc, char **argv)
{
	const test_def *tests[16];
	size_t ntests = 0;
	run_opts o = { 0, 0 };	/* none: each test's default */
	bool verbose = false;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool known = false;

		for (size_t k = 0; k < NTESTS; k++)
			if (std::strcmp(a, all_tests[k].name) == 0 &&
			    ntests < 16) {
				tests[ntests++] = &all_tests[k];
				known = true;
			}
		for (size_t k = 0; k < MUT_COUNT; k++)
			if (std::strcmp(a, mutant_names[k]) == 0) {
				g_mutant = (mutant_e)k;
				known = true;
			}
		if (known)
			continue;
		if (std::strcmp(a, "-b") == 0 && i + 1 < argc)
			o.bound = (unsigned)std::atoi(argv[++i]);
		else if (std::strcmp(a, "-i") == 0 && i + 1 < argc)
			o.iters = (rl::iteration_t)std::atoll(argv[++i]);
		else if (std::strcmp(a, "-v") == 0)
			verbose = true;
		else {
			std::fprintf(stderr, "usage: %s [real|weak|plaincas|"
				     "weakflag|weakcas|noepoch|weaklock] "
				     "[writers2x2|writers3x1|exclusive|rollback2|"
				     "rollbacklen|twolocks]"
				     "... [-b context-bound | -i random-iterations]"
				     " [-v]\n", argv[0]);
			return 2;
		}
	}
	if (ntests == 0)
		for (size_t k = 0; k < NTESTS; k++)
			tests[ntests++] = &all_tests[k];

	int failed = 0;
	size_t ran = 0;
	unsigned long long total = 0, it = 0;
	for (size_t k = 0; k < ntests; k++) {
		const char *t = tests[k]->name;
		run_opts to = tests[k]->opts;
		bool ok;

		if (o.iters != 0) {
			to.iters = o.iters;
		} else if (o.bound != 0) {
			to.bound = o.bound;
			to.iters = 0;
		}
		if (std::strcmp(t, "writers2x2") == 0)
			ok = run<writers2x2>(t, to, verbose, &it);
		else if (std::strcmp(t, "writers3x1") == 0)
			ok = run<writers3x1>(t, to, verbose, &it);
		else if (std::strcmp(t, "exclusive") == 0)
			ok = run<exclusive1>(t, to, verbose, &it);
		else if (std::strcmp(t, "rollback2") == 0)
			ok = run<rollback2>(t, to, verbose, &it);
		else if (std::strcmp(t, "twolocks") == 0)
			ok = run<twolocks>(t, to, verbose, &it);
		else
			ok = run<rollbacklen>(t, to, verbose, &it);
		total += it;
		failed += !ok;
		ran++;
		/* a mutant is killed by its first failure */
		if (!ok && g_mutant != MUT_NONE)
			break;
	}
	std::printf("%s: %llu iterations in all, %d of %zu tests failed\n",
		    mutant_names[g_mutant], total, failed, ran);
	if (g_mutant == MUT_NONE)
		return failed == 0 ? 0 : 1;
	/* a mutant must be killed by at least one test */
	if (failed == 0) {
		std::printf("MUTANT SURVIVED: no test detected it\n");
		return 1;
	}
	std::printf("mutant %s killed\n", mutant_names[g_mutant]);
	return 0;
}
