// SPDX-License-Identifier: GPL-2.0
/*
 * Kallsyms positions (see klp/kallsyms.h).
 *
 * The kernel's kallsyms table of vmlinux is built from `llvm-nm -n vmlinux`
 * (the type letter decides much of the filtering), then scripts/mksysmap
 * drops some types and name patterns, then scripts/kallsyms drops undefined,
 * absolute, "u"/"n" typed and over-long names.  Same names are visited in
 * address order (ties in `nm -n` order, which cannot change the address that
 * is found), so a symbol's position is one plus the number of kallsyms entries
 * of its name at lower addresses.
 */
#include <stdlib.h>
#include <string.h>

#include "klp/error.h"
#include "kallsyms_priv.h"

#define KSYM_NAME_LEN	512

/* The nm type letter as llvm-nm prints it for a symbol of a linked ELF. */
static char nm_type(const struct klp_symbol *sym)
{
	const GElf_Shdr *sh;
	char c;

	if (sym->bind == STB_WEAK) {
		c = sym->type == STT_OBJECT ? 'v' : 'w';
		return sym->shndx == SHN_UNDEF ? c : (char)(c - 'a' + 'A');
	}
	if (sym->shndx == SHN_UNDEF)
		return 'U';
	if (sym->shndx == SHN_COMMON)
		return 'C';
	if (sym->shndx == SHN_ABS)
		c = 'a';
	else if (sym->type == STT_GNU_IFUNC)
		return 'i';
	else if (!sym->sec)
		c = '?';
	else {
		sh = &sym->sec->sh;
		if (sh->sh_flags & SHF_EXECINSTR)
			c = 't';
		else if (sh->sh_type == SHT_NOBITS)
			c = 'b';
		else if (sh->sh_flags & SHF_ALLOC)
			c = sh->sh_flags & SHF_WRITE ? 'd' : 'r';
		else if (sym->sec->name && !strncmp(sym->sec->name, ".debug", 6))
			c = 'N';
		else if (!(sh->sh_flags & SHF_WRITE))
			c = 'n';
		else
			c = '?';
	}
	if (sym->bind == STB_GNU_UNIQUE)
		return 'u';
	if (sym->bind != STB_LOCAL && c >= 'a' && c <= 'z')
		c = (char)(c - 'a' + 'A');
	return c;
}

static bool starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static bool ends(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

/* scripts/mksysmap: the name patterns it deletes. */
static bool mksysmap_drops_name(const char *name)
{
	static const char *const prefixes[] = {
		"$", ".L", "__efistub_", "__pi_$", "__pi_.L", "__kvm_nvhe_$",
		"__kvm_nvhe_.L", "__kcfi_typeid_", "__kvm_nvhe___kcfi_typeid_",
		"__pi___kcfi_typeid_", "__crc_", "__kstrtab_", "__kstrtabns_",
	};
	static const char *const suffixes[] = {
		"_from_arm", "_from_thumb", "_veneer",
	};
	static const char *const exact[] = { "L0", "_SDA_BASE_", "_SDA2_BASE_" };
	const char *p;

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (starts(name, prefixes[i]))
			return true;
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++)
		if (ends(name, suffixes[i]))
			return true;
	for (size_t i = 0; i < sizeof(exact) / sizeof(exact[0]); i++)
		if (!strcmp(name, exact[i]))
			return true;
	/*
	 * " __[[:alnum:]]*Thunk_" (lld's arm/aarch64/mips thunks): "Thunk_"
	 * ends the alnum run after "__", since '_' is not alnum.
	 */
	if (starts(name, "__")) {
		p = name + 2;
		while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		       (*p >= '0' && *p <= '9'))
			p++;
		if (*p == '_' && p - 5 >= name + 2 && starts(p - 5, "Thunk_"))
			return true;
	}
	return strstr(name, ".long_branch.") || strstr(name, ".plt_branch.");
}

static const char *const kept_absolute[] = {
	"__kernel_syscall_via_break", "__kernel_syscall_via_epc",
	"__kernel_sigtramp", "__gp",
};

