/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kallsyms positions ("sympos") as the kernel's livepatch core counts them:
 * klp_find_object_symbol() walks kallsyms, which is sorted by address, and
 * counts the symbols with the wanted name.  Position 0 means "the name is
 * unique"; otherwise the 1-based rank by address.  Needs a linked file
 * (vmlinux), whose symbol values are the final addresses.
 */
#ifndef KLP_KALLSYMS_H
#define KLP_KALLSYMS_H

#include "klp/elf.h"

/*
 * The sympos of @sym in the linked file @elf: 0 if no other function or
 * object symbol has its name, else its 1-based rank by address among them.
 * -1 with klp_errmsg() set if @elf is not linked or @sym is not in it.
 */
int klp_kallsyms_pos(const struct klp_elf *elf, const struct klp_symbol *sym,
		     unsigned long *pos);

#endif /* KLP_KALLSYMS_H */
