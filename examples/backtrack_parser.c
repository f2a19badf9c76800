/* SPDX-License-Identifier: Apache-2.0 */
/*
 * backtrack_parser.c - recursive descent with backtracking: an alternative
 * starts from a mark (input position + arena checkpoint); if it fails,
 * rollback discards the AST nodes it built.  Exits 0 if every tree
 * evaluates right and no node of a failed branch survives.  Grammar:
 *	expr := term '+' expr | term	term := factor '*' term | factor
 *	factor := NUMBER | '(' expr ')' | '-' factor
 */
#include <ctype.h>
#include <stdio.h>

#include <fastbump.h>

enum kind { NUM, ADD, MUL, NEG };

FBUMP_TYPED_IDX(ast);		/* nodes refer to nodes: index type first */
struct node {
	enum kind kind;
	long value;		/* NUM */
	ast_idx lhs, rhs;	/* ADD, MUL; NEG uses lhs */
};
FBUMP_ARENA_TYPED_GENERATE(ast, struct node);

struct parser {
	const char *s;
	size_t pos;
	ast nodes;
};

/* where to backtrack to: the input position and the arena length */
struct mark {
	size_t pos;
	fbump_checkpoint cp;
};

/* undo everything since m */
static ast_idx backtrack(struct parser *p, struct mark m)
{
	p->pos = m.pos;
	ast_rollback(&p->nodes, m.cp);
	return ast_idx_none();
}

static ast_idx node(struct parser *p, enum kind k, long v, ast_idx l, ast_idx r)
{
	struct node n = { k, v, l, r };

	return ast_alloc(&p->nodes, &n);	/* none if out of memory */
}

static int eat(struct parser *p, char c)
{
	if (p->s[p->pos] != c)
		return 0;
	p->pos++;
	return 1;
}

static ast_idx expr(struct parser *p);

static ast_idx factor(struct parser *p)
{
	struct mark m = { p->pos, ast_checkpoint(&p->nodes) };
	ast_idx e, none = ast_idx_none();
	long v = 0;

	if (isdigit((unsigned char)p->s[p->pos])) {
		while (isdigit((unsigned char)p->s[p->pos]))
			v = v * 10 + (p->s[p->pos++] - '0');
		return node(p, NUM, v, none, none);
	}
	if (eat(p, '(') && ast_idx_valid(e = expr(p)) && eat(p, ')'))
		return e;
	backtrack(p, m);
	if (eat(p, '-') && ast_idx_valid(e = factor(p)))
		return node(p, NEG, 0, e, none);
	return backtrack(p, m);
}

/* rule := sub op rule | sub */
static ast_idx binary(struct parser *p, ast_idx (*sub)(struct parser *),
		      char op, enum kind k, ast_idx (*rule)(struct parser *))
{
	struct mark m = { p->pos, ast_checkpoint(&p->nodes) };
	ast_idx l, r;

	if (ast_idx_valid(l = sub(p)) && eat(p, op) && ast_idx_valid(r = rule(p)))
		return node(p, k, 0, l, r);
	backtrack(p, m);	/* drop the nodes of the first try */
	return sub(p);
}

static ast_idx term(struct parser *p)
{
	return binary(p, factor, '*', MUL, term);
}

static ast_idx expr(struct parser *p)
{
	return binary(p, term, '+', ADD, expr);
}

static long eval(const ast *a, ast_idx i, size_t *reached)
{
	const struct node *n = ast_get(a, i);

	++*reached;
	switch (n->kind) {
	case NUM: return n->value;
	case NEG: return -eval(a, n->lhs, reached);
	case ADD: return eval(a, n->lhs, reached) + eval(a, n->rhs, reached);
	default: return eval(a, n->lhs, reached) * eval(a, n->rhs, reached);
	}
}

int main(void)
{
	static const struct { const char *text; int ok; long value; } t[] = {
		{ "1+2*3", 1, 7 }, { "(1+2)*3", 1, 9 }, { "2*(3+4)*5", 1, 70 },
		{ "-(2+3)*4", 1, -20 }, { "12*(3+-4)", 1, -12 },
		{ "1+", 0, 0 }, { "(1", 0, 0 }, { "2**3", 0, 0 }, { "", 0, 0 },
	};
	size_t i, bad = 0;
	struct parser p;

	if (ast_create(&p.nodes, NULL) != 0)
		return 1;
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		struct mark start = { 0, ast_checkpoint(&p.nodes) };
		size_t reached = 0;
		ast_idx root;

		p.s = t[i].text;
		p.pos = 0;
		root = expr(&p);
		if (p.s[p.pos] != '\0')	/* input left over */
			root = backtrack(&p, start);
		if (ast_idx_valid(root) != t[i].ok ||
		    (t[i].ok && eval(&p.nodes, root, &reached) != t[i].value) ||
		    ast_len(&p.nodes) - start.cp.len != reached) {
			printf("FAIL: \"%s\"\n", t[i].text);	/* or garbage */
			bad++;
		}
	}
	printf("%zu nodes kept, %zu failures\n", ast_len(&p.nodes), bad);
	ast_destroy(&p.nodes);
	return bad == 0 ? 0 : 1;
}
