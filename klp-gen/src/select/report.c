// SPDX-License-Identifier: GPL-2.0
/*
 * `klp-gen diff`'s report (klp/report.h), as text (stdout) and as JSON
 * (--json), from one result.  The text never says "replace" (it says
 * "select"): klp-build's kernel tests match the plan and the report
 * together, and a CHECK-NOT: replace after the plan's lines must only see
 * the plan's own `replace` lines.
 */
#include <stdio.h>

#include "klp/diff.h"
#include "klp/hunk_place.h"
#include "klp/report.h"

static void report_ids(FILE *out, struct klp_corr *c, const char *title,
		       const struct klp_select_ids *l)
{
	fprintf(out, "%s: %zu\n", title, l->n);
	for (size_t i = 0; i < l->n; i++)
		fprintf(out, "  %s (%s)\n", klp_corr_src_name(c, l->ids[i]),
			klp_select_src_file(c, l->ids[i]));
}

static void report_notes(FILE *out, struct klp_corr *c, const char *title,
			 const struct klp_select_note *v, size_t n)
{
	fprintf(out, "%s: %zu\n", title, n);
	for (size_t i = 0; i < n; i++) {
		fprintf(out, "  %s (%s)", v[i].orig->sym->name,
			klp_select_func_file(v[i].orig));
		if (v[i].via != UINT32_MAX)
			fprintf(out, " via %s (%s)",
				klp_corr_src_name(c, v[i].via),
				klp_select_src_file(c, v[i].via));
		fprintf(out, ": %s\n", v[i].text);
	}
}

void klp_report_outside(FILE *out, const struct klp_diff *d)
{
	for (size_t i = 0; i < d->pc.noutside; i++) {
		const struct klp_patch_outside *o = &d->pc.outside[i];
		fprintf(out, "  %s %s (%s, unit %s)\n", o->what,
			klp_corr_src_name(d->c, o->id),
			klp_select_path(klp_corr_src_file(d->c, o->id)),
			klp_select_path(klp_corr_src_unit(d->c, o->id)));
	}
}

/* Where the hunks went in the original source, as patch(1) says it. */
static void report_placement(FILE *out, const struct klp_diff *d)
{
	const struct klp_udiff *u = klp_patch_files_diff(d->pf);

	if (klp_patch_files_unplaced(d->pf)) {
		fprintf(out, "patch %s: hunks not placed, checked by file only: %s\n",
			d->patch_path, klp_patch_files_unplaced(d->pf));
		return;
	}
	fprintf(out, "patch %s: applies to %s\n", d->patch_path,
		klp_patch_files_source(d->pf));
	for (size_t i = 0; i < u->nhunks; i++)
		klp_hunk_place_print(out, &u->hunks[i]);
}

static void report_patch(FILE *out, const struct klp_diff *d)
{
	report_placement(out, d);
	fprintf(out, "patch %s: %zu changes", d->patch_path, d->pc.nchanges);
	if (!d->pc.noutside) {
		fputs(", all in its files\n", out);
		return;
	}
	fprintf(out, ", %zu outside its files, accepted: it changes %s, which no unit compiles (it is included, and may reach other files through macros, types and constants)\n",
		d->pc.noutside, d->pc.included);
	klp_report_outside(out, d);
}

