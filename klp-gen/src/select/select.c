// SPDX-License-Identifier: GPL-2.0
/*
 * Selection (klp/select.h, docs/selection.md).
 *
 * State lives in flat arrays: per source identity (klp_corr_src id) and per
 * func of the ORIGINAL record (numbered blob by blob).  The IPO closure walks
 * a reverse index, built once in O(edges): for each source, the funcs with a
 * CALLEE or CALLER edge to it in either build, and the funcs of the sources
 * that a patched function newly calls; and per func the sources it inlines.
 * Nothing reads an edge after that: the records drop theirs (at 1M
 * functions 69 MB each).  Finding who references a function (needed
 * only when a selected function cannot be patched itself, or a removed one
 * may still be called) scans the relocations once per round for a whole set
 * of wanted targets.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "klp/error.h"
#include "klp/select.h"
#include "klp/unreachable.h"
#include "klp/x86_decode.h"

#define NONE		UINT32_MAX
#define FENTRY_WINDOW	16	/* endbr64 (4) + call (5), with room */

enum {
	S_CHANGED = 0x1,	/* a changed function source */
	S_DATA = 0x2,		/* the source of a variable */
	S_EMIT_O = 0x4,		/* has a kept func in ORIGINAL */
	S_EMIT_P = 0x8,		/* has a kept func in PATCHED */
	S_AFFECTED = 0x10,	/* in the IPO closure's queue */
	S_CHDATA = 0x20,	/* changed data */
	S_DSAME = 0x40,		/* changed data, bytes same but a build ID */
	S_DDIFF = 0x80,		/* changed data, bytes differ */
};

enum {
	F_SEEN = 0x1,		/* considered as an IPO candidate */
	F_DROPPED = 0x2,	/* replaced through its callers instead */
	F_WANTED = 0x4,		/* target of the current reference scan */
	F_REMOVED = 0x8,	/* its source was removed */
	F_NOPEER = 0x10,	/* dropped for want of a patched peer */
	F_REFD = 0x20,		/* the reference scan found a reference */
};

struct klp_select {
	struct klp_corr *c;
	struct klp_record *orig;
	size_t nsrc;
	uint8_t *sflags;		/* per source id */
	size_t nfunc;
	struct klp_func *funcs;		/* per flat func: orig's func_pool */
	uint8_t *fflags;		/* per flat func */
	/* 32-bit: the entries they count are uint32_t (prefix_sum()) */
	uint32_t *repl_of;		/* per flat func: repl index + 1, or 0 */
	uint32_t *ipo_start;		/* per source id, nsrc + 1 entries */
	uint32_t *ipo_funcs;		/* flat funcs */
	uint32_t *own_start;		/* per source id, nsrc + 1 entries */
	uint32_t *own_funcs;		/* flat funcs, by own source */
	uint32_t *inl_start;		/* per flat func, nfunc + 1 entries */
	uint32_t *inl_ids;		/* the source ids they inline */
	uint32_t *stamp;		/* per source id: dedupe of vias */
	uint32_t cur_stamp;
	bool has_run;
	struct klp_x86_dec *x86;	/* made on first use (pcrel_place()) */
	const struct klp_select_opts *opts;
	struct klp_select_result r;
};

static size_t flat_of(const struct klp_select *s, const struct klp_func *f)
{
	return (size_t)(f - s->funcs);
}

static bool starts(const char *s, const char *prefix)
{
	return s && !strncmp(s, prefix, strlen(prefix));
}

static int oom(void)
{
	return klp_err("out of memory");
}

static int ids_add(struct klp_select_ids *l, uint32_t id)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		uint32_t *p = realloc(l->ids, cap * sizeof(*p));

		if (!p)
			return oom();
		l->ids = p;
		l->cap = cap;
	}
	l->ids[l->n++] = id;
	return 0;
}

