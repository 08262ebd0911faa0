// SPDX-License-Identifier: GPL-2.0
/*
 * `klp-gen diff [--orig-linked VMLINUX] [--patch PATCH [--source DIR]] ORIG
 * PATCHED -o PLAN [--json REPORT]`: compares the records of two builds, selects what the live
 * patch replaces (klp/select.h, docs/selection.md) and writes the plan
 * (docs/plan-format.md) plus a human report on stdout.
 *
 * With --patch, the source patch the patched build was made from: the
 * builds must differ, and only in the files it touches (klp/patchcheck.h),
 * and its hunks must apply to the original source (--source DIR, or the
 * one found from ORIG: klp/hunk_place.h); otherwise nothing is written.
 *
 * Each replaced function is named by the ORIGINAL's exact symbol with its
 * kallsyms position, computed against the linked original vmlinux
 * (--orig-linked), where the kernel looks it up; without it (tests on plain
 * .o files) the position is the 1-based rank, in symbol table order, among
 * the function symbols of that name in ORIG (0 if the name is unique).
 *
 * Files are written to NAME.tmp and renamed: on any error there is no plan
 * (and no JSON report) at all.  A plan with refusals is written, with its
 * `refuse` lines, and makes the exit status 1.  A patch that changes no
 * function's machine code gives a plan that replaces nothing, exit status
 * 0 and a note on stderr: not an error of diff (merge refuses to make a
 * live patch of it).
 *
 * The report never says "replace" (it says "select"): klp-build's kernel
 * tests match the plan and the report together, and a CHECK-NOT: replace
 * after the plan's lines must only see the plan's own `replace` lines.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "klp/codecmp.h"
#include "klp/correlate.h"
#include "klp/elf.h"
#include "klp/error.h"
#include "klp/hunk_place.h"
#include "klp/kallsyms.h"
#include "klp/modinfo.h"
#include "klp/patchcheck.h"
#include "klp/callbacks.h"
#include "klp/plan.h"
#include "klp/record.h"
#include "klp/select.h"

static const char diff_usage[] =
	"usage: klp-gen diff [--orig-linked VMLINUX] [--patch PATCH [--source DIR]]\n"
	"                     ORIG PATCHED -o PLAN [--json REPORT]\n"
	"\n"
	"Select the functions of ORIG (the original vmlinux.o) that a live\n"
	"patch must replace to run the code of PATCHED (the patched build's\n"
	"vmlinux.o), from their klp-lto records, and write the plan to PLAN.\n"
	"--orig-linked: the original linked vmlinux, for kallsyms positions.\n"
	"--patch: the source patch (unified diff, -p1) PATCHED was built with:\n"
	"refuse unless the builds differ, and only in the files it touches\n"
	"(a patch that changes a header may change code anywhere); and\n"
	"refuse a patch whose hunks do not apply to the original source.\n"
	"--source: that source tree (default: the `source` link of the O=\n"
	"build dir ORIG is in, or an in-tree build's dir; without one the\n"
	"hunks are not placed, and the report says so).\n"
	"--json: also write the report as JSON.\n"
	"The report goes to stdout.  Exit 1 on an error or a refusal; a patch\n"
	"that changes no function's machine code gives a plan that replaces\n"
	"nothing (exit 0, \"nothing to patch\" on stderr).\n";

struct diff_ctx {
	const char *orig_path, *patched_path, *linked_path;
	const char *plan_path, *json_path, *patch_path, *source_path;
	struct klp_patch_files *pf;
	struct klp_patch_check pc;
	struct klp_elf *orig_elf, *patched_elf, *linked_elf;
	struct klp_record *orig_rec, *patched_rec, *linked_rec;
	struct klp_corr *c;
	struct klp_corr *linked_c;	/* ORIG vmlinux.o with the linked one */
	struct klp_codecmp *cc;
	struct klp_select *sel;
	unsigned long *sympos;		/* per replace entry */
};

static int codecmp_adapter(void *arg, const struct klp_func *orig,
			   const struct klp_func *patched, char *why,
			   size_t whylen)
{
	return klp_codecmp_sym(arg, orig->sym, patched->sym, why, whylen);
}

