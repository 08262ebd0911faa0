/* SPDX-License-Identifier: GPL-2.0 */
/*
 * klp-gen's subcommands.  Each gets argv from its own name on (argv[0] is
 * "dump"), returns the exit status, and prints its errors itself.
 */
#ifndef KLP_GEN_COMMANDS_H
#define KLP_GEN_COMMANDS_H

#include <stdbool.h>

#include "klp/error.h"

struct klp_command {
	const char *name;
	const char *summary;		/* one line for `klp-gen --help` */
	int (*run)(int argc, char **argv);
	/* Printed for --help or -h before any "--". */
	const char *usage;
};

int cmd_dump(int argc, char **argv);
int cmd_coverage(int argc, char **argv);
int cmd_plan(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_extract(int argc, char **argv);
int cmd_glue(int argc, char **argv);
int cmd_diff_extract_glue(int argc, char **argv);
int cmd_finalize(int argc, char **argv);
int cmd_keep_lines(int argc, char **argv);
int cmd_x86relocs(int argc, char **argv);
int cmd_objects(int argc, char **argv);
int cmd_patch_files(int argc, char **argv);

extern const char coverage_usage[];
extern const char dump_usage[];
extern const char diff_usage[];
extern const char dxg_usage[];
extern const char extract_usage[];
extern const char finalize_usage[];
extern const char glue_usage[];
extern const char keep_lines_usage[];
extern const char merge_usage[];
extern const char objects_usage[];
extern const char patch_files_usage[];
extern const char plan_usage[];
extern const char verify_usage[];
extern const char x86relocs_usage[];

/* Prints "klp-gen: MSG" to stderr; the tool's one way to report errors. */
void klp_report(const char *msg);
/* Reports klp_errmsg(), the failed step's message; returns 1, its exit status. */
int klp_failed(void);

/*
 * Prints "klp-gen CMD: MESSAGE" and the command's usage to stderr; returns
 * 2, the exit status of a command line error.
 */
int klp_usage_error(const char *cmd, const char *usage, const char *fmt, ...)
	KLP_PRINTF(3, 4);

/* An option that takes a value: `NAME VALUE` puts VALUE in *slot. */
struct klp_cli_opt {
	const char *name;
	const char **slot;
};

/* The slot of the option @arg among @opts (ended by a NULL name), or NULL. */
const char **klp_cli_slot(const struct klp_cli_opt *opts, const char *arg);

/*
 * Takes @arg as the next of at most @max operands (*@n so far, in @pos);
 * 0, or a usage error (2): "unknown option" for an option, @too_many for
 * one operand too many.
 */
int klp_cli_operand(const char *cmd, const char *usage, const char *arg,
		    const char **pos, int *n, int max, const char *too_many);

struct klp_extract_stats;
void print_extract_stats(const char *out, const struct klp_extract_stats *st,
			 bool no_cfi_preambles);

#endif /* KLP_GEN_COMMANDS_H */
