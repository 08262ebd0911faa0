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

const char merge_usage[] =
	"usage: klp-gen merge -o PLAN PLAN1 [PLAN2...]\n"
	"\n"
	"Write one plan with the objects of PLAN1, PLAN2... in that order (the\n"
	"plans of one patch, one per object: vmlinux and each changed module),\n"
	"leaving out objects that replace nothing and keeping every refuse\n"
	"line.  Two plans of the same object are an error.  Exit 1 if the\n"
	"result refuses the patch (PLAN is written, as diff writes it), 3 if it\n"
	"replaces nothing, i.e. there is nothing to patch (no PLAN written).\n";

static int write_plan(FILE *out, void *plan)
{
	return klp_plan_write(out, plan);
}

int cmd_merge(int argc, char **argv)
{
	const char *out_path = NULL;
	const char **names;
	struct klp_plan **plans, *m = NULL;
	size_t n = 0;
	int ret = 1;

	names = calloc(argc + 1, sizeof(*names));
	plans = calloc(argc + 1, sizeof(*plans));
	if (!names || !plans) {
		klp_report("out of memory");
		goto done;
	}
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-o") && i + 1 < argc && !out_path)
			out_path = argv[++i];
		else if (argv[i][0] == '-') {
			ret = klp_usage_error("merge", merge_usage,
					      "unexpected argument %s", argv[i]);
			goto done;
		} else
			names[n++] = argv[i];
	}
	if (!out_path || !n) {
		ret = klp_usage_error("merge", merge_usage,
				      "-o and at least one plan are required");
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		plans[i] = klp_plan_read(names[i]);
		if (!plans[i])
			goto fail;
	}
	m = klp_plan_merge(plans, names, n);
	if (!m)
		goto fail;
	if (!m->nreplaces && !m->nrefusals) {
		klp_report("the plans replace nothing in any object: a live patch that changes nothing is an error");
		ret = 3;
		goto done;
	}
	if (klp_outfile_write(out_path, write_plan, m))
		goto fail;
	if (m->nrefusals) {
		fprintf(stderr, "klp-gen merge: %s refuses the patch: %s\n",
			out_path, m->refusals[0].text);
		goto done;
	}
	ret = 0;
	goto done;
fail:
	ret = klp_failed();
done:
	for (size_t i = 0; plans && i < n; i++)
		klp_plan_free(plans[i]);
	klp_plan_free(m);
	free(plans);
	free(names);
	return ret;
}