static char *vfmt(const char *fmt, va_list ap)
{
	va_list aq;
	char *p;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		return NULL;
	p = malloc((size_t)n + 1);
	if (p)
		vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

static int refuse(struct klp_select *s, const char *fmt, ...)
	KLP_PRINTF(2, 3);
static int refuse(struct klp_select *s, const char *fmt, ...)
{
	char **v = realloc(s->r.refusals,
			   (s->r.nrefusals + 1) * sizeof(*v));
	va_list ap;

	if (!v)
		return oom();
	s->r.refusals = v;
	va_start(ap, fmt);
	v[s->r.nrefusals] = vfmt(fmt, ap);
	va_end(ap);
	if (!v[s->r.nrefusals])
		return oom();
	s->r.nrefusals++;
	return 0;
}

static int note(struct klp_select_note **arr, size_t *n,
		struct klp_func *f, uint32_t via, const char *fmt, ...)
	KLP_PRINTF(5, 6);
static int note(struct klp_select_note **arr, size_t *n,
		struct klp_func *f, uint32_t via, const char *fmt, ...)
{
	struct klp_select_note *v = realloc(*arr, (*n + 1) * sizeof(*v));
	va_list ap;

	if (!v)
		return oom();
	*arr = v;
	v[*n].orig = f;
	v[*n].via = via;
	va_start(ap, fmt);
	v[*n].text = vfmt(fmt, ap);
	va_end(ap);
	if (!v[*n].text)
		return oom();
	(*n)++;
	return 0;
}

static uint32_t id_of(const struct klp_select *s, const struct klp_func *f)
{
	return f->src ? klp_corr_src_id_of_orig(s->c, f->src) : NONE;
}

const char *klp_select_path(const char *file)
{
	while (file[0] == '.' && file[1] == '/' && file[2])
		file += 2;
	return file;
}

const char *klp_select_src_file(struct klp_corr *c, uint32_t id)
{
	return klp_corr_src(c, id)->is_extern ? "extern" :
	       klp_select_path(klp_corr_src_file(c, id));
}

const char *klp_select_func_file(const struct klp_func *f)
{
	return klp_select_path(f->src ? klp_str(f->blob->rec, f->src->file) :
				 f->blob->unit);
}

/* Is section name @sec one of code that ran at boot (or never runs)? */
static bool init_section(const char *sec)
{
	return starts(sec, ".init") || starts(sec, ".exit");
}

static bool in_init(const struct klp_func *f)
{
	if (f->src && init_section(klp_str(f->blob->rec, f->src->section)))
		return true;
	return f->sec && init_section(f->sec->name);
}

static bool is_code(const struct klp_func *f)
{
	return !f->discarded && !(f->flags & KLP_FUNC_DATA) && f->sym;
}

static bool ipo_kind(uint32_t kind)
{
	return kind == KLP_EDGE_CALLEE || kind == KLP_EDGE_CALLER;
}

/*
 * One entry of the reverse IPO index: when source @key is affected, the
 * ORIGINAL func @j is a candidate.  The builder calls this twice per entry
 * (count, then fill).
 */
static void ipo_put(struct klp_select *s, int pass, uint32_t key, size_t j)
{
	if (!pass)
		s->ipo_start[key + 2]++;
	else
		s->ipo_funcs[s->ipo_start[key + 1]++] = (uint32_t)j;
}

/*
 * The CALLEE/CALLER edges of the patched build, mapped to ORIGINAL funcs
 * through the correlation: @pf's peer gets the same entries as its own
 * edges would give it.  And the call edges that only the patched build
 * has: a CALLEE (or INLINE) edge from @pf to a source X that @pf's peer
 * has no edge to means that X gained a caller.  ThinLTO may then import X
 * (or code that calls X) into @pf's unit and promote X's statics, which
 * changes their linkage and so their code (a non-local function gets an
 * endbr64; IPO can no longer specialise it for its known callers).  So
 * every ORIGINAL func of source X is a candidate once @pf's own source is
 * affected: the edge read backwards.
 */
static void ipo_patched_entries(struct klp_select *s, int pass,
				struct klp_func *pf)
{
	struct klp_func *g = klp_corr_orig_of(s->c, pf);
	uint32_t caller;

	if (pf->discarded || (pf->flags & KLP_FUNC_DATA) || !pf->src)
		return;
	caller = klp_corr_src_id_of_patched(s->c, pf->src);
	s->cur_stamp++;
	if (g && is_code(g))
		for (uint32_t e = 0; e < g->nedge; e++)
			s->stamp[klp_corr_edge_src_id_of_orig(s->c, g, &klp_func_edges(g)[e])] =
				s->cur_stamp;
	for (uint32_t e = 0; e < pf->nedge; e++) {
		uint32_t kind = klp_func_edges(pf)[e].kind;
		uint32_t id = klp_corr_edge_src_id_of_patched(s->c, pf, &klp_func_edges(pf)[e]);

		if (g && is_code(g) && ipo_kind(kind))
			ipo_put(s, pass, id, flat_of(s, g));
		if ((kind != KLP_EDGE_CALLEE && kind != KLP_EDGE_INLINE) ||
		    s->stamp[id] == s->cur_stamp || id == caller)
			continue;
		s->stamp[id] = s->cur_stamp;	/* once per target */
		for (size_t k = s->own_start[id]; k < s->own_start[id + 1];
		     k++)
			ipo_put(s, pass, caller, s->own_funcs[k]);
	}
}

/* The counts (at [id + 2]) become running totals; -1 past 32 bits. */
static int prefix_sum(uint32_t *v, size_t n)
{
	uint64_t sum = 0;

	for (size_t i = 2; i < n; i++) {
		sum += v[i];
		if (sum > UINT32_MAX)
			return klp_err("too many provenance entries for 32-bit indexes");
		v[i] = (uint32_t)sum;
	}
	return 0;
}

/* Per source, the ORIGINAL funcs (code) whose own source it is. */
static int build_own_index(struct klp_select *s)
{
	s->own_start = calloc(s->nsrc + 2, sizeof(*s->own_start));
	s->own_funcs = malloc((s->nfunc + 1) * sizeof(*s->own_funcs));
	if (!s->own_start || !s->own_funcs)
		return oom();
	for (int pass = 0; pass < 2; pass++) {
		for (size_t j = 0; j < s->nfunc; j++) {
			uint32_t id = id_of(s, &s->funcs[j]);

			if (!is_code(&s->funcs[j]) || id == NONE)
				continue;
			if (!pass)
				s->own_start[id + 2]++;
			else
				s->own_funcs[s->own_start[id + 1]++] =
					(uint32_t)j;
		}
		if (!pass && prefix_sum(s->own_start, s->nsrc + 2))
			return -1;
	}
	return 0;
}

/*
 * The reverse IPO index: per source, the ORIGINAL funcs with an IPO edge
 * to it, in either build (see ipo_patched_entries()).  And per ORIGINAL
 * func (code), the sources of its INLINE edges, in edge order.
 */
static int build_ipo_index(struct klp_select *s)
{
	struct klp_record *p = klp_corr_patched(s->c);
	size_t total = 0, n = 0;

	if (build_own_index(s))
		return -1;
	s->ipo_start = calloc(s->nsrc + 2, sizeof(*s->ipo_start));
	s->inl_start = calloc(s->nfunc + 1, sizeof(*s->inl_start));
	if (!s->ipo_start || !s->inl_start)
		return oom();
	for (int pass = 0; pass < 2; pass++, n = 0) {
		for (size_t j = 0; j < s->nfunc; j++) {
			struct klp_func *f = &s->funcs[j];

			const struct klp_edge *ed = klp_func_edges(f);

			s->inl_start[j] = n;
			for (uint32_t e = 0; is_code(f) && e < f->nedge; e++) {
				uint32_t id = klp_corr_edge_src_id_of_orig(
					s->c, f, &ed[e]);

				if (ipo_kind(ed[e].kind))
					ipo_put(s, pass, id, j);
				else if (ed[e].kind == KLP_EDGE_INLINE && pass)
					s->inl_ids[n++] = id;
				else if (ed[e].kind == KLP_EDGE_INLINE)
					n++;
			}
		}
		s->inl_start[s->nfunc] = n;
		/* plan has no patched build (the ORIGINAL twice) */
		for (size_t b = 0; p != s->orig && b < p->nblob; b++)
			for (uint32_t i = 0; i < p->blobs[b].nfunc; i++)
				ipo_patched_entries(s, pass,
						    &p->blobs[b].funcs[i]);
		if (!pass) {
			if (prefix_sum(s->ipo_start, s->nsrc + 2) ||
			    n > UINT32_MAX)
				return klp_err("too many provenance entries for 32-bit indexes");
			total = s->ipo_start[s->nsrc + 1];
			s->ipo_funcs = malloc((total + 1) *
					      sizeof(*s->ipo_funcs));
			s->inl_ids = malloc((n + 1) * sizeof(*s->inl_ids));
			if (!s->ipo_funcs || !s->inl_ids)
				return oom();
		}
	}
	/* ipo_start[id] .. ipo_start[id + 1] now delimit source id */
	free(s->own_start);
	free(s->own_funcs);
	s->own_start = NULL;
	s->own_funcs = NULL;
	return 0;
}

struct klp_select *klp_select_new(struct klp_corr *c)
{
	struct klp_select *s = calloc(1, sizeof(*s));
	struct klp_record *recs[2];

	if (!s) {
		oom();
		return NULL;
	}
	s->c = c;
	s->orig = klp_corr_orig(c);
	recs[0] = s->orig;
	recs[1] = klp_corr_patched(c);
	s->nsrc = klp_corr_nsrc(c);
	s->nfunc = s->orig->nfunc;
	s->sflags = calloc(s->nsrc + 1, 1);
	s->stamp = calloc(s->nsrc + 1, sizeof(*s->stamp));
	s->funcs = s->orig->func_pool;
	s->fflags = calloc(s->nfunc + 1, 1);
	s->repl_of = calloc(s->nfunc + 1, sizeof(*s->repl_of));
	if (!s->sflags || !s->stamp || !s->fflags || !s->repl_of) {
		oom();
		goto fail;
	}
	for (int k = 0; k < 2; k++)
		for (size_t b = 0; b < recs[k]->nblob; b++) {
			struct klp_blob *bl = &recs[k]->blobs[b];

			for (uint32_t i = 0; i < bl->nfunc; i++) {
				struct klp_func *f = &bl->funcs[i];
				uint32_t id;

				if (!f->src)
					continue;
				id = k ? klp_corr_src_id_of_patched(c, f->src) :
					 klp_corr_src_id_of_orig(c, f->src);
				if (f->flags & KLP_FUNC_DATA)
					s->sflags[id] |= S_DATA;
				if (!f->discarded)
					s->sflags[id] |=
						k ? S_EMIT_P : S_EMIT_O;
			}
		}
	if (build_ipo_index(s))
		goto fail;
	klp_record_drop_edges(recs[0]);
	klp_record_drop_edges(recs[1]);
	return s;
fail:
	klp_select_free(s);
	return NULL;
}

static void free_notes(struct klp_select_note *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].text);
	free(v);
}

