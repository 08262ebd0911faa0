// SPDX-License-Identifier: GPL-2.0
/*
 * The ELF model (see klp/elf.h).  libelf reads the headers and the section
 * header table (it knows extended section numbering); section contents are
 * read from the mapped file image, after a bounds check of our own, with
 * memcpy so that a file with odd offsets cannot cause unaligned accesses.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "klp/elf.h"
#include "klp/error.h"

/*
 * How libelf reads the file: mapped, since vmlinux.o is 135 MB.  The
 * AddressSanitizer builds (klp-gen/CMakeLists.txt) have libelf read it into
 * malloc'ed memory instead, so that a read past the end of the image is
 * reported: in a mapping it would read the zeros of the last page unnoticed.
 */
#ifndef KLP_ELF_READ_CMD
#define KLP_ELF_READ_CMD ELF_C_READ_MMAP
#endif

/* A string from a string table section's bytes, or NULL if it is not one. */
static const char *strtab_get(const unsigned char *tab, uint64_t size,
			      uint64_t off)
{
	if (off >= size || !memchr(tab + off, '\0', size - off))
		return NULL;
	return (const char *)tab + off;
}

static bool range_in(uint64_t off, uint64_t size, uint64_t limit)
{
	return off <= limit && size <= limit - off;
}

static const char *secname(const struct klp_section *sec)
{
	return sec->name ? sec->name : "?";
}

int klp_elf_section_data(const struct klp_elf *elf,
			 const struct klp_section *sec,
			 const unsigned char **data, uint64_t *size)
{
	*data = NULL;
	*size = 0;
	if (sec->sh.sh_type == SHT_NOBITS)
		return 0;
	if (sec->sh.sh_flags & SHF_COMPRESSED)
		return klp_err("%s: section %u (%s) is compressed, which is not supported",
			       elf->name, sec->idx, secname(sec));
	if (!range_in(sec->sh.sh_offset, sec->sh.sh_size, elf->image_size))
		return klp_err("%s: section %u (%s) lies past the end of the file",
			       elf->name, sec->idx, secname(sec));
	*data = elf->image + sec->sh.sh_offset;
	*size = sec->sh.sh_size;
	return 0;
}

/*
 * The image klp-gen reads is a read-only private mapping of its own, not
 * libelf's (which may be a heap copy when mmap fails): then
 * klp_elf_release() may drop pages of it, which a later read faults back in
 * from the file.  Sanitizer builds keep libelf's heap copy (see above).
 */
static void map_image(struct klp_elf *elf)
{
	void *p;

	if (KLP_ELF_READ_CMD != ELF_C_READ_MMAP || !elf->image_size)
		return;
	p = mmap(NULL, elf->image_size, PROT_READ, MAP_PRIVATE, elf->fd, 0);
	if (p == MAP_FAILED)
		return;		/* keep libelf's image; nothing is released */
	elf->image = p;
	elf->image_mapped = true;
}

static int check_header(struct klp_elf *elf)
{
	const char *ident;
	GElf_Ehdr eh;
	size_t n;

	switch (elf_kind(elf->elf)) {
	case ELF_K_ELF:
		break;
	case ELF_K_AR:
		return klp_err("%s: is an archive, not an ELF object", elf->name);
	default:
		return klp_err("%s: not an ELF file", elf->name);
	}
	ident = elf_getident(elf->elf, &n);
	if (!ident || n < EI_NIDENT)
		return klp_err("%s: truncated ELF header", elf->name);
	if (ident[EI_CLASS] != ELFCLASS64 || ident[EI_DATA] != ELFDATA2LSB)
		return klp_err("%s: not a 64-bit little-endian ELF file", elf->name);
	if (!gelf_getehdr(elf->elf, &eh))
		return klp_err("%s: bad ELF header: %s", elf->name, elf_errmsg(-1));
	if (eh.e_machine != EM_X86_64)
		return klp_err("%s: ELF machine %u is not x86-64", elf->name,
			       eh.e_machine);
	if (eh.e_type != ET_REL && eh.e_type != ET_EXEC && eh.e_type != ET_DYN)
		return klp_err("%s: ELF type %u is not a relocatable, executable or shared object",
			       elf->name, eh.e_type);
	elf->type = eh.e_type;
	elf->shoff = eh.e_shoff;
	elf->image = (const unsigned char *)elf_rawfile(elf->elf, &elf->image_size);
	if (!elf->image)
		return klp_err("%s: cannot map the file: %s", elf->name,
			       elf_errmsg(-1));
	map_image(elf);
	return 0;
}

