/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A relocatable x86-64 ELF64 object built in memory and written with libelf
 * (for `klp-gen extract`'s patch.o).  Sections get their bytes appended,
 * symbols and RELA relocations are added in any order; the writer puts the
 * local symbols first (as ELF requires), makes one .rela section per section
 * that has relocations, and writes through klp/outfile.h, so a failed run
 * leaves no file behind.
 *
 * Sections and symbols are named by handles (indexes into the builder's
 * arrays), not by final ELF indexes, which are assigned when writing.
 */
#ifndef KLP_ELF_WRITE_H
#define KLP_ELF_WRITE_H

#include <stddef.h>
#include <stdint.h>

struct klp_out;

struct klp_out *klp_out_new(void);
void klp_out_free(struct klp_out *o);

/*
 * A new section; returns its handle (>= 0) or -1 (out of memory).  Names
 * need not be unique.  A SHT_NOBITS section only grows in size.
 */
long klp_out_add_section(struct klp_out *o, const char *name, uint32_t type,
			 uint64_t flags, uint64_t align, uint64_t entsize);
/*
 * Appends @size bytes (@data; NULL for SHT_NOBITS) aligned to @align, which
 * also raises the section's alignment; *@off gets their offset.
 */
int klp_out_append(struct klp_out *o, long sec, const void *data,
		   uint64_t size, uint64_t align, uint64_t *off);
/* Overwrites bytes already appended (e.g. a relocated field). */
int klp_out_patch(struct klp_out *o, long sec, uint64_t off, const void *data,
		  uint64_t size);
uint64_t klp_out_section_size(const struct klp_out *o, long sec);

/*
 * A symbol: @sec is a section handle, or -1 for an undefined symbol.
 * Returns the symbol handle or -1.
 */
long klp_out_add_symbol(struct klp_out *o, const char *name,
			unsigned char type, unsigned char bind, long sec,
			uint64_t value, uint64_t size);
/* The STT_SECTION symbol of @sec (made on first use). */
long klp_out_section_symbol(struct klp_out *o, long sec);
/* The name of symbol @sym ("" for a section symbol), or NULL. */
const char *klp_out_symbol_name(const struct klp_out *o, long sym);
/* The non-local symbol named @name, or -1. */
long klp_out_global_by_name(const struct klp_out *o, const char *name);

int klp_out_add_reloc(struct klp_out *o, long sec, uint64_t offset,
		      uint32_t type, long sym, int64_t addend);

/* Writes @path (all or nothing); -1 with klp_errmsg() set on error. */
int klp_out_write(struct klp_out *o, const char *path);

#endif /* KLP_ELF_WRITE_H */