/* The state and indexes: after klp_select_run() only the result is read. */
static void free_state(struct klp_select *s)
{
	void *v[] = { s->sflags, s->stamp, s->fflags,
		      s->repl_of, s->ipo_start, s->ipo_funcs, s->own_start,
		      s->own_funcs, s->inl_start, s->inl_ids };

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		free(v[i]);
}

void klp_select_free(struct klp_select *s)
{
	if (!s)
		return;
	klp_x86_dec_free(s->x86);
	free(s->r.changed.ids);
	free(s->r.new_funcs.ids);
	free(s->r.removed_funcs.ids);
	free(s->r.changed_data.ids);
	free(s->r.new_data.ids);
	free(s->r.removed_data.ids);
	for (size_t i = 0; i < s->r.nrepl; i++)
		free(s->r.repl[i].via);
	free(s->r.repl);
	free_notes(s->r.ipo_same, s->r.nipo_same);
	free_notes(s->r.same_code, s->r.nsame_code);
	free_notes(s->r.indirect, s->r.nindirect);
	free_notes(s->r.skipped, s->r.nskipped);
	free_notes(s->r.unreachable, s->r.nunreachable);
	for (size_t i = 0; i < s->r.nrefusals; i++)
		free(s->r.refusals[i]);
	free(s->r.refusals);
	if (!s->has_run)
		free_state(s);
	free(s);
}

const struct klp_select_result *klp_select_result(const struct klp_select *s)
{
	return &s->r;
}

int klp_select_mark_changed(struct klp_select *s, uint32_t id)
{
	if (id >= s->nsrc)
		return klp_err("source id %u out of range", id);
	if (s->sflags[id] & S_CHANGED)
		return 0;
	s->sflags[id] |= S_CHANGED;
	return ids_add(&s->r.changed, id);
}

struct data_node {
	struct klp_hnode node;
	uint32_t id;
	bool paired;
};

static uint64_t data_key(const struct klp_corr *c, uint32_t id)
{
	uint64_t h = klp_hash_str(klp_corr_src_file(c, id));

	h = klp_hash_pair(h, klp_hash_str(klp_corr_src_unit(c, id)));
	return klp_hash_pair(h, klp_role_hash(klp_corr_src_name(c, id)));
}

static bool data_key_eq(const struct klp_corr *c, uint32_t a, uint32_t b)
{
	return !strcmp(klp_corr_src_file(c, a), klp_corr_src_file(c, b)) &&
	       !strcmp(klp_corr_src_unit(c, a), klp_corr_src_unit(c, b)) &&
	       klp_role_eq(klp_corr_src_name(c, a), klp_corr_src_name(c, b));
}

/* Is @name promoted (a ".llvm.<hash>" suffix), and not compiler-private? */
static bool promoted_name(const char *name)
{
	return name[0] != '.' && klp_role_len(name) != strlen(name);
}

/*
 * A promoted static variable's source name carries its ".llvm.<hash>", and
 * the hash changes with its file: such a variable shows up as removed and
 * new.  Pair those by (file, unit, name without the suffix) and compare
 * their fingerprints, so that a changed initializer is not missed.
 * Compiler-private names (".str.5...") are numbered by the compiler and not
 * paired: a string literal is copied with the new code that uses it.
 */
