// SPDX-License-Identifier: GPL-2.0
/*
 * `klp-gen glue --plan PLAN (--replace | --no-replace) -o glue.h
 * [--object PATCH.o...]`: the C tables of a plan for the
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

const char glue_usage[] =
	"usage: klp-gen glue --plan PLAN (--replace | --no-replace) -o GLUE.h\n"
	"                    [--object PATCH.o...]\n"
	"\n"
	"Write the C header that the livepatch module runtime (runtime/) includes:\n"
	"declarations of klp_lto_new_<i> (the new code of the plan's i-th replace\n"
	"line, defined by the object of `klp-gen extract`) and, per object of the\n"
	"plan, the struct klp_func entries {old_name, new_func, old_sympos}.\n"
	"--replace makes the patch an atomic replace (struct klp_patch .replace =\n"
	"true: once it is live, every other live patch is disabled, so it must be\n"
	"cumulative); --no-replace lets it stack on the patches already loaded.\n"
	"One of them is required.\n"
	"A plan with refuse lines or without replace lines is refused.\n"
	"--object (repeatable): the objects the module links must define each\n"
	"klp_lto_new_<i> once, as a function, and be ELF relocatable objects.\n";

struct glue_job {
	const struct klp_plan *plan;
	const char *plan_path;
	struct klp_glue_options opts;
};

static int write_glue(FILE *out, void *ctx)
{
	struct glue_job *j = ctx;

	if (!klp_glue_write(out, j->plan, j->plan_path, &j->opts))
		return 0;
	return klp_err("%s: %s", j->plan_path, strdupa(klp_errmsg()));
}

int cmd_glue(int argc, char **argv)
{
	const char *out_path = NULL, **objs = (const char **)argv;
	struct glue_job j = { 0 };
	int nmode = 0, nobjs = 0, ret;
	struct klp_plan *plan;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--plan") && i + 1 < argc)
			j.plan_path = argv[++i];
		else if (!strcmp(argv[i], "--object") && i + 1 < argc)
			objs[nobjs++] = argv[++i];
		else if (!strcmp(argv[i], "--replace") ||
			 !strcmp(argv[i], "--no-replace")) {
			j.opts.replace = argv[i][2] == 'r';
			nmode++;
		} else if (!strcmp(argv[i], "-o") && i + 1 < argc)
			out_path = argv[++i];
		else
			return klp_usage_error("glue", glue_usage,
					       "unexpected argument %s", argv[i]);
	}
	if (!j.plan_path || !out_path)
		return klp_usage_error("glue", glue_usage,
				       "--plan and -o are required");
	if (nmode != 1)
		return klp_usage_error("glue", glue_usage,
				       "exactly one of --replace and --no-replace is required");
	j.plan = plan = klp_plan_read(j.plan_path);
	ret = !plan ||
	      (nobjs && klp_glue_check_objects(plan, j.plan_path, objs, nobjs)) ||
	      klp_outfile_write(out_path, write_glue, &j);
	klp_plan_free(plan);
	return ret ? klp_failed() : 0;
}
