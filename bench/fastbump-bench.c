/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fastbump-bench - libfastbump against the peers every machine has, in one
 * process: a realloc-doubling array, malloc per element, glibc obstack, a
 * mutex-protected array and a bare atomic fetch_add.  Prints medians in ns
 * per operation and each peer's time as a ratio to libfastbump's.
 *
 *   fastbump-bench [-n elements] [-r repetitions] [-c csv-file] [-q]
 *
 * -q runs tiny sizes, for make check, so the program cannot rot.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <obstack.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fastbump.h>

#define obstack_chunk_alloc malloc
#define obstack_chunk_free free

static size_t N = 10000000;
static int REPS = 5;
static FILE *csv;
static volatile uint64_t sink;

struct s32 { uint64_t a, b, c, d; };

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
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

/* One measured thing: a function that runs the workload once and returns
 * its elapsed ns; ops is the operation count it performs. */
typedef double run_fn(size_t n, size_t *rss);

struct entry {
	const char *name;
	run_fn *run;
};

/* Runs each entry REPS times, interleaved, and prints medians; the first
 * entry is libfastbump, the rest are compared with it. */
static void workload(const char *title, size_t ops, size_t n,
		     const struct entry *e, int count)
{
	double med[16], t[64];
	size_t rss[16];

	printf("\n%s (%zu ops)\n", title, ops);
	for (int i = 0; i < count; i++) {
		size_t r = 0;

		for (int k = 0; k < REPS; k++) {
			t[k] = e[i].run(n, &r) / (double)ops;
		}
		qsort(t, REPS, sizeof(t[0]), cmp_double);
		med[i] = t[REPS / 2];
		rss[i] = r;
	}
	for (int i = 0; i < count; i++) {
		printf("  %-28s %9.2f ns/op", e[i].name, med[i]);
		if (i > 0)
			printf("   peer/ours %6.2fx", med[i] / med[0]);
		if (rss[i])
			printf("   %6.2f bytes/slot", (double)rss[i] / (double)n);
		printf("\n");
		if (csv)
			fprintf(csv, "%s,%s,%.3f,%.3f,%.3f\n", title, e[i].name,
				med[i], med[i] / med[0],
				rss[i] ? (double)rss[i] / (double)n : 0.0);
	}
}

/* ---- alloc into a fresh container -------------------------------------- */

#define ALLOC_FNS(T, tag) \
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
	*rss = rss_bytes() - r0; \
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
	*rss = rss_bytes() - r0; \
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
	*rss = rss_bytes() - r0; \
	sink += *(uint64_t *)&arr[n - 1]; \
	free(arr); \
	return t1 - t0; \
} \
static double malloc_alloc_##tag(size_t n, size_t *rss) \
{ \
	size_t r0 = rss_bytes(); \
	T **ptrs = malloc(n * sizeof(*ptrs)); \
	if (ptrs == NULL) \
		die("malloc"); \
	memset(ptrs, 0, n * sizeof(*ptrs)); \
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
	*rss = rss_bytes() - r0; \
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
	*rss = rss_bytes() - r0; \
	obstack_free(&ob, NULL); \
	return t1 - t0; \
}

ALLOC_FNS(uint64_t, u64)
ALLOC_FNS(struct s32, s32)

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

		fbump_arena_alloc(g_arena, &v);
		g_plain[i] = v;
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		g_idx[i] = x % n;
	}
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

/* ---- checkpoint / 100 allocations / rollback ------------------------------ */

