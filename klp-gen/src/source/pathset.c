// SPDX-License-Identifier: GPL-2.0
/* The patch's paths and their '/'-suffix lookup (klp/pathset.h). */
#include <stdlib.h>
#include <string.h>

#include "klp/error.h"
#include "klp/grow.h"
#include "klp/hash.h"
#include "klp/pathset.h"

struct pent {
	struct klp_hnode node;
	size_t index;
	char path[];
};

struct klp_pathset {
	struct pent **ents;		/* in the order added */
	size_t n, cap;
	struct klp_htab by_path;
};

struct klp_pathset *klp_pathset_new(void)
{
	struct klp_pathset *ps = calloc(1, sizeof(*ps));

	if (!ps)
		klp_err("out of memory");
	return ps;
}

void klp_pathset_free(struct klp_pathset *ps)
{
	if (!ps)
		return;
	for (size_t i = 0; i < ps->n; i++)
		free(ps->ents[i]);
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
			return (long)e->index;
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
	if (klp_grow(&ps->ents, &ps->cap, ps->n + 1, sizeof(*ps->ents)))
		return -2;
	e = malloc(sizeof(*e) + strlen(path) + 1);
	if (!e || klp_htab_add(&ps->by_path, &e->node, klp_hash_str(path))) {
		free(e);
		klp_err("out of memory");
		return -2;
	}
	strcpy(e->path, path);
	e->index = ps->n;
	ps->ents[ps->n] = e;
	return (long)ps->n++;
}

size_t klp_pathset_count(const struct klp_pathset *ps)
{
	return ps->n;
}

const char *klp_pathset_path(const struct klp_pathset *ps, size_t i)
{
	return ps->ents[i]->path;
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
