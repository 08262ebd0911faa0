/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The glue header (`klp-gen glue`): the C tables of a plan that the module
 * runtime (runtime/klp_lto_runtime.c) turns into a struct klp_patch.  See
 * docs/klp-gen.md, section "module".
 */
#ifndef KLP_GLUE_H
#define KLP_GLUE_H

#include <stdbool.h>
#include <stdio.h>

#include "klp/plan.h"

/*
 * Must match the check in runtime/klp_lto_runtime.c.  2: KLP_LTO_REPLACE.
 */
#define KLP_GLUE_VERSION	2

/* What the module does with the plan, beyond the plan itself. */
struct klp_glue_options {
	/*
	 * Atomic replace (struct klp_patch .replace): when this patch's
	 * transition completes, every other live patch is disabled and its
	 * functions revert to this patch's (or the original) code.  Patches
	 * are cumulative then: each carries all fixes so far.
	 */
	bool replace;
};

/*
 * Writes the glue header of @plan, with @opts, to @out; @plan_name is only
 * quoted in a comment.  Refuses (-1 with klp_errmsg() set, nothing useful written) a plan
 * with refuse lines or without replace lines: such a plan must not become a
 * module.
 */
int klp_glue_write(FILE *out, const struct klp_plan *plan,
		   const char *plan_name, const struct klp_glue_options *opts);

/*
 * Whether the patch objects @objs[0..@n) (from `klp-gen extract`, or made by
 * hand), linked together into the module, define the new code of every
 * replace line of @plan once: klp_lto_new_<i> for the i-th, a global or
 * weak symbol of an executable section, in exactly one of them.  Each must
 * be an ELF relocatable object (kbuild links it as it is: LLVM bitcode
 * cannot be).  -1 with klp_errmsg() set naming the first that is not.
 */
int klp_glue_check_objects(const struct klp_plan *plan, const char *plan_name,
			   const char *const *objs, size_t n);

#endif /* KLP_GLUE_H */