static int codecmp_strict_adapter(void *arg, const struct klp_func *orig,
				  const struct klp_func *patched, char *why,
				  size_t whylen)
{
	return klp_codecmp_strict(arg, orig->sym, patched->sym, why, whylen);
}

static int codecmp_data_adapter(void *arg, const struct klp_func *orig,
				const struct klp_func *patched, char *why,
				size_t whylen)
{
	return klp_codecmp_data(arg, orig->sym, patched->sym, why, whylen);
}

static bool is_func_sym(const struct klp_symbol *s)
{
	return s->type == STT_FUNC && s->sec;
}

/* Without the linked file: the rank in ORIG's own symbol table. */
static unsigned long sympos_relocatable(const struct klp_elf *elf,
					const struct klp_symbol *sym)
{
	unsigned long n = 0, pos = 0;

	for (struct klp_symbol *s = klp_elf_symbol_by_name(elf, sym->name); s;
	     s = klp_elf_next_symbol_by_name(elf, s)) {
		if (!is_func_sym(s))
			continue;
		n++;
		if (s == sym)
			pos = n;
	}
	return n > 1 ? pos : 0;
}

/* The symbol of the linked vmlinux that is @sym of ORIG's vmlinux.o. */
static struct klp_symbol *linked_sym(struct diff_ctx *d,
				     const struct klp_symbol *sym)
{
	struct klp_symbol *found = NULL, *s;
	size_t n = 0;

	for (s = klp_elf_symbol_by_name(d->linked_elf, sym->name); s;
	     s = klp_elf_next_symbol_by_name(d->linked_elf, s))
		if (is_func_sym(s)) {
			found = s;
			n++;
		}
	if (n == 1)
		return found;
	if (n == 0) {
		klp_err("%s: no function symbol %s (of %s) in the linked file",
			d->linked_path, sym->name, d->orig_path);
		return NULL;
	}
	/* several locals of that name: pair them through the records */
	if (!d->linked_c) {
		d->linked_rec = klp_record_read(d->linked_elf);
		if (!d->linked_rec)
			return NULL;
		d->linked_c = klp_correlate(d->orig_rec, d->linked_rec);
		if (!d->linked_c)
			return NULL;
	}
	found = klp_corr_patched_sym_of(d->linked_c, sym);
	if (!found)
		klp_err("%s: cannot tell which of its %zu symbols named %s is the one of %s",
			d->linked_path, n, sym->name, d->orig_path);
	return found;
}

static int compute_sympos(struct diff_ctx *d)
{
	const struct klp_select_result *r = klp_select_result(d->sel);

	d->sympos = calloc(r->nrepl + 1, sizeof(*d->sympos));
	if (!d->sympos)
		return klp_err("out of memory");
	for (size_t i = 0; i < r->nrepl; i++) {
		const struct klp_symbol *sym = r->repl[i].orig->sym;
		struct klp_symbol *ls;

		/* A module's positions come from its own symbol table. */
		if (klp_kallsyms_is_module(d->orig_elf)) {
			if (klp_kallsyms_pos(d->orig_elf, sym, &d->sympos[i]))
				return -1;
			continue;
		}
		if (!d->linked_elf) {
			d->sympos[i] = sympos_relocatable(d->orig_elf, sym);
			continue;
		}
		ls = linked_sym(d, sym);
		if (!ls || klp_kallsyms_pos(d->linked_elf, ls, &d->sympos[i]))
			return -1;
	}
	return 0;
}

/* The plan's object: vmlinux, or the module's name from its .modinfo. */
static const char *object_name(const struct klp_elf *elf, char *buf, size_t len)
{
	if (!klp_kallsyms_is_module(elf))
		return "vmlinux";
	if (klp_modinfo_name(elf, buf, len))
		return NULL;
	return buf;
}

static struct klp_plan *build_plan(struct diff_ctx *d)
{
	const struct klp_select_result *r = klp_select_result(d->sel);
	struct klp_corr *c = d->c;
	struct klp_plan *plan = klp_plan_new();
	struct klp_plan_object *obj;
	const char *objname;
	char objbuf[64];

