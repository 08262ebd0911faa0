// SPDX-License-Identifier: GPL-2.0
/*
 * Hunk placement against the original source (klp/hunk_place.h): the
 * search patch(1) does, so that `plan` and the patch check see each hunk
 * where `patch -p1` puts it, not where its header says.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "klp/error.h"
#include "klp/hunk_place.h"
#include "klp/pathset.h"
#include "klp/readfile.h"

/* One source file split into lines (newline and a CR before it dropped). */
struct src_file {
	char *buf;
	char **lines;		/* lines[1..n]; [0] unused, as lines count from 1 */
	unsigned long n;
};

static void src_file_free(struct src_file *f)
{
	free(f->buf);
	free(f->lines);
	memset(f, 0, sizeof(*f));
}

static int src_file_read(struct src_file *f, const char *path)
{
	size_t len, nl = 0;

	memset(f, 0, sizeof(*f));
	f->buf = klp_read_file(path, &len);
	if (!f->buf)
		return -1;
	for (size_t i = 0; i < len; i++)
		nl += f->buf[i] == '\n';
	f->lines = calloc(nl + 2, sizeof(*f->lines));
	if (!f->lines)
		return klp_err("out of memory");
	for (char *p = f->buf; p < f->buf + len;) {
		char *e = memchr(p, '\n', (size_t)(f->buf + len - p));
		char *end = e ? e : f->buf + len;

		if (end > p && end[-1] == '\r')
			end[-1] = '\0';
		*end = '\0';
		f->lines[++f->n] = p;
		p = end + 1;
	}
	return 0;
}

/*
 * Do the hunk's old lines [@skip_front, old_count - @skip_back) match the
 * file at @where + @skip_front on?  The caller keeps them inside the file.
 */
static bool match_at(const struct klp_udiff_hunk *h, const struct src_file *f,
		     unsigned long where, unsigned long skip_front,
		     unsigned long skip_back)
{
	for (unsigned long k = skip_front; k + skip_back < h->old_count; k++)
		if (strcmp(h->old_text[k], f->lines[where + k]))
			return false;
	return true;
}

/*
 * Where the hunk matches with @fuzz context lines ignored at each end (0:
 * nowhere).  @guess is the stated line moved by the previous hunk's offset;
 * @after is the last line the file's previous hunks changed (0: none).
 */
static unsigned long locate(const struct klp_udiff_hunk *h,
			    const struct src_file *f, unsigned long guess,
			    unsigned long after, unsigned long fuzz)
{
	unsigned long pat = h->old_count;
	unsigned long context = h->prefix_context > h->suffix_context ?
				h->prefix_context : h->suffix_context;
	/* patch: unequal context pins the hunk to the file's start or end */
	long front = (long)fuzz + (long)h->prefix_context - (long)context;
	long back = (long)fuzz + (long)h->suffix_context - (long)context;
	bool at_start = false, at_end = back < 0;
	unsigned long lo, hi, skip_front, skip_back;

	if (front < 0) {
		if (h->old_start <= 1)
			at_start = true;
		front = 0;
	}
	if (back < 0)
		back = 0;
	skip_front = (unsigned long)front;
	skip_back = (unsigned long)back;
	if (pat - skip_back > f->n)
		return 0;
	/*
	 * The compared lines must lie in the file, and the hunk, fuzzed
	 * context included, after the last line the previous hunk changed
	 * (patch has written the file up to that line).
	 */
	lo = after + 1;
	hi = f->n + 1 - (pat - skip_back);
	if (at_start) {
		if (after || !match_at(h, f, 1, skip_front, skip_back))
			return 0;
		/* an anchored hunk matches only there; at_end too if both */
		return !at_end || pat - skip_back == f->n ? 1 : 0;
	}
	if (at_end)
		return hi >= lo && match_at(h, f, hi, skip_front, skip_back) ?
		       hi : 0;
	if (hi < lo)
		return 0;
	if (guess < lo)
		guess = lo;
	if (guess > hi)
		guess = hi;
	/* outward from the guess: after first, then before, as patch does */
	for (unsigned long d = 0; guess + d <= hi || guess - lo >= d; d++) {
		if (guess + d <= hi &&
		    match_at(h, f, guess + d, skip_front, skip_back))
			return guess + d;
		if (d && guess - lo >= d &&
		    match_at(h, f, guess - d, skip_front, skip_back))
			return guess - d;
	}
	return 0;
}

