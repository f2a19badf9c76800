/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fastbump-bench - libfastbump against real peers, on the same workloads.
 *
 * Always: a realloc-doubling array, malloc per element, glibc obstack, a
 * mutex-protected array and a bare atomic fetch_add.  When configure found
 * them (never required): APR pools (HAVE_APR), talloc (HAVE_TALLOC) and
 * Intel TBB's concurrent_vector (HAVE_TBB, through bench/tbb-peer.cc).
 * Rows named "floor: ..." are not peers but the least that a workload can
 * cost on this machine for one kind of container: one that hands out
 * fresh memory (floor_alloc_u64), or one kept as a library object behind
 * a pointer (vec_backtrack, small_floor).  A peer of another kind, such
 * as an array in local variables, may be faster than such a floor.
 * Prints the machine, then for each workload the median ns per operation
 * of interleaved repetitions, their spread (+-), each peer's time as a
 * ratio to libfastbump's (peer/ours > 1: libfastbump is faster), resident
 * bytes per element where they mean something, and for the concurrent
 * workload how many cpus its threads really got.  Every timed run happens
 * in a fresh child process (-i: in this one).
 *
 *   fastbump-bench [-n elements] [-r repetitions] [-t threads,...]
 *                  [-w workload,...] [-c results.csv] [-s scaling.csv]
 *                  [-i] [-q] [-l] [-h]
 *
 * -q runs tiny sizes, for make check, so the program cannot rot; -l lists
 * the workloads that -w selects from.  bench/README.md has the details.
 */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif
#ifndef _GNU_SOURCE
# define _GNU_SOURCE 1
#endif
#include <errno.h>
#include <gnu/libc-version.h>
#include <malloc.h>
#include <obstack.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <fastbump.h>

#ifdef HAVE_APR
# include <apr_general.h>
# include <apr_pools.h>
# include <apr_version.h>
#endif
#ifdef HAVE_TALLOC
# include <talloc.h>
#endif

/* TBB's own synchronisation is invisible to ThreadSanitizer (libtbb is not
 * instrumented), so an instrumented build leaves the TBB peer out. */
#if defined(__SANITIZE_THREAD__)
# define FBENCH_TSAN 1
#elif defined(__has_feature)
# if __has_feature(thread_sanitizer)
#  define FBENCH_TSAN 1
# endif
#endif
#if defined(HAVE_TBB) && !defined(FBENCH_TSAN)
# define FBENCH_USE_TBB 1
# include "tbb-peer.h"
#endif

#define obstack_chunk_alloc malloc
#define obstack_chunk_free free

#define MAX_ENTRIES 16
#define MAX_REPS 63
#define MAX_THREADS 64
#define MAX_THREAD_COUNTS 16

static size_t N = 10000000;
static int REPS = 5;
static FILE *csv;
static FILE *scaling;
static const char *only;	/* -w: comma-separated patterns */
static int thread_counts[MAX_THREAD_COUNTS] = { 1, 2, 4 };
static int n_thread_counts = 3;
static int in_process;		/* -i: no child process per run */
static volatile uint64_t sink;

struct s32 { uint64_t a, b, c, d; };

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static size_t rss_bytes(void)
{
	long pages = 0, res = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f == NULL)
		return 0;
	if (fscanf(f, "%ld %ld", &pages, &res) != 2)
		res = 0;
	fclose(f);
	return (size_t)res * (size_t)sysconf(_SC_PAGESIZE);
}

