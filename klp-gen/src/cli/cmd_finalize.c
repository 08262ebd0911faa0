// SPDX-License-Identifier: GPL-2.0
/*
 * `klp-gen finalize IN.ko -o OUT.ko [--symvers Module.symvers]`: livepatch
 * relocations for the .klp.sym references of a built module (klp/finalize.h).
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "klp/error.h"
#include "klp/exports.h"
#include "klp/finalize.h"

const char finalize_usage[] =
	"usage: klp-gen finalize IN.ko -o OUT.ko [--symvers Module.symvers]\n"
	"\n"
	"Move every relocation against an undefined symbol .klp.sym.OBJ.NAME,POS\n"
	"out of its .rela section into .klp.rela.OBJ.SECTION (SHF_ALLOC |\n"
	"SHF_RELA_LIVEPATCH) and mark those symbols SHN_LIVEPATCH, as\n"
	"Documentation/livepatch/module-elf-format.rst describes.  With --symvers,\n"
	"every other undefined symbol must be exported by the kernel build.\n"
	"OUT.ko is written only if everything succeeds (it may be IN.ko).\n";

int cmd_finalize(int argc, char **argv)
{
	const char *in = NULL, *out = NULL, *symvers = NULL;
	struct klp_exports *exports = NULL;
	struct klp_finalize_stats st;
	int ret = 1;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-o") && i + 1 < argc) {
			out = argv[++i];
		} else if (!strcmp(argv[i], "--symvers") && i + 1 < argc) {
			symvers = argv[++i];
		} else if (argv[i][0] != '-' && !in) {
			in = argv[i];
		} else {
			return klp_usage_error("finalize", finalize_usage,
					       "unexpected argument %s", argv[i]);
		}
	}
	if (!in || !out)
		return klp_usage_error("finalize", finalize_usage,
				       "IN.ko and -o OUT.ko are required");
	if (symvers) {
		exports = klp_exports_read(symvers);
		if (!exports)
			return klp_failed();
	}
	if (klp_finalize(in, out, exports, &st)) {
		klp_report(klp_errmsg());
	} else {
		printf("%s: %zu livepatch symbol%s, %zu relocation%s moved into %zu .klp.rela section%s\n",
		       out, st.nsyms, st.nsyms == 1 ? "" : "s",
		       st.nrelocs, st.nrelocs == 1 ? "" : "s",
		       st.nsections, st.nsections == 1 ? "" : "s");
		ret = 0;
	}
	klp_exports_free(exports);
	return ret;
}
