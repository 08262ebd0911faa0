// SPDX-License-Identifier: GPL-2.0
/*
 * `klp-gen plan`'s work (klp/hunk_plan.h): before any rebuild, the hunks of
 * a source patch placed against the original source as patch(1) places
 * them (klp/hunk_place.h), mapped to the source functions of the ORIGINAL
 * record whose line range holds a changed line (klp/hunk_map.h), then closed
 * over provenance as `diff` does but without the machine-code check
 * (docs/selection.md): an upper bound of what `diff` will select.  Every
 * hunk that touches no function body is listed, never dropped.
 */
#include <stdio.h>
#include <stdlib.h>

#include "klp/correlate.h"
#include "klp/elf.h"
#include "klp/error.h"
#include "klp/hunk_map.h"
#include "klp/hunk_place.h"
#include "klp/hunk_plan.h"
#include "klp/record.h"
#include "klp/select.h"
#include "klp/udiff.h"

struct planner {
	struct klp_corr *c;
	struct klp_select *sel;
	struct klp_hunk_map map;
};

static void print_src(struct planner *p, FILE *out, uint32_t id)
{
	fprintf(out, "%s (%s", klp_corr_src_name(p->c, id), klp_select_src_file(p->c, id));
	if (p->map.hunk_of[id])
		fprintf(out, ", hunk %u", p->map.hunk_of[id]);
	fputc(')', out);
}

static void print_notes(FILE *out, const char *what,
			const struct klp_select_note *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%s%s (%s): %s\n", what, v[i].orig->sym->name,
			klp_select_func_file(v[i].orig), v[i].text);
}

static void print_result(struct planner *p, FILE *out)
{
	const struct klp_select_result *r = klp_select_result(p->sel);
	size_t nrep = 0, ncand = 0;

	for (size_t i = 0; i < r->changed.n; i++) {
		fputs("changed ", out);
		print_src(p, out, r->changed.ids[i]);
		fputc('\n', out);
	}
	for (size_t i = 0; i < r->nrepl; i++) {
		const struct klp_select_repl *rp = &r->repl[i];

		if (rp->reason == KLP_PLAN_IPO) {
			ncand++;
			fputs("candidate ", out);
		} else {
			nrep++;
			fputs("replace ", out);
		}
		fprintf(out, "%s (%s)", rp->orig->sym->name,
			klp_select_func_file(rp->orig));
		fprintf(out, ": %s", klp_select_reason_text(rp->reason));
		if (rp->reason == KLP_PLAN_CHANGED) {
			fprintf(out, " (hunk %u)",
				p->map.hunk_of[klp_corr_src_id_of_orig(p->c,
						rp->orig->src)]);
			if (rp->nvia)
				fputs(", inlines", out);
		}
		for (size_t k = 0; k < rp->nvia; k++) {
			fputs(k ? ", " : " ", out);
			print_src(p, out, rp->via[k]);
		}
		if (rp->reason == KLP_PLAN_IPO)
			fputs(" (upper bound: diff keeps it only if its machine code differs)",
			      out);
		else if (rp->reason == KLP_PLAN_CALLER)
			fputs(", which cannot be patched itself", out);
		fputc('\n', out);
	}
	print_notes(out, "not replaced itself: ", r->indirect, r->nindirect);
	print_notes(out, "not replaced, unreachable: ", r->unreachable,
		    r->nunreachable);
	print_notes(out, "skipped: ", r->skipped, r->nskipped);
	for (size_t i = 0; i < r->nrefusals; i++)
		fprintf(out, "refused: %s\n", r->refusals[i]);
	fprintf(out, "summary changed=%zu replace=%zu candidates=%zu refusals=%zu\n",
		r->changed.n, nrep, ncand, r->nrefusals);
}

int klp_hunk_plan_run(const char *orig_path, const char *patch_path,
		      const char *source, bool stated, char **report,
		      size_t *report_len)
{
	struct planner p = { 0 };
	struct klp_select_opts opts = { 0 };
	struct klp_record *rec = NULL;
	struct klp_udiff *d = NULL;
	struct klp_elf *elf = NULL;
	char *found = NULL, *buf = NULL;
	size_t buflen = 0;
	FILE *out = NULL;
	int ret = -1;

	d = klp_udiff_read(patch_path);
	if (!d)
		goto fail;
	if (!stated && !source &&
	    !(source = found = klp_source_find(orig_path, d)))
		goto fail;
	if (!stated && klp_hunks_place(d, patch_path, source))
		goto fail;
	elf = klp_elf_open(orig_path);
	if (!elf)
		goto fail;
	rec = klp_record_read(elf);
	if (!rec)
		goto fail;
	/* a build paired with itself: its source identities, nothing more */
	p.c = klp_correlate(rec, rec);
	if (!p.c)
		goto fail;
	p.sel = klp_select_new(p.c);
	if (!p.sel) {
		klp_err("out of memory");
		goto fail;
	}
	if (klp_hunk_map(&p.map, p.c, rec, d, p.sel))
		goto fail;
	/* the report is built in memory: nothing is printed on an error */
	out = open_memstream(&buf, &buflen);
	if (!out) {
		klp_err("out of memory");
		goto fail;
	}
	if (stated)
		fprintf(out, "patch %s: hunks taken at their stated lines (--stated-lines: not placed against a source)\n",
			patch_path);
	else
		fprintf(out, "patch %s: applies to %s\n", patch_path, source);
	for (size_t i = 0; i < d->nhunks; i++)
		klp_hunk_place_print(out, &d->hunks[i]);
	for (size_t i = 0; i < p.map.noutside; i++)
		klp_hunk_outside_print(out, &p.map.outside[i]);
	if (klp_select_run(p.sel, &opts))
		goto fail;
	print_result(&p, out);
	if (fclose(out)) {
		out = NULL;
		klp_err("out of memory");
		goto fail;
	}
	out = NULL;
	*report = buf;
	*report_len = buflen;
	buf = NULL;
	ret = 0;
fail:
	if (out)
		fclose(out);
	free(buf);
	free(found);
	klp_hunk_map_release(&p.map);
	klp_select_free(p.sel);
	klp_corr_free(p.c);
	klp_record_free(rec);
	klp_elf_close(elf);
	klp_udiff_free(d);
	return ret;
}