/* Resident bytes gained since r0 (0 if the heap shrank meanwhile). */
static size_t rss_since(size_t r0)
{
	size_t r = rss_bytes();

	return r > r0 ? r - r0 : 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void die(const char *what)
{
	fprintf(stderr, "fastbump-bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void die_msg(const char *what)
{
	fprintf(stderr, "fastbump-bench: %s\n", what);
	exit(1);
}

/* ---- the harness ----------------------------------------------------------- */

/* One measured thing: runs the workload once and returns its elapsed ns;
 * sets *rss to the resident bytes it added (0: not measured).  A negative
 * return means that the implementation cannot do it at all: the reason is
 * then in na_reason. */
typedef double run_fn(size_t n, size_t *rss);

static const char *na_reason;
/* Set by a concurrent run: the CPU time its threads got over its wall
 * time, i.e. how many cpus it really ran on (0: not a concurrent run). */
static double g_cpus;

struct entry {
	const char *name;
	run_fn *run;
};

/* The workloads, for -w and -l: a short key (which a -w pattern matches if
 * it is part of it), the title printed above the results (matched whole)
 * and what is measured. */
static const struct {
	const char *key, *title, *what;
} workloads[] = {
	{ "alloc-u64", "alloc u64, fresh arena",
	  "alloc n u64 one by one into a fresh arena, array or pool" },
	{ "alloc-s32", "alloc 32-byte struct, fresh arena",
	  "the same with a 32-byte struct" },
	{ "get", "random-index get", "n gets at random indices" },
	{ "iter", "sequential iteration", "one pass over n elements" },
	{ "dtor", "alloc owning elements, destroy",
	  "n/10 elements owning 32 malloc'd bytes, then destroy all" },
	{ "small", "create, 16 allocs, destroy",
	  "n/100 cycles of create, 16 allocs, destroy" },
	{ "backtrack", "checkpoint, 100 allocs, rollback",
	  "n/100 cycles of checkpoint, 100 allocs, rollback" },
	{ "concurrent", "concurrent alloc u64",
	  "n u64 from each -t thread count into one shared container" },
};
#define N_WORKLOADS (sizeof(workloads) / sizeof(workloads[0]))

static int contains_ci(const char *hay, const char *needle, size_t len)
{
	for (; *hay; hay++)
		if (strncasecmp(hay, needle, len) == 0)
			return 1;
	return 0;
}

/* Whether -w selects workload i: one of its comma-separated patterns is
 * part of the key, or the whole title (case-insensitive). */
static int selected_index(size_t i)
{
	const char *p = only;

	if (p == NULL)
		return 1;
	while (*p) {
		size_t len = strcspn(p, ",");

		if (len > 0 && (contains_ci(workloads[i].key, p, len) ||
				(strlen(workloads[i].title) == len &&
				 strncasecmp(workloads[i].title, p, len) == 0)))
			return 1;
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

static int selected(const char *key)
{
	for (size_t i = 0; i < N_WORKLOADS; i++)
		if (strcmp(workloads[i].key, key) == 0)
			return selected_index(i);
	die_msg("unknown workload key");
	return 0;
}

/* One timed run of e, in a fresh child process unless -i: a long run of
 * one implementation leaves glibc's heap fragmented (freed blocks in the
 * middle of it, a raised mmap threshold), and the next implementation
 * would inherit that, its realloc copying where a fresh process would
 * mremap.  A child starts every run from the parent's small heap. */
static double measure(const struct entry *e, size_t n, size_t *rss,
		      double *cpus, const char **na)
{
	struct {
		double t, cpus;
		size_t rss;
		char reason[120];
	} m;
	int fd[2], status;
	pid_t pid;
	ssize_t got;

	if (in_process) {
		malloc_trim(0);
		na_reason = NULL;
		g_cpus = 0;
		m.t = e->run(n, rss);
		*cpus = g_cpus;
		*na = m.t < 0 ? (na_reason ? na_reason : "cannot") : NULL;
		return m.t;
	}
	fflush(NULL);	/* nothing buffered is written twice */
	if (pipe(fd) != 0)
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		close(fd[0]);
		memset(&m, 0, sizeof(m));
		na_reason = NULL;
		g_cpus = 0;
		m.t = e->run(n, &m.rss);
		m.cpus = g_cpus;
		if (na_reason != NULL)
			snprintf(m.reason, sizeof(m.reason), "%s", na_reason);
		_exit(write(fd[1], &m, sizeof(m)) == (ssize_t)sizeof(m) ? 0 : 1);
	}
	close(fd[1]);
	got = read(fd[0], &m, sizeof(m));
	close(fd[0]);
	if (waitpid(pid, &status, 0) != pid)
		die("waitpid");
	if (got != (ssize_t)sizeof(m) || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		fprintf(stderr, "fastbump-bench: %s failed\n", e->name);
		exit(1);
	}
	*rss = m.rss;
	*cpus = m.cpus;
	if (m.t < 0) {
		static char reasons[MAX_ENTRIES][sizeof(m.reason)];
		static int next;
		char *r = reasons[next++ % MAX_ENTRIES];

		snprintf(r, sizeof(m.reason), "%s",
			 m.reason[0] ? m.reason : "cannot");
		*na = r;
	} else {
		*na = NULL;
	}
	return m.t;
}

/* Runs the entries REPS times, interleaved (rep 1 of each, rep 2 of
 * each, ...) so that a burst of noise hits all of them alike, and prints
 * medians; the first entry is libfastbump, the rest are compared with it.
 * Writes each median to *med_out if given.  Resident bytes are the largest
 * increase seen over the repetitions. */
static void workload(const char *title, size_t ops, size_t n,
		     const struct entry *e, int count, double *med_out)
{
	static double t[MAX_ENTRIES][MAX_REPS], cpus[MAX_ENTRIES][MAX_REPS];
	double med[MAX_ENTRIES];
	size_t rss[MAX_ENTRIES] = { 0 };
	const char *na[MAX_ENTRIES] = { NULL };

	if (count > MAX_ENTRIES)
		die_msg("too many entries");
	printf("\n%s (%zu ops)\n", title, ops);
	fflush(stdout);
	for (int k = 0; k < REPS; k++)
		for (int i = 0; i < count; i++) {
			size_t r = 0;

			if (na[i] != NULL)
				continue;
			t[i][k] = measure(&e[i], n, &r, &cpus[i][k], &na[i]) /
				  (double)ops;
			if (r > rss[i])
				rss[i] = r;
		}
	for (int i = 0; i < count; i++) {
		qsort(t[i], (size_t)REPS, sizeof(t[i][0]), cmp_double);
		qsort(cpus[i], (size_t)REPS, sizeof(cpus[i][0]), cmp_double);
		med[i] = na[i] ? -1.0 : t[i][REPS / 2];
		if (med_out != NULL)
			med_out[i] = med[i];
	}
	if (na[0] != NULL)
		die_msg(na[0]);
	for (int i = 0; i < count; i++) {
		double lo = t[i][0], hi = t[i][REPS - 1];

		if (na[i] != NULL) {
			printf("  %-30s %10s        n/a: %s\n", e[i].name, "",
			       na[i]);
			if (csv)
				fprintf(csv, "\"%s\",\"%s\",,,,,\n", title,
					e[i].name);
			continue;
		}

		printf("  %-30s %10.2f ns/op +-%3.0f%%", e[i].name, med[i],
		       med[i] > 0 ? 50.0 * (hi - lo) / med[i] : 0.0);
		if (i > 0)
			printf("   peer/ours %7.2fx", med[i] / med[0]);
		else if (rss[i])
			printf("   %18s", "");
		if (rss[i])
			printf("   %7.2f bytes/slot", (double)rss[i] / (double)n);
		if (cpus[i][REPS / 2] > 0)
			printf("   on %4.2f cpus", cpus[i][REPS / 2]);
		printf("\n");
		if (csv)
			fprintf(csv, "\"%s\",\"%s\",%.3f,%.3f,%.3f,%.3f,%.3f\n",
				title, e[i].name, med[i], med[i] / med[0],
				rss[i] ? (double)rss[i] / (double)n : 0.0, lo,
				hi);
	}
	fflush(stdout);
}

/* ---- alloc into a fresh container -------------------------------------- */

/* The typed layer, the API a C program normally uses: its appends are
 * inlined.  The untyped rows show the cost of the call. */
FBUMP_ARENA_TYPED(u64_arena, uint64_t);
FBUMP_ARENA_TYPED(s32_arena, struct s32);

#define ALLOC_FNS(T, tag) \
static double typed_alloc_##tag(size_t n, size_t *rss) \
{ \
	size_t r0 = rss_bytes(); \
	double t0 = now_ns(); \
	tag##_arena a; \
	T v; \
	memset(&v, 0, sizeof(v)); \
	if (tag##_arena_create(&a, NULL) != 0) \
		die("fbump_arena_create"); \
	for (size_t i = 0; i < n; i++) { \
		*(uint64_t *)(void *)&v = i; \
		if (!tag##_arena_idx_valid(tag##_arena_alloc(&a, &v))) \
			die("fbump_arena_alloc"); \
	} \
	double t1 = now_ns(); \
	*rss = rss_since(r0); \
	sink += *(uint64_t *)(void *)tag##_arena_get(&a, \
		tag##_arena_idx_make(n - 1)); \
	tag##_arena_destroy(&a); \
	return t1 - t0; \
} \
static double arena_alloc_##tag(size_t n, size_t *rss) \
{ \
	struct fbump_config cfg = FBUMP_CONFIG_INIT(T); \
	size_t r0 = rss_bytes(); \
	double t0 = now_ns(); \
	fbump_arena *a = fbump_arena_create(&cfg); \
	T v; \
	memset(&v, 0, sizeof(v)); \
	if (a == NULL) \
		die("fbump_arena_create"); \
	for (size_t i = 0; i < n; i++) { \
		*(uint64_t *)&v = i; \
		if (fbump_arena_alloc(a, &v) == FBUMP_NONE) \
			die("fbump_arena_alloc"); \
	} \
	double t1 = now_ns(); \
	*rss = rss_since(r0); \
	sink += *(uint64_t *)fbump_arena_get(a, n - 1); \
	fbump_arena_destroy(a); \
	return t1 - t0; \
} \
static double fast_alloc_##tag(size_t n, size_t *rss) \
{ \
	struct fbump_config cfg = FBUMP_CONFIG_INIT(T); \
	size_t r0 = rss_bytes(); \
	double t0 = now_ns(); \
	fbump_fastarena *a = fbump_fastarena_create(&cfg); \
	T v; \
	memset(&v, 0, sizeof(v)); \
	if (a == NULL) \
		die("fbump_fastarena_create"); \
	for (size_t i = 0; i < n; i++) { \
		*(uint64_t *)&v = i; \
		if (fbump_fastarena_alloc(a, &v) == FBUMP_NONE) \
			die("fbump_fastarena_alloc"); \
	} \
	double t1 = now_ns(); \
	*rss = rss_since(r0); \
	sink += fbump_fastarena_len(a); \
	fbump_fastarena_destroy(a); \
	return t1 - t0; \
} \
static double realloc_alloc_##tag(size_t n, size_t *rss) \
{ \
	size_t r0 = rss_bytes(), len = 0, cap = 0; \
	double t0 = now_ns(); \
	T *arr = NULL, v; \
	memset(&v, 0, sizeof(v)); \
	for (size_t i = 0; i < n; i++) { \
		if (len == cap) { \
			cap = cap ? cap * 2 : 16; \
			arr = realloc(arr, cap * sizeof(T)); \
			if (arr == NULL) \
				die("realloc"); \
		} \
		*(uint64_t *)&v = i; \
		arr[len++] = v; \
	} \
	double t1 = now_ns(); \
	*rss = rss_since(r0); \
	sink += *(uint64_t *)&arr[n - 1]; \
	free(arr); \
	return t1 - t0; \
} \
static double malloc_alloc_##tag(size_t n, size_t *rss) \
{ \
	size_t r0; \
	T **ptrs = malloc(n * sizeof(*ptrs)); \
	if (ptrs == NULL) \
		die("malloc"); \
	memset(ptrs, 0xff, n * sizeof(*ptrs)); /* resident before r0 */ \
	r0 = rss_bytes(); \
	double t0 = now_ns(); \
	for (size_t i = 0; i < n; i++) { \
		ptrs[i] = malloc(sizeof(T)); \
		if (ptrs[i] == NULL) \
			die("malloc"); \
		memset(ptrs[i], 0, sizeof(T)); \
		*(uint64_t *)ptrs[i] = i; \
	} \
	double t1 = now_ns(); \
	*rss = rss_since(r0); \
	for (size_t i = 0; i < n; i++) \
		free(ptrs[i]); \
	free(ptrs); \
	return t1 - t0; \
} \
static double obstack_alloc_##tag(size_t n, size_t *rss) \
{ \
	struct obstack ob; \
	size_t r0 = rss_bytes(); \
	double t0 = now_ns(); \
	T v; \
	memset(&v, 0, sizeof(v)); \
	obstack_init(&ob); \
	for (size_t i = 0; i < n; i++) { \
		*(uint64_t *)&v = i; \
		sink += (uintptr_t)obstack_copy(&ob, &v, sizeof(v)) & 1; \
	} \
	double t1 = now_ns(); \
	*rss = rss_since(r0); \
	obstack_free(&ob, NULL); \
	return t1 - t0; \
}

ALLOC_FNS(uint64_t, u64)
ALLOC_FNS(struct s32, s32)

#ifdef HAVE_APR
/* A pool with an allocator of its own, so that every repetition starts as
 * cold as libfastbump's fresh arena (the global allocator would hand back
 * the blocks the previous repetition freed). */
static apr_pool_t *apr_fresh_pool(void)
{
	apr_allocator_t *al;
	apr_pool_t *p;

	if (apr_allocator_create(&al) != APR_SUCCESS)
		die_msg("apr_allocator_create failed");
	if (apr_pool_create_ex(&p, NULL, NULL, al) != APR_SUCCESS)
		die_msg("apr_pool_create_ex failed");
	apr_allocator_owner_set(al, p);	/* destroyed with the pool */
	return p;
}

# define APR_ALLOC_FNS(T, tag) \
static double apr_alloc_##tag(size_t n, size_t *rss) \
{ \
	size_t r0 = rss_bytes(); \
	double t0 = now_ns(); \
	apr_pool_t *p = apr_fresh_pool(); \
	T v, *q = NULL; \
	memset(&v, 0, sizeof(v)); \
	for (size_t i = 0; i < n; i++) { \
		*(uint64_t *)&v = i; \
		q = apr_palloc(p, sizeof(T)); \
		if (q == NULL) \
			die_msg("apr_palloc failed"); \
		memcpy(q, &v, sizeof(v)); \
	} \
	double t1 = now_ns(); \
	*rss = rss_since(r0); \
	sink += *(uint64_t *)q; \
	apr_pool_destroy(p); \
	return t1 - t0; \
}
#else
# define APR_ALLOC_FNS(T, tag)
#endif

#ifdef HAVE_TALLOC
/* talloc refuses any one block of 256 MiB or more (MAX_TALLOC_SIZE) */
static int talloc_array_too_big(size_t n, size_t size)
{
	size_t cap = 16;

	while (cap < n)
		cap *= 2;
	if (cap * size + 1024 < ((size_t)256 << 20))
		return 0;
	na_reason = "the doubled array passes talloc's 256 MiB block limit";
	return 1;
}

# define TALLOC_ALLOC_FNS(T, tag) \
static double talloc_alloc_##tag(size_t n, size_t *rss) \
{ \
	size_t r0 = rss_bytes(); \
	double t0 = now_ns(); \
	void *ctx = talloc_new(NULL); \
	T v, *q = NULL; \
	memset(&v, 0, sizeof(v)); \
	if (ctx == NULL) \
		die("talloc_new"); \
	for (size_t i = 0; i < n; i++) { \
		*(uint64_t *)&v = i; \
		q = talloc_size(ctx, sizeof(T)); \
		if (q == NULL) \
			die("talloc_size"); \
		memcpy(q, &v, sizeof(v)); \
	} \
	double t1 = now_ns(); \
	*rss = rss_since(r0); \
	sink += *(uint64_t *)q; \
	talloc_free(ctx); \
	return t1 - t0; \
} \
static double talloc_array_##tag(size_t n, size_t *rss) \
{ \
	size_t r0 = rss_bytes(), len = 0, cap = 0; \
	if (talloc_array_too_big(n, sizeof(T))) \
		return -1.0; \
	double t0 = now_ns(); \
	void *ctx = talloc_new(NULL); \
	T *arr = NULL, v; \
	memset(&v, 0, sizeof(v)); \
	if (ctx == NULL) \
		die("talloc_new"); \
	for (size_t i = 0; i < n; i++) { \
		if (len == cap) { \
			cap = cap ? cap * 2 : 16; \
			arr = talloc_realloc(ctx, arr, T, (unsigned)cap); \
			if (arr == NULL) \
				die("talloc_realloc"); \
		} \
		*(uint64_t *)&v = i; \
		arr[len++] = v; \
	} \
	double t1 = now_ns(); \
	*rss = rss_since(r0); \
	sink += *(uint64_t *)&arr[n - 1]; \
	talloc_free(ctx); \
	return t1 - t0; \
}
#else
# define TALLOC_ALLOC_FNS(T, tag)
#endif

APR_ALLOC_FNS(uint64_t, u64)
APR_ALLOC_FNS(struct s32, s32)
TALLOC_ALLOC_FNS(uint64_t, u64)
TALLOC_ALLOC_FNS(struct s32, s32)

/* Calls that the compiler may neither inline nor look into (GCC would
 * otherwise clone them for a constant argument or learn that one never
 * returns), as a library's are. */
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 8
# define BENCH_OPAQUE __attribute__((noipa))
#else
# define BENCH_OPAQUE __attribute__((noinline))
#endif

/* Not a peer: the floor of any container that hands out fresh memory.
 * Stores T values into a fresh anonymous mapping, asking the kernel to
 * populate the next 64 KiB (MADV_POPULATE_WRITE) just before the stores
 * reach it, with no container around them: no length in memory, no
 * bounds, no growth.  On a kernel without the hint each page faults. */
#ifndef MADV_POPULATE_WRITE
# define MADV_POPULATE_WRITE 23
#endif
#define FLOOR_STEP ((size_t)64 * 1024)
#define FLOOR_FNS(T, tag) \
static double floor_alloc_##tag(size_t n, size_t *rss) \
{ \
	size_t bytes = (n * sizeof(T) + FLOOR_STEP - 1) / FLOOR_STEP * \
		       FLOOR_STEP, r0 = rss_bytes(), ahead = 0; \
	double t0 = now_ns(); \
	unsigned char *m = mmap(NULL, bytes, PROT_READ | PROT_WRITE, \
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0); \
	T *arr = (T *)(void *)m, v; \
	if (m == MAP_FAILED) \
		die("mmap"); \
	memset(&v, 0, sizeof(v)); \
	for (size_t i = 0; i < n; i++) { \
		if (i * sizeof(T) >= ahead) { \
			(void)madvise(m + ahead, FLOOR_STEP, \
				      MADV_POPULATE_WRITE); \
			ahead += FLOOR_STEP; \
		} \
		*(uint64_t *)(void *)&v = i; \
		arr[i] = v; \
	} \
	double t1 = now_ns(); \
	*rss = rss_since(r0); \
	sink += *(uint64_t *)(void *)&arr[n - 1]; \
	munmap(m, bytes); \
	return t1 - t0; \
}
FLOOR_FNS(uint64_t, u64)
FLOOR_FNS(struct s32, s32)

/* The entries of an alloc workload, ours first. */
#define ALLOC_ENTRIES(tag) \
	{ "fbump_arena typed", typed_alloc_##tag }, \
	{ "fbump_arena untyped", arena_alloc_##tag }, \
	{ "fbump_fastarena", fast_alloc_##tag }, \
	{ "realloc array", realloc_alloc_##tag }, \
	{ "malloc per element", malloc_alloc_##tag }, \
	{ "obstack", obstack_alloc_##tag } \
	APR_ENTRY(tag) TALLOC_ENTRIES(tag), \
	{ "floor: mmap, populate ahead", floor_alloc_##tag }
#ifdef HAVE_APR
# define APR_ENTRY(tag) , { "APR pool, apr_palloc", apr_alloc_##tag }
#else
# define APR_ENTRY(tag)
#endif
#ifdef HAVE_TALLOC
# define TALLOC_ENTRIES(tag) \
	, { "talloc_size per element", talloc_alloc_##tag } \
	, { "talloc_array doubling", talloc_array_##tag }
#else
# define TALLOC_ENTRIES(tag)
#endif

/* ---- get and iterate ------------------------------------------------------ */

static fbump_arena *g_arena;
static uint64_t *g_plain;
static size_t *g_idx;

static void setup_read(size_t n)
{
	struct fbump_config cfg = FBUMP_CONFIG_INIT(uint64_t);
	uint64_t x = 88172645463325252ull;

	g_arena = fbump_arena_create(&cfg);
	g_plain = malloc(n * sizeof(*g_plain));
	g_idx = malloc(n * sizeof(*g_idx));
	if (g_arena == NULL || g_plain == NULL || g_idx == NULL)
		die("setup");
	for (size_t i = 0; i < n; i++) {
		uint64_t v = i * 3;

		if (fbump_arena_alloc(g_arena, &v) == FBUMP_NONE)
			die("fbump_arena_alloc");
		g_plain[i] = v;
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		g_idx[i] = x % n;
	}
}

static void teardown_read(void)
{
	fbump_arena_destroy(g_arena);
	free(g_plain);
	free(g_idx);
}

static double arena_get(size_t n, size_t *rss)
{
	uint64_t s = 0;
	double t0 = now_ns();

	for (size_t i = 0; i < n; i++)
		s += *(uint64_t *)fbump_arena_get(g_arena, g_idx[i]);
	double t1 = now_ns();
	sink += s;
	*rss = 0;
	return t1 - t0;
}

static double plain_get(size_t n, size_t *rss)
{
	uint64_t s = 0;
	double t0 = now_ns();

	for (size_t i = 0; i < n; i++)
		s += g_plain[g_idx[i]];
	double t1 = now_ns();
	sink += s;
	*rss = 0;
	return t1 - t0;
}

static double arena_iter(size_t n, size_t *rss)
{
	uint64_t s = 0;
	double t0 = now_ns();
	const uint64_t *p = fbump_arena_data(g_arena);
	size_t len = fbump_arena_len(g_arena);

	for (size_t i = 0; i < len; i++)
		s += p[i];
	double t1 = now_ns();
	(void)n;
	sink += s;
	*rss = 0;
	return t1 - t0;
}

static double arena_foreach(size_t n, size_t *rss)
{
	uint64_t s = 0;
	double t0 = now_ns();

	FBUMP_ARENA_FOREACH(uint64_t, p, g_arena)
		s += *p;
	double t1 = now_ns();
	(void)n;
	sink += s;
	*rss = 0;
	return t1 - t0;
}

static double plain_iter(size_t n, size_t *rss)
{
	uint64_t s = 0;
	double t0 = now_ns();

	for (size_t i = 0; i < n; i++)
		s += g_plain[i];
	double t1 = now_ns();
	sink += s;
	*rss = 0;
	return t1 - t0;
}

/* ---- destructors ------------------------------------------------------------ */

static void free_owned(void *elem, void *ctx)
{
	(void)ctx;
	free(*(void **)elem);
}

static double arena_dtor(size_t n, size_t *rss)
{
	struct fbump_config cfg = FBUMP_CONFIG_INIT(void *);

	cfg.destructor = free_owned;
	double t0 = now_ns();
	fbump_arena *a = fbump_arena_create(&cfg);
	if (a == NULL)
		die("fbump_arena_create");
	for (size_t i = 0; i < n; i++) {
		void *p = malloc(32);

		if (p == NULL || fbump_arena_alloc(a, &p) == FBUMP_NONE)
			die("alloc");
	}
	fbump_arena_destroy(a);
	*rss = 0;
	return now_ns() - t0;
}

static double realloc_dtor(size_t n, size_t *rss)
{
	size_t len = 0, cap = 0;
	void **arr = NULL;
	double t0 = now_ns();

	for (size_t i = 0; i < n; i++) {
		if (len == cap) {
			cap = cap ? cap * 2 : 16;
			arr = realloc(arr, cap * sizeof(*arr));
			if (arr == NULL)
				die("realloc");
		}
		arr[len] = malloc(32);
		if (arr[len++] == NULL)
			die("malloc");
	}
	for (size_t i = 0; i < len; i++)
		free(arr[i]);
	free(arr);
	*rss = 0;
	return now_ns() - t0;
}

#ifdef HAVE_TALLOC
/* talloc's own answer: each element a child of one context, freed with it */
static double talloc_dtor(size_t n, size_t *rss)
{
	double t0 = now_ns();
	void *ctx = talloc_new(NULL);

	if (ctx == NULL)
		die("talloc_new");
	for (size_t i = 0; i < n; i++)
		if (talloc_size(ctx, 32) == NULL)
			die("talloc_size");
	talloc_free(ctx);
	*rss = 0;
	return now_ns() - t0;
}
#endif

/* ---- many small arenas ------------------------------------------------------ */

static double small_arena(size_t n, unsigned storage)
{
	struct fbump_config cfg = FBUMP_CONFIG_INIT(uint64_t);
	double t0 = now_ns();

	cfg.storage = storage;
	cfg.capacity = storage == FBUMP_STORAGE_VM ? 0 : 16;
	for (size_t k = 0; k < n; k++) {
		fbump_arena *a = fbump_arena_create(&cfg);

		if (a == NULL)
			die("fbump_arena_create");
		for (uint64_t i = 0; i < 16; i++)
			fbump_arena_alloc(a, &i);
		sink += fbump_arena_len(a);
		fbump_arena_destroy(a);
	}
	return now_ns() - t0;
}

static double small_typed(size_t n, unsigned storage)
{
	struct fbump_config cfg = FBUMP_CONFIG_INIT(uint64_t);
	double t0 = now_ns();

	cfg.storage = storage;
	cfg.capacity = storage == FBUMP_STORAGE_VM ? 0 : 16;
	for (size_t k = 0; k < n; k++) {
		u64_arena a;

		if (u64_arena_create_config(&a, &cfg, NULL) != 0)
			die("fbump_arena_create");
		for (uint64_t i = 0; i < 16; i++)
			u64_arena_alloc(&a, &i);
		sink += u64_arena_len(&a);
		u64_arena_destroy(&a);
	}
	return now_ns() - t0;
}

static double small_typed_fixed(size_t n, size_t *rss) { *rss = 0; return small_typed(n, FBUMP_STORAGE_FIXED); }
static double small_typed_vm(size_t n, size_t *rss) { *rss = 0; return small_typed(n, FBUMP_STORAGE_VM); }

static double small_fixed(size_t n, size_t *rss) { *rss = 0; return small_arena(n, FBUMP_STORAGE_FIXED); }
static double small_realloc(size_t n, size_t *rss) { *rss = 0; return small_arena(n, FBUMP_STORAGE_REALLOC); }
static double small_vm(size_t n, size_t *rss) { *rss = 0; return small_arena(n, FBUMP_STORAGE_VM); }

static double small_malloc(size_t n, size_t *rss)
{
	double t0 = now_ns();

	for (size_t k = 0; k < n; k++) {
		uint64_t *a = malloc(16 * sizeof(*a));

		if (a == NULL)
			die("malloc");
		for (uint64_t i = 0; i < 16; i++)
			a[i] = i;
		sink += a[15];
		free(a);
	}
	*rss = 0;
	return now_ns() - t0;
}

/* Not a peer: the least that an arena object costs, with nothing to
 * check and no destructors: one heap block holding its length, capacity
 * and 16 slots, made and freed by functions the compiler cannot see into
 * (as a library's create and destroy are), and appended to through a
 * pointer with a capacity check: its length is stored at each append. */
struct small_vec {
	size_t len, cap;
	uint64_t slot[];
};

static BENCH_OPAQUE struct small_vec *small_vec_new(size_t cap)
{
	struct small_vec *v = malloc(sizeof(*v) + cap * sizeof(uint64_t));

	if (v == NULL)
		die("malloc");
	v->len = 0;
	v->cap = cap;
	return v;
}

static BENCH_OPAQUE void small_vec_full(struct small_vec *v)
{
	(void)v;
	die_msg("small_vec: full");
}

static BENCH_OPAQUE void small_vec_free(struct small_vec *v)
{
	sink += v->len;
	free(v);
}

static double small_floor(size_t n, size_t *rss)
{
	double t0 = now_ns();

	for (size_t k = 0; k < n; k++) {
		struct small_vec *v = small_vec_new(16);

		for (uint64_t i = 0; i < 16; i++) {
			if (v->len == v->cap)
				small_vec_full(v);
			v->slot[v->len++] = i;
		}
		sink += v->slot[15];
		small_vec_free(v);
	}
	*rss = 0;
	return now_ns() - t0;
}

static double small_obstack(size_t n, size_t *rss)
{
	double t0 = now_ns();

	for (size_t k = 0; k < n; k++) {
		struct obstack ob;

		obstack_init(&ob);
		for (uint64_t i = 0; i < 16; i++)
			sink += (uintptr_t)obstack_copy(&ob, &i, sizeof(i)) & 1;
		obstack_free(&ob, NULL);
	}
	*rss = 0;
	return now_ns() - t0;
}

#ifdef HAVE_APR
/* the parent of the small and temporary pools: APR's usual set-up, a
 * long-lived pool whose allocator recycles the blocks of its children */
static apr_pool_t *g_apr_root;

static double small_apr(size_t n, size_t *rss)
{
	double t0 = now_ns();

	for (size_t k = 0; k < n; k++) {
		apr_pool_t *p;
		uint64_t *q = NULL;

		if (apr_pool_create(&p, g_apr_root) != APR_SUCCESS)
			die_msg("apr_pool_create failed");
		for (uint64_t i = 0; i < 16; i++) {
			q = apr_palloc(p, sizeof(*q));
			*q = i;
		}
		sink += *q;
		apr_pool_destroy(p);
	}
	*rss = 0;
	return now_ns() - t0;
}
#endif

#ifdef HAVE_TALLOC
static double small_talloc_common(size_t n, int pool)
{
	double t0 = now_ns();

	for (size_t k = 0; k < n; k++) {
		void *ctx = pool ? talloc_pool(NULL, 2048) : talloc_new(NULL);
		uint64_t *q = NULL;

		if (ctx == NULL)
			die("talloc_new");
		for (uint64_t i = 0; i < 16; i++) {
			q = talloc_size(ctx, sizeof(*q));
			if (q == NULL)
				die("talloc_size");
			*q = i;
		}
		sink += *q;
		talloc_free(ctx);
	}
	return now_ns() - t0;
}

static double small_talloc(size_t n, size_t *rss) { *rss = 0; return small_talloc_common(n, 0); }
static double small_talloc_pool(size_t n, size_t *rss) { *rss = 0; return small_talloc_common(n, 1); }
#endif

/* ---- checkpoint / 100 allocations / rollback ------------------------------ */

static double arena_backtrack(size_t n, size_t *rss)
{
	struct fbump_config cfg = FBUMP_CONFIG_INIT(uint64_t);
	fbump_arena *a = fbump_arena_create(&cfg);
	if (a == NULL)
		die("fbump_arena_create");
	double t0 = now_ns();

	for (size_t k = 0; k < n; k++) {
		fbump_checkpoint cp = fbump_arena_checkpoint(a);

		for (uint64_t i = 0; i < 100; i++)
			fbump_arena_alloc(a, &i);
		fbump_arena_rollback(a, cp);
	}
	double t1 = now_ns();
	fbump_arena_destroy(a);
	*rss = 0;
	return t1 - t0;
}

static double typed_backtrack(size_t n, size_t *rss)
{
	u64_arena a;

	if (u64_arena_create(&a, NULL) != 0)
		die("fbump_arena_create");
	double t0 = now_ns();

	for (size_t k = 0; k < n; k++) {
		fbump_checkpoint cp = u64_arena_checkpoint(&a);

		for (uint64_t i = 0; i < 100; i++)
			u64_arena_alloc(&a, &i);
		u64_arena_rollback(&a, cp);
	}
	double t1 = now_ns();
	u64_arena_destroy(&a);
	*rss = 0;
	return t1 - t0;
}

static double realloc_backtrack(size_t n, size_t *rss)
{
	size_t len = 0, cap = 0;
	uint64_t *arr = NULL;
	double t0 = now_ns();

	for (size_t k = 0; k < n; k++) {
		size_t mark = len;

		for (uint64_t i = 0; i < 100; i++) {
			if (len == cap) {
				cap = cap ? cap * 2 : 16;
				arr = realloc(arr, cap * sizeof(*arr));
				if (arr == NULL)
					die("realloc");
			}
			arr[len++] = i;
		}
		sink += arr[len - 1];
		len = mark;
	}
	double t1 = now_ns();
	free(arr);
	*rss = 0;
	return t1 - t0;
}

/* Not a peer: the realloc array again, but kept as a library keeps a
 * container, in an object reached through a pointer and grown by a call
 * that the compiler cannot see into.  Its length then has to be in memory
 * at each append, as fbump_arena's is: one more store per element than
 * the array whose length lives in a register. */
struct u64vec {
	uint64_t *data;
	size_t len, cap;
};

static BENCH_OPAQUE void u64vec_grow(struct u64vec *v)
{
	v->cap = v->cap ? v->cap * 2 : 16;
	v->data = realloc(v->data, v->cap * sizeof(*v->data));
	if (v->data == NULL)
		die("realloc");
}

static inline void u64vec_push(struct u64vec *v, uint64_t x)
{
	if (v->len == v->cap)
		u64vec_grow(v);
	v->data[v->len++] = x;
}

static double vec_backtrack(size_t n, size_t *rss)
{
	struct u64vec *v = calloc(1, sizeof(*v));
	if (v == NULL)
		die("calloc");
	double t0 = now_ns();

	for (size_t k = 0; k < n; k++) {
		size_t mark = v->len;

		for (uint64_t i = 0; i < 100; i++)
			u64vec_push(v, i);
		sink += v->data[v->len - 1];
		v->len = mark;
	}
	double t1 = now_ns();
	free(v->data);
	free(v);
	*rss = 0;
	return t1 - t0;
}

static double obstack_backtrack(size_t n, size_t *rss)
{
	struct obstack ob;
	double t0 = now_ns();

	obstack_init(&ob);
	void *base = obstack_alloc(&ob, 1);
	for (size_t k = 0; k < n; k++) {
		void *mark = obstack_alloc(&ob, 1);

		for (uint64_t i = 0; i < 100; i++)
			sink += (uintptr_t)obstack_copy(&ob, &i, sizeof(i)) & 1;
		obstack_free(&ob, mark);
	}
	obstack_free(&ob, base);
	obstack_free(&ob, NULL);
	*rss = 0;
	return now_ns() - t0;
}

#ifdef HAVE_APR
/* APR's checkpoint: a subpool, destroyed with what was allocated in it */
static double apr_backtrack(size_t n, size_t *rss)
{
	apr_pool_t *parent;

	if (apr_pool_create(&parent, g_apr_root) != APR_SUCCESS)
		die_msg("apr_pool_create failed");
	double t0 = now_ns();
	for (size_t k = 0; k < n; k++) {
		apr_pool_t *sub;
		uint64_t *q = NULL;

		if (apr_pool_create(&sub, parent) != APR_SUCCESS)
			die_msg("apr_pool_create failed");
		for (uint64_t i = 0; i < 100; i++) {
			q = apr_palloc(sub, sizeof(*q));
			*q = i;
		}
		sink += *q;
		apr_pool_destroy(sub);
	}
	double t1 = now_ns();
	apr_pool_destroy(parent);
	*rss = 0;
	return t1 - t0;
}
#endif

#ifdef HAVE_TALLOC
/* talloc's checkpoint: a child context, freed with its children */
static double talloc_backtrack_common(size_t n, int pool)
{
	void *parent = talloc_new(NULL);

	if (parent == NULL)
		die("talloc_new");
	double t0 = now_ns();
	for (size_t k = 0; k < n; k++) {
		void *child = pool ? talloc_pool(parent, 100 * 128)
				   : talloc_new(parent);
		uint64_t *q = NULL;

		if (child == NULL)
			die("talloc_new");
		for (uint64_t i = 0; i < 100; i++) {
			q = talloc_size(child, sizeof(*q));
			if (q == NULL)
				die("talloc_size");
			*q = i;
		}
		sink += *q;
		talloc_free(child);
	}
	double t1 = now_ns();
	talloc_free(parent);
	return t1 - t0;
}

static double talloc_backtrack(size_t n, size_t *rss) { *rss = 0; return talloc_backtrack_common(n, 0); }
static double talloc_pool_backtrack(size_t n, size_t *rss) { *rss = 0; return talloc_backtrack_common(n, 1); }
#endif

/* ---- concurrent allocation ------------------------------------------------- */

static int g_threads;
static fbump_fastarena *g_fast;
static pthread_mutex_t g_mutex = PTHREAD_MUTEX_INITIALIZER;
static uint64_t *g_marr;
static size_t g_mlen, g_mcap;
static uint64_t *g_farr;
static size_t g_fcursor;
#ifdef FBENCH_USE_TBB
static void *g_tbb;
#endif
static int g_ready, g_go;

/* One thread of a concurrent run: waits for the others, then times its own
 * share; the run lasts from the first start to the last finish (timing in
 * the main thread would count its own wake-up, which can come after the
 * workers are done).  The start is a flag that the workers poll, not a
 * blocking barrier: a thread woken from a barrier tends to be queued on
 * its waker's cpu, and on a 2-cpu machine then runs after it, not beside
 * it. */
struct worker {
	pthread_t tid;
	size_t n;
	void (*body)(size_t n);
	double t0, t1, cpu;
};

static double thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	double c0;

	__atomic_add_fetch(&g_ready, 1, __ATOMIC_ACQ_REL);
	while (!__atomic_load_n(&g_go, __ATOMIC_ACQUIRE))
		sched_yield();
	c0 = thread_cpu_ns();
	w->t0 = now_ns();
	w->body(w->n);
	w->t1 = now_ns();
	w->cpu = thread_cpu_ns() - c0;
	return NULL;
}

static void fast_body(size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t v = i;

		if (fbump_fastarena_alloc(g_fast, &v) == FBUMP_NONE)
			die("fbump_fastarena_alloc");
	}
}

static void mutex_body(size_t n)
{
	for (size_t i = 0; i < n; i++) {
		pthread_mutex_lock(&g_mutex);
		if (g_mlen == g_mcap) {
			g_mcap = g_mcap ? g_mcap * 2 : 16;
			g_marr = realloc(g_marr, g_mcap * sizeof(*g_marr));
			if (g_marr == NULL)
				die("realloc");
		}
		g_marr[g_mlen++] = i;
		pthread_mutex_unlock(&g_mutex);
	}
}

static void faa_body(size_t n)
{
	for (size_t i = 0; i < n; i++) {
		/* relaxed: the floor a shared cursor costs, nothing more */
		size_t k = __atomic_fetch_add(&g_fcursor, 1, __ATOMIC_RELAXED);

		g_farr[k] = i;
	}
}

#ifdef FBENCH_USE_TBB
static void tbb_body(size_t n)
{
	if (fbench_tbb_push(g_tbb, n) != 0)
		die_msg("tbb::concurrent_vector::push_back threw");
}
#endif

/* n operations in all, split over g_threads threads. */
static double run_threads(size_t n, void (*body)(size_t))
{
	static struct worker w[MAX_THREADS];
	double first = 0, last = 0, cpu = 0;
	int err;

	__atomic_store_n(&g_ready, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&g_go, 0, __ATOMIC_RELAXED);
	for (int i = 0; i < g_threads; i++) {
		w[i].n = n / (size_t)g_threads +
			 ((size_t)i < n % (size_t)g_threads);
		w[i].body = body;
		err = pthread_create(&w[i].tid, NULL, worker_main, &w[i]);
		if (err != 0) {
			errno = err;
			die("pthread_create");
		}
	}
	while (__atomic_load_n(&g_ready, __ATOMIC_ACQUIRE) < g_threads)
		sched_yield();
	__atomic_store_n(&g_go, 1, __ATOMIC_RELEASE);
	for (int i = 0; i < g_threads; i++) {
		pthread_join(w[i].tid, NULL);
		if (i == 0 || w[i].t0 < first)
			first = w[i].t0;
		if (i == 0 || w[i].t1 > last)
			last = w[i].t1;
		cpu += w[i].cpu;
	}
	g_cpus = last > first ? cpu / (last - first) : 0;
	return last - first;
}

static double conc_fast(size_t n, size_t *rss)
{
	struct fbump_config cfg = FBUMP_CONFIG_INIT(uint64_t);
	double t;

	g_fast = fbump_fastarena_create(&cfg);
	if (g_fast == NULL)
		die("fbump_fastarena_create");
	t = run_threads(n, fast_body);
	if (fbump_fastarena_len(g_fast) != n)
		die_msg("fbump_fastarena lost elements");
	fbump_fastarena_destroy(g_fast);
	*rss = 0;
	return t;
}

static double conc_mutex(size_t n, size_t *rss)
{
	double t;

	g_marr = NULL;
	g_mlen = g_mcap = 0;
	t = run_threads(n, mutex_body);
	free(g_marr);
	*rss = 0;
	return t;
}

static double conc_faa(size_t n, size_t *rss)
{
	double t;

	g_farr = malloc(n * sizeof(*g_farr));
	if (g_farr == NULL)
		die("malloc");
	g_fcursor = 0;
	t = run_threads(n, faa_body);
	free(g_farr);
	*rss = 0;
	return t;
}

#ifdef FBENCH_USE_TBB
static double conc_tbb(size_t n, size_t *rss)
{
	double t;

	g_tbb = fbench_tbb_new();
	if (g_tbb == NULL)
		die_msg("tbb::concurrent_vector: out of memory");
	t = run_threads(n, tbb_body);
	if (fbench_tbb_size(g_tbb) != n)
		die_msg("tbb::concurrent_vector lost elements");
	fbench_tbb_delete(g_tbb);
	*rss = 0;
	return t;
}
#endif

/* ---- the machine ------------------------------------------------------------ */

static void cpu_model(char *model, size_t size)
{
	static const char *const keys[] = {
		"model name", "Model", "cpu model", "Hardware", "cpu"
	};
	char line[512];
	FILE *f = fopen("/proc/cpuinfo", "r");

	snprintf(model, size, "unknown CPU");
	if (f == NULL)
		return;
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		size_t len = strlen(keys[k]);

		rewind(f);
		while (fgets(line, sizeof(line), f))
			if (strncmp(line, keys[k], len) == 0 &&
			    (line[len] == ' ' || line[len] == '\t' ||
			     line[len] == ':')) {
				char *c = strchr(line, ':');

				if (c == NULL)
					continue;
				c += strspn(c + 1, " \t") + 1;
				c[strcspn(c, "\n")] = 0;
				snprintf(model, size, "%.200s", c);
				fclose(f);
				return;
			}
	}
	fclose(f);
}

static double load_average(void)
{
	double l[1] = { -1.0 };

	return getloadavg(l, 1) == 1 ? l[0] : -1.0;
}

static void describe_machine(void)
{
	char model[256], threads[128] = "";
	struct utsname u;
	unsigned v = fbump_version();

	cpu_model(model, sizeof(model));
	if (uname(&u) != 0)
		memset(&u, 0, sizeof(u));
	printf("machine: %s, %ld cpus online (%ld configured); %s %s %s\n",
	       model, sysconf(_SC_NPROCESSORS_ONLN),
	       sysconf(_SC_NPROCESSORS_CONF), u.sysname, u.release,
	       u.machine);
#if defined(__clang__)
	char cv[64];

	snprintf(cv, sizeof(cv), "%s", __clang_version__);
	cv[strcspn(cv, " ")] = 0;	/* it ends in a space */
	printf("build:   clang %s", cv);
#elif defined(__GNUC__)
	printf("build:   gcc %s", __VERSION__);
#else
	printf("build:   unknown compiler");
#endif
	printf(", glibc %s; libfastbump %u.%u.%u\n", gnu_get_libc_version(),
	       (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff);
	printf("peers:   realloc array, malloc, obstack, mutex array, "
	       "fetch_add");
#ifdef HAVE_APR
	printf(", APR %s", apr_version_string());
#else
	printf(", APR (not built)");
#endif
#ifdef HAVE_TALLOC
	printf(", talloc %d.%d", talloc_version_major(),
	       talloc_version_minor());
#else
	printf(", talloc (not built)");
#endif
#ifdef FBENCH_USE_TBB
	printf(", TBB %s", fbench_tbb_version());
#elif defined(HAVE_TBB)
	printf(", TBB (left out under ThreadSanitizer)");
#else
	printf(", TBB (not built)");
#endif
	printf("\n");
	for (int i = 0; i < n_thread_counts; i++)
		snprintf(threads + strlen(threads),
			 sizeof(threads) - strlen(threads), "%s%d",
			 i ? "," : "", thread_counts[i]);
	printf("run:     %zu elements, median of %d interleaved repetitions "
	       "(+-: half the min-max range); threads %s; "
	       "load average %.2f\n", N, REPS, threads, load_average());
	fflush(stdout);
}

/* ---- main ------------------------------------------------------------------- */

static void usage(FILE *f, const char *argv0)
{
	fprintf(f,
		"usage: %s [-n elements] [-r repetitions] [-t threads,...] "
		"[-w workload,...]\n"
		"          [-c results.csv] [-s scaling.csv] [-i] [-q] [-l] [-h]\n"
		"  -n  elements per workload (default 10000000, >= 1000)\n"
		"  -r  repetitions; the median is shown (default 5, 1..%d)\n"
		"  -t  thread counts of the concurrent workload (default 1,2,4)\n"
		"  -w  run only the workloads whose key (-l) contains one of "
		"these\n"
		"  -c  write every result as CSV\n"
		"  -s  write threads,implementation,ns_per_op of the concurrent "
		"workload\n"
		"      (bench/plot-scaling.sh draws it)\n"
		"  -i  run every measurement in this process, not in a child "
		"(for valgrind, perf)\n"
		"  -q  quick: 20000 elements, 3 repetitions (make check)\n"
		"  -l  list the workloads\n", argv0, MAX_REPS);
}

static int parse_threads(const char *arg)
{
	const char *p = arg;

	n_thread_counts = 0;
	while (*p) {
		char *end;
		long t = strtol(p, &end, 10);

		if (end == p || t < 1 || t > MAX_THREADS ||
		    n_thread_counts == MAX_THREAD_COUNTS ||
		    (*end != ',' && *end != 0))
			return -1;
		thread_counts[n_thread_counts++] = (int)t;
		p = *end == ',' ? end + 1 : end;
	}
	return n_thread_counts > 0 ? 0 : -1;
}

static FILE *open_out(const char *path)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		die(path);
	return f;
}

int main(int argc, char **argv)
{
	int opt, quick = 0, n_given = 0, r_given = 0;
	char *end;

	while ((opt = getopt(argc, argv, "n:r:t:w:c:s:iqlh")) != -1) {
		switch (opt) {
		case 'n':
			errno = 0;
			N = strtoull(optarg, &end, 10);
			if (errno != 0 || *end != 0 || optarg[0] == '-')
				N = 0;
			n_given = 1;
			break;
		case 'r':
			REPS = atoi(optarg);
			r_given = 1;
			break;
		case 't':
			if (parse_threads(optarg) != 0) {
				fprintf(stderr, "fastbump-bench: -t wants thread "
					"counts 1..%d, e.g. 1,2,4\n", MAX_THREADS);
				return 2;
			}
			break;
		case 'w': only = optarg; break;
		case 'c':
			csv = open_out(optarg);
			fprintf(csv, "workload,implementation,ns_per_op,"
				"ratio_to_ours,bytes_per_slot,min_ns_per_op,"
				"max_ns_per_op\n");
			break;
		case 's':
			scaling = open_out(optarg);
			fprintf(scaling, "threads,implementation,ns_per_op\n");
			break;
		case 'i': in_process = 1; break;
		case 'q': quick = 1; break;
		case 'l':
			for (size_t i = 0; i < N_WORKLOADS; i++)
				printf("%-11s %-34s %s\n", workloads[i].key,
				       workloads[i].title, workloads[i].what);
			return 0;
		case 'h': usage(stdout, argv[0]); return 0;
		default: usage(stderr, argv[0]); return 2;
		}
	}
	if (optind < argc) {
		usage(stderr, argv[0]);
		return 2;
	}
	if (quick) {
		if (!n_given)
			N = 20000;
		if (!r_given)
			REPS = 3;
	}
	if (N < 1000 || REPS < 1 || REPS > MAX_REPS) {
		fprintf(stderr, "fastbump-bench: need -n >= 1000 and "
			"1 <= -r <= %d\n", MAX_REPS);
		return 2;
	}
	if (only != NULL) {
		int any = 0;

		for (size_t i = 0; i < N_WORKLOADS; i++)
			any |= selected_index(i);
		if (!any) {
			fprintf(stderr, "fastbump-bench: -w %s matches no "
				"workload (-l lists them)\n", only);
			return 2;
		}
	}
#ifdef HAVE_APR
	if (apr_initialize() != APR_SUCCESS ||
	    apr_pool_create(&g_apr_root, NULL) != APR_SUCCESS)
		die_msg("apr_initialize failed");
	atexit(apr_terminate);
#endif
	describe_machine();

	if (selected("alloc-u64")) {
		const struct entry e[] = { ALLOC_ENTRIES(u64) };

		workload("alloc u64, fresh arena", N, N, e,
			 (int)(sizeof(e) / sizeof(e[0])), NULL);
	}
	if (selected("alloc-s32")) {
		const struct entry e[] = { ALLOC_ENTRIES(s32) };

		workload("alloc 32-byte struct, fresh arena", N, N, e,
			 (int)(sizeof(e) / sizeof(e[0])), NULL);
	}

	int want_get = selected("get");
	int want_iter = selected("iter");
	if (want_get || want_iter) {
		setup_read(N);
		if (want_get) {
			const struct entry e[] = {
				{ "fbump_arena_get", arena_get },
				{ "plain array", plain_get },
			};

			workload("random-index get", N, N, e, 2, NULL);
		}
		if (want_iter) {
			const struct entry e[] = {
				{ "fbump_arena slice", arena_iter },
				{ "plain array", plain_iter },
				{ "FBUMP_ARENA_FOREACH", arena_foreach },
			};

			workload("sequential iteration", N, N, e, 3, NULL);
		}
		teardown_read();
	}

	if (selected("dtor")) {
		const struct entry e[] = {
			{ "fbump_arena + destructor", arena_dtor },
			{ "realloc array + free loop", realloc_dtor },
#ifdef HAVE_TALLOC
			{ "talloc children, talloc_free", talloc_dtor },
#endif
		};

		workload("alloc owning elements, destroy", N / 10, N / 10, e,
			 (int)(sizeof(e) / sizeof(e[0])), NULL);
	}

	if (selected("small")) {
		const struct entry e[] = {
			{ "fbump_arena FIXED typed", small_typed_fixed },
			{ "fbump_arena VM typed", small_typed_vm },
			{ "fbump_arena FIXED", small_fixed },
			{ "fbump_arena REALLOC", small_realloc },
			{ "fbump_arena VM", small_vm },
			{ "malloc array", small_malloc },
			{ "obstack", small_obstack },
#ifdef HAVE_APR
			{ "APR subpool", small_apr },
#endif
#ifdef HAVE_TALLOC
			{ "talloc_new", small_talloc },
			{ "talloc_pool", small_talloc_pool },
#endif
			{ "floor: malloc'd object, length in memory",
			  small_floor },
		};

		workload("create, 16 allocs, destroy", N / 100, N / 100, e,
			 (int)(sizeof(e) / sizeof(e[0])), NULL);
	}

	if (selected("backtrack")) {
		const struct entry e[] = {
			{ "fbump_arena typed", typed_backtrack },
			{ "fbump_arena untyped", arena_backtrack },
			{ "realloc array", realloc_backtrack },
			{ "obstack", obstack_backtrack },
#ifdef HAVE_APR
			{ "APR subpool", apr_backtrack },
#endif
#ifdef HAVE_TALLOC
			{ "talloc child context", talloc_backtrack },
			{ "talloc_pool child", talloc_pool_backtrack },
#endif
			{ "floor: array, length in memory", vec_backtrack },
		};

		workload("checkpoint, 100 allocs, rollback", N / 100, N / 100,
			 e, (int)(sizeof(e) / sizeof(e[0])), NULL);
	}

	if (selected("concurrent")) {
		const struct entry e[] = {
			{ "fbump_fastarena", conc_fast },
			{ "mutex + realloc array", conc_mutex },
			{ "fetch_add, pre-sized", conc_faa },
#ifdef FBENCH_USE_TBB
			{ "TBB concurrent_vector", conc_tbb },
#endif
		};
		const int count = (int)(sizeof(e) / sizeof(e[0]));

		for (int k = 0; k < n_thread_counts; k++) {
			char title[64];
			double med[MAX_ENTRIES];

			g_threads = thread_counts[k];
			snprintf(title, sizeof(title),
				 "concurrent alloc u64, %d thread%s", g_threads,
				 g_threads > 1 ? "s" : "");
			workload(title, N, N, e, count, med);
			for (int i = 0; scaling != NULL && i < count; i++)
				fprintf(scaling, "%d,\"%s\",%.3f\n", g_threads,
					e[i].name, med[i]);
		}
	}
	printf("\nload average at the end: %.2f\n", load_average());
	if (csv != NULL && fclose(csv) != 0)
		die("CSV file");
	if (scaling != NULL && fclose(scaling) != 0)
		die("scaling file");
	return 0;
}
