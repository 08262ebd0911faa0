/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ELF model: one x86-64 ELF64 little-endian file (ET_REL such as
 * vmlinux.o or a .o, ET_EXEC or ET_DYN), its sections and symbols loaded once
 * and indexed by hash tables, its RELA relocations loaded per section on
 * demand.  Inputs are as large as the kernel's vmlinux.o (135 MB, tens of
 * thousands of sections, millions of relocations), so every lookup is a hash
 * lookup.  Every header field, index and offset is checked against the file:
 * a malformed file gives an error naming the file, never a crash.
 */
#ifndef KLP_ELF_H
#define KLP_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <gelf.h>

#include "klp/hash.h"

/* Livepatch module ELF (include/uapi/linux/elf.h); libelf does not know them. */
#ifndef SHF_RELA_LIVEPATCH
#define SHF_RELA_LIVEPATCH	0x00100000
#endif
#ifndef SHN_LIVEPATCH
#define SHN_LIVEPATCH		0xff20
#endif

struct klp_elf;
struct klp_symbol;

struct klp_reloc {
	uint64_t offset;		/* within the section it applies to */
	int64_t addend;
	struct klp_symbol *sym;		/* NULL for symbol index 0 */
	/* 32 bytes, not 40: diff holds millions (klp_elf_load_relocs()). */
	uint32_t type;			/* R_X86_64_* */
	uint32_t idx;			/* in the RELA section (file order) */
};

struct klp_section {
	uint32_t idx;
	const char *name;
	GElf_Shdr sh;
	/* This section's own STT_SECTION symbol, if the symbol table has one. */
	struct klp_symbol *sym;
	/* For a section: the SHT_RELA section that applies to it. */
	struct klp_section *rela;
	/* For a SHT_RELA section: the section it applies to. */
	struct klp_section *base;

	/* Relocations that apply to this section: see klp_elf_load_relocs(). */
	bool relocs_loaded;
	size_t nreloc;
	/*
	 * By offset, file order at one offset: the file's order as compilers
	 * and linkers write it (sorted here otherwise), so no second index.
	 */
	struct klp_reloc *relocs;

	struct klp_hnode name_node;
};

struct klp_symbol {
	const char *name;
	uint64_t value;
	uint64_t size;
	uint32_t idx;			/* with the next four: 64 bytes */
	uint32_t shndx;			/* with SHN_XINDEX resolved */
	unsigned char type;		/* STT_* */
	unsigned char bind;		/* STB_* */
	unsigned char visibility;	/* STV_* */
	/* The defining section; NULL for undefined, absolute, common. */
	struct klp_section *sec;
	struct klp_hnode pos_node;	/* by (section, value), see below */
};

struct klp_elf {
	const char *name;		/* the path as given, for messages */
	int fd;
	Elf *elf;
	const unsigned char *image;	/* the whole file, mapped */
	size_t image_size;
	/* @image is our own read-only mapping of the file (see elf.c). */
	bool image_mapped;
	uint16_t type;			/* ET_REL, ET_EXEC, ET_DYN */
	uint64_t shoff;			/* e_shoff */

	size_t nsec;
	struct klp_section *secs;	/* indexed by section number */
	struct klp_section *symtab;	/* NULL if the file has none */
	size_t nsym;
	struct klp_symbol *syms;	/* indexed by symbol number */
	bool syms_subset;		/* klp_elf_open_names() with names */

	struct klp_htab sec_by_name;
	/* Made on the first lookup by name; name_nodes[i] is syms[i]'s. */
	struct klp_htab sym_by_name;
	struct klp_hnode *name_nodes;
	struct klp_htab sym_by_pos;
	/*
	 * For klp_elf_holders_first(): the STT_FUNC and STT_OBJECT symbols of
	 * a section (zero-size ones too), by (section, value, symbol index);
	 * hold_first[s] .. hold_first[s + 1] are those of section s, and
	 * hold_end[i] is the highest end (value + size, at least value + 1)
	 * of hold[first .. i], where a backward walk can stop.  hold_sized:
	 * per section, whether it has a sized one.
	 */
	struct klp_symbol **hold;
	bool *hold_sized;
	size_t *hold_first;
	uint64_t *hold_end;
};

