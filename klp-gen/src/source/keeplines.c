// SPDX-License-Identifier: GPL-2.0
/*
 * `#line` directives that keep a patched file's original line numbers
 * (klp/keeplines.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "klp/cpp_lines.h"
#include "klp/error.h"
#include "klp/grow.h"
#include "klp/keeplines.h"
#include "klp/outfile.h"

/* A text and where its lines start: start[1..n], start[n + 1] = its end. */
struct text {
	const char *t;
	size_t n;
	size_t *start;
};

static int index_lines(const char *t, size_t len, struct text *x)
{
	size_t k = 1;

	x->t = t;
	x->n = 0;
	for (size_t i = 0; i < len; i++)
		x->n += t[i] == '\n';
	if (len && t[len - 1] != '\n')
		x->n++;
	x->start = malloc((x->n + 2) * sizeof(*x->start));
	if (!x->start)
		return klp_err("out of memory");
	x->start[1] = 0;
	for (size_t i = 0; i < len; i++)
		if (t[i] == '\n' && k <= x->n)
			x->start[++k] = i + 1;
	x->start[x->n + 1] = len;
	return 0;
}

/* Line @k of @x without its newline; with @strip_cr also without '\r's. */
static const char *line_of(const struct text *x, size_t k, size_t *len,
			   bool strip_cr)
{
	size_t s = x->start[k], e = x->start[k + 1];

	if (e > s && x->t[e - 1] == '\n')
		e--;
	while (strip_cr && e > s && x->t[e - 1] == '\r')
		e--;
	*len = e - s;
	return x->t + s;
}

static bool same_line(const struct text *a, size_t ka, const struct text *b,
		      size_t kb)
{
	size_t la, lb;
	const char *sa = line_of(a, ka, &la, false);
	const char *sb = line_of(b, kb, &lb, false);

	return la == lb && !memcmp(sa, sb, la);
}

bool klp_keeplines_applies(const char *path)
{
	size_t n = strlen(path);

	return n > 2 && path[n - 2] == '.' &&
	       (path[n - 1] == 'c' || path[n - 1] == 'h' ||
		path[n - 1] == 'S');
}

const char *klp_keeplines_why_str(enum klp_keeplines_why why)
{
	static const char *const text[] = {
		[KLP_KEEPLINES_AT_END] = "a directive may go there",
		[KLP_KEEPLINES_SPLICED] = "it continues the line before with a backslash",
		[KLP_KEEPLINES_IN_COMMENT] = "it is inside a block comment",
		[KLP_KEEPLINES_IN_PARENS] = "it is inside parentheses, maybe a macro's arguments",
	};

	return (unsigned int)why < sizeof(text) / sizeof(text[0]) ?
	       text[why] : text[KLP_KEEPLINES_AT_END];
}

/* One hunk as the files place it. */
struct span {
	size_t old_first, old_count;	/* ORIG lines it replaces */
	size_t new_first, new_count;	/* PATCHED lines it puts there */
	long delta_after;		/* PATCHED line - ORIG line below it */
};

/*
 * The spans of @d, checked against the two files: -1 with klp_errmsg() if
 * @d is not the diff ORIG -> PATCHED.
 */
