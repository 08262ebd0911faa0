// SPDX-License-Identifier: GPL-2.0
/*
 * `klp-gen dump FILE`: read and validate the whole record, then print it.
 * Nothing reaches stdout unless the record is valid, so a failing run never
 * leaves half a dump for a FileCheck or a script to misread.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "klp/dump.h"
#include "klp/elf.h"
#include "klp/error.h"
#include "klp/record.h"

const char dump_usage[] =
	"usage: klp-gen dump FILE\n"
	"\n"
	"Print the klp-lto record of FILE (a .o, an `ld -r` output such as\n"
	"vmlinux.o, a .ko, or a linked executable) as line-oriented text:\n"
	"one `blob` line per compile or LTO backend, one `func` line per\n"
	"emitted function or variable with its `inline`/`callee`/`caller`\n"
	"edges indented below it, and a final `summary` line.\n"
	"The format is described in docs/klp-gen.md.\n";

int cmd_dump(int argc, char **argv)
{
	struct klp_record *rec;
	struct klp_elf *elf;
	const char *path = NULL;
	int n = 0, ret;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--") && i + 1 < argc && !path) {
			path = argv[++i];
			n = 1;
			continue;
		}
		ret = klp_cli_operand("dump", dump_usage, argv[i], &path, &n, 1,
				      "one FILE only");
		if (ret)
			return ret;
	}
	if (!path)
		return klp_usage_error("dump", dump_usage, "no FILE given");

	elf = klp_elf_open(path);
	if (!elf)
		return klp_failed();
	rec = klp_record_read(elf);
	ret = !rec || klp_dump_record(stdout, rec) ? klp_failed() : 0;
	klp_record_free(rec);
	klp_elf_close(elf);
	return ret;
}
