/* SPDX-License-Identifier: Apache-2.0 */
/*
 * string_interner.c - equal strings get the same id and the same pointer.
 * All bytes live back to back in one fbump_arena of char (VM storage: they
 * never move, so the pointers stay valid as it grows); a typed arena maps
 * ids to entries, a hash table strings to ids.  Exits 0 if all checks pass.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fastbump.h>

struct entry {
	size_t offset;	/* index of the first char in the chars arena */
	size_t length;	/* without the terminating NUL */
	uint32_t hash;
};
FBUMP_ARENA_TYPED(entries, struct entry);	/* entries_idx is the id */

struct interner {
	fbump_arena *chars;	/* every string, NUL-terminated */
	entries ids;
	entries_idx *table;	/* mask + 1 slots; none = empty */
	size_t mask;
};

static uint32_t fnv1a(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	while (n-- > 0)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static const char *interner_str(const struct interner *in, entries_idx id)
{
	return fbump_arena_get(in->chars, entries_get(&in->ids, id)->offset);
}

/* a table twice as large, holding every id */
static int interner_grow(struct interner *in)
{
	size_t i, j, mask = in->mask * 2 + 1;
	entries_idx *t = malloc((mask + 1) * sizeof *t);

	if (t == NULL)
		return -1;
	for (i = 0; i <= mask; i++)
		t[i] = entries_idx_none();
	for (i = 0; i < entries_len(&in->ids); i++) {
		j = entries_data(&in->ids)[i].hash & mask;
		while (entries_idx_valid(t[j]))
			j = (j + 1) & mask;
		t[j] = entries_idx_make(i);
	}
	free(in->table);
	in->table = t;
	in->mask = mask;
	return 0;
}

static int interner_init(struct interner *in)
{
	struct fbump_config cfg = FBUMP_CONFIG_INIT(char);

	in->table = NULL;
	in->mask = 7;
	in->chars = fbump_arena_create(&cfg);
	return entries_create(&in->ids, NULL) != 0 || in->chars == NULL ||
	       interner_grow(in) != 0 ? -1 : 0;
}

static void interner_fini(struct interner *in)
{
	entries_destroy(&in->ids);	/* also after a failed init */
	fbump_arena_destroy(in->chars);
	free(in->table);
}

/* the id of s, interning it if new; an invalid id if out of memory */
static entries_idx intern(struct interner *in, const char *s)
{
	fbump_checkpoint cp = fbump_arena_checkpoint(in->chars);
	struct entry e;
	size_t j;

	/* keep the table at most 75% full, so that probing ends */
	if ((entries_len(&in->ids) + 1) * 4 > (in->mask + 1) * 3 &&
	    interner_grow(in) != 0)
		return entries_idx_none();
	e.length = strlen(s);
	e.hash = fnv1a(s, e.length);
	for (j = e.hash & in->mask; entries_idx_valid(in->table[j]);
	     j = (j + 1) & in->mask) {
		const struct entry *o = entries_get(&in->ids, in->table[j]);

		if (o->hash == e.hash && o->length == e.length &&
		    memcmp(interner_str(in, in->table[j]), s, e.length) == 0)
			return in->table[j];	/* already interned */
	}
	/* new: copy the bytes with the NUL; undo them if the entry fails */
	e.offset = fbump_arena_alloc_extend(in->chars, s, e.length + 1);
	if (e.offset == FBUMP_NONE)
		return entries_idx_none();
	in->table[j] = entries_alloc(&in->ids, &e);	/* none: slot empty */
	if (!entries_idx_valid(in->table[j]))
		fbump_arena_rollback(in->chars, cp);
	return in->table[j];
}

int main(void)
{
	static const char *const w[] = { "arena", "bump", "arena", "",
					 "pointer", "bump", "" };
	static const size_t expect[] = { 0, 1, 0, 2, 3, 1, 2 };
	struct interner in;
	entries_idx id;
	const char *first;
	char key[32];
	size_t i, n = 20000, bad = 0;

	if (interner_init(&in) != 0) {
		interner_fini(&in);
		return 1;
	}
	for (i = 0; i < 7; i++)		/* equal strings, equal ids */
		bad += intern(&in, w[i]).i != expect[i];
	first = bad ? "" : interner_str(&in, entries_idx_make(0));
	/* many more: new ids in order; the table and the chars arena grow */
	for (i = 0; i < n; i++) {
		snprintf(key, sizeof key, "key-%zu", i);
		bad += intern(&in, key).i != 4 + i;
	}
	for (i = 0; i < n; i += 7) {	/* interning again: the same id */
		snprintf(key, sizeof key, "key-%zu", i);
		id = intern(&in, key);
		bad += id.i != 4 + i || strcmp(interner_str(&in, id), key) != 0;
	}
	bad += entries_len(&in.ids) != 4 + n;
	id = intern(&in, "arena");	/* its bytes never moved */
	bad += id.i != 0 || interner_str(&in, id) != first;
	printf("%zu strings in %zu bytes, %zu failures\n",
	       entries_len(&in.ids), fbump_arena_len(in.chars), bad);
	interner_fini(&in);
	return bad == 0 ? 0 : 1;
}
