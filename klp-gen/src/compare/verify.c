// SPDX-License-Identifier: GPL-2.0
/*
 * The verify walk (klp/verify.h, docs/selection.md "verify"): every emitted
 * function of ORIG paired with its peer in PATCHED through the records, its
 * final code compared twice, by klp/codecmp.h and by
 * klp/codecmp_independent.h, and the report built in memory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "klp/codecmp.h"
#include "klp/codecmp_independent.h"
#include "klp/correlate.h"
#include "klp/elf.h"
#include "klp/error.h"
#include "klp/grow.h"
#include "klp/hash.h"
#include "klp/kallsyms.h"
#include "klp/kcfi.h"
#include "klp/modinfo.h"
#include "klp/plan.h"
#include "klp/record.h"
#include "klp/verify.h"
#include "klp/unreachable.h"
#include "klp/verify_explain.h"
#include "code_facts.h"

enum line_kind {
	L_CHANGED,
	L_NEW,
	L_REMOVED,
	L_AMBIGUOUS,
	L_UNPAIRED,
	L_DISAGREE,
	L_NKINDS
};

static const char *const kind_names[L_NKINDS] = {
	"changed", "new", "removed", "ambiguous", "unpaired", "disagree",
};

/* One reported function. */
struct vline {
	enum line_kind kind;
	const struct klp_symbol *sym;		/* orig, or patched for new */
	const struct klp_symbol *peer;		/* patched, for changed */
	const char *file;			/* source file or NULL */
	int side;				/* 0: ORIG, 1: PATCHED */
	char *why;
	bool planned;				/* covered by a plan entry */
};

struct verify {
	struct klp_corr *corr;
	struct klp_codecmp *cc;
	struct klp_codecmp_ind *ci;		/* the second opinion */
	struct klp_record *rec[2];
	bool *seen[2];				/* per symbol number */
	struct vline *lines;
	size_t nlines, cap;
	size_t compared;
	const char *objname;			/* vmlinux or ORIG's module name */
	size_t nplanned;			/* the plan's entries for it */
	long nunreachable;			/* changed, unreachable: accepted */
};

static int add_line(struct verify *v, enum line_kind kind, int side,
		    const struct klp_symbol *sym, const struct klp_symbol *peer,
		    const struct klp_func *f, const char *why)
{
	struct vline *l;

	if (klp_grow(&v->lines, &v->cap, v->nlines + 1, sizeof(*l)))
		return -1;
	l = &v->lines[v->nlines];
	memset(l, 0, sizeof(*l));
	l->kind = kind;
	l->side = side;
	l->sym = sym;
	l->peer = peer;
	l->file = f && f->src ? klp_str(f->blob->rec, f->src->file) : NULL;
	if (why) {
		l->why = strdup(why);
		if (!l->why)
			return klp_err("out of memory");
	}
	v->nlines++;
	return 0;
}

static bool is_code(const struct klp_func *f)
{
	return !(f->flags & KLP_FUNC_DATA) && !f->discarded && f->sym;
}

/*
 * Both comparisons of one pair.  When they disagree the pair counts as
 * changed (the safe side for the plan check) and a disagree line names
 * both verdicts.
 */
static int compare_pair(struct verify *v, const struct klp_symbol *o,
			const struct klp_symbol *p, const struct klp_func *f)
{
	char why[512], why_ind[512], both[1100];
	int r = klp_codecmp_sym(v->cc, o, p, why, sizeof(why));
	int ri = r < 0 ? -1 : klp_codecmp_ind_sym(v->ci, o, p, why_ind,
						  sizeof(why_ind));

	if (r < 0 || ri < 0)
		return -1;
	v->compared++;
	if (r != ri) {
		snprintf(both, sizeof(both), "codecmp=%s independent=%s: %s",
			 r ? "changed" : "same", ri ? "changed" : "same",
			 r ? why : why_ind);
		if (add_line(v, L_DISAGREE, 0, o, p, f, both))
			return -1;
	}
	if (!r && !ri)
		return 0;
	return add_line(v, L_CHANGED, 0, o, p, f, r ? why : why_ind);
}

/*
 * Recorded functions: pairs first (@pairs), then (a second walk) those
 * without a peer.
 */