static int read_section_headers(struct klp_elf *elf)
{
	Elf_Scn *scn = NULL;
	size_t n, idx;

	if (elf_getshdrnum(elf->elf, &n))
		return klp_err("%s: bad section count: %s", elf->name,
			       elf_errmsg(-1));
	/*
	 * libelf quietly reports no sections when the table is cut off; say
	 * what happened instead (a truncated file, typically).
	 */
	if (elf->shoff && (elf->shoff > elf->image_size ||
			   (elf->image_size - elf->shoff) / sizeof(Elf64_Shdr) <
			   (n ? n : 1)))
		return klp_err("%s: the section header table lies past the end of the file",
			       elf->name);
	elf->nsec = n;
	elf->secs = calloc(n ? n : 1, sizeof(*elf->secs));
	if (!elf->secs)
		return klp_err("%s: out of memory", elf->name);
	for (idx = 0; idx < n; idx++) {
		scn = idx ? elf_nextscn(elf->elf, scn) : elf_getscn(elf->elf, 0);
		if (!scn || elf_ndxscn(scn) != idx ||
		    !gelf_getshdr(scn, &elf->secs[idx].sh))
			return klp_err("%s: cannot read section header %zu: %s",
				       elf->name, idx, elf_errmsg(-1));
		elf->secs[idx].idx = idx;
	}
	return 0;
}

static int name_sections(struct klp_elf *elf)
{
	const unsigned char *tab = NULL;
	uint64_t tabsize = 0;
	size_t shstrndx;

	if (elf_getshdrstrndx(elf->elf, &shstrndx))
		return klp_err("%s: bad section name table index: %s",
			       elf->name, elf_errmsg(-1));
	if (shstrndx != SHN_UNDEF) {
		if (shstrndx >= elf->nsec)
			return klp_err("%s: section name table %zu is past the last section (%zu)",
				       elf->name, shstrndx, elf->nsec);
		if (elf->secs[shstrndx].sh.sh_type != SHT_STRTAB)
			return klp_err("%s: section name table %zu is not a string table",
				       elf->name, shstrndx);
	}

	if (shstrndx != SHN_UNDEF &&
	    klp_elf_section_data(elf, &elf->secs[shstrndx], &tab, &tabsize))
		return -1;

	if (klp_htab_init(&elf->sec_by_name, elf->nsec))
		return klp_err("%s: out of memory", elf->name);
	/* Backwards, so that lookups find same-named sections in file order. */
	for (size_t i = elf->nsec; i-- > 0;) {
		struct klp_section *sec = &elf->secs[i];

		sec->name = tab ? strtab_get(tab, tabsize, sec->sh.sh_name) : "";
		if (!sec->name)
			return klp_err("%s: section %zu has name offset 0x%x past the end of its string table",
				       elf->name, i, sec->sh.sh_name);
		if (i && sec->sh.sh_type != SHT_NOBITS &&
		    !range_in(sec->sh.sh_offset, sec->sh.sh_size,
			      elf->image_size))
			return klp_err("%s: section %zu (%s) lies past the end of the file",
				       elf->name, i, sec->name);
		if (klp_htab_add(&elf->sec_by_name, &sec->name_node,
				 klp_hash_str(sec->name)))
			return klp_err("%s: out of memory", elf->name);
	}
	return 0;
}

static int link_rela_sections(struct klp_elf *elf)
{
	for (size_t i = 1; i < elf->nsec; i++) {
		struct klp_section *rela = &elf->secs[i], *base;

		if (rela->sh.sh_type != SHT_RELA)
			continue;
		/* .rela.dyn and .rela.plt of linked files apply to no section. */
		if (rela->sh.sh_info == 0)
			continue;
		/*
		 * A finalized live patch module has, next to a section's own
		 * .rela section, .klp.rela.OBJ.SECTION ones that the livepatch
		 * core applies (see klp/finalize.h): they are not the
		 * section's relocations in this model.
		 */
		if (rela->sh.sh_flags & SHF_RELA_LIVEPATCH)
			continue;
		if (rela->sh.sh_info >= elf->nsec)
			return klp_err("%s: section %zu (%s) applies to section %u, past the last section (%zu)",
				       elf->name, i, rela->name,
				       rela->sh.sh_info, elf->nsec);
		base = &elf->secs[rela->sh.sh_info];
		if (base->rela)
			return klp_err("%s: sections %u (%s) and %zu (%s) both relocate section %u (%s)",
				       elf->name, base->rela->idx,
				       base->rela->name, i, rela->name,
				       base->idx, base->name);
		if (base == rela || base->sh.sh_type == SHT_RELA)
			return klp_err("%s: section %zu (%s) relocates a relocation section",
				       elf->name, i, rela->name);
		base->rela = rela;
		rela->base = base;
	}
	return 0;
}

