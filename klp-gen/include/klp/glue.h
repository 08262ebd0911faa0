/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The glue header (`klp-gen glue`): the C tables of a plan that the module
 * runtime (runtime/klp_lto_runtime.c) turns into a struct klp_patch.  See
 * docs/klp-gen.md, section "module".
 */
#ifndef KLP_GLUE_H
#define KLP_GLUE_H

#include <stdio.h>

#include "klp/plan.h"

/* Must match the check in runtime/klp_lto_runtime.c. */
#define KLP_GLUE_VERSION	1

/*
 * Writes the glue header of @plan to @out; @plan_name is only quoted in a
 * comment.  Refuses (-1 with klp_errmsg() set, nothing useful written) a plan
 * with refuse lines or without replace lines: such a plan must not become a
 * module.
 */
int klp_glue_write(FILE *out, const struct klp_plan *plan,
		   const char *plan_name);

#endif /* KLP_GLUE_H */
