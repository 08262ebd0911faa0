// SPDX-License-Identifier: GPL-2.0
/*
 * Kallsyms positions in a loadable module (see klp/kallsyms.h).
 *
 * The livepatch core resolves a module's symbols (the old functions of a
 * klp_object and every .klp.sym.<module>.NAME,POS) with
 * module_kallsyms_on_each_symbol(): a walk of the module's own symbol table
 * in ELF order, skipping undefined symbols, and klp_find_callback() counts
 * the entries of the name in that order.  Which table it walks depends on
 * when the patch meets the module (kernel/module/kallsyms.c, 6.12):
 *
 *   - the module is loading (it comes after the live patch: the core
 *     applies the patch from klp_module_coming()): mod->kallsyms is still
 *     the copy of the whole .symtab of the .ko;
 *   - the module is live (the usual case): mod->kallsyms is core_kallsyms,
 *     the symbols add_kallsyms() kept: is_core_symbol() drops nameless
 *     ones, undefined, absolute and common ones, and those of sections the
 *     module does not keep: not SHF_ALLOC (the loader also clears SHF_ALLOC
 *     of .modinfo and __versions) and the .init* sections, freed after init
 *     (with CONFIG_KALLSYMS_ALL, which klp-gen assumes as for vmlinux,
 *     data symbols stay).
 *
 * A position is only usable if it names the same symbol in both tables;
 * klp-gen refuses a symbol whose rank differs, and one that only the
 * loading-time table has (an init symbol: freed, and not patchable).
 */
#include <stdlib.h>
#include <string.h>

#include "kallsyms_priv.h"
#include "klp/error.h"

/* In the table of a loading module: every defined, named symbol. */
static bool in_loading_table(const struct klp_symbol *sym)
{
	return sym->idx && sym->shndx != SHN_UNDEF && sym->name && *sym->name;
}

/* In core_kallsyms, the table of a live module (is_core_symbol()). */
bool klp_modsyms_holds(const struct klp_elf *elf, const struct klp_symbol *sym)
{
	const struct klp_section *sec = sym->sec;

	if (!in_loading_table(sym) || !sec || sym->shndx >= elf->nsec)
		return false;
	if (!(sec->sh.sh_flags & SHF_ALLOC) || !sec->name ||
	    !strcmp(sec->name, ".modinfo") || !strcmp(sec->name, "__versions"))
		return false;
	return strncmp(sec->name, ".init", 5) != 0;
}

/* 1-based ranks of @sym among its name in both tables; 0: not there. */
static int ranks(const struct klp_elf *elf, const struct klp_symbol *sym,
		 unsigned long *load_rank, unsigned long *load_n,
		 unsigned long *live_rank, unsigned long *live_n)
{
	struct klp_symbol **v;
	size_t n = klp_ksyms_named(elf, sym->name, NULL, klp_ksyms_by_idx, &v);

	if (!v)
		return -1;
	*load_rank = *load_n = *live_rank = *live_n = 0;
	for (size_t i = 0; i < n; i++) {
		if (in_loading_table(v[i])) {
			(*load_n)++;
			if (v[i] == sym)
				*load_rank = *load_n;
		}
		if (klp_modsyms_holds(elf, v[i])) {
			(*live_n)++;
			if (v[i] == sym)
				*live_rank = *live_n;
		}
	}
	free(v);
	return 0;
}

int klp_modsyms_pos(const struct klp_elf *elf, const struct klp_symbol *sym,
		    unsigned long *pos)
{
	unsigned long lr, ln, vr, vn;

	if (!sym->name || !klp_modsyms_holds(elf, sym))
		return klp_err("%s: symbol %u (%s) is not in the module's kallsyms once it is live (init, undefined or not loaded)",
			       elf->name, sym->idx, sym->name ? sym->name : "?");
	if (ranks(elf, sym, &lr, &ln, &vr, &vn))
		return -1;
	if (lr != vr || (ln > 1) != (vn > 1))
		return klp_err("%s: symbol %s is entry %lu of %lu of its name while the module loads but %lu of %lu once it is live; no position names it in both",
			       elf->name, sym->name, lr, ln, vr, vn);
	*pos = vn > 1 ? vr : 0;
	return 0;
}
