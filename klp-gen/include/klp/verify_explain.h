/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which functions that `verify` could not compare does a plan explain
 * (docs/klp-gen.md, "klp-gen verify")?
 *
 * An ambiguous or unpaired function was never compared, so nothing says
 * whether its code changed.  The plan explains it when that cannot matter
 * to the live patch: a function of the ORIGINAL build is explained by a
 * replace entry naming it as OLD_SYM (it is replaced: its code no longer
 * runs, whatever it was), one of the PATCHED build by an entry naming it as
 * NEW_SYM (it is shipped whole as the new code).  Such names are shared by
 * several functions, so one entry explains at most one function of each
 * side.  Only the entries of the plan's object being verified count.
 */
#ifndef KLP_VERIFY_EXPLAIN_H
#define KLP_VERIFY_EXPLAIN_H

#include <stdbool.h>

#include "klp/plan.h"

struct klp_explain;

/*
 * The entries of @plan's object @objname ("vmlinux" or a module name), or
 * none if @plan is NULL.  NULL with klp_errmsg() set when out of memory.
 */
struct klp_explain *klp_explain_new(const struct klp_plan *plan,
				    const char *objname);
void klp_explain_free(struct klp_explain *e);

/*
 * Is the function @name of side @patched (false: ORIGINAL) explained?  If
 * so, the entry that explains it is used up for that side.
 */
bool klp_explain_take(struct klp_explain *e, bool patched, const char *name);

#endif /* KLP_VERIFY_EXPLAIN_H */
