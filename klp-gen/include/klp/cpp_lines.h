/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where may a preprocessor directive be put into a C, header or
 * assembler-with-cpp source without changing what it means?  (Used by
 * klp/keeplines.h, which inserts `#line N` directives.)
 *
 * One pass over the text, lexing as the C preprocessor does in translation
 * phases 1-3: backslash-newline splices (also with blanks between the
 * backslash and the newline, which clang and GCC accept), block and line
 * comments, string and character literals (an unterminated one ends with
 * its logical line, as in skipped groups and assembler sources), and
 * directive lines.  For every physical line it says whether a new line put
 * in front of it starts a new logical line in plain text:
 *
 *  - the line before does not end with a splice (a macro body, a
 *    multi-line directive, a continued string or `//` comment);
 *  - the line does not start inside a block comment;
 *  - it is not inside parentheses: a directive inside a macro invocation's
 *    arguments is undefined behaviour in C (clang accepts it only as an
 *    extension), and which identifiers are function-like macros is not
 *    known here, so every open parenthesis counts.  Parentheses of
 *    directive lines are not counted; the branches of a conditional group
 *    each start at the depth its #if had (two branches that each open
 *    `if (a &&` and share the closing line), and the depth never goes
 *    below 0.
 *
 * It also records the conditional structure (#if/#ifdef/#ifndef,
 * #elif/#elifdef/#elifndef/#else, #endif) and the line directives (#line,
 * `# NUMBER`), since a directive in a group that the preprocessor skips is
 * not obeyed.  Raw string literals (C++ `R"x(...)x"`) are not recognized.
 */
#ifndef KLP_CPP_LINES_H
#define KLP_CPP_LINES_H

#include <stdbool.h>
#include <stddef.h>

enum klp_cpp_dir {
	KLP_CPP_NONE,		/* not a directive line */
	KLP_CPP_IF,		/* #if, #ifdef, #ifndef: opens a group */
	KLP_CPP_ELSE,		/* #elif, #elifdef, #elifndef, #else */
	KLP_CPP_ENDIF,		/* closes a group */
	KLP_CPP_LINE,		/* #line, or a `# 12 "file"` line marker */
	KLP_CPP_OTHER,		/* any other directive, or a null one */
};

struct klp_cpp_line {
	bool safe;		/* a directive may be inserted before it */
	bool spliced;		/* it continues the line before (a splice) */
	bool in_comment;	/* it starts inside a block comment */
	enum klp_cpp_dir dir;	/* the directive that starts on it */
	unsigned int paren;	/* open parentheses at its start */
	unsigned int depth;	/* open conditional groups at its start */
};

struct klp_cpp_lines {
	struct klp_cpp_line *line;	/* [1..nlines]; [0] unused */
	size_t nlines;
};

/*
 * Lexes @len bytes of @text (a last line without a newline counts).  -1
 * with klp_errmsg() set ("out of memory") on failure.  Any text lexes:
 * malformed C only gives fewer safe lines.
 */
int klp_cpp_lines_scan(const char *text, size_t len, struct klp_cpp_lines *out);
void klp_cpp_lines_release(struct klp_cpp_lines *cl);

#endif /* KLP_CPP_LINES_H */
