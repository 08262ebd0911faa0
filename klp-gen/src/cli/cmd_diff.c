// SPDX-License-Identifier: GPL-2.0
/*
 * `klp-gen diff [--orig-linked VMLINUX] [--patch PATCH [--source DIR]] ORIG
 * PATCHED -o PLAN [--json REPORT]`: the arguments of klp_diff_run()
 * (klp/diff.h, docs/klp-gen.md), the report on stdout.
 *
 * Files are written all or nothing (klp/outfile.h): on any error there is
 * no plan (and no JSON report) at all.  A plan with refusals is written,
 * with its `refuse` lines, and makes the exit status 1.  A patch that
 * changes no function's machine code gives a plan that replaces nothing,
 * exit status 0 and a note on stderr: not an error of diff (merge refuses
 * to make a live patch of it).
 */
#include <stdio.h>

#include "commands.h"
#include "klp/diff.h"
#include "klp/error.h"

const char diff_usage[] =
	"usage: klp-gen diff [--orig-linked VMLINUX] [--patch PATCH [--source DIR]]\n"
	"                     ORIG PATCHED -o PLAN [--json REPORT]\n"
	"\n"
	"Select the functions of ORIG (the original vmlinux.o) that a live\n"
	"patch must replace to run the code of PATCHED (the patched build's\n"
	"vmlinux.o), from their klp-lto records, and write the plan to PLAN.\n"
	"--orig-linked: the original linked vmlinux, for kallsyms positions.\n"
	"--patch: the source patch (unified diff, -p1) PATCHED was built with:\n"
	"refuse unless the builds differ, and only in the files it touches\n"
	"(a patch that changes a header may change code anywhere); and\n"
	"refuse a patch whose hunks do not apply to the original source.\n"
	"--source: that source tree (default: the `source` link of the O=\n"
	"build dir ORIG is in, or an in-tree build's dir; without one the\n"
	"hunks are not placed, and the report says so).\n"
	"--json: also write the report as JSON.\n"
	"The report goes to stdout.  Exit 1 on an error or a refusal; a patch\n"
	"that changes no function's machine code gives a plan that replaces\n"
	"nothing (exit 0, \"nothing to patch\" on stderr).\n";

int cmd_diff(int argc, char **argv)
{
	const char *pos[2], **opt;
	struct klp_diff d = { 0 };
	int n = 0, ret;
	const struct klp_cli_opt opts[] = {
		{ "-o", &d.plan_path }, { "--json", &d.json_path },
		{ "--orig-linked", &d.linked_path }, { "--patch", &d.patch_path },
		{ "--source", &d.source_path }, { NULL, NULL },
	};

	for (int i = 1; i < argc; i++) {
		opt = klp_cli_slot(opts, argv[i]);
		if (opt && i + 1 >= argc)
			return klp_usage_error("diff", diff_usage,
					       "%s needs an argument", argv[i]);
		if (opt)
			*opt = argv[++i];
		else if ((ret = klp_cli_operand("diff", diff_usage, argv[i], pos,
						&n, 2, "too many arguments")))
			return ret;
	}
	if (n != 2 || !d.plan_path)
		return klp_usage_error("diff", diff_usage,
				       "ORIG, PATCHED and -o PLAN are needed");
	d.orig_path = pos[0];
	d.patched_path = pos[1];
	switch (klp_diff_run(&d, stdout)) {
	case 0:
		return 0;
	case 1:
		if (d.nunreachable)
			fprintf(stderr, "klp-gen: %s -> %s: %zu changed function%s unreachable in %s (no caller, address not taken, not exported): the plan replaces nothing (nothing to patch)\n",
				d.orig_path, d.patched_path, d.nunreachable,
				d.nunreachable > 1 ? "s are" : " is",
				d.orig_path);
		else
			fprintf(stderr, "klp-gen: %s -> %s: no function's machine code changed: the plan replaces nothing (nothing to patch)\n",
				d.orig_path, d.patched_path);
		return 0;
	default:
		return klp_failed();
	}
}
