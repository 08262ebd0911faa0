// SPDX-License-Identifier: GPL-2.0
/*
 * `klp-gen plan ORIG.o PATCH.diff`: before any rebuild, map each hunk of a
 * source patch to the source functions of the ORIGINAL record whose line
 * range holds a changed line, then close over provenance as `diff` does but
 * without the machine-code check (docs/selection.md): an upper bound of
 * what `diff` will select.  Every hunk that touches no function body is
 * listed, never dropped.
 *
 * The record's `file` is the path the compiler saw (relative to the kernel
 * source dir in an O= build, or absolute); a hunk's path (-p1) matches a
 * record file equal to it or ending in "/" + it, through a hash table of
 * every record file's '/'-suffixes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "klp/correlate.h"
#include "klp/elf.h"
#include "klp/error.h"
#include "klp/record.h"
#include "klp/select.h"
#include "klp/udiff.h"

static const char plan_usage[] =
	"usage: klp-gen plan ORIG PATCH\n"
	"\n"
	"Map the hunks of the unified diff PATCH (paths as for `patch -p1`,\n"
	"relative to the kernel source dir) to the functions of ORIG (the\n"
	"original vmlinux.o or .o, with its klp-lto record) that a live patch\n"
	"would replace: functions whose body a hunk changes, every function\n"
	"they were inlined into, and IPO candidates (an upper bound: `klp-gen\n"
	"diff` confirms them by machine code after the rebuild).  Hunks that\n"
	"touch no function body are listed as such.\n";

/* One distinct record file and the source identities with lines in it. */
struct file_ent {
	const char *file;
	uint32_t *ids;
	size_t nids, cap;
	struct klp_hnode node;
};

/* One '/'-suffix of a record file (the whole name is one too). */
struct suffix {
	const char *s;
	struct file_ent *fe;
	struct klp_hnode node;
};

struct planner {
	struct klp_corr *c;
	struct klp_select *sel;
	size_t nsrc;
	bool *is_data;
	unsigned int *hunk_of;		/* per source id: first hunk, 0 none */
	struct file_ent *files;
	size_t nfiles;
	struct klp_htab file_by_name;
	struct suffix *sufs;
	size_t nsufs;
	struct klp_htab suf_by_name;
};

static int add_id(struct file_ent *fe, uint32_t id)
{
	if (fe->nids == fe->cap) {
		size_t cap = fe->cap ? fe->cap * 2 : 8;
		uint32_t *v = realloc(fe->ids, cap * sizeof(*v));

		if (!v)
			return klp_err("out of memory");
		fe->ids = v;
		fe->cap = cap;
	}
	fe->ids[fe->nids++] = id;
	return 0;
}

static const struct klp_src *lined(const struct klp_corr_src *cs)
{
	const struct klp_src *s = cs->orig;

	if (cs->is_extern || !s || (s->flags & KLP_SRC_NODEBUG) ||
	    !s->line_begin)
		return NULL;
	return s;
}

static int index_files(struct planner *p)
{
	size_t nsuf = 0;

	p->files = calloc(p->nsrc + 1, sizeof(*p->files));
	if (!p->files || klp_htab_init(&p->file_by_name, p->nsrc))
		return klp_err("out of memory");
	for (uint32_t id = 0; id < p->nsrc; id++) {
		struct klp_corr_src *cs = klp_corr_src(p->c, id);
		uint64_t h;
		struct file_ent *fe = NULL, *pos;

		if (!lined(cs))
			continue;
		h = klp_hash_str(cs->file);
		klp_htab_for_each(pos, &p->file_by_name, h, struct file_ent,
				  node)
			if (!strcmp(pos->file, cs->file)) {
				fe = pos;
				break;
			}
		if (!fe) {
			fe = &p->files[p->nfiles++];
			fe->file = cs->file;
			if (klp_htab_add(&p->file_by_name, &fe->node, h))
				return klp_err("out of memory");
			for (const char *q = fe->file; *q; q++)
				nsuf += *q == '/';
			nsuf++;
		}
		if (add_id(fe, id))
			return -1;
	}
	p->sufs = calloc(nsuf + 1, sizeof(*p->sufs));
	if (!p->sufs || klp_htab_init(&p->suf_by_name, nsuf))
		return klp_err("out of memory");
	for (size_t i = 0; i < p->nfiles; i++) {
		const char *f = p->files[i].file;

		for (const char *q = f; q; q = strchr(q, '/')) {
			struct suffix *sf;

			if (*q == '/')
				q++;
			if (!*q)
				break;
			sf = &p->sufs[p->nsufs++];
			sf->s = q;
			sf->fe = &p->files[i];
			if (klp_htab_add(&p->suf_by_name, &sf->node,
					 klp_hash_str(q)))
				return klp_err("out of memory");
		}
	}
	return 0;
}

/* Is the change inside [begin, end]? An insertion must fall between two body lines. */
static bool change_in(const struct klp_udiff_change *ch, const struct klp_src *s)
{
	if (ch->insert)
		return ch->line >= s->line_begin && ch->line + 1 <= s->line_end;
	return ch->line >= s->line_begin && ch->line <= s->line_end;
}

