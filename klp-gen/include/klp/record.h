/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The record reader: walks the `.klp.lto` section of an ELF file
 * (docs/record-format.md), validates every blob completely and builds an
 * in-memory model in which every func entry is tied to the ELF symbol it
 * describes.  Strings point into the mapped file or the record's inflated
 * tables: the model lives as long as its klp_elf.
 */
#ifndef KLP_RECORD_H
#define KLP_RECORD_H

#include <stdbool.h>
#include <stdint.h>

#include "klp/elf.h"
#include "klp/hash.h"
#include "klp/record_format.h"

struct klp_blob;

/* A source function (a src entry). */
struct klp_src {
	uint64_t fingerprint;	/* 4-aligned: see the end */
	/*
	 * Offsets into the string pool of the record (klp_str()), not
	 * pointers, and packed: 36 bytes, not 56 (3M srcs at 1M functions).  No blob
	 * pointer either: a src's flat index is its place in the src_pool
	 * (its index in its blob: s - blob->srcs).
	 */
	uint32_t name;
	uint32_t file;
	uint32_t unit;
	uint32_t section;		/* "" unless explicit */
	uint32_t line_begin;
	uint32_t line_end;
	uint32_t flags;			/* KLP_SRC_* */
} __attribute__((packed, aligned(4)));	/* no tail padding to 8 */

/*
 * A provenance edge.  Eight bytes: a record of a million functions has ten
 * million edges.  @src indexes the srcs of the blob of the func that has the
 * edge: klp_edge_src().
 */
struct klp_edge {
	uint32_t src;			/* in func->blob->srcs */
	uint16_t kind;			/* KLP_EDGE_INLINE ... */
	uint16_t flags;			/* KLP_EDGE_* */
};

/* An emitted function or variable (a func entry). */
struct klp_func {
	struct klp_blob *blob;
	const char *sym_name;		/* the name the record gives */
	struct klp_src *src;		/* NULL if KLP_REC_NO_SRC */
	/*
	 * Together, without padding: 80 bytes.  Its index in blob->funcs is
	 * klp_func_index(), its edges klp_func_edges().
	 */
	uint32_t edge_first;		/* in blob->edges */
	uint32_t nedge;			/* 0 once the edges are dropped */
	uint32_t flags;			/* KLP_FUNC_* */
	uint16_t binding;		/* KLP_BIND_* (checked before narrowing) */
	bool discarded;			/* see below */

	/*
	 * Where it is.  In a relocatable file: the section and offset that
	 * its relocation resolves to, and the symbol found there.  In a
	 * linked file: the stored address and the symbol with that name and
	 * value.  @discarded: the linker dropped it (address 0 in a linked
	 * file, a relocation turned into R_X86_64_NONE by `ld -r`); then
	 * @sym and @sec are NULL.
	 */
	uint64_t addr;
	struct klp_section *sec;
	uint64_t sec_offset;
	struct klp_symbol *sym;

	/* The next func that resolves to @sym (klp_record.func_of_sym). */
	struct klp_func *next_of_sym;
};

/* One blob: the record of one compile or one LTO backend task. */
struct klp_blob {
	struct klp_record *rec;		/* that holds it (for klp_str()) */
	uint32_t index;
	uint64_t offset;		/* in the .klp.lto section */
	uint32_t size;
	uint16_t version_major;
	uint16_t version_minor;
	uint32_t phase;			/* enum klp_rec_phase */
	const char *unit;
	const char *producer;
	uint64_t toolchain_id;
	const char *build_id;		/* "" if none (or a 1.0 blob) */

	uint32_t nfunc, nsrc, nedge;
	struct klp_func *funcs;
	struct klp_src *srcs;
	struct klp_edge *edges;
};

struct klp_record {
	struct klp_elf *elf;
	struct klp_section *sec;	/* .klp.lto */
	size_t nblob;
	struct klp_blob *blobs;
	size_t nfunc, nsrc, nedge;	/* totals over all blobs */
	/*
	 * Per symbol index of the ELF model: the first func that resolves to
	 * that symbol (a flat array: verify asks for every relocation target
	 * of every function it compares).
	 */
	struct klp_func **func_of_sym;
	/*
	 * One array each for the funcs, srcs and edges of all blobs (a blob's
	 * arrays are slices): three allocations instead of three per blob.
	 */
	struct klp_func *func_pool;
	struct klp_src *src_pool;
	struct klp_edge *edge_pool;
	/*
	 * The string tables of all blobs, one after the other (below 4 GB:
	 * src entries hold 32-bit offsets into it).  The entries of a zlib
	 * blob are inflated into a scratch buffer and not kept.
	 */
	char *table_pool;
};

/* The string at @off of @rec's pool: klp_str(f->blob->rec, f->src->name). */
static inline const char *klp_str(const struct klp_record *rec, uint32_t off)
{
	return rec->table_pool + off;
}

static inline uint32_t klp_func_index(const struct klp_func *f)
{
	return (uint32_t)(f - f->blob->funcs);
}

static inline struct klp_edge *klp_func_edges(const struct klp_func *f)
{
	return f->nedge ? &f->blob->edges[f->edge_first] : NULL;
}

/* The src entry that edge @e of @f points to. */
static inline struct klp_src *klp_edge_src(const struct klp_func *f,
					   const struct klp_edge *e)
{
	return &f->blob->srcs[e->src];
}

/*
 * Reads and validates the record of @elf.  NULL on error, with a message that
 * names the file and, for a malformed blob, its offset.  Nothing is returned
 * unless the whole record is valid and every func is resolved.
 */
struct klp_record *klp_record_read(struct klp_elf *elf);
/*
 * The same, validated alike, but the model keeps no edges (every func's
 * @nedge is 0; the blobs' and the record's edge counts stay those of the
 * file), and of the srcs only those that a func names or whose name may be
 * counter-numbered (klp_counter_pair() must see those; @nsrc counts the
 * srcs kept): for the commands that never look at provenance (coverage,
 * verify, extract, diff's linked vmlinux): at 1M functions 69 MB of edges
 * and 80 MB of srcs less per record.
 */
struct klp_record *klp_record_read_no_edges(struct klp_elf *elf);
/* Frees the edges of @rec: every func's @nedge becomes 0. */
void klp_record_drop_edges(struct klp_record *rec);
void klp_record_free(struct klp_record *rec);

/*
 * The funcs that resolve to @sym, in record order: normally one; none for a
 * function the plugin did not see (code generated after the optimizer).
 */
struct klp_func *klp_record_func_of_sym(const struct klp_record *rec,
					const struct klp_symbol *sym);
struct klp_func *klp_record_next_func_of_sym(const struct klp_record *rec,
					     const struct klp_func *func);

/* Names for text output: "thinlto-backend", "inline", "?" if unknown. */
const char *klp_phase_name(uint32_t phase);
const char *klp_edge_kind_name(uint16_t kind);
const char *klp_binding_name(uint32_t binding);

#endif /* KLP_RECORD_H */
