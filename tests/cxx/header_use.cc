// SPDX-License-Identifier: Apache-2.0
//
// header_use.cc - include/fastbump.h from C++11: every inline function and
// macro of the header (the untyped fast paths, the FOREACH macros, the
// configuration initializers, the version macros and the typed layer) is
// used and its result checked, against the real library.  Exits 0 on
// success, 1 after naming the failed checks.
#include <fastbump.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <type_traits>
#include <vector>

namespace {

int failures = 0;

#define CHECK(cond) \
	do { \
		if (!(cond)) { \
			std::fprintf(stderr, "%s:%d: check failed: %s\n", \
				     __FILE__, __LINE__, #cond); \
			failures++; \
		} \
	} while (0)

struct vec3 {
	float x, y, z;
};
static_assert(std::is_trivially_copyable<vec3>::value,
	      "arena elements are copied bytewise");

const int per_thread = 1000;

struct alignas(32) block {
	unsigned char bytes[40];
};

} // namespace

// the typed layer at namespace scope, as in C
FBUMP_ARENA_TYPED(vec_arena, vec3);
FBUMP_FASTARENA_TYPED(vec_log, vec3);

namespace {
// larger than the 64 bytes the typed append copies before calling the
// library: the other branch of name_alloc
struct frame {
	double samples[16];
};
} // namespace
FBUMP_ARENA_TYPED(frame_arena, frame);
FBUMP_FASTARENA_TYPED(frame_log, frame);

// Trivially copyable without a default constructor: the typed layer must
// not need one (it copies values as bytes).
struct ticket {
	int n;
	explicit ticket(int v) : n(v) {}
};
static_assert(std::is_trivially_copyable<ticket>::value, "trivially copyable");
FBUMP_ARENA_TYPED(ticket_arena, ticket);
FBUMP_FASTARENA_TYPED(ticket_log, ticket);

namespace {

vec3 v3(float x, float y, float z)
{
	vec3 v;
	v.x = x;
	v.y = y;
	v.z = z;
	return v;
}

void test_version()
{
	static_assert(FASTBUMP_VERSION_HEX ==
		      ((FASTBUMP_VERSION_MAJOR << 16) |
		       (FASTBUMP_VERSION_MINOR << 8) | FASTBUMP_VERSION_MICRO),
		      "version macros agree");
	CHECK(fbump_version() == FASTBUMP_VERSION_HEX);
	CHECK(FASTBUMP_VERSION_STRING[0] == '0' + FASTBUMP_VERSION_MAJOR);
	CHECK(FBUMP_NONE == static_cast<size_t>(-1));
	CHECK(FBUMP_ALIGNOF(block) == 32);
}

void test_arena()
{
	// FBUMP_CONFIG_INIT and a captureless lambda as the destructor
	static int destroyed = 0;
	struct fbump_config cfg = FBUMP_CONFIG_INIT(vec3);
	cfg.destructor = [](void *, void *ctx) { ++*static_cast<int *>(ctx); };
	cfg.destructor_ctx = &destroyed;
	CHECK(cfg.struct_size == sizeof(struct fbump_config));
	CHECK(cfg.elem_size == sizeof(vec3) && cfg.elem_align == alignof(vec3));

	fbump_arena *a = fbump_arena_create(&cfg);
	CHECK(a != nullptr);
	if (a == nullptr)
		return;
	CHECK(fbump_arena_is_empty(a) != 0);
	CHECK(fbump_arena_len(a) == 0);
	CHECK(fbump_arena_data(a) == nullptr);
	CHECK(fbump_arena_stride(a) == sizeof(vec3));
	int n = 0;
	FBUMP_ARENA_FOREACH(vec3, v, a)		// empty: NULL data, no steps
		n++;
	CHECK(n == 0);

	for (int i = 0; i < 10; i++) {
		vec3 v = v3(float(i), 2.0f * float(i), 0.5f);
		CHECK(fbump_arena_alloc(a, &v) == size_t(i));
	}
	CHECK(!fbump_arena_is_empty(a) && fbump_arena_len(a) == 10);
	CHECK(static_cast<vec3 *>(fbump_arena_get(a, 7))->y == 14.0f);
	CHECK(static_cast<vec3 *>(fbump_arena_data(a))[3].x == 3.0f);
	float sum = 0;
	FBUMP_ARENA_FOREACH(vec3, v, a)
		sum += v->x;
	CHECK(sum == 45.0f);

	CHECK(fbump_arena_destroy(a) == 0);
	CHECK(destroyed == 10);

	// FBUMP_CONFIG_INIT_SIZED: a run-time size with a larger stride
	struct fbump_config sized = FBUMP_CONFIG_INIT_SIZED(5, 8);
	fbump_arena *b = fbump_arena_create(&sized);
	CHECK(b != nullptr);
	if (b == nullptr)
		return;
	CHECK(fbump_arena_stride(b) == 8);
	const char five[5] = { 'a', 'b', 'c', 'd', 'e' };
	fbump_arena_alloc(b, five);
	fbump_arena_alloc(b, five);
	CHECK(static_cast<char *>(fbump_arena_get(b, 1))[4] == 'e');
	CHECK(static_cast<char *>(fbump_arena_get(b, 1)) -
	      static_cast<char *>(fbump_arena_get(b, 0)) == 8);
	CHECK(fbump_arena_destroy(b) == 0);
}

void test_fastarena()
{
	struct fbump_config cfg = FBUMP_CONFIG_INIT(block);
	fbump_fastarena *f = fbump_fastarena_create(&cfg);
	CHECK(f != nullptr);
	if (f == nullptr)
		return;
	CHECK(fbump_fastarena_stride(f) == 64);	// 40 rounded up to 32
	CHECK(fbump_fastarena_data(f) != nullptr);
	CHECK(fbump_fastarena_get(f, 0) == nullptr);

	// two std::threads append; the slice is read afterwards
	std::vector<std::thread> threads;
	for (int t = 0; t < 2; t++)
		threads.emplace_back([f, t]() {
			block b;
			for (int i = 0; i < per_thread; i++) {
				b.bytes[0] = static_cast<unsigned char>(t);
				b.bytes[39] = static_cast<unsigned char>(i);
				if (fbump_fastarena_alloc(f, &b) == FBUMP_NONE)
					std::abort();
			}
		});
	for (auto &th : threads)
		th.join();

	CHECK(fbump_fastarena_len(f) == 2 * per_thread);
	int per[2] = { 0, 0 };
	FBUMP_FASTARENA_FOREACH(block, b, f) {
		if (b->bytes[0] < 2)
			per[b->bytes[0]]++;
	}
	CHECK(per[0] == per_thread && per[1] == per_thread);
	auto *first = static_cast<block *>(fbump_fastarena_get(f, 0));
	CHECK(first == fbump_fastarena_data(f));
	CHECK(reinterpret_cast<uintptr_t>(fbump_fastarena_get(f, 1)) % 32 == 0);
	CHECK(fbump_fastarena_get(f, 2 * per_thread) == nullptr);
	CHECK(fbump_fastarena_destroy(f) == 0);

	// FBUMP_FASTARENA_FOREACH over a pointer type, and
	// FBUMP_CONFIG_INIT_SIZED from int variables (no narrowing error)
	int size = sizeof(const char *), align = alignof(const char *);
	struct fbump_config pcfg = FBUMP_CONFIG_INIT_SIZED(size, align);
	fbump_fastarena *names = fbump_fastarena_create(&pcfg);
	CHECK(names != nullptr);
	if (names == nullptr)
		return;
	const char *const words[3] = { "a", "bc", "def" };
	for (const char *w : words)
		CHECK(fbump_fastarena_alloc(names, &w) != FBUMP_NONE);
	size_t chars = 0;
	FBUMP_FASTARENA_FOREACH(const char *, w, names)
		chars += std::strlen(*w);
	CHECK(chars == 6);
	CHECK(fbump_fastarena_destroy(names) == 0);
}

void test_typed()
{
	static int destroyed = 0;
	const vec_arena_dtor dtor = {
		[](vec3 *, void *ctx) { ++*static_cast<int *>(ctx); },
		&destroyed
	};
	vec_arena a;
	CHECK(vec_arena_create(&a, &dtor) == 0);
	CHECK(vec_arena_raw(&a) != nullptr && vec_arena_is_empty(&a));
	vec3 v = v3(1, 2, 3);
	vec_arena_idx i = vec_arena_alloc(&a, &v);
	CHECK(vec_arena_idx_valid(i) && i.i == 0);
	vec_arena_idx u;
	vec3 *p = vec_arena_alloc_uninit(&a, &u);
	CHECK(p != nullptr && u.i == 1);
	if (p != nullptr)
		*p = v3(4, 5, 6);
	const vec3 more[2] = { v3(7, 8, 9), v3(10, 11, 12) };
	CHECK(vec_arena_alloc_extend(&a, more, 2).i == 2);
	CHECK(vec_arena_len(&a) == 4);
	CHECK(vec_arena_get(&a, u)->z == 6.0f);
	CHECK(vec_arena_try_get(&a, vec_arena_idx_make(3))->x == 10.0f);
	errno = 0;
	CHECK(vec_arena_try_get(&a, vec_arena_idx_make(4)) == nullptr &&
	      errno == ERANGE);
	CHECK(vec_arena_data(&a)[2].y == 8.0f);
	CHECK(vec_arena_capacity(&a) >= 4);
	CHECK(vec_arena_reserve(&a, 16) == 0 && vec_arena_capacity(&a) >= 20);
	CHECK(vec_arena_shrink_to_fit(&a) == 0);
	float sum = 0;
	FBUMP_TYPED_FOREACH(vec_arena, e, &a)
		sum += e->x;
	CHECK(sum == 22.0f);

	fbump_checkpoint cp = vec_arena_checkpoint(&a);
	vec_arena_alloc(&a, &v);
	CHECK(vec_arena_rollback(&a, cp) == 0 && destroyed == 1);
	size_t drained = 0;
	CHECK(vec_arena_drain(&a, [](vec3 *, vec_arena_idx idx, void *ctx) {
		      size_t *d = static_cast<size_t *>(ctx);
		      if (idx.i == *d)
			      ++*d;
	      }, &drained) == 0);
	CHECK(drained == 4 && destroyed == 1 && vec_arena_len(&a) == 0);
	vec_arena_alloc(&a, &v);
	CHECK(vec_arena_reset(&a) == 0 && destroyed == 2);
	vec_arena_alloc(&a, &v);
	CHECK(vec_arena_destroy(&a) == 0 && destroyed == 3);
	CHECK(vec_arena_raw(&a) == nullptr);

	// the fastarena kind
	struct fbump_config cfg = FBUMP_CONFIG_INIT(vec3);
	cfg.storage = FBUMP_STORAGE_FIXED;
	cfg.capacity = 8;
	vec_log l;
	CHECK(vec_log_create_config(&l, &cfg, nullptr) == 0);
	CHECK(vec_log_capacity(&l) == 8 && vec_log_is_empty(&l));
	vec_log_idx b;
	p = vec_log_alloc_begin(&l, &b);
	CHECK(p != nullptr && b.i == 0 && vec_log_get(&l, b) == nullptr);
	if (p != nullptr)
		*p = v3(1, 1, 1);
	CHECK(vec_log_alloc_publish(&l, b) == 0);
	CHECK(vec_log_alloc(&l, &v).i == 1);
	CHECK(vec_log_alloc_extend(&l, more, 2).i == 2);
	CHECK(vec_log_len(&l) == 4 && vec_log_get(&l, b)->x == 1.0f);
	CHECK(vec_log_try_get(&l, vec_log_idx_make(3))->y == 11.0f);
	CHECK(vec_log_data(&l)[1].z == 3.0f);
	struct fbump_fastarena_stats st;
	CHECK(vec_log_stats(&l, &st) == 0 && st.elements == 4);
	int n = 0;
	FBUMP_TYPED_FOREACH(vec_log, e, &l)
		n += e->x > 0.0f;
	CHECK(n == 4);
	cp = vec_log_checkpoint(&l);
	vec_log_alloc(&l, &v);
	CHECK(vec_log_rollback(&l, cp) == 0 && vec_log_len(&l) == 4);
	drained = 0;
	CHECK(vec_log_drain(&l, [](vec3 *, vec_log_idx, void *ctx) {
		      ++*static_cast<size_t *>(ctx);
	      }, &drained) == 0);
	CHECK(drained == 4);
	vec_log_alloc(&l, &v);
	CHECK(vec_log_reset(&l) == 0 && vec_log_len(&l) == 0);
	CHECK(!vec_log_idx_valid(vec_log_idx_none()));
	CHECK(vec_log_destroy(&l) == 0 && vec_log_raw(&l) == nullptr);
	vec_log m;
	CHECK(vec_log_create(&m, nullptr) == 0);
	CHECK(vec_log_destroy(&m) == 0);
}

// appends of an element of the same arena, for both kinds and both
// branches of the typed append (copied, passed on)
void test_typed_sizes()
{
	vec_arena a;
	frame_arena f;
	frame_log l;
	frame fr = {};

	fr.samples[0] = 1.5;
	fr.samples[15] = -2.5;
	CHECK(vec_arena_create(&a, nullptr) == 0);
	CHECK(frame_arena_create(&f, nullptr) == 0);
	CHECK(frame_log_create(&l, nullptr) == 0);
	vec3 v = v3(1, 2, 3);
	CHECK(vec_arena_alloc(&a, &v).i == 0);
	CHECK(frame_arena_alloc(&f, &fr).i == 0);
	CHECK(frame_log_alloc(&l, &fr).i == 0);
	for (size_t i = 1; i < 5000; i++) {
		CHECK(vec_arena_alloc(&a, vec_arena_get(&a,
			vec_arena_idx_make(i - 1))).i == i);
		CHECK(frame_arena_alloc(&f, frame_arena_get(&f,
			frame_arena_idx_make(i - 1))).i == i);
	}
	CHECK(frame_log_alloc(&l, frame_log_get(&l,
		frame_log_idx_make(0))).i == 1);
	CHECK(vec_arena_get(&a, vec_arena_idx_make(4999))->z == 3.0f);
	CHECK(frame_arena_get(&f, frame_arena_idx_make(4999))->samples[15] ==
	      -2.5);
	CHECK(frame_log_get(&l, frame_log_idx_make(1))->samples[0] == 1.5);
	CHECK(vec_arena_destroy(&a) == 0);
	CHECK(frame_arena_destroy(&f) == 0);
	CHECK(frame_log_destroy(&l) == 0);
}

void test_typed_no_default_ctor()
{
	ticket_arena a;
	ticket_log l;
	CHECK(ticket_arena_create(&a, nullptr) == 0);
	CHECK(ticket_log_create(&l, nullptr) == 0);
	for (int k = 0; k < 3; k++) {
		ticket t(10 + k);
		CHECK(ticket_arena_alloc(&a, &t).i == static_cast<size_t>(k));
		CHECK(ticket_log_alloc(&l, &t).i == static_cast<size_t>(k));
	}
	CHECK(ticket_arena_get(&a, ticket_arena_idx_make(2))->n == 12);
	CHECK(ticket_log_get(&l, ticket_log_idx_make(1))->n == 11);
	CHECK(ticket_arena_destroy(&a) == 0);
	CHECK(ticket_log_destroy(&l) == 0);
}

} // namespace

int main()
{
	test_version();
	test_arena();
	test_fastarena();
	test_typed();
	test_typed_sizes();
	test_typed_no_default_ctor();
	if (failures != 0) {
		std::fprintf(stderr, "header_use: %d checks failed\n", failures);
		return EXIT_FAILURE;
	}
	std::printf("header_use: all checks passed\n");
	return EXIT_SUCCESS;
}
