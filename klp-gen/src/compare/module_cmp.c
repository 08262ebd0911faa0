// SPDX-License-Identifier: GPL-2.0
/*
 * Did a rebuilt module change? (klp/objects.h).  The comparison is what
 * `llvm-objcopy --strip-debug --remove-section=.klp.lto
 * --remove-section=.note.gnu.build-id` and a byte compare of the results
 * answered before (scripts/klp-build.sh): the sections a rebuild changes
 * without a change of code are dropped with their relocations and section
 * symbols (and file symbols, which strip-debug drops as debugging symbols),
 * and what is left is compared with section and symbol numbers
 * renumbered, so that a dropped section between two kept ones moves
 * nothing.  The records are compared as `klp-gen dump` prints them: the
 * string table order of .klp.lto is not part of what they say.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "klp/dump.h"
#include "klp/elf.h"
#include "klp/error.h"
#include "klp/objects.h"
#include "klp/record.h"

/* One side: the kept sections and the new numbers of sections and symbols. */
struct side {
	struct klp_elf *elf;
	size_t nkept, nsyms;
	uint32_t *secmap;	/* old section number -> new, 0: dropped */
	uint32_t *symmap;	/* old symbol number -> new, 0: dropped */
	struct klp_section **kept;
};

static bool dropped_name(const char *n)
{
	return !strncmp(n, ".debug", 6) || !strncmp(n, ".zdebug", 7) ||
	       !strcmp(n, ".gdb_index") || !strcmp(n, ".klp.lto") ||
	       !strcmp(n, ".note.gnu.build-id");
}

static bool dropped(const struct klp_section *s)
{
	return dropped_name(s->name) ||
	       (s->sh.sh_type == SHT_RELA && s->base && dropped_name(s->base->name));
}

static uint32_t map_shndx(const struct side *s, uint32_t shndx)
{
	return shndx && shndx < s->elf->nsec ? s->secmap[shndx] : shndx;
}

static int side_index(struct side *s)
{
	struct klp_elf *e = s->elf;

	s->secmap = calloc(e->nsec + 1, sizeof(*s->secmap));
	s->symmap = calloc(e->nsym + 1, sizeof(*s->symmap));
	s->kept = calloc(e->nsec + 1, sizeof(*s->kept));
	if (!s->secmap || !s->symmap || !s->kept)
		return klp_err("out of memory");
	for (size_t i = 1; i < e->nsec; i++)
		if (!dropped(&e->secs[i])) {
			s->kept[s->nkept++] = &e->secs[i];
			s->secmap[i] = (uint32_t)s->nkept;
		}
	for (size_t i = 1; i < e->nsym; i++) {
		uint32_t x = e->syms[i].shndx;

		/* strip-debug drops file symbols too: debugging symbols */
		if ((x && x < SHN_LORESERVE && x < e->nsec && !s->secmap[x]) ||
		    e->syms[i].type == STT_FILE)
			continue;
		s->symmap[i] = (uint32_t)++s->nsyms;
	}
	return 0;
}

static bool same_symbols(const struct side *a, const struct side *b)
{
	size_t j = 1;

	if (a->nsyms != b->nsyms)
		return false;
	for (size_t i = 1; i < a->elf->nsym; i++) {
		const struct klp_symbol *x = &a->elf->syms[i], *y;

		if (!a->symmap[i])
			continue;
		while (!b->symmap[j])
			j++;
		y = &b->elf->syms[j++];
		if (strcmp(x->name, y->name) || x->value != y->value ||
		    x->size != y->size || x->type != y->type ||
		    x->bind != y->bind || x->visibility != y->visibility ||
		    map_shndx(a, x->shndx) != map_shndx(b, y->shndx))
			return false;
	}
	return true;
}

static int same_relocs(struct side *a, struct side *b, struct klp_section *x,
		       struct klp_section *y, bool *same)
{
	if (!x->base || !y->base)
		return klp_err("%s: relocation section %s applies to no section",
			       a->elf->name, x->name);
	if (klp_elf_load_relocs(a->elf, x->base) ||
	    klp_elf_load_relocs(b->elf, y->base))
		return -1;
	*same = x->base->nreloc == y->base->nreloc;
	for (size_t i = 0; *same && i < x->base->nreloc; i++) {
		const struct klp_reloc *r = &x->base->relocs[i];
		const struct klp_reloc *q = &y->base->relocs[i];

		*same = r->offset == q->offset && r->type == q->type &&
			r->addend == q->addend &&
			(r->sym ? a->symmap[r->sym->idx] : 0) ==
			(q->sym ? b->symmap[q->sym->idx] : 0);
	}
	return 0;
}

