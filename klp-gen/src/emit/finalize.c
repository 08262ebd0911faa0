// SPDX-License-Identifier: GPL-2.0
/*
 * `klp-gen finalize` (see klp/finalize.h).  The input is read with the ELF
 * model (klp/elf.h); the output is a new file written with libelf: every
 * section of the input in the same order and with the same header, except
 * that
 *   - the .rela sections lose the relocations that move,
 *   - the symbol table has SHN_LIVEPATCH on the .klp.sym symbols,
 *   - the section name table gets the new names appended,
 * followed by the new .klp.rela sections.  Keeping every section and symbol
 * number is what makes this safe: nothing else in the file (symbols, group
 * members, sh_link/sh_info, the kept relocations) needs to be renumbered.
 * A .rela section that loses all its relocations stays, empty.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "klp/elf.h"
#include "klp/error.h"
#include "klp/grow.h"
#include "klp/finalize.h"
#include "klp/outfile.h"
#include "klp/plan.h"

#define KLP_SYM_PREFIX		".klp.sym."
#define KLP_RELA_PREFIX		".klp.rela."

/* One .klp.rela section being built: the relocations of one object in one section. */
struct group {
	uint32_t base;			/* the section they apply to */
	const char *obj;		/* points into a .klp.sym name */
	size_t objlen;
	Elf64_Rela *rel;
	size_t nrel, cap;
	uint32_t name_off;		/* in the new .shstrtab */
	struct klp_hnode node;
};

struct finalize {
	struct klp_elf *elf;
	size_t shstrndx;		/* the section name table */
	const struct klp_exports *exports;
	/* Per symbol: the length of its object name if it is a .klp.sym one, else 0. */
	size_t *objlen;
	size_t nklpsyms;
	/* Per section: its new relocation bytes (a .rela section that changes). */
	struct kept {
		Elf64_Rela *rel;
		size_t n;
	} *kept;
	struct group **groups;		/* in creation order */
	size_t ngroups, groups_cap;
	struct klp_htab group_by_key;
	size_t nmoved;
	unsigned char *symtab;		/* the new symbol table bytes */
	unsigned char *shstrtab;	/* the new section name table */
	size_t shstrtab_size;
};

static bool is_objname_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

const char *klp_finalize_check_symname(const char *name, size_t *objlen)
{
	const char *obj, *sym, *comma, *pos;
	char symbuf[KLP_PLAN_SYMNAME_MAX + 1];
	unsigned long long v = 0;
	size_t n;

	if (strncmp(name, KLP_SYM_PREFIX, strlen(KLP_SYM_PREFIX)))
		return "does not start with .klp.sym.";
	obj = name + strlen(KLP_SYM_PREFIX);
	for (n = 0; obj[n] && obj[n] != '.'; n++)
		if (!is_objname_char(obj[n]))
			return "the object name has a character other than [A-Za-z0-9_]";
	if (!n)
		return "empty object name";
	if (n > KLP_PLAN_OBJNAME_MAX)
		return "object name longer than 55 bytes (the kernel reads %55[^.])";
	if (obj[n] != '.')
		return "no '.' after the object name";
	*objlen = n;
	sym = obj + n + 1;
	comma = strchr(sym, ',');
	if (!comma)
		return "no ',POS' after the symbol name";
	if (comma == sym)
		return "empty symbol name";
	if ((size_t)(comma - sym) > KLP_PLAN_SYMNAME_MAX)
		return "symbol name longer than 511 bytes (the kernel reads %511[^,])";
	memcpy(symbuf, sym, comma - sym);
	symbuf[comma - sym] = '\0';
	if (klp_plan_check_symname(symbuf))
		return "the symbol name has a character other than [A-Za-z0-9_.$]";
	pos = comma + 1;
	if (!*pos)
		return "empty position after ','";
	for (const char *p = pos; *p; p++) {
		if (*p < '0' || *p > '9')
			return "the position is not a decimal number (or something follows it)";
		if (v > (ULONG_MAX - (unsigned)(*p - '0')) / 10)
			return "the position does not fit an unsigned long";
		v = v * 10 + (unsigned)(*p - '0');
	}
	return NULL;
}

