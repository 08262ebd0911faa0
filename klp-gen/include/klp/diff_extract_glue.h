/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `klp-gen diff-extract-glue` (docs/klp-gen.md): the three steps from two
 * builds of one object to the inputs of its live patch module, in one
 * process: diff (klp/diff.h) writes the plan, extract (klp/extract.h)
 * copies the new code into patch.o, glue (klp/glue.h) writes the C tables.
 * The ELF files are opened and their records read once: extract works on
 * the models diff loaded (PATCHED, and ORIG/vmlinux or the original .ko),
 * instead of reading 100+ MB files again.  What each step writes and
 * refuses is exactly what the separate commands write and refuse.
 */
#ifndef KLP_DIFF_EXTRACT_GLUE_H
#define KLP_DIFF_EXTRACT_GLUE_H

#include <stdbool.h>
#include <stdio.h>

#include "klp/extract.h"

struct klp_dxg_args {
	/* diff's: ORIG vmlinux.o or .ko, PATCHED, and the optional ones. */
	const char *orig_path, *patched_path;
	const char *linked_path;	/* ORIG/vmlinux; required for vmlinux.o */
	const char *patch_path, *source_path, *json_path;
	const char *plan_path;		/* the plan written (and read back) */
	const char *symvers;		/* ORIG/Module.symvers, for extract */
	const char *out_path;		/* patch.o */
	const char *glue_path;		/* the glue header */
	bool replace;			/* glue's --replace (else --no-replace) */
};

/*
 * Runs the three steps; the diff report goes to @report, extract's counts to
 * @stats.  All or nothing: when a step fails or refuses, the files of the
 * earlier ones are removed (a refused plan is kept, as diff keeps it: it
 * says why).  Returns 0, 1 when the patch changes no function's machine
 * code (diff's plan that replaces nothing is written, nothing else), -1
 * with klp_errmsg() set.
 */
int klp_diff_extract_glue(const struct klp_dxg_args *a, FILE *report,
			  struct klp_extract_stats *stats);

#endif /* KLP_DIFF_EXTRACT_GLUE_H */