static int find_symtab(struct klp_elf *elf, struct klp_section **strtab,
		       struct klp_section **xindex)
{
	struct klp_section *symtab = NULL;

	*strtab = *xindex = NULL;
	for (size_t i = 1; i < elf->nsec; i++) {
		struct klp_section *sec = &elf->secs[i];

		if (sec->sh.sh_type != SHT_SYMTAB)
			continue;
		if (symtab)
			return klp_err("%s: more than one symbol table (sections %u and %zu)",
				       elf->name, symtab->idx, i);
		symtab = sec;
	}
	elf->symtab = symtab;
	if (!symtab)
		return 0;

	if (symtab->sh.sh_entsize != sizeof(Elf64_Sym) ||
	    symtab->sh.sh_size % sizeof(Elf64_Sym))
		return klp_err("%s: section %u (%s) has entry size %lu and size %lu; symbols take %zu bytes",
			       elf->name, symtab->idx, symtab->name,
			       (unsigned long)symtab->sh.sh_entsize,
			       (unsigned long)symtab->sh.sh_size,
			       sizeof(Elf64_Sym));
	if (symtab->sh.sh_link == 0 || symtab->sh.sh_link >= elf->nsec ||
	    elf->secs[symtab->sh.sh_link].sh.sh_type != SHT_STRTAB)
		return klp_err("%s: section %u (%s) links to section %u, which is not a string table",
			       elf->name, symtab->idx, symtab->name,
			       symtab->sh.sh_link);
	*strtab = &elf->secs[symtab->sh.sh_link];

	for (size_t i = 1; i < elf->nsec; i++) {
		struct klp_section *sec = &elf->secs[i];

		if (sec->sh.sh_type == SHT_SYMTAB_SHNDX &&
		    sec->sh.sh_link == symtab->idx)
			*xindex = sec;
	}
	return 0;
}

static int resolve_shndx(struct klp_elf *elf, struct klp_symbol *sym,
			 const Elf64_Sym *es, const unsigned char *xtab,
			 uint64_t xsize)
{
	uint32_t shndx = es->st_shndx;

	if (shndx == SHN_XINDEX) {
		uint64_t off = (uint64_t)sym->idx * sizeof(uint32_t);

		if (!xtab || !range_in(off, sizeof(uint32_t), xsize))
			return klp_err("%s: symbol %u (%s) has an extended section index but no SHT_SYMTAB_SHNDX entry",
				       elf->name, sym->idx, sym->name);
		memcpy(&shndx, xtab + off, sizeof(shndx));
	} else if (shndx >= SHN_LORESERVE) {
		/* SHN_ABS, SHN_COMMON and friends: no section. */
		sym->shndx = shndx;
		return 0;
	}
	sym->shndx = shndx;
	if (shndx == SHN_UNDEF)
		return 0;
	if (shndx >= elf->nsec)
		return klp_err("%s: symbol %u (%s) is in section %u, past the last section (%zu)",
			       elf->name, sym->idx, sym->name, shndx, elf->nsec);
	sym->sec = &elf->secs[shndx];
	return 0;
}

static bool indexed_by_pos(const struct klp_symbol *sym)
{
	return sym->sec && sym->type != STT_SECTION && sym->type != STT_FILE;
}

/*
 * In a linked file st_value is an address, unique across sections, so the
 * position index hashes the value alone and also answers lookups by address;
 * in a relocatable file it is an offset and the section is part of the key.
 */
static uint64_t pos_hash(const struct klp_elf *elf, uint32_t secidx,
			 uint64_t value)
{
	if (elf->type != ET_REL)
		return klp_hash_u64(value);
	return klp_hash_pair(secidx, value);
}

#define SYM_BATCH	16