static int pair_promoted_data(struct klp_select *s)
{
	struct klp_select_ids *rm = &s->r.removed_data, *nw = &s->r.new_data;
	struct data_node *nodes = calloc(rm->n + 1, sizeof(*nodes));
	struct klp_htab t;
	size_t k = 0, m = 0;
	int ret = -1;

	if (!nodes || klp_htab_init(&t, rm->n)) {
		free(nodes);
		return oom();
	}
	for (size_t i = 0; i < rm->n; i++) {
		nodes[i].id = rm->ids[i];
		if (!promoted_name(klp_corr_src_name(s->c, rm->ids[i])))
			continue;
		if (klp_htab_add(&t, &nodes[i].node,
				 data_key(s->c, rm->ids[i])))
			goto out;
	}
	for (size_t i = 0; i < nw->n; i++) {
		struct klp_corr_src *cn = klp_corr_src(s->c, nw->ids[i]);
		struct data_node *pos, *peer = NULL;

		if (promoted_name(klp_corr_src_name(s->c, cn->id)))
			klp_htab_for_each(pos, &t, data_key(s->c, cn->id),
					  struct data_node, node) {
				if (!pos->paired &&
				    data_key_eq(s->c, pos->id, cn->id)) {
					peer = pos;
					break;
				}
			}
		if (!peer) {
			nw->ids[k++] = nw->ids[i];
			continue;
		}
		peer->paired = true;
		if (klp_corr_src(s->c, peer->id)->orig->fingerprint !=
		    cn->patched->fingerprint &&
		    ids_add(&s->r.changed_data, peer->id))
			goto out;
	}
	nw->n = k;
	for (size_t i = 0; i < rm->n; i++)
		if (!nodes[i].paired)
			rm->ids[m++] = rm->ids[i];
	rm->n = m;
	ret = 0;
out:
	klp_htab_free(&t);
	free(nodes);
	return ret;
}

int klp_select_compare(struct klp_select *s)
{
	for (uint32_t id = 0; id < s->nsrc; id++) {
		struct klp_corr_src *cs = klp_corr_src(s->c, id);
		bool data = s->sflags[id] & S_DATA;
		int ret = 0;

		if (cs->is_extern)
			continue;
		if (cs->orig && cs->patched) {
			if (cs->orig->fingerprint == cs->patched->fingerprint)
				continue;
			ret = data ? ids_add(&s->r.changed_data, id) :
				     klp_select_mark_changed(s, id);
		} else if (cs->patched && (s->sflags[id] & S_EMIT_P)) {
			ret = ids_add(data ? &s->r.new_data :
					     &s->r.new_funcs, id);
		} else if (cs->orig && (s->sflags[id] & S_EMIT_O)) {
			ret = ids_add(data ? &s->r.removed_data :
					     &s->r.removed_funcs, id);
		}
		if (ret)
			return -1;
	}
	return pair_promoted_data(s);
}

static struct klp_select_repl *add_repl(struct klp_select *s,
					struct klp_func *f,
					enum klp_plan_reason reason)
{
	struct klp_select_repl *v, *r;
	size_t j = flat_of(s, f);

	v = realloc(s->r.repl, (s->r.nrepl + 1) * sizeof(*v));
	if (!v) {
		oom();
		return NULL;
	}
	s->r.repl = v;
	r = &v[s->r.nrepl++];
	memset(r, 0, sizeof(*r));
	r->orig = f;
	r->reason = reason;
	if (s->opts->cc)
		r->patched = klp_corr_patched_of(s->c, f);
	s->repl_of[j] = s->r.nrepl;
	return r;
}

static int repl_add_via(struct klp_select_repl *r, uint32_t id)
{
	uint32_t *v = realloc(r->via, (r->nvia + 1) * sizeof(*v));

	if (!v)
		return oom();
	r->via = v;
	r->via[r->nvia++] = id;
	return 0;
}

/* Marks @id affected and queues it for the IPO closure. */
static void affect(struct klp_select *s, uint32_t id, uint32_t *queue,
		   size_t *tail)
{
	if (id == NONE || (s->sflags[id] & S_AFFECTED))
		return;
	s->sflags[id] |= S_AFFECTED;
	queue[(*tail)++] = id;
}

/*
 * diff: is the code of @f, which must be replaced for the changed source
 * @via (its own or one it inlines), still the same as its peer's?  Then it
 * is noted "source changed, code identical" and not replaced (1); 0 if it
 * is to be replaced (or plan, or no peer: patchability() decides), -1 on
 * error.  Why this is safe: docs/selection.md.
 */
static int same_code(struct klp_select *s, struct klp_func *f, uint32_t via)
{
	const struct klp_select_opts *o = s->opts;
	struct klp_func *peer;
	int d;

	if (!o->cc)
		return 0;
	peer = klp_corr_patched_of(s->c, f);
	if (!peer)
		return 0;
	d = klp_codecmp_strict(o->cc, f->sym, peer->sym, NULL, 0);
	if (d)
		return d < 0 ? -1 : 0;
	if (note(&s->r.same_code, &s->r.nsame_code, f, via, "%s",
		 via == id_of(s, f) ? "source changed, code identical" :
		 "inlines a changed source, code identical"))
		return -1;
	return 1;
}