static int place_section(struct klp_udiff *d, size_t first, size_t end,
			 const char *patch_path, const char *srcdir)
{
	struct klp_udiff_hunk *h0 = &d->hunks[first];
	struct src_file f;
	char *path;
	long carried = 0;
	unsigned long after = 0;
	int ret = -1;

	if (h0->new_file)
		return 0;	/* nothing of it is in the original */
	if (asprintf(&path, "%s/%s", srcdir, h0->file) < 0)
		return klp_err("out of memory");
	if (src_file_read(&f, path)) {
		/* klp_err() formats into the buffer klp_errmsg() returns */
		const char *why = strdupa(klp_errmsg());

		klp_err("%s: hunk #%u of %s (%s) cannot be placed: %s",
			patch_path, h0->file_index, h0->file, h0->header, why);
		free(path);
		return -1;
	}
	for (size_t i = first; i < end; i++) {
		struct klp_udiff_hunk *h = &d->hunks[i];
		unsigned long context = h->prefix_context > h->suffix_context ?
					h->prefix_context : h->suffix_context;
		unsigned long maxfuzz = context < KLP_HUNK_MAX_FUZZ ? context :
					KLP_HUNK_MAX_FUZZ;
		long g = (long)h->old_start + carried;
		unsigned long guess = g > 0 ? (unsigned long)g : 1, where = 0;
		unsigned int fuzz;

		if (!h->old_count) {
			/*
			 * Nothing to match (a -U0 insertion after line
			 * old_start): where it says, moved as the hunk before,
			 * even past the end of the file, as patch does.  The
			 * next hunk goes after the lines it follows.
			 */
			where = g < 0 ? 0 : (unsigned long)g;
			fuzz = 0;
			after = where;
		} else {
			for (fuzz = 0; fuzz <= maxfuzz; fuzz++) {
				where = locate(h, &f, guess, after, fuzz);
				if (where)
					break;
			}
			if (!where) {
				klp_err("%s: hunk #%u of %s (%s) cannot be placed in %s: its %lu context and removed lines match nowhere%s, not even with fuzz %lu (patch(1) would reject it: is %s the source the patch applies to?)",
					patch_path, h->file_index, h->file,
					h->header, path, h->old_count,
					after ? " after the file's previous hunk" : "",
					maxfuzz, srcdir);
				goto out;
			}
		}
		h->placed = true;
		h->where = where;
		h->offset = (long)where - (long)h->old_start;
		h->fuzz = fuzz;
		carried = h->offset;
		for (size_t c = 0; c < h->nchanges; c++) {
			h->changes[c].line =
				(unsigned long)((long)h->changes[c].line + h->offset);
			/* a removed line, or the line an insertion follows */
			if (h->changes[c].line > after)
				after = h->changes[c].line;
		}
	}
	ret = 0;
out:
	src_file_free(&f);
	free(path);
	return ret;
}