static int spans_of(const struct klp_udiff *d, const char *diff_path,
		    const struct text *o, const char *orig_path,
		    const struct text *p, const char *patched_path,
		    struct span *sp)
{
	size_t old_next = 1, k, len;
	long delta = 0;

#define NOT_THE_DIFF(fmt, ...)						\
	klp_err("%s does not describe %s -> %s: " fmt, diff_path,	\
		orig_path, patched_path, ##__VA_ARGS__)

	for (size_t i = 0; i < d->nhunks; i++) {
		const struct klp_udiff_hunk *h = &d->hunks[i];
		struct span *s = &sp[i];

		if (h->section != 1 || h->new_file)
			return klp_err("%s: %s, not one file's changes: give the diff of %s and %s only",
				       diff_path,
				       h->new_file ? "a new file" : "a second file",
				       orig_path, patched_path);
		s->old_count = h->old_count;
		s->new_count = h->new_count;
		/* an empty side "starts" at the line before it */
		s->old_first = h->old_count ? h->old_start : h->old_start + 1;
		s->new_first = h->new_count ? h->new_start : h->new_start + 1;
		if (s->old_first < old_next)
			return NOT_THE_DIFF("hunk #%zu (%s) overlaps the one before",
					    i + 1, h->header);
		if (s->old_first + s->old_count > o->n + 1 ||
		    s->new_first + s->new_count > p->n + 1)
			return NOT_THE_DIFF("hunk #%zu (%s) goes past the end of a file (%zu and %zu lines)",
					    i + 1, h->header, o->n, p->n);
		if ((long)s->new_first - (long)s->old_first != delta)
			return NOT_THE_DIFF("hunk #%zu (%s) puts line %zu of %s at line %zu, the hunks before it at %ld",
					    i + 1, h->header, s->old_first,
					    orig_path, s->new_first,
					    (long)s->old_first + delta);
		for (k = old_next; k < s->old_first; k++)
			if (!same_line(o, k, p, (size_t)((long)k + delta)))
				return NOT_THE_DIFF("line %zu of %s is not line %ld of %s, outside the hunks",
						    k, orig_path, (long)k + delta,
						    patched_path);
		for (k = 0; k < s->old_count; k++) {
			const char *l = line_of(o, s->old_first + k, &len, true);

			if (strlen(h->old_text[k]) != len ||
			    memcmp(h->old_text[k], l, len))
				return NOT_THE_DIFF("hunk #%zu (%s): its old line %zu is not line %zu of %s",
						    i + 1, h->header, k + 1,
						    s->old_first + k, orig_path);
		}
		delta += (long)s->new_count - (long)s->old_count;
		s->delta_after = delta;
		old_next = s->old_first + s->old_count;
	}
	if ((long)o->n + delta != (long)p->n)
		return NOT_THE_DIFF("%zu lines + %ld from the hunks is not %zu",
				    o->n, delta, p->n);
	for (k = old_next; k <= o->n; k++)
		if (!same_line(o, k, p, (size_t)((long)k + delta)))
			return NOT_THE_DIFF("line %zu of %s is not line %ld of %s, outside the hunks",
					    k, orig_path, (long)k + delta,
					    patched_path);
#undef NOT_THE_DIFF
	return 0;
}

static enum klp_keeplines_why why_not(const struct klp_cpp_line *l)
{
	if (l->spliced)
		return KLP_KEEPLINES_SPLICED;
	if (l->in_comment)
		return KLP_KEEPLINES_IN_COMMENT;
	if (l->paren)
		return KLP_KEEPLINES_IN_PARENS;
	return KLP_KEEPLINES_AT_END;
}

static int add_insert(struct klp_keeplines *kl, size_t *cap,
		      const struct klp_keeplines_insert *in)
{
	if (klp_grow(&kl->ins, cap, kl->nins + 1, sizeof(*kl->ins)))
		return -1;
	kl->ins[kl->nins++] = *in;
	return 0;
}

/*
 * The directive at @at sits in @depth open conditional groups: if one is
 * skipped, so is it.  Each enclosing group's next branch (#elif, #else)
 * and its #endif get a directive after them, before @limit.
 */
static int add_branches(struct klp_keeplines *kl, size_t *cap,
			const struct klp_cpp_lines *cl, size_t at,
			size_t limit, long delta, size_t hunk)
{
	unsigned int m = cl->line[at].depth;
	bool pending = false;
	size_t after = 0;

	for (size_t q = at; q < limit && (m || pending); q++) {
		const struct klp_cpp_line *l = &cl->line[q];

		if (pending && q > after && l->safe) {
			struct klp_keeplines_insert in = {
				.before = q,
				.number = (unsigned long)((long)q - delta),
				.hunk = hunk,
				.branch = true,
			};

			if (add_insert(kl, cap, &in))
				return -1;
			pending = false;
		}
		if (l->depth != m || !m)
			continue;
		if (l->dir == KLP_CPP_ELSE || l->dir == KLP_CPP_ENDIF) {
			if (l->dir == KLP_CPP_ENDIF)
				m--;
			pending = true;
			after = q;
		}
	}
	return 0;
}

static int place(const struct span *sp, size_t n, const struct klp_cpp_lines *cl,
		 struct klp_keeplines *kl)
{
	size_t cap = 0, dcap = 0;
	bool started = false;

