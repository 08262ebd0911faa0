// SPDX-License-Identifier: GPL-2.0
/*
 * klp-gen extract: where a relocation of copied bytes points.  A named
 * symbol is its own target; a section symbol plus addend (or a size-less
 * local label) is a byte of its section, found through the end of the
 * instruction for PC-relative operands (klp/x86_decode.h), then the
 * symbol there, a string, or symbol-less read-only data
 * (docs/klp-gen.md, "How each relocation of copied bytes is rewritten").
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "extract_priv.h"
#include "klp/error.h"
#include "klp/x86_decode.h"

/*
 * The symbol of @sec at byte @t: a sized function or object containing it,
 * or a zero-size one (an empty struct such as a lock_class_key or, on
 * !SMP, a spinlock) starting there.  Symbols of another unit than @blob are
 * left out: a section-relative relocation of one object points into that
 * object's own part of a section that `ld -r` merged.  If nothing contains
 * @t but one symbol ends exactly there (a pointer past an array), that one.
 * Aliases (same start and size) are one target; the representative is a
 * recorded, else a global symbol.  NULL with *@err 0 when no symbol
 * qualifies; NULL with *@err -1 if several do.
 */
static struct klp_symbol *pick_entity(struct ex *ex, struct klp_section *sec,
				      uint64_t t, struct klp_blob *blob,
				      const char *where, int *err)
{
	struct klp_symbol *best = NULL, *end = NULL;
	struct klp_symbol *best_other = NULL, *end_other = NULL;
	struct klp_hold_iter it;

	*err = 0;
	for (struct klp_symbol *s = klp_elf_holders_first(ex->pe, sec, t,
				KLP_HOLD_EMPTY | KLP_HOLD_END, &it);
	     s && !best_other; s = klp_elf_holders_next(&it)) {
		struct klp_symbol **slot, **other;
		struct klp_blob *sb;

		sb = blob ? ex_blob_of(ex, s) : NULL;
		if (blob && sb && sb != blob)
			continue;
		if (s->size && s->value + s->size == t) {
			slot = &end;
			other = &end_other;
		} else {
			slot = &best;
			other = &best_other;
		}
		if (*slot && ((*slot)->value != s->value ||
			      (*slot)->size != s->size)) {
			*other = s;
			continue;
		}
		if (!*slot || (!ex_blob_of(ex, *slot) && ex_blob_of(ex, s)) ||
		    ((*slot)->bind == STB_LOCAL && s->bind != STB_LOCAL))
			*slot = s;
	}
	/*
	 * An empty object there, or the end of the one before it?  Either,
	 * if the running kernel has them next to each other as well: the
	 * address is the same.
	 */
	if (best && !best->size && end) {
		struct klp_symbol *pb = klp_corr_orig_sym_of(ex->corr, best);
		struct klp_symbol *pe = klp_corr_orig_sym_of(ex->corr, end);

		if (!pb || !pe || pe->value + end->size != pb->value)
			best_other = end;
	}
	if (best_other) {
		*err = klp_err("%s: the target %s+0x%" PRIx64 " is in or at both %s and %s; cannot tell which one is meant",
			       where, sec->name, t, best->name,
			       best_other->name);
		return NULL;
	}
	if (best)
		return best;
	if (end_other) {
		*err = klp_err("%s: the target %s+0x%" PRIx64 " is the end of both %s and %s; cannot tell which one is meant",
			       where, sec->name, t, end->name, end_other->name);
		return NULL;
	}
	return end;
}

/* A string literal: copy it (once) into .rodata.str. */
static int copy_string(struct ex *ex, const char *where, struct klp_section *sec,
		       uint64_t t, uint64_t hi, int64_t raw, long *osym,
		       int64_t *oadd)
{
	const unsigned char *d;
	uint64_t size, start;
	const unsigned char *nul;
	struct exstr *st = NULL, *pos;
	uint64_t h;
	size_t len;

	if (klp_elf_section_data(ex->pe, sec, &d, &size))
		return -1;
	if (t >= size)
		return klp_err("%s: the target %s+0x%" PRIx64 " lies past the end of the string section",
			       where, sec->name, t);
	if (!d[t] && t > 0 && d[t - 1])
		return klp_err("%s: the target %s+0x%" PRIx64 " is the end of a string; cannot tell which string is meant",
			       where, sec->name, t);
	for (start = t; start > 0 && d[start - 1]; start--)
		;
	if (hi > t && memchr(d + t, 0, hi - t))
		return klp_err("%s: the target %s+0x%" PRIx64 " or +0x%" PRIx64 " are in different strings, depending on the size of the instruction's immediate; cannot tell",
			       where, sec->name, t, hi);
	nul = memchr(d + t, 0, size - t);
	if (!nul)
		return klp_err("%s: the string at %s+0x%" PRIx64 " is not NUL-terminated",
			       where, sec->name, t);
	len = (size_t)(nul - (d + start)) + 1;
	h = klp_hash_bytes(d + start, len);
	klp_htab_for_each(pos, &ex->strings, h, struct exstr, node)
		if (pos->len == len && !memcmp(pos->s, d + start, len)) {
			st = pos;
			break;
		}
	if (!st) {
		if (ex->strsec < 0) {
			ex->strsec = klp_out_add_section(ex->out, ".rodata.str",
							 SHT_PROGBITS, SHF_ALLOC,
							 1, 0);
			if (ex->strsec < 0)
				return -1;
		}
		st = calloc(1, sizeof(*st));
		if (!st)
			return klp_err("out of memory");
		st->next = ex->strs;
		ex->strs = st;
		st->s = (const char *)d + start;
		st->len = len;
		if (klp_out_append(ex->out, ex->strsec, d + start, len, 1,
				   &st->off) ||
		    klp_htab_add(&ex->strings, &st->node, h))
			return -1;
		ex->stats->strings++;
	}
	*osym = klp_out_section_symbol(ex->out, ex->strsec);
	*oadd = raw - (int64_t)start + (int64_t)st->off;
	return *osym < 0 ? -1 : 0;
}

