/* SPDX-License-Identifier: GPL-2.0 */
/*
 * All-or-nothing output files: a command writes into a temporary file next
 * to the destination and renames it over the destination only when the
 * whole output is written, so a failing run never leaves a partial or stale
 * file under the name a later step (or a person) would trust.
 */
#ifndef KLP_OUTFILE_H
#define KLP_OUTFILE_H

#include <stdio.h>

struct klp_outfile {
	const char *path;	/* the destination, as given */
	char *tmp;		/* PATH.tmp.XXXXXX, in the same directory */
	int fd;			/* open on tmp, or -1 */
	FILE *fp;		/* from klp_outfile_stream(), or NULL */
};

/* Creates the temporary file (mode 0666 less umask).  -1 with klp_errmsg(). */
int klp_outfile_open(struct klp_outfile *o, const char *path);
/* A stdio stream on the temporary file, for text output; NULL on error. */
FILE *klp_outfile_stream(struct klp_outfile *o);
/*
 * Flushes and closes the temporary file and renames it to the destination.
 * On failure the temporary file is removed.  -1 with klp_errmsg().
 */
int klp_outfile_commit(struct klp_outfile *o);
/* Closes and removes the temporary file; the destination is untouched. */
void klp_outfile_abort(struct klp_outfile *o);

/*
 * The whole of the above for text output: @write(stream, @ctx) writes the
 * file and returns -1 with klp_errmsg() set on failure, which leaves
 * nothing at @path.  -1 with klp_errmsg() on any failure.
 */
int klp_outfile_write(const char *path, int (*write)(FILE *out, void *ctx),
		      void *ctx);

#endif /* KLP_OUTFILE_H */