/*
 * A table of a million entries leaves the resident set as it is decoded,
 * every RELEASE_EVERY entries (klp_elf_release()), not only at its end: all
 * its pages would otherwise be resident at once (48 MB of `.rela.text`).
 */
#define RELEASE_EVERY	65536

/*
 * Adds the symbols to the name (@names) or the position index, backwards
 * so that lookups return them in symbol table order, in batches whose
 * buckets are prefetched first (a million symbols: every add would
 * otherwise wait for memory).
 */
static int index_syms(struct klp_elf *elf, bool names)
{
	struct klp_htab *t = names ? &elf->sym_by_name : &elf->sym_by_pos;

	if (klp_htab_init(t, elf->nsym))
		return -1;
	for (size_t end = elf->nsym; end > 0;) {
		size_t start = end > SYM_BATCH ? end - SYM_BATCH : 0;
		uint64_t h[SYM_BATCH];

		for (size_t i = end; i-- > start;) {
			struct klp_symbol *sym = &elf->syms[i];

			if (!names && !indexed_by_pos(sym))
				continue;
			h[i - start] = names ? klp_hash_str(sym->name) :
				       pos_hash(elf, sym->sec->idx, sym->value);
			klp_htab_prefetch(t, h[i - start]);
		}
		for (size_t i = end; i-- > start;)
			if ((names || indexed_by_pos(&elf->syms[i])) &&
			    klp_htab_add(t, names ? &elf->name_nodes[i] :
						    &elf->syms[i].pos_node,
					 h[i - start]))
				return -1;
		end = start;
	}
	return 0;
}

/*
 * The name index is made on the first lookup by name (it is a cache: no
 * answer changes): diff, verify and plan at a million functions never
 * make one (32 MB per file).  Out of memory, lookups scan the table.
 */
static bool names_indexed(const struct klp_elf *elf)
{
	struct klp_elf *e = (struct klp_elf *)elf;

	if (!e->name_nodes && e->nsym) {
		e->name_nodes = malloc(e->nsym * sizeof(*e->name_nodes));
		if (e->name_nodes && index_syms(e, true)) {
			free(e->name_nodes);
			e->name_nodes = NULL;
			klp_htab_free(&e->sym_by_name);
		}
	}
	return e->name_nodes;
}

static int by_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* All symbols, or with @names (sorted) those of these names. */
static int read_symbols(struct klp_elf *elf, const char **names, size_t n)
{
	const unsigned char *data, *str, *xtab = NULL;
	uint64_t size, strsize, xsize = 0;
	struct klp_section *strtab, *xindex;

	if (find_symtab(elf, &strtab, &xindex))
		return -1;
	if (!elf->symtab)
		return 0;
	if (klp_elf_section_data(elf, elf->symtab, &data, &size) ||
	    klp_elf_section_data(elf, strtab, &str, &strsize))
		return -1;
	if (xindex && klp_elf_section_data(elf, xindex, &xtab, &xsize))
		return -1;

	/*
	 * With @names, the kept symbols are packed at the front: the pages of
	 * the rest of the calloc'ed array are never touched.
	 */
	elf->syms = calloc(size ? size / sizeof(Elf64_Sym) : 1,
			   sizeof(*elf->syms));
	if (!elf->syms)
		return klp_err("%s: out of memory", elf->name);
	elf->syms_subset = names != NULL;

	for (size_t i = 0; i < size / sizeof(Elf64_Sym); i++) {
		struct klp_symbol *sym = &elf->syms[elf->nsym];
		Elf64_Sym es;

		memcpy(&es, data + i * sizeof(es), sizeof(es));
		*sym = (struct klp_symbol){ .idx = i };	/* may be a dropped one */
		if (i % RELEASE_EVERY == RELEASE_EVERY - 1) {
			klp_elf_release(elf, data, i * sizeof(es));
			if (names && es.st_name < strsize)
				klp_elf_release(elf, str, es.st_name);
		}
		sym->name = strtab_get(str, strsize, es.st_name);
		if (!sym->name)
			return klp_err("%s: symbol %zu has name offset 0x%x past the end of its string table",
				       elf->name, i, es.st_name);
		sym->value = es.st_value;
		sym->size = es.st_size;
		sym->type = GELF_ST_TYPE(es.st_info);
		sym->bind = GELF_ST_BIND(es.st_info);
		sym->visibility = GELF_ST_VISIBILITY(es.st_other);
		if (resolve_shndx(elf, sym, &es, xtab, xsize))
			return -1;
		if (names && !(n && bsearch(&sym->name, names, n,
					     sizeof(*names), by_str)))
			continue;
		elf->nsym++;
		if (sym->type == STT_SECTION && sym->sec && !sym->sec->sym)
			sym->sec->sym = sym;
	}
	/*
	 * Decoded for good (the names stay: they point into @str, which a
	 * subset reads back a page at a time if need be).
	 */
	klp_elf_release(elf, data, size);
	if (names)
		klp_elf_release(elf, str, strsize);
	if (xtab)
		klp_elf_release(elf, xtab, xsize);

	if (index_syms(elf, false))
		return klp_err("%s: out of memory", elf->name);
	return 0;
}