void klp_report_text(FILE *out, const struct klp_diff *d)
{
	const struct klp_select_result *r = klp_select_result(d->sel);
	struct klp_corr *c = d->c;

	fprintf(out, "klp-gen diff %s -> %s\n", d->orig_path, d->patched_path);
	report_ids(out, c, "changed functions", &r->changed);
	fprintf(out, "selected: %zu\n", r->nrepl);
	for (size_t i = 0; i < r->nrepl; i++) {
		const struct klp_select_repl *rp = &r->repl[i];

		fprintf(out, "  select %s (%s)", rp->orig->sym->name,
			klp_select_func_file(rp->orig));
		fprintf(out, ": %s", klp_select_reason_text(rp->reason));
		if (rp->reason == KLP_PLAN_CHANGED && rp->nvia)
			fputs(", inlines", out);
		for (size_t k = 0; k < rp->nvia; k++)
			fprintf(out, "%s%s (%s)", k ? ", " : " ",
				klp_corr_src_name(c, rp->via[k]),
				klp_select_src_file(c, rp->via[k]));
		if (rp->reason == KLP_PLAN_IPO)
			fprintf(out, "; machine code differs: %s", rp->detail);
		else if (rp->reason == KLP_PLAN_CALLER)
			fputs(", which cannot be patched itself", out);
		fprintf(out, " [sympos=%lu new=%s]\n", d->sympos[i],
			rp->patched->sym->name);
	}
	report_notes(out, c, "patched through their callers", r->indirect,
		     r->nindirect);
	report_notes(out, c, "changed, but unreachable (no module needed for them)",
		     r->unreachable, r->nunreachable);
	report_notes(out, c, "__init code left alone", r->skipped,
		     r->nskipped);
	report_ids(out, c, "new functions (copied into the module)",
		   &r->new_funcs);
	report_ids(out, c, "removed functions", &r->removed_funcs);
	report_ids(out, c, "new data", &r->new_data);
	report_ids(out, c, "removed data", &r->removed_data);
	report_ids(out, c, "changed data", &r->changed_data);
	report_notes(out, c, "source changed, code identical", r->same_code,
		     r->nsame_code);
	report_notes(out, c, "IPO candidates, code unchanged", r->ipo_same,
		     r->nipo_same);
	if (d->pf)
		report_patch(out, d);
	fprintf(out, "refusals: %zu\n", r->nrefusals);
	for (size_t i = 0; i < r->nrefusals; i++)
		fprintf(out, "  refused: %s\n", r->refusals[i]);
	if (r->nrefusals)
		fputs("result: refused\n", out);
	else if (!r->nrepl && r->nunreachable)
		fprintf(out, "result: no function that can run changed (%zu changed function%s unreachable): nothing to patch\n",
			r->nunreachable, r->nunreachable > 1 ? "s are" : " is");
	else if (!r->nrepl)
		fprintf(out, "result: no function changed%s: nothing to patch\n",
			r->changed.n ? " its machine code" : "");
	else
		fprintf(out, "result: %zu functions selected\n", r->nrepl);
}

/* JSON */

static void jstr(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(out, "\\%c", ch);
		else if (ch < 0x20 || ch == 0x7f)
			fprintf(out, "\\u%04x", ch);
		else
			fputc(ch, out);
	}
	fputc('"', out);
}

/* @sep, then "@key": @val as a JSON string (null for NULL). */
static void jfield(FILE *out, const char *sep, const char *key,
		   const char *val)
{
	fprintf(out, "%s\"%s\": ", sep, key);
	if (val)
		jstr(out, val);
	else
		fputs("null", out);
}

static void jsrc(FILE *out, struct klp_corr *c, uint32_t id)
{
	jfield(out, "{", "name", klp_corr_src_name(c, id));
	jfield(out, ", ", "file", klp_select_src_file(c, id));
	jfield(out, ", ", "unit", klp_corr_src_unit(c, id));
	fputc('}', out);
}

static void jids(FILE *out, struct klp_corr *c, const char *key,
		 const struct klp_select_ids *l)
{
	fprintf(out, ",\n  \"%s\": [", key);
	for (size_t i = 0; i < l->n; i++) {
		fputs(i ? ", " : "", out);
		jsrc(out, c, l->ids[i]);
	}
	fputc(']', out);
}

static void jnotes(FILE *out, struct klp_corr *c, const char *key,
		   const struct klp_select_note *v, size_t n)
{
	fprintf(out, ",\n  \"%s\": [", key);
	for (size_t i = 0; i < n; i++) {
		jfield(out, i ? ",\n    {" : "\n    {", "sym",
		       v[i].orig->sym->name);
		jfield(out, ", ", "file", klp_select_func_file(v[i].orig));
		if (v[i].via != UINT32_MAX) {
			fputs(", \"via\": ", out);
			jsrc(out, c, v[i].via);
		}
		jfield(out, ", ", "why", v[i].text);
		fputc('}', out);
	}
	fputc(']', out);
}

