/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Does a patched build match its source patch?  (`klp-gen diff --patch`,
 * docs/selection.md, "The patch check".)
 *
 * Every source that changed between the two builds (a function or variable
 * whose fingerprint differs, or that is new or removed) must come from a
 * file the patch touches: its `file` (where its body is) or its `unit` (the
 * file compiled, for a header function that a patched .c file starts or
 * stops using).  Paths are matched by suffix: the record holds the path the
 * compiler saw, which carries a prefix the patch does not have (the absolute
 * source dir, or "src/" when clang strips the part it shares with the build
 * dir), so a record path R matches a patch path P (-p1, as `patch -p1` takes
 * it) when R is P or ends in "/" + P.
 *
 * A patch that touches a file which other files include (no blob has it as
 * its unit, and it is a header or other non-source file, or a .c file with
 * code in the records, i.e. one that another .c file includes) can change
 * code anywhere through a macro, a type or a constant, and the record does
 * not say which units include it: then changes outside the patch's files
 * are accepted and listed, not refused.  A .c file that is compiled into
 * another object (a module's, when diff compares vmlinux.o) or not at all
 * does not relax the check.
 */
#ifndef KLP_PATCHCHECK_H
#define KLP_PATCHCHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "klp/correlate.h"
#include "klp/select.h"
#include "klp/udiff.h"

/* The set of files a unified diff touches (old and new paths, -p1). */
struct klp_patch_files;

/* NULL with klp_errmsg() set on an I/O error or a malformed patch. */
struct klp_patch_files *klp_patch_files_read(const char *path);
void klp_patch_files_free(struct klp_patch_files *pf);
/* The patch as read (its hunks placed after klp_patch_files_place()). */
const struct klp_udiff *klp_patch_files_diff(const struct klp_patch_files *pf);

/*
 * Places the patch's hunks (klp/hunk_place.h) against the original source:
 * @srcdir (`diff --source`), or, when NULL, the tree klp_source_find()
 * finds from @orig_path (an O= build dir's `source` link).  -1 with
 * klp_errmsg() set when a hunk cannot be placed: the patch does not apply
 * to the original source, so the patched build cannot be original plus
 * patch.  1 when no source was given and none was found: the file check
 * needs no line numbers and goes on, and klp_patch_files_unplaced() says
 * why the hunks were not placed (the report prints it).  0 when placed.
 */
int klp_patch_files_place(struct klp_patch_files *pf, const char *patch_path,
			  const char *orig_path, const char *srcdir);
/* The source dir the hunks were placed against, or NULL. */
const char *klp_patch_files_source(const struct klp_patch_files *pf);
/* Why the hunks were not placed, or NULL. */
const char *klp_patch_files_unplaced(const struct klp_patch_files *pf);

/* A change that is in none of the patch's files. */
struct klp_patch_outside {
	uint32_t id;			/* klp_corr_src id */
	const char *what;		/* "changed function", "new variable" ... */
};

struct klp_patch_check {
	size_t nchanges;		/* sources changed, new or removed */
	struct klp_patch_outside *outside;
	size_t noutside;
	/*
	 * A file of the patch that others include (a header): outside
	 * changes were accepted because of it.  NULL if there is none.
	 */
	const char *included;
};

/*
 * Checks the result of klp_select_compare() against the patch.  -1 with
 * klp_errmsg() set, naming @patch_path and @patched_path, when nothing
 * changed at all, or when a change lies outside the patch's files and the
 * patch touches no included file (@out->outside lists them all); 0
 * otherwise.  Either way @out is filled in: release it with
 * klp_patch_check_release().
 */
int klp_patch_check(struct klp_patch_files *pf, const char *patch_path,
		    struct klp_corr *c, const struct klp_select_result *r,
		    const char *orig_path, const char *patched_path,
		    struct klp_patch_check *out);
void klp_patch_check_release(struct klp_patch_check *pc);

#endif /* KLP_PATCHCHECK_H */
