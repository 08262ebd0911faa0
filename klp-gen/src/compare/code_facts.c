// SPDX-License-Identifier: GPL-2.0
/* What both code comparisons read from one file (code_facts.h). */

#include "klp/error.h"
#include "code_facts.h"

int cf_reloc_shape(uint32_t type, unsigned int *width, unsigned int *bias)
{
	static const struct { uint32_t type; unsigned char w, b; } tab[] = {
		{ R_X86_64_NONE, 0, 0 },	{ R_X86_64_TLSDESC_CALL, 0, 0 },
		{ R_X86_64_8, 1, 0 },		{ R_X86_64_PC8, 1, 1 },
		{ R_X86_64_16, 2, 0 },		{ R_X86_64_PC16, 2, 2 },
		{ R_X86_64_32, 4, 0 },		{ R_X86_64_32S, 4, 0 },
		{ R_X86_64_GOT32, 4, 0 },	{ R_X86_64_DTPOFF32, 4, 0 },
		{ R_X86_64_TPOFF32, 4, 0 },	{ R_X86_64_SIZE32, 4, 0 },
		{ R_X86_64_PC32, 4, 4 },	{ R_X86_64_PLT32, 4, 4 },
		{ R_X86_64_GOTPCREL, 4, 4 },	{ R_X86_64_GOTPCRELX, 4, 4 },
		{ R_X86_64_REX_GOTPCRELX, 4, 4 }, { R_X86_64_TLSGD, 4, 4 },
		{ R_X86_64_TLSLD, 4, 4 },	{ R_X86_64_GOTTPOFF, 4, 4 },
		{ R_X86_64_GOTPC32, 4, 4 },	{ R_X86_64_GOTPC32_TLSDESC, 4, 4 },
		{ R_X86_64_64, 8, 0 },		{ R_X86_64_DTPOFF64, 8, 0 },
		{ R_X86_64_TPOFF64, 8, 0 },	{ R_X86_64_GOTOFF64, 8, 0 },
		{ R_X86_64_GOT64, 8, 0 },	{ R_X86_64_PLTOFF64, 8, 0 },
		{ R_X86_64_SIZE64, 8, 0 },	{ R_X86_64_PC64, 8, 8 },
		{ R_X86_64_GOTPCREL64, 8, 8 },	{ R_X86_64_GOTPC64, 8, 8 },
	};

	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (tab[i].type == type) {
			*width = tab[i].w;
			*bias = tab[i].b;
			return 0;
		}
	*width = *bias = 0;
	return -1;
}

int cf_check_relocatable(const struct klp_elf *elf)
{
	if (!klp_elf_is_relocatable(elf))
		return klp_err("%s: not a relocatable file: code comparison needs the relocations of an `ld -r` output such as vmlinux.o",
			       elf->name);
	return 0;
}

int cf_sym_bytes(const struct klp_elf *elf, const struct klp_symbol *s,
		 const unsigned char **data)
{
	uint64_t size;

	if (!s->sec)
		return klp_err("%s: symbol %s is not defined in a section",
			       elf->name, s->name);
	if (klp_elf_section_data(elf, s->sec, data, &size))
		return -1;
	if (!*data)
		return klp_err("%s: symbol %s is in %s, which has no bytes",
			       elf->name, s->name, s->sec->name);
	if (s->value > size || s->size > size - s->value)
		return klp_err("%s: symbol %s (0x%llx bytes at 0x%llx) lies past the end of %s",
			       elf->name, s->name, (unsigned long long)s->size,
			       (unsigned long long)s->value, s->sec->name);
	*data += s->value;
	return 0;
}

int cf_sym_relocs(struct klp_elf *elf, const struct klp_symbol *s,
		  struct klp_reloc **v, size_t *n)
{
	if (klp_elf_relocs_in(elf, s->sec, s->value, s->value + s->size, v, n))
		return -1;
	for (size_t i = 0; i < *n; i++) {
		unsigned int width, bias;

		if (cf_reloc_shape((*v)[i].type, &width, &bias))
			return klp_err("%s: %s+0x%llx: relocation type %u is not supported in code",
				       elf->name, s->name,
				       (unsigned long long)((*v)[i].offset -
							    s->value),
				       (*v)[i].type);
	}
	return 0;
}

void cf_mask_fields(unsigned char *buf, uint64_t from, uint64_t len,
		    const struct klp_reloc *v, size_t i0, size_t i1)
{
	for (size_t i = i0; i < i1; i++) {
		unsigned int width, bias;
		uint64_t off = v[i].offset - from;

		cf_reloc_shape(v[i].type, &width, &bias);
		for (uint64_t k = off; k < off + width && k < len; k++)
			buf[k] = 0;
	}
}

