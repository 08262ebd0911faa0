// SPDX-License-Identifier: GPL-2.0
/*
 * klp-gen: builds Linux live patches for kernels compiled with Clang ThinLTO,
 * from the klp-lto record that the pass plugin leaves in every object.
 * This file only dispatches to the subcommands.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"

static const struct klp_command commands[] = {
	{ "dump", "print the klp-lto record of an object or executable", cmd_dump },
	{ "coverage", "check that every function symbol has a record entry", cmd_coverage },
	{ "plan", "map a source patch to the functions it may touch (before a rebuild)", cmd_plan },
	{ "diff", "select the functions a live patch replaces, from two builds", cmd_diff },
	{ "verify", "compare every function's machine code in two builds (the oracle)", cmd_verify },
	{ "merge", "one plan out of the per-object plans of one patch", cmd_merge },
	{ "extract", "copy the new code of a plan out of the patched vmlinux.o", cmd_extract },
	{ "glue", "write the C tables of a plan for the runtime", cmd_glue },
	{ "diff-extract-glue", "diff, extract and glue in one process (one read of each file)", cmd_diff_extract_glue },
	{ "finalize", "turn .klp.sym references of a module into livepatch relocations", cmd_finalize },
	{ "x86-relocs", "check the x86-64 decoder against every relocation of an object's code", cmd_x86relocs },
	{ "keep-lines", "keep a patched source's original line numbers (#line directives)", cmd_keep_lines },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

void klp_report(const char *msg)
{
	fprintf(stderr, "klp-gen: %s\n", msg);
}

static void usage(FILE *out)
{
	fputs("usage: klp-gen COMMAND [ARGS]\n"
	      "       klp-gen COMMAND --help\n"
	      "\n"
	      "commands:\n", out);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-10s %s\n", commands[i].name,
			commands[i].summary);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "klp-gen: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