struct klp_elf *klp_elf_open_names(const char *path, const char **names,
				   size_t n)
{
	struct klp_elf *elf;

	if (n > 1)
		qsort(names, n, sizeof(*names), by_str);
	elf = calloc(1, sizeof(*elf));
	if (!elf) {
		klp_err("%s: out of memory", path);
		return NULL;
	}
	elf->name = path;
	elf->fd = -1;
	if (elf_version(EV_CURRENT) == EV_NONE) {
		klp_err("%s: libelf is out of date", path);
		goto fail;
	}
	elf->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (elf->fd < 0) {
		klp_err("%s: %s", path, strerror(errno));
		goto fail;
	}
	elf->elf = elf_begin(elf->fd, KLP_ELF_READ_CMD, NULL);
	if (!elf->elf) {
		klp_err("%s: %s", path, elf_errmsg(-1));
		goto fail;
	}
	if (check_header(elf) || read_section_headers(elf) ||
	    name_sections(elf) || link_rela_sections(elf) ||
	    read_symbols(elf, names, n) ||
	    klp_elf_index_holders(elf))
		goto fail;
	return elf;
fail:
	klp_elf_close(elf);
	return NULL;
}

void klp_elf_close(struct klp_elf *elf)
{
	if (!elf)
		return;
	for (size_t i = 0; elf->secs && i < elf->nsec; i++)
		free(elf->secs[i].relocs);
	free(elf->hold);
	free(elf->hold_first);
	free(elf->hold_sized);
	free(elf->hold_end);
	klp_htab_free(&elf->sec_by_name);
	klp_htab_free(&elf->sym_by_name);
	klp_htab_free(&elf->sym_by_pos);
	free(elf->name_nodes);
	free(elf->secs);
	free(elf->syms);
	if (elf->image_mapped)
		munmap((void *)elf->image, elf->image_size);
	if (elf->elf)
		elf_end(elf->elf);
	if (elf->fd >= 0)
		close(elf->fd);
	free(elf);
}

struct klp_section *klp_elf_section(const struct klp_elf *elf, size_t idx)
{
	return idx < elf->nsec ? &elf->secs[idx] : NULL;
}

struct klp_symbol *klp_elf_symbol(const struct klp_elf *elf, size_t idx)
{
	return idx < elf->nsym && !elf->syms_subset ? &elf->syms[idx] : NULL;
}

static struct klp_section *sec_named_from(struct klp_hnode *n,
					  const char *name)
{
	for (; n; n = klp_htab_next(n)) {
		struct klp_section *sec;

		sec = klp_container_of(n, struct klp_section, name_node);
		if (!strcmp(sec->name, name))
			return sec;
	}
	return NULL;
}

struct klp_section *klp_elf_section_by_name(const struct klp_elf *elf,
					    const char *name)
{
	return sec_named_from(klp_htab_first(&elf->sec_by_name,
					     klp_hash_str(name)), name);
}

struct klp_section *klp_elf_next_section_by_name(const struct klp_elf *elf,
						 const struct klp_section *sec)
{
	(void)elf;
	return sec_named_from(klp_htab_next(&sec->name_node), sec->name);
}

/* From name_nodes @n, or without the index from syms[@i] on. */
static struct klp_symbol *sym_named_from(const struct klp_elf *elf,
					 struct klp_hnode *n, size_t i,
					 const char *name)
{
	for (; !elf->name_nodes && i < elf->nsym; i++)
		if (!strcmp(elf->syms[i].name, name))
			return &elf->syms[i];
	for (; n; n = klp_htab_next(n))
		if (!strcmp(elf->syms[n - elf->name_nodes].name, name))
			return &elf->syms[n - elf->name_nodes];
	return NULL;
}

