/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `klp-gen dump`: the record as stable, line-oriented text for tests and
 * people (format in docs/klp-gen.md).  The file's own name appears nowhere in
 * the text, so tests can compare output made in different directories.
 */
#ifndef KLP_DUMP_H
#define KLP_DUMP_H

#include <stdio.h>

#include "klp/record.h"

/* Writes the whole record; -1 with klp_errmsg() set if writing fails. */
int klp_dump_record(FILE *out, const struct klp_record *rec);

#endif /* KLP_DUMP_H */
