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

static int cmp_idx(const void *a, const void *b)
{
	const struct klp_symbol *x = *(const struct klp_symbol *const *)a;
	const struct klp_symbol *y = *(const struct klp_symbol *const *)b;

	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* The symbols of @name in ELF order (the chain's order is the hash's). */
static size_t same_name(const struct klp_elf *elf, const char *name,
			struct klp_symbol ***out)
{
	struct klp_symbol *s, **v;
	size_t n = 0, i = 0;

	for (s = klp_elf_symbol_by_name(elf, name); s;
	     s = klp_elf_next_symbol_by_name(elf, s))
		n++;
	v = malloc((n + 1) * sizeof(*v));
	if (!v) {
		klp_err("out of memory");
		*out = NULL;
		return 0;
	}
	for (s = klp_elf_symbol_by_name(elf, name); s;
	     s = klp_elf_next_symbol_by_name(elf, s))
		v[i++] = s;
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_idx);
	*out = v;
	return n;
}

/* In the table of a loading module: every defined, named symbol. */
static bool in_loading_table(const struct klp_symbol *sym)
{
	return sym->idx && sym->shndx != SHN_UNDEF && sym->name && *sym->name;
}

/* In core_kallsyms, the table of a live module (is_core_symbol()). */
static bool in_live_table(const struct klp_elf *elf,
			  const struct klp_symbol *sym)
{
	const struct klp_section *sec = sym->sec;

	if (!in_loading_table(sym) || !sec || sym->shndx >= elf->nsec)
		return false;
	if (!(sec->sh.sh_flags & SHF_ALLOC) || !sec->name ||
	    !strcmp(sec->name, ".modinfo") || !strcmp(sec->name, "__versions"))
		return false;
	return strncmp(sec->name, ".init", 5) != 0;
}

bool klp_modsyms_holds(const struct klp_elf *elf, const struct klp_symbol *sym)
{
	return in_live_table(elf, sym);
}

/* 1-based ranks of @sym among its name in both tables; 0: not there. */
static int ranks(const struct klp_elf *elf, const struct klp_symbol *sym,
		 unsigned long *load_rank, unsigned long *load_n,
		 unsigned long *live_rank, unsigned long *live_n)
{
	struct klp_symbol **v;
	size_t n = same_name(elf, sym->name, &v);

	if (!v)
		return -1;
	*load_rank = *load_n = *live_rank = *live_n = 0;
	for (size_t i = 0; i < n; i++) {
		if (in_loading_table(v[i])) {
			(*load_n)++;
			if (v[i] == sym)
				*load_rank = *load_n;
		}
		if (in_live_table(elf, v[i])) {
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

	if (!sym->name || !in_live_table(elf, sym))
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

struct klp_symbol *klp_modsyms_find(const struct klp_elf *elf,
				    const char *name, unsigned long pos)
{
	struct klp_symbol **v, *found = NULL;
	size_t n = same_name(elf, name, &v), live = 0;
	unsigned long p;

	if (!v)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (in_live_table(elf, v[i])) {
			live++;
			if (live == pos || (!pos && !found))
				found = v[i];
		}
	free(v);
	if (!live) {
		klp_err("%s: symbol '%s' not found in the module's kallsyms",
			elf->name, name);
		return NULL;
	}
	if (pos == 0 && live > 1) {
		klp_err("%s: symbol '%s' is ambiguous in the module's kallsyms (%zu entries) and has no position",
			elf->name, name, live);
		return NULL;
	}
	if (!found) {
		klp_err("%s: symbol '%s' has no kallsyms position %lu (%zu entries)",
			elf->name, name, pos, live);
		return NULL;
	}
	/* The same symbol must answer while the module loads. */
	if (klp_modsyms_pos(elf, found, &p))
		return NULL;
	return found;
}