static int walk_recorded(struct verify *v, bool pairs)
{
	for (int k = 0; k < 2; k++) {
		struct klp_record *rec = v->rec[k];

		for (size_t b = 0; b < rec->nblob; b++)
			for (uint32_t i = 0; i < rec->blobs[b].nfunc; i++) {
				struct klp_func *f = &rec->blobs[b].funcs[i];
				struct klp_func *peer;
				enum line_kind kind = k ? L_NEW : L_REMOVED;

				if (!is_code(f) || v->seen[k][f->sym->idx])
					continue;
				if (pairs) {
					peer = k ? klp_corr_orig_of(v->corr, f) :
						   klp_corr_patched_of(v->corr, f);
					if (!peer || !peer->sym)
						continue;
					v->seen[k][f->sym->idx] = true;
					v->seen[!k][peer->sym->idx] = true;
					if (!k && compare_pair(v, f->sym,
							       peer->sym, f))
						return -1;
					continue;
				}
				v->seen[k][f->sym->idx] = true;
				if (klp_corr_func_ambiguous(v->corr, f))
					kind = L_AMBIGUOUS;
				if (add_line(v, kind, k, f->sym, NULL, f,
					     k ? "patched" : "orig"))
					return -1;
			}
	}
	return 0;
}

/* A function symbol that no record describes (assembly, linker-made). */
static bool unrecorded_func(const struct klp_record *rec,
			    struct klp_symbol *s)
{
	return s->type == STT_FUNC && s->sec && s->size && !cf_recorded(rec, s);
}

static bool name_defined(const struct klp_elf *elf, const char *name)
{
	for (struct klp_symbol *s = klp_elf_symbol_by_name(elf, name); s;
	     s = klp_elf_next_symbol_by_name(elf, s))
		if (s->sec && s->type == STT_FUNC)
			return true;
	return false;
}

/* The bytes of [@from, @to) of @sec, or NULL. */
static const unsigned char *span(const struct klp_elf *elf,
				 const struct klp_section *sec, uint64_t from,
				 uint64_t to)
{
	const unsigned char *d;
	uint64_t n, off = from - sec->sh.sh_addr;

	if (klp_elf_section_data(elf, sec, &d, &n) || !d || from > to ||
	    off > n || to - from > n - off)
		return NULL;
	return d + off;
}

/*
 * A kCFI preamble (`__cfi_<name>`, klp/kcfi.h) is not a function of its
 * own: it belongs to the function it precedes and is paired through it.
 * Its bytes are that function's type hash; a different hash is a change
 * of the function (every indirect call checks it).  A preamble on one side
 * only (the address taken or no longer taken) changes no code: extract
 * refuses a reference that would need one.  Returns 1 when @s was a
 * preamble (handled), 0 if not, -1 on error.
 */
static int walk_preamble(struct verify *v, int k, struct klp_symbol *s)
{
	struct klp_elf *elf = v->rec[k]->elf, *other = v->rec[!k]->elf;
	struct klp_symbol *fn, *pfn, *ppre;
	const unsigned char *a, *b;
	uint64_t la, lb;

	if (klp_kcfi_owner_of(elf, s, &fn))
		return -1;
	if (!fn)
		return 0;
	v->seen[k][s->idx] = true;
	pfn = k ? klp_corr_orig_sym_of(v->corr, fn) :
		  klp_corr_patched_sym_of(v->corr, fn);
	if (!pfn)
		return 1;	/* new, removed or unpaired with its function */
	if (klp_kcfi_preamble_of(other, pfn, &ppre))
		return -1;
	if (!ppre || v->seen[!k][ppre->idx])
		return 1;
	v->seen[!k][ppre->idx] = true;
	la = fn->value - s->value;
	lb = pfn->value - ppre->value;
	a = span(elf, s->sec, s->value, fn->value);
	b = span(other, ppre->sec, ppre->value, pfn->value);
	if (!a || !b)
		return klp_err("%s, %s: the kCFI preambles %s and %s cannot be read",
			       elf->name, other->name, s->name, ppre->name);
	if (la == lb && !memcmp(a, b, la))
		return 1;
	if (add_line(v, L_CHANGED, 0, k ? pfn : fn, k ? fn : pfn,
		     klp_record_func_of_sym(v->rec[0], k ? pfn : fn),
		     "the kCFI type hash (__cfi_ preamble) differs"))
		return -1;
	return 1;
}

