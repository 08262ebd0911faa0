// SPDX-License-Identifier: GPL-2.0
/*
 * The patch check of `klp-gen diff --patch` (klp/patchcheck.h).
 *
 * The patch's paths are a klp/pathset.h set, which `plan` uses too: a
 * record path is looked up once per '/'-suffix, so a check costs the length
 * of the path, whatever the size of the patch.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "klp/error.h"
#include "klp/grow.h"
#include "klp/hunk_place.h"
#include "klp/pathset.h"
#include "klp/patchcheck.h"
#include "klp/udiff.h"

/* What the records say about one of the patch's files. */
struct pfile {
	bool is_unit;			/* some blob compiled it */
	bool has_code;			/* some source's file */
};

struct klp_patch_files {
	struct klp_pathset *paths;
	struct pfile *files;		/* by klp_pathset index */
	struct klp_udiff *diff;
	char *source;			/* where the hunks were placed */
	char *unplaced;			/* or why they were not */
};

void klp_patch_files_free(struct klp_patch_files *pf)
{
	if (!pf)
		return;
	klp_pathset_free(pf->paths);
	free(pf->files);
	klp_udiff_free(pf->diff);
	free(pf->source);
	free(pf->unplaced);
	free(pf);
}

struct klp_patch_files *klp_patch_files_read(const char *path)
{
	struct klp_udiff *d = klp_udiff_read(path);
	struct klp_patch_files *pf;

	if (!d)
		return NULL;
	pf = calloc(1, sizeof(*pf));
	if (!pf) {
		klp_udiff_free(d);
		klp_err("out of memory");
		return NULL;
	}
	pf->diff = d;
	pf->paths = klp_pathset_new();
	pf->files = calloc(2 * d->nhunks + 1, sizeof(*pf->files));
	if (!pf->paths || !pf->files) {
		klp_err("out of memory");
		goto fail;
	}
	for (size_t i = 0; i < d->nhunks; i++)
		if (klp_pathset_add(pf->paths, d->hunks[i].file) < -1 ||
		    (d->hunks[i].renamed &&
		     klp_pathset_add(pf->paths, d->hunks[i].renamed) < -1))
			goto fail;
	return pf;
fail:
	klp_patch_files_free(pf);
	return NULL;
}

const struct klp_udiff *klp_patch_files_diff(const struct klp_patch_files *pf)
{
	return pf->diff;
}

int klp_patch_files_place(struct klp_patch_files *pf, const char *patch_path,
			  const char *orig_path, const char *srcdir)
{
	if (srcdir)
		pf->source = strdup(srcdir);
	else
		pf->source = klp_source_find(orig_path, pf->diff);
	if (!pf->source) {
		if (srcdir)
			return klp_err("out of memory");
		/* the file check does not need lines: go on, and say so */
		pf->unplaced = strdup(klp_errmsg());
		return pf->unplaced ? 1 : klp_err("out of memory");
	}
	return klp_hunks_place(pf->diff, patch_path, pf->source);
}

const char *klp_patch_files_source(const struct klp_patch_files *pf)
{
	return pf->source;
}

const char *klp_patch_files_unplaced(const struct klp_patch_files *pf)
{
	return pf->unplaced;
}

/* The patch file that record path @file names, or NULL. */
static struct pfile *match(const struct klp_patch_files *pf, const char *file)
{
	long i = klp_pathset_next(pf->paths, &file);

	return i < 0 ? NULL : &pf->files[i];
}

static const char *pfile_path(const struct klp_patch_files *pf,
			      const struct pfile *f)
{
	return klp_pathset_path(pf->paths, (size_t)(f - pf->files));
}

/* Which of the patch's files some blob of @rec compiled. */
static void mark_units(struct klp_patch_files *pf, const struct klp_record *rec)
{
	for (size_t b = 0; b < rec->nblob; b++) {
		struct pfile *f = match(pf, rec->blobs[b].unit);

		if (f)
			f->is_unit = true;
	}
}

