/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vm.c - virtual memory on POSIX mmap/mprotect/madvise.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vm.h"

#ifdef FBUMP_TESTING
int (*fbump_vm_fault_hook)(void);
int (*fbump_vm_populate_hook)(void *p, size_t size);
# define INJECTED_FAULT() (fbump_vm_fault_hook != NULL && fbump_vm_fault_hook())
#else
# define INJECTED_FAULT() 0
#endif

size_t fbump_vm_page_size(void)
{
	static size_t page;
	/* relaxed: the value is a constant of the process; a thread that
	 * reads 0 recomputes and stores the same number, so no ordering with
	 * anything else is needed, only freedom from a data race. */
	size_t p = __atomic_load_n(&page, __ATOMIC_RELAXED);

	if (p == 0) {
		long v = sysconf(_SC_PAGESIZE);

		p = v > 0 ? (size_t)v : 4096;
		__atomic_store_n(&page, p, __ATOMIC_RELAXED); /* as above */
	}
	return p;
}

void *fbump_vm_reserve(size_t size, size_t align, void **map, size_t *map_size)
{
	size_t page = fbump_vm_page_size();
	size_t extra = align > page ? align : 0;
	unsigned char *m;
	uintptr_t aligned;

	if (INJECTED_FAULT() || size > SIZE_MAX - extra) {
		errno = ENOMEM;
		return NULL;
	}
	m = mmap(NULL, size + extra, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m == MAP_FAILED) {
		errno = ENOMEM;
		return NULL;
	}
	aligned = ((uintptr_t)m + (align - 1)) & ~(uintptr_t)(align - 1);
	if (align <= page)
		aligned = (uintptr_t)m;
	*map = m;
	*map_size = size + extra;
	return (void *)aligned;
}

int fbump_vm_commit(void *p, size_t size)
{
	if (INJECTED_FAULT())
		return ENOMEM;
	if (size == 0)
		return 0;
	if (mprotect(p, size, PROT_READ | PROT_WRITE) != 0)
		return ENOMEM;
	return 0;
}

/* MADV_POPULATE_WRITE (Linux 5.14) faults the range in for writing,
 * zeroing its pages in one pass through the kernel: about 1.6 times as
 * fast as touching page by page on the machine of doc/performance.md. */
#if defined(__linux__) && !defined(MADV_POPULATE_WRITE)
# define MADV_POPULATE_WRITE 23
#endif

#ifdef MADV_POPULATE_WRITE
/* Set once the system has refused MADV_POPULATE_WRITE as unknown or not
 * allowed: every later request would fail the same way. */
static int populate_unsupported;

static int populate_call(void *p, size_t size)
{
# ifdef FBUMP_TESTING
	if (fbump_vm_populate_hook != NULL)
		return fbump_vm_populate_hook(p, size);
# endif
	return madvise(p, size, MADV_POPULATE_WRITE);
}
#endif

void fbump_vm_populate(void *p, size_t size)
{
#ifdef MADV_POPULATE_WRITE
	int saved = errno;

	/* relaxed, load and store: a flag of the process that only ever
	 * goes from 0 to 1 and guards nothing else; a thread that misses the
	 * store just asks once more and fails the same way. */
	if (size == 0 ||
	    __atomic_load_n(&populate_unsupported, __ATOMIC_RELAXED))
		return;
	if (populate_call(p, size) != 0 &&
	    (errno == EINVAL || errno == ENOSYS || errno == EPERM))
		__atomic_store_n(&populate_unsupported, 1, __ATOMIC_RELAXED);
	errno = saved;
#else
	(void)p;
	(void)size;
#endif
}

#ifdef FBUMP_TESTING
void fbump_vm_populate_forget(void)
{
# ifdef MADV_POPULATE_WRITE
	/* relaxed: tests call it with no arena in use */
	__atomic_store_n(&populate_unsupported, 0, __ATOMIC_RELAXED);
# endif
}
#endif

/* Neither decommit nor release can fail for the caller, whose call then
 * succeeds: errno stays as it was even if the system refuses. */
void fbump_vm_decommit(void *p, size_t size)
{
	int saved = errno;

	if (size == 0)
		return;
	/* Drop the pages first so they stop counting as resident, then make
	 * the range inaccessible so a stale pointer faults. */
	(void)madvise(p, size, MADV_DONTNEED);
	(void)mprotect(p, size, PROT_NONE);
	errno = saved;
}

void fbump_vm_release(void *map, size_t map_size)
{
	int saved = errno;

	if (map != NULL)
		(void)munmap(map, map_size);
	errno = saved;
}
