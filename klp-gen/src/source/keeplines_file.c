// SPDX-License-Identifier: GPL-2.0
/*
 * klp_keeplines_file() (klp/keeplines.h): the keep-lines step on files,
 * with its report.  The decisions are keeplines.c's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "klp/error.h"
#include "klp/keeplines.h"
#include "klp/outfile.h"
#include "klp/readfile.h"

static void report(FILE *rep, const char *patched_path,
		   const struct klp_keeplines *kl)
{
	fprintf(rep, "keep-lines %s: %zu hunk%s, %zu #line directive%s\n",
		patched_path, kl->nhunks, kl->nhunks == 1 ? "" : "s",
		kl->nins, kl->nins == 1 ? "" : "s");
	for (size_t k = 0; k < kl->nins; k++) {
		const struct klp_keeplines_insert *in = &kl->ins[k];

		if (!in->branch && in->moved)
			fprintf(rep, "note: %s:%zu: #line %lu after hunk #%zu goes %zu line%s below the change (%s)\n",
				patched_path, in->before, in->number, in->hunk,
				in->moved, in->moved == 1 ? "" : "s",
				klp_keeplines_why_str(in->why));
	}
	for (size_t k = 0; k < kl->ndropped; k++)
		fprintf(rep, "note: %s:%zu: no place for a #line after hunk #%zu before the next change or the end of the file (%s): the lines below keep their shifted numbers\n",
			patched_path, kl->dropped[k].line, kl->dropped[k].hunk,
			klp_keeplines_why_str(kl->dropped[k].why));
}

int klp_keeplines_file(const char *diff_path, const char *orig_path,
		       const char *patched_path, const char *out_path,
		       FILE *rep)
{
	struct klp_keeplines kl = { 0 };
	struct klp_udiff *d = NULL;
	struct klp_outfile o;
	char *orig = NULL, *patched = NULL;
	size_t olen = 0, plen = 0;
	struct stat st;
	bool opened = false;
	int ret = -1;
	FILE *fp;

	patched = klp_read_file(patched_path, &plen);
	if (!patched)
		goto done;
	if (stat(patched_path, &st)) {
		klp_err("%s: %s", patched_path, strerror(errno));
		goto done;
	}
	if (klp_keeplines_applies(patched_path)) {
		orig = klp_read_file(orig_path, &olen);
		d = orig ? klp_udiff_read(diff_path) : NULL;
		if (!d || klp_keeplines_compute(d, diff_path, orig, olen,
						 orig_path, patched, plen,
						 patched_path, &kl))
			goto done;
	}
	if (klp_outfile_open(&o, out_path))
		goto done;
	opened = true;
	if (o.tmp && fchmod(o.fd, st.st_mode & 07777)) {
		klp_err("%s: %s", o.tmp, strerror(errno));
		goto done;
	}
	fp = klp_outfile_stream(&o);
	if (!fp)
		goto done;
	if (klp_keeplines_write(fp, patched, plen, &kl)) {
		const char *why = strdupa(klp_errmsg());

		klp_err("%s: %s", out_path, why);
		goto done;
	}
	opened = false;
	if (klp_outfile_commit(&o))
		goto done;
	if (!klp_keeplines_applies(patched_path))
		fprintf(rep, "keep-lines %s: not a C, header or assembler-with-cpp source: left as it is\n",
			patched_path);
	else if (kl.orig_line_directive)
		fprintf(rep, "keep-lines %s: left as it is: %s has a line directive at line %zu (its line numbers are not its lines)\n",
			patched_path, orig_path, kl.orig_line_directive);
	else
		report(rep, patched_path, &kl);
	ret = 0;
done:
	if (opened)
		klp_outfile_abort(&o);
	klp_keeplines_release(&kl);
	klp_udiff_free(d);
	free(orig);
	free(patched);
	return ret;
}
