/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which source functions do a patch's hunks change?  (`klp-gen plan`,
 * docs/selection.md, "plan ORIG PATCH".)
 *
 * Each hunk, placed first (klp/hunk_place.h), is mapped to the sources of
 * one record whose `file` names the hunk's file (klp/pathset.h) and whose
 * line range [line_begin, line_end] holds a changed line: a removed line
 * inside it, or an insertion between two of its lines.  The functions are
 * marked changed in a klp_select; a variable's definition and everything
 * outside any function body is kept as an "outside" part of its hunk, to be
 * listed, never dropped.
 */
#ifndef KLP_HUNK_MAP_H
#define KLP_HUNK_MAP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "klp/correlate.h"
#include "klp/record.h"
#include "klp/select.h"
#include "klp/udiff.h"

enum klp_hunk_outside_kind {
	KLP_HUNK_NEW_FILE,		/* the file is new */
	KLP_HUNK_NO_FUNCTION,		/* no function has its body in the file */
	KLP_HUNK_VARIABLE,		/* the definition of a variable */
	KLP_HUNK_BETWEEN,		/* a declaration, macro, type ... */
};

/* The lines of one hunk that are in no function body. */
struct klp_hunk_outside {
	const struct klp_udiff_hunk *hunk;
	enum klp_hunk_outside_kind kind;
	unsigned long lo, hi;		/* old-side lines, placed */
	const char *var;		/* KLP_HUNK_VARIABLE: its name */
};

struct klp_hunk_map {
	unsigned int *hunk_of;		/* per source id: first hunk index, 0 none */
	struct klp_hunk_outside *outside;
	size_t noutside;
};

/*
 * Maps the hunks of @d (placed, or at their stated lines) to the sources
 * of @c, the correlation of @rec with itself, and marks every function they
 * change in @sel.  -1 with klp_errmsg() set if out of memory; @m is filled
 * in either way: release it with klp_hunk_map_release().
 */
int klp_hunk_map(struct klp_hunk_map *m, struct klp_corr *c,
		 const struct klp_record *rec, const struct klp_udiff *d,
		 struct klp_select *sel);
void klp_hunk_map_release(struct klp_hunk_map *m);

/* "hunk N FILE:LINES: not in a function body (WHY)\n" */
void klp_hunk_outside_print(FILE *out, const struct klp_hunk_outside *o);

#endif /* KLP_HUNK_MAP_H */
