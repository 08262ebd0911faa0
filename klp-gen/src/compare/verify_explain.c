// SPDX-License-Identifier: GPL-2.0
/*
 * Unverified functions that a plan explains (klp/verify_explain.h).
 * Per side, the plan's names (OLD_SYM, NEW_SYM) are hashed once; each
 * lookup walks only the entries of one name and uses the first one left.
 */
#include <stdlib.h>
#include <string.h>

#include "klp/error.h"
#include "klp/hash.h"
#include "klp/verify_explain.h"

struct enode {
	struct klp_hnode node;
	const char *name;		/* OLD_SYM or NEW_SYM */
	bool used;
};

struct klp_explain {
	struct klp_htab tab[2];		/* 0: by OLD_SYM, 1: by NEW_SYM */
	struct enode *nodes;		/* 2 per entry */
};

struct klp_explain *klp_explain_new(const struct klp_plan *plan,
				    const char *objname)
{
	size_t n = plan ? plan->nreplaces : 0, k = 0;
	struct klp_explain *e = calloc(1, sizeof(*e));

	if (!e || !(e->nodes = calloc(2 * n + 1, sizeof(*e->nodes))) ||
	    klp_htab_init(&e->tab[0], n) || klp_htab_init(&e->tab[1], n))
		goto oom;
	/* Backwards: equal names come back in plan order. */
	for (size_t o = plan ? plan->nobjects : 0; o-- > 0;) {
		const struct klp_plan_object *obj = &plan->objects[o];

		if (strcmp(obj->name, objname))
			continue;
		for (size_t r = obj->nreplaces; r-- > 0;)
			for (int side = 0; side < 2; side++) {
				struct enode *en = &e->nodes[k++];

				en->name = side ? obj->replaces[r].new_sym :
						  obj->replaces[r].old_sym;
				if (klp_htab_add(&e->tab[side], &en->node,
						 klp_hash_str(en->name)))
					goto oom;
			}
	}
	return e;
oom:
	klp_explain_free(e);
	klp_err("out of memory");
	return NULL;
}

void klp_explain_free(struct klp_explain *e)
{
	if (!e)
		return;
	klp_htab_free(&e->tab[0]);
	klp_htab_free(&e->tab[1]);
	free(e->nodes);
	free(e);
}

bool klp_explain_take(struct klp_explain *e, bool patched, const char *name)
{
	struct enode *pos;

	klp_htab_for_each(pos, &e->tab[patched], klp_hash_str(name),
			  struct enode, node)
		if (!pos->used && !strcmp(pos->name, name)) {
			pos->used = true;
			return true;
		}
	return false;
}
