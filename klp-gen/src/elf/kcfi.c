// SPDX-License-Identifier: GPL-2.0
/* kCFI preambles and the functions they belong to (klp/kcfi.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "klp/error.h"
#include "klp/kcfi.h"

/* Does @pre (a symbol named __cfi_<name>) precede @fn, as a preamble? */
static bool precedes(const struct klp_symbol *pre, const struct klp_symbol *fn)
{
	return pre->type == STT_FUNC && fn->type == STT_FUNC &&
	       pre->sec && pre->sec == fn->sec && pre->value < fn->value &&
	       pre->value + pre->size <= fn->value &&
	       fn->value - pre->value <= KLP_KCFI_MAX_GAP;
}

int klp_kcfi_preamble_of(const struct klp_elf *e, const struct klp_symbol *fn,
			 struct klp_symbol **pre)
{
	char *name;

	*pre = NULL;
	if (!fn->name || !fn->sec || fn->type != STT_FUNC)
		return 0;
	if (asprintf(&name, KLP_KCFI_PREFIX "%s", fn->name) < 0)
		return klp_err("out of memory");
	for (struct klp_symbol *s = klp_elf_symbol_by_name(e, name); s;
	     s = klp_elf_next_symbol_by_name(e, s))
		if (precedes(s, fn) && (!*pre || s->value > (*pre)->value))
			*pre = s;	/* the nearest: ld -r merges .text.<name> */
	free(name);
	return 0;
}

int klp_kcfi_owner_of(const struct klp_elf *e, const struct klp_symbol *s,
		      struct klp_symbol **fn)
{
	const char *name = s->name;

	*fn = NULL;
	if (!name || strncmp(name, KLP_KCFI_PREFIX, strlen(KLP_KCFI_PREFIX)) ||
	    s->type != STT_FUNC)
		return 0;
	for (struct klp_symbol *f =
		     klp_elf_symbol_by_name(e, name + strlen(KLP_KCFI_PREFIX));
	     f; f = klp_elf_next_symbol_by_name(e, f))
		if (precedes(s, f) && (!*fn || f->value < (*fn)->value))
			*fn = f;	/* the nearest: ld -r merges .text.<name> */
	return 0;
}
