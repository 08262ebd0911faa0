// SPDX-License-Identifier: GPL-2.0
/*
 * The lexical scan of a preprocessed source (klp/cpp_lines.h).
 *
 * Translation phase 2 (splicing) comes before everything else: a backslash
 * followed by a newline joins two lines wherever it is, inside a comment, a
 * string or after an escaping backslash.  So every two-character decision
 * (`/` `*`, `*` `/`, `\` and the escaped character) is taken with a pending
 * flag on the first character and settled by the next character that is
 * not a splice, and the main loop alone handles splices and newlines.
 */
#include <stdlib.h>
#include <string.h>

#include "klp/cpp_lines.h"
#include "klp/error.h"
#include "klp/grow.h"

enum state { CODE, LINE_COMMENT, BLOCK_COMMENT, STRING };

struct lexer {
	struct klp_cpp_lines *out;
	enum state state;
	char quote;		/* of the STRING */
	bool slash;		/* a '/' in CODE, maybe a comment's start */
	bool star;		/* a '*' in BLOCK_COMMENT, maybe its end */
	bool escape;		/* a '\' in STRING: the next char is escaped */
	bool blank;		/* only blanks and comments on this logical line */
	int dir_stage;		/* 0 no directive, 1 its name next, 2 named */
	size_t l;		/* the physical line being read */
	size_t dir_line;	/* where its '#' is */
	char name[16];
	size_t name_len;	/* > sizeof(name) - 1: too long, "other" */
	enum klp_cpp_dir dir;
	unsigned int paren;
	unsigned int *groups;	/* per open group: the paren depth at its #if */
	size_t ngroups, cap;
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\f' || c == '\v' || c == '\r';
}

static bool is_ident(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '$';
}

/* The length of a splice at @i (a '\', blanks, '\n'), or 0. */
static size_t splice_len(const char *t, size_t len, size_t i)
{
	size_t j = i + 1;

	if (t[i] != '\\')
		return 0;
	while (j < len && is_blank(t[j]))
		j++;
	return j < len && t[j] == '\n' ? j + 1 - i : 0;
}

static void begin_line(struct lexer *lx, size_t l, bool spliced)
{
	struct klp_cpp_line *ln;

	lx->l = l;
	if (l > lx->out->nlines)
		return;
	ln = &lx->out->line[l];
	ln->spliced = spliced;
	ln->in_comment = lx->state == BLOCK_COMMENT;
	ln->dir = KLP_CPP_NONE;
	ln->paren = lx->paren;
	ln->depth = (unsigned int)lx->ngroups;
	ln->safe = !spliced && !ln->in_comment && !lx->paren;
}

static enum klp_cpp_dir classify(const struct lexer *lx)
{
	static const struct {
		const char *name;
		enum klp_cpp_dir dir;
	} names[] = {
		{ "if", KLP_CPP_IF }, { "ifdef", KLP_CPP_IF },
		{ "ifndef", KLP_CPP_IF }, { "elif", KLP_CPP_ELSE },
		{ "elifdef", KLP_CPP_ELSE }, { "elifndef", KLP_CPP_ELSE },
		{ "else", KLP_CPP_ELSE }, { "endif", KLP_CPP_ENDIF },
		{ "line", KLP_CPP_LINE },
	};

	if (lx->name_len >= sizeof(lx->name))
		return KLP_CPP_OTHER;
	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		if (!strcmp(lx->name, names[k].name))
			return names[k].dir;
	return KLP_CPP_OTHER;
}

/* The directive's name ended (or never came): what it is. */
static void name_done(struct lexer *lx)
{
	if (lx->dir_stage != 1)
		return;
	lx->dir = classify(lx);
	lx->dir_stage = 2;
}

