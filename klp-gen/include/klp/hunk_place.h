/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where do a patch's hunks go in the ORIGINAL source?  (`klp-gen plan` and
 * the patch check of `klp-gen diff --patch`, docs/selection.md, "Placing
 * hunks".)
 *
 * A patch made against another version (a backport) applies with an
 * offset: its stated line numbers are not where its hunks go.  The hunks
 * are placed as GNU patch(1) places them (-p1, default fuzz 2, no -R, no
 * whitespace folding), by matching each hunk's old side (context and
 * removed lines) against the original file:
 *
 *  - the search starts at the stated line plus the offset of the file's
 *    previous hunk and goes outward, one line after, one line before, two
 *    after ..., and takes the nearest match (the later one on a tie);
 *  - a hunk goes after the previous hunks of its file: all its old lines
 *    start past the last line those changed (patch has written the file up
 *    to there; their trailing context does not count);
 *  - when no place matches exactly, fuzz 1 then fuzz 2 drop one, then two
 *    context lines at each end (never more than the hunk has);
 *  - a hunk with less context at one end than at the other (the diff met
 *    the start or end of the file) must match at that end of the file,
 *    until fuzz makes up the difference, as in patch.
 * test/plan/patch-agree.test compares all this with GNU patch.
 *
 * A hunk that cannot be placed is an error naming the patch, the target
 * file and the hunk's header: patch(1) would reject it, so the original
 * source is not what the patch was applied to.  Placement never guesses.
 */
#ifndef KLP_HUNK_PLACE_H
#define KLP_HUNK_PLACE_H

#include <stdio.h>

#include "klp/udiff.h"

/* The most context lines patch(1) ignores at each end by default (-F 2). */
#define KLP_HUNK_MAX_FUZZ 2

/*
 * The original source tree of the object @orig_path, for a patch @d with
 * -p1 paths: the nearest directory, from @orig_path's own upwards, that
 * has a `source` directory (kbuild's link from an O= build dir to the
 * source tree; a module's .ko lies below it), else the nearest one that
 * holds every file @d changes (an in-tree build).  A malloc'ed path, or
 * NULL if there is none (klp_errmsg() set to say why, naming @orig_path).
 */
char *klp_source_find(const char *orig_path, const struct klp_udiff *d);

/*
 * Places every hunk of @d (read from @patch_path) against the files under
 * @srcdir, sets each hunk's placement (klp/udiff.h: placed, where, offset,
 * fuzz) and moves its changes to the placed lines.  Hunks of new files
 * have nothing to place (placed stays false).  -1 with klp_errmsg() set
 * when a file is missing or unreadable, a hunk does not match anywhere,
 * or a file has two sections in the patch (patch would apply the second
 * to the first's result, which is not the original).
 */
int klp_hunks_place(struct klp_udiff *d, const char *patch_path,
		    const char *srcdir);

/*
 * The line patch(1) names in "Hunk #N succeeded at LINE": the hunk's first
 * new-side line where it was placed (its new start plus its offset; for a
 * hunk with no new lines the line after the new start, as patch counts).
 */
long klp_hunk_placed_at(const struct klp_udiff_hunk *h);

/*
 * Prints "hunk #N of FILE placed at LINE[ with fuzz F] (offset K lines)\n"
 * for a hunk placed away from its stated line or with fuzz, as patch(1)
 * reports it: N counts within the file, LINE is klp_hunk_placed_at(),
 * K = where - stated old start.  Nothing for a
 * hunk placed where the patch says.  Returns whether it printed.
 */
bool klp_hunk_place_print(FILE *out, const struct klp_udiff_hunk *h);

#endif /* KLP_HUNK_PLACE_H */
