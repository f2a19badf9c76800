/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vm.h - virtual memory: reserve address space, commit and decommit pages.
 */
#ifndef FBUMP_VM_H
#define FBUMP_VM_H

#include <stddef.h>

/* Bytes in a page of this process (cached). */
size_t fbump_vm_page_size(void);

/* Reserves 'size' bytes (a multiple of the page size) of inaccessible
 * address space aligned to 'align' (a power of two).  On success returns
 * the aligned base and stores in *map and *map_size what fbump_vm_release
 * needs; on failure NULL with errno ENOMEM. */
void *fbump_vm_reserve(size_t size, size_t align, void **map, size_t *map_size);

/* Makes [p, p + size) readable and writable; p and size page-aligned.
 * Returns 0 or ENOMEM.  Pages cost resident memory only once touched. */
int fbump_vm_commit(void *p, size_t size);

/* Asks the system to back [p, p + size), committed and page-aligned, with
 * memory now, in one call rather than one page fault per page.  Only a
 * hint, and errno is kept: where the system cannot (before Linux 5.14) or
 * will not, the pages fault in one by one when first written, as before. */
void fbump_vm_populate(void *p, size_t size);

/* Returns [p, p + size) to the system and makes it inaccessible again;
 * its contents are lost.  Page-aligned.  Never fails in a way that
 * matters: on error the pages simply stay committed.  errno is kept. */
void fbump_vm_decommit(void *p, size_t size);

/* Unmaps what fbump_vm_reserve returned in *map and *map_size (nothing if
 * map is NULL).  errno is kept. */
void fbump_vm_release(void *map, size_t map_size);

#ifdef FBUMP_TESTING
/* Test hook of the white-box build: when set, it is called before every
 * reserve and commit, and a non-zero result makes that call fail with
 * ENOMEM, as if the system were out of memory. */
extern int (*fbump_vm_fault_hook)(void);

/* When set, fbump_vm_populate calls it instead of the system: it returns
 * 0, or -1 with errno as madvise would. */
extern int (*fbump_vm_populate_hook)(void *p, size_t size);

/* Forgets that the system refused to populate, so that the next
 * fbump_vm_populate asks again (the flag lives as long as the process). */
void fbump_vm_populate_forget(void);
#endif

#endif /* FBUMP_VM_H */