/* Step 2: own source changed, or a changed source inlined. */
static int must_replace(struct klp_select *s, uint32_t *queue, size_t *tail)
{
	for (size_t i = 0; i < s->r.changed.n; i++) {
		uint32_t id = s->r.changed.ids[i];
		struct klp_corr_src *cs = klp_corr_src(s->c, id);
		const char *sec = cs->orig ? klp_str(klp_corr_orig(s->c),
						     cs->orig->section) : "";

		affect(s, id, queue, tail);
		if (init_section(sec) &&
		    refuse(s, "__init code changed: %s (%s) is in section %s: it ran at boot and was freed, a live patch cannot change it",
			   klp_corr_src_name(s->c, id),
			   klp_select_path(klp_corr_src_file(s->c, id)), sec))
			return -1;
	}
	for (size_t j = 0; j < s->nfunc; j++) {
		struct klp_func *f = &s->funcs[j];
		uint32_t own = id_of(s, f);
		bool changed = own != NONE && (s->sflags[own] & S_CHANGED);
		struct klp_select_repl *r = NULL;
		uint32_t first = NONE;
		bool kept = false;	/* code identical: not replaced */
		int same;

		/* top-level asm: by its machine code (asm_changes()) */
		if (!is_code(f) || (f->flags & KLP_FUNC_ASM))
			continue;
		s->cur_stamp++;
		for (size_t e = s->inl_start[j]; e < s->inl_start[j + 1]; e++) {
			uint32_t id = s->inl_ids[e];

			if (!(s->sflags[id] & S_CHANGED) || id == own ||
			    s->stamp[id] == s->cur_stamp)
				continue;
			s->stamp[id] = s->cur_stamp;
			if (in_init(f)) {
				if (!changed && first == NONE &&
				    note(&s->r.skipped, &s->r.nskipped, f, id,
					 "__init code inlines it: it ran at boot and was freed, nothing to patch"))
					return -1;
				first = id;
				continue;
			}
			if (!r) {
				same = same_code(s, f, changed ? own : id);
				if (same < 0)
					return -1;
				if (same) {
					kept = true;
					break;
				}
				r = add_repl(s, f, changed ? KLP_PLAN_CHANGED :
							     KLP_PLAN_INLINES);
				if (!r)
					return -1;
			}
			if (repl_add_via(r, id))
				return -1;
		}
		if (changed && !r && !kept && !in_init(f)) {
			same = same_code(s, f, own);
			if (same < 0)
				return -1;
			kept = same;
			if (!same && !add_repl(s, f, KLP_PLAN_CHANGED))
				return -1;
		}
		if (kept)
			s->fflags[j] |= F_SEEN;	/* compared: no IPO candidate */
		/* its IR changed, so may what IPO inferred from it */
		if (s->repl_of[j] || changed || kept)
			affect(s, own, queue, tail);
	}
	return 0;
}

/* Step 3: the IPO closure, confirmed by machine code in diff. */
static int ipo_closure(struct klp_select *s, uint32_t *queue, size_t *tail)
{
	const struct klp_select_opts *o = s->opts;

	for (size_t head = 0; head < *tail; head++) {
		uint32_t id = queue[head];

		for (size_t k = s->ipo_start[id]; k < s->ipo_start[id + 1];
		     k++) {
			uint32_t j = s->ipo_funcs[k];
			struct klp_func *f = &s->funcs[j], *peer;
			char why[128] = "";
			int differs = 1;
			struct klp_select_repl *r;

			if (s->repl_of[j] || (s->fflags[j] & F_SEEN))
				continue;
			s->fflags[j] |= F_SEEN;
			if (in_init(f))
				continue;	/* ran at boot, freed */
			if (o->cc) {
				peer = klp_corr_patched_of(s->c, f);
				if (!peer)
					snprintf(why, sizeof(why),
						 "no counterpart in the patched build");
				else
					differs = klp_codecmp_sym(o->cc, f->sym,
								  peer->sym, why,
								  sizeof(why));
				if (differs < 0)
					return -1;
			}
			if (differs) {
				r = add_repl(s, f, KLP_PLAN_IPO);
				if (!r || repl_add_via(r, id))
					return -1;
				snprintf(r->detail, sizeof(r->detail), "%s",
					 why);
			} else if (note(&s->r.ipo_same, &s->r.nipo_same, f, id,
					"code unchanged")) {
				return -1;
			}
			/* IR facts flow on even if this code stayed the same */
			affect(s, id_of(s, f), queue, tail);
		}
	}
	return 0;
}

/*
 * Whether @sym (a function symbol of the ORIGINAL relocatable file) has a
 * call to __fentry__ among its first bytes, i.e. ftrace, and so livepatch,
 * can redirect it.  -1 on error.
 */
static int has_fentry(struct klp_elf *elf, const struct klp_symbol *sym)
{
	uint64_t end = sym->value + (sym->size && sym->size < FENTRY_WINDOW ?
				     sym->size : FENTRY_WINDOW);
	struct klp_reloc *v;
	size_t n;

	if (!sym->sec)
		return 0;
	if (klp_elf_relocs_in(elf, sym->sec, sym->value, end, &v, &n))
		return -1;
	for (size_t i = 0; i < n; i++)
		if (v[i].sym && v[i].sym->name &&
		    !strcmp(v[i].sym->name, "__fentry__"))
			return 1;
	return 0;
}

/* The function symbol of ORIGINAL whose code holds @sec + @off, or NULL. */
static struct klp_symbol *containing(const struct klp_select *s,
				     const struct klp_section *sec,
				     uint64_t off)
{
	return klp_elf_holder(s->orig->elf, sec, off, KLP_HOLD_FUNC);
}

/*
 * Sections whose references to a function describe that function (ftrace
 * sites, unwind and exception tables, patch sites: klp_describes_code(),
 * and .kcfi_traps) or belong to code that ran at boot: they neither call
 * it nor keep its address for later use.
 */
static bool metadata_section(const char *name)
{
	return !name || klp_describes_code(name) || starts(name, ".init") ||
	       starts(name, ".exit") || starts(name, ".kcfi_traps") ||
	       strstr(name, "initcall") != NULL;
}

static bool pc_relative(uint32_t type)
{
	return type == R_X86_64_PC32 || type == R_X86_64_PLT32;
}

/*
 * The place in @to that the PC-relative field @rel of @sec means, relative
 * to @to's start: addend + 4 + the size of the immediate after the field
 * (0 to 4 bytes).  Only when that window is not inside one function is the
 * function holding @rel decoded for the exact size; where it cannot be,
 * + 4 (calls and jumps, the usual references to code, have no immediate).
 * -1 on an error.
 */
