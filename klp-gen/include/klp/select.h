/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Selection (docs/selection.md): which functions of the ORIGINAL build a
 * live patch must replace, and why.  `klp-gen diff` finds the changed
 * sources by comparing fingerprints of two records (klp_select_compare());
 * `klp-gen plan` marks them from a source patch's hunks
 * (klp_select_mark_changed()).  Both then run the same closure
 * (klp_select_run()): must-replace through INLINE edges, the IPO closure over
 * CALLEE/CALLER edges (confirmed by a machine-code check in diff, kept as an
 * upper bound in plan), patchability (a __fentry__ call), and the refusals.
 *
 * Every lookup is an array indexed by source identity (klp_corr_src id) or
 * by flat func number, or a hash table: nothing is quadratic.
 */
#ifndef KLP_SELECT_H
#define KLP_SELECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "klp/codecmp.h"
#include "klp/correlate.h"
#include "klp/plan.h"

struct klp_select;

struct klp_select_opts {
	/*
	 * NULL (plan): every IPO candidate is kept, peers are not needed.
	 * Else (diff): candidates are kept only if their code differs
	 * (klp_codecmp_sym()), and a selected function needs a peer in the
	 * patched build; one whose source changed is not replaced if its
	 * code is still the same (klp_codecmp_strict()), and a changed
	 * variable is noted, not refused, if only an embedded build ID
	 * differs (klp_codecmp_data()).
	 */
	struct klp_codecmp *cc;
};

/* A function that will be replaced (or stands in the plan's place). */
struct klp_select_repl {
	struct klp_func *orig;
	struct klp_func *patched;	/* NULL in plan mode */
	enum klp_plan_reason reason;
	uint32_t *via;			/* klp_corr_src ids */
	size_t nvia;
	char detail[128];		/* ipo: where the code differs */
};

/* A function that is reported but not replaced, with why. */
struct klp_select_note {
	struct klp_func *orig;
	uint32_t via;			/* klp_corr_src id, or UINT32_MAX */
	char *text;
};

/* Lists of source identities (klp_corr_src ids). */
struct klp_select_ids {
	uint32_t *ids;
	size_t n, cap;
};

struct klp_select_result {
	struct klp_select_ids changed;		/* function sources */
	struct klp_select_ids new_funcs;
	struct klp_select_ids removed_funcs;
	struct klp_select_ids changed_data;
	struct klp_select_ids new_data;
	struct klp_select_ids removed_data;

	struct klp_select_repl *repl;		/* in ORIGINAL record order */
	size_t nrepl;
	struct klp_select_note *ipo_same;	/* IPO candidates, code same */
	size_t nipo_same;
	struct klp_select_note *same_code;	/* source changed, code same */
	size_t nsame_code;
	struct klp_select_note *indirect;	/* replaced through callers */
	size_t nindirect;
	struct klp_select_note *skipped;	/* __init code that inlines */
	size_t nskipped;
	/* unpatchable, and nothing reaches it (klp/unreachable.h) */
	struct klp_select_note *unreachable;
	size_t nunreachable;
	char **refusals;
	size_t nrefusals;
};

/*
 * Reads the provenance of both records of @c into its own indexes and then
 * drops their edges (klp_record_drop_edges()): nothing after selection
 * reads them.
 */
struct klp_select *klp_select_new(struct klp_corr *c);
void klp_select_free(struct klp_select *s);

/*
 * diff, step 1: every source in both builds whose fingerprint differs is
 * changed, one only in PATCHED (ORIGINAL) with emitted code is new
 * (removed); data sources are listed apart.  -1 on error.
 */
int klp_select_compare(struct klp_select *s);

/* plan: marks the source identity @id as changed (idempotent). */
int klp_select_mark_changed(struct klp_select *s, uint32_t id);

/*
 * Steps 2-5.  Call once, after the changed sources are known.  -1 on error
 * (a refusal is not an error: it is in the result).
 */
int klp_select_run(struct klp_select *s, const struct klp_select_opts *o);

const struct klp_select_result *klp_select_result(const struct klp_select *s);

/*
 * @file as reports print it: without leading "./" (the compiler's name for
 * a header found through "-I." or a quoted include).
 */
const char *klp_select_path(const char *file);
/* The file of source @id (klp_select_path(), "extern" for an extern one). */
const char *klp_select_src_file(struct klp_corr *c, uint32_t id);
/* The file of @f: its source's, else its unit's (klp_select_path()). */
const char *klp_select_func_file(const struct klp_func *f);

/*
 * How reports word a replacement's reason before its via list: "changed",
 * "inlines", "ipo edge to", "caller of"; "" for a value out of range.
 */
const char *klp_select_reason_text(enum klp_plan_reason reason);

#endif /* KLP_SELECT_H */