/* The old-side line a change is about, for messages. */
static unsigned long change_line(const struct klp_udiff_change *ch)
{
	return ch->insert ? ch->line + 1 : ch->line;
}

static int map_hunk(struct planner *p, const struct klp_udiff_hunk *h,
		    FILE *out)
{
	unsigned long lo = 0, hi = 0;
	const char *var = NULL;
	size_t nfe = 0, nout = 0;
	struct suffix *sf;

	klp_htab_for_each(sf, &p->suf_by_name, klp_hash_str(h->file),
			  struct suffix, node)
		if (!strcmp(sf->s, h->file))
			nfe++;
	if (h->new_file || !nfe) {
		fprintf(out, "hunk %u %s:%lu: not in a function body (%s)\n",
			h->index, h->file, h->old_start,
			h->new_file ? "a new file: nothing of it runs in the original kernel" :
			"no function of the original build has its body in this file");
		return 0;
	}
	for (size_t c = 0; c < h->nchanges; c++) {
		const struct klp_udiff_change *ch = &h->changes[c];
		bool hit = false;

		klp_htab_for_each(sf, &p->suf_by_name, klp_hash_str(h->file),
				  struct suffix, node) {
			if (strcmp(sf->s, h->file))
				continue;
			for (size_t i = 0; i < sf->fe->nids; i++) {
				uint32_t id = sf->fe->ids[i];
				const struct klp_src *s =
					lined(klp_corr_src(p->c, id));

				if (!change_in(ch, s))
					continue;
				if (p->is_data[id]) {
					var = s->name;
					continue;
				}
				hit = true;
				if (!p->hunk_of[id])
					p->hunk_of[id] = h->index;
				if (klp_select_mark_changed(p->sel, id))
					return -1;
			}
		}
		if (hit)
			continue;
		if (!nout++)
			lo = hi = change_line(ch);
		if (change_line(ch) < lo)
			lo = change_line(ch);
		if (change_line(ch) > hi)
			hi = change_line(ch);
	}
	if (!nout)
		return 0;
	fprintf(out, "hunk %u %s:%lu", h->index, h->file, lo);
	if (hi != lo)
		fprintf(out, "-%lu", hi);
	if (var)
		fprintf(out, ": not in a function body (the definition of variable %s: diff refuses a changed initializer or layout)\n",
			var);
	else
		fputs(": not in a function body (a declaration, macro, type, initializer or text between functions: rebuild and run klp-gen diff to see its effect)\n",
		      out);
	return 0;
}

static const char *id_file(struct planner *p, uint32_t id)
{
	struct klp_corr_src *cs = klp_corr_src(p->c, id);

	return cs->is_extern ? "extern" : klp_select_path(cs->file);
}

static void print_src(struct planner *p, FILE *out, uint32_t id)
{
	fprintf(out, "%s (%s", klp_corr_src(p->c, id)->name, id_file(p, id));
	if (p->hunk_of[id])
		fprintf(out, ", hunk %u", p->hunk_of[id]);
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
				p->hunk_of[klp_corr_src_of_orig(p->c,
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

static int plan_run(const char *orig_path, const char *patch_path)
{
	struct planner p = { 0 };
	struct klp_select_opts opts = { 0 };
	struct klp_record *rec = NULL;
	struct klp_udiff *d = NULL;
	struct klp_elf *elf = NULL;
	char *buf = NULL;
	size_t buflen = 0;
	FILE *out = NULL;
	int ret = 1;

	d = klp_udiff_read(patch_path);
	if (!d)
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
	p.nsrc = klp_corr_nsrc(p.c);
	p.sel = klp_select_new(p.c);
	p.is_data = calloc(p.nsrc + 1, sizeof(*p.is_data));
	p.hunk_of = calloc(p.nsrc + 1, sizeof(*p.hunk_of));
	if (!p.sel || !p.is_data || !p.hunk_of) {
		klp_err("out of memory");
		goto fail;
	}
	for (size_t b = 0; b < rec->nblob; b++)
		for (uint32_t i = 0; i < rec->blobs[b].nfunc; i++) {
			struct klp_func *f = &rec->blobs[b].funcs[i];

			if (f->src && (f->flags & KLP_FUNC_DATA))
				p.is_data[klp_corr_src_of_orig(p.c, f->src)->id] =
					true;
		}
	if (index_files(&p))
		goto fail;
	/* the report is built in memory: nothing is printed on an error */
	out = open_memstream(&buf, &buflen);
	if (!out) {
		klp_err("out of memory");
		goto fail;
	}
	for (size_t i = 0; i < d->nhunks; i++)
		if (map_hunk(&p, &d->hunks[i], out))
			goto fail;
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
	for (size_t i = 0; i < p.nfiles; i++)
		free(p.files[i].ids);
	free(p.files);
	free(p.sufs);
	klp_htab_free(&p.file_by_name);
	klp_htab_free(&p.suf_by_name);
	free(p.is_data);
	free(p.hunk_of);
	klp_select_free(p.sel);
	klp_corr_free(p.c);
	klp_record_free(rec);
	klp_elf_close(elf);
	klp_udiff_free(d);
	return ret;
}

int cmd_plan(int argc, char **argv)
{
	const char *args[2];
	int n = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(plan_usage, stdout);
			return 0;
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
	return plan_run(args[0], args[1]);
}
