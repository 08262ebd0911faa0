// SPDX-License-Identifier: GPL-2.0
/*
 * `klp-gen verify ORIG PATCHED [--plan PLAN]`: the arguments of
 * klp_verify_run() (klp/verify.h); its report, built in memory, is printed
 * only when every step succeeded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "klp/error.h"
#include "klp/verify.h"

const char verify_usage[] =
	"usage: klp-gen verify ORIG PATCHED [--plan PLAN]\n"
	"\n"
	"Compare the final machine code of every function of ORIG with its\n"
	"peer in PATCHED (two `ld -r` outputs such as vmlinux.o, built with\n"
	"the klp-lto plugin).  Prints one line per function whose code\n"
	"changed, per new, removed and ambiguous function, then a summary.\n"
	"With --plan, also checks that PLAN replaces every changed function:\n"
	"`MISS` lines and exit status 1 if not.  Only the plan's object of the\n"
	"pair counts: vmlinux, or the module (.ko) ORIG is.  Every pair is\n"
	"compared by two independent comparisons; a disagreement (`disagree`)\n"
	"exits 1.  So does an ambiguous or unpaired function (never compared)\n"
	"that PLAN does not replace (OLD_SYM) or use as new code (NEW_SYM):\n"
	"`UNVERIFIED` lines.  See docs/klp-gen.md.\n";

int cmd_verify(int argc, char **argv)
{
	const char *path[2] = { NULL, NULL }, *plan_path = NULL;
	struct klp_verify_counts res;
	char *text = NULL;
	size_t textlen = 0;
	int ret, npath = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--plan")) {
			if (i + 1 >= argc || plan_path)
				return klp_usage_error("verify", verify_usage,
						       "--plan needs one PLAN");
			plan_path = argv[++i];
			continue;
		}
		ret = klp_cli_operand("verify", verify_usage, argv[i], path,
				      &npath, 2, "ORIG and PATCHED only");
		if (ret)
			return ret;
	}
	if (npath != 2)
		return klp_usage_error("verify", verify_usage,
				       "needs ORIG and PATCHED");

	ret = 1;
	if (klp_verify_run(path[0], path[1], plan_path, &text, &textlen,
			   &res))
		klp_report(klp_errmsg());
	else if (fwrite(text, 1, textlen, stdout) != textlen || fflush(stdout))
		klp_report("stdout: write error");
	else {
		if (res.disagree)
			klp_report("the two code comparisons disagree; see the disagree lines");
		ret = res.miss || res.unverified || res.disagree ? 1 : 0;
	}
	free(text);
	return ret;
}
