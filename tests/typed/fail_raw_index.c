/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fail_raw_index.c - must NOT compile:
 * a raw size_t passed as an index to node_arena_get().
 * compile-fail.test also builds it with -DTYPED_CONTROL, which takes the
 * correct line instead, to show that only that one line is wrong.
 */
#include "typed_decls.h"

int typed_use(node_arena *nodes, edge_arena *edges, node_fastarena *fast)
{
	struct node n = { 1 };
	struct edge e = { 0, 0 };
	node_arena_idx ni = node_arena_alloc(nodes, &n);
	edge_arena_idx ei = edge_arena_alloc(edges, &e);

	(void)ni;
	(void)ei;
	(void)fast;
#ifdef TYPED_CONTROL
	return node_arena_get(nodes, node_arena_idx_make((size_t)0)) != NULL;
#else
	return node_arena_get(nodes, (size_t)0) != NULL;
#endif
}
