/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The paths of a patch, and which record paths name them: the one suffix
 * index that `klp-gen plan` (klp/hunk_map.h) and the patch check of
 * `klp-gen diff --patch` (klp/patchcheck.h) share.
 *
 * The record holds the path the compiler saw, which carries a prefix the
 * patch does not have (the absolute source dir, or "src/" when clang
 * strips the part it shares with the build dir): a record path R names a
 * patch path P (-p1, as `patch -p1` takes it, leading "./" dropped) when R
 * is P or ends in "/" + P.  The patch's paths go into a hash table, and R
 * is looked up once per '/'-suffix (itself, then what follows each '/'):
 * a lookup costs the length of R, whatever the size of the patch.
 */
#ifndef KLP_PATHSET_H
#define KLP_PATHSET_H

#include <stddef.h>

struct klp_pathset;

/* An empty set; NULL (klp_errmsg() set) if out of memory. */
struct klp_pathset *klp_pathset_new(void);
void klp_pathset_free(struct klp_pathset *ps);

/*
 * Adds the patch path @path; its index (0, 1, ... in the order first
 * added; the existing one for a path already there).  -1 for an empty path
 * (nothing added), -2 with klp_errmsg() set if out of memory.
 */
long klp_pathset_add(struct klp_pathset *ps, const char *path);
size_t klp_pathset_count(const struct klp_pathset *ps);
const char *klp_pathset_path(const struct klp_pathset *ps, size_t i);

/* The index of exactly @path (after dropping a leading "./"), or -1. */
long klp_pathset_find(const struct klp_pathset *ps, const char *path);

/*
 * The patch paths that the record path @rec names, longest first: start
 * with *@cursor = @rec, and call until it returns -1.
 *
 *	for (const char *q = rec; (i = klp_pathset_next(ps, &q)) >= 0;)
 */
long klp_pathset_next(const struct klp_pathset *ps, const char **cursor);

#endif /* KLP_PATHSET_H */
