// SPDX-License-Identifier: GPL-2.0
/*
 * Hunks to source functions (klp/hunk_map.h).  The hunks' files go into a
 * klp/pathset.h set; each source with lines is looked up once by its
 * record file and filed under every hunk file it names, so a hunk only
 * visits the sources of its own file.
 */
#include <stdlib.h>
#include <string.h>

#include "klp/error.h"
#include "klp/grow.h"
#include "klp/hunk_map.h"
#include "klp/pathset.h"

/* The source ids whose body is in one of the patch's files. */
struct id_list {
	uint32_t *ids;
	size_t n, cap;
};

struct mapper {
	struct klp_corr *c;
	struct klp_select *sel;
	struct klp_hunk_map *m;
	bool *is_data;			/* per source id */
	struct klp_pathset *paths;
	struct id_list *by_path;	/* per pathset index */
	size_t cap_outside;
};

static int add_id(struct id_list *l, uint32_t id)
{
	if (klp_grow(&l->ids, &l->cap, l->n + 1, sizeof(*l->ids)))
		return -1;
	l->ids[l->n++] = id;
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

static int index_sources(struct mapper *mp, const struct klp_udiff *d)
{
	size_t nsrc = klp_corr_nsrc(mp->c);

	mp->paths = klp_pathset_new();
	mp->by_path = calloc(d->nhunks + 1, sizeof(*mp->by_path));
	if (!mp->paths || !mp->by_path)
		return klp_err("out of memory");
	for (size_t i = 0; i < d->nhunks; i++)
		if (!d->hunks[i].new_file &&
		    klp_pathset_add(mp->paths, d->hunks[i].file) < -1)
			return -1;
	for (uint32_t id = 0; id < nsrc; id++) {
		struct klp_corr_src *cs = klp_corr_src(mp->c, id);
		const char *q = klp_corr_src_file(mp->c, id);
		long i;

		if (!lined(cs))
			continue;
		while ((i = klp_pathset_next(mp->paths, &q)) >= 0)
			if (add_id(&mp->by_path[i], id))
				return -1;
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

static int add_outside(struct mapper *mp, const struct klp_udiff_hunk *h,
		       enum klp_hunk_outside_kind kind, unsigned long lo,
		       unsigned long hi, const char *var)
{
	struct klp_hunk_map *m = mp->m;

	if (klp_grow(&m->outside, &mp->cap_outside, m->noutside + 1,
		     sizeof(*m->outside)))
		return -1;
	m->outside[m->noutside++] = (struct klp_hunk_outside){
		.hunk = h, .kind = kind, .lo = lo, .hi = hi, .var = var,
	};
	return 0;
}

static int map_hunk(struct mapper *mp, const struct klp_udiff_hunk *h)
{
	unsigned long lo = 0, hi = 0;
	unsigned long at = h->placed ? h->where : h->old_start;
	const char *var = NULL;
	size_t nout = 0;
	long pi = h->new_file ? -1 : klp_pathset_find(mp->paths, h->file);
	const struct id_list *l = pi >= 0 ? &mp->by_path[pi] : NULL;

	if (h->new_file)
		return add_outside(mp, h, KLP_HUNK_NEW_FILE, at, at, NULL);
	if (!l || !l->n)
		return add_outside(mp, h, KLP_HUNK_NO_FUNCTION, at, at, NULL);
	for (size_t c = 0; c < h->nchanges; c++) {
		const struct klp_udiff_change *ch = &h->changes[c];
		bool hit = false;

		for (size_t i = 0; i < l->n; i++) {
			uint32_t id = l->ids[i];
			const struct klp_src *s = lined(klp_corr_src(mp->c, id));

			if (!change_in(ch, s))
				continue;
			if (mp->is_data[id]) {
				var = klp_str(klp_corr_orig(mp->c), s->name);
				continue;
			}
			hit = true;
			if (!mp->m->hunk_of[id])
				mp->m->hunk_of[id] = h->index;
			if (klp_select_mark_changed(mp->sel, id))
				return -1;
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
	return add_outside(mp, h, var ? KLP_HUNK_VARIABLE : KLP_HUNK_BETWEEN,
			   lo, hi, var);
}

int klp_hunk_map(struct klp_hunk_map *m, struct klp_corr *c,
		 const struct klp_record *rec, const struct klp_udiff *d,
		 struct klp_select *sel)
{
	size_t nsrc = klp_corr_nsrc(c);
	struct mapper mp = { .c = c, .sel = sel, .m = m };
	int ret = -1;

	memset(m, 0, sizeof(*m));
	m->hunk_of = calloc(nsrc + 1, sizeof(*m->hunk_of));
	mp.is_data = calloc(nsrc + 1, sizeof(*mp.is_data));
	if (!m->hunk_of || !mp.is_data) {
		klp_err("out of memory");
		goto out;
	}
	/* a source id is a variable if an emitted variable of the record has it */
	for (size_t b = 0; b < rec->nblob; b++)
		for (uint32_t i = 0; i < rec->blobs[b].nfunc; i++) {
			const struct klp_func *f = &rec->blobs[b].funcs[i];

			if (f->src && (f->flags & KLP_FUNC_DATA))
				mp.is_data[klp_corr_src_id_of_orig(c, f->src)] =
					true;
		}
	if (index_sources(&mp, d))
		goto out;
	for (size_t i = 0; i < d->nhunks; i++)
		if (map_hunk(&mp, &d->hunks[i]))
			goto out;
	ret = 0;
out:
	if (mp.by_path)
		for (size_t i = 0; i < d->nhunks; i++)
			free(mp.by_path[i].ids);
	free(mp.by_path);
	klp_pathset_free(mp.paths);
	free(mp.is_data);
	return ret;
}

void klp_hunk_map_release(struct klp_hunk_map *m)
{
	free(m->hunk_of);
	free(m->outside);
	memset(m, 0, sizeof(*m));
}

void klp_hunk_outside_print(FILE *out, const struct klp_hunk_outside *o)
{
	fprintf(out, "hunk %u %s:%lu", o->hunk->index, o->hunk->file, o->lo);
	switch (o->kind) {
	case KLP_HUNK_NEW_FILE:
		fputs(": not in a function body (a new file: nothing of it runs in the original kernel)\n",
		      out);
		return;
	case KLP_HUNK_NO_FUNCTION:
		fputs(": not in a function body (no function of the original build has its body in this file)\n",
		      out);
		return;
	case KLP_HUNK_VARIABLE:
	case KLP_HUNK_BETWEEN:
		break;
	}
	if (o->hi != o->lo)
		fprintf(out, "-%lu", o->hi);
	if (o->kind == KLP_HUNK_VARIABLE)
		fprintf(out, ": not in a function body (the definition of variable %s: diff refuses a changed initializer or layout)\n",
			o->var);
	else
		fputs(": not in a function body (a declaration, macro, type, initializer or text between functions: rebuild and run klp-gen diff to see its effect)\n",
		      out);
}
