// SPDX-License-Identifier: Apache-2.0
//
// tbb-peer.cc - the Intel TBB peer of fastbump-bench: tbb::concurrent_vector,
// the growable vector that many threads push_back into at once, behind the
// C interface of tbb-peer.h.  push_back is inlined into the loop here, as
// in a C++ program; libfastbump's alloc is one library call per element.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <new>

#include <tbb/concurrent_vector.h>

#include "tbb-peer.h"

typedef tbb::concurrent_vector<std::uint64_t> fbench_vec;

void *fbench_tbb_new(void)
{
	try {
		return new fbench_vec();
	} catch (...) {
		return NULL;
	}
}

int fbench_tbb_push(void *vec, size_t n)
{
	fbench_vec *v = static_cast<fbench_vec *>(vec);

	try {
		for (size_t i = 0; i < n; i++)
			v->push_back(static_cast<std::uint64_t>(i));
	} catch (...) {
		return -1;
	}
	return 0;
}

size_t fbench_tbb_size(const void *vec)
{
	return static_cast<const fbench_vec *>(vec)->size();
}

void fbench_tbb_delete(void *vec)
{
	delete static_cast<fbench_vec *>(vec);
}

const char *fbench_tbb_version(void)
{
	static char buf[32];

	std::snprintf(buf, sizeof(buf), "%d.%d", int(TBB_VERSION_MAJOR),
		      int(TBB_VERSION_MINOR));
	return buf;
}
