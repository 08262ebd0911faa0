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
	size_t textlen = 0, npath = 0;
	int ret = 1;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--plan")) {
			if (i + 1 >= argc || plan_path)
				return klp_usage_error("verify", verify_usage,
						       "--plan needs one PLAN");
			plan_path = argv[++i];
			continue;
		}
		if (argv[i][0] == '-' && argv[i][1])
			return klp_usage_error("verify", verify_usage,
					       "unknown option %s", argv[i]);
		if (npath == 2)
			return klp_usage_error("verify", verify_usage,
					       "ORIG and PATCHED only");
		path[npath++] = argv[i];
	}
	if (npath != 2)
		return klp_usage_error("verify", verify_usage,
				       "needs ORIG and PATCHED");

	if (klp_verify_run(path[0], path[1], plan_path, &text, &textlen,
			   &res))
		goto fail;
	if (fwrite(text, 1, textlen, stdout) != textlen || fflush(stdout)) {
		klp_err("stdout: write error");
		goto fail;
	}
	if (res.disagree)
		klp_report("the two code comparisons disagree; see the disagree lines");
	ret = res.miss || res.unverified || res.disagree ? 1 : 0;
	free(text);
	return ret;
fail:
	klp_report(klp_errmsg());
	free(text);
	return 1;
}