/*
 * Function symbols without a record are paired by unique exact name (as
 * klp_corr_*_sym_of() does); the others are new, removed, or unpaired
 * when their name is not unique.
 */
static int walk_unrecorded(struct verify *v)
{
	for (int k = 0; k < 2; k++) {
		struct klp_elf *elf = v->rec[k]->elf;
		struct klp_elf *other = v->rec[!k]->elf;

		for (size_t i = 0; i < elf->nsym; i++) {
			struct klp_symbol *s = &elf->syms[i], *peer;
			enum line_kind kind;

			if (v->seen[k][i] || !unrecorded_func(v->rec[k], s))
				continue;
			switch (walk_preamble(v, k, s)) {
			case -1:
				return -1;
			case 1:
				continue;
			}
			v->seen[k][i] = true;
			peer = k ? klp_corr_orig_sym_of(v->corr, s) :
				   klp_corr_patched_sym_of(v->corr, s);
			if (peer && peer->type == STT_FUNC &&
			    unrecorded_func(v->rec[!k], peer)) {
				v->seen[!k][peer->idx] = true;
				if (compare_pair(v, k ? peer : s, k ? s : peer,
						 NULL))
					return -1;
				continue;
			}
			if (name_defined(other, s->name))
				kind = L_UNPAIRED;
			else
				kind = k ? L_NEW : L_REMOVED;
			if (add_line(v, kind, k, s, NULL, NULL,
				     k ? "patched" : "orig"))
				return -1;
		}
	}
	return 0;
}

static int line_cmp(const void *a, const void *b)
{
	const struct vline *x = a, *y = b;
	int r;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	r = strcmp(x->sym->name, y->sym->name);
	if (r)
		return r;
	r = strcmp(x->file ? x->file : "", y->file ? y->file : "");
	if (r)
		return r;
	if (x->side != y->side)
		return x->side - y->side;
	return x->sym->idx < y->sym->idx ? -1 : x->sym->idx > y->sym->idx;
}

/* A plan entry's names, hashed to find the changed functions it covers. */
struct pnode {
	struct klp_hnode node;
	const struct klp_plan_replace *rep;
	bool used;
};

static uint64_t names_hash(const char *old_sym, const char *new_sym)
{
	return klp_hash_pair(klp_hash_str(old_sym), klp_hash_str(new_sym));
}

/*
 * A changed function that no replace entry covers is still accepted if the
 * plan's object says it is `unreachable` (with its patched name) and
 * klp_unreachable() proves it again on ORIG: nothing runs its code.
 * 1 accepted (UNREACHABLE line printed), 0 not, -1 on error.
 */
static int plan_unreachable(struct verify *v, const struct klp_plan *plan,
			    const struct vline *l, FILE *out)
{
	const struct klp_plan_unreachable *u = NULL;
	char why[256] = "";
	int r;

	for (size_t o = 0; !u && o < plan->nobjects; o++)
		if (!strcmp(plan->objects[o].name, v->objname))
			u = klp_plan_find_unreachable(&plan->objects[o],
						      l->sym->name);
	if (!u || (u->new_sym && strcmp(u->new_sym, l->peer->name)))
		return 0;
	r = klp_unreachable(v->rec[0]->elf, l->sym, why, sizeof(why));
	if (r < 0)
		return -1;
	if (!r) {
		fprintf(out, "NOT-UNREACHABLE %s (%s): the plan says unreachable, but %s\n",
			l->sym->name, l->file ? l->file : "no-record", why);
		return 0;
	}
	fprintf(out, "UNREACHABLE %s (%s) new=%s: changed, but nothing reaches it in ORIG (no relocation to it: no caller, address not taken, not exported)\n",
		l->sym->name, l->file ? l->file : "no-record", l->peer->name);
	v->nunreachable++;
	return 1;
}

/*
 * Marks the changed lines covered by @plan and prints the MISS and extra
 * lines.  A changed function is covered by a replace entry naming its
 * original symbol as OLD_SYM and its patched symbol as NEW_SYM; several
 * changed functions with the same two names need as many entries (they
 * differ in sympos, which only the linked kernel can check).
 * Returns the number of misses, or -1.
 */