static int pcrel_place(struct klp_select *s, struct klp_section *sec,
		       struct klp_section *to, const struct klp_reloc *rel,
		       int64_t *place)
{
	struct klp_symbol *holder, *t;
	const unsigned char *data;
	unsigned int tail = 0;
	uint64_t size;
	int r = 1;

	*place = rel->addend + 4;
	if (!(to->sh.sh_flags & SHF_EXECINSTR))
		return 0;	/* no function there either way */
	t = *place >= 0 ? containing(s, to, (uint64_t)*place) : NULL;
	if (t && t->size && (uint64_t)*place + 4 < t->value + t->size)
		return 0;
	holder = containing(s, sec, rel->offset);
	if (holder && holder->size && (sec->sh.sh_flags & SHF_EXECINSTR) &&
	    !klp_elf_section_data(s->orig->elf, sec, &data, &size) && data &&
	    holder->value + holder->size <= size) {
		if (!s->x86) {
			s->x86 = klp_x86_dec_new();
			if (!s->x86)
				return -1;
		}
		r = klp_x86_pcrel_tail(s->x86, data + holder->value,
				       holder->size, rel->offset - holder->value,
				       4, &tail);
		if (r < 0)
			return -1;
	}
	*place = rel->addend + 4 + (r ? 0 : tail);
	return 0;
}

/*
 * Calls @fn for every reference, from an allocated section, to a flat func
 * marked F_WANTED.  @fn gets the target, the section and offset of the
 * reference, and the function symbol that holds it (NULL if none).
 */
typedef int (*ref_fn)(struct klp_select *s, size_t target,
		      struct klp_section *from, uint64_t off,
		      struct klp_symbol *holder);

static int scan_refs(struct klp_select *s, ref_fn fn)
{
	struct klp_elf *elf = s->orig->elf;

	for (size_t i = 0; i < elf->nsec; i++) {
		struct klp_section *sec = &elf->secs[i];

		if (!sec->rela || !(sec->sh.sh_flags & SHF_ALLOC) ||
		    metadata_section(sec->name))
			continue;
		if (klp_elf_load_relocs(elf, sec))
			return -1;
		for (size_t k = 0; k < sec->nreloc; k++) {
			struct klp_reloc *rel = &sec->relocs[k];
			struct klp_symbol *t = rel->sym;
			struct klp_func *tf;

			if (!t || rel->type == R_X86_64_NONE)
				continue;	/* no reference (objtool, ld -r) */
			if (t->type == STT_SECTION && t->sec) {
				int64_t a = rel->addend;

				if (pc_relative(rel->type) &&
				    pcrel_place(s, sec, t->sec, rel, &a))
					return -1;
				if (a < 0)
					continue;
				t = containing(s, t->sec, (uint64_t)a);
				if (!t)
					continue;
			}
			for (tf = klp_record_func_of_sym(s->orig, t); tf;
			     tf = klp_record_next_func_of_sym(s->orig, tf)) {
				size_t j = flat_of(s, tf);

				if (!(s->fflags[j] & F_WANTED))
					continue;
				if (fn(s, j, sec, rel->offset,
				       containing(s, sec, rel->offset)))
					return -1;
				break;
			}
		}
	}
	return 0;
}

static struct klp_func *func_of_holder(const struct klp_select *s,
				       struct klp_symbol *holder)
{
	return holder ? klp_record_func_of_sym(s->orig, holder) : NULL;
}

/* A reference to an unpatchable selected function: select its holder. */
static int redirect_ref(struct klp_select *s, size_t target,
			struct klp_section *from, uint64_t off,
			struct klp_symbol *holder)
{
	struct klp_func *t = &s->funcs[target], *g;
	struct klp_select_repl *r;
	size_t gj;

	if (!(from->sh.sh_flags & SHF_EXECINSTR) ||
	    holder != t->sym)
		s->fflags[target] |= F_REFD;	/* not from its own code */
	if (!(from->sh.sh_flags & SHF_EXECINSTR))
		return refuse(s, "%s (%s) cannot be patched (%s) and its address is stored in %s+0x%llx, so patching its callers is not enough",
			      t->sym->name, klp_select_func_file(t),
			      s->fflags[target] & F_NOPEER ?
			      "no counterpart in the patched build" :
			      "no __fentry__ call",
			      from->name, (unsigned long long)off);
	g = func_of_holder(s, holder);
	if (!g)
		return refuse(s, "%s (%s) cannot be patched itself and is called from code without a record (%s+0x%llx)",
			      t->sym->name, klp_select_func_file(t), from->name,
			      (unsigned long long)off);
	gj = flat_of(s, g);
	if (gj == target || s->repl_of[gj] || (s->fflags[gj] & F_DROPPED) ||
	    in_init(g))
		return 0;
	r = add_repl(s, g, KLP_PLAN_CALLER);
	if (!r)
		return -1;
	return id_of(s, t) == NONE ? 0 : repl_add_via(r, id_of(s, t));
}

/*
 * An unpatchable selected function to which the scan found no reference:
 * no caller can stand in for it.  If nothing can reach it
 * (klp_unreachable(): no relocation to it anywhere, so no caller, its
 * address not taken, not exported), nothing needs replacing: noted in
 * place of its "patched through its callers" note, and named in the plan
 * (`unreachable`: verify accepts it after proving it again, and extract
 * copies its new code if replaced code calls it).  Else refused.
 */
static int unreferenced(struct klp_select *s, size_t j)
{
	struct klp_func *f = &s->funcs[j];
	char why[256] = "";
	int u = klp_unreachable(s->orig->elf, f->sym, why, sizeof(why));

	if (u < 0)
		return -1;
	if (!u)
		return refuse(s, "%s (%s) cannot be patched (%s) and has no caller that could be, but it cannot be shown unreachable: %s",
			      f->sym->name, klp_select_func_file(f),
			      s->fflags[j] & F_NOPEER ?
			      "no counterpart in the patched build" :
			      "no __fentry__ call", why);
	for (size_t i = 0; i < s->r.nindirect; i++)
		if (s->r.indirect[i].orig == f) {
			free(s->r.indirect[i].text);
			memmove(&s->r.indirect[i], &s->r.indirect[i + 1],
				(s->r.nindirect - i - 1) *
				sizeof(*s->r.indirect));
			s->r.nindirect--;
			break;
		}
	return note(&s->r.unreachable, &s->r.nunreachable, f, id_of(s, f),
		    "nothing can reach it (no caller, its address is not taken, not exported): nothing to patch");
}

