// SPDX-License-Identifier: GPL-2.0
/*
 * diff, extract and glue in one process on one set of loaded models (see
 * klp/diff_extract_glue.h).  The plan is the contract between the steps, as
 * between the separate commands: diff writes it, extract and glue read it
 * back (a few hundred bytes), so they see exactly what the file says.
 */
#include <stdio.h>

#include "klp/diff.h"
#include "klp/diff_extract_glue.h"
#include "klp/elf.h"
#include "klp/error.h"
#include "klp/glue.h"
#include "klp/kallsyms.h"
#include "klp/outfile.h"
#include "klp/plan.h"
#include "klp/record.h"

/* klp_outfile_write()'s writer of the glue header. */
static int write_glue(FILE *out, void *ctx)
{
	const struct klp_dxg_args *a = ctx;
	struct klp_glue_options opts = { .replace = a->replace };
	struct klp_plan *plan = klp_plan_read(a->plan_path);
	int ret = plan ? klp_glue_write(out, plan, a->plan_path, &opts) : -1;

	klp_plan_free(plan);
	return ret;
}

/*
 * extract's ORIG is the linked vmlinux for vmlinux.o (kallsyms positions),
 * the original .ko itself for a module.
 */
static int extract_args(const struct klp_dxg_args *a, struct klp_diff *d,
			struct klp_extract_args *ea)
{
	bool module = klp_kallsyms_is_module(d->orig_elf);

	if (!module && !d->linked_elf)
		return klp_err("%s: vmlinux.o needs --orig-linked ORIG/vmlinux: extract takes kallsyms positions from it",
			       a->orig_path);
	*ea = (struct klp_extract_args){
		.plan = a->plan_path,
		.patched = a->patched_path,
		.orig = module ? a->orig_path : a->linked_path,
		.symvers = a->symvers,
		.out = a->out_path,
		.patched_elf = d->patched_elf,
		.patched_rec = d->patched_rec,
		/*
		 * diff reads the linked record, and the whole linked model,
		 * only when a name repeats; else extract opens it
		 */
		.orig_elf = module ? d->orig_elf :
			    d->linked_rec ? d->linked_elf : NULL,
		.orig_rec = module ? d->orig_rec : d->linked_rec,
	};
	return 0;
}

int klp_diff_extract_glue(const struct klp_dxg_args *a, FILE *report,
			  struct klp_extract_stats *stats)
{
	struct klp_diff d = {
		.orig_path = a->orig_path,
		.patched_path = a->patched_path,
		.linked_path = a->linked_path,
		.plan_path = a->plan_path,
		.json_path = a->json_path,
		.patch_path = a->patch_path,
		.source_path = a->source_path,
		.keep_models = true,
	};
	struct klp_extract_args ea;
	int ret;

	ret = klp_diff_run(&d, report);
	if (ret)
		goto out;	/* a refused plan stays, as with klp-gen diff */
	ret = -1;
	if (extract_args(a, &d, &ea))
		goto undo;
	/*
	 * For vmlinux, extract does not look at ORIG/vmlinux.o (ORIG is the
	 * linked vmlinux there): its models go before extract makes its own.
	 */
	if (ea.orig_elf != d.orig_elf) {
		klp_record_free(d.orig_rec);
		klp_elf_close(d.orig_elf);
		d.orig_rec = NULL;
		d.orig_elf = NULL;
	}
	if (klp_extract(&ea, stats))
		goto undo;
	if (klp_outfile_write(a->glue_path, write_glue, (void *)a)) {
		remove(a->out_path);
		goto undo;
	}
	ret = 0;
	goto out;
undo:
	remove(a->plan_path);
	if (a->json_path)
		remove(a->json_path);
out:
	/*
	 * extract may have read the linked record that diff did not: it
	 * freed that one itself.
	 */
	klp_diff_release_models(&d);
	return ret;
}
