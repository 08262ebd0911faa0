// SPDX-License-Identifier: GPL-2.0
/*
 * klp-gen: builds Linux live patches for kernels compiled with Clang ThinLTO,
 * from the klp-lto record that the pass plugin leaves in every object.
 * This file dispatches to the subcommands and holds the helpers they share
 * to read their command line and report errors.
 */
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"

static const struct klp_command commands[] = {
	{ "dump", "print the klp-lto record of an object or executable", cmd_dump, dump_usage },
	{ "coverage", "check that every function symbol has a record entry", cmd_coverage, coverage_usage },
	{ "plan", "map a source patch to the functions it may touch (before a rebuild)", cmd_plan, plan_usage },
	{ "diff", "select the functions a live patch replaces, from two builds", cmd_diff, diff_usage },
	{ "verify", "compare every function's machine code in two builds (the oracle)", cmd_verify, verify_usage },
	{ "merge", "one plan out of the per-object plans of one patch", cmd_merge, merge_usage },
	{ "extract", "copy the new code of a plan out of the patched vmlinux.o", cmd_extract, extract_usage },
	{ "glue", "write the C tables of a plan for the runtime", cmd_glue, glue_usage },
	{ "diff-extract-glue", "diff, extract and glue in one process (one read of each file)", cmd_diff_extract_glue, dxg_usage },
	{ "finalize", "turn .klp.sym references of a module into livepatch relocations", cmd_finalize, finalize_usage },
	{ "x86-relocs", "check the x86-64 decoder against every relocation of an object's code", cmd_x86relocs, x86relocs_usage },
	{ "objects", "which objects of two kernel builds a live patch compares", cmd_objects, objects_usage },
	{ "patch-files", "the files a source patch names (-p1 paths)", cmd_patch_files, patch_files_usage },
	{ "keep-lines", "keep a patched source's original line numbers (#line directives)", cmd_keep_lines, keep_lines_usage },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

void klp_report(const char *msg)
{
	fprintf(stderr, "klp-gen: %s\n", msg);
}

int klp_failed(void)
{
	klp_report(klp_errmsg());
	return 1;
}

int klp_usage_error(const char *cmd, const char *usage, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "klp-gen %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n%s", usage);
	return 2;
}

const char **klp_cli_slot(const struct klp_cli_opt *opts, const char *arg)
{
	for (; opts->name; opts++)
		if (!strcmp(opts->name, arg))
			return opts->slot;
	return NULL;
}

int klp_cli_operand(const char *cmd, const char *usage, const char *arg,
		    const char **pos, int *n, int max, const char *too_many)
{
	if (arg[0] == '-' && arg[1])
		return klp_usage_error(cmd, usage, "unknown option %s", arg);
	if (*n == max)
		return klp_usage_error(cmd, usage, "%s", too_many);
	pos[(*n)++] = arg;
	return 0;
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
	/*
	 * A fixed threshold: glibc's dynamic one rises to the size of each
	 * big array freed, so later ones land in the heap and are not given
	 * back when freed (diff at 1M functions: 1385 -> 1287 MB peak).
	 */
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	for (const struct klp_command *c = commands; c < commands + NCOMMANDS; c++) {
		if (strcmp(argv[1], c->name))
			continue;
		for (int i = 2; i < argc && strcmp(argv[i], "--"); i++)
			if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
				fputs(c->usage, stdout);
				return 0;
			}
		return c->run(argc - 1, argv + 1);
	}
	fprintf(stderr, "klp-gen: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
