// SPDX-License-Identifier: GPL-2.0
/*
 * `klp-gen extract --plan PLAN [--object NAME] --patched PATCHED/vmlinux.o
 *  --orig ORIG/vmlinux --symvers ORIG/Module.symvers -o patch.o`: the new
 * code of one object of a plan as a relocatable object (docs/klp-gen.md,
 * "klp-gen extract").
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "klp/error.h"
#include "klp/extract.h"

const char extract_usage[] =
	"usage: klp-gen extract --plan PLAN [--object NAME]\n"
	"                       --patched PATCHED/vmlinux.o --orig ORIG/vmlinux\n"
	"                       --symvers ORIG/Module.symvers -o patch.o\n"
	"       (for a module: --patched PATCHED/.../MOD.ko --orig ORIG/.../MOD.ko)\n"
	"\n"
	"Copy the functions that PLAN replaces in one object (--object, needed\n"
	"when the plan has several) out of the patched build's vmlinux.o or\n"
	"module into the relocatable object patch.o: klp_lto_new_<i> for the\n"
	"i-th replace line of the plan, new functions and data they use as local\n"
	"copies, their exception table, jump label and alternative entries, and\n"
	"references to the running kernel as exported names or\n"
	".klp.sym.<object>.NAME,POS symbols.  Refuses (exit 1, no output file)\n"
	"whatever it cannot make safe.  Rules: docs/klp-gen.md.\n"
	"\n"
	"--no-cfi-preambles (negative controls only) copies no kCFI __cfi_\n"
	"preamble in front of new functions: the module then fails the kCFI\n"
	"check of any indirect call to them.\n";

/* extract's summary lines (also diff-extract-glue's). */
void print_extract_stats(const char *out, const struct klp_extract_stats *st,
			 bool no_cfi_preambles)
{
	printf("extract: %s: %zu replaced function(s), %zu new function(s), %zu new variable(s), %zu read-only data piece(s), %zu string(s)\n",
	       out, st->replaced, st->new_funcs, st->new_data, st->anon_rodata,
	       st->strings);
	printf("extract: references: %zu .klp.sym symbol(s), %zu exported symbol(s); %zu relocation(s)\n",
	       st->klp_syms, st->exported, st->relocs);
	printf("extract: special entries:");
	for (size_t i = 0; i < KLP_EXTRACT_NTABLES; i++)
		printf(" %s=%zu", st->table_name[i] ? st->table_name[i] : "?",
		       st->table_entries[i]);
	printf(" .kcfi_traps=%zu; runtime constants rewritten: %zu\n",
	       st->kcfi_traps, st->runtime_consts);
	if (st->cfi_preambles || no_cfi_preambles)
		printf("extract: kCFI: __cfi_ preamble copied for %zu new function(s)%s\n",
		       st->cfi_preambles,
		       no_cfi_preambles ? " (--no-cfi-preambles: none, negative control)" : "");
	if (st->callbacks)
		printf("extract: %zu callback(s) (klp_lto_cb_<i>)\n", st->callbacks);
	printf("extract: IBT: ENDBR64 entry added to %zu of %zu replaced function(s)%s\n",
	       st->endbr_added, st->replaced + st->callbacks,
	       st->callbacks ? " and callbacks" : "");
	if (st->self_calls)
		printf("extract: IBT: %zu call(s) of a function to its own entry moved onto its ENDBR64\n",
		       st->self_calls);
}

int cmd_extract(int argc, char **argv)
{
	struct klp_extract_args a = { 0 };
	struct klp_extract_stats st;
	const char **slot;
	const struct klp_cli_opt opts[] = {
		{ "--plan", &a.plan }, { "--object", &a.object },
		{ "--patched", &a.patched }, { "--orig", &a.orig },
		{ "--symvers", &a.symvers }, { "-o", &a.out }, { NULL, NULL },
	};

	for (int i = 1; i < argc; i++) {
		slot = klp_cli_slot(opts, argv[i]);
		if (!strcmp(argv[i], "--no-cfi-preambles")) {
			a.no_cfi_preambles = true;
			continue;
		}
		if (!slot)
			return klp_usage_error("extract", extract_usage,
					       "unexpected argument %s", argv[i]);
		if (i + 1 >= argc || *slot)
			return klp_usage_error("extract", extract_usage, "%s %s",
					       argv[i], *slot ? "given twice" :
							    "needs a value");
		*slot = argv[++i];
	}
	if (!a.plan || !a.patched || !a.orig || !a.symvers || !a.out)
		return klp_usage_error("extract", extract_usage,
				       "--plan, --patched, --orig, --symvers and -o are all required");
	if (klp_extract(&a, &st))
		return klp_failed();
	print_extract_stats(a.out, &st, a.no_cfi_preambles);
	return 0;
}
