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

int klp_patch_paths(const char *const *patches, size_t n, bool all,
		    const char *in_dir, FILE *out)
{
	struct klp_udiff **d = calloc(n + 1, sizeof(*d));
	struct klp_pathset *ps = NULL;
	const char **v = NULL;
	size_t max = 0, count = 0;
	int ret = -1;

	for (size_t p = 0; d && p < n; p++) {
		if (!(d[p] = klp_udiff_read(patches[p])))
			goto out;
		max += 2 * d[p]->nhunks + d[p]->ngit_paths;
	}
	ps = d ? klp_pathset_new(max) : NULL;
	if (!ps) {
		klp_err("out of memory");
		goto out;
	}
	for (size_t p = 0; p < n; p++) {
		for (size_t i = 0; i < d[p]->nhunks; i++) {
			const struct klp_udiff_hunk *h = &d[p]->hunks[i];

			if (add(ps, h->renamed && !all ? h->renamed : h->file,
				in_dir, patches[p]) ||
			    (all && add(ps, h->renamed, in_dir, patches[p])))
				goto out;
		}
		for (size_t i = 0; all && i < d[p]->ngit_paths; i++)
			if (add(ps, d[p]->git_paths[i], in_dir, patches[p]))
				goto out;
	}
	count = klp_pathset_count(ps);
	v = calloc(count + 1, sizeof(*v));
	if (!v) {
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
	for (size_t p = 0; d && p < n; p++)
		klp_udiff_free(d[p]);
	free(d);
	free(v);
	klp_pathset_free(ps);
	return ret;
}
