// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the ELF model and the record reader: the input is a
 * whole file.  It goes through exactly the path `klp-gen dump` takes
 * (klp_elf_open on a path, klp_record_read, the dump printer), plus the
 * relocation loader on every section, so any crash, hang or leak found here
 * is one a user's file could trigger.  The bytes are put in a memfd and
 * opened by its /proc path: no change to the code under test.
 */
#ifndef _GNU_SOURCE	/* klpcore passes -D_GNU_SOURCE to its users */
#define _GNU_SOURCE
#endif
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "klp/dump.h"
#include "klp/elf.h"
#include "klp/error.h"
#include "klp/record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	struct klp_record *rec;
	struct klp_elf *elf;
	char path[64];
	size_t done = 0;
	int fd;

	if (!devnull)
		devnull = fopen("/dev/null", "w");
	fd = memfd_create("klp-fuzz", 0);
	if (fd < 0)
		return 0;
	while (done < size) {
		ssize_t n = write(fd, data + done, size - done);

		if (n <= 0)
			goto out;
		done += n;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
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
out:
	close(fd);
	klp_err_clear();
	return 0;
}
