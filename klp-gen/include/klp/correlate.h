/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Correlation of two builds' records (docs/selection.md, "Identity").
 *
 * A source function is (file, name, unit) of a src entry; an emitted
 * function (func entry) is its own source plus its role: the symbol name
 * with any ".llvm.<digits>" promotion suffix removed.  Pairs are found with
 * hash tables in O(n); names of symbols never decide identity on their own,
 * except for symbols that have no record (assembly, linker-script symbols),
 * which are paired by exact name when that name is unique in both files.
 *
 * Works on any pair of records: vmlinux.o with vmlinux.o (diff), or a
 * patched vmlinux.o with the original linked vmlinux (extract).
 */
#ifndef KLP_CORRELATE_H
#define KLP_CORRELATE_H

#include <stdbool.h>
#include <stdint.h>

#include "klp/hash.h"
#include "klp/record.h"

struct klp_corr;

/*
 * NULL on error: out of memory, or blobs made by different toolchains (their
 * producer strings differ; fingerprints of two compilers do not compare), or
 * of different builds (their build identities differ: another kernel
 * release or config; no identity is a value of its own).  Functions whose key is not unique in a
 * build stay unpaired and are marked ambiguous (klp_corr_func_ambiguous()).
 * A linked record (vmlinux) works on either side; its discarded funcs are
 * left out.
 */
struct klp_corr *klp_correlate(struct klp_record *orig,
			       struct klp_record *patched);
void klp_corr_free(struct klp_corr *c);

/* The peer of an emitted function in the other build; NULL if none. */
struct klp_func *klp_corr_orig_of(const struct klp_corr *c,
				  const struct klp_func *patched_func);
struct klp_func *klp_corr_patched_of(const struct klp_corr *c,
				     const struct klp_func *orig_func);

/*
 * The length of @name without a trailing ".llvm.<digits>" (the role of an
 * emitted function).
 */
size_t klp_role_len(const char *name);
/* Do @a and @b have the same role?  The hash of a role. */
bool klp_role_eq(const char *a, const char *b);
uint64_t klp_role_hash(const char *name);

/*
 * Source identities.  Every (file, name, unit) seen in either record (as the
 * source of a func or as the target of an edge) is one struct klp_corr_src,
 * numbered 0..klp_corr_nsrc()-1.  An EXTERN source is identified by its name
 * only (klp_corr_src_file() and _unit() are "" for it).  @orig and @patched are the
 * representative src entries of each build (from the blob of the source's
 * own unit when there is one), NULL if the build does not have it.
 * @fp_conflict: copies of the source within one build disagree on the
 * fingerprint (the representative's fingerprint is the one to use).
 */
struct klp_corr_src {
	uint32_t id;
	bool is_extern;			/* beside @id: 24 bytes */
	bool fp_conflict;
	bool orig_own, patched_own;	/* @orig (@patched) is of its unit */
	struct klp_src *orig;
	struct klp_src *patched;
};

/*
 * The (file, name, unit) of identity @id, read from a representative (the original's when
 * there is one: a counter-numbered source of the patched build goes by
 * the original's name).
 */
const char *klp_corr_src_file(const struct klp_corr *c, uint32_t id);
const char *klp_corr_src_name(const struct klp_corr *c, uint32_t id);
const char *klp_corr_src_unit(const struct klp_corr *c, uint32_t id);

size_t klp_corr_nsrc(const struct klp_corr *c);
struct klp_corr_src *klp_corr_src(const struct klp_corr *c, size_t id);
/*
 * The identity numbers of src entries (select walks millions of edges and
 * needs the number only).
 */
uint32_t klp_corr_src_id_of_orig(const struct klp_corr *c,
				 const struct klp_src *s);
uint32_t klp_corr_src_id_of_patched(const struct klp_corr *c,
				    const struct klp_src *s);
/* The number of the src entry edge @e of func @f points to. */
uint32_t klp_corr_edge_src_id_of_orig(const struct klp_corr *c,
				      const struct klp_func *f,
				      const struct klp_edge *e);
uint32_t klp_corr_edge_src_id_of_patched(const struct klp_corr *c,
					 const struct klp_func *f,
					 const struct klp_edge *e);

/*
 * Emitted functions whose (source, role) key is shared by several
 * non-discarded funcs of one build get no peer; this tells them apart from
 * funcs that have no counterpart at all.
 */
bool klp_corr_func_ambiguous(const struct klp_corr *c,
			     const struct klp_func *f);

/*
 * The peer of a symbol in the other build: through the record for a
 * symbol with a func entry, else (assembly, linker-script symbols) the one
 * defined symbol of the same exact name and type, if the name is unique
 * among the defined symbols of both files.  NULL if there is none.
 */
struct klp_symbol *klp_corr_orig_sym_of(const struct klp_corr *c,
					const struct klp_symbol *patched_sym);
struct klp_symbol *klp_corr_patched_sym_of(const struct klp_corr *c,
					   const struct klp_symbol *orig_sym);

/* The records the correlation was made from. */
struct klp_record *klp_corr_orig(const struct klp_corr *c);
struct klp_record *klp_corr_patched(const struct klp_corr *c);

#endif /* KLP_CORRELATE_H */
