// SPDX-License-Identifier: GPL-2.0
/*
 * The objects file of scripts/klp-build.sh (klp/objects.h): which objects
 * of the two builds are diffed, and which files belong to each object of
 * the merged plan.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "klp/elf.h"
#include "klp/error.h"
#include "klp/modinfo.h"
#include "klp/objects.h"
#include "klp/readfile.h"

static int files_identical(const char *a, const char *b, bool *same)
{
	FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
	static char ba[1 << 16], bb[1 << 16];
	size_t na, nb;
	int ret = 0;

	if (!fa || !fb)
		ret = klp_err("%s: cannot open: %s", fa ? b : a, strerror(errno));
	*same = true;
	while (!ret && *same) {
		na = fread(ba, 1, sizeof(ba), fa);
		nb = fread(bb, 1, sizeof(bb), fb);
		if (ferror(fa) || ferror(fb))
			ret = klp_err("%s: read error", ferror(fa) ? a : b);
		*same = na == nb && !memcmp(ba, bb, na);
		if (!na)
			break;
	}
	if (fa)
		fclose(fa);
	if (fb)
		fclose(fb);
	return ret;
}

/* The line of one module of modules.order (a path ending in .o), if it changed. */
static int module_line(const char *od, const char *pd, const char *m, FILE *out)
{
	char *of = NULL, *pf = NULL, name[64];
	size_t n = strlen(m);
	struct klp_elf *elf = NULL;
	bool changed;
	int ret = -1;

	if (n < 3 || strcmp(m + n - 2, ".o"))
		return klp_err("%s/modules.order: %s is not an object (.o)", od, m);
	if (asprintf(&of, "%s/%.*s.ko", od, (int)n - 2, m) < 0 ||
	    asprintf(&pf, "%s/%.*s.ko", pd, (int)n - 2, m) < 0) {
		free(of);
		return klp_err("out of memory");
	}
	if (access(of, F_OK))
		klp_err("%s missing (listed in modules.order): not a finished build", of);
	else if (access(pf, F_OK))
		klp_err("the patched build has no %s", pf);
	else if (!klp_module_changed(of, pf, &changed)) {
		ret = 0;
		if (changed) {
			elf = klp_elf_open(of);
			if (!elf || klp_modinfo_name(elf, name, sizeof(name)))
				ret = -1;
			else
				fprintf(out, "%s %s %s\n", name, of, pf);
		}
	}
	if (elf)
		klp_elf_close(elf);
	free(of);
	free(pf);
	return ret;
}

int klp_objects_changed(const char *orig_dir, const char *patched_dir,
			FILE *out)
{
	char *of = NULL, *pf = NULL, *line = NULL;
	size_t cap = 0;
	ssize_t len;
	bool same;
	int ret = -1;
	FILE *order;

	if (asprintf(&of, "%s/vmlinux.o", orig_dir) < 0 ||
	    asprintf(&pf, "%s/vmlinux.o", patched_dir) < 0) {
		free(of);
		return klp_err("out of memory");
	}
	if (files_identical(of, pf, &same))
		goto out;
	if (!same)
		fprintf(out, "vmlinux %s %s\n", of, pf);
	free(of);
	if (asprintf(&of, "%s/modules.order", orig_dir) < 0) {
		of = NULL;
		klp_err("out of memory");
		goto out;
	}
	order = fopen(of, "r");
	if (!order) {
		ret = errno == ENOENT ? 0 : klp_err("%s: %s", of, strerror(errno));
		goto out;
	}
	ret = 0;
	while (!ret && (len = getline(&line, &cap, order)) > 0) {
		line[strcspn(line, "\n")] = '\0';
		if (*line)
			ret = module_line(orig_dir, patched_dir, line, out);
	}
	if (!ret && ferror(order))
		ret = klp_err("%s: read error", of);
	fclose(order);
out:
	free(line);
	free(of);
	free(pf);
	return ret;
}

int klp_objects_of_plan(const char *objects_path,
			const struct klp_plan *plan, FILE *out)
{
	size_t len, n = plan->nobjects;
	char *text = klp_read_file(objects_path, &len), *l, *end;
	const char **hit = calloc(n + 1, sizeof(*hit));
	int ret = text && hit ? 0 : -1;

	if (text && !hit)
		klp_err("out of memory");
	/* All found before anything is printed: no partial output. */
	for (size_t i = 0; !ret && i < n; i++) {
		const char *name = plan->objects[i].name;
		size_t nlen = strlen(name), found = 0;

		for (l = text; *l; l = *end ? end + 1 : end) {
			end = strchrnul(l, '\n');
			if (!strncmp(l, name, nlen) && l[nlen] == ' ' && ++found)
				hit[i] = l;
		}
		if (found != 1)
			ret = klp_err("%s: lists the plan's object %s %zu times, not once",
				      objects_path, name, found);
	}
	for (size_t i = 0; !ret && i < n; i++)
		fprintf(out, "%.*s\n", (int)strcspn(hit[i], "\n"), hit[i]);
	free(hit);
	free(text);
	return ret;
}