static long check_plan(struct verify *v, const struct klp_plan *plan,
		       FILE *out)
{
	struct pnode *nodes = calloc(plan->nreplaces + 1, sizeof(*nodes));
	struct klp_htab tab;
	size_t n = 0;
	long miss = -1;

	if (!nodes || klp_htab_init(&tab, plan->nreplaces)) {
		free(nodes);
		return klp_err("out of memory");
	}
	/* Backwards so that lookups find entries in file order. */
	for (size_t o = plan->nobjects; o-- > 0;) {
		if (strcmp(plan->objects[o].name, v->objname))
			continue;
		for (size_t r = plan->objects[o].nreplaces; r-- > 0;) {
			const struct klp_plan_replace *rep =
				&plan->objects[o].replaces[r];

			nodes[n].rep = rep;
			if (klp_htab_add(&tab, &nodes[n++].node,
					 names_hash(rep->old_sym,
						    rep->new_sym))) {
				klp_err("out of memory");
				goto out;
			}
		}
	}
	v->nplanned = n;
	miss = 0;
	for (size_t i = 0; i < v->nlines; i++) {
		struct vline *l = &v->lines[i];
		struct pnode *pos;
		uint64_t h;

		if (l->kind != L_CHANGED)
			continue;
		h = names_hash(l->sym->name, l->peer->name);
		klp_htab_for_each(pos, &tab, h, struct pnode, node)
			if (!pos->used &&
			    !strcmp(pos->rep->old_sym, l->sym->name) &&
			    !strcmp(pos->rep->new_sym, l->peer->name)) {
				pos->used = true;
				l->planned = true;
				break;
			}
		if (!l->planned) {
			int u = plan_unreachable(v, plan, l, out);

			if (u < 0) {
				miss = -1;
				goto out;
			}
			if (u)
				continue;
			fprintf(out, "MISS %s (%s) new=%s\n", l->sym->name,
				l->file ? l->file : "no-record", l->peer->name);
			miss++;
		}
	}
	/* Extras in plan order. */
	for (size_t k = n; k-- > 0;)
		if (!nodes[k].used)
			fprintf(out, "extra %s sympos=%lu new=%s reason=%s\n",
				nodes[k].rep->old_sym, nodes[k].rep->sympos,
				nodes[k].rep->new_sym,
				klp_plan_reason_name(nodes[k].rep->reason));
out:
	klp_htab_free(&tab);
	free(nodes);
	return miss;
}

/*
 * Prints an UNVERIFIED line for each ambiguous or unpaired function that
 * @plan does not explain (klp/verify_explain.h); returns their number, or
 * -1.
 */
static long check_unverified(struct verify *v, const struct klp_plan *plan,
			     FILE *out)
{
	struct klp_explain *e = klp_explain_new(plan, v->objname);
	long n = 0;

	if (!e)
		return -1;
	for (size_t i = 0; i < v->nlines; i++) {
		struct vline *l = &v->lines[i];

		if ((l->kind != L_AMBIGUOUS && l->kind != L_UNPAIRED) ||
		    klp_explain_take(e, l->side, l->sym->name))
			continue;
		fprintf(out, "UNVERIFIED %s (%s) %s %s\n", l->sym->name,
			l->file ? l->file : "no-record", kind_names[l->kind],
			l->side ? "patched" : "orig");
		n++;
	}
	klp_explain_free(e);
	return n;
}