/* Step 4: every selected function must be patchable, else its callers. */
static int patchability(struct klp_select *s)
{
	struct klp_elf *elf = s->orig->elf;
	size_t done = 0;

	while (done < s->r.nrepl) {
		size_t end = s->r.nrepl, nwanted = 0;

		for (size_t i = done; i < end; i++) {
			struct klp_select_repl *r = &s->r.repl[i];
			size_t j = flat_of(s, r->orig);
			const char *why = NULL;
			int fentry;

			/*
			 * plan: a candidate is only a possibility; whether it
			 * can be patched matters once diff confirms it.
			 */
			if (!s->opts->cc && r->reason == KLP_PLAN_IPO)
				continue;
			if (s->opts->cc && !r->patched) {
				why = klp_corr_func_ambiguous(s->c, r->orig) ?
				      "its counterpart in the patched build is ambiguous" :
				      "the patched build has no counterpart";
				s->fflags[j] |= F_NOPEER;
			}
			if (!why) {
				fentry = has_fentry(elf, r->orig->sym);
				if (fentry < 0)
					return -1;
				if (!fentry)
					why = "no __fentry__ call (notrace or not traceable)";
			}
			if (!why)
				continue;
			s->fflags[j] |= F_DROPPED | F_WANTED;
			nwanted++;
			if (note(&s->r.indirect, &s->r.nindirect, r->orig,
				 id_of(s, r->orig),
				 "%s: patched through its callers", why))
				return -1;
		}
		if (nwanted && scan_refs(s, redirect_ref))
			return -1;
		for (size_t j = 0; nwanted && j < s->nfunc; j++)
			if ((s->fflags[j] & (F_WANTED | F_REFD)) == F_WANTED &&
			    unreferenced(s, j))
				return -1;
		for (size_t j = 0; j < s->nfunc; j++)
			s->fflags[j] &= (uint8_t)~F_WANTED;
		done = end;
	}
	return 0;
}

static int removed_ref(struct klp_select *s, size_t target,
		       struct klp_section *from, uint64_t off,
		       struct klp_symbol *holder)
{
	struct klp_func *t = &s->funcs[target], *g;
	size_t gj;

	if (!(from->sh.sh_flags & SHF_EXECINSTR))
		return refuse(s, "removed function %s (%s) is still referenced from %s+0x%llx, which the patch leaves as it is",
			      t->sym->name, klp_select_func_file(t), from->name,
			      (unsigned long long)off);
	g = func_of_holder(s, holder);
	if (g) {
		gj = flat_of(s, g);
		if (gj == target || (s->fflags[gj] & F_REMOVED) ||
		    (s->repl_of[gj] && !(s->fflags[gj] & F_DROPPED)) ||
		    in_init(g))
			return 0;
	}
	return refuse(s, "removed function %s (%s) is still called from %s, which the patch leaves as it is",
		      t->sym->name, klp_select_func_file(t),
		      holder ? holder->name : from->name);
}

/* Step 5: a removed function must not stay reachable from old code. */
static int removed_still_called(struct klp_select *s)
{
	size_t nwanted = 0;

	for (size_t i = 0; i < s->r.removed_funcs.n; i++)
		s->stamp[s->r.removed_funcs.ids[i]] = UINT32_MAX;
	for (size_t j = 0; j < s->nfunc; j++) {
		struct klp_func *f = &s->funcs[j];
		uint32_t id = id_of(s, f);

		if (is_code(f) && id != NONE && s->stamp[id] == UINT32_MAX) {
			s->fflags[j] |= F_REMOVED | F_WANTED;
			nwanted++;
		}
	}
	if (nwanted && scan_refs(s, removed_ref))
		return -1;
	for (size_t j = 0; j < s->nfunc; j++)
		s->fflags[j] &= (uint8_t)~F_WANTED;
	return 0;
}

/*
 * diff only: functions without a source function, and those defined by
 * top-level asm (whose src entry only names the unit, with the
 * fingerprint of all of the unit's asm: any change there changes every
 * asm function's).  They are judged by their machine code alone: the same
 * code is no change (an asm function of a changed unit is noted "source
 * changed, code identical"); different code cannot be patched (no
 * __fentry__) and is refused.
 */
static int asm_changes(struct klp_select *s)
{
	const struct klp_select_opts *o = s->opts;

	for (size_t j = 0; j < s->nfunc; j++) {
		struct klp_func *f = &s->funcs[j], *peer;
		bool is_asm = f->src && (f->flags & KLP_FUNC_ASM);
		uint32_t own = id_of(s, f);
		char why[128] = "";
		int d;

		if (!is_code(f) || s->repl_of[j] || (f->src && !is_asm) ||
		    in_init(f))
			continue;
		peer = klp_corr_patched_of(s->c, f);
		if (!peer)
			continue;
		d = klp_codecmp_strict(o->cc, f->sym, peer->sym, why,
				       sizeof(why));
		if (d < 0)
			return -1;
		if (!d) {
			if (is_asm && (s->sflags[own] & S_CHANGED) &&
			    note(&s->r.same_code, &s->r.nsame_code, f, own,
				 "asm of the unit changed, code identical"))
				return -1;
			continue;
		}
		if (is_asm ? refuse(s, "%s (unit %s) is defined by top-level asm and its machine code changed (%s): it cannot be patched",
				    f->sym->name, f->blob->unit, why) :
			     refuse(s, "%s (unit %s) has no source identity in the record and its machine code changed (%s)",
				    f->sym->name, f->blob->unit, why))
			return -1;
	}
	return 0;
}

static int cmp_repl(const void *a, const void *b)
{
	const struct klp_select_repl *x = a, *y = b;
	const struct klp_func *f = x->orig, *g = y->orig;

	if (f->blob->index != g->blob->index)
		return f->blob->index < g->blob->index ? -1 : 1;
	return klp_func_index(f) < klp_func_index(g) ? -1 :
	       klp_func_index(f) > klp_func_index(g);
}