	for (size_t i = 0; i < n; i++) {
		size_t p0 = sp[i].new_first + sp[i].new_count, p;
		size_t limit = i + 1 < n ? sp[i + 1].new_first : cl->nlines + 1;
		long delta = sp[i].delta_after;

		/* numbers are right as long as no change moved any line */
		if (!started && !delta)
			continue;
		started = true;
		if (p0 >= limit)	/* nothing below it to number */
			continue;
		for (p = p0; p < limit && !cl->line[p].safe; p++)
			;
		if (p == limit) {
			if (klp_grow(&kl->dropped, &dcap, kl->ndropped + 1,
				     sizeof(*kl->dropped)))
				return -1;
			kl->dropped[kl->ndropped++] = (struct klp_keeplines_dropped){
				.hunk = i + 1, .line = p0,
				.why = why_not(&cl->line[p0]),
			};
			continue;
		}
		struct klp_keeplines_insert in = {
			.before = p,
			.number = (unsigned long)((long)p - delta),
			.hunk = i + 1,
			.moved = p - p0,
			.why = why_not(&cl->line[p0]),
		};
		if (add_insert(kl, &cap, &in) ||
		    add_branches(kl, &cap, cl, p, limit, delta, i + 1))
			return -1;
	}
	return 0;
}

void klp_keeplines_release(struct klp_keeplines *kl)
{
	free(kl->ins);
	free(kl->dropped);
	memset(kl, 0, sizeof(*kl));
}

int klp_keeplines_compute(const struct klp_udiff *d, const char *diff_path,
			  const char *orig, size_t olen, const char *orig_path,
			  const char *patched, size_t plen,
			  const char *patched_path, struct klp_keeplines *out)
{
	struct text o = { 0 }, p = { 0 };
	struct klp_cpp_lines ocl = { 0 }, pcl = { 0 };
	struct span *sp = NULL;
	int ret = -1;

	memset(out, 0, sizeof(*out));
	out->nhunks = d->nhunks;
	sp = calloc(d->nhunks + 1, sizeof(*sp));
	if (!sp) {
		klp_err("out of memory");
		goto done;
	}
	if (index_lines(orig, olen, &o) || index_lines(patched, plen, &p) ||
	    spans_of(d, diff_path, &o, orig_path, &p, patched_path, sp))
		goto done;
	if (klp_cpp_lines_scan(orig, olen, &ocl))
		goto done;
	for (size_t k = 1; k <= ocl.nlines; k++)
		if (ocl.line[k].dir == KLP_CPP_LINE) {
			/* its numbers are not its lines: leave it */
			out->orig_line_directive = k;
			ret = 0;
			goto done;
		}
	if (klp_cpp_lines_scan(patched, plen, &pcl))
		goto done;
	ret = place(sp, d->nhunks, &pcl, out);
done:
	if (ret)
		klp_keeplines_release(out);
	klp_cpp_lines_release(&ocl);
	klp_cpp_lines_release(&pcl);
	free(o.start);
	free(p.start);
	free(sp);
	return ret;
}

int klp_keeplines_write(FILE *out, const char *patched, size_t plen,
			const struct klp_keeplines *kl)
{
	size_t line = 1, done = 0, i = 0;

	/* the directives are in line order: copy up to each one's line */
	for (size_t k = 0; k < kl->nins; k++) {
		for (; line < kl->ins[k].before && i < plen; i++)
			if (patched[i] == '\n')
				line++;
		if (line != kl->ins[k].before)
			return klp_err("#line %lu before line %zu: no such line",
				       kl->ins[k].number, kl->ins[k].before);
		if (fwrite(patched + done, 1, i - done, out) != i - done ||
		    fprintf(out, "#line %lu\n", kl->ins[k].number) < 0)
			return klp_err("write error: %s", strerror(errno));
		done = i;
	}
	if (fwrite(patched + done, 1, plen - done, out) != plen - done)
		return klp_err("write error: %s", strerror(errno));
	return 0;
}