/*
 * Opens and indexes @path, holding the symbols of @names[0 .. @n) only
 * (the array gets sorted; every name is checked all the same), or all if
 * @names is NULL.  NULL on error with klp_errmsg() set.  @path must stay
 * valid until klp_elf_close().  With @names, every lookup by name or place
 * works on those, sym->idx is still the symbol table's number, but
 * klp_elf_symbol() finds none and no relocation is loaded: for the linked
 * vmlinux, of which diff needs the kallsyms positions of a few names (a
 * million symbols otherwise: 140 MB).
 */
struct klp_elf *klp_elf_open_names(const char *path, const char **names,
				   size_t n);
static inline struct klp_elf *klp_elf_open(const char *path)
{
	return klp_elf_open_names(path, NULL, 0);
}
void klp_elf_close(struct klp_elf *elf);

static inline bool klp_elf_is_relocatable(const struct klp_elf *elf)
{
	return elf->type == ET_REL;
}

/* By number; NULL if out of range. */
struct klp_section *klp_elf_section(const struct klp_elf *elf, size_t idx);
struct klp_symbol *klp_elf_symbol(const struct klp_elf *elf, size_t idx);

/* Sections with one name, in file order. */
struct klp_section *klp_elf_section_by_name(const struct klp_elf *elf,
					    const char *name);
struct klp_section *klp_elf_next_section_by_name(const struct klp_elf *elf,
						 const struct klp_section *sec);

/*
 * Symbols with one name, in symbol table order: a file such as vmlinux.o has
 * many local symbols with the same name.
 */
struct klp_symbol *klp_elf_symbol_by_name(const struct klp_elf *elf,
					  const char *name);
struct klp_symbol *klp_elf_next_symbol_by_name(const struct klp_elf *elf,
					       const struct klp_symbol *sym);

/*
 * Symbols defined in @sec with st_value @value (an offset in ET_REL, an
 * address in linked files), in symbol table order.  Section and file symbols
 * are not indexed; functions, objects and untyped labels are.
 */
struct klp_symbol *klp_elf_symbol_at(const struct klp_elf *elf,
				     const struct klp_section *sec,
				     uint64_t value);
struct klp_symbol *klp_elf_next_symbol_at(const struct klp_elf *elf,
					  const struct klp_symbol *sym);
/*
 * Frees the position index (16 MB of buckets at a million symbols) while a
 * command does not look symbols up by place; the next lookup makes it again.
 */
void klp_elf_drop_pos_index(struct klp_elf *elf);

/*
 * Linked files only (NULL in ET_REL): the symbols whose st_value is @addr, in
 * any section, in symbol table order.
 */
struct klp_symbol *klp_elf_symbol_at_addr(const struct klp_elf *elf,
					  uint64_t addr);
struct klp_symbol *klp_elf_next_symbol_at_addr(const struct klp_elf *elf,
					       const struct klp_symbol *sym);

/*
 * The bytes of @sec in the mapped file (checked to lie within it).  A
 * SHT_NOBITS section has no bytes: *data is NULL and *size 0.
 */
int klp_elf_section_data(const struct klp_elf *elf,
			 const struct klp_section *sec,
			 const unsigned char **data, uint64_t *size);

/*
 * A hint that the bytes [@p, @p + @len) of the file image will not be read
 * again soon: the whole pages among them leave the resident set (a later
 * read faults them back in from the file).  The record reader decodes the
 * fixed-size entries of `.klp.lto` once; only its strings are read later.
 * Nothing happens when the image is not a file mapping (sanitizer builds).
 */
void klp_elf_release(const struct klp_elf *elf, const void *p, size_t len);

/*
 * Loads, once, the RELA relocations that apply to @sec, by offset.  A section without relocations gets none.  Relocations are loaded
 * per section because a file like vmlinux.o has millions of them and most
 * tools need those of a few sections only.
 */
int klp_elf_load_relocs(struct klp_elf *elf, struct klp_section *sec);

/*
 * Frees the relocations of @sec that klp_elf_load_relocs() loaded; a later
 * load reads them again.  For a caller that needed them once (the record
 * reader: one relocation per func entry, 48 MB for a million functions).
 */
void klp_elf_unload_relocs(struct klp_section *sec);

/* After klp_elf_load_relocs(): the relocations at @offset of @sec. */
struct klp_reloc *klp_elf_reloc_at(const struct klp_section *sec,
				   uint64_t offset);
