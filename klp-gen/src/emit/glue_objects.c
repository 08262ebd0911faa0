// SPDX-License-Identifier: GPL-2.0
/*
 * Do the patch objects define what the glue header declares?
 * (klp_glue_check_objects(), klp/glue.h).  A klp_lto_new_<i> missing or
 * defined twice would otherwise surface as a link error deep in kbuild, or,
 * with a weak one, as the wrong function patched in.
 */
#include <stdlib.h>
#include <string.h>

#include "klp/elf.h"
#include "klp/error.h"
#include "klp/glue.h"

/* The i of a "klp_lto_new_<i>" name below @n, or -1. */
static long new_index(const char *name, size_t n)
{
	static const char prefix[] = "klp_lto_new_";
	char *end;
	unsigned long i;

	if (strncmp(name, prefix, sizeof(prefix) - 1) ||
	    name[sizeof(prefix) - 1] < '0' || name[sizeof(prefix) - 1] > '9' ||
	    (name[sizeof(prefix) - 1] == '0' && name[sizeof(prefix)]))
		return -1;
	i = strtoul(name + sizeof(prefix) - 1, &end, 10);
	return *end || i >= n ? -1 : (long)i;
}

static int count_defs(const char *path, size_t *count, size_t n)
{
	struct klp_elf *elf = klp_elf_open(path);

	if (!elf)
		return -1;
	if (!klp_elf_is_relocatable(elf)) {
		klp_elf_close(elf);
		return klp_err("%s: not a relocatable object (ET_REL)", path);
	}
	for (size_t s = 1; s < elf->nsym; s++) {
		const struct klp_symbol *sym = &elf->syms[s];
		long i = new_index(sym->name, n);

		if (i >= 0 && sym->sec && sym->bind != STB_LOCAL &&
		    (sym->sec->sh.sh_flags & SHF_EXECINSTR))
			count[i]++;
	}
	klp_elf_close(elf);
	return 0;
}

int klp_glue_check_objects(const struct klp_plan *plan, const char *plan_name,
			   const char *const *objs, size_t n)
{
	size_t *count = calloc(plan->nreplaces + 1, sizeof(*count));
	int ret = 0;

	if (!count)
		return klp_err("out of memory");
	for (size_t o = 0; !ret && o < n; o++)
		ret = count_defs(objs[o], count, plan->nreplaces);
	for (size_t i = 0; !ret && i < plan->nreplaces; i++)
		if (count[i] != 1)
			ret = klp_err("the objects define the function klp_lto_new_%zu %zu times, not once (replace line %zu of %s)",
				      i, count[i], i + 1, plan_name);
	free(count);
	return ret;
}
