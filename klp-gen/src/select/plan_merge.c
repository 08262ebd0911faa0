// SPDX-License-Identifier: GPL-2.0
/* Merging the per-object plans of one live patch (see klp/plan.h). */
#include <string.h>

#include "klp/error.h"
#include "klp/plan.h"

static int copy_object(struct klp_plan *m, const struct klp_plan_object *o)
{
	struct klp_plan_object *mo = klp_plan_add_object(m, o->name);

	if (!mo)
		return -1;
	for (size_t j = 0; j < o->nreplaces; j++) {
		const struct klp_plan_replace *r = &o->replaces[j];
		struct klp_plan_replace *mr;

		mr = klp_plan_add_replace(m, mo, r->old_sym, r->sympos,
					  r->new_sym, r->reason);
		if (!mr)
			return -1;
		for (size_t k = 0; k < r->nvias; k++)
			if (klp_plan_add_via(mr, r->vias[k].file, r->vias[k].name))
				return -1;
	}
	for (size_t j = 0; j < o->ncallbacks; j++)
		if (!klp_plan_add_callback(m, mo, o->callbacks[j].kind,
					   o->callbacks[j].new_sym))
			return -1;
	for (size_t j = 0; j < o->nunreachables; j++)
		if (!klp_plan_add_unreachable(m, mo, o->unreachables[j].old_sym,
					      o->unreachables[j].new_sym))
			return -1;
	return 0;
}

struct klp_plan *klp_plan_merge(struct klp_plan *const *plans,
				const char *const *names, size_t n)
{
	struct klp_plan *m = klp_plan_new();

	if (!m)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		const struct klp_plan *p = plans[i];

		for (size_t k = 0; k < p->nrefusals; k++)
			if (klp_plan_add_refusal(m, p->refusals[k].text))
				goto fail;
		for (size_t j = 0; j < p->nobjects; j++) {
			const struct klp_plan_object *o = &p->objects[j];

			/* Few objects (vmlinux and the changed modules). */
			for (size_t a = 0; a < i; a++)
				for (size_t b = 0; b < plans[a]->nobjects; b++)
					if (!strcmp(plans[a]->objects[b].name, o->name)) {
						klp_err("%s and %s both plan object %s",
							names[a], names[i], o->name);
						goto fail;
					}
			if (o->ncallbacks && !o->nreplaces) {
				klp_err("%s: object %s has callbacks but replaces no function; the livepatch core runs callbacks only for an object it patches",
					names[i], o->name);
				goto fail;
			}
			if (o->nreplaces && copy_object(m, o))
				goto fail;
		}
	}
	return m;
fail:
	klp_plan_free(m);
	return NULL;
}
