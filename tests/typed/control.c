/* SPDX-License-Identifier: Apache-2.0 */
/*
 * control.c - the correct counterpart of every fail_*.c file: it must
 * compile cleanly with the flags of compile-fail.test, so that a rejected
 * fail_*.c is rejected for its one wrong call and not for anything else.
 */
#include "typed_decls.h"

int typed_use(node_arena *nodes, edge_arena *edges, node_fastarena *fast)
{
	struct node n = { 1 };
	struct edge e = { 0, 0 };
	node_arena_idx ni = node_arena_alloc(nodes, &n);	/* fail_elem */
	edge_arena_idx ei = edge_arena_alloc(edges, &e);
	struct edge *ep = edge_arena_get(edges, ei);		/* fail_idx */
	struct node *np = node_arena_get(nodes, ni);		/* fail_raw_index */
	size_t len = node_arena_len(nodes);			/* fail_kind */

	(void)node_fastarena_len(fast);
	return ep != NULL && np != NULL && len > 0;
}
