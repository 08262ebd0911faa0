// SPDX-License-Identifier: GPL-2.0
/*
 * `klp-gen glue --plan PLAN (--replace | --no-replace) -o glue.h`: the C tables of a plan for the
 * module runtime (runtime/).  The header is written to a temporary file and
 * renamed, so a refused plan leaves no header behind.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "klp/error.h"
#include "klp/glue.h"
#include "klp/outfile.h"
#include "klp/plan.h"

static const char glue_usage[] =
	"usage: klp-gen glue --plan PLAN (--replace | --no-replace) -o GLUE.h\n"
	"\n"
	"Write the C header that the livepatch module runtime (runtime/) includes:\n"
	"declarations of klp_lto_new_<i> (the new code of the plan's i-th replace\n"
	"line, defined by the object of `klp-gen extract`) and, per object of the\n"
	"plan, the struct klp_func entries {old_name, new_func, old_sympos}.\n"
	"--replace makes the patch an atomic replace (struct klp_patch .replace =\n"
	"true: once it is live, every other live patch is disabled, so it must be\n"
	"cumulative); --no-replace lets it stack on the patches already loaded.\n"
	"One of them is required.\n"
	"A plan with refuse lines or without replace lines is refused.\n";

int cmd_glue(int argc, char **argv)
{
	const char *plan_path = NULL, *out_path = NULL;
	struct klp_glue_options opts = { 0 };
	int nmode = 0;
	struct klp_outfile out;
	struct klp_plan *plan;
	FILE *fp;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(glue_usage, stdout);
			return 0;
		}
		if (!strcmp(argv[i], "--plan") && i + 1 < argc) {
			plan_path = argv[++i];
		} else if (!strcmp(argv[i], "--replace")) {
			opts.replace = true;
			nmode++;
		} else if (!strcmp(argv[i], "--no-replace")) {
			opts.replace = false;
			nmode++;
		} else if (!strcmp(argv[i], "-o") && i + 1 < argc) {
			out_path = argv[++i];
		} else {
			fprintf(stderr, "klp-gen glue: unexpected argument %s\n%s",
				argv[i], glue_usage);
			return 2;
		}
	}
	if (!plan_path || !out_path) {
		fprintf(stderr, "klp-gen glue: --plan and -o are required\n%s",
			glue_usage);
		return 2;
	}
	if (nmode != 1) {
		fprintf(stderr, "klp-gen glue: exactly one of --replace and --no-replace is required\n%s",
			glue_usage);
		return 2;
	}

	plan = klp_plan_read(plan_path);
	if (!plan) {
		klp_report(klp_errmsg());
		return 1;
	}
	if (klp_outfile_open(&out, out_path)) {
		klp_report(klp_errmsg());
		klp_plan_free(plan);
		return 1;
	}
	fp = klp_outfile_stream(&out);
	if (!fp || klp_glue_write(fp, plan, plan_path, &opts)) {
		klp_outfile_abort(&out);
		if (fp)
			fprintf(stderr, "klp-gen: %s: %s\n", plan_path,
				klp_errmsg());
		else
			klp_report(klp_errmsg());
		klp_plan_free(plan);
		return 1;
	}
	klp_plan_free(plan);
	if (klp_outfile_commit(&out)) {
		klp_report(klp_errmsg());
		return 1;
	}
	return 0;
}