struct at_node {
	struct klp_hnode node;
	struct klp_func *f;
};

/*
 * Drops the functions replaced through callers, and aliases: two symbols of
 * one code (`__attribute__((alias))`, SYSCALL_DEFINE's __x64_sys_ names)
 * are one function for ftrace, replaced once, through the non-alias.  Then
 * sorts the rest into record order.
 */
static int finish(struct klp_select *s)
{
	struct at_node *nodes = calloc(s->r.nrepl + 1, sizeof(*nodes));
	struct klp_htab at;
	size_t n = 0;

	if (!nodes || klp_htab_init(&at, s->r.nrepl)) {
		free(nodes);
		return oom();
	}
	for (size_t i = 0; i < s->r.nrepl; i++) {
		struct klp_select_repl *r = &s->r.repl[i];
		uint64_t h = klp_hash_pair(r->orig->sec->idx,
					   r->orig->sec_offset);
		struct at_node *pos, *dup = NULL;

		if (s->fflags[flat_of(s, r->orig)] & F_DROPPED) {
			free(r->via);
			continue;
		}
		klp_htab_for_each(pos, &at, h, struct at_node, node)
			if (pos->f->sec == r->orig->sec &&
			    pos->f->sec_offset == r->orig->sec_offset)
				dup = pos;
		if (dup) {
			/* keep the non-alias one */
			if ((dup->f->flags & KLP_FUNC_ALIAS) &&
			    !(r->orig->flags & KLP_FUNC_ALIAS)) {
				for (size_t k = 0; k < n; k++)
					if (s->r.repl[k].orig == dup->f) {
						free(s->r.repl[k].via);
						s->r.repl[k] = *r;
					}
				dup->f = r->orig;
			} else {
				free(r->via);
			}
			continue;
		}
		nodes[i].f = r->orig;
		if (klp_htab_add(&at, &nodes[i].node, h)) {
			klp_htab_free(&at);
			free(nodes);
			return oom();
		}
		s->r.repl[n++] = *r;
	}
	klp_htab_free(&at);
	free(nodes);
	s->r.nrepl = n;
	if (n)
		qsort(s->r.repl, n, sizeof(*s->r.repl), cmp_repl);
	for (size_t j = 0; j < s->nfunc; j++)
		s->repl_of[j] = 0;
	for (size_t i = 0; i < n; i++)
		s->repl_of[flat_of(s, s->r.repl[i].orig)] = i + 1;
	return 0;
}

/*
 * Changed data is refused, except (diff) a variable whose bytes and
 * relocations are the same in both builds but for an embedded build ID
 * (klp_codecmp_data()): the vDSO image, whose build ID changes with any
 * change to its sources' text.  The running vDSO stays the old one, and
 * so does its build ID, which names it.
 */
static int changed_data(struct klp_select *s)
{
	const struct klp_select_opts *o = s->opts;

	for (size_t i = 0; i < s->r.changed_data.n; i++)
		s->sflags[s->r.changed_data.ids[i]] |= S_CHDATA;
	for (int pass = 0; o->cc && pass < 2; pass++)
		for (size_t j = 0; j < s->nfunc; j++) {
			struct klp_func *f = &s->funcs[j], *peer;
			uint32_t id = id_of(s, f);
			int d;

			if (!(f->flags & KLP_FUNC_DATA) || f->discarded ||
			    !f->sym || id == NONE ||
			    !(s->sflags[id] & S_CHDATA))
				continue;
			if (pass) {
				char why[128] = "";

				/* noted once, if no copy differs */
				if ((s->sflags[id] & (S_DSAME | S_DDIFF)) !=
				    S_DSAME)
					continue;
				s->sflags[id] &= (uint8_t)~S_CHDATA;
				peer = klp_corr_patched_of(s->c, f);
				if (peer && klp_codecmp_data(o->cc, f->sym,
							     peer->sym, why,
							     sizeof(why)) < 0)
					return -1;
				if (note(&s->r.same_code, &s->r.nsame_code, f,
					 id, "variable: %s", why))
					return -1;
				continue;
			}
			peer = klp_corr_patched_of(s->c, f);
			d = peer ? klp_codecmp_data(o->cc, f->sym, peer->sym,
						    NULL, 0) : 1;
			if (d < 0)
				return -1;
			s->sflags[id] |= d ? S_DDIFF : S_DSAME;
		}
	for (size_t i = 0; i < s->r.changed_data.n; i++) {
		uint32_t id = s->r.changed_data.ids[i];

		if ((s->sflags[id] & S_CHDATA) &&
		    refuse(s, "changed data: %s (%s): the layout or initializer of an existing variable changed; a live patch changes code, not data",
			   klp_corr_src_name(s->c, id),
			   klp_select_src_file(s->c, id)))
			return -1;
	}
	return 0;
}

int klp_select_run(struct klp_select *s, const struct klp_select_opts *o)
{
	uint32_t *queue;
	size_t tail = 0;
	int ret = -1;

	if (s->has_run)
		return klp_err("selection already ran");
	s->has_run = true;
	s->opts = o;
	queue = malloc((s->nsrc + 1) * sizeof(*queue));
	if (!queue)
		oom();
	if (!queue || changed_data(s) || must_replace(s, queue, &tail) ||
	    ipo_closure(s, queue, &tail))
		goto out;
	if (o->cc && asm_changes(s))
		goto out;
	if (patchability(s))
		goto out;
	if (s->r.removed_funcs.n && removed_still_called(s))
		goto out;
	if (finish(s))
		goto out;
	ret = 0;
out:
	free(queue);
	free_state(s);
	return ret;
}

const char *klp_select_reason_text(enum klp_plan_reason reason)
{
	static const char *const text[KLP_PLAN_NREASONS] = {
		[KLP_PLAN_CHANGED] = "changed",
		[KLP_PLAN_INLINES] = "inlines",
		[KLP_PLAN_IPO] = "ipo edge to",
		[KLP_PLAN_CALLER] = "caller of",
	};

	return (unsigned int)reason < KLP_PLAN_NREASONS ? text[reason] : "";
}
