/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tbb-peer.h - the Intel TBB peer of fastbump-bench, seen from C.
 *
 * bench/tbb-peer.cc wraps a tbb::concurrent_vector<uint64_t> behind these
 * C functions; bench/fastbump-bench.c calls them only when it is built
 * with HAVE_TBB (configure found a C++ compiler and TBB).
 */
#ifndef FASTBUMP_BENCH_TBB_PEER_H
#define FASTBUMP_BENCH_TBB_PEER_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A new, empty concurrent_vector<uint64_t>, or NULL. */
void *fbench_tbb_new(void);
/* push_back(0), ..., push_back(n - 1): callable from many threads at once.
 * Returns 0, or -1 if push_back threw. */
int fbench_tbb_push(void *vec, size_t n);
size_t fbench_tbb_size(const void *vec);
void fbench_tbb_delete(void *vec);
/* "major.minor" of the TBB headers the peer was compiled with */
const char *fbench_tbb_version(void);

#ifdef __cplusplus
}
#endif

#endif