int klp_hunks_place(struct klp_udiff *d, const char *patch_path,
		    const char *srcdir)
{
	struct klp_pathset *seen = klp_pathset_new();
	int ret = -1;

	if (!seen)
		return -1;
	for (size_t i = 0; i < d->nhunks;) {
		size_t end = i + 1, before = klp_pathset_count(seen);

		while (end < d->nhunks &&
		       d->hunks[end].section == d->hunks[i].section)
			end++;
		/* a file patched twice: the second section is against the first's result */
		if (klp_pathset_add(seen, d->hunks[i].file) < -1)
			goto out;
		if (klp_pathset_count(seen) == before) {
			klp_err("%s: %s has two sections (the second at hunk %u of the patch): the second applies to the result of the first, not to the original source; join them",
				patch_path, d->hunks[i].file, d->hunks[i].index);
			goto out;
		}
		if (place_section(d, i, end, patch_path, srcdir))
			goto out;
		i = end;
	}
	ret = 0;
out:
	klp_pathset_free(seen);
	return ret;
}

long klp_hunk_placed_at(const struct klp_udiff_hunk *h)
{
	/* "+15,0" is an empty new side after line 15: patch counts from 16 */
	return (long)h->new_start + (h->new_count ? 0 : 1) + h->offset;
}

bool klp_hunk_place_print(FILE *out, const struct klp_udiff_hunk *h)
{
	long at;

	if (!h->placed || (!h->offset && !h->fuzz))
		return false;
	at = klp_hunk_placed_at(h);
	fprintf(out, "hunk #%u of %s placed at %ld", h->file_index, h->file,
		at);
	if (h->fuzz)
		fprintf(out, " with fuzz %u", h->fuzz);
	if (h->offset)
		fprintf(out, " (offset %ld line%s)", h->offset,
			h->offset == 1 || h->offset == -1 ? "" : "s");
	fputc('\n', out);
	return true;
}

/* Is @dir/@name a @type (S_IFDIR, S_IFREG)? */
static bool is_a(const char *dir, const char *name, mode_t type)
{
	struct stat st;
	char *p;
	bool ok;

	if (asprintf(&p, "%s/%s", dir, name) < 0)
		return false;
	ok = !stat(p, &st) && (st.st_mode & S_IFMT) == type;
	free(p);
	return ok;
}

/* Does @dir hold every file @d changes (an in-tree build's source)? */
static bool holds_patch(const char *dir, const struct klp_udiff *d)
{
	bool any = false;

	for (size_t i = 0; i < d->nhunks; i++) {
		if (d->hunks[i].new_file)
			continue;
		if (!is_a(dir, d->hunks[i].file, S_IFREG))
			return false;
		any = true;
	}
	return any;
}

/* The source tree at @dir, if it is one: its `source` link, or itself. */
static char *source_at(const char *dir, const struct klp_udiff *d)
{
	char *cand;

	if (is_a(dir, "source", S_IFDIR))
		return asprintf(&cand, "%s/source", dir) < 0 ? NULL : cand;
	return holds_patch(dir, d) ? strdup(dir) : NULL;
}

char *klp_source_find(const char *orig_path, const struct klp_udiff *d)
{
	const char *slash = strrchr(orig_path, '/');
	char *dir, *abs, *found = NULL;
	size_t n;

	dir = slash ? strndup(orig_path, (size_t)(slash - orig_path + 1)) :
		      strdup(".");
	if (!dir) {
		klp_err("out of memory");
		return NULL;
	}
	abs = realpath(dir, NULL);
	free(dir);
	if (!abs) {
		klp_err("%s: cannot resolve its directory: %s", orig_path,
			strerror(errno));
		return NULL;
	}
	/* nearest first: ORIG's own dir, then each parent, "/" excluded */
	for (n = strlen(abs); n > 1 && !found;) {
		abs[n] = '\0';
		found = source_at(abs, d);
		while (n > 0 && abs[n - 1] != '/')
			n--;
		if (n > 0)
			n--;	/* the '/' before the last component */
	}
	free(abs);
	if (!found)
		klp_err("%s: no original source found to place the patch's hunks against (no `source` link of a kbuild O= dir, nor a tree holding %s, in its directory or above): give --source DIR",
			orig_path, d->nhunks ? d->hunks[0].file : "the patch's files");
	return found;
}
