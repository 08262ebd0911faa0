/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `klp-gen verify ORIG PATCHED [--plan PLAN]`, the machine-code oracle
 * (docs/selection.md, "verify"): every emitted function of ORIG paired with
 * its peer in PATCHED through the records and compared twice (klp/codecmp.h,
 * klp/codecmp_independent.h); a disagreement is reported.  With a plan,
 * every function whose code changed must be replaced by it, and a function
 * that could not be compared (ambiguous or unpaired) must be replaced or
 * shipped as new code by it.
 */
#ifndef KLP_VERIFY_H
#define KLP_VERIFY_H

#include <stddef.h>

struct klp_verify_counts {
	long miss;		/* changed functions the plan misses */
	long unverified;	/* never compared, and the plan does not explain */
	size_t disagree;	/* pairs the two comparisons disagree on */
};

/*
 * Runs the walk (@plan_path may be NULL).  0 with the whole report in
 * *@report (malloc'd, *@report_len bytes) and the counts in *@res; -1 with
 * klp_errmsg() set and no report.
 */
int klp_verify_run(const char *orig_path, const char *patched_path,
		   const char *plan_path, char **report, size_t *report_len,
		   struct klp_verify_counts *res);

#endif /* KLP_VERIFY_H */
