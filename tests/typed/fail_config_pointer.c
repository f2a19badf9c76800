/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fail_config_pointer.c - must NOT compile:
 * a pointer given as the element size of FBUMP_CONFIG_INIT_SIZED (the
 * macro converts integers only; a cast in it would hide this).
 * compile-fail.test also builds it with -DTYPED_CONTROL, which takes the
 * correct line instead, to show that only that one line is wrong.
 */
#include "typed_decls.h"

int typed_use(node_arena *nodes, edge_arena *edges, node_fastarena *fast)
{
	struct node n = { 1 };
#ifdef TYPED_CONTROL
	struct fbump_config cfg = FBUMP_CONFIG_INIT_SIZED(sizeof(n), 8);
#else
	struct fbump_config cfg = FBUMP_CONFIG_INIT_SIZED(&n, 8);
#endif

	(void)nodes;
	(void)edges;
	(void)fast;
	return cfg.elem_size == sizeof(n);
}
