/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Names numbered by the preprocessor's __COUNTER__ (docs/selection.md,
 * "__COUNTER__-numbered names").  The kernel makes unique names with it:
 * `__UNIQUE_ID(prefix)` is `__UNIQUE_ID_<prefix><counter>` (MODULE_AUTHOR's
 * strings, PCI fixup stubs, `__ADDRESSABLE()`, the temporaries of min_t()),
 * and an initcall's stub and pointer are
 * `__initstub__kmod_<mod>__<counter>_<line>_<fn><id>` and
 * `__initcall__kmod_...`.  The counter counts every earlier use in the
 * unit, headers included, so a header that uses it once more renumbers
 * every such name below it: the same variable or function, another name.
 * Like kpatch (which compares such names with the numbers ignored), the
 * correlation pairs them by the name without the numbers, in counter
 * order (klp/correlate.h).
 */
#ifndef KLP_COUNTER_NAMES_H
#define KLP_COUNTER_NAMES_H

#include <stdbool.h>
#include <stddef.h>

#include "klp/record.h"

/*
 * Is @name counter-numbered?  If so, *@canon gets a malloc'd copy of @name
 * without the numbers (every '.'-separated part that starts with
 * `__UNIQUE_ID_` loses its trailing digits, an initcall name its counter
 * and line), *@num the last such part's number (the digits dropped from
 * it, or the initcall's counter; at most 18 digits, else it is not taken
 * as counter-numbered) and *@ndigits their count.  Returns 1 if numbered,
 * 0 if not (*@canon NULL), -1 when out of memory (klp_errmsg() set).
 */
int klp_counter_name(const char *name, char **canon, unsigned long long *num,
		     unsigned int *ndigits);

/*
 * May @name be counter-numbered?  A cheap test that holds for every name
 * klp_counter_name() numbers (and more): for a reader that must keep
 * all of those without paying for the exact test.
 */
bool klp_counter_maybe(const char *name);

/*
 * Are the bytes @a (@na) and @b (@nb) the same text but for the numbers
 * of `__UNIQUE_ID_<prefix><counter>` identifiers in them?  A string that
 * holds a stringified expression does (a trace event's print_fmt, where
 * min_t() expands to `__UNIQUE_ID_x_<counter>` temporaries).  False if
 * they hold no such identifier, or when out of memory.
 */
bool klp_counter_text_eq(const unsigned char *a, size_t na,
			 const unsigned char *b, size_t nb);

/*
 * The pairing of the two builds' counter-numbered sources: per src entry
 * of @patched (flat: blob by blob, in blob order), the name of the source
 * of @orig it is (the same file and unit, the same name without the
 * numbers), or NULL.  A group of such sources (one file, unit and name
 * without numbers) is paired only if both builds have as many of them,
 * and then in counter order, and only if every pair's counters differ by
 * the same amount (a header that uses the counter k more times shifts
 * all of them by k); else no name of the group is mapped and they pair by
 * their exact names, as any other source.  *@map is malloc'd (the caller
 * frees it; its names point into @orig).  -1 when out of memory.
 */
int klp_counter_pair(const struct klp_record *orig,
		     const struct klp_record *patched, const char ***map);

#endif /* KLP_COUNTER_NAMES_H */
