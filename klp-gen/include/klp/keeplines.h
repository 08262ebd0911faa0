/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Keep the original line numbers in a patched source file (`klp-gen
 * keep-lines`, docs/klp-gen.md; docs/selection.md, "`__LINE__`").
 *
 * A patch that adds or removes lines moves every line below it, and with
 * it every `__LINE__` (WARN_ON's bug table entry, a printk of the line,
 * names built from it such as `__initstub__kmod_X__N_LINE_fn`): functions
 * the patch never touched would change.  klp-build therefore puts `#line
 * N` directives into its patched copy of each changed file, so that the
 * line after every change keeps its original number, as upstream
 * klp-build does (fix-patch-lines).  Lines inside a change go on from
 * the number of the line before it, i.e. from the change's original
 * start.  Debug info and `__LINE__` below a change then name original
 * lines; a pure line shift changes nothing.
 *
 * The changes come from a unified diff of the two files (`diff -U0 ORIG
 * PATCHED`, read by klp/udiff.h), which must describe exactly ORIG ->
 * PATCHED: every hunk's old lines are ORIG's lines at its stated place,
 * and every line outside the hunks is the same in both files at the
 * places the hunks imply.  So positions are the actual files', whatever
 * offset or fuzz the source patch applied with.
 *
 * A directive goes right after a change's last line when that is a place
 * where a new line is plain text (klp/cpp_lines.h: not after a splice, not
 * in a block comment, not inside parentheses), else at the first such
 * line below, before the next change; if there is none it is left out
 * (noted), and the lines below keep their shifted numbers.  No directive
 * is needed while the changes so far add as many lines as they remove.
 * A directive inside a conditional group is not obeyed when the group is
 * skipped, so each enclosing group's next #elif/#else and its #endif get
 * one too (up to the next change).  Only files that go through the
 * preprocessor (.c, .h, .S) get directives; a file whose original already
 * has line directives (#line, `# N`) is left as it is (its numbers are
 * not its lines).
 */
#ifndef KLP_KEEPLINES_H
#define KLP_KEEPLINES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "klp/udiff.h"

/* Why a directive did not go right after its change's last line. */
enum klp_keeplines_why {
	KLP_KEEPLINES_AT_END,		/* it did */
	KLP_KEEPLINES_SPLICED,		/* that line continues the one before */
	KLP_KEEPLINES_IN_COMMENT,	/* it starts inside a block comment */
	KLP_KEEPLINES_IN_PARENS,	/* it is inside parentheses */
};

struct klp_keeplines_insert {
	size_t before;		/* the patched line it goes in front of */
	unsigned long number;	/* "#line NUMBER" */
	size_t hunk;		/* 1-based hunk of the diff it follows */
	bool branch;		/* after an enclosing group's #elif/#else/#endif */
	size_t moved;		/* lines below the change's end (not for branch) */
	enum klp_keeplines_why why;
};

/* A change after which no directive found a place. */
struct klp_keeplines_dropped {
	size_t hunk;
	size_t line;		/* the patched line right after the change */
	enum klp_keeplines_why why;
};

struct klp_keeplines {
	struct klp_keeplines_insert *ins;
	size_t nins;
	struct klp_keeplines_dropped *dropped;
	size_t ndropped;
	size_t nhunks;
	size_t orig_line_directive;	/* ORIG's first line directive, or 0 */
};

/* Does @path go through the C preprocessor (.c, .h, .S)? */
bool klp_keeplines_applies(const char *path);

/*
 * The directives for the patched text @patched (@plen bytes) of the
 * original @orig (@olen bytes), given @d, their diff (read from
 * @diff_path; paths name the files in messages).  -1 with klp_errmsg()
 * set, naming the files, when @d does not describe @orig -> @patched or
 * changes more than one file.
 */
int klp_keeplines_compute(const struct klp_udiff *d, const char *diff_path,
			  const char *orig, size_t olen, const char *orig_path,
			  const char *patched, size_t plen,
			  const char *patched_path, struct klp_keeplines *out);
void klp_keeplines_release(struct klp_keeplines *kl);

/* Writes @patched with the directives of @kl inserted.  -1 on a write error. */
int klp_keeplines_write(FILE *out, const char *patched, size_t plen,
			const struct klp_keeplines *kl);

/* "in a block comment", ...: for messages. */
const char *klp_keeplines_why_str(enum klp_keeplines_why why);

/*
 * The whole step on files: reads @diff_path (klp/udiff.h), @orig_path and
 * @patched_path, and writes @out_path (klp/outfile.h: all or nothing,
 * with @patched_path's permission bits): @patched_path with the
 * directives, or as it is for a file that does not go through the
 * preprocessor or whose original has line directives.  Prints one summary
 * line for the file and a "note:" line per moved or missing directive to
 * @report.  -1 with klp_errmsg() set (and @out_path untouched) on error.
 */
int klp_keeplines_file(const char *diff_path, const char *orig_path,
		       const char *patched_path, const char *out_path,
		       FILE *report);

#endif /* KLP_KEEPLINES_H */
