/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A second machine-code comparison, written apart from klp/codecmp.h so
 * that a bug in one does not hide in both (docs/klp-gen.md, "verify").
 *
 * klp_codecmp_sym() compares two functions side by side, relocation by
 * relocation, asking the correlation for each target's peer.  This one
 * never looks at the other build while describing a function: it turns
 * each function, alone, into a canonical form (its size and bytes with the
 * relocation fields zeroed, then per relocation its offset, type and a text
 * naming the target by identity) and compares the two forms item by item.
 * A target's identity comes from the records, not from the correlation:
 *   - a recorded function or variable (or a symbol at its place): its
 *     source identity (file, name, unit; the name alone for an extern
 *     source), its role (the symbol name without ".llvm.<digits>") and
 *     whether it is data, which is the key the correlation pairs by;
 *   - another symbol: its name without ".llvm.<digits>";
 *   - a place in a section: the sized function or object symbol there (or
 *     the one a PC-relative addend reaches, or the array it is one past),
 *     the string or constant of a mergeable section, out-of-line code
 *     (offset from the function's first fragment in that section, whose
 *     bytes and relocations are part of the form), else the section name
 *     and offset plus, for small read-only data, a hash of its content.
 * The meaning is the oracle's (docs/selection.md, "verify"); only the way
 * to it differs, so the two verdicts must agree and `verify` reports a
 * disagreement as an error.
 */
#ifndef KLP_CODECMP_INDEPENDENT_H
#define KLP_CODECMP_INDEPENDENT_H

#include <stddef.h>

#include "klp/record.h"

struct klp_codecmp_ind;

/*
 * For the functions of @orig and @patched (records of two relocatable
 * files).  NULL with klp_errmsg() set when out of memory or when a file is
 * not relocatable.
 */
struct klp_codecmp_ind *klp_codecmp_ind_new(struct klp_record *orig,
					    struct klp_record *patched);
void klp_codecmp_ind_free(struct klp_codecmp_ind *ci);

/*
 * 1 if the canonical forms of @orig (a symbol of the original file) and
 * @patched differ, 0 if they are equal, -1 on error with klp_errmsg() set.
 * On 1, @why (if not NULL) names the first differing item.
 */
int klp_codecmp_ind_sym(struct klp_codecmp_ind *ci,
			const struct klp_symbol *orig,
			const struct klp_symbol *patched,
			char *why, size_t whylen);

#endif /* KLP_CODECMP_INDEPENDENT_H */
