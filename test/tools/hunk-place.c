// SPDX-License-Identifier: GPL-2.0
/*
 * hunk-place SRCDIR PATCH: places PATCH's hunks against SRCDIR with
 * klp_hunks_place() (klp/hunk_place.h) and prints, per hunk of an existing
 * file, "hunk #N of FILE at LINE fuzz F offset K" (LINE as patch(1)
 * prints it: klp_hunk_placed_at()), or the error.  test/plan/patch-agree.test
 * compares this with GNU patch on random patches.
 */
#include <stdio.h>

#include "klp/error.h"
#include "klp/hunk_place.h"
#include "klp/udiff.h"

int main(int argc, char **argv)
{
	struct klp_udiff *d;
	int ret = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: hunk-place SRCDIR PATCH\n");
		return 2;
	}
	d = klp_udiff_read(argv[2]);
	if (!d || klp_hunks_place(d, argv[2], argv[1])) {
		printf("error: %s\n", klp_errmsg());
		ret = 1;
	}
	for (size_t i = 0; !ret && i < d->nhunks; i++) {
		const struct klp_udiff_hunk *h = &d->hunks[i];

		if (h->placed)
			printf("hunk #%u of %s at %ld fuzz %u offset %ld\n",
			       h->file_index, h->file, klp_hunk_placed_at(h),
			       h->fuzz, h->offset);
	}
	klp_udiff_free(d);
	return ret;
}