/* Symbol-less data at @sec+[lo, hi]: copy it if it is read-only. */
static int copy_anon(struct ex *ex, const char *where, struct klp_section *sec,
		     uint64_t lo, uint64_t hi, int64_t raw,
		     struct klp_blob *blob, long *osym, int64_t *oadd)
{
	uint64_t flags = sec->sh.sh_flags, es = sec->sh.sh_entsize;
	uint64_t start, end, off;
	const unsigned char *bytes;
	struct ex_copy *c;
	long osec;

	if (!(flags & SHF_ALLOC) || (flags & SHF_EXECINSTR))
		return klp_err("%s: the target %s+0x%" PRIx64 " is in %s without a symbol there",
			       where, sec->name, lo,
			       flags & SHF_EXECINSTR ? "code" :
			       "a non-allocated section");
	if (flags & SHF_WRITE)
		return klp_err("%s: the target %s+0x%" PRIx64 " is writable data without a symbol: it cannot be paired with the running kernel's data, nor copied",
			       where, sec->name, lo);
	if ((flags & SHF_MERGE) && es) {
		start = lo - lo % es;
		end = (hi / es + 1) * es;
		if (end > sec->sh.sh_size)
			end = sec->sh.sh_size;
	} else if (!klp_elf_section_holds_symbols(ex->pe, sec,
						  KLP_HOLD_EMPTY)) {
		start = 0;
		end = sec->sh.sh_size;
	} else {
		return klp_err("%s: the target %s+0x%" PRIx64 " is read-only data without a symbol in a section that also holds symbols; cannot tell its extent",
			       where, sec->name, lo);
	}
	c = ex_find_copy(ex, sec, start);
	if (!c) {
		if (ex_sec_bytes(ex, sec, start, end - start, &bytes))
			return -1;
		osec = klp_out_add_section(ex->out, sec->name, sec->sh.sh_type,
					   flags & SHF_ALLOC,
					   sec->sh.sh_addralign, 0);
		if (osec < 0 ||
		    klp_out_append(ex->out, osec, bytes, end - start,
				   sec->sh.sh_addralign, &off))
			return -1;
		*osym = klp_out_section_symbol(ex->out, osec);
		if (*osym < 0)
			return -1;
		c = ex_new_copy(ex, &(struct ex_copy){
			.kind = EX_ANON, .name = sec->name, .sec = sec,
			.start = start, .size = end - start, .blob = blob,
			.osec = osec, .obase = off, .osym = *osym });
		if (!c)
			return -1;
		ex->stats->anon_rodata++;
	} else if (end > c->start + c->size) {
		return klp_err("%s: the target %s+0x%" PRIx64 " overlaps read-only data copied before in another extent",
			       where, sec->name, lo);
	}
	*osym = c->osym;
	*oadd = raw - (int64_t)c->start + (int64_t)c->obase -
		(int64_t)c->osym_value;
	return 0;
}

/*
 * A relocation to @sec + @raw (a section symbol or a local label plus the
 * addend).  The byte it points at is @raw itself for absolute relocations
 * and data, and @raw + 4 + k for a PC-relative instruction operand (k: the
 * immediate after the displacement, from the instruction decoded forward
 * from the start of the copied function by klp_x86_pcrel_tail()).  Where
 * the copy cannot be decoded up to the field, every k is tried and all
 * must lead to the same target, or the relocation is refused.
 */
