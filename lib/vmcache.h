/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vmcache.h - a few address-space reservations kept after their arena is
 * destroyed, with their first pages still committed, so that a program
 * that creates and destroys many small VM arenas makes no system call for
 * each one.  Shared by every thread of the process.
 */
#ifndef FBUMP_VMCACHE_H
#define FBUMP_VMCACHE_H

#include <stdbool.h>
#include <stddef.h>

/* Reservations the cache holds at most, and the committed bytes each may
 * keep: at most 8 * 256 KiB of memory stays with the process. */
#define FBUMP_VMCACHE_SLOTS 8
#define FBUMP_VMCACHE_KEEP ((size_t)256 << 10)

/* A reservation: the mapping, its page-aligned base (== map) and the bytes
 * committed from base, at least one page and at most FBUMP_VMCACHE_KEEP. */
struct fbump_vmcache_entry {
	void *map;
	size_t map_size;
	size_t committed;
};

/* Whether a put now would likely find an empty slot (a hint: another
 * thread may fill it first). */
bool fbump_vmcache_has_room(void);

/* Offers a reservation to the cache.  Returns true if the cache took it
 * (the caller must forget it), false if the cache is full. */
bool fbump_vmcache_put(const struct fbump_vmcache_entry *e);

/* Takes a reservation of exactly 'map_size' bytes into *e.  Returns false
 * when the cache has none. */
bool fbump_vmcache_take(size_t map_size, struct fbump_vmcache_entry *e);

/* Releases every cached reservation.  Runs when the library is unloaded;
 * the white-box tests call it to start from an empty cache. */
void fbump_vmcache_flush(void);

#endif /* FBUMP_VMCACHE_H */