	if (!plan)
		return NULL;
	objname = object_name(d->orig_elf, objbuf, sizeof(objbuf));
	obj = objname ? klp_plan_add_object(plan, objname) : NULL;
	if (!obj)
		goto fail;
	for (size_t i = 0; i < r->nrepl; i++) {
		const struct klp_select_repl *rp = &r->repl[i];
		struct klp_plan_replace *rep;

		rep = klp_plan_add_replace(plan, obj, rp->orig->sym->name,
					   d->sympos[i], rp->patched->sym->name,
					   rp->reason);
		if (!rep)
			goto fail;
		for (size_t k = 0; k < rp->nvia; k++) {
			struct klp_corr_src *cs = klp_corr_src(c, rp->via[k]);

			if (klp_plan_add_via(rep, cs->is_extern ? "extern" :
						  klp_select_path(cs->file), cs->name))
				goto fail;
		}
	}
	for (size_t i = 0; i < r->nrefusals; i++)
		if (klp_plan_add_refusal(plan, r->refusals[i]))
			goto fail;
	/* Callbacks written in the patched source (patch-hooks.h). */
	if (klp_callbacks_plan(plan, obj, d->patched_elf))
		goto fail;
	return plan;
fail:
	klp_plan_free(plan);
	return NULL;
}

static const char *sfile(struct klp_corr *c, uint32_t id)
{
	struct klp_corr_src *cs = klp_corr_src(c, id);

	return cs->is_extern ? "extern" : klp_select_path(cs->file);
}

static const char *ffile(const struct klp_func *f)
{
	return klp_select_path(f->src ? f->src->file : f->blob->unit);
}

static void report_ids(FILE *out, struct klp_corr *c, const char *title,
		       const struct klp_select_ids *l)
{
	fprintf(out, "%s: %zu\n", title, l->n);
	for (size_t i = 0; i < l->n; i++)
		fprintf(out, "  %s (%s)\n", klp_corr_src(c, l->ids[i])->name,
			sfile(c, l->ids[i]));
}

static void report_notes(FILE *out, struct klp_corr *c, const char *title,
			 const struct klp_select_note *v, size_t n)
{
	fprintf(out, "%s: %zu\n", title, n);
	for (size_t i = 0; i < n; i++) {
		fprintf(out, "  %s (%s)", v[i].orig->sym->name,
			ffile(v[i].orig));
		if (v[i].via != UINT32_MAX)
			fprintf(out, " via %s (%s)",
				klp_corr_src(c, v[i].via)->name,
				sfile(c, v[i].via));
		fprintf(out, ": %s\n", v[i].text);
	}
}

static void report_outside(FILE *out, struct diff_ctx *d)
{
	for (size_t i = 0; i < d->pc.noutside; i++) {
		const struct klp_patch_outside *o = &d->pc.outside[i];
		struct klp_corr_src *cs = klp_corr_src(d->c, o->id);

		fprintf(out, "  %s %s (%s, unit %s)\n", o->what, cs->name,
			klp_select_path(cs->file), klp_select_path(cs->unit));
	}
}

/* Where the hunks went in the original source, as patch(1) says it. */
static void report_placement(FILE *out, struct diff_ctx *d)
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

static void report_patch(FILE *out, struct diff_ctx *d)
{
	report_placement(out, d);
	fprintf(out, "patch %s: %zu changes", d->patch_path, d->pc.nchanges);
	if (!d->pc.noutside) {
		fputs(", all in its files\n", out);
		return;
	}
	fprintf(out, ", %zu outside its files, accepted: it changes %s, which no unit compiles (it is included, and may reach other files through macros, types and constants)\n",
		d->pc.noutside, d->pc.included);
	report_outside(out, d);
}