/* A logical line ended: a directive on it takes effect. */
static int end_logical_line(struct lexer *lx)
{
	if (lx->state == LINE_COMMENT || lx->state == STRING)
		lx->state = CODE;
	lx->escape = false;
	lx->slash = false;
	name_done(lx);
	if (lx->dir_stage) {
		lx->out->line[lx->dir_line].dir = lx->dir;
		switch (lx->dir) {
		case KLP_CPP_IF:
			if (klp_grow(&lx->groups, &lx->cap, lx->ngroups + 1,
				     sizeof(*lx->groups)))
				return -1;
			lx->groups[lx->ngroups++] = lx->paren;
			break;
		case KLP_CPP_ELSE:
			if (lx->ngroups)
				lx->paren = lx->groups[lx->ngroups - 1];
			break;
		case KLP_CPP_ENDIF:
			if (lx->ngroups)
				lx->ngroups--;
			break;
		default:
			break;
		}
	}
	lx->dir_stage = 0;
	lx->blank = true;
	return 0;
}

/* One character of CODE (not a splice, not a newline). */
static void code_char(struct lexer *lx, char c)
{
	if (lx->slash) {
		lx->slash = false;
		if (c == '*') {
			lx->state = BLOCK_COMMENT;
			lx->star = false;	/* its own star does not close it */
			return;
		}
		if (c == '/') {
			lx->state = LINE_COMMENT;
			return;
		}
		/* the '/' was a character of its own */
		lx->blank = false;
		name_done(lx);
	}
	if (c == '/') {
		lx->slash = true;
		return;
	}
	if (is_blank(c)) {
		if (lx->name_len)
			name_done(lx);
		return;
	}
	if (lx->blank) {
		lx->blank = false;
		if (c == '#') {
			lx->dir_stage = 1;
			lx->dir_line = lx->l;
			lx->name_len = 0;
			lx->name[0] = '\0';
			return;
		}
	}
	if (lx->dir_stage == 1) {
		if (!lx->name_len && c >= '0' && c <= '9') {
			lx->dir = KLP_CPP_LINE;	/* a line marker */
			lx->dir_stage = 2;
			return;
		}
		if (is_ident(c)) {
			if (lx->name_len < sizeof(lx->name) - 1) {
				lx->name[lx->name_len] = c;
				lx->name[lx->name_len + 1] = '\0';
			}
			lx->name_len++;
			return;
		}
		name_done(lx);
	}
	if (c == '"' || c == '\'') {
		lx->state = STRING;
		lx->quote = c;
	} else if (!lx->dir_stage && c == '(') {
		lx->paren++;
	} else if (!lx->dir_stage && c == ')' && lx->paren) {
		lx->paren--;
	}
}

int klp_cpp_lines_scan(const char *t, size_t len, struct klp_cpp_lines *out)
{
	struct lexer lx = { .out = out, .blank = true };
	size_t n = 0, l = 1, i = 0;

	for (size_t k = 0; k < len; k++)
		n += t[k] == '\n';
	if (len && t[len - 1] != '\n')
		n++;
	out->nlines = n;
	out->line = calloc(n + 1, sizeof(*out->line));
	if (!out->line)
		return klp_err("out of memory");
	begin_line(&lx, l, false);
	while (i < len) {
		char c = t[i];
		size_t s = splice_len(t, len, i);

		if (s) {
			i += s;
			begin_line(&lx, ++l, true);
			continue;
		}
		if (c == '\n') {
			/* a comment's newline is inside the logical line */
			if (lx.state != BLOCK_COMMENT &&
			    end_logical_line(&lx))
				goto fail;
			i++;
			lx.star = false;
			begin_line(&lx, ++l, false);
			continue;
		}
		i++;
		switch (lx.state) {
		case LINE_COMMENT:
			break;
		case BLOCK_COMMENT:
			if (lx.star && c == '/')
				lx.state = CODE;
			lx.star = c == '*';
			break;
		case STRING:
			if (lx.escape)
				lx.escape = false;
			else if (c == '\\')
				lx.escape = true;
			else if (c == lx.quote)
				lx.state = CODE;
			break;
		case CODE:
			code_char(&lx, c);
			break;
		}
	}
	if (end_logical_line(&lx))
		goto fail;
	free(lx.groups);
	return 0;
fail:
	free(lx.groups);
	klp_cpp_lines_release(out);
	return -1;
}

void klp_cpp_lines_release(struct klp_cpp_lines *cl)
{
	free(cl->line);
	cl->line = NULL;
	cl->nlines = 0;
}