struct klp_symbol *klp_elf_symbol_by_name(const struct klp_elf *elf,
					  const char *name)
{
	return sym_named_from(elf, names_indexed(elf) ?
			      klp_htab_first(&elf->sym_by_name,
					     klp_hash_str(name)) : NULL,
			      0, name);
}

struct klp_symbol *klp_elf_next_symbol_by_name(const struct klp_elf *elf,
					       const struct klp_symbol *sym)
{
	size_t i = (size_t)(sym - elf->syms);

	return sym_named_from(elf, elf->name_nodes ?
			      klp_htab_next(&elf->name_nodes[i]) : NULL,
			      i + 1, sym->name);
}

/*
 * The position index is made again on the first lookup after
 * klp_elf_drop_pos_index(); out of memory, lookups scan the table (from @i).
 */
static bool pos_indexed(const struct klp_elf *elf)
{
	struct klp_elf *e = (struct klp_elf *)elf;

	if (!e->sym_by_pos.nbuckets && e->nsym && index_syms(e, false))
		klp_htab_free(&e->sym_by_pos);
	return e->sym_by_pos.nbuckets;
}

void klp_elf_drop_pos_index(struct klp_elf *elf)
{
	klp_htab_free(&elf->sym_by_pos);
}

/* At @value in @sec, or at the address @value in any section (@sec NULL). */
static struct klp_symbol *sym_at_from(const struct klp_elf *elf, size_t i,
				      struct klp_hnode *n,
				      const struct klp_section *sec,
				      uint64_t value)
{
	for (; !elf->sym_by_pos.nbuckets && i < elf->nsym; i++) {
		struct klp_symbol *sym = &elf->syms[i];

		if (indexed_by_pos(sym) && (!sec || sym->sec == sec) &&
		    sym->value == value)
			return sym;
	}
	for (; n; n = klp_htab_next(n)) {
		struct klp_symbol *sym;

		sym = klp_container_of(n, struct klp_symbol, pos_node);
		if ((!sec || sym->sec == sec) && sym->value == value)
			return sym;
	}
	return NULL;
}

struct klp_symbol *klp_elf_symbol_at(const struct klp_elf *elf,
				     const struct klp_section *sec,
				     uint64_t value)
{
	return sym_at_from(elf, 0, pos_indexed(elf) ?
			   klp_htab_first(&elf->sym_by_pos,
					  pos_hash(elf, sec->idx, value)) : NULL,
			   sec, value);
}

struct klp_symbol *klp_elf_next_symbol_at(const struct klp_elf *elf,
					  const struct klp_symbol *sym)
{
	if (!indexed_by_pos(sym))
		return NULL;
	return sym_at_from(elf, (size_t)(sym - elf->syms) + 1,
			   elf->sym_by_pos.nbuckets ?
			   klp_htab_next(&sym->pos_node) : NULL,
			   sym->sec, sym->value);
}

struct klp_symbol *klp_elf_symbol_at_addr(const struct klp_elf *elf,
					  uint64_t addr)
{
	if (elf->type == ET_REL)
		return NULL;
	return sym_at_from(elf, 0, pos_indexed(elf) ?
			   klp_htab_first(&elf->sym_by_pos,
					  klp_hash_u64(addr)) : NULL,
			   NULL, addr);
}

struct klp_symbol *klp_elf_next_symbol_at_addr(const struct klp_elf *elf,
					       const struct klp_symbol *sym)
{
	if (elf->type == ET_REL || !indexed_by_pos(sym))
		return NULL;
	return sym_at_from(elf, (size_t)(sym - elf->syms) + 1,
			   elf->sym_by_pos.nbuckets ?
			   klp_htab_next(&sym->pos_node) : NULL,
			   NULL, sym->value);
}