static int same_section(struct side *a, struct side *b, struct klp_section *x,
			struct klp_section *y, bool *same)
{
	const GElf_Shdr *p = &x->sh, *q = &y->sh;
	const unsigned char *dx, *dy;
	uint64_t nx, ny;
	bool info_link = p->sh_type == SHT_RELA || (p->sh_flags & SHF_INFO_LINK);
	/* Compared entry by entry, or through the names that use them. */
	bool table = p->sh_type == SHT_SYMTAB || p->sh_type == SHT_STRTAB;

	*same = !strcmp(x->name, y->name) && p->sh_type == q->sh_type &&
		p->sh_flags == q->sh_flags && p->sh_addr == q->sh_addr &&
		(p->sh_size == q->sh_size || table) &&
		p->sh_entsize == q->sh_entsize &&
		p->sh_addralign == q->sh_addralign &&
		map_shndx(a, p->sh_link) == map_shndx(b, q->sh_link) &&
		(info_link ? map_shndx(a, p->sh_info) == map_shndx(b, q->sh_info)
		 : p->sh_type == SHT_SYMTAB || p->sh_info == q->sh_info);
	if (!*same || p->sh_type == SHT_NOBITS || p->sh_type == SHT_STRTAB)
		return 0;
	if (p->sh_type == SHT_SYMTAB) {
		*same = same_symbols(a, b);
		return 0;
	}
	if (p->sh_type == SHT_RELA)
		return same_relocs(a, b, x, y, same);
	if (klp_elf_section_data(a->elf, x, &dx, &nx) ||
	    klp_elf_section_data(b->elf, y, &dy, &ny))
		return -1;
	*same = nx == ny && !memcmp(dx, dy, nx);
	return 0;
}

/* The record as `klp-gen dump` prints it, in a malloc'ed string. */
static char *dumped(struct klp_elf *elf)
{
	struct klp_record *rec = klp_record_read(elf);
	char *text = NULL;
	size_t len;
	FILE *f;

	if (!rec)
		return NULL;
	f = open_memstream(&text, &len);
	if (!f || klp_dump_record(f, rec) || fclose(f)) {
		klp_err("%s: cannot print its record", elf->name);
		free(text);
		text = NULL;
	}
	klp_record_free(rec);
	return text;
}

static int compare(struct side *a, struct side *b, bool *changed)
{
	char *ra = NULL, *rb = NULL;
	bool same = true;

	if (side_index(a) || side_index(b))
		return -1;
	same = a->elf->type == b->elf->type && a->nkept == b->nkept;
	for (size_t i = 0; same && i < a->nkept; i++)
		if (same_section(a, b, a->kept[i], b->kept[i], &same))
			return -1;
	if (same) {
		ra = dumped(a->elf);
		rb = ra ? dumped(b->elf) : NULL;
		if (!rb) {
			free(ra);
			return -1;
		}
		same = !strcmp(ra, rb);
	}
	free(ra);
	free(rb);
	*changed = !same;
	return 0;
}

int klp_module_changed(const char *orig, const char *patched, bool *changed)
{
	struct side a = { 0 }, b = { 0 };
	int ret = -1;

	a.elf = klp_elf_open(orig);
	b.elf = a.elf ? klp_elf_open(patched) : NULL;
	if (b.elf && a.elf->image_size == b.elf->image_size &&
	    !memcmp(a.elf->image, b.elf->image, a.elf->image_size)) {
		*changed = false;
		ret = 0;
	} else if (b.elf) {
		ret = compare(&a, &b, changed);
	}
	for (struct side *s = &a; s; s = s == &a ? &b : NULL) {
		free(s->secmap);
		free(s->symmap);
		free(s->kept);
		if (s->elf)
			klp_elf_close(s->elf);
	}
	return ret;
}
