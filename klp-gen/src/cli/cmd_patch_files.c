// SPDX-License-Identifier: GPL-2.0
/*
 * `klp-gen patch-files [--all] [--in DIR] PATCH...`: the files source
 * patches name (klp_patch_paths(), klp/udiff.h), for scripts/klp-build.sh.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "klp/udiff.h"

const char patch_files_usage[] =
	"usage: klp-gen patch-files [--all] [--in DIR] PATCH...\n"
	"\n"
	"Print the -p1 paths the unified diffs name, sorted, once each: the files\n"
	"they change (the new path of every file with hunks), each of which must\n"
	"be a file in DIR with --in (a live patch cannot add a source file); with\n"
	"--all every path of their ---/+++ headers and `diff --git` lines (a mode\n"
	"change has no hunk), i.e. every file `patch -p1` may write.\n";

int cmd_patch_files(int argc, char **argv)
{
	const char *in = NULL;
	bool all = false;
	int n = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--all"))
			all = true;
		else if (!strcmp(argv[i], "--in") && i + 1 < argc)
			in = argv[++i];
		else if (argv[i][0] != '-')
			argv[n++] = argv[i];
		else
			return klp_usage_error("patch-files", patch_files_usage,
					       "unexpected argument %s", argv[i]);
	}
	if (!n)
		return klp_usage_error("patch-files", patch_files_usage,
				       "no PATCH given");
	if (klp_patch_paths((const char *const *)argv, (size_t)n, all, in,
			    stdout))
		return klp_failed();
	return 0;
}
