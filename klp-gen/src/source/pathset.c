// SPDX-License-Identifier: GPL-2.0
/* The patch's paths and their '/'-suffix lookup (klp/pathset.h). */
#include <stdlib.h>
#include <string.h>

#include "klp/error.h"
#include "klp/hash.h"
#include "klp/pathset.h"

struct pent {
	char *path;
	struct klp_hnode node;
};

struct klp_pathset {
	struct pent *ents;
	size_t n, max;
	struct klp_htab by_path;
};

struct klp_pathset *klp_pathset_new(size_t max)
{
	struct klp_pathset *ps = calloc(1, sizeof(*ps));

	if (!ps || !(ps->ents = calloc(max + 1, sizeof(*ps->ents))) ||
	    klp_htab_init(&ps->by_path, max + 1)) {
		if (ps)
			free(ps->ents);
		free(ps);
		klp_err("out of memory");
		return NULL;
	}
	ps->max = max;
	return ps;
}

void klp_pathset_free(struct klp_pathset *ps)
{
	if (!ps)
		return;
	for (size_t i = 0; i < ps->n; i++)
		free(ps->ents[i].path);
	free(ps->ents);
	klp_htab_free(&ps->by_path);
	free(ps);
}

/* `+++ b/./x.c` is x.c to patch(1) */
static const char *strip_dot(const char *path)
{
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	return path;
}

static long find(const struct klp_pathset *ps, const char *path)
{
	struct pent *e;

	klp_htab_for_each(e, &ps->by_path, klp_hash_str(path), struct pent,
			  node)
		if (!strcmp(e->path, path))
			return e - ps->ents;
	return -1;
}

long klp_pathset_find(const struct klp_pathset *ps, const char *path)
{
	return find(ps, strip_dot(path));
}

long klp_pathset_add(struct klp_pathset *ps, const char *path)
{
	struct pent *e;
	long i;

	path = strip_dot(path);
	if (!path[0])
		return -1;
	i = find(ps, path);
	if (i >= 0)
		return i;
	if (ps->n == ps->max) {
		klp_err("internal error: path set full (%zu paths)", ps->max);
		return -2;
	}
	e = &ps->ents[ps->n];
	e->path = strdup(path);
	if (!e->path || klp_htab_add(&ps->by_path, &e->node,
				     klp_hash_str(e->path))) {
		free(e->path);
		klp_err("out of memory");
		return -2;
	}
	return (long)ps->n++;
}

size_t klp_pathset_count(const struct klp_pathset *ps)
{
	return ps->n;
}

const char *klp_pathset_path(const struct klp_pathset *ps, size_t i)
{
	return ps->ents[i].path;
}

long klp_pathset_next(const struct klp_pathset *ps, const char **cursor)
{
	for (const char *q = *cursor; q; q = strchr(q, '/')) {
		long i;

		if (*q == '/')
			q++;
		if (!*q)
			break;
		i = find(ps, q);
		if (i >= 0) {
			/* the next call goes on from the next '/' */
			*cursor = strchr(q, '/');
			return i;
		}
	}
	*cursor = NULL;
	return -1;
}

long klp_pathset_match(const struct klp_pathset *ps, const char *rec)
{
	return klp_pathset_next(ps, &rec);
}
