// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the unified-diff reader (klp/udiff.h) and hunk
 * placement (klp/hunk_place.h): the input is a patch, read as `klp-gen
 * plan` and `diff --patch` read one, and its hunks are placed against a
 * fixed source tree made once in a temporary directory (a.c, 48 lines of
 * functions whose bodies repeat, so that hunks match in several places),
 * as `plan --source DIR` places them.  Invariants checked:
 *  - the reader: every hunk keeps exactly old_count old-side lines, its
 *    context counts fit in them, and its changes lie in its old range;
 *  - placement: a hunk of a.c placed at `where` has its compared lines
 *    (all but `fuzz` context lines at each end) equal to a.c's lines
 *    there, starts after the last line the previous hunks of its section
 *    changed, and its offset is where minus its stated start.
 * Patches that name other files simply fail to place.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_input.h"
#include "klp/error.h"
#include "klp/hunk_place.h"
#include "klp/udiff.h"

#define NLINES 48

static char lines[NLINES + 1][32];	/* lines[1..NLINES] */
static char dir[64];

static char path[96];

/* The tree goes when the fuzzer exits (libFuzzer ends with exit()). */
static void cleanup(void)
{
	unlink(path);
	rmdir(dir);
}

static bool setup(void)
{
	FILE *f;

	strcpy(dir, "/tmp/klp-fuzz-hunks-XXXXXX");
	if (!mkdtemp(dir))
		return false;
	snprintf(path, sizeof(path), "%s/a.c", dir);
	atexit(cleanup);
	f = fopen(path, "w");
	if (!f)
		return false;
	for (int i = 0; i < NLINES / 4; i++) {
		snprintf(lines[4 * i + 1], sizeof(lines[0]), "int f%d(int x)", i);
		strcpy(lines[4 * i + 2], "{");
		snprintf(lines[4 * i + 3], sizeof(lines[0]), "\treturn x + %d;",
			 i % 3);
		strcpy(lines[4 * i + 4], "}");
	}
	for (int i = 1; i <= NLINES; i++)
		fprintf(f, "%s\n", lines[i]);
	return !fclose(f);
}

static void check_read(const struct klp_udiff *d)
{
	for (size_t i = 0; i < d->nhunks; i++) {
		const struct klp_udiff_hunk *h = &d->hunks[i];
		unsigned long n = 0;

		while (h->old_text[n])
			n++;
		KLP_FUZZ_CHECK(n == h->old_count);
		KLP_FUZZ_CHECK(h->prefix_context + h->suffix_context <=
			       h->old_count);
		KLP_FUZZ_CHECK(h->file_index >= 1 && h->section >= 1);
		for (size_t c = 0; c < h->nchanges; c++)
			KLP_FUZZ_CHECK(h->changes[c].line + 1 >= h->old_start &&
				       h->changes[c].line <=
				       h->old_start + h->old_count);
	}
}

static void check_placed(const struct klp_udiff *d)
{
	unsigned long after = 0;
	unsigned int section = 0;

	for (size_t i = 0; i < d->nhunks; i++) {
		const struct klp_udiff_hunk *h = &d->hunks[i];

		if (h->section != section) {
			section = h->section;
			after = 0;
		}
		if (!h->placed || strcmp(h->file, "a.c"))
			continue;
		KLP_FUZZ_CHECK(h->fuzz <= KLP_HUNK_MAX_FUZZ);
		KLP_FUZZ_CHECK(h->offset == (long)h->where - (long)h->old_start);
		if (!h->old_count) {
			after = h->where;
			continue;
		}
		KLP_FUZZ_CHECK(h->where >= 1);
		for (unsigned long k = h->fuzz; k + h->fuzz < h->old_count; k++) {
			KLP_FUZZ_CHECK(h->where + k <= NLINES);
			KLP_FUZZ_CHECK(!strcmp(h->old_text[k], lines[h->where + k]));
		}
		KLP_FUZZ_CHECK(h->where > after);
		for (size_t c = 0; c < h->nchanges; c++)
			if (h->changes[c].line > after)
				after = h->changes[c].line;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	char patch[64];
	struct klp_udiff *d;
	int fd;

	if (!ready)
		ready = setup() ? 1 : -1;
	if (ready < 0)
		return 0;
	fd = klp_fuzz_file(data, size, patch, sizeof(patch));
	if (fd < 0)
		return 0;
	d = klp_udiff_read(patch);
	if (d) {
		check_read(d);
		if (!klp_hunks_place(d, "fuzz.diff", dir))
			check_placed(d);
		klp_udiff_free(d);
	}
	close(fd);
	return 0;
}