/* Which of the patch's files hold the body of some source of @c. */
static void mark_code(struct klp_patch_files *pf, struct klp_corr *c)
{
	size_t n = klp_corr_nsrc(c);

	for (size_t id = 0; id < n; id++) {
		struct klp_corr_src *cs = klp_corr_src(c, id);
		struct pfile *f;

		if (cs->is_extern)
			continue;
		f = match(pf, klp_corr_src_file(c, id));
		if (f)
			f->has_code = true;
	}
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && !strcmp(s + n - k, suffix);
}

/*
 * A file of the patch that other files include, so that it may change code
 * anywhere: not compiled by any blob of these two records, and either not a
 * source file (a header, a Makefile) or a source file with code of its own
 * in them (a .c file that another one includes, as kernel/sched/ does).  A
 * .c file that is compiled into another object (a module, when diff looks
 * at vmlinux.o) or not at all has neither, and leaves the check strict.
 */
static bool is_included(const struct klp_patch_files *pf,
			const struct pfile *f)
{
	const char *path = pfile_path(pf, f);

	if (f->is_unit)
		return false;
	if (ends_with(path, ".c") || ends_with(path, ".S"))
		return f->has_code;
	return true;
}

static int add_outside(struct klp_patch_check *pc, uint32_t id,
		       const char *what, size_t *cap)
{
	if (klp_grow(&pc->outside, cap, pc->noutside + 1, sizeof(*pc->outside)))
		return -1;
	pc->outside[pc->noutside].id = id;
	pc->outside[pc->noutside].what = what;
	pc->noutside++;
	return 0;
}

void klp_patch_check_release(struct klp_patch_check *pc)
{
	free(pc->outside);
	memset(pc, 0, sizeof(*pc));
}

int klp_patch_check(struct klp_patch_files *pf, const char *patch_path,
		    struct klp_corr *c, const struct klp_select_result *r,
		    const char *orig_path, const char *patched_path,
		    struct klp_patch_check *out)
{
	const struct {
		const struct klp_select_ids *l;
		const char *what;
	} lists[] = {
		{ &r->changed, "changed function" },
		{ &r->new_funcs, "new function" },
		{ &r->removed_funcs, "removed function" },
		{ &r->changed_data, "changed variable" },
		{ &r->new_data, "new variable" },
		{ &r->removed_data, "removed variable" },
	};
	const struct klp_patch_outside *o;
	char more[64] = "";
	size_t cap = 0;

	memset(out, 0, sizeof(*out));
	for (size_t k = 0; k < sizeof(lists) / sizeof(lists[0]); k++)
		out->nchanges += lists[k].l->n;
	if (!out->nchanges)
		return klp_err("%s -> %s: no function or variable changed, so the patched build does not contain the patch %s (not applied, or not rebuilt), or the patch changes no code",
			       orig_path, patched_path, patch_path);

	mark_units(pf, klp_corr_orig(c));
	mark_units(pf, klp_corr_patched(c));
	mark_code(pf, c);
	for (size_t i = 0; i < klp_pathset_count(pf->paths); i++)
		if (is_included(pf, &pf->files[i])) {
			out->included = pfile_path(pf, &pf->files[i]);
			break;
		}

	for (size_t k = 0; k < sizeof(lists) / sizeof(lists[0]); k++)
		for (size_t i = 0; i < lists[k].l->n; i++) {
			uint32_t id = lists[k].l->ids[i];

			if (klp_corr_src(c, id)->is_extern ||
			    match(pf, klp_corr_src_file(c, id)) ||
			    match(pf, klp_corr_src_unit(c, id)))
				continue;
			if (add_outside(out, id, lists[k].what, &cap))
				return -1;
		}
	if (!out->noutside || out->included)
		return 0;

	o = &out->outside[0];
	if (out->noutside > 1)
		snprintf(more, sizeof(more), " and %zu more change%s",
			 out->noutside - 1, out->noutside > 2 ? "s" : "");
	return klp_err("%s: %s %s (file %s, unit %s)%s %s in no file that the patch %s touches: the patched build does not match the patch (another source tree, or other changes in it)",
		       patched_path, o->what, klp_corr_src_name(c, o->id),
		       klp_select_path(klp_corr_src_file(c, o->id)),
		       klp_select_path(klp_corr_src_unit(c, o->id)),
		       more, out->noutside > 1 ? "are" : "is", patch_path);
}
