// SPDX-License-Identifier: GPL-2.0
/*
 * `klp-gen plan ORIG.o PATCH.diff`: before any rebuild, map each hunk of a
 * source patch to the source functions of the ORIGINAL record whose line
 * range holds a changed line, then close over provenance as `diff` does but
 * without the machine-code check (docs/selection.md): an upper bound of
 * what `diff` will select.  Every hunk that touches no function body is
 * listed, never dropped.
 *
 * The hunks are first placed against the original source as patch(1)
 * places them (klp/hunk_place.h), then mapped to functions
 * (klp/hunk_map.h); this file only reads the inputs and prints.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "klp/correlate.h"
#include "klp/elf.h"
#include "klp/error.h"
#include "klp/hunk_map.h"
#include "klp/hunk_place.h"
#include "klp/record.h"
#include "klp/select.h"
#include "klp/udiff.h"

static const char plan_usage[] =
	"usage: klp-gen plan [--source DIR | --stated-lines] ORIG PATCH\n"
	"\n"
	"Map the hunks of the unified diff PATCH (paths as for `patch -p1`,\n"
	"relative to the kernel source dir) to the functions of ORIG (the\n"
	"original vmlinux.o or .o, with its klp-lto record) that a live patch\n"
	"would replace: functions whose body a hunk changes, every function\n"
	"they were inlined into, and IPO candidates (an upper bound: `klp-gen\n"
	"diff` confirms them by machine code after the rebuild).  Hunks that\n"
	"touch no function body are listed as such.\n"
	"Each hunk is first placed against the original source as patch(1)\n"
	"places it (offset, fuzz 2): --source DIR, or by default the `source`\n"
	"link of the O= build dir ORIG is in (or an in-tree build's dir).  A\n"
	"hunk that cannot be placed is an error, and so is no source found.\n"
	"--stated-lines: no source; take the patch's line numbers as they are\n"
	"(right only for a patch made against ORIG's very source; for records\n"
	"without one, as bench/gen-record.c makes).\n";

struct planner {
	struct klp_corr *c;
	struct klp_select *sel;
	struct klp_hunk_map map;
};

static const char *id_file(struct planner *p, uint32_t id)
{
	struct klp_corr_src *cs = klp_corr_src(p->c, id);

	return cs->is_extern ? "extern" : klp_select_path(cs->file);
}

static void print_src(struct planner *p, FILE *out, uint32_t id)
{
	fprintf(out, "%s (%s", klp_corr_src(p->c, id)->name, id_file(p, id));
	if (p->map.hunk_of[id])
		fprintf(out, ", hunk %u", p->map.hunk_of[id]);
	fputc(')', out);
}

static void print_func(FILE *out, const struct klp_func *f)
{
	fprintf(out, "%s (%s)", f->sym->name,
		klp_select_path(f->src ? f->src->file : f->blob->unit));
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
		print_func(out, rp->orig);
		fprintf(out, ": %s", klp_select_reason_text(rp->reason));
		if (rp->reason == KLP_PLAN_CHANGED) {
			fprintf(out, " (hunk %u)",
				p->map.hunk_of[klp_corr_src_of_orig(p->c,
						rp->orig->src)->id]);
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
	for (size_t i = 0; i < r->nindirect; i++) {
		fputs("not replaced itself: ", out);
		print_func(out, r->indirect[i].orig);
		fprintf(out, ": %s\n", r->indirect[i].text);
	}
	for (size_t i = 0; i < r->nskipped; i++) {
		fputs("skipped: ", out);
		print_func(out, r->skipped[i].orig);
		fprintf(out, ": %s\n", r->skipped[i].text);
	}
	for (size_t i = 0; i < r->nrefusals; i++)
		fprintf(out, "refused: %s\n", r->refusals[i]);
	fprintf(out, "summary changed=%zu replace=%zu candidates=%zu refusals=%zu\n",
		r->changed.n, nrep, ncand, r->nrefusals);
}

static int plan_run(const char *orig_path, const char *patch_path,
		    const char *source, bool stated)
{
	struct planner p = { 0 };
	struct klp_select_opts opts = { 0 };
	struct klp_record *rec = NULL;
	struct klp_udiff *d = NULL;
	struct klp_elf *elf = NULL;
	char *found = NULL, *buf = NULL;
	size_t buflen = 0;
	FILE *out = NULL;
	int ret = 1;

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
	fwrite(buf, 1, buflen, stdout);
	ret = fflush(stdout) ? 1 : 0;
	if (ret)
		klp_err("stdout: write error");
fail:
	if (ret)
		klp_report(klp_errmsg());
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

int cmd_plan(int argc, char **argv)
{
	const char *args[2], *source = NULL;
	bool stated = false;
	int n = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(plan_usage, stdout);
			return 0;
		}
		if (!strcmp(argv[i], "--source")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "klp-gen plan: --source needs an argument\n%s",
					plan_usage);
				return 2;
			}
			source = argv[++i];
			continue;
		}
		if (!strcmp(argv[i], "--stated-lines")) {
			stated = true;
			continue;
		}
		if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "klp-gen plan: unknown option %s\n%s",
				argv[i], plan_usage);
			return 2;
		}
		if (n == 2) {
			fprintf(stderr, "klp-gen plan: too many arguments\n%s",
				plan_usage);
			return 2;
		}
		args[n++] = argv[i];
	}
	if (n != 2) {
		fprintf(stderr, "klp-gen plan: ORIG and PATCH are needed\n%s",
			plan_usage);
		return 2;
	}
	if (stated && source) {
		fprintf(stderr, "klp-gen plan: --source and --stated-lines exclude each other\n%s",
			plan_usage);
		return 2;
	}
	return plan_run(args[0], args[1], source, stated);
}
