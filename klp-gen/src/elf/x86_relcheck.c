// SPDX-License-Identifier: GPL-2.0
/*
 * Every relocation of an object's code against the forward decoder
 * (klp/x86_relcheck.h).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "klp/error.h"
#include "klp/x86_decode.h"
#include "klp/x86_relcheck.h"

/* Width of a relocation's field in code; 0: none (R_X86_64_NONE). */
static unsigned int field_width(uint32_t type, bool *pcrel)
{
	*pcrel = false;
	switch (type) {
	case R_X86_64_PC32:
	case R_X86_64_PLT32:
	case R_X86_64_GOTPCREL:
	case R_X86_64_GOTPCRELX:
	case R_X86_64_REX_GOTPCRELX:
	case R_X86_64_GOTTPOFF:
	case R_X86_64_TLSGD:
	case R_X86_64_TLSLD:
		*pcrel = true;
		return 4;
	case R_X86_64_32:
	case R_X86_64_32S:
	case R_X86_64_TPOFF32:
		return 4;
	case R_X86_64_64:
		return 8;
	case R_X86_64_PC64:
		*pcrel = true;
		return 8;
	case R_X86_64_16:
		return 2;
	case R_X86_64_8:
		return 1;
	default:
		return 0;
	}
}

static int sym_cmp(const void *a, const void *b)
{
	const struct klp_symbol *x = *(struct klp_symbol *const *)a;
	const struct klp_symbol *y = *(struct klp_symbol *const *)b;

	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	return x->size < y->size ? 1 : x->size > y->size ? -1 : 0;
}

/*
 * The sized functions of @sec by start, without those nested in the one
 * before (aliases and inner labels): the regions that are decoded.
 */
static int section_funcs(struct klp_elf *elf, struct klp_section *sec,
			 struct klp_symbol ***out, size_t *n)
{
	struct klp_symbol **v;
	size_t k = 0, m = 0;

	v = malloc((elf->nsym + 1) * sizeof(*v));
	if (!v)
		return klp_err("out of memory");
	for (size_t i = 0; i < elf->nsym; i++) {
		struct klp_symbol *s = &elf->syms[i];

		if (s->sec == sec && s->type == STT_FUNC && s->size)
			v[k++] = s;
	}
	qsort(v, k, sizeof(*v), sym_cmp);
	for (size_t i = 0; i < k; i++)
		if (!m || v[i]->value >= v[m - 1]->value + v[m - 1]->size)
			v[m++] = v[i];
	*out = v;
	*n = m;
	return 0;
}

static int check_section(struct klp_elf *elf, struct klp_section *sec,
			 struct klp_x86_dec *d, FILE *out, bool all,
			 struct klp_x86_relcheck *st)
{
	struct klp_symbol **f = NULL;
	struct klp_reloc *r;
	const unsigned char *data;
	uint64_t size;
	size_t nf = 0, fi = 0, nr;
	int ret = -1;

	if (klp_elf_relocs_in(elf, sec, 0, UINT64_MAX, &r, &nr) ||
	    klp_elf_section_data(elf, sec, &data, &size) ||
	    section_funcs(elf, sec, &f, &nf))
		goto out;
	st->sections++;
	for (size_t i = 0; i < nr; i++) {
		const struct klp_reloc *rel = &r[i];
		uint64_t lo, hi, off = rel->offset;
		struct klp_x86_insn in;
		unsigned int w, tail;
		bool pcrel, hit;
		int rc;

		w = field_width(rel->type, &pcrel);
		if (!w)
			continue;
		st->relocs++;
		/* The function holding @off, or the gap between two. */
		while (fi < nf && f[fi]->value + f[fi]->size <= off)
			fi++;
		if (fi < nf && f[fi]->value <= off) {
			lo = f[fi]->value;
			hi = lo + f[fi]->size;
		} else {
			lo = fi ? f[fi - 1]->value + f[fi - 1]->size : 0;
			hi = fi < nf ? f[fi]->value : size;
		}
		if (hi > size || lo > off) {
			klp_err("%s: %s: symbol past the end of the section",
				elf->name, sec->name);
			goto out;
		}
		rc = klp_x86_insn_at(d, data + lo, hi - lo, off - lo, &in);
		if (rc < 0)
			goto out;
		hit = !rc && !klp_x86_pcrel_tail(d, data + lo, hi - lo, off - lo,
						 w, &tail);
		if (hit) {
			st->on_field++;
			if (pcrel && w == 4) {
				st->pcrel++;
				st->tail[tail < 4 ? tail : 4]++;
			}
			if (!all)
				continue;
		} else if (rc) {
			st->undecoded++;
		} else {
			st->not_field++;
		}
		fprintf(out, "%s+0x%" PRIx64 ": type %u in %s+0x%" PRIx64 ": ",
			sec->name, off, rel->type,
			fi < nf && f[fi]->value <= off ? f[fi]->name : "(no function)",
			off - lo);
		if (hit)
			fprintf(out, "instruction +0x%" PRIx64 " (%u bytes), field +%u (%u bytes), %u after it\n",
				in.start, in.len, (unsigned int)(off - lo - in.start),
				w, tail);
		else if (rc)
			fputs("not in a decoded instruction\n", out);
		else {
			fprintf(out, "not on an operand field (instruction at +0x%" PRIx64 ", %u bytes:",
				in.start, in.len);
			for (unsigned int b = 0; b < in.len; b++)
				fprintf(out, " %02x", data[lo + in.start + b]);
			fputs(")\n", out);
		}
	}
	ret = 0;
out:
	free(f);
	return ret;
}

int klp_x86_check_relocs(struct klp_elf *elf, FILE *out, bool all,
			 struct klp_x86_relcheck *st)
{
	struct klp_x86_dec *d = klp_x86_dec_new();
	int ret = 0;

	memset(st, 0, sizeof(*st));
	if (!d)
		return -1;
	for (size_t i = 0; i < elf->nsec && !ret; i++) {
		struct klp_section *sec = &elf->secs[i];

		if (sec->rela && sec->sh.sh_type == SHT_PROGBITS &&
		    (sec->sh.sh_flags & SHF_EXECINSTR))
			ret = check_section(elf, sec, d, out, all, st);
	}
	klp_x86_dec_stats(d, &st->funcs, &st->insns);
	klp_x86_dec_free(d);
	return ret;
}
