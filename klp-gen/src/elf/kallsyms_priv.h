/* SPDX-License-Identifier: GPL-2.0 */
/* Internal to kallsyms*.c: the loadable-module side of klp/kallsyms.h. */
#ifndef KLP_KALLSYMS_PRIV_H
#define KLP_KALLSYMS_PRIV_H

#include "klp/kallsyms.h"

bool klp_modsyms_holds(const struct klp_elf *elf, const struct klp_symbol *sym);
int klp_modsyms_pos(const struct klp_elf *elf, const struct klp_symbol *sym,
		    unsigned long *pos);
struct klp_symbol *klp_modsyms_find(const struct klp_elf *elf,
				    const char *name, unsigned long pos);

#endif /* KLP_KALLSYMS_PRIV_H */