struct klp_reloc *klp_elf_next_reloc_at(const struct klp_section *sec,
					const struct klp_reloc *rel);

/*
 * The relocations of @sec at offsets [@start, @end) (loaded if need be),
 * by offset and in file order at one offset: (*@v)[0 .. *@n).  The slice
 * goes on to the section's last relocation, (*@v)[*@n ..] are the ones at
 * or after @end; an @end of UINT64_MAX gives all from @start.  A binary
 * search in the list sorted once at loading (objtool's
 * find_reloc_by_dest_range()).
 */
int klp_elf_relocs_in(struct klp_elf *elf, struct klp_section *sec,
		      uint64_t start, uint64_t end, struct klp_reloc **v,
		      size_t *n);

/*
 * "Which symbol holds this place" (objtool's find_symbol_containing()),
 * over the STT_FUNC and STT_OBJECT symbols of a section, one rule for every
 * consumer; the flags are the variants some of them need.  By default a
 * symbol holds @off when value <= @off < value + size: a zero-size symbol
 * holds nothing.
 */
enum {
	/*
	 * Also a zero-size symbol starting at @off: extract copies the
	 * target of a reference, and an empty object (a lock_class_key, a
	 * spinlock on !SMP) is a target of its own.
	 */
	KLP_HOLD_EMPTY = 1,
	/*
	 * Also a sized symbol that ends at @off: `arr + ARRAY_SIZE(arr)`
	 * points one past its array, which is still what it refers to
	 * (extract and the code comparison, as a last resort).
	 */
	KLP_HOLD_END = 2,
	/*
	 * Functions only, a zero-size one holding its first byte: select asks
	 * which function a reference sits in (asm functions often lack a
	 * size), never which object.
	 */
	KLP_HOLD_FUNC = 4,
};

struct klp_hold_iter {
	const struct klp_elf *elf;
	size_t first, i;
	uint64_t off;
	unsigned int flags;
};

/*
 * The symbols of @sec that hold @off under @flags, the latest start first
 * (then the higher symbol index): a binary search, then a walk back that
 * stops where no earlier symbol reaches @off.  NULL when there are none.
 */
struct klp_symbol *klp_elf_holders_first(const struct klp_elf *elf,
					 const struct klp_section *sec,
					 uint64_t off, unsigned int flags,
					 struct klp_hold_iter *it);
struct klp_symbol *klp_elf_holders_next(struct klp_hold_iter *it);
/* The first of them, or NULL. */
struct klp_symbol *klp_elf_holder(const struct klp_elf *elf,
				  const struct klp_section *sec, uint64_t off,
				  unsigned int flags);
/* Whether @sec has sized (with KLP_HOLD_EMPTY: any) function or object
 * symbols. */
bool klp_elf_section_holds_symbols(const struct klp_elf *elf,
				   const struct klp_section *sec,
				   unsigned int flags);

/*
 * The symbol a reference to @sec + @lo means, for the code comparisons
 * (codecmp.c, codecmp_independent.c), which must both name the same one:
 * the innermost sized symbol holding @lo (latest start, then smallest, then
 * the lowest @rank, then the lowest symbol index); else the first sized one
 * that starts in (@lo, @hi] (a PC-relative addend stops a few bytes short
 * of its symbol), the lowest rank among those at that start; else a sized
 * one ending at @lo (KLP_HOLD_END).  Places are signed: "x - 5" with x at
 * offset 0 is before the section.  NULL if there is none.
 */
struct klp_symbol *klp_elf_symbol_for_place(const struct klp_elf *elf,
		const struct klp_section *sec, int64_t lo, int64_t hi,
		int (*rank)(const struct klp_symbol *s, const void *ctx),
		const void *ctx);

/* Internal to elf*.c: the sorted lists of elf_find.c. */
/* qsort() order of struct klp_symbol pointers: by value, then index. */
int klp_elf_sym_by_value(const void *a, const void *b);
void klp_elf_sort_relocs(struct klp_section *sec, size_t n);
int klp_elf_index_holders(struct klp_elf *elf);

/* "STT_FUNC" style names for messages. */
const char *klp_elf_sym_type_name(unsigned char type);

#endif /* KLP_ELF_H */
