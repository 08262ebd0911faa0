// SPDX-License-Identifier: GPL-2.0
/* All-or-nothing output files (see klp/outfile.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "klp/error.h"
#include "klp/outfile.h"

int klp_outfile_open(struct klp_outfile *o, const char *path)
{
	static const char suffix[] = ".tmp.XXXXXX";
	struct stat st;
	mode_t mask;

	o->path = path;
	o->fp = NULL;
	o->fd = -1;
	o->tmp = NULL;
	/*
	 * A device or FIFO (-o /dev/null) is written in place: a file renamed
	 * over it would replace the node (as root, /dev/null itself).
	 */
	if (!stat(path, &st) && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
		o->fd = open(path, O_WRONLY);
		return o->fd < 0 ? klp_err("%s: %s", path, strerror(errno)) : 0;
	}
	o->tmp = malloc(strlen(path) + sizeof(suffix));
	if (!o->tmp)
		return klp_err("%s: out of memory", path);
	strcpy(o->tmp, path);
	strcat(o->tmp, suffix);
	o->fd = mkstemp(o->tmp);
	if (o->fd < 0) {
		klp_err("%s: cannot create %s: %s", path, o->tmp,
			strerror(errno));
		free(o->tmp);
		o->tmp = NULL;
		return -1;
	}
	/* mkstemp() makes it 0600; give it the mode a plain create would. */
	mask = umask(0);
	umask(mask);
	if (fchmod(o->fd, 0666 & ~mask)) {
		klp_err("%s: %s", o->tmp, strerror(errno));
		klp_outfile_abort(o);
		return -1;
	}
	return 0;
}

FILE *klp_outfile_stream(struct klp_outfile *o)
{
	if (!o->fp) {
		o->fp = fdopen(o->fd, "w");
		if (!o->fp)
			klp_err("%s: %s", o->tmp, strerror(errno));
	}
	return o->fp;
}

int klp_outfile_commit(struct klp_outfile *o)
{
	int err = 0;

	if (o->fp) {
		if (fflush(o->fp) || ferror(o->fp))
			err = errno ? errno : EIO;
		if (fclose(o->fp) && !err)
			err = errno ? errno : EIO;
		o->fp = NULL;
		o->fd = -1;
	} else if (o->fd >= 0) {
		if (close(o->fd))
			err = errno;
		o->fd = -1;
	}
	if (!err && o->tmp && rename(o->tmp, o->path))
		err = errno;
	if (err) {
		klp_err("%s: writing %s: %s", o->path, o->tmp ? o->tmp : o->path,
			strerror(err));
		if (o->tmp)
			unlink(o->tmp);
	}
	free(o->tmp);
	o->tmp = NULL;
	return err ? -1 : 0;
}

void klp_outfile_abort(struct klp_outfile *o)
{
	if (o->fp)
		fclose(o->fp);
	else if (o->fd >= 0)
		close(o->fd);
	o->fp = NULL;
	o->fd = -1;
	if (o->tmp)
		unlink(o->tmp);
	free(o->tmp);
	o->tmp = NULL;
}

int klp_outfile_write(const char *path, int (*write)(FILE *out, void *ctx),
		      void *ctx)
{
	struct klp_outfile o;
	FILE *fp;

	if (klp_outfile_open(&o, path))
		return -1;
	fp = klp_outfile_stream(&o);
	if (!fp || write(fp, ctx)) {
		klp_outfile_abort(&o);
		return -1;
	}
	return klp_outfile_commit(&o);
}
