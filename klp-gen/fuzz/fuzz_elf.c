// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the ELF model beyond the record: everything klp-gen
 * does to an object before it looks at `.klp.lto`.  The input is a whole
 * file, opened with klp_elf_open() as every command opens one; then
 *   - every section: its data range, the lookup by name (sec_by_name);
 *   - every symbol: the lookups by name, by (section, value) and, in linked
 *     files, by address (sym_by_name, sym_by_pos);
 *   - every section's relocations: the loader and the lookup by offset;
 *   - in linked files, the kallsyms position of every symbol kallsyms holds,
 *     and the inverse lookup, as `klp-gen diff --orig-linked` and
 *     `klp-gen extract` compute them;
 *   - the model of some names only (klp_elf_open_names()) against the whole.
 * Besides crashes, leaks and hangs, it checks what klp/elf.h and
 * klp/kallsyms.h promise: each lookup finds the entry it indexes, chains come
 * in file order, a failure always leaves a message naming the file, and
 * klp_kallsyms_find() inverts klp_kallsyms_pos().
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_input.h"

#include "klp/elf.h"
#include "klp/error.h"
#include "klp/kallsyms.h"

/* A failed call must have said why, naming the file. */
static void check_failed(const struct klp_elf *elf)
{
	const char *msg = klp_errmsg();

	KLP_FUZZ_CHECK(msg[0]);
	KLP_FUZZ_CHECK(!strncmp(msg, elf->name, strlen(elf->name)) ||
		       strstr(msg, "out of memory"));
	klp_err_clear();
}

static void check_sections(struct klp_elf *elf)
{
	volatile unsigned char sink = 0;

	for (size_t i = 0; i < elf->nsec; i++) {
		struct klp_section *sec = klp_elf_section(elf, i), *s;
		const unsigned char *data;
		uint64_t size;
		size_t prev = 0, n = 0;
		bool found = false;

		KLP_FUZZ_CHECK(sec == &elf->secs[i] && sec->idx == i);
		KLP_FUZZ_CHECK(sec->name);
		if (klp_elf_section_data(elf, sec, &data, &size)) {
			check_failed(elf);
		} else if (size) {
			/* ASan checks that the range is really in the file. */
			sink ^= data[0] ^ data[size - 1];
		}
		for (s = klp_elf_section_by_name(elf, sec->name); s;
		     s = klp_elf_next_section_by_name(elf, s)) {
			KLP_FUZZ_CHECK(!strcmp(s->name, sec->name));
			KLP_FUZZ_CHECK(!n++ || s->idx > prev);
			prev = s->idx;
			found |= s == sec;
		}
		KLP_FUZZ_CHECK(found);
		if (sec->rela)
			KLP_FUZZ_CHECK(sec->rela->base == sec);
		if (sec->sym)
			KLP_FUZZ_CHECK(sec->sym->sec == sec &&
				       sec->sym->type == STT_SECTION);
	}
	KLP_FUZZ_CHECK(!klp_elf_section(elf, elf->nsec));
	(void)sink;
}

static bool indexed_by_pos(const struct klp_symbol *sym)
{
	return sym->sec && sym->type != STT_SECTION && sym->type != STT_FILE;
}

static void check_symbol(struct klp_elf *elf, struct klp_symbol *sym)
{
	struct klp_symbol *s;
	bool found = false;
	size_t prev = 0, n = 0;

	KLP_FUZZ_CHECK(sym->name);
	KLP_FUZZ_CHECK(!sym->sec || sym->sec == &elf->secs[sym->shndx]);
	for (s = klp_elf_symbol_by_name(elf, sym->name); s;
	     s = klp_elf_next_symbol_by_name(elf, s)) {
		KLP_FUZZ_CHECK(!strcmp(s->name, sym->name));
		KLP_FUZZ_CHECK(!n++ || s->idx > prev);
		prev = s->idx;
		found |= s == sym;
	}
	KLP_FUZZ_CHECK(found);
	if (!indexed_by_pos(sym))
		return;

	found = false;
	n = 0;
	for (s = klp_elf_symbol_at(elf, sym->sec, sym->value); s;
	     s = klp_elf_next_symbol_at(elf, s)) {
		KLP_FUZZ_CHECK(s->sec == sym->sec && s->value == sym->value);
		KLP_FUZZ_CHECK(!n++ || s->idx > prev);
		prev = s->idx;
		found |= s == sym;
	}
	KLP_FUZZ_CHECK(found);

	found = false;
	for (s = klp_elf_symbol_at_addr(elf, sym->value); s;
	     s = klp_elf_next_symbol_at_addr(elf, s)) {
		KLP_FUZZ_CHECK(!klp_elf_is_relocatable(elf));
		KLP_FUZZ_CHECK(s->value == sym->value);
		found |= s == sym;
	}
	KLP_FUZZ_CHECK(found == !klp_elf_is_relocatable(elf));
}

