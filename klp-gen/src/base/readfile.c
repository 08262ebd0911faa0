// SPDX-License-Identifier: GPL-2.0
/* Whole input files in memory (klp/readfile.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "klp/error.h"
#include "klp/readfile.h"

char *klp_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL, *v;
	size_t cap = 0, n = 0, got = 1;

	if (!f) {
		klp_err("%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	while (got) {
		if (cap - n < 4096) {
			cap = cap ? 2 * cap : 65536;
			v = realloc(buf, cap + 1);
			if (!v) {
				klp_err("%s: out of memory", path);
				goto fail;
			}
			buf = v;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	}
	if (ferror(f)) {
		klp_err("%s: read error", path);
		goto fail;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
fail:
	fclose(f);
	free(buf);
	return NULL;
}