static double arena_backtrack(size_t n, size_t *rss)
{
	struct fbump_config cfg = FBUMP_CONFIG_INIT(uint64_t);
	fbump_arena *a = fbump_arena_create(&cfg);
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

/* ---- concurrent allocation ------------------------------------------------- */

static int g_threads;
static fbump_fastarena *g_fast;
static pthread_mutex_t g_mutex = PTHREAD_MUTEX_INITIALIZER;
static uint64_t *g_marr;
static size_t g_mlen, g_mcap;
static uint64_t *g_farr;
static size_t g_fcursor;
static pthread_barrier_t g_barrier;

static void *fast_worker(void *arg)
{
	size_t n = (size_t)arg;

	pthread_barrier_wait(&g_barrier);
	for (size_t i = 0; i < n; i++) {
		uint64_t v = i;

		if (fbump_fastarena_alloc(g_fast, &v) == FBUMP_NONE)
			die("fbump_fastarena_alloc");
	}
	return NULL;
}

static void *mutex_worker(void *arg)
{
	size_t n = (size_t)arg;

	pthread_barrier_wait(&g_barrier);
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
	return NULL;
}

static void *faa_worker(void *arg)
{
	size_t n = (size_t)arg;

	pthread_barrier_wait(&g_barrier);
	for (size_t i = 0; i < n; i++) {
		/* relaxed: the floor a shared cursor costs, nothing more */
		size_t k = __atomic_fetch_add(&g_fcursor, 1, __ATOMIC_RELAXED);

		g_farr[k] = i;
	}
	return NULL;
}

static double run_threads(size_t n, void *(*fn)(void *))
{
	pthread_t t[16];
	double t0;

	pthread_barrier_init(&g_barrier, NULL, (unsigned)g_threads + 1);
	for (int i = 0; i < g_threads; i++)
		if (pthread_create(&t[i], NULL, fn, (void *)(n / g_threads)) != 0)
			die("pthread_create");
	pthread_barrier_wait(&g_barrier);
	t0 = now_ns();
	for (int i = 0; i < g_threads; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&g_barrier);
	return now_ns() - t0;
}

static double conc_fast(size_t n, size_t *rss)
{
	struct fbump_config cfg = FBUMP_CONFIG_INIT(uint64_t);
	double t;

	g_fast = fbump_fastarena_create(&cfg);
	if (g_fast == NULL)
		die("fbump_fastarena_create");
	t = run_threads(n, fast_worker);
	fbump_fastarena_destroy(g_fast);
	*rss = 0;
	return t;
}

static double conc_mutex(size_t n, size_t *rss)
{
	double t;

	g_marr = NULL;
	g_mlen = g_mcap = 0;
	t = run_threads(n, mutex_worker);
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
	t = run_threads(n, faa_worker);
	free(g_farr);
	*rss = 0;
	return t;
}

static void describe_machine(void)
{
	char model[256] = "unknown";
	FILE *f = fopen("/proc/cpuinfo", "r");

	if (f != NULL) {
		char line[512];

		while (fgets(line, sizeof(line), f))
			if (strncmp(line, "model name", 10) == 0) {
				char *c = strchr(line, ':');

				snprintf(model, sizeof(model), "%.200s", c ? c + 2 : line);
				model[strcspn(model, "\n")] = 0;
				break;
			}
		fclose(f);
	}
	printf("machine: %s, %ld cpus online; libfastbump %#x; %zu elements, "
	       "median of %d\n", model, sysconf(_SC_NPROCESSORS_ONLN),
	       fbump_version(), N, REPS);
}

int main(int argc, char **argv)
{
	int opt;

	while ((opt = getopt(argc, argv, "n:r:c:q")) != -1) {
		switch (opt) {
		case 'n': N = strtoull(optarg, NULL, 10); break;
		case 'r': REPS = atoi(optarg); break;
		case 'c':
			csv = fopen(optarg, "w");
			if (csv == NULL)
				die(optarg);
			fprintf(csv, "workload,implementation,ns_per_op,ratio_to_ours,bytes_per_slot\n");
			break;
		case 'q': N = 20000; REPS = 3; break;
		default:
			fprintf(stderr, "usage: %s [-n elements] [-r reps] [-c csv] [-q]\n", argv[0]);
			return 2;
		}
	}
	if (N < 1000 || REPS < 1 || REPS > 63) {
		fprintf(stderr, "fastbump-bench: need -n >= 1000 and 1 <= -r <= 63\n");
		return 2;
	}
	describe_machine();

	const struct entry alloc_u64[] = {
		{ "fbump_arena", arena_alloc_u64 },
		{ "fbump_fastarena", fast_alloc_u64 },
		{ "realloc array", realloc_alloc_u64 },
		{ "malloc per element", malloc_alloc_u64 },
		{ "obstack", obstack_alloc_u64 },
	};
	workload("alloc u64, fresh arena", N, N, alloc_u64, 5);
	const struct entry alloc_s32[] = {
		{ "fbump_arena", arena_alloc_s32 },
		{ "fbump_fastarena", fast_alloc_s32 },
		{ "realloc array", realloc_alloc_s32 },
		{ "malloc per element", malloc_alloc_s32 },
		{ "obstack", obstack_alloc_s32 },
	};
	workload("alloc 32-byte struct, fresh arena", N, N, alloc_s32, 5);

	setup_read(N);
	const struct entry get[] = {
		{ "fbump_arena_get", arena_get }, { "plain array", plain_get },
	};
	workload("random-index get", N, N, get, 2);
	const struct entry iter[] = {
		{ "fbump_arena slice", arena_iter },
		{ "plain array", plain_iter },
		{ "FBUMP_ARENA_FOREACH", arena_foreach },
	};
	workload("sequential iteration", N, N, iter, 3);
	fbump_arena_destroy(g_arena);
	free(g_plain);
	free(g_idx);

	const struct entry dtor[] = {
		{ "fbump_arena + destructor", arena_dtor },
		{ "realloc array + free loop", realloc_dtor },
	};
	workload("alloc owning elements, destroy", N / 10, N / 10, dtor, 2);

	const struct entry small[] = {
		{ "fbump_arena FIXED", small_fixed },
		{ "fbump_arena REALLOC", small_realloc },
		{ "fbump_arena VM", small_vm },
		{ "malloc array", small_malloc },
		{ "obstack", small_obstack },
	};
	workload("create, 16 allocs, destroy", N / 100, N / 100, small, 5);

	const struct entry back[] = {
		{ "fbump_arena", arena_backtrack },
		{ "realloc array", realloc_backtrack },
		{ "obstack", obstack_backtrack },
	};
	workload("checkpoint, 100 allocs, rollback", N / 100, N / 100, back, 3);

	for (g_threads = 1; g_threads <= 4; g_threads *= 2) {
		char title[64];
		const struct entry conc[] = {
			{ "fbump_fastarena", conc_fast },
			{ "mutex + realloc array", conc_mutex },
			{ "fetch_add, pre-sized", conc_faa },
		};

		snprintf(title, sizeof(title), "concurrent alloc u64, %d thread%s",
			 g_threads, g_threads > 1 ? "s" : "");
		workload(title, N, N, conc, 3);
	}
	if (csv)
		fclose(csv);
	return 0;
}
