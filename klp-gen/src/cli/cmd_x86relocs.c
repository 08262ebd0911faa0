// SPDX-License-Identifier: GPL-2.0
/*
 * `klp-gen x86-relocs FILE`: checks the forward x86-64 decoder against every
 * relocation of FILE's code (klp/x86_relcheck.h); a test and debugging aid.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "klp/elf.h"
#include "klp/error.h"
#include "klp/x86_relcheck.h"

const char x86relocs_usage[] =
	"usage: klp-gen x86-relocs [--all] FILE\n"
	"\n"
	"Decode forward, from each function's start, the code of the relocatable\n"
	"object FILE, and check that every relocation of an executable section\n"
	"lies exactly on a displacement or immediate field of an instruction.\n"
	"Prints each one that does not (--all: every one, with its instruction,\n"
	"field and the bytes after the field), then a summary; exit 1 if any\n"
	"is not on a field.\n";

int cmd_x86relocs(int argc, char **argv)
{
	struct klp_x86_relcheck st;
	struct klp_elf *elf;
	bool all = false;
	int ret;

	if (argc == 3 && !strcmp(argv[1], "--all")) {
		all = true;
		argv++;
		argc--;
	}
	if (argc != 2 || argv[1][0] == '-')
		return klp_usage_error("x86-relocs", x86relocs_usage,
				       "one FILE is required");
	elf = klp_elf_open(argv[1]);
	if (!elf || !klp_elf_is_relocatable(elf)) {
		klp_report(elf ? "x86-relocs needs a relocatable object" :
				 klp_errmsg());
		klp_elf_close(elf);
		return 1;
	}
	ret = klp_x86_check_relocs(elf, stdout, all, &st);
	klp_elf_close(elf);
	if (ret)
		return klp_failed();
	printf("x86-relocs: %zu relocations in %zu code sections: %zu on an operand field, %zu inside an instruction but not on a field, %zu not in a decoded instruction\n",
	       st.relocs, st.sections, st.on_field, st.not_field, st.undecoded);
	printf("x86-relocs: %zu PC-relative 4-byte fields; immediate after the field: 0: %zu, 1: %zu, 2: %zu, 4: %zu\n",
	       st.pcrel, st.tail[0], st.tail[1], st.tail[2], st.tail[4]);
	printf("x86-relocs: decoded %zu functions, %zu instructions\n",
	       st.funcs, st.insns);
	return st.not_field || st.undecoded ? 1 : 0;
}
