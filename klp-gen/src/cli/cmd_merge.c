// SPDX-License-Identifier: GPL-2.0
/*
 * `klp-gen merge -o PLAN PLAN1 PLAN2...`: one plan for one live patch out of
 * the plans `klp-gen diff` wrote per object (vmlinux, each changed module).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "klp/error.h"
#include "klp/outfile.h"
#include "klp/plan.h"

static const char merge_usage[] =
	"usage: klp-gen merge -o PLAN PLAN1 [PLAN2...]\n"
	"\n"
	"Write one plan with the objects of PLAN1, PLAN2... in that order (the\n"
	"plans of one patch, one per object: vmlinux and each changed module),\n"
	"leaving out objects that replace nothing and keeping every refuse\n"
	"line.  Two plans of the same object are an error.  Exit 1 if the\n"
	"result refuses the patch or replaces nothing (then no PLAN is written\n"
	"for the empty case; a refusing PLAN is written, as diff writes it).\n";

int cmd_merge(int argc, char **argv)
{
	const char *out_path = NULL;
	const char **names;
	struct klp_plan **plans, *m = NULL;
	struct klp_outfile out;
	size_t n = 0;
	int ret = 1;
	FILE *fp;

	names = calloc(argc + 1, sizeof(*names));
	plans = calloc(argc + 1, sizeof(*plans));
	if (!names || !plans) {
		klp_report("out of memory");
		goto done;
	}
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(merge_usage, stdout);
			ret = 0;
			goto done;
		}
		if (!strcmp(argv[i], "-o") && i + 1 < argc && !out_path)
			out_path = argv[++i];
		else if (argv[i][0] == '-') {
			fprintf(stderr, "klp-gen merge: unexpected argument %s\n%s",
				argv[i], merge_usage);
			ret = 2;
			goto done;
		} else
			names[n++] = argv[i];
	}
	if (!out_path || !n) {
		fprintf(stderr, "klp-gen merge: -o and at least one plan are required\n%s",
			merge_usage);
		ret = 2;
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		plans[i] = klp_plan_read(names[i]);
		if (!plans[i]) {
			klp_report(klp_errmsg());
			goto done;
		}
	}
	m = klp_plan_merge(plans, names, n);
	if (!m) {
		klp_report(klp_errmsg());
		goto done;
	}
	if (!m->nreplaces && !m->nrefusals) {
		klp_report("the plans replace nothing in any object: a live patch that changes nothing is an error");
		goto done;
	}
	if (klp_outfile_open(&out, out_path)) {
		klp_report(klp_errmsg());
		goto done;
	}
	fp = klp_outfile_stream(&out);
	if (!fp || klp_plan_write(fp, m)) {
		klp_outfile_abort(&out);
		klp_report(klp_errmsg());
		goto done;
	}
	if (klp_outfile_commit(&out)) {
		klp_report(klp_errmsg());
		goto done;
	}
	if (m->nrefusals) {
		fprintf(stderr, "klp-gen merge: %s refuses the patch: %s\n",
			out_path, m->refusals[0].text);
		goto done;
	}
	ret = 0;
done:
	for (size_t i = 0; plans && i < n; i++)
		klp_plan_free(plans[i]);
	klp_plan_free(m);
	free(plans);
	free(names);
	return ret;
}