static void write_report(FILE *out, struct diff_ctx *d)
{
	const struct klp_select_result *r = klp_select_result(d->sel);
	struct klp_corr *c = d->c;

	fprintf(out, "klp-gen diff %s -> %s\n", d->orig_path, d->patched_path);
	report_ids(out, c, "changed functions", &r->changed);
	fprintf(out, "selected: %zu\n", r->nrepl);
	for (size_t i = 0; i < r->nrepl; i++) {
		const struct klp_select_repl *rp = &r->repl[i];

		fprintf(out, "  select %s (%s)", rp->orig->sym->name,
			ffile(rp->orig));
		fprintf(out, ": %s", klp_select_reason_text(rp->reason));
		if (rp->reason == KLP_PLAN_CHANGED && rp->nvia)
			fputs(", inlines", out);
		for (size_t k = 0; k < rp->nvia; k++)
			fprintf(out, "%s%s (%s)", k ? ", " : " ",
				klp_corr_src(c, rp->via[k])->name,
				sfile(c, rp->via[k]));
		if (rp->reason == KLP_PLAN_IPO)
			fprintf(out, "; machine code differs: %s", rp->detail);
		else if (rp->reason == KLP_PLAN_CALLER)
			fputs(", which cannot be patched itself", out);
		fprintf(out, " [sympos=%lu new=%s]\n", d->sympos[i],
			rp->patched->sym->name);
	}
	report_notes(out, c, "patched through their callers", r->indirect,
		     r->nindirect);
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

static void jsrc(FILE *out, struct klp_corr *c, uint32_t id)
{
	struct klp_corr_src *cs = klp_corr_src(c, id);

	fputs("{\"name\": ", out);
	jstr(out, cs->name);
	fputs(", \"file\": ", out);
	jstr(out, sfile(c, id));
	fputs(", \"unit\": ", out);
	jstr(out, cs->unit);
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
		fputs(i ? ",\n    " : "\n    ", out);
		fputs("{\"sym\": ", out);
		jstr(out, v[i].orig->sym->name);
		fputs(", \"file\": ", out);
		jstr(out, ffile(v[i].orig));
		if (v[i].via != UINT32_MAX) {
			fputs(", \"via\": ", out);
			jsrc(out, c, v[i].via);
		}
		fputs(", \"why\": ", out);
		jstr(out, v[i].text);
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
		fputs(first ? "{\"file\": " : ", {\"file\": ", out);
		first = false;
		jstr(out, h->file);
		fprintf(out, ", \"hunk\": %u, \"line\": %lu, \"offset\": %ld, \"fuzz\": %u}",
			h->file_index, h->where, h->offset, h->fuzz);
	}
}

