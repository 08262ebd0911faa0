/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The machine-code oracle (docs/selection.md, "verify"): does an emitted
 * function of the original build have the same final code as its peer in
 * the patched build?
 *
 * A function is the bytes [st_value, st_value + st_size) of its symbol's
 * section (never the whole section: `ld -r` merges same-named sections, so
 * one .text.native_read_msr holds several local copies).  Relocation sites
 * are masked out of the bytes; the relocations are compared one by one by
 * offset, type and what they point at:
 *   - a symbol with a record entry: the peer given by the correlation;
 *   - another symbol: its name without a ".llvm.<digits>" suffix;
 *   - a section symbol plus offset: the function or object symbol that
 *     contains the target, else, in a SHF_MERGE|SHF_STRINGS section, the
 *     string itself (after `ld -r` merged string sections shift), in
 *     another SHF_MERGE section the constant, else the section's name and
 *     offset (for a small read-only section also its content; in code
 *     without symbols such as .altinstr_aux, the offset from the
 *     function's first fragment there, and the fragments are compared);
 * plus the addend relative to that target.  Relocations and symbol lists
 * are loaded per section, on first use.
 */
#ifndef KLP_CODECMP_H
#define KLP_CODECMP_H

#include <stddef.h>

#include "klp/correlate.h"

struct klp_codecmp;

/*
 * Compares code of the two records of @c.  NULL with klp_errmsg() set when
 * out of memory or when a file is not relocatable (a linked file keeps no
 * relocations to compare).
 */
struct klp_codecmp *klp_codecmp_new(const struct klp_corr *c);
void klp_codecmp_free(struct klp_codecmp *cc);

/*
 * 1 if the code of @orig (a symbol of the original file) differs from that
 * of @patched, 0 if it is the same, -1 on error with klp_errmsg() set.  On 1,
 * @why (if not NULL) says where, e.g. "bytes differ at +0x1c".
 */
int klp_codecmp_sym(struct klp_codecmp *cc, const struct klp_symbol *orig,
		    const struct klp_symbol *patched, char *why, size_t whylen);

/*
 * Like klp_codecmp_sym(), for a function whose source changed: is its code
 * still the same?  Stricter: data without a record that the code refers to
 * is compared by content whatever its size (unnamed sections, writable
 * ones too, and named objects without a record entry); and the entries of
 * tables that describe the function (allocated non-code sections that
 * refer into it: __bug_table, __ex_table, .altinstructions, __jump_table,
 * .static_call_sites, ...) must be at the same places and compare equal,
 * except for the line number of a __bug_table entry (the 16-bit field after
 * its file name).  1 differs, 0 same, -1 error.
 */
int klp_codecmp_strict(struct klp_codecmp *cc, const struct klp_symbol *orig,
		       const struct klp_symbol *patched, char *why,
		       size_t whylen);

/*
 * klp_codecmp_strict() for two copies of a variable whose initializer
 * changed: 0 if their bytes and relocations are the same but for the
 * descriptor of GNU build ID notes in them (an ELF image in data, such as
 * the vDSO's, whose build ID hashes its debug info), 1 if not (also when
 * either is zero-filled, NOBITS), -1 on error.
 */
int klp_codecmp_data(struct klp_codecmp *cc, const struct klp_symbol *orig,
		     const struct klp_symbol *patched, char *why,
		     size_t whylen);

#endif /* KLP_CODECMP_H */