bool klp_kallsyms_holds(const struct klp_elf *elf,
			const struct klp_symbol *sym)
{
	char t;

	if (klp_kallsyms_is_module(elf))
		return klp_modsyms_holds(elf, sym);
	/* nm lists neither the null symbol nor section and file symbols */
	if (sym->idx == 0 || sym->type == STT_SECTION || sym->type == STT_FILE)
		return false;
	if (!sym->name || strlen(sym->name) >= KSYM_NAME_LEN)
		return false;
	t = nm_type(sym);
	/* mksysmap: "/ [aNUw] /d" */
	if (t == 'a' || t == 'N' || t == 'U' || t == 'w')
		return false;
	if (mksysmap_drops_name(sym->name))
		return false;
	/* scripts/kallsyms is_ignored_symbol() */
	if (t == 'u' || t == 'n')
		return false;
	if (t == 'A') {
		for (size_t i = 0; i < sizeof(kept_absolute) / sizeof(kept_absolute[0]); i++)
			if (!strcmp(sym->name, kept_absolute[i]))
				return true;
		return false;
	}
	return true;
}

bool klp_kallsyms_is_module(const struct klp_elf *elf)
{
	return klp_elf_is_relocatable(elf) &&
	       klp_elf_section_by_name(elf, ".gnu.linkonce.this_module");
}

static int check_linked(const struct klp_elf *elf)
{
	if (klp_elf_is_relocatable(elf))
		return klp_err("%s: kallsyms positions need the linked vmlinux or a module (.ko), not a relocatable object",
			       elf->name);
	return 0;
}

int klp_kallsyms_pos(const struct klp_elf *elf, const struct klp_symbol *sym,
		     unsigned long *pos)
{
	const struct klp_symbol *s;
	unsigned long below = 0, same = 0;

	if (klp_kallsyms_is_module(elf))
		return klp_modsyms_pos(elf, sym, pos);
	if (check_linked(elf))
		return -1;
	if (!klp_kallsyms_holds(elf, sym))
		return klp_err("%s: symbol %u (%s) has no kallsyms entry",
			       elf->name, sym->idx, sym->name ? sym->name : "?");
	for (s = klp_elf_symbol_by_name(elf, sym->name); s;
	     s = klp_elf_next_symbol_by_name(elf, s)) {
		if (!klp_kallsyms_holds(elf, s))
			continue;
		same++;
		if (s->value < sym->value ||
		    (s->value == sym->value && s->idx < sym->idx))
			below++;
	}
	*pos = same > 1 ? below + 1 : 0;
	return 0;
}

int klp_ksyms_by_idx(const void *a, const void *b)
{
	const struct klp_symbol *x = *(const struct klp_symbol *const *)a;
	const struct klp_symbol *y = *(const struct klp_symbol *const *)b;

	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

size_t klp_ksyms_named(const struct klp_elf *elf, const char *name,
		       bool (*keep)(const struct klp_elf *,
				    const struct klp_symbol *),
		       int (*cmp)(const void *, const void *),
		       struct klp_symbol ***out)
{
	struct klp_symbol *s, **v;
	size_t n = 0;

	for (s = klp_elf_symbol_by_name(elf, name); s;
	     s = klp_elf_next_symbol_by_name(elf, s))
		n++;
	*out = v = malloc((n + 1) * sizeof(*v));
	if (!v) {
		klp_err("out of memory");
		return 0;
	}
	n = 0;
	for (s = klp_elf_symbol_by_name(elf, name); s;
	     s = klp_elf_next_symbol_by_name(elf, s))
		if (!keep || keep(elf, s))
			v[n++] = s;
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp);
	return n;
}

struct klp_symbol *klp_kallsyms_find(const struct klp_elf *elf,
				     const char *name, unsigned long pos)
{
	bool mod = klp_kallsyms_is_module(elf);
	const char *table = mod ? "the module's kallsyms" : "kallsyms";
	struct klp_symbol *found = NULL, **v;
	unsigned long p;
	size_t n;

	if (!mod && check_linked(elf))
		return NULL;
	/* Positions count in address order in vmlinux, in ELF order in a module. */
	n = klp_ksyms_named(elf, name, klp_kallsyms_holds,
			    mod ? klp_ksyms_by_idx : klp_elf_sym_by_value, &v);
	if (!v)
		return NULL;
	if (!n)
		klp_err("%s: symbol '%s' not found in %s", elf->name, name, table);
	else if (pos == 0 && n > 1)
		klp_err("%s: symbol '%s' is ambiguous in %s (%zu entries) and has no position",
			elf->name, name, table, n);
	else if (pos > n)
		klp_err("%s: symbol '%s' has no kallsyms position %lu (%zu entries)",
			elf->name, name, pos, n);
	else
		found = v[pos ? pos - 1 : 0];
	free(v);
	/* In a module, the same symbol must answer while the module loads. */
	if (found && mod && klp_modsyms_pos(elf, found, &p))
		return NULL;
	return found;
}