static int section_target(struct ex *ex, const struct ex_copy *from,
			  const char *where, const struct klp_reloc *r,
			  bool insn_pcrel, struct klp_section *sec, int64_t raw,
			  long *osym, int64_t *oadd)
{
	struct klp_blob *blob = from ? from->blob : NULL;
	uint64_t ts[4], lo, hi, limit = sec->sh.sh_size;
	struct klp_symbol *ent = NULL;
	unsigned int ks = 1;		/* k = 0 */
	size_t nt = 0;
	int err;

	if (insn_pcrel) {
		const unsigned char *code;
		uint64_t size;
		unsigned int tail;
		int rc = 1;

		/* Decoded: exact; else every size, and they must agree. */
		ks = 1u | 2u | 4u | 16u;
		if (from && from->code &&
		    !klp_elf_section_data(ex->pe, from->sec, &code, &size) &&
		    code && from->start + from->size <= size) {
			rc = klp_x86_pcrel_tail(ex->x86, code + from->start,
						from->size,
						r->offset - from->start, 4,
						&tail);
			if (rc < 0)
				return -1;
		}
		if (!rc)
			ks = 1u << tail;
		for (int k = 0; k <= 4; k++) {
			int64_t t = raw + 4 + k;

			if ((ks & (1u << k)) && t >= 0 && (uint64_t)t <= limit)
				ts[nt++] = (uint64_t)t;
		}
	} else if (raw >= 0 && (uint64_t)raw <= limit) {
		ts[nt++] = (uint64_t)raw;
	}
	if (!nt)
		return klp_err("%s: %s to %s%+" PRId64 " points outside its section",
			       where, ex_rtype_name(r->type), sec->name,
			       r->addend);
	lo = ts[0];
	hi = ts[nt - 1];
	if (!strcmp(sec->name, ".altinstr_aux"))
		return ex_copy_altaux(ex, from, where, sec, lo, raw, osym,
				      oadd);
	if ((sec->sh.sh_flags & (SHF_MERGE | SHF_STRINGS)) ==
	    (SHF_MERGE | SHF_STRINGS))
		return copy_string(ex, where, sec, lo, hi, raw, osym, oadd);
	for (size_t i = 0; i < nt; i++) {
		struct klp_symbol *e = pick_entity(ex, sec, ts[i], blob, where,
						   &err);

		if (err)
			return -1;
		if (i && e != ent)
			return klp_err("%s: the target is %s+0x%" PRIx64 " or %s+0x%" PRIx64 " (%s or %s), depending on the size of the instruction's immediate; cannot tell",
				       where, sec->name, ts[0], sec->name,
				       ts[i], ent ? ent->name : "no symbol",
				       e ? e->name : "no symbol");
		ent = e;
	}
	if (ent)
		return ex_target_of(ex, from, where, ent,
				 raw - (int64_t)ent->value, true,
				 (int64_t)(lo - ent->value), osym, oadd);
	return copy_anon(ex, where, sec, lo, hi, raw, blob, osym, oadd);
}

/*
 * Rewrites relocation @r (of a range copied as @from, or of a special
 * section entry when @from is NULL) into patch.o's section @osec at @ooff.
 * @code: @r is an instruction operand (a PC-relative one points 4 bytes
 * before the end of its displacement field, plus any immediate after it).
 */
int ex_emit_reloc(struct ex *ex, const struct ex_copy *from,
		  const char *where, const struct klp_reloc *r, bool code,
		  long osec, uint64_t ooff, long *osym_out)
{
	struct klp_symbol *s = r->sym;
	bool pcrel;
	int64_t raw, oadd = 0;
	long osym = -1;

	switch (r->type) {
	case R_X86_64_NONE:
		return 0;
	case R_X86_64_PC32:
	case R_X86_64_PLT32:
	case R_X86_64_PC64:
		pcrel = true;
		break;
	case R_X86_64_64:
	case R_X86_64_32:
	case R_X86_64_32S:
		pcrel = false;
		break;
	default:
		return klp_err("%s: relocation type %u is not supported",
			       where, r->type);
	}
	if (!s)
		return klp_err("%s: %s without a symbol", where,
			       ex_rtype_name(r->type));
	ex->branch_ref = code && r->type == R_X86_64_PLT32;
	/*
	 * A named target is itself, except a local label without size (an
	 * assembler's .LCPI constant, an asm label): that is a place in its
	 * section, like a section symbol plus offset.
	 */
	if (s->type != STT_SECTION &&
	    !(s->bind == STB_LOCAL && s->sec && !s->size &&
	      s->type == STT_NOTYPE)) {
		/* @mid: the byte pointed at, for a PC-relative call or jump. */
		if (ex_target_of(ex, from, where, s, r->addend, false,
				 r->addend + (code && pcrel ? 4 : 0), &osym,
				 &oadd))
			return -1;
	} else {
		struct klp_section *sec = s->sec;

		if (!sec)
			return klp_err("%s: %s against a section symbol without a section",
				       where, ex_rtype_name(r->type));
		raw = (int64_t)s->value + r->addend;
		if (section_target(ex, from, where, r, code && pcrel, sec, raw,
				   &osym, &oadd))
			return -1;
	}
	ex->branch_ref = false;
	if (klp_out_add_reloc(ex->out, osec, ooff, r->type, osym, oadd))
		return -1;
	if (osym_out)
		*osym_out = osym;
	ex->stats->relocs++;
	return 0;
}
