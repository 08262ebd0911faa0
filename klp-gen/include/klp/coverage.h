/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The completeness check of a record (`klp-gen coverage`): every function
 * symbol that code generation emitted from C must have a func entry, since
 * a function without one could be changed by a patch without klp-gen ever
 * seeing it.  Symbols that never went through the compiler (assembly files,
 * objtool's __pfx_ padding) are excused only when the caller says so, by
 * exact name (a file of names, one a line, as `llvm-nm` of the assembly
 * objects prints them; blank and `#` lines skipped) or by prefix.
 */
#ifndef KLP_COVERAGE_H
#define KLP_COVERAGE_H

#include <stddef.h>
#include <stdio.h>

struct klp_coverage_excuse {
	const char *file;		/* names, one a line; or NULL */
	const char *const *prefixes;
	size_t nprefixes;
};

struct klp_coverage {
	size_t total;			/* defined function symbols */
	size_t missing;			/* without a record entry, not excused */
	size_t excused;
};

/*
 * Checks the ELF file @path under @ex into @res; with @list, a line
 * "missing SYMBOL section=S" per missing symbol goes there.  -1 with
 * klp_errmsg() set if a file cannot be read.
 */
int klp_coverage_check(const char *path, const struct klp_coverage_excuse *ex,
		       FILE *list, struct klp_coverage *res);

#endif /* KLP_COVERAGE_H */
