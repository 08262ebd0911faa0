// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the ELF model and the record reader: the input is a
 * whole file.  It goes through exactly the path `klp-gen dump` takes
 * (klp_elf_open on a path, klp_record_read, the dump printer), plus the
 * relocation loader on every section, so any crash, hang or leak found here
 * is one a user's file could trigger.  fuzz_elf.c goes deeper into the ELF
 * model (indexes, kallsyms) without the record.
 */
#include "fuzz_input.h"

#include "klp/dump.h"
#include "klp/elf.h"
#include "klp/error.h"
#include "klp/record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *devnull = klp_fuzz_devnull();
	struct klp_record *rec;
	struct klp_elf *elf;
	char path[64];
	int fd;

	KLP_FUZZ_CHECK(devnull);
	fd = klp_fuzz_file(data, size, path, sizeof(path));
	if (fd < 0)
		return 0;
	elf = klp_elf_open(path);
	if (elf) {
		for (size_t i = 1; i < elf->nsec; i++)
			klp_elf_load_relocs(elf, &elf->secs[i]);
		rec = klp_record_read(elf);
		if (rec) {
			klp_dump_record(devnull, rec);
			klp_record_free(rec);
		}
		klp_elf_close(elf);
	}
	close(fd);
	klp_err_clear();
	return 0;
}
