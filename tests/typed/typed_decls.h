/* SPDX-License-Identifier: Apache-2.0 */
/*
 * typed_decls.h - the arena types shared by control.c and the fail_*.c
 * files of compile-fail.test: two element types, two typed fbump_arena
 * kinds and one typed fbump_fastarena kind of the same element type.
 */
#ifndef TYPED_DECLS_H
#define TYPED_DECLS_H

#include <stddef.h>

#include <fastbump.h>

struct node {
	int value;
};

struct edge {
	size_t from, to;
};

FBUMP_ARENA_TYPED(node_arena, struct node);
FBUMP_ARENA_TYPED(edge_arena, struct edge);
FBUMP_FASTARENA_TYPED(node_fastarena, struct node);

/* each test file defines it; -Wmissing-prototypes wants a prototype */
int typed_use(node_arena *nodes, edge_arena *edges, node_fastarena *fast);

#endif /* TYPED_DECLS_H */
