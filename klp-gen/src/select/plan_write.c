// SPDX-License-Identifier: GPL-2.0
/*
 * The plan writer (see klp/plan.h).  The names were checked when the plan was
 * built, but a caller may have edited the structures since: each one is
 * checked again, so a plan that klp-gen prints always reads back.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "klp/error.h"
#include "klp/plan.h"

static int write_replace(FILE *out, const struct klp_plan_replace *rep)
{
	const char *reason = klp_plan_reason_name(rep->reason);
	const char *why;

	if ((why = klp_plan_check_symname(rep->old_sym)) ||
	    (why = klp_plan_check_symname(rep->new_sym)))
		return klp_err("plan entry %zu (%s): %s", rep->index,
			       rep->old_sym, why);
	if (!reason)
		return klp_err("plan entry %zu (%s): reason out of range",
			       rep->index, rep->old_sym);
	fprintf(out, "replace %s sympos=%lu new=%s reason=%s", rep->old_sym,
		rep->sympos, rep->new_sym, reason);
	for (size_t k = 0; k < rep->nvias; k++) {
		const struct klp_plan_via *via = &rep->vias[k];

		if (!*via->file || strchr(via->file, ' ') ||
		    klp_plan_check_symname(via->name))
			return klp_err("plan entry %zu (%s): bad via %s:%s",
				       rep->index, rep->old_sym, via->file,
				       via->name);
		fprintf(out, " via=%s:%s", via->file, via->name);
	}
	fputc('\n', out);
	return 0;
}

int klp_plan_write(FILE *out, const struct klp_plan *plan)
{
	/* The lowest version with the plan's lines (klp/plan.h). */
	fprintf(out, "klp-plan %d\n", plan->nunreachables ? 3 :
		plan->ncallbacks ? 2 : KLP_PLAN_VERSION_MIN);
	for (size_t i = 0; i < plan->nobjects; i++) {
		const struct klp_plan_object *obj = &plan->objects[i];
		const char *why = klp_plan_check_objname(obj->name);

		if (why)
			return klp_err("plan object '%s': %s", obj->name, why);
		fprintf(out, "object %s\n", obj->name);
		for (size_t j = 0; j < obj->nreplaces; j++)
			if (write_replace(out, &obj->replaces[j]))
				return -1;
		for (size_t j = 0; j < obj->ncallbacks; j++) {
			const struct klp_plan_callback *cb = &obj->callbacks[j];
			const char *kind = klp_callback_kind_name(cb->kind);
			const char *bad = klp_plan_check_symname(cb->new_sym);

			if (!kind || bad)
				return klp_err("plan callback %zu (%s): %s", cb->index,
					       cb->new_sym, bad ? bad : "kind out of range");
			fprintf(out, "callback %s %s\n", kind, cb->new_sym);
		}
		for (size_t j = 0; j < obj->nunreachables; j++) {
			const struct klp_plan_unreachable *u =
				&obj->unreachables[j];

			if (klp_plan_check_symname(u->old_sym) ||
			    (u->new_sym && klp_plan_check_symname(u->new_sym)))
				return klp_err("plan unreachable %s: bad symbol name",
					       u->old_sym);
			fprintf(out, "unreachable %s", u->old_sym);
			if (u->new_sym)
				fprintf(out, " new=%s", u->new_sym);
			fputc('\n', out);
		}
	}
	for (size_t i = 0; i < plan->nrefusals; i++) {
		const char *text = plan->refusals[i].text;

		if (klp_plan_check_refusal(text))
			return klp_err("plan refusal %zu: empty text, or a leading space or control character",
				       i);
		fprintf(out, "refuse %s\n", text);
	}
	if (ferror(out))
		return klp_err("writing the plan: %s",
			       strerror(errno ? errno : EIO));
	return 0;
}