static int no_rank(const struct klp_symbol *s, const void *ctx)
{
	return 0;
}

/* "Which symbol holds this place" (elf_find.c) finds each at its start. */
static void check_holders(struct klp_elf *elf, struct klp_symbol *sym)
{
	struct klp_hold_iter it;
	struct klp_symbol *s;

	if (!sym->sec || (sym->type != STT_FUNC && sym->type != STT_OBJECT))
		return;
	for (s = klp_elf_holders_first(elf, sym->sec, sym->value,
				       KLP_HOLD_EMPTY, &it);
	     s && s != sym; s = klp_elf_holders_next(&it))
		KLP_FUZZ_CHECK(s->sec == sym->sec && s->value <= sym->value);
	KLP_FUZZ_CHECK(s == sym);
	s = klp_elf_symbol_for_place(elf, sym->sec, (int64_t)sym->value,
				     (int64_t)sym->value + 4, no_rank, NULL);
	KLP_FUZZ_CHECK(!sym->size || (int64_t)sym->value < 0 ||
		       (s && s->sec == sym->sec));
}

static void check_symbols(struct klp_elf *elf)
{
	for (size_t i = 0; i < elf->nsym; i++) {
		struct klp_symbol *sym = klp_elf_symbol(elf, i);

		KLP_FUZZ_CHECK(sym == &elf->syms[i] && sym->idx == i);
		if (i % 2)	/* made again by the next lookup by place */
			klp_elf_drop_pos_index(elf);
		check_symbol(elf, sym);
		check_holders(elf, sym);
	}
	KLP_FUZZ_CHECK(!klp_elf_symbol(elf, elf->nsym));
}

static void check_relocs(struct klp_elf *elf)
{
	for (size_t i = 1; i < elf->nsec; i++) {
		struct klp_section *sec = &elf->secs[i];

		if (klp_elf_load_relocs(elf, sec)) {
			check_failed(elf);
			KLP_FUZZ_CHECK(!sec->relocs_loaded && !sec->relocs);
			continue;
		}
		KLP_FUZZ_CHECK(sec->relocs_loaded);
		KLP_FUZZ_CHECK(!klp_elf_load_relocs(elf, sec));
		for (size_t j = 0; j < sec->nreloc; j++) {
			struct klp_reloc *rel = &sec->relocs[j], *r, *v;
			bool found = false;
			size_t n;

			KLP_FUZZ_CHECK(!rel->sym ||
				       (rel->sym >= elf->syms &&
					rel->sym < elf->syms + elf->nsym));
			if (klp_elf_is_relocatable(elf))
				KLP_FUZZ_CHECK(rel->offset < sec->sh.sh_size);
			for (r = klp_elf_reloc_at(sec, rel->offset); r;
			     r = klp_elf_next_reloc_at(sec, r)) {
				KLP_FUZZ_CHECK(r->offset == rel->offset);
				KLP_FUZZ_CHECK(found || r <= rel);
				found |= r == rel;
			}
			KLP_FUZZ_CHECK(found);
			KLP_FUZZ_CHECK(!klp_elf_relocs_in(elf, sec, rel->offset,
							  rel->offset + 1, &v,
							  &n));
			KLP_FUZZ_CHECK(!j || rel[-1].offset < rel->offset ||
				       (rel[-1].offset == rel->offset &&
					rel[-1].idx < rel->idx));
			KLP_FUZZ_CHECK(rel->offset >= UINT64_MAX - 1 ||
				       (v <= rel && rel < v + n));
		}
	}
}

