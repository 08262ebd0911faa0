// SPDX-License-Identifier: GPL-2.0
/*
 * The files a set of patches names (klp_patch_paths(), klp/udiff.h): what
 * scripts/klp-build.sh copies before patching, checks against the source
 * tree and gives #line directives, read by the one patch reader.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "klp/error.h"
#include "klp/pathset.h"
#include "klp/udiff.h"

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int check_in(const char *dir, const char *patch, const char *f)
{
	struct stat st;
	char *p;
	int ret;

	if (asprintf(&p, "%s/%s", dir, f) < 0)
		return klp_err("out of memory");
	ret = stat(p, &st) || !S_ISREG(st.st_mode) ? klp_err(
		"%s: %s does not exist in %s (new files are not supported)",
		patch, f, dir) : 0;
	free(p);
	return ret;
}

/* Adds @path to @ps; a new one must be a file of @in_dir, if given. */
static int add(struct klp_pathset *ps, const char *path, const char *in_dir,
	       const char *patch)
{
	size_t n = klp_pathset_count(ps);
	long i = path ? klp_pathset_add(ps, path) : -1;

	if (i < -1)
		return -1;
	if (in_dir && i >= 0 && (size_t)i == n)
		return check_in(in_dir, patch, path);
	return 0;
}

static int add_paths(struct klp_pathset *ps, const struct klp_udiff *d,
		     bool all, const char *in_dir, const char *patch)
{
	for (size_t i = 0; i < d->nhunks; i++) {
		const struct klp_udiff_hunk *h = &d->hunks[i];

		if (add(ps, h->renamed && !all ? h->renamed : h->file, in_dir,
			patch) || (all && add(ps, h->renamed, in_dir, patch)))
			return -1;
	}
	for (size_t i = 0; all && i < d->ngit_paths; i++)
		if (add(ps, d->git_paths[i], in_dir, patch))
			return -1;
	return 0;
}

int klp_patch_paths(const char *const *patches, size_t n, bool all,
		    const char *in_dir, FILE *out)
{
	struct klp_pathset *ps = klp_pathset_new();
	const char **v = NULL;
	size_t count;
	int ret = -1;

	for (size_t p = 0; ps && p < n; p++) {
		struct klp_udiff *d = klp_udiff_read(patches[p]);
		int bad = !d || add_paths(ps, d, all, in_dir, patches[p]);

		klp_udiff_free(d);
		if (bad)
			goto out;
	}
	count = ps ? klp_pathset_count(ps) : 0;
	v = calloc(count + 1, sizeof(*v));
	if (!ps || !v) {
		klp_err("out of memory");
		goto out;
	}
	for (size_t i = 0; i < count; i++)
		v[i] = klp_pathset_path(ps, i);
	qsort(v, count, sizeof(*v), by_name);
	for (size_t i = 0; i < count; i++)
		fprintf(out, "%s\n", v[i]);
	ret = 0;
out:
	free(v);
	klp_pathset_free(ps);
	return ret;
}
