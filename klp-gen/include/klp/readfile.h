/* SPDX-License-Identifier: GPL-2.0 */
/* Whole input files in memory: sources, patches, name lists. */
#ifndef KLP_READFILE_H
#define KLP_READFILE_H

#include <stddef.h>

/*
 * The bytes of @path in a malloc'ed buffer with a NUL after them (*@len
 * of them; the file may hold NULs too).  NULL with klp_errmsg() set
 * ("PATH: what") if it cannot be opened or read.
 */
char *klp_read_file(const char *path, size_t *len);

#endif /* KLP_READFILE_H */
