// SPDX-License-Identifier: GPL-2.0
/*
 * `klp-gen coverage FILE`: the completeness check of a record
 * (klp/coverage.h).
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "klp/coverage.h"
#include "klp/error.h"

const char coverage_usage[] =
	"usage: klp-gen coverage [--ignore-file F] [--ignore-prefix P]... [--list] FILE\n"
	"\n"
	"Checks that every defined function symbol of FILE has a klp-lto record\n"
	"entry.  Prints `coverage: N function symbols, M without a record`\n"
	"(and, with --list, one `missing SYMBOL section=S` line per symbol);\n"
	"exits 1 if M > 0.  Excused symbols are counted apart:\n"
	"  --ignore-file F    names listed in F, one per line (e.g. the\n"
	"                     function symbols of objects assembled from .S)\n"
	"  --ignore-prefix P  names starting with P (repeatable)\n";

int cmd_coverage(int argc, char **argv)
{
	const char *prefixes[32], *path = NULL;
	struct klp_coverage_excuse ex = { .prefixes = prefixes };
	struct klp_coverage res;
	bool list = false;
	int n = 0, ret;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--list")) {
			list = true;
		} else if (!strcmp(a, "--ignore-file") && i + 1 < argc) {
			ex.file = argv[++i];
		} else if (!strcmp(a, "--ignore-prefix") && i + 1 < argc) {
			if (ex.nprefixes == sizeof(prefixes) / sizeof(prefixes[0])) {
				fprintf(stderr, "klp-gen coverage: too many --ignore-prefix\n");
				return 2;
			}
			prefixes[ex.nprefixes++] = argv[++i];
		} else {
			ret = klp_cli_operand("coverage", coverage_usage, a,
					      &path, &n, 1, "one FILE only");
			if (ret)
				return ret;
		}
	}
	if (!path)
		return klp_usage_error("coverage", coverage_usage,
				       "no FILE given");
	if (klp_coverage_check(path, &ex, list ? stdout : NULL, &res))
		return klp_failed();
	printf("coverage: %zu function symbols, %zu without a record",
	       res.total, res.missing);
	if (res.excused)
		printf(", %zu excused", res.excused);
	putchar('\n');
	return res.missing ? 1 : 0;
}
