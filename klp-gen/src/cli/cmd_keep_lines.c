// SPDX-License-Identifier: GPL-2.0
/*
 * `klp-gen keep-lines --diff DIFF ORIG PATCHED -o OUT`: PATCHED with `#line`
 * directives that give every line below a change its number in ORIG
 * (klp/keeplines.h; scripts/klp-build.sh runs it on each file of its
 * patched source copy before the patched build).
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "klp/error.h"
#include "klp/keeplines.h"

const char keep_lines_usage[] =
	"usage: klp-gen keep-lines --diff DIFF ORIG PATCHED -o OUT\n"
	"\n"
	"Write PATCHED to OUT (may be PATCHED) with a `#line N` directive after\n"
	"each change, so that every line below a change keeps its line number\n"
	"in ORIG (and __LINE__ its value).  DIFF is `diff -U0 ORIG PATCHED`; it\n"
	"must describe the two files exactly.  Only .c, .h and .S files get\n"
	"directives, at places where a new line is plain text for the\n"
	"preprocessor (not after a backslash-newline, not in a comment, not\n"
	"inside parentheses); other files are written as they are.  Prints a\n"
	"summary line and a note per directive that had to move or found no\n"
	"place.  Exit 1 on an error (no OUT written).\n";

int cmd_keep_lines(int argc, char **argv)
{
	const char *diff = NULL, *out = NULL, *files[2];
	int nfiles = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--diff") && i + 1 < argc && !diff)
			diff = argv[++i];
		else if (!strcmp(argv[i], "-o") && i + 1 < argc && !out)
			out = argv[++i];
		else if (argv[i][0] == '-' || nfiles == 2)
			goto usage;
		else
			files[nfiles++] = argv[i];
	}
	if (!diff || !out || nfiles != 2)
		goto usage;
	if (klp_keeplines_file(diff, files[0], files[1], out, stdout))
		return klp_failed();
	return 0;
usage:
	return klp_usage_error("keep-lines", keep_lines_usage,
			       "--diff, -o, ORIG and PATCHED are required");
}
