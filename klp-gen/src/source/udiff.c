// SPDX-License-Identifier: GPL-2.0
/*
 * Unified diff reader (klp/udiff.h).  Lines outside hunks (`index`, mail
 * headers, commit messages) are skipped, but for the paths of `diff --git`
 * lines (a mode change has no hunk to name its file); a `---` line followed
 * by a `+++` line starts a file, `@@ -A,B +C,D @@` a hunk whose body must
 * hold exactly B old-side and D new-side lines.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "klp/error.h"
#include "klp/grow.h"
#include "klp/udiff.h"

struct reader {
	const char *path;
	FILE *in;
	char *line;
	size_t cap;
	ssize_t len;
	unsigned int lineno;
};

static bool next_line(struct reader *r)
{
	r->len = getline(&r->line, &r->cap, r->in);
	if (r->len < 0)
		return false;
	r->lineno++;
	while (r->len > 0 && (r->line[r->len - 1] == '\n' ||
			      r->line[r->len - 1] == '\r'))
		r->line[--r->len] = '\0';
	return true;
}

/*
 * The path of a `--- PATH` / `+++ PATH` line, up to a tab (a timestamp
 * follows in `diff -u` output), with the first component stripped (-p1).
 * NULL for /dev/null.
 */
static char *header_path(const char *s, bool *devnull)
{
	size_t n = strcspn(s, "\t");
	const char *slash;

	while (n > 0 && s[n - 1] == ' ')
		n--;
	*devnull = n == 9 && !strncmp(s, "/dev/null", 9);
	if (*devnull)
		return NULL;
	slash = memchr(s, '/', n);
	if (slash) {
		n -= (size_t)(slash + 1 - s);
		s = slash + 1;
	}
	return strndup(s, n);
}

/* `diff --git a/X b/Y`: X and Y, -p1. */
static int add_git_paths(struct klp_udiff *d, const char *s)
{
	const char *sp = strchr(s, ' ');
	char **v = realloc(d->git_paths, (d->ngit_paths + 2) * sizeof(*v));
	char *a = sp ? strndup(s, (size_t)(sp - s)) : NULL;
	bool devnull;

	if (v)
		d->git_paths = v;
	if (v && sp && a) {
		v[d->ngit_paths] = header_path(a, &devnull);
		v[d->ngit_paths + 1] = header_path(sp + 1, &devnull);
		if (v[d->ngit_paths] && v[d->ngit_paths + 1])
			d->ngit_paths += 2;
		else
			free(v[d->ngit_paths]);
	}
	free(a);
	return !v || (sp && !a) ? klp_err("out of memory") : 0;
}

static int parse_range(const char **p, unsigned long *start,
		       unsigned long *count)
{
	char *end;

	/* strtoul() would take "-2" (negated, huge) or " 2": digits only */
	if (**p < '0' || **p > '9')
		return -1;
	errno = 0;
	*start = strtoul(*p, &end, 10);
	if (end == *p || errno)
		return -1;
	*count = 1;
	if (*end == ',') {
		const char *q = end + 1;

		if (*q < '0' || *q > '9')
			return -1;
		*count = strtoul(q, &end, 10);
		if (end == q || errno)
			return -1;
	}
	*p = end;
	return 0;
}

static int add_change(struct klp_udiff_hunk *h, unsigned long line,
		      bool insert)
{
	struct klp_udiff_change *v;

	/* consecutive added lines are one insertion */
	if (insert && h->nchanges && h->changes[h->nchanges - 1].insert &&
	    h->changes[h->nchanges - 1].line == line)
		return 0;
	v = realloc(h->changes, (h->nchanges + 1) * sizeof(*v));
	if (!v)
		return klp_err("out of memory");
	h->changes = v;
	v[h->nchanges].line = line;
	v[h->nchanges].insert = insert;
	h->nchanges++;
	return 0;
}

/*
 * Appends the @i-th old-side line's text (context or removed) to
 * @h->old_text (capacity *@cap), kept NULL-terminated; grown as lines come,
 * not sized by the header's count, which a bad patch may state as huge.
 */
static int add_old_text(struct klp_udiff_hunk *h, size_t *cap, unsigned long i,
			const char *text)
{
	if (klp_grow(&h->old_text, cap, i + 2, sizeof(*h->old_text)))
		return -1;
	h->old_text[i + 1] = NULL;
	h->old_text[i] = strdup(text);
	return h->old_text[i] ? 0 : klp_err("out of memory");
}