/* The hunks placed away from their stated line or with fuzz. */
static void jmoved(FILE *out, const struct klp_udiff *u)
{
	bool first = true;

	for (size_t i = 0; i < u->nhunks; i++) {
		const struct klp_udiff_hunk *h = &u->hunks[i];

		if (!h->placed || (!h->offset && !h->fuzz))
			continue;
		jfield(out, first ? "{" : ", {", "file", h->file);
		first = false;
		fprintf(out, ", \"hunk\": %u, \"line\": %lu, \"offset\": %ld, \"fuzz\": %u}",
			h->file_index, h->where, h->offset, h->fuzz);
	}
}

void klp_report_json(FILE *out, const struct klp_diff *d)
{
	const struct klp_select_result *r = klp_select_result(d->sel);
	struct klp_corr *c = d->c;

	jfield(out, "{\n  ", "orig", d->orig_path);
	jfield(out, ",\n  ", "patched", d->patched_path);
	jfield(out, ",\n  ", "result", r->nrefusals ? "refused" :
	       r->nrepl ? "ok" : "no function changed");
	jids(out, c, "changed_functions", &r->changed);
	fputs(",\n  \"replace\": [", out);
	for (size_t i = 0; i < r->nrepl; i++) {
		const struct klp_select_repl *rp = &r->repl[i];

		jfield(out, i ? ",\n    {" : "\n    {", "old_sym",
		       rp->orig->sym->name);
		fprintf(out, ", \"sympos\": %lu", d->sympos[i]);
		jfield(out, ", ", "new_sym", rp->patched->sym->name);
		jfield(out, ", ", "reason", klp_plan_reason_name(rp->reason));
		jfield(out, ", ", "file", klp_select_func_file(rp->orig));
		fputs(", \"via\": [", out);
		for (size_t k = 0; k < rp->nvia; k++) {
			fputs(k ? ", " : "", out);
			jsrc(out, c, rp->via[k]);
		}
		fputc(']', out);
		if (rp->detail[0])
			jfield(out, ", ", "detail", rp->detail);
		fputc('}', out);
	}
	fputc(']', out);
	jnotes(out, c, "replaced_through_callers", r->indirect, r->nindirect);
	jnotes(out, c, "unreachable", r->unreachable, r->nunreachable);
	jnotes(out, c, "init_code_not_replaced", r->skipped, r->nskipped);
	jids(out, c, "new_functions", &r->new_funcs);
	jids(out, c, "removed_functions", &r->removed_funcs);
	jids(out, c, "new_data", &r->new_data);
	jids(out, c, "removed_data", &r->removed_data);
	jids(out, c, "changed_data", &r->changed_data);
	jnotes(out, c, "source_changed_code_identical", r->same_code,
	       r->nsame_code);
	jnotes(out, c, "ipo_candidates_unchanged", r->ipo_same, r->nipo_same);
	if (d->pf) {
		jfield(out, ",\n  \"patch\": {", "path", d->patch_path);
		fprintf(out, ", \"changes\": %zu", d->pc.nchanges);
		jfield(out, ", ", "included", d->pc.included);
		fputs(", \"outside\": [", out);
		for (size_t i = 0; i < d->pc.noutside; i++) {
			jfield(out, i ? ", {" : "{", "what", d->pc.outside[i].what);
			fputs(", \"source\": ", out);
			jsrc(out, c, d->pc.outside[i].id);
			fputc('}', out);
		}
		fputc(']', out);
		jfield(out, ", ", "source", klp_patch_files_source(d->pf));
		fputs(", \"moved_hunks\": [", out);
		jmoved(out, klp_patch_files_diff(d->pf));
		fputs("]}", out);
	}
	fputs(",\n  \"refusals\": [", out);
	for (size_t i = 0; i < r->nrefusals; i++) {
		fputs(i ? ", " : "", out);
		jstr(out, r->refusals[i]);
	}
	fputs("]\n}\n", out);
}
