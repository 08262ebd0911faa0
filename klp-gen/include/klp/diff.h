/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `klp-gen diff` (docs/klp-gen.md): the records of two builds compared, what
 * the live patch replaces selected (klp/select.h, docs/selection.md), the
 * plan (docs/plan-format.md) and the reports (klp/report.h) written.
 *
 * With a source patch, the builds must differ, and only in the files it
 * touches (klp/patchcheck.h), and its hunks must apply to the original
 * source (@source_path, or the one found from ORIG: klp/hunk_place.h);
 * otherwise nothing is written.
 */
#ifndef KLP_DIFF_H
#define KLP_DIFF_H

#include <stdio.h>

#include "klp/correlate.h"
#include "klp/patchcheck.h"
#include "klp/select.h"

struct klp_diff {
	/* The arguments; linked, json, patch and source may be NULL. */
	const char *orig_path, *patched_path, *linked_path;
	const char *plan_path, *json_path, *patch_path, *source_path;
	/*
	 * Leave the ELF and record models (orig, patched, linked) open for
	 * the caller, who frees them with klp_diff_release_models(): the
	 * later stages of klp_diff_extract_glue() use them.
	 */
	bool keep_models;

	/* Set by klp_diff_run() for its reports; stale after it (models aside). */
	struct klp_patch_files *pf;
	struct klp_patch_check pc;
	struct klp_elf *orig_elf, *patched_elf, *linked_elf;
	struct klp_record *orig_rec, *patched_rec, *linked_rec;
	struct klp_corr *c;
	struct klp_corr *linked_c;	/* ORIG vmlinux.o with the linked one */
	struct klp_codecmp *cc;
	struct klp_select *sel;
	unsigned long *sympos;		/* per replace entry */
	/* Changed functions that nothing reaches (klp/unreachable.h). */
	size_t nunreachable;
};

/*
 * Writes the plan (and the JSON report) all or nothing and the text report
 * on @report.  A plan with refusals is written, with its `refuse` lines,
 * and gives -1.  Returns 1 when the patch changes no function's machine
 * code that can run (the plan replaces nothing; @d->nunreachable says
 * how many changed functions nothing reaches), 0 when it replaces
 * functions, -1 with
 * klp_errmsg() set.  Frees everything it made, the arguments aside.
 */
int klp_diff_run(struct klp_diff *d, FILE *report);
/* After a klp_diff_run() with keep_models: frees the models. */
void klp_diff_release_models(struct klp_diff *d);

#endif /* KLP_DIFF_H */
