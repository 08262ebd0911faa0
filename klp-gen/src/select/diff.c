// SPDX-License-Identifier: GPL-2.0
/*
 * `klp-gen diff`'s work (klp/diff.h): compare, select, name each replaced
 * function by its kallsyms position, write the plan and the reports.
 *
 * Each replaced function is named by the ORIGINAL's exact symbol with its
 * kallsyms position, computed against the linked original vmlinux
 * (--orig-linked), where the kernel looks it up; without it (tests on plain
 * .o files) the position is the 1-based rank, in symbol table order, among
 * the function symbols of that name in ORIG (0 if the name is unique).
 */
#include <stdio.h>
#include <stdlib.h>

#include "klp/callbacks.h"
#include "klp/codecmp.h"
#include "klp/diff.h"
#include "klp/error.h"
#include "klp/kallsyms.h"
#include "klp/modinfo.h"
#include "klp/outfile.h"
#include "klp/report.h"

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
static struct klp_symbol *linked_sym(struct klp_diff *d,
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
	/*
	 * several locals of that name: pair them through the records (the
	 * record needs the whole model, relocations included)
	 */
	if (!d->linked_c) {
		klp_elf_close(d->linked_elf);
		d->linked_elf = klp_elf_open(d->linked_path);
		if (!d->linked_elf)
			return NULL;
		d->linked_rec = klp_record_read_no_edges(d->linked_elf);
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

/*
 * The linked vmlinux with the symbols of the replaced functions' names
 * only (klp_elf_open_names()): all but a few of its million symbols would
 * be held for nothing.
 */
static int open_linked(struct klp_diff *d, const struct klp_select_result *r)
{
	const char **names = calloc(r->nrepl + 1, sizeof(*names));

	if (!names)
		return klp_err("out of memory");
	for (size_t i = 0; i < r->nrepl; i++)
		names[i] = r->repl[i].orig->sym->name;
	klp_elf_close(d->linked_elf);
	d->linked_elf = klp_elf_open_names(d->linked_path, names, r->nrepl);
	free(names);
	return d->linked_elf ? 0 : -1;
}

static int compute_sympos(struct klp_diff *d)
{
	const struct klp_select_result *r = klp_select_result(d->sel);

	d->sympos = calloc(r->nrepl + 1, sizeof(*d->sympos));
	if (!d->sympos)
		return klp_err("out of memory");
	if (d->linked_elf && open_linked(d, r))
		return -1;
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

static struct klp_plan *build_plan(struct klp_diff *d)
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
		for (size_t k = 0; k < rp->nvia; k++)
			if (klp_plan_add_via(rep, klp_select_src_file(c, rp->via[k]),
					     klp_corr_src_name(c, rp->via[k])))
				goto fail;
	}
	/* Changed but unreachable: verify and extract read them. */
	for (size_t i = 0; i < r->nunreachable; i++) {
		struct klp_func *f = r->unreachable[i].orig;
		struct klp_func *p = klp_corr_patched_of(c, f);

		if (!klp_plan_add_unreachable(plan, obj, f->sym->name,
					      p && p->sym ? p->sym->name :
							    NULL))
			goto fail;
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

static int open_side(const char *path, struct klp_elf **elf,
		     struct klp_record **rec)
{
	*elf = klp_elf_open(path);
	if (!*elf)
		return -1;
	*rec = klp_record_read(*elf);
	return *rec ? 0 : -1;
}

/* klp_outfile_write()'s writers of the plan and of the JSON report. */
static int write_plan(FILE *out, void *plan)
{
	return klp_plan_write(out, plan);
}

static int write_json(FILE *out, void *d)
{
	klp_report_json(out, d);
	return 0;
}

int klp_diff_run(struct klp_diff *d, FILE *report)
{
	struct klp_select_opts opts = { 0 };
	const struct klp_select_result *r;
	struct klp_plan *plan = NULL;
	int ret = -1;

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
	/* Made again by select's first lookup by place: not at the peaks. */
	klp_elf_drop_pos_index(d->orig_elf);
	klp_elf_drop_pos_index(d->patched_elf);
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
		/* Checked now; its symbols are read once diff knows which. */
		d->linked_elf = klp_elf_open_names(d->linked_path,
						   (const char *[]){ NULL }, 0);
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
	opts.cc = d->cc;
	if (klp_select_compare(d->sel))
		goto fail;
	if (d->pf && klp_patch_check(d->pf, d->patch_path, d->c,
				     klp_select_result(d->sel), d->orig_path,
				     d->patched_path, &d->pc)) {
		if (d->pc.noutside) {
			fprintf(report, "klp-gen diff %s -> %s\nchanges in no file of the patch %s: %zu\n",
				d->orig_path, d->patched_path, d->patch_path,
				d->pc.noutside);
			klp_report_outside(report, d);
			fflush(report);
		}
		goto fail;
	}
	if (klp_select_run(d->sel, &opts) || compute_sympos(d))
		goto fail;
	r = klp_select_result(d->sel);
	plan = build_plan(d);
	if (!plan)
		goto fail;
	if (klp_outfile_write(d->plan_path, write_plan, plan))
		goto fail;
	if (d->json_path && klp_outfile_write(d->json_path, write_json, d)) {
		remove(d->plan_path);
		goto fail;
	}
	klp_report_text(report, d);
	if (fflush(report)) {
		klp_err("stdout: write error");
		goto fail;
	}
	if (plan->nrefusals) {
		for (size_t i = r->nrefusals; i < plan->nrefusals; i++)
			fprintf(report, "refuse: %s\n", plan->refusals[i].text);
		klp_err("the patch is refused (%zu reason%s, see the report and the plan's refuse lines)",
			plan->nrefusals, plan->nrefusals > 1 ? "s" : "");
		goto fail;
	}
	for (size_t i = 0; i < plan->objects[0].ncallbacks; i++)
		fprintf(report, "callback %s: %s (new code, copied into the module)\n",
			klp_callback_kind_name(plan->objects[0].callbacks[i].kind),
			plan->objects[0].callbacks[i].new_sym);
	d->nunreachable = r->nunreachable;
	ret = r->nrepl ? 0 : 1;
fail:
	klp_plan_free(plan);
	klp_patch_check_release(&d->pc);
	klp_patch_files_free(d->pf);
	free(d->sympos);
	klp_select_free(d->sel);
	klp_codecmp_free(d->cc);
	klp_corr_free(d->linked_c);
	klp_corr_free(d->c);
	if (!d->keep_models)
		klp_diff_release_models(d);
	return ret;
}

void klp_diff_release_models(struct klp_diff *d)
{
	klp_record_free(d->linked_rec);
	klp_record_free(d->patched_rec);
	klp_record_free(d->orig_rec);
	klp_elf_close(d->linked_elf);
	klp_elf_close(d->patched_elf);
	klp_elf_close(d->orig_elf);
	d->linked_rec = d->patched_rec = d->orig_rec = NULL;
	d->linked_elf = d->patched_elf = d->orig_elf = NULL;
}

