// SPDX-License-Identifier: GPL-2.0
/*
 * `klp-gen diff-extract-glue`: the front end of klp_diff_extract_glue()
 * (klp/diff_extract_glue.h).
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "klp/diff_extract_glue.h"
#include "klp/error.h"

const char dxg_usage[] =
	"usage: klp-gen diff-extract-glue [--orig-linked ORIG/vmlinux]\n"
	"           [--patch PATCH [--source DIR]] [--json REPORT]\n"
	"           ORIG PATCHED --symvers ORIG/Module.symvers\n"
	"           (--replace | --no-replace) --plan PLAN -o patch.o --glue GLUE.h\n"
	"\n"
	"`klp-gen diff`, `klp-gen extract` and `klp-gen glue` of one object pair\n"
	"(ORIG and PATCHED: vmlinux.o of two builds, with --orig-linked, or one\n"
	"module's .ko of two builds) in one process: every file is read once and\n"
	"extract works on the models diff loaded.  Writes PLAN, patch.o and\n"
	"GLUE.h, the same bytes the three commands write, or none of them (a\n"
	"refused plan is kept, as diff keeps it).  The options are those of the\n"
	"three commands.  The diff report and extract's counts go to stdout.\n"
	"A patch that changes no function's machine code writes the plan that\n"
	"replaces nothing and no patch.o (exit 0, \"nothing to patch\" on stderr).\n";

int cmd_diff_extract_glue(int argc, char **argv)
{
	struct klp_dxg_args a = { 0 };
	struct klp_extract_stats st;
	const char *pos[2];
	int n = 0, nmode = 0;
	const struct klp_cli_opt opts[] = {
		{ "--orig-linked", &a.linked_path }, { "--patch", &a.patch_path },
		{ "--source", &a.source_path }, { "--json", &a.json_path },
		{ "--symvers", &a.symvers }, { "--plan", &a.plan_path },
		{ "-o", &a.out_path }, { "--glue", &a.glue_path }, { NULL, NULL },
	};

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		const char **opt = klp_cli_slot(opts, arg);

		if (!strcmp(arg, "--replace") || !strcmp(arg, "--no-replace")) {
			a.replace = !strcmp(arg, "--replace");
			nmode++;
			continue;
		}
		if (opt) {
			if (i + 1 >= argc || *opt)
				return klp_usage_error("diff-extract-glue", dxg_usage,
						       "%s %s", arg,
						       *opt ? "given twice" :
							      "needs an argument");
			*opt = argv[++i];
			continue;
		}
		if ((arg[0] == '-' && arg[1]) || n == 2)
			return klp_usage_error("diff-extract-glue", dxg_usage,
					       "unexpected argument %s", arg);
		pos[n++] = arg;
	}
	if (n != 2 || !a.symvers || !a.plan_path || !a.out_path ||
	    !a.glue_path)
		return klp_usage_error("diff-extract-glue", dxg_usage,
				       "ORIG, PATCHED, --symvers, --plan, -o and --glue are required");
	if (nmode != 1)
		return klp_usage_error("diff-extract-glue", dxg_usage,
				       "exactly one of --replace and --no-replace is required");
	a.orig_path = pos[0];
	a.patched_path = pos[1];
	switch (klp_diff_extract_glue(&a, stdout, &st)) {
	case 0:
		print_extract_stats(a.out_path, &st, false);
		return 0;
	case 1:
		fprintf(stderr, "klp-gen: %s -> %s: no function's machine code changed: the plan replaces nothing (nothing to patch); no %s, no %s\n",
			a.orig_path, a.patched_path, a.out_path, a.glue_path);
		return 0;
	default:
		return klp_failed();
	}
}
