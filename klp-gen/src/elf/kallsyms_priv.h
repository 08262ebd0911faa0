/* SPDX-License-Identifier: GPL-2.0 */
/* Internal to kallsyms*.c: the shared lookup and the loadable-module side. */
#ifndef KLP_KALLSYMS_PRIV_H
#define KLP_KALLSYMS_PRIV_H

#include "klp/kallsyms.h"

/*
 * The symbols named @name that @keep takes (every one if NULL), sorted by
 * @cmp: (*@out)[0 .. the count).  *@out is NULL if out of memory.
 */
size_t klp_ksyms_named(const struct klp_elf *elf, const char *name,
		       bool (*keep)(const struct klp_elf *,
				    const struct klp_symbol *),
		       int (*cmp)(const void *, const void *),
		       struct klp_symbol ***out);
/* qsort() order of symbol pointers: ELF (symbol table) order. */
int klp_ksyms_by_idx(const void *a, const void *b);

bool klp_modsyms_holds(const struct klp_elf *elf, const struct klp_symbol *sym);
int klp_modsyms_pos(const struct klp_elf *elf, const struct klp_symbol *sym,
		    unsigned long *pos);

#endif /* KLP_KALLSYMS_PRIV_H */