static int read_hunk(struct reader *r, struct klp_udiff_hunk *h)
{
	const char *p = r->line + 4;
	unsigned long new_start, new_count, old_left, new_left, old_line;
	unsigned long nold = 0, trailing = 0;
	size_t cap = 0;
	bool changed = false;

	if (parse_range(&p, &h->old_start, &h->old_count) || *p != ' ' ||
	    p[1] != '+')
		return klp_err("%s:%u: malformed hunk header '%s'", r->path,
			       r->lineno, r->line);
	p += 2;
	if (parse_range(&p, &new_start, &new_count) || strncmp(p, " @@", 3))
		return klp_err("%s:%u: malformed hunk header '%s'", r->path,
			       r->lineno, r->line);
	/* line 0 is "before the first line": only an empty side starts there */
	if ((!h->old_start && h->old_count) || (!new_start && new_count))
		return klp_err("%s:%u: malformed hunk header '%s': lines start at 1",
			       r->path, r->lineno, r->line);
	h->new_start = new_start;
	h->new_count = new_count;
	h->header = strdup(r->line);
	if (!h->header)
		return klp_err("out of memory");
	/* NULL-terminated even when empty */
	if (klp_grow(&h->old_text, &cap, 1, sizeof(*h->old_text)))
		return -1;
	h->old_text[0] = NULL;
	old_left = h->old_count;
	new_left = new_count;
	/* an empty old side ("-0,0" or "-5,0") inserts after old_start */
	old_line = h->old_count ? h->old_start : h->old_start + 1;
	while (old_left || new_left) {
		if (!next_line(r))
			return klp_err("%s:%u: hunk %u ends early (%lu old and %lu new lines missing)",
				       r->path, r->lineno, h->index, old_left,
				       new_left);
		switch (r->line[0]) {
		case '\\':	/* "\ No newline at end of file" */
			continue;
		case ' ':
		case '\0':	/* context line whose space was stripped */
			if (!old_left || !new_left)
				goto bad;
			if (add_old_text(h, &cap, nold++, r->line[0] ? r->line + 1 : ""))
				return -1;
			if (changed)
				trailing++;
			else
				h->prefix_context++;
			old_left--;
			new_left--;
			old_line++;
			break;
		case '-':
			if (!old_left)
				goto bad;
			if (add_old_text(h, &cap, nold++, r->line + 1))
				return -1;
			changed = true;
			trailing = 0;
			if (add_change(h, old_line, false))
				return -1;
			old_left--;
			old_line++;
			break;
		case '+':
			if (!new_left)
				goto bad;
			changed = true;
			trailing = 0;
			/*
			 * Lines added right after removed ones replace them:
			 * the removal already names the place.
			 */
			if (!(h->nchanges &&
			      !h->changes[h->nchanges - 1].insert &&
			      h->changes[h->nchanges - 1].line == old_line - 1) &&
			    add_change(h, old_line - 1, true))
				return -1;
			new_left--;
			break;
		default:
			goto bad;
		}
	}
	/* a hunk of context only has no suffix: patch counts it all as prefix */
	h->suffix_context = changed ? trailing : 0;
	return 0;
bad:
	return klp_err("%s:%u: line does not fit hunk %u (%lu old and %lu new lines left): '%s'",
		       r->path, r->lineno, h->index, old_left, new_left,
		       r->line);
}

void klp_udiff_free(struct klp_udiff *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->nhunks; i++) {
		if (d->hunks[i].old_text)
			for (size_t k = 0; d->hunks[i].old_text[k]; k++)
				free(d->hunks[i].old_text[k]);
		free(d->hunks[i].old_text);
		free(d->hunks[i].header);
		free(d->hunks[i].file);
		free(d->hunks[i].renamed);
		free(d->hunks[i].changes);
	}
	for (size_t i = 0; i < d->ngit_paths; i++)
		free(d->git_paths[i]);
	free(d->git_paths);
	free(d->hunks);
	free(d);
}

struct klp_udiff *klp_udiff_read(const char *path)
{
	struct reader r = { .path = path };
	struct klp_udiff *d = calloc(1, sizeof(*d));
	char *old = NULL, *cur = NULL, *cur_renamed = NULL;
	bool old_null = false, have_file = false, cur_new = false;
	unsigned int section = 0, in_section = 0;
	size_t hcap = 0;
	int ret = -1;

	if (!d) {
		klp_err("out of memory");
		return NULL;
	}
	r.in = fopen(path, "r");
	if (!r.in) {
		klp_err("%s: cannot open: %s", path, strerror(errno));
		goto out;
	}
	while (next_line(&r)) {
		if (!strncmp(r.line, "diff --git ", 11)) {
			if (add_git_paths(d, r.line + 11))
				goto out;
			continue;
		}
		if (!strncmp(r.line, "--- ", 4)) {
			free(old);
			old = header_path(r.line + 4, &old_null);
			if (!old && !old_null) {
				klp_err("out of memory");
				goto out;
			}
			if (!next_line(&r) || strncmp(r.line, "+++ ", 4)) {
				/* a "--- " line of a mail or a message */
				free(old);
				old = NULL;
				continue;
			}
			bool new_null;
			char *new = header_path(r.line + 4, &new_null);

			free(cur);
			free(cur_renamed);
			cur_renamed = NULL;
			cur_new = old_null;
			if (!old_null && new && strcmp(new, old)) {
				cur_renamed = new;
				new = NULL;
			}
			cur = old_null ? new : (free(new), strdup(old));
			if (!cur) {
				klp_err("%s:%u: a patch between /dev/null and /dev/null",
					path, r.lineno);
				goto out;
			}
			have_file = true;
			section++;
			in_section = 0;
			continue;
		}
		if (!strncmp(r.line, "@@ -", 4)) {
			struct klp_udiff_hunk *h;

			if (!have_file) {
				klp_err("%s:%u: hunk before any ---/+++ file header",
					path, r.lineno);
				goto out;
			}
			if (klp_grow(&d->hunks, &hcap, d->nhunks + 1,
				     sizeof(*d->hunks)))
				goto out;
			h = &d->hunks[d->nhunks++];
			memset(h, 0, sizeof(*h));
			h->index = (unsigned int)d->nhunks;
			h->section = section;
			h->file_index = ++in_section;
			h->new_file = cur_new;
			h->file = strdup(cur);
			h->renamed = cur_renamed ? strdup(cur_renamed) : NULL;
			if (!h->file || (cur_renamed && !h->renamed)) {
				klp_err("out of memory");
				goto out;
			}
			if (read_hunk(&r, h))
				goto out;
		}
	}
	if (ferror(r.in)) {
		klp_err("%s: read error", path);
		goto out;
	}
	if (!d->nhunks) {
		klp_err("%s: no hunk found: not a unified diff", path);
		goto out;
	}
	ret = 0;
out:
	if (r.in)
		fclose(r.in);
	free(r.line);
	free(old);
	free(cur);
	free(cur_renamed);
	if (ret) {
		klp_udiff_free(d);
		return NULL;
	}
	return d;
}