static int print_report(struct verify *v, const struct klp_plan *plan,
			FILE *out, long *miss, long *unverified)
{
	size_t count[L_NKINDS] = { 0 };

	if (v->nlines)	/* qsort(NULL, 0, ...) is undefined */
		qsort(v->lines, v->nlines, sizeof(*v->lines), line_cmp);
	for (size_t i = 0; i < v->nlines; i++) {
		const struct vline *l = &v->lines[i];

		count[l->kind]++;
		fprintf(out, "%s %s (%s)", kind_names[l->kind], l->sym->name,
			l->file ? l->file : "no-record");
		if (l->kind == L_CHANGED || l->kind == L_DISAGREE) {
			if (strcmp(l->sym->name, l->peer->name))
				fprintf(out, " new=%s", l->peer->name);
			fprintf(out, " %s", l->why);
		} else if (l->kind == L_AMBIGUOUS || l->kind == L_UNPAIRED) {
			fprintf(out, " %s", l->why);
		}
		fputc('\n', out);
	}
	*miss = 0;
	if (plan) {
		*miss = check_plan(v, plan, out);
		if (*miss < 0)
			return -1;
	}
	*unverified = check_unverified(v, plan, out);
	if (*unverified < 0)
		return -1;
	fprintf(out, "summary compared=%zu changed=%zu new=%zu removed=%zu ambiguous=%zu unpaired=%zu",
		v->compared, count[L_CHANGED], count[L_NEW], count[L_REMOVED],
		count[L_AMBIGUOUS], count[L_UNPAIRED]);
	if (plan)
		fprintf(out, " planned=%zu missing=%ld", v->nplanned,
			*miss);
	fprintf(out, " unverified=%ld disagree=%zu", *unverified,
		count[L_DISAGREE]);
	/* Only when there are some: scripts match the line as it was. */
	if (plan && v->nunreachable)
		fprintf(out, " unreachable=%ld", v->nunreachable);
	fputc('\n', out);
	return 0;
}

int klp_verify_run(const char *orig_path, const char *patched_path,
		   const char *plan_path, char **report, size_t *report_len,
		   struct klp_verify_counts *res)
{
	const char *path[2] = { orig_path, patched_path };
	struct klp_elf *elf[2] = { NULL, NULL };
	struct klp_plan *plan = NULL;
	char objbuf[64];
	struct verify v;
	char *text = NULL;
	size_t textlen = 0;
	FILE *out = NULL;
	long miss = 0, unverified = 0;
	int ret = -1;

	memset(&v, 0, sizeof(v));
	memset(res, 0, sizeof(*res));
	if (plan_path && !(plan = klp_plan_read(plan_path)))
		goto fail;
	for (int k = 0; k < 2; k++) {
		elf[k] = klp_elf_open(path[k]);
		if (!elf[k])
			goto fail;
		v.rec[k] = klp_record_read_no_edges(elf[k]);
		if (!v.rec[k])
			goto fail;
		v.seen[k] = calloc(elf[k]->nsym + 1, sizeof(bool));
		if (!v.seen[k]) {
			klp_err("out of memory");
			goto fail;
		}
	}
	v.objname = "vmlinux";
	if (klp_kallsyms_is_module(elf[0])) {
		if (klp_modinfo_name(elf[0], objbuf, sizeof(objbuf)))
			goto fail;
		v.objname = objbuf;
	}
	v.corr = klp_correlate(v.rec[0], v.rec[1]);
	if (!v.corr)
		goto fail;
	v.cc = klp_codecmp_new(v.corr);
	if (!v.cc)
		goto fail;
	v.ci = klp_codecmp_ind_new(v.rec[0], v.rec[1]);
	if (!v.ci || walk_recorded(&v, true) || walk_recorded(&v, false) ||
	    walk_unrecorded(&v))
		goto fail;

	out = open_memstream(&text, &textlen);
	if (!out) {
		klp_err("out of memory");
		goto fail;
	}
	if (print_report(&v, plan, out, &miss, &unverified))
		goto fail;
	if (fclose(out)) {
		out = NULL;
		klp_err("out of memory");
		goto fail;
	}
	out = NULL;
	res->miss = miss;
	res->unverified = unverified;
	for (size_t i = 0; i < v.nlines; i++)
		res->disagree += v.lines[i].kind == L_DISAGREE;
	*report = text;
	*report_len = textlen;
	text = NULL;
	ret = 0;
fail:
	if (out)
		fclose(out);
	free(text);
	for (size_t i = 0; i < v.nlines; i++)
		free(v.lines[i].why);
	free(v.lines);
	klp_codecmp_free(v.cc);
	klp_codecmp_ind_free(v.ci);
	klp_corr_free(v.corr);
	for (int k = 0; k < 2; k++) {
		free(v.seen[k]);
		klp_record_free(v.rec[k]);
		klp_elf_close(elf[k]);
	}
	klp_plan_free(plan);
	return ret;
}
