/* SPDX-License-Identifier: GPL-2.0 */
/*
 * klp-gen's subcommands.  Each gets argv from its own name on (argv[0] is
 * "dump"), returns the exit status, and prints its errors itself.
 */
#ifndef KLP_GEN_COMMANDS_H
#define KLP_GEN_COMMANDS_H

struct klp_command {
	const char *name;
	const char *summary;		/* one line for `klp-gen --help` */
	int (*run)(int argc, char **argv);
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

/* Prints "klp-gen: MSG" to stderr; the tool's one way to report errors. */
void klp_report(const char *msg);

struct klp_extract_stats;
void print_extract_stats(const char *out, const struct klp_extract_stats *st);

#endif /* KLP_GEN_COMMANDS_H */
