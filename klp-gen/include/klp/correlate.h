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

#include "klp/record.h"

struct klp_corr;

/* NULL on error (out of memory, or an ambiguity it cannot resolve). */
struct klp_corr *klp_correlate(struct klp_record *orig,
			       struct klp_record *patched);
void klp_corr_free(struct klp_corr *c);

/* The peer of an emitted function in the other build; NULL if none. */
struct klp_func *klp_corr_orig_of(const struct klp_corr *c,
				  const struct klp_func *patched_func);
struct klp_func *klp_corr_patched_of(const struct klp_corr *c,
				     const struct klp_func *orig_func);

/* The peer of a source function in the other build; NULL if none. */
struct klp_src *klp_corr_orig_src_of(const struct klp_corr *c,
				     const struct klp_src *patched_src);
struct klp_src *klp_corr_patched_src_of(const struct klp_corr *c,
					const struct klp_src *orig_src);

/*
 * The length of @name without a trailing ".llvm.<digits>" (the role of an
 * emitted function).
 */
size_t klp_role_len(const char *name);

#endif /* KLP_CORRELATE_H */
