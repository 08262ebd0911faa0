/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `klp-gen plan`: what a source patch will make `diff` select, known before
 * any rebuild (an upper bound; docs/selection.md).
 */
#ifndef KLP_HUNK_PLAN_H
#define KLP_HUNK_PLAN_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Places the hunks of @patch_path against @source (NULL: the one found
 * from @orig_path; with @stated, at the patch's stated lines, no source),
 * maps them to the functions of @orig_path's record and selects.  0 with
 * the whole report in *@report (malloc'd, *@report_len bytes); -1 with
 * klp_errmsg() set and no report.
 */
int klp_hunk_plan_run(const char *orig_path, const char *patch_path,
		      const char *source, bool stated, char **report,
		      size_t *report_len);

#endif /* KLP_HUNK_PLAN_H */
