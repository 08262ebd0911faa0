/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kallsyms positions ("sympos") as the kernel's livepatch core counts them.
 *
 * klp_find_object_symbol() asks kallsyms_on_each_match_symbol() for a name;
 * that walks the kallsyms entries of the name sorted by (address, order in
 * `nm -n`) and the core counts them.  Position 0 means "the name is unique";
 * otherwise the 1-based rank by address.
 *
 * Which symbols kallsyms holds is decided at kernel link time
 * (scripts/link-vmlinux.sh): `nm -n vmlinux`, filtered by scripts/mksysmap,
 * then by scripts/kallsyms (with --all-symbols, since livepatch kernels have
 * CONFIG_KALLSYMS_ALL, klp-gen assumes it: the positions of symbols outside
 * the text ranges would otherwise not exist).  klp_kallsyms_holds() mirrors
 * those filters on the ELF symbol table of the linked vmlinux.
 *
 * A loadable module (.ko) has no kallsyms of its own: the core counts the
 * symbols of the module's symbol table in ELF order; every function below
 * takes a .ko as well and follows that rule (kallsyms_module.c).
 */
#ifndef KLP_KALLSYMS_H
#define KLP_KALLSYMS_H

#include <stdbool.h>

#include "klp/elf.h"

/* Whether @elf is a loadable module (a .ko: .gnu.linkonce.this_module). */
bool klp_kallsyms_is_module(const struct klp_elf *elf);

/* Whether kallsyms of the linked file @elf has an entry for @sym. */
bool klp_kallsyms_holds(const struct klp_elf *elf,
			const struct klp_symbol *sym);

/*
 * The sympos of @sym in the linked file @elf: 0 if no other kallsyms entry
 * has its name, else its 1-based rank by address among them.
 * -1 with klp_errmsg() set if @elf is not linked or kallsyms lacks @sym.
 */
int klp_kallsyms_pos(const struct klp_elf *elf, const struct klp_symbol *sym,
		     unsigned long *pos);

/*
 * The inverse: the symbol that the kernel finds for (@name, @pos), or NULL
 * with klp_errmsg() set, worded as the kernel words its refusal (not found,
 * ambiguous with pos 0, no such position).
 */
struct klp_symbol *klp_kallsyms_find(const struct klp_elf *elf,
				     const char *name, unsigned long pos);

#endif /* KLP_KALLSYMS_H */
