// SPDX-License-Identifier: GPL-2.0
/*
 * record-torture FILE: the record reader against a record truncated at every
 * byte and corrupted at every byte.
 *
 * FILE is an ELF object with a .klp.lto section (the test builds it with
 * the plugin).  For every length k < size, the section's sh_size is set to
 * k; for every byte i, byte i of the section is inverted.  Each variant is
 * put in a memfd and goes through what `klp-gen dump` does (klp_elf_open,
 * klp_record_read, the dump printer).  Each must either be read or be
 * refused with a message that names the file; a crash or a sanitizer report
 * (the sanitizer build runs this too) fails the test.  Prints how many
 * variants were read and refused.  Exhaustive, where the fuzzers sample.
 */
#include "fuzz_input.h"	/* klp_fuzz_file(), klp_fuzz_devnull() */

#include <elf.h>
#include <string.h>

#include "klp/dump.h"
#include "klp/elf.h"
#include "klp/error.h"
#include "klp/record.h"

static FILE *devnull;
static unsigned long nread, nrefused;

static int die(const char *why)
{
	fprintf(stderr, "record-torture: %s\n", why);
	return 2;
}

/* Runs one variant; 0 if it was read or cleanly refused. */
static int one(const unsigned char *img, size_t size, const char *what)
{
	struct klp_record *rec = NULL;
	struct klp_elf *elf;
	char path[64];
	int fd = klp_fuzz_file(img, size, path, sizeof(path)), ret = 0;

	if (fd < 0)
		return die("cannot write a memfd");
	klp_err_clear();
	elf = klp_elf_open(path);
	if (elf)
		rec = klp_record_read(elf);
	if (rec) {
		klp_dump_record(devnull, rec);
		nread++;
	} else if (strncmp(klp_errmsg(), path, strlen(path))) {
		fprintf(stderr, "record-torture: %s: refused without naming the file: '%s'\n",
			what, klp_errmsg());
		ret = 1;
	} else {
		nrefused++;
	}
	klp_record_free(rec);
	klp_elf_close(elf);
	close(fd);
	return ret;
}

int main(int argc, char **argv)
{
	const Elf64_Ehdr *eh;
	Elf64_Shdr *sh = NULL, *shs;
	unsigned char *img, *work;
	const char *shstr;
	char what[64];
	long size;
	FILE *f;
	int bad = 0;

	if (argc != 2)
		return die("usage: record-torture FILE");
	f = fopen(argv[1], "rb");
	if (!f || fseek(f, 0, SEEK_END) || (size = ftell(f)) <= 0 ||
	    fseek(f, 0, SEEK_SET))
		return die("cannot read the file");
	img = malloc(size);
	work = malloc(size);
	devnull = klp_fuzz_devnull();
	if (!img || !work || !devnull || fread(img, 1, size, f) != (size_t)size)
		return die("cannot read the file");
	fclose(f);
	eh = (const Elf64_Ehdr *)img;
	if ((size_t)size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || !eh->e_shoff ||
	    eh->e_shoff + (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr) > (uint64_t)size ||
	    eh->e_shstrndx >= eh->e_shnum)
		return die("not an ELF64 file with section headers");
	shs = (Elf64_Shdr *)(img + eh->e_shoff);
	shstr = (const char *)img + shs[eh->e_shstrndx].sh_offset;
	for (int i = 0; i < eh->e_shnum; i++)
		if (!strcmp(shstr + shs[i].sh_name, ".klp.lto"))
			sh = &shs[i];
	if (!sh || sh->sh_offset + sh->sh_size > (uint64_t)size)
		return die("no .klp.lto section");

	/* Truncated at every byte: the section ends early. */
	for (uint64_t k = 0; k < sh->sh_size; k++) {
		Elf64_Shdr *wsh;

		memcpy(work, img, size);
		wsh = (Elf64_Shdr *)(work + ((unsigned char *)sh - img));
		wsh->sh_size = k;
		snprintf(what, sizeof(what), "truncated to %lu bytes",
			 (unsigned long)k);
		bad |= one(work, size, what);
	}
	printf("truncations: %lu read, %lu refused\n", nread, nrefused);
	nread = nrefused = 0;
	/* Corrupted at every byte: one byte inverted. */
	for (uint64_t i = 0; i < sh->sh_size; i++) {
		memcpy(work, img, size);
		work[sh->sh_offset + i] ^= 0xff;
		snprintf(what, sizeof(what), "byte %lu inverted", (unsigned long)i);
		bad |= one(work, size, what);
	}
	printf("corruptions: %lu read, %lu refused\n", nread, nrefused);
	free(img);
	free(work);
	return bad;
}