/*
 * What the commands compute on the linked vmlinux: a sympos for each symbol
 * kallsyms holds (`diff --orig-linked`, extract's references) and the symbol
 * of a (name, sympos) pair (extract checking the plan's old_sym).
 */
static void check_kallsyms(struct klp_elf *elf)
{
	for (size_t i = 0; i < elf->nsym; i++) {
		struct klp_symbol *sym = &elf->syms[i];
		unsigned long pos;

		if (!klp_kallsyms_holds(elf, sym) ||
		    klp_elf_is_relocatable(elf)) {
			KLP_FUZZ_CHECK(klp_kallsyms_pos(elf, sym, &pos) == -1);
			check_failed(elf);
			continue;
		}
		KLP_FUZZ_CHECK(!klp_kallsyms_pos(elf, sym, &pos));
		KLP_FUZZ_CHECK(klp_kallsyms_find(elf, sym->name, pos) == sym);
		/* One past the last position: the kernel would not find it. */
		if (pos) {
			KLP_FUZZ_CHECK(!klp_kallsyms_find(elf, sym->name, 0));
			check_failed(elf);
		} else {
			KLP_FUZZ_CHECK(!klp_kallsyms_find(elf, sym->name, 2));
			check_failed(elf);
		}
	}
	if (klp_elf_is_relocatable(elf)) {
		KLP_FUZZ_CHECK(!klp_kallsyms_find(elf, "f", 0));
		check_failed(elf);
	}
}

/*
 * klp_elf_open_names() (diff's linked vmlinux): for the names it holds it
 * answers as the whole model does, symbol for symbol and position for
 * position; it finds no symbol by number and loads no relocation.
 */
static void check_subset(struct klp_elf *elf, const char *path)
{
	const char **names = calloc(elf->nsym + 1, sizeof(*names));
	struct klp_elf *sub;
	size_t n = 0;

	KLP_FUZZ_CHECK(names);
	for (size_t i = 1; i < elf->nsym; i += 2)
		names[n++] = elf->syms[i].name;
	sub = klp_elf_open_names(path, names, n);
	KLP_FUZZ_CHECK(sub);
	for (size_t i = 1; i < elf->nsym; i += 2) {
		struct klp_symbol *a = klp_elf_symbol_by_name(elf,
							      elf->syms[i].name);
		struct klp_symbol *b = klp_elf_symbol_by_name(sub,
							      elf->syms[i].name);
		unsigned long pa, pb;
		int ra, rb;

		for (; a && b; a = klp_elf_next_symbol_by_name(elf, a),
			       b = klp_elf_next_symbol_by_name(sub, b)) {
			KLP_FUZZ_CHECK(a->idx == b->idx && a->value == b->value &&
				       a->shndx == b->shndx);
			ra = klp_kallsyms_pos(elf, a, &pa);
			rb = klp_kallsyms_pos(sub, b, &pb);
			KLP_FUZZ_CHECK(ra == rb && (ra || pa == pb));
			klp_err_clear();
		}
		KLP_FUZZ_CHECK(!a && !b);
	}
	KLP_FUZZ_CHECK(!klp_elf_symbol(sub, 0));
	for (size_t i = 1; i < sub->nsec; i++)
		if (sub->secs[i].rela) {
			KLP_FUZZ_CHECK(klp_elf_load_relocs(sub, &sub->secs[i]));
			check_failed(sub);
		}
	klp_elf_close(sub);
	free(names);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct klp_elf *elf;
	char path[64];
	int fd;

	fd = klp_fuzz_file(data, size, path, sizeof(path));
	if (fd < 0)
		return 0;
	klp_err_clear();
	elf = klp_elf_open(path);
	if (!elf) {
		KLP_FUZZ_CHECK(klp_errmsg()[0]);
		KLP_FUZZ_CHECK(!strncmp(klp_errmsg(), path, strlen(path)));
	} else {
		check_sections(elf);
		check_symbols(elf);
		check_relocs(elf);
		check_kallsyms(elf);
		check_subset(elf, path);
		klp_elf_close(elf);
	}
	close(fd);
	klp_err_clear();
	return 0;
}