int klp_elf_load_relocs(struct klp_elf *elf, struct klp_section *sec)
{
	struct klp_section *rela = sec->rela;
	const unsigned char *data;
	uint64_t size;
	size_t n;

	if (sec->relocs_loaded)
		return 0;
	if (!rela) {
		sec->relocs_loaded = true;
		return 0;
	}
	if (rela->sh.sh_entsize != sizeof(Elf64_Rela) ||
	    rela->sh.sh_size % sizeof(Elf64_Rela))
		return klp_err("%s: section %u (%s) has entry size %lu and size %lu; RELA entries take %zu bytes",
			       elf->name, rela->idx, rela->name,
			       (unsigned long)rela->sh.sh_entsize,
			       (unsigned long)rela->sh.sh_size,
			       sizeof(Elf64_Rela));
	if (elf->syms_subset)
		return klp_err("%s: opened for some symbol names only, not for its relocations",
			       elf->name);
	if (!elf->symtab || rela->sh.sh_link != elf->symtab->idx)
		return klp_err("%s: section %u (%s) links to section %u, not to the symbol table",
			       elf->name, rela->idx, rela->name,
			       rela->sh.sh_link);
	if (klp_elf_section_data(elf, rela, &data, &size))
		return -1;

	n = size / sizeof(Elf64_Rela);
	if (n > UINT32_MAX)	/* klp_reloc.idx is 32 bits */
		return klp_err("%s: section %u (%s) has %zu relocations, more than klp-gen handles (%u)",
			       elf->name, rela->idx, rela->name, n, UINT32_MAX);
	sec->relocs = calloc(n ? n : 1, sizeof(*sec->relocs));
	if (!sec->relocs)
		goto nomem;
	for (size_t i = 0; i < n; i++) {
		struct klp_reloc *rel = &sec->relocs[i];
		uint64_t symidx;
		Elf64_Rela er;

		memcpy(&er, data + i * sizeof(er), sizeof(er));
		if (i % RELEASE_EVERY == RELEASE_EVERY - 1)
			klp_elf_release(elf, data, i * sizeof(er));
		symidx = ELF64_R_SYM(er.r_info);
		if (symidx >= elf->nsym) {
			klp_err("%s: section %u (%s): relocation %zu refers to symbol %lu, past the end of the symbol table (%zu symbols)",
				elf->name, rela->idx, rela->name, i,
				(unsigned long)symidx, elf->nsym);
			goto fail;
		}
		rel->idx = (uint32_t)i;		/* n <= UINT32_MAX */
		rel->offset = er.r_offset;
		rel->type = ELF64_R_TYPE(er.r_info);
		rel->addend = er.r_addend;
		rel->sym = symidx ? &elf->syms[symidx] : NULL;
		/* In linked files (--emit-relocs) offsets are addresses. */
		if (elf->type == ET_REL && rel->offset >= sec->sh.sh_size) {
			klp_err("%s: section %u (%s): relocation %zu at offset 0x%lx is past the end of section %u (%s)",
				elf->name, rela->idx, rela->name, i,
				(unsigned long)rel->offset, sec->idx,
				sec->name);
			goto fail;
		}
	}
	/* Decoded for good: a later read faults them back in. */
	klp_elf_release(elf, data, size);
	klp_elf_sort_relocs(sec, n);
	sec->nreloc = n;
	sec->relocs_loaded = true;
	return 0;
nomem:
	klp_err("%s: out of memory", elf->name);
fail:
	free(sec->relocs);
	sec->relocs = NULL;
	return -1;
}

void klp_elf_release(const struct klp_elf *elf, const void *p, size_t len)
{
	long page = sysconf(_SC_PAGESIZE);
	uintptr_t lo = (uintptr_t)p, hi = lo + len;
	uintptr_t img = (uintptr_t)elf->image;

	if (!elf->image_mapped || page <= 0 || lo < img ||
	    hi > img + elf->image_size)
		return;
	lo = (lo + (uintptr_t)page - 1) & ~((uintptr_t)page - 1);
	hi &= ~((uintptr_t)page - 1);
	if (hi > lo)
		(void)madvise((void *)lo, hi - lo, MADV_DONTNEED);
}

void klp_elf_unload_relocs(struct klp_section *sec)
{
	free(sec->relocs);
	sec->relocs = NULL;
	sec->nreloc = 0;
	sec->relocs_loaded = false;
}

const char *klp_elf_sym_type_name(unsigned char type)
{
	switch (type) {
	case STT_NOTYPE:	return "STT_NOTYPE";
	case STT_OBJECT:	return "STT_OBJECT";
	case STT_FUNC:		return "STT_FUNC";
	case STT_SECTION:	return "STT_SECTION";
	case STT_FILE:		return "STT_FILE";
	case STT_COMMON:	return "STT_COMMON";
	case STT_TLS:		return "STT_TLS";
	case STT_GNU_IFUNC:	return "STT_GNU_IFUNC";
	default:		return "STT_?";
	}
}
