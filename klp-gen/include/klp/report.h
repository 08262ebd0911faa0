/* SPDX-License-Identifier: GPL-2.0 */
/* `klp-gen diff`'s report of a klp_diff_run() (klp/diff.h): text, JSON. */
#ifndef KLP_REPORT_H
#define KLP_REPORT_H

#include <stdio.h>

struct klp_diff;

void klp_report_text(FILE *out, const struct klp_diff *d);
void klp_report_json(FILE *out, const struct klp_diff *d);
/* The changes outside the patch's files, one line each. */
void klp_report_outside(FILE *out, const struct klp_diff *d);

#endif /* KLP_REPORT_H */