struct klp_symbol *cf_recorded(const struct klp_record *rec,
			       struct klp_symbol *s)
{
	if (klp_record_func_of_sym(rec, s))
		return s;
	if (!s->sec || s->type == STT_SECTION)
		return NULL;
	for (struct klp_symbol *a = klp_elf_symbol_at(rec->elf, s->sec, s->value);
	     a; a = klp_elf_next_symbol_at(rec->elf, a))
		if (klp_record_func_of_sym(rec, a))
			return a;
	return NULL;
}

int cf_sym_rank(const struct klp_symbol *s, const void *rec)
{
	if (klp_record_func_of_sym(rec, s))
		return 0;
	return s->bind == STB_LOCAL ? 2 : 1;
}

int cf_merged_entry(const struct klp_elf *elf, const struct klp_section *sec,
		    uint64_t at, const unsigned char **bytes, size_t *len,
		    uint64_t *entry)
{
	const unsigned char *d;
	uint64_t size, ent = sec->sh.sh_entsize ? sec->sh.sh_entsize : 1;

	if (klp_elf_section_data(elf, sec, &d, &size))
		return -1;
	if (sec->sh.sh_flags & SHF_STRINGS) {
		/* Characters of @ent bytes up to an all-zero one, included. */
		for (uint64_t e = at; e + ent <= size; e += ent) {
			uint64_t z = 0;

			while (z < ent && !d[e + z])
				z++;
			if (z == ent) {
				*bytes = d + at;
				*len = e + ent - at;
				*entry = at;
				return 0;
			}
		}
		return 1;
	}
	at -= at % ent;
	if (at >= size || size - at < ent)
		return 1;
	*bytes = d + at;
	*len = ent;
	*entry = at;
	return 0;
}

int cf_pcrel_tail(struct klp_x86_dec **x86, const struct klp_elf *elf,
		  const struct klp_symbol *fn, const struct klp_reloc *r,
		  unsigned int width, struct cf_tail_hint *hint,
		  unsigned int *tail)
{
	const unsigned char *d;
	uint64_t size;
	int ret;

	if (!fn || width != 4 || r->offset < fn->value ||
	    r->offset + width > fn->value + fn->size ||
	    !(fn->sec->sh.sh_flags & SHF_EXECINSTR) ||
	    klp_elf_section_data(elf, fn->sec, &d, &size) || !d)
		return 1;
	if (hint && hint->valid) {
		*tail = hint->tail;
		return hint->r;
	}
	if (!*x86) {
		*x86 = klp_x86_dec_new();
		if (!*x86)
			return -1;
	}
	ret = klp_x86_pcrel_tail(*x86, d + fn->value, fn->size,
				 r->offset - fn->value, width, tail);
	if (ret >= 0 && hint) {
		hint->valid = true;
		hint->r = ret;
		hint->tail = *tail;
	}
	return ret;
}

/* Does @r jump or point into the function @fn (its end included)? */
static bool lands_in(const struct klp_reloc *r, const struct klp_symbol *fn)
{
	unsigned int width, bias;
	int64_t at;

	if (!r->sym || r->sym->sec != fn->sec ||
	    cf_reloc_shape(r->type, &width, &bias))
		return false;
	at = (int64_t)r->sym->value + r->addend + bias;
	return at >= (int64_t)fn->value && at <= (int64_t)(fn->value + fn->size);
}

/* Longest run of out-of-line code that one function is taken to own. */
#define FRAG_MAX	0x10000

int cf_frag_extent(struct klp_elf *elf, const struct klp_symbol *fn,
		   struct klp_section *sec, uint64_t base, uint64_t top,
		   struct klp_reloc **v, size_t *n, uint64_t *stop,
		   const unsigned char **data)
{
	uint64_t size;
	size_t all;

	if (klp_elf_section_data(elf, sec, data, &size) ||
	    klp_elf_relocs_in(elf, sec, base, UINT64_MAX, v, &all))
		return -1;
	*n = 0;
	*stop = top + 1;
	for (size_t i = 0; i < all && (*v)[i].offset < base + FRAG_MAX; i++) {
		const struct klp_reloc *r = &(*v)[i];
		unsigned int width, bias;

		if (lands_in(r, fn)) {
			cf_reloc_shape(r->type, &width, &bias);
			if (r->offset + width > *stop)
				*stop = r->offset + width;
			*n = i + 1;
		} else if (r->offset > top && r->sym && r->sym->sec &&
			   (r->sym->sec->sh.sh_flags & SHF_EXECINSTR)) {
			break;
		}
	}
	if (*stop > size || !*data)
		return klp_err("%s: %s: out-of-line code at %s+0x%llx runs past the section",
			       elf->name, fn->name, sec->name,
			       (unsigned long long)base);
	while (*n < all && (*v)[*n].offset < *stop)
		(*n)++;
	return 0;
}
