// SPDX-License-Identifier: GPL-2.0
/*
 * `klp-gen plan ORIG.o PATCH.diff`: the arguments of klp_hunk_plan_run()
 * (klp/hunk_plan.h); its report, built in memory, is printed only when
 * every step succeeded.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "klp/error.h"
#include "klp/hunk_plan.h"

const char plan_usage[] =
	"usage: klp-gen plan [--source DIR | --stated-lines] ORIG PATCH\n"
	"\n"
	"Map the hunks of the unified diff PATCH (paths as for `patch -p1`,\n"
	"relative to the kernel source dir) to the functions of ORIG (the\n"
	"original vmlinux.o or .o, with its klp-lto record) that a live patch\n"
	"would replace: functions whose body a hunk changes, every function\n"
	"they were inlined into, and IPO candidates (an upper bound: `klp-gen\n"
	"diff` confirms them by machine code after the rebuild).  Hunks that\n"
	"touch no function body are listed as such.\n"
	"Each hunk is first placed against the original source as patch(1)\n"
	"places it (offset, fuzz 2): --source DIR, or by default the `source`\n"
	"link of the O= build dir ORIG is in (or an in-tree build's dir).  A\n"
	"hunk that cannot be placed is an error, and so is no source found.\n"
	"--stated-lines: no source; take the patch's line numbers as they are\n"
	"(right only for a patch made against ORIG's very source; for records\n"
	"without one, as bench/gen-record.c makes).\n";

int cmd_plan(int argc, char **argv)
{
	const char *args[2], *source = NULL;
	bool stated = false;
	char *text;
	size_t len;
	int n = 0, ret;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--source")) {
			if (i + 1 >= argc)
				return klp_usage_error("plan", plan_usage,
						       "--source needs an argument");
			source = argv[++i];
			continue;
		}
		if (!strcmp(argv[i], "--stated-lines")) {
			stated = true;
			continue;
		}
		ret = klp_cli_operand("plan", plan_usage, argv[i], args, &n, 2,
				      "too many arguments");
		if (ret)
			return ret;
	}
	if (n != 2)
		return klp_usage_error("plan", plan_usage,
				       "ORIG and PATCH are needed");
	if (stated && source)
		return klp_usage_error("plan", plan_usage,
				       "--source and --stated-lines exclude each other");
	if (klp_hunk_plan_run(args[0], args[1], source, stated, &text, &len))
		return klp_failed();
	fwrite(text, 1, len, stdout);
	free(text);
	if (!fflush(stdout))
		return 0;
	klp_report("stdout: write error");
	return 1;
}