static void write_json(FILE *out, struct diff_ctx *d)
{
	const struct klp_select_result *r = klp_select_result(d->sel);
	struct klp_corr *c = d->c;

	fputs("{\n  \"orig\": ", out);
	jstr(out, d->orig_path);
	fputs(",\n  \"patched\": ", out);
	jstr(out, d->patched_path);
	fputs(",\n  \"result\": ", out);
	jstr(out, r->nrefusals ? "refused" :
		  r->nrepl ? "ok" : "no function changed");
	jids(out, c, "changed_functions", &r->changed);
	fputs(",\n  \"replace\": [", out);
	for (size_t i = 0; i < r->nrepl; i++) {
		const struct klp_select_repl *rp = &r->repl[i];

		fputs(i ? ",\n    " : "\n    ", out);
		fputs("{\"old_sym\": ", out);
		jstr(out, rp->orig->sym->name);
		fprintf(out, ", \"sympos\": %lu, \"new_sym\": ", d->sympos[i]);
		jstr(out, rp->patched->sym->name);
		fputs(", \"reason\": ", out);
		jstr(out, klp_plan_reason_name(rp->reason));
		fputs(", \"file\": ", out);
		jstr(out, ffile(rp->orig));
		fputs(", \"via\": [", out);
		for (size_t k = 0; k < rp->nvia; k++) {
			fputs(k ? ", " : "", out);
			jsrc(out, c, rp->via[k]);
		}
		fputc(']', out);
		if (rp->detail[0]) {
			fputs(", \"detail\": ", out);
			jstr(out, rp->detail);
		}
		fputc('}', out);
	}
	fputc(']', out);
	jnotes(out, c, "replaced_through_callers", r->indirect, r->nindirect);
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
		fputs(",\n  \"patch\": {\"path\": ", out);
		jstr(out, d->patch_path);
		fprintf(out, ", \"changes\": %zu, \"included\": ",
			d->pc.nchanges);
		if (d->pc.included)
			jstr(out, d->pc.included);
		else
			fputs("null", out);
		fputs(", \"outside\": [", out);
		for (size_t i = 0; i < d->pc.noutside; i++) {
			fputs(i ? ", " : "", out);
			fputs("{\"what\": ", out);
			jstr(out, d->pc.outside[i].what);
			fputs(", \"source\": ", out);
			jsrc(out, c, d->pc.outside[i].id);
			fputc('}', out);
		}
		fputs("], \"source\": ", out);
		if (klp_patch_files_source(d->pf))
			jstr(out, klp_patch_files_source(d->pf));
		else
			fputs("null", out);
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

/* Writes @path.tmp with @fn, then renames it over @path. */
static int write_file(const char *path, int (*fn)(FILE *, void *),
		      void *arg)
{
	size_t n = strlen(path) + 5;
	char *tmp = malloc(n);
	FILE *out;
	int ret = -1;

	if (!tmp)
		return klp_err("out of memory");
	snprintf(tmp, n, "%s.tmp", path);
	out = fopen(tmp, "w");
	if (!out) {
		klp_err("%s: cannot create: %s", tmp, strerror(errno));
		goto out;
	}
	if (fn(out, arg)) {
		fclose(out);
		remove(tmp);
		goto out;
	}
	if (ferror(out) | fclose(out)) {
		klp_err("%s: write error", tmp);
		remove(tmp);
		goto out;
	}
	if (rename(tmp, path)) {
		klp_err("%s: cannot rename to %s: %s", tmp, path,
			strerror(errno));
		remove(tmp);
		goto out;
	}
	ret = 0;
out:
	free(tmp);
	return ret;
}

static int emit_plan(FILE *out, void *arg)
{
	return klp_plan_write(out, arg);
}

static int emit_json(FILE *out, void *arg)
{
	write_json(out, arg);
	return 0;
}

static int open_side(const char *path, struct klp_elf **elf,
		     struct klp_record **rec)
{
	*elf = klp_elf_open(path);
	if (!*elf)
		return -1;
	*rec = klp_record_read(*elf);
	return *rec ? 0 : -1;
}

static int diff_run(struct diff_ctx *d)
{
	struct klp_select_opts opts = { 0 };
	const struct klp_select_result *r;
	struct klp_plan *plan = NULL;
	int ret = 1;

	if (d->patch_path) {
		d->pf = klp_patch_files_read(d->patch_path);
		if (!d->pf || klp_patch_files_place(d->pf, d->patch_path,
						    d->orig_path,
						    d->source_path) < 0)
			goto fail;
	} else if (d->source_path) {
		klp_err("--source %s: only with --patch (it is where the patch's hunks are placed)",
			d->source_path);
		goto fail;
	}
	if (open_side(d->orig_path, &d->orig_elf, &d->orig_rec) ||
	    open_side(d->patched_path, &d->patched_elf, &d->patched_rec))
		goto fail;
	if (!klp_elf_is_relocatable(d->orig_elf) ||
	    !klp_elf_is_relocatable(d->patched_elf)) {
		klp_err("%s: ORIG and PATCHED must be relocatable objects (vmlinux.o), not linked files",
			klp_elf_is_relocatable(d->orig_elf) ? d->patched_path :
							      d->orig_path);
		goto fail;
	}
	if (klp_kallsyms_is_module(d->orig_elf) !=
	    klp_kallsyms_is_module(d->patched_elf)) {
		klp_err("%s is a module and %s is not: ORIG and PATCHED must be the same object of two builds",
			klp_kallsyms_is_module(d->orig_elf) ? d->orig_path : d->patched_path,
			klp_kallsyms_is_module(d->orig_elf) ? d->patched_path : d->orig_path);
		goto fail;
	}
	if (d->linked_path && klp_kallsyms_is_module(d->orig_elf)) {
		klp_err("%s: --orig-linked is for vmlinux.o; a module's positions come from the .ko itself",
			d->linked_path);
		goto fail;
	}
	if (d->linked_path) {
		d->linked_elf = klp_elf_open(d->linked_path);
		if (!d->linked_elf)
			goto fail;
		if (klp_elf_is_relocatable(d->linked_elf)) {
			klp_err("%s: --orig-linked needs the linked vmlinux, not a relocatable object",
				d->linked_path);
			goto fail;
		}
	}
	d->c = klp_correlate(d->orig_rec, d->patched_rec);
	if (!d->c)
		goto fail;
	d->cc = klp_codecmp_new(d->c);
	d->sel = klp_select_new(d->c);
	if (!d->cc || !d->sel) {
		if (!klp_errmsg()[0])
			klp_err("out of memory");
		goto fail;
	}
	opts.codecmp = codecmp_adapter;
	opts.codecmp_strict = codecmp_strict_adapter;
	opts.codecmp_data = codecmp_data_adapter;
	opts.codecmp_arg = d->cc;
	if (klp_select_compare(d->sel))
		goto fail;
	if (d->pf && klp_patch_check(d->pf, d->patch_path, d->c,
				     klp_select_result(d->sel), d->orig_path,
				     d->patched_path, &d->pc)) {
		if (d->pc.noutside) {
			printf("klp-gen diff %s -> %s\nchanges in no file of the patch %s: %zu\n",
			       d->orig_path, d->patched_path, d->patch_path,
			       d->pc.noutside);
			report_outside(stdout, d);
			fflush(stdout);
		}
		goto fail;
	}
	if (klp_select_run(d->sel, &opts) || compute_sympos(d))
		goto fail;
	r = klp_select_result(d->sel);
	plan = build_plan(d);
	if (!plan)
		goto fail;
	if (write_file(d->plan_path, emit_plan, plan))
		goto fail;
	if (d->json_path && write_file(d->json_path, emit_json, d)) {
		remove(d->plan_path);
		goto fail;
	}
	write_report(stdout, d);
	if (fflush(stdout)) {
		klp_err("stdout: write error");
		goto fail;
	}
	if (plan->nrefusals) {
		for (size_t i = r->nrefusals; i < plan->nrefusals; i++)
			printf("refuse: %s\n", plan->refusals[i].text);
		klp_err("the patch is refused (%zu reason%s, see the report and the plan's refuse lines)",
			plan->nrefusals, plan->nrefusals > 1 ? "s" : "");
		goto fail;
	}
	for (size_t i = 0; i < plan->objects[0].ncallbacks; i++)
		printf("callback %s: %s (new code, copied into the module)\n",
		       klp_callback_kind_name(plan->objects[0].callbacks[i].kind),
		       plan->objects[0].callbacks[i].new_sym);
	if (!r->nrepl)
		fprintf(stderr, "klp-gen: %s -> %s: no function's machine code changed: the plan replaces nothing (nothing to patch)\n",
			d->orig_path, d->patched_path);
	ret = 0;
fail:
	if (ret)
		klp_report(klp_errmsg());
	klp_plan_free(plan);
	klp_patch_check_release(&d->pc);
	klp_patch_files_free(d->pf);
	free(d->sympos);
	klp_select_free(d->sel);
	klp_codecmp_free(d->cc);
	klp_corr_free(d->linked_c);
	klp_corr_free(d->c);
	klp_record_free(d->linked_rec);
	klp_record_free(d->patched_rec);
	klp_record_free(d->orig_rec);
	klp_elf_close(d->linked_elf);
	klp_elf_close(d->patched_elf);
	klp_elf_close(d->orig_elf);
	return ret;
}

int cmd_diff(int argc, char **argv)
{
	struct diff_ctx d = { 0 };
	const char *pos[2];
	int n = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **opt = NULL;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(diff_usage, stdout);
			return 0;
		}
		if (!strcmp(a, "-o"))
			opt = &d.plan_path;
		else if (!strcmp(a, "--json"))
			opt = &d.json_path;
		else if (!strcmp(a, "--orig-linked"))
			opt = &d.linked_path;
		else if (!strcmp(a, "--patch"))
			opt = &d.patch_path;
		else if (!strcmp(a, "--source"))
			opt = &d.source_path;
		if (opt) {
			if (i + 1 >= argc) {
				fprintf(stderr, "klp-gen diff: %s needs an argument\n%s",
					a, diff_usage);
				return 2;
			}
			*opt = argv[++i];
			continue;
		}
		if (a[0] == '-' && a[1]) {
			fprintf(stderr, "klp-gen diff: unknown option %s\n%s",
				a, diff_usage);
			return 2;
		}
		if (n == 2) {
			fprintf(stderr, "klp-gen diff: too many arguments\n%s",
				diff_usage);
			return 2;
		}
		pos[n++] = a;
	}
	if (n != 2 || !d.plan_path) {
		fprintf(stderr, "klp-gen diff: ORIG, PATCHED and -o PLAN are needed\n%s",
			diff_usage);
		return 2;
	}
	d.orig_path = pos[0];
	d.patched_path = pos[1];
	return diff_run(&d);
}
