// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the ELF model and the record reader: the input is a
 * whole file.  It goes through exactly the path `klp-gen dump` takes
 * (klp_elf_open on a path, klp_record_read, the dump printer), plus the
 * relocation loader on every section, so any crash, hang or leak found here
 * is one a user's file could trigger.  And the reader without edges (which
 * keeps fewer srcs) must accept exactly the same files and give each func
 * the same source.  fuzz_elf.c goes deeper into the ELF model (indexes,
 * kallsyms) without the record.
 */
#include <string.h>

#include "fuzz_input.h"

#include "klp/dump.h"
#include "klp/elf.h"
#include "klp/error.h"
#include "klp/record.h"

static bool same_src(const struct klp_func *a, const struct klp_func *b)
{
	const struct klp_record *ra = a->blob->rec, *rb = b->blob->rec;

	if (!a->src || !b->src)
		return !a->src && !b->src;
	return a->src->fingerprint == b->src->fingerprint &&
	       a->src->flags == b->src->flags &&
	       !strcmp(klp_str(ra, a->src->name), klp_str(rb, b->src->name)) &&
	       !strcmp(klp_str(ra, a->src->file), klp_str(rb, b->src->file)) &&
	       !strcmp(klp_str(ra, a->src->unit), klp_str(rb, b->src->unit));
}

/* The same as @rec, read without edges: the same funcs and sources. */
static void check_no_edges(struct klp_elf *elf, const struct klp_record *rec)
{
	struct klp_record *ne = klp_record_read_no_edges(elf);

	KLP_FUZZ_CHECK(!ne == !rec);
	for (size_t i = 0; ne && i < rec->nfunc; i++)
		KLP_FUZZ_CHECK(same_src(&rec->func_pool[i], &ne->func_pool[i]));
	klp_record_free(ne);
}

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
		check_no_edges(elf, rec);
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