/*
 * The kernel's x86-64 apply_relocate_add() knows these; anything else would
 * make the patch fail to load (or, for a module object, fail later, when
 * that module loads).
 */
static bool reloc_type_ok(uint32_t type)
{
	switch (type) {
	case R_X86_64_NONE:
	case R_X86_64_64:
	case R_X86_64_32:
	case R_X86_64_32S:
	case R_X86_64_PC32:
	case R_X86_64_PLT32:
	case R_X86_64_PC64:
		return true;
	}
	return false;
}

static bool has_prefix(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/*
 * The relocations of a module object are applied when that module loads,
 * long after the module loader has processed the patch module's own special
 * sections (jump labels, static calls, alternatives, exception tables...),
 * and its init code may be gone by then.  Only code and plain data can wait.
 */
static bool late_reloc_ok(const struct klp_section *sec)
{
	if (has_prefix(sec->name, ".init") || has_prefix(sec->name, ".exit"))
		return false;
	if (sec->sh.sh_flags & SHF_EXECINSTR)
		return true;
	return !strcmp(sec->name, ".data") || has_prefix(sec->name, ".data.") ||
	       !strcmp(sec->name, ".rodata") ||
	       has_prefix(sec->name, ".rodata.");
}

static bool modinfo_has(struct klp_elf *elf, const char *entry)
{
	const struct klp_section *sec = klp_elf_section_by_name(elf, ".modinfo");
	const unsigned char *data;
	uint64_t size, len = strlen(entry);

	if (!sec || klp_elf_section_data(elf, sec, &data, &size))
		return false;
	for (uint64_t off = 0; off < size;) {
		const unsigned char *end = memchr(data + off, '\0', size - off);
		uint64_t n = end ? (uint64_t)(end - data) - off : size - off;

		if (n == len && !memcmp(data + off, entry, len))
			return true;
		off += n + 1;
	}
	return false;
}

static int check_symbols(struct finalize *f)
{
	struct klp_elf *elf = f->elf;
	size_t nmissing = 0;
	const char *first_missing = NULL;

	f->objlen = calloc(elf->nsym ? elf->nsym : 1, sizeof(*f->objlen));
	if (!f->objlen)
		return klp_err("%s: out of memory", elf->name);
	for (size_t i = 1; i < elf->nsym; i++) {
		const struct klp_symbol *sym = &elf->syms[i];
		const char *why;

		if (sym->shndx == SHN_LIVEPATCH)
			return klp_err("%s: symbol %zu (%s) is already SHN_LIVEPATCH: the module was finalized before",
				       elf->name, i, sym->name);
		if (has_prefix(sym->name, KLP_SYM_PREFIX)) {
			why = klp_finalize_check_symname(sym->name,
							 &f->objlen[i]);
			if (why)
				return klp_err("%s: symbol %zu (%s): malformed livepatch symbol name: %s",
					       elf->name, i, sym->name, why);
			if (sym->shndx != SHN_UNDEF)
				return klp_err("%s: symbol %zu (%s) is defined in the module; a .klp.sym symbol must be undefined",
					       elf->name, i, sym->name);
			if (sym->bind != STB_GLOBAL)
				return klp_err("%s: symbol %zu (%s) is not global (binding %u); the livepatch core resolves global undefined symbols",
					       elf->name, i, sym->name, sym->bind);
			f->nklpsyms++;
			continue;
		}
		if (sym->shndx != SHN_UNDEF || sym->bind == STB_LOCAL ||
		    !*sym->name || !f->exports)
			continue;
		/*
		 * The loader resolves it only if something exports it.  A weak
		 * undefined symbol would be left at 0, which no -mcmodel=kernel
		 * relocation can reach, so it is no exception.
		 */
		if (!klp_exports_find(f->exports, sym->name)) {
			if (!nmissing++)
				first_missing = sym->name;
		}
	}
	if (nmissing)
		return klp_err("%s: %zu undefined symbol%s neither exported (%s) nor .klp.sym, e.g. '%s': the module loader could not resolve %s",
			       elf->name, nmissing, nmissing > 1 ? "s" : "",
			       f->exports->path, first_missing,
			       nmissing > 1 ? "them" : "it");
	return 0;
}

static struct group *get_group(struct finalize *f, uint32_t base,
			       const char *obj, size_t objlen)
{
	uint64_t h = klp_hash_pair(base, klp_hash_bytes(obj, objlen));
	struct group *g;

	klp_htab_for_each(g, &f->group_by_key, h, struct group, node)
		if (g->base == base && g->objlen == objlen &&
		    !memcmp(g->obj, obj, objlen))
			return g;
	if (klp_grow(&f->groups, &f->groups_cap, f->ngroups + 1,
		     sizeof(*f->groups)))
		return NULL;
	g = calloc(1, sizeof(*g));
	if (!g)
		return NULL;
	g->base = base;
	g->obj = obj;
	g->objlen = objlen;
	if (klp_htab_add(&f->group_by_key, &g->node, h)) {
		free(g);
		return NULL;
	}
	f->groups[f->ngroups++] = g;
	return g;
}

/* Splits the relocations of @sec into those that stay and those that move. */
static int split_relocs(struct finalize *f, struct klp_section *sec)
{
	struct klp_elf *elf = f->elf;
	struct kept *kept = &f->kept[sec->rela->idx];

	if (klp_elf_load_relocs(elf, sec))
		return -1;
	kept->rel = malloc((sec->nreloc ? sec->nreloc : 1) * sizeof(*kept->rel));
	if (!kept->rel)
		return klp_err("%s: out of memory", elf->name);
	for (size_t i = 0; i < sec->nreloc; i++) {
		const struct klp_reloc *rel = &sec->relocs[i];
		const struct klp_symbol *sym = rel->sym;
		Elf64_Rela r = {
			.r_offset = rel->offset,
			.r_info = ELF64_R_INFO(sym ? sym->idx : 0, rel->type),
			.r_addend = rel->addend,
		};
		size_t objlen = sym ? f->objlen[sym->idx] : 0;
		const char *obj;
		struct group *g;

		/* The loader skips relocations of non-allocated sections. */
		if (!objlen || !(sec->sh.sh_flags & SHF_ALLOC)) {
			kept->rel[kept->n++] = r;
			continue;
		}
		if (!reloc_type_ok(rel->type))
			return klp_err("%s: section %s+0x%lx: relocation type %u against %s is not one the kernel's x86-64 module loader applies",
				       elf->name, sec->name,
				       (unsigned long)rel->offset, rel->type,
				       sym->name);
		obj = sym->name + strlen(KLP_SYM_PREFIX);
		if (!(objlen == 7 && !memcmp(obj, "vmlinux", 7)) &&
		    !late_reloc_ok(sec))
			return klp_err("%s: section %s+0x%lx refers to %s: a relocation for module %.*s is applied only when that module loads, after the loader has processed %s (or freed it); only code and .data/.rodata can refer to a module's symbols",
				       elf->name, sec->name,
				       (unsigned long)rel->offset, sym->name,
				       (int)objlen, obj, sec->name);
		g = get_group(f, sec->idx, obj, objlen);
		if (!g || klp_grow(&g->rel, &g->cap, g->nrel + 1, sizeof(r)))
			return klp_err("%s: out of memory", elf->name);
		g->rel[g->nrel++] = r;
		f->nmoved++;
	}
	return 0;
}

static int build_symtab(struct finalize *f)
{
	struct klp_elf *elf = f->elf;
	const unsigned char *data;
	uint64_t size;

	if (klp_elf_section_data(elf, elf->symtab, &data, &size))
		return -1;
	f->symtab = malloc(size ? size : 1);
	if (!f->symtab)
		return klp_err("%s: out of memory", elf->name);
	memcpy(f->symtab, data, size);
	for (size_t i = 1; i < elf->nsym; i++) {
		Elf64_Sym es;

		if (!f->objlen[i])
			continue;
		memcpy(&es, f->symtab + i * sizeof(es), sizeof(es));
		es.st_shndx = SHN_LIVEPATCH;
		memcpy(f->symtab + i * sizeof(es), &es, sizeof(es));
	}
	return 0;
}

/* The old names plus ".klp.rela.OBJ.SECTION" for every group. */
static int build_shstrtab(struct finalize *f, const struct klp_section *shstr)
{
	struct klp_elf *elf = f->elf;
	const unsigned char *data;
	uint64_t size, total;
	size_t off;

	if (klp_elf_section_data(elf, shstr, &data, &size))
		return -1;
	total = size;
	for (size_t i = 0; i < f->ngroups; i++)
		total += strlen(KLP_RELA_PREFIX) + f->groups[i]->objlen + 1 +
			 strlen(elf->secs[f->groups[i]->base].name) + 1;
	if (total > UINT32_MAX)
		return klp_err("%s: the section name table would exceed 4 GiB",
			       elf->name);
	f->shstrtab = malloc(total ? total : 1);
	if (!f->shstrtab)
		return klp_err("%s: out of memory", elf->name);
	memcpy(f->shstrtab, data, size);
	off = size;
	for (size_t i = 0; i < f->ngroups; i++) {
		struct group *g = f->groups[i];
		const char *base = elf->secs[g->base].name;

		g->name_off = off;
		off += sprintf((char *)f->shstrtab + off, "%s%.*s.%s",
			       KLP_RELA_PREFIX, (int)g->objlen, g->obj, base) + 1;
	}
	f->shstrtab_size = off;
	return 0;
}

static int add_data(Elf_Scn *scn, void *buf, size_t size, size_t align)
{
	Elf_Data *d = elf_newdata(scn);

	if (!d)
		return -1;
	d->d_buf = buf;
	d->d_size = size;
	d->d_type = ELF_T_BYTE;
	d->d_align = align ? align : 1;
	d->d_off = 0;
	d->d_version = EV_CURRENT;
	return 0;
}

static int write_elf(struct finalize *f, int fd, const char *outname)
{
	struct klp_elf *elf = f->elf;
	GElf_Ehdr ieh, oeh;
	Elf *oe;
	int ret = -1;

	if (!gelf_getehdr(elf->elf, &ieh))
		return klp_err("%s: %s", elf->name, elf_errmsg(-1));
	oe = elf_begin(fd, ELF_C_WRITE, NULL);
	if (!oe || !gelf_newehdr(oe, ELFCLASS64) || !gelf_getehdr(oe, &oeh))
		goto libelf;
	memcpy(oeh.e_ident, ieh.e_ident, EI_NIDENT);
	oeh.e_type = ieh.e_type;
	oeh.e_machine = ieh.e_machine;
	oeh.e_version = ieh.e_version;
	oeh.e_flags = ieh.e_flags;
	oeh.e_shstrndx = f->shstrndx;
	if (!gelf_update_ehdr(oe, &oeh))
		goto libelf;

	for (size_t i = 1; i < elf->nsec; i++) {
		const struct klp_section *sec = &elf->secs[i];
		GElf_Shdr sh = sec->sh;
		const unsigned char *data;
		uint64_t size;
		Elf_Scn *scn = elf_newscn(oe);
		void *buf;

		if (!scn || !gelf_update_shdr(scn, &sh))
			goto libelf;
		if (elf_ndxscn(scn) != i) {
			klp_err("%s: libelf numbered section %zu as %zu",
				outname, i, elf_ndxscn(scn));
			goto out;
		}
		if (sec == elf->symtab) {
			buf = f->symtab;
			size = sec->sh.sh_size;
		} else if (i == f->shstrndx) {
			buf = f->shstrtab;
			size = f->shstrtab_size;
		} else if (f->kept[i].rel) {
			buf = f->kept[i].rel;
			size = f->kept[i].n * sizeof(Elf64_Rela);
		} else if (sec->sh.sh_type == SHT_NOBITS) {
			buf = NULL;
			size = sec->sh.sh_size;
		} else {
			if (klp_elf_section_data(elf, sec, &data, &size))
				goto out;
			buf = (void *)data;
		}
		if (add_data(scn, buf, size, sec->sh.sh_addralign))
			goto libelf;
	}

	for (size_t i = 0; i < f->ngroups; i++) {
		const struct group *g = f->groups[i];
		GElf_Shdr sh = {
			.sh_name = g->name_off,
			.sh_type = SHT_RELA,
			.sh_flags = SHF_ALLOC | SHF_INFO_LINK | SHF_RELA_LIVEPATCH,
			.sh_link = elf->symtab->idx,
			.sh_info = g->base,
			.sh_addralign = 8,
			.sh_entsize = sizeof(Elf64_Rela),
		};
		Elf_Scn *scn = elf_newscn(oe);

		if (!scn || !gelf_update_shdr(scn, &sh) ||
		    add_data(scn, g->rel, g->nrel * sizeof(Elf64_Rela), 8))
			goto libelf;
	}

	if (elf_update(oe, ELF_C_WRITE) < 0)
		goto libelf;
	ret = 0;
	goto out;
libelf:
	klp_err("%s: writing the ELF file: %s", outname, elf_errmsg(-1));
out:
	if (oe)
		elf_end(oe);
	return ret;
}

static void finalize_free(struct finalize *f)
{
	for (size_t i = 0; i < f->ngroups; i++) {
		free(f->groups[i]->rel);
		free(f->groups[i]);
	}
	free(f->groups);
	klp_htab_free(&f->group_by_key);
	if (f->kept)
		for (size_t i = 0; i < f->elf->nsec; i++)
			free(f->kept[i].rel);
	free(f->kept);
	free(f->objlen);
	free(f->symtab);
	free(f->shstrtab);
	klp_elf_close(f->elf);
}

static int check_module(struct finalize *f)
{
	struct klp_elf *elf = f->elf;

	if (!klp_elf_is_relocatable(elf))
		return klp_err("%s: not a relocatable object (a kernel module is one)",
			       elf->name);
	if (!elf->symtab)
		return klp_err("%s: no symbol table", elf->name);
	if (!modinfo_has(elf, "livepatch=Y"))
		return klp_err("%s: not a livepatch module (no livepatch=Y in .modinfo; MODULE_INFO(livepatch, \"Y\") is missing)",
			       elf->name);
	for (size_t i = 1; i < elf->nsec; i++) {
		const struct klp_section *sec = &elf->secs[i];

		if (sec->sh.sh_flags & SHF_RELA_LIVEPATCH)
			return klp_err("%s: section %zu (%s) is already a livepatch relocation section: the module was finalized before",
				       elf->name, i, sec->name);
		if (sec->sh.sh_type == SHT_REL)
			return klp_err("%s: section %zu (%s) is SHT_REL; x86-64 modules use SHT_RELA only",
				       elf->name, i, sec->name);
		if (sec->sh.sh_type == SHT_SYMTAB_SHNDX)
			return klp_err("%s: extended section numbers (section %zu, %s) are not supported",
				       elf->name, i, sec->name);
	}
	return 0;
}

int klp_finalize(const char *in, const char *out,
		 const struct klp_exports *exports,
		 struct klp_finalize_stats *stats)
{
	struct finalize f = { .exports = exports };
	struct klp_outfile of;
	int ret = -1;

	f.elf = klp_elf_open(in);
	if (!f.elf)
		return -1;
	if (check_module(&f) || check_symbols(&f))
		goto out;
	f.kept = calloc(f.elf->nsec, sizeof(*f.kept));
	if (!f.kept || klp_htab_init(&f.group_by_key, 0)) {
		klp_err("%s: out of memory", in);
		goto out;
	}
	for (size_t i = 1; i < f.elf->nsec; i++) {
		struct klp_section *sec = &f.elf->secs[i];

		if (sec->rela && split_relocs(&f, sec))
			goto out;
	}
	if (f.elf->nsec + f.ngroups >= SHN_LORESERVE) {
		klp_err("%s: %zu sections plus %zu livepatch relocation sections need extended section numbers, which are not supported",
			in, f.elf->nsec, f.ngroups);
		goto out;
	}
	if (elf_getshdrstrndx(f.elf->elf, &f.shstrndx) || !f.shstrndx ||
	    f.shstrndx >= f.elf->nsec) {
		klp_err("%s: no section name table", in);
		goto out;
	}
	if (build_symtab(&f) || build_shstrtab(&f, &f.elf->secs[f.shstrndx]))
		goto out;

	if (klp_outfile_open(&of, out))
		goto out;
	if (write_elf(&f, of.fd, out)) {
		klp_outfile_abort(&of);
		goto out;
	}
	if (klp_outfile_commit(&of))
		goto out;
	if (stats) {
		stats->nsyms = f.nklpsyms;
		stats->nrelocs = f.nmoved;
		stats->nsections = f.ngroups;
	}
	ret = 0;
out:
	finalize_free(&f);
	return ret;
}
