/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What both machine-code comparisons (codecmp.c, codecmp_independent.c)
 * read from one file: relocation field shapes, a symbol's bytes and
 * relocations, recorded symbols, mergeable entries, decoded PC-relative
 * places.  Facts of one file only: how two functions are judged equal stays
 * in each comparator, so that verify's two opinions remain independent.
 * Private to compare/.
 */
#ifndef KLP_CODE_FACTS_H
#define KLP_CODE_FACTS_H

#include <stdbool.h>
#include <stdint.h>

#include "klp/elf.h"
#include "klp/record.h"
#include "klp/x86_decode.h"

/*
 * Field width of an x86-64 relocation type and, for PC-relative types, the
 * distance from the field to the end of the smallest instruction that can
 * hold it: a PC-relative addend is "target - (field + width) - trailing
 * immediate", so the place the code means is at least addend + width.
 * -1 (both 0) for types that do not occur in relocatable code.
 */
int cf_reloc_shape(uint32_t type, unsigned int *width, unsigned int *bias);

/* The files both comparisons need: an `ld -r` output (klp_err if not). */
int cf_check_relocatable(const struct klp_elf *elf);

/* Checks that @s is a function body in its file; its bytes in @data. */
int cf_sym_bytes(const struct klp_elf *elf, const struct klp_symbol *s,
		 const unsigned char **data);

/*
 * The relocations in @s: @v[0 .. *@n) (klp_elf_relocs_in()), each of a type
 * that code can hold (else klp_err).
 */
int cf_sym_relocs(struct klp_elf *elf, const struct klp_symbol *s,
		  struct klp_reloc **v, size_t *n);

/*
 * Zeroes in @buf, a copy of @len bytes from @from of a section, the fields
 * of the relocations @v[@i0 .. @i1).
 */
void cf_mask_fields(unsigned char *buf, uint64_t from, uint64_t len,
		    const struct klp_reloc *v, size_t i0, size_t i1);

/*
 * The symbol at the place of @s that @rec describes (@s itself first), or
 * NULL: code may name an alias of a recorded function.
 */
struct klp_symbol *cf_recorded(const struct klp_record *rec,
			       struct klp_symbol *s);

/*
 * klp_elf_symbol_for_place()'s rank (@rec the context): among symbols at
 * one place, one that the record describes (it correlates exactly), then a
 * global, then the first in the symbol table.
 */
int cf_sym_rank(const struct klp_symbol *s, const void *rec);

/*
 * The entry of mergeable @sec at @at (a string up to its all-zero
 * character, included; else the constant holding @at): 0 and
 * @bytes/@len/@entry (its start) set, 1 if there is none (out of the
 * section), -1 on error.
 */
int cf_merged_entry(const struct klp_elf *elf, const struct klp_section *sec,
		    uint64_t at, const unsigned char **bytes, size_t *len,
		    uint64_t *entry);

/*
 * The answer of klp_x86_pcrel_tail() for one relocation, kept for the
 * relocation of the same pair on the other side: the two functions' bytes
 * were compared equal (relocation fields aside), so their instructions are
 * the same and one side's decoding serves both.
 */
struct cf_tail_hint {
	bool valid;
	int r;
	unsigned int tail;
};

/*
 * The immediate after the 4-byte PC-relative field @r of the function @fn
 * (klp_x86_pcrel_tail(); the decoder *@x86 made on first use; @hint, if
 * not NULL, answers instead when valid and keeps the answer): 0 and
 * *@tail if known, 1 if not (no function, @r not in its code, not
 * decodable), -1 on an error.
 */
int cf_pcrel_tail(struct klp_x86_dec **x86, const struct klp_elf *elf,
		  const struct klp_symbol *fn, const struct klp_reloc *r,
		  unsigned int width, struct cf_tail_hint *hint,
		  unsigned int *tail);

/*
 * The out-of-line code of @fn (code without symbols, such as .altinstr_aux)
 * in @sec, where @fn lands from @base to @top: from @base through every
 * relocation up to the last one that lands back in @fn, stopping at the
 * first that leads into other code (the next function's fragments), at
 * most 64 KiB.  Its end in *@stop, its relocations @v[0 .. *@n), the
 * section's bytes in *@data.
 */
int cf_frag_extent(struct klp_elf *elf, const struct klp_symbol *fn,
		   struct klp_section *sec, uint64_t base, uint64_t top,
		   struct klp_reloc **v, size_t *n, uint64_t *stop,
		   const unsigned char **data);

#endif /* KLP_CODE_FACTS_H */
