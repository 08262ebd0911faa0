// SPDX-License-Identifier: GPL-2.0
/*
 * The machine-code oracle (klp/codecmp.h, docs/selection.md "verify").
 *
 * A function is compared as the bytes of its symbol with every relocation
 * field zeroed, plus its relocations one by one: offset from the function's
 * start, type, and the thing the relocation points at.  "The thing" is
 * resolved to something that survives a rebuild:
 *
 *   - a recorded function or variable: its peer through the correlation
 *     (so foo.llvm.1 and foo.llvm.2 of the same source are equal);
 *   - another named symbol: its name without ".llvm.<digits>";
 *   - a place in a section (a section symbol plus addend, which is how the
 *     assembler refers to local symbols and .L labels): the function or
 *     object symbol that contains it, as above; in a mergeable string
 *     section the string; in another mergeable section the constant; in
 *     code without symbols (.altinstr_aux) a fragment, compared as code;
 *     else the section name and offset, plus the content of a small
 *     read-only section (a private constant).
 *
 * Addends are compared relative to the resolved target, so "foo - 4"
 * against the symbol foo equals ".text.foo + 0x30 - 4" when foo sits at
 * 0x30 of a merged .text.foo.  Places inside `ld -r` output move whenever a
 * same-named section of another object changes (strings, constants,
 * same-named local functions), which is why offsets are never compared raw.
 *
 * Which symbol holds a place and which relocations lie in a range are
 * binary searches of the ELF model (klp/elf.h), so comparing all of
 * vmlinux.o is linear apart from its sorts.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "klp/codecmp.h"
#include "klp/counter_names.h"
#include "klp/error.h"
#include "klp/grow.h"
#include "code_facts.h"

/* One of the two files being compared. */
struct cmp_side {
	struct klp_record *rec;
	struct klp_elf *elf;
	/*
	 * References from tables (non-code allocated sections) into code,
	 * sorted by (target section, place): for klp_codecmp_strict().
	 */
	struct attach *att;
	size_t natt, attcap;
	bool att_done;
	/*
	 * The function whose relocations resolve() is resolving (NULL for
	 * tables and fragments) and the decoder that finds where its
	 * PC-relative operands point (made on first use).
	 */
	const struct klp_symbol *fn;
	struct klp_x86_dec *x86;
	struct cf_tail_hint *hint;	/* shared by the two sides */
};

/* A relocation of a table section that points at @place of code. */
struct attach {
	struct klp_section *from;	/* the table */
	struct klp_reloc *rel;
	uint32_t to;			/* the code section's index */
	uint64_t place;
};

/* Out-of-line code of one function in one symbol-less section. */
struct frag {
	struct klp_section *sec;
	uint64_t base;			/* lowest place the function jumps to */
	uint64_t top;			/* highest such place */
};

struct klp_codecmp {
	const struct klp_corr *corr;
	struct cmp_side side[2];	/* 0: original, 1: patched */
	unsigned char *buf[2];		/* masked copies of the code */
	size_t bufcap[2];
	struct target *tv[2];		/* targets of one function's relocs */
	size_t tvcap[2];
	struct frag *frags[2];		/* its out-of-line sections */
	struct cf_tail_hint hint;
	size_t nfrag[2], fragcap[2];
	bool strict;			/* see klp_codecmp_strict() */
	bool mask_build_id;		/* see klp_codecmp_data() */
};

enum target_kind {
	T_NONE,		/* no symbol (R_X86_64_NONE or symbol 0) */
	T_SYM,		/* a symbol plus offset */
	T_BYTES,	/* a string or constant in a mergeable section */
	T_SECOFF,	/* an unnamed place: section name plus offset */
	T_FRAG,		/* an unnamed place in code: out-of-line code */
};

struct target {
	enum target_kind kind;
	struct klp_symbol *sym;		/* T_SYM */
	const unsigned char *bytes;	/* T_BYTES */
	size_t len;
	const char *secname;		/* T_SECOFF, T_FRAG */
	struct klp_section *sec;	/* T_SECOFF, T_FRAG */
	int64_t off;			/* addend relative to the target */
};

struct klp_codecmp *klp_codecmp_new(const struct klp_corr *c)
{
	struct klp_codecmp *cc = calloc(1, sizeof(*cc));

	if (!cc) {
		klp_err("out of memory");
		return NULL;
	}
	cc->corr = c;
	for (int k = 0; k < 2; k++) {
		struct cmp_side *sd = &cc->side[k];

		sd->rec = k ? klp_corr_patched(c) : klp_corr_orig(c);
		sd->hint = &cc->hint;
		sd->elf = sd->rec->elf;
		if (cf_check_relocatable(sd->elf)) {
			klp_codecmp_free(cc);
			return NULL;
		}
	}
	return cc;
}

void klp_codecmp_free(struct klp_codecmp *cc)
{
	if (!cc)
		return;
	for (int k = 0; k < 2; k++) {
		struct cmp_side *sd = &cc->side[k];

		free(sd->att);
		klp_x86_dec_free(sd->x86);
		free(cc->buf[k]);
		free(cc->tv[k]);
		free(cc->frags[k]);
	}
	free(cc);
}

/* What @rel (of side @sd) points at. */
static int resolve(struct cmp_side *sd, const struct klp_reloc *rel,
		   struct target *t)
{
	struct klp_symbol *s = rel->sym, *c;
	const unsigned char *data;
	struct klp_section *sec;
	unsigned int width, bias, tail = 0;
	uint64_t place, size, entry;
	int r;

	memset(t, 0, sizeof(*t));
	t->off = rel->addend;
	if (!s) {
		t->kind = T_NONE;
		return 0;
	}
	sec = s->sec;
	t->kind = T_SYM;
	t->sym = s;
	if (cf_recorded(sd->rec, s) || !sec)
		return 0;
	if (s->type != STT_SECTION && !(sec->sh.sh_flags & SHF_MERGE))
		return 0;

	/* A place in a section: what is there? */
	cf_reloc_shape(rel->type, &width, &bias);
	place = s->value + (uint64_t)rel->addend;
	if (sec->sh.sh_flags & SHF_MERGE) {
		/*
		 * A named symbol (.L.str.3, kept by the assembler for merged
		 * sections) marks the start of its entry; a section symbol
		 * plus addend gives the place up to the instruction's
		 * trailing immediate, which the decoded instruction gives
		 * (else the smallest distance, bias).
		 */
		uint64_t at;

		if (bias && s->type == STT_SECTION &&
		    cf_pcrel_tail(&sd->x86, sd->elf, sd->fn, rel, width,
				  sd->hint, &tail) < 0)
			return -1;
		at = s->type == STT_SECTION ? place + bias + tail : s->value;
		r = cf_merged_entry(sd->elf, sec, at, &t->bytes, &t->len,
				    &entry);
		if (r < 0)
			return -1;
		if (!r) {
			t->kind = T_BYTES;
			/* A constant: the offset into the entry. */
			if (!(sec->sh.sh_flags & SHF_STRINGS))
				t->off = (int64_t)(place - entry);
			else if (s->type == STT_SECTION)
				t->off = -(int64_t)bias;
			return 0;
		}
		/* Out of the section: compare as a plain place. */
	}
	if (s->type != STT_SECTION)
		return 0;
	c = klp_elf_symbol_for_place(sd->elf, sec, (int64_t)place + bias,
				     (int64_t)place + 2 * bias, cf_sym_rank, sd->rec);
	/*
	 * A PC-relative operand of code means addend + width + the size of
	 * the immediate after the field, up to 2 * bias bytes on.  Only when
	 * the symbol found for that window does not hold all of it does the
	 * immediate matter; then the function is decoded
	 * (klp_x86_pcrel_tail()) for the exact place, so most functions are
	 * never decoded.
	 */
	if (bias && c && !(c->value <= place + bias &&
			   place + 2 * bias < c->value + c->size)) {
		r = cf_pcrel_tail(&sd->x86, sd->elf, sd->fn, rel, width,
				  sd->hint, &tail);
		if (r < 0)
			return -1;
		if (!r)
			c = klp_elf_symbol_for_place(sd->elf, sec,
					(int64_t)(place + bias + tail),
					(int64_t)(place + bias + tail),
					cf_sym_rank, sd->rec);
	}
	if (c) {
		struct klp_symbol *rc = cf_recorded(sd->rec, c);

		t->sym = rc ? rc : c;
		t->off = (int64_t)(place - c->value);
		return 0;
	}
	/* A place without a symbol. */
	t->kind = T_SECOFF;
	t->sym = NULL;
	t->secname = sec->name;
	t->sec = sec;
	t->off = (int64_t)place;
	/* Checked here so that same_unnamed_data() cannot fail. */
	if (klp_elf_section_data(sd->elf, sec, &data, &size))
		return -1;
	/*
	 * Code without symbols: out-of-line fragments such as those of
	 * static_cpu_has() in .altinstr_aux, one after the other for the
	 * whole object, so their offsets move with every other object's.
	 * klp_codecmp_sym() makes the offset relative to the function's
	 * first fragment and compares the fragments themselves.  The offset
	 * is where the jump lands (the place, not the addend).
	 */
	if (sec->sh.sh_flags & SHF_EXECINSTR) {
		t->kind = T_FRAG;
		t->off += bias;
	}
	return 0;
}

/* Same source file and function (or both without a source)? */
static bool same_source(const struct klp_func *a, const struct klp_func *b)
{
	if (!a->src || !b->src)
		return !a->src && !b->src;
	return !strcmp(klp_str(a->blob->rec, a->src->name),
		       klp_str(b->blob->rec, b->src->name)) &&
	       !strcmp(klp_str(a->blob->rec, a->src->file),
		       klp_str(b->blob->rec, b->src->file));
}

/*
 * Strict mode: an object without a record (named by the assembler or the
 * compiler, compared by name) also has the same bytes.  Code and sections
 * without bytes compare by name only.
 */
static bool same_object_bytes(const struct klp_codecmp *cc,
			      const struct klp_symbol *a,
			      const struct klp_symbol *b)
{
	const unsigned char *da, *db;
	uint64_t sa, sb;

	if (a->type != STT_OBJECT || !a->sec || !b->sec ||
	    a->sec->sh.sh_type != SHT_PROGBITS ||
	    (a->sec->sh.sh_flags & SHF_EXECINSTR))
		return true;
	if (a->size != b->size || b->sec->sh.sh_type != SHT_PROGBITS)
		return false;
	if (klp_elf_section_data(cc->side[0].elf, a->sec, &da, &sa) ||
	    klp_elf_section_data(cc->side[1].elf, b->sec, &db, &sb) ||
	    !da || !db || a->value + a->size > sa || b->value + b->size > sb)
		return false;	/* cannot tell: not the same */
	return !memcmp(da + a->value, db + b->value, a->size);
}

/* Do @a (original) and @b (patched) stand for the same thing? */
static bool same_symbol(const struct klp_codecmp *cc, struct klp_symbol *a,
			struct klp_symbol *b)
{
	const struct cmp_side *o = &cc->side[0], *p = &cc->side[1];
	struct klp_symbol *ra = cf_recorded(o->rec, a), *rb = cf_recorded(p->rec, b);

	if (ra || rb) {
		struct klp_symbol *pa;

		if (!ra || !rb)
			return false;
		pa = klp_corr_patched_sym_of(cc->corr, ra);
		if (pa)
			return pa == rb || (pa->sec && rb->sec &&
					    pa->sec->idx == rb->sec->idx &&
					    pa->value == rb->value);
		/*
		 * Neither has a peer (ambiguous keys): the best evidence left
		 * is the name, as for symbols without a record.
		 */
		if (klp_corr_orig_sym_of(cc->corr, rb))
			return false;
		return klp_role_eq(ra->name, rb->name) &&
		       same_source(klp_record_func_of_sym(o->rec, ra),
				   klp_record_func_of_sym(p->rec, rb));
	}
	if (!klp_role_eq(a->name, b->name))
		return false;
	return !cc->strict || same_object_bytes(cc, a, b);
}

/* Read-only data without symbols is compared whole up to this size. */
#define UNNAMED_DATA_MAX	0x10000

/*
 * A place in data without a symbol: typically a private constant that the
 * compiler put in a section of its own (.rodata..L__const.FUNC.VAR).  Its
 * content is part of the function's behaviour, so a small read-only section
 * is compared whole, relocation fields (zero in RELA files) included; big
 * shared sections such as .rodata are compared by name and offset only.
 */
static bool same_unnamed_data(const struct klp_codecmp *cc,
			      const struct klp_section *a,
			      const struct klp_section *b)
{
	const unsigned char *da, *db;
	uint64_t sa, sb;

	if (cc->strict) {
		/* Any size, writable too: only its content can tell. */
		if (a->sh.sh_type != b->sh.sh_type ||
		    a->sh.sh_size != b->sh.sh_size)
			return false;
		if (a->sh.sh_type != SHT_PROGBITS)
			return true;
	} else if ((a->sh.sh_flags & SHF_WRITE) ||
		   a->sh.sh_type != SHT_PROGBITS ||
		   a->sh.sh_size > UNNAMED_DATA_MAX) {
		return true;
	}
	if (a->sh.sh_type != b->sh.sh_type || a->sh.sh_size != b->sh.sh_size)
		return false;
	klp_elf_section_data(cc->side[0].elf, a, &da, &sa);
	klp_elf_section_data(cc->side[1].elf, b, &db, &sb);
	return sa == sb && !memcmp(da, db, sa);
}

static bool same_target(const struct klp_codecmp *cc, const struct target *a,
			const struct target *b)
{
	if (a->kind != b->kind || a->off != b->off)
		return false;
	switch (a->kind) {
	case T_NONE:
		return true;
	case T_SYM:
		return same_symbol(cc, a->sym, b->sym);
	case T_BYTES:
		return a->len == b->len && !memcmp(a->bytes, b->bytes, a->len);
	case T_SECOFF:
		return !strcmp(a->secname, b->secname) &&
		       same_unnamed_data(cc, a->sec, b->sec);
	case T_FRAG:
		return !strcmp(a->secname, b->secname);
	}
	return false;
}

/* "foo+0x8", "\"string\"", ".rodata+0x40" for messages. */
static void describe(const struct target *t, char *buf, size_t len)
{
	char sign = t->off < 0 ? '-' : '+';
	unsigned long long mag = t->off < 0 ? -(unsigned long long)t->off :
					      (unsigned long long)t->off;

	switch (t->kind) {
	case T_NONE:
		snprintf(buf, len, "nothing%c0x%llx", sign, mag);
		break;
	case T_SYM:
		snprintf(buf, len, "%s%c0x%llx", t->sym->name, sign, mag);
		break;
	case T_BYTES: {
		size_t n = 0;

		n += snprintf(buf, len, "\"");
		for (size_t i = 0; i < t->len && i < 24 && n + 6 < len; i++) {
			unsigned char ch = t->bytes[i];

			if (ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\')
				buf[n++] = ch;
			else
				n += snprintf(buf + n, len - n, "\\x%02x", ch);
		}
		n += snprintf(buf + n, len - n, "%s\"",
			      t->len > 24 ? "..." : "");
		if (t->off && n < len)
			snprintf(buf + n, len - n, "%c0x%llx", sign, mag);
		break;
	}
	case T_SECOFF:
		snprintf(buf, len, "%s%c0x%llx", t->secname, sign, mag);
		break;
	case T_FRAG:
		snprintf(buf, len, "%s(fragment)%c0x%llx", t->secname, sign,
			 mag);
		break;
	}
}

static int grow_bufs(struct klp_codecmp *cc, size_t size)
{
	return klp_grow(&cc->buf[0], &cc->bufcap[0], size, 1) ||
	       klp_grow(&cc->buf[1], &cc->bufcap[1], size, 1);
}

/*
 * Says in @why (if not NULL) why the two differ, or why they are the same
 * (printf-like); returns 1, "changed".
 */
__attribute__((format(printf, 3, 4)))
static int reason(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	if (!why)
		return 1;
	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	return 1;
}

/*
 * As reason(), followed by "A -> B" for the targets @t[0] and @t[1], and
 * with @note " (contents differ)" when the two read the same.
 */
__attribute__((format(printf, 5, 6)))
static int reason_at(char *why, size_t whylen, const struct target *t,
		     bool note, const char *fmt, ...)
{
	char da[160], db[160];
	va_list ap;
	int n;

	if (!why)
		return 1;
	describe(&t[0], da, sizeof(da));
	describe(&t[1], db, sizeof(db));
	va_start(ap, fmt);
	n = vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < whylen)
		snprintf(why + n, whylen - n, "%s -> %s%s", da, db,
			 note && !strcmp(da, db) ? " (contents differ)" : "");
	return 1;
}

/* Where two buffers known to differ first differ. */
static size_t first_difference(const unsigned char *a, const unsigned char *b)
{
	size_t i = 0;

	while (a[i] == b[i])
		i++;
	return i;
}

/* Notes a T_FRAG target of side @k in the function's fragment list. */
static int note_frag(struct klp_codecmp *cc, int k, const struct target *t)
{
	uint64_t place = (uint64_t)t->off;
	struct frag *f;

	for (size_t i = 0; i < cc->nfrag[k]; i++) {
		f = &cc->frags[k][i];
		if (f->sec == t->sec) {
			if (place < f->base)
				f->base = place;
			if (place > f->top)
				f->top = place;
			return 0;
		}
	}
	if (klp_grow(&cc->frags[k], &cc->fragcap[k], cc->nfrag[k] + 1,
		     sizeof(*f)))
		return -1;
	f = &cc->frags[k][cc->nfrag[k]++];
	f->sec = t->sec;
	f->base = f->top = place;
	return 0;
}

static const struct frag *find_frag(const struct klp_codecmp *cc, int k,
				    const char *secname)
{
	for (size_t i = 0; i < cc->nfrag[k]; i++)
		if (!strcmp(cc->frags[k][i].sec->name, secname))
			return &cc->frags[k][i];
	return NULL;
}

/* Compares the fragments of the two functions in one section. */
static int compare_frag(struct klp_codecmp *cc, const struct klp_symbol **fn,
			const struct frag **fr, char *why, size_t whylen)
{
	struct klp_reloc *v[2];
	size_t end[2];
	uint64_t stop[2], len;
	const unsigned char *data[2];
	const char *name = fr[0]->sec->name;

	for (int k = 0; k < 2; k++)
		if (cf_frag_extent(cc->side[k].elf, fn[k], fr[k]->sec,
				   fr[k]->base, fr[k]->top, &v[k], &end[k],
				   &stop[k], &data[k]))
			return -1;
	len = stop[0] - fr[0]->base;
	if (len != stop[1] - fr[1]->base)
		return reason(why, whylen, "out-of-line code in %s: size 0x%lx -> 0x%lx",
			      name, (unsigned long)len,
			      (unsigned long)(stop[1] - fr[1]->base));
	if (end[0] != end[1])
		return reason(why, whylen, "out-of-line code in %s: %zu relocations -> %zu",
			      name, end[0], end[1]);
	if (grow_bufs(cc, len + 1))
		return -1;
	for (int k = 0; k < 2; k++) {
		memcpy(cc->buf[k], data[k] + fr[k]->base, len);
		cf_mask_fields(cc->buf[k], fr[k]->base, len, v[k], 0, end[k]);
	}
	if (memcmp(cc->buf[0], cc->buf[1], len))
		return reason(why, whylen, "out-of-line code in %s: bytes differ at +0x%zx",
			      name, first_difference(cc->buf[0], cc->buf[1]));
	for (size_t i = 0; i < end[0]; i++) {
		const struct klp_reloc *ra = &v[0][i], *rb = &v[1][i];
		uint64_t oa = ra->offset - fr[0]->base;
		struct target t[2];

		if (oa != rb->offset - fr[1]->base || ra->type != rb->type)
			return reason(why, whylen, "out-of-line code in %s: relocation at +0x%lx differs",
				      name, (unsigned long)oa);
		for (int k = 0; k < 2; k++) {
			if (resolve(&cc->side[k], &v[k][i], &t[k]))
				return -1;
			/* Places in fragments: relative to the fragments' start. */
			if (t[k].kind == T_FRAG && t[k].sec == fr[k]->sec)
				t[k].off -= (int64_t)fr[k]->base;
		}
		if (!same_target(cc, &t[0], &t[1]))
			return reason_at(why, whylen, t, false, "out-of-line code in %s: relocation at +0x%lx: ",
					 name, (unsigned long)oa);
	}
	return 0;
}

/* An ELF note header: namesz, descsz, type, then the name "GNU\0". */
#define NOTE_HDR	16
#define NT_BUILD_ID	3
#define BUILD_ID_MAX	64

static uint32_t le32(const unsigned char *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/*
 * Zeroes, in both copies of a variable, the descriptor of every GNU build
 * ID note (an ELF image embedded in data, such as the vDSO's) whose header
 * is the same in both.  Notes are 4-byte aligned in their image.
 */
static void mask_build_ids(unsigned char *a, unsigned char *b, size_t n)
{
	for (size_t k = 0; k + NOTE_HDR <= n; k += 4) {
		uint32_t desc = le32(a + k + 4);

		if (le32(a + k) != 4 || le32(a + k + 8) != NT_BUILD_ID ||
		    memcmp(a + k + 12, "GNU", 4) || !desc ||
		    desc > BUILD_ID_MAX || desc > n - k - NOTE_HDR ||
		    memcmp(a + k, b + k, NOTE_HDR))
			continue;
		memset(a + k + NOTE_HDR, 0, desc);
		memset(b + k + NOTE_HDR, 0, desc);
	}
}

int klp_codecmp_sym(struct klp_codecmp *cc, const struct klp_symbol *orig,
		    const struct klp_symbol *patched, char *why, size_t whylen)
{
	const struct klp_symbol *s[2] = { orig, patched };
	const unsigned char *data[2];
	struct klp_reloc *v[2];
	size_t n, nrel[2];

	for (int k = 0; k < 2; k++)
		if (cf_sym_bytes(cc->side[k].elf, s[k], &data[k]))
			return -1;
	if (orig->size != patched->size)
		return reason(why, whylen, "size 0x%lx -> 0x%lx",
			      (unsigned long)orig->size,
			      (unsigned long)patched->size);
	n = orig->size;
	if (grow_bufs(cc, n + 1))
		return -1;
	for (int k = 0; k < 2; k++) {
		memcpy(cc->buf[k], data[k], n);
		if (cf_sym_relocs(cc->side[k].elf, s[k], &v[k], &nrel[k]))
			return -1;
		cf_mask_fields(cc->buf[k], s[k]->value, n, v[k], 0, nrel[k]);
	}
	if (cc->mask_build_id)
		mask_build_ids(cc->buf[0], cc->buf[1], n);
	if (memcmp(cc->buf[0], cc->buf[1], n))
		return reason(why, whylen, "bytes differ at +0x%zx",
			      first_difference(cc->buf[0], cc->buf[1]));
	if (nrel[0] != nrel[1])
		return reason(why, whylen, "%zu relocations -> %zu", nrel[0],
			      nrel[1]);

	/* Offsets and types, then what each relocation points at. */
	if (klp_grow(&cc->tv[0], &cc->tvcap[0], nrel[0] + 1, sizeof(struct target)) ||
	    klp_grow(&cc->tv[1], &cc->tvcap[1], nrel[0] + 1, sizeof(struct target)))
		return -1;
	cc->nfrag[0] = cc->nfrag[1] = 0;
	for (size_t i = 0; i < nrel[0]; i++) {
		const struct klp_reloc *ra = &v[0][i], *rb = &v[1][i];
		uint64_t oa = ra->offset - orig->value;
		uint64_t ob = rb->offset - patched->value;

		if (oa != ob)
			return reason(why, whylen, "relocation at +0x%lx -> +0x%lx",
				      (unsigned long)oa, (unsigned long)ob);
		if (ra->type != rb->type)
			return reason(why, whylen, "relocation at +0x%lx: type %u -> %u",
				      (unsigned long)oa, ra->type, rb->type);
		cc->hint.valid = false;
		for (int k = 0; k < 2; k++) {
			struct target *t = &cc->tv[k][i];
			int r;

			cc->side[k].fn = s[k];
			r = resolve(&cc->side[k], &v[k][i], t);
			cc->side[k].fn = NULL;
			if (r)
				return -1;
			if (t->kind == T_FRAG && note_frag(cc, k, t))
				return -1;
		}
	}
	for (size_t i = 0; i < nrel[0]; i++) {
		struct target t[2] = { cc->tv[0][i], cc->tv[1][i] };

		for (int k = 0; k < 2; k++)
			if (t[k].kind == T_FRAG)
				t[k].off -= (int64_t)find_frag(cc, k, t[k].secname)->base;
		if (!same_target(cc, &t[0], &t[1]))
			return reason_at(why, whylen, t, true, "relocation at +0x%lx: ",
					 (unsigned long)(v[0][i].offset -
							 orig->value));
	}

	/* The fragments themselves, section by section. */
	for (size_t i = 0; i < cc->nfrag[0]; i++) {
		const struct frag *fr[2] = { &cc->frags[0][i], NULL };
		int r;

		fr[1] = find_frag(cc, 1, fr[0]->sec->name);
		/* Cannot happen: the targets matched by name. */
		if (!fr[1])
			return reason(why, whylen, "out-of-line code in %s is gone",
				      fr[0]->sec->name);
		r = compare_frag(cc, s, fr, why, whylen);
		if (r)
			return r;
	}
	return 0;
}

/*
 * Tables that describe code: relocations of allocated sections that are
 * not code, pointing into code.  Left out: what only locates code for
 * tools and is rebuilt from it (ftrace call sites, ORC, DWARF CFI) and
 * what is not kept (debug info, the record, boot-time tables).
 */
static bool table_section(const struct klp_section *sec)
{
	static const char *const skip[] = {
		".debug", ".klp.lto", "__mcount_loc",
		"__patchable_function_entries", ".orc_unwind", ".eh_frame",
		".note", ".discard", ".init", ".exit",
	};

	if (!(sec->sh.sh_flags & SHF_ALLOC) ||
	    (sec->sh.sh_flags & SHF_EXECINSTR) || !sec->rela || !sec->name)
		return false;
	for (size_t i = 0; i < sizeof(skip) / sizeof(skip[0]); i++)
		if (!strncmp(sec->name, skip[i], strlen(skip[i])))
			return false;
	return true;
}

static bool is_code_sec(const struct klp_section *sec)
{
	return sec && (sec->sh.sh_flags & SHF_EXECINSTR);
}

static int attach_cmp(const void *a, const void *b)
{
	const struct attach *x = a, *y = b;

	if (x->to != y->to)
		return x->to < y->to ? -1 : 1;
	if (x->place != y->place)
		return x->place < y->place ? -1 : 1;
	if (x->from->idx != y->from->idx)
		return x->from->idx < y->from->idx ? -1 : 1;
	return x->rel->offset < y->rel->offset ? -1 :
	       x->rel->offset > y->rel->offset;
}

/* Indexes, once, every reference from a table into code. */
static int index_attached(struct cmp_side *sd)
{
	struct klp_elf *elf = sd->elf;

	if (sd->att_done)
		return 0;
	for (size_t i = 0; i < elf->nsec; i++) {
		struct klp_section *sec = &elf->secs[i];

		if (!table_section(sec))
			continue;
		if (klp_elf_load_relocs(elf, sec))
			return -1;
		for (size_t k = 0; k < sec->nreloc; k++) {
			struct klp_reloc *r = &sec->relocs[k];
			struct attach *a;

			if (!r->sym || !is_code_sec(r->sym->sec) ||
			    r->type == R_X86_64_NONE)
				continue;
			if (klp_grow(&sd->att, &sd->attcap, sd->natt + 1,
				     sizeof(*a)))
				return -1;
			a = &sd->att[sd->natt++];
			a->from = sec;
			a->rel = r;
			a->to = r->sym->sec->idx;
			a->place = r->sym->value + (uint64_t)r->addend;
		}
	}
	if (sd->natt > 1)
		qsort(sd->att, sd->natt, sizeof(*sd->att), attach_cmp);
	sd->att_done = true;
	return 0;
}

/* The table references into @fn: att[*a .. *b), by binary search. */
static int attached_range(struct cmp_side *sd, const struct klp_symbol *fn,
			  size_t *a, size_t *b)
{
	size_t lo = 0, hi, to = fn->sec->idx;

	if (index_attached(sd))
		return -1;
	hi = sd->natt;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct attach *m = &sd->att[mid];

		if (m->to < to || (m->to == to && m->place < fn->value))
			lo = mid + 1;
		else
			hi = mid;
	}
	*a = *b = lo;
	while (*b < sd->natt && sd->att[*b].to == to &&
	       sd->att[*b].place < fn->value + fn->size)
		(*b)++;
	return 0;
}

/* Where in @fn a relocation points, or -1 if it does not point into it. */
static int64_t place_in(const struct klp_reloc *r, const struct klp_symbol *fn)
{
	uint64_t at;

	if (!r->sym || r->sym->sec != fn->sec)
		return -1;
	at = r->sym->value + (uint64_t)r->addend;
	return at >= fn->value && at < fn->value + fn->size ?
	       (int64_t)(at - fn->value) : -1;
}

/* A table entry is taken to be at most this long. */
#define ENTRY_MAX	32

/*
 * Does @r point at code of a function other than @fn?  That is where the
 * next table entry starts.  Code without symbols (.altinstr_replacement,
 * .altinstr_aux) is part of the entry: an alternative's replacement.
 */
static int other_function(struct cmp_side *sd, const struct klp_reloc *r,
			  const struct klp_symbol *fn)
{
	struct klp_section *sec = r->sym ? r->sym->sec : NULL;

	if (!is_code_sec(sec) || place_in(r, fn) >= 0)
		return 0;
	return klp_elf_section_holds_symbols(sd->elf, sec, 0);
}

/*
 * The bytes of a table from the reference @at to the next reference into
 * another function (the next entry, which describes it), at most
 * ENTRY_MAX: relocations in it @v[0 .. *end), its length in *len.
 */
static int entry_window(struct cmp_side *sd, const struct attach *at,
			const struct klp_symbol *fn, struct klp_reloc **v,
			size_t *end, uint64_t *len)
{
	struct klp_section *sec = at->from;
	uint64_t start = at->rel->offset, stop = start + ENTRY_MAX;
	size_t n;

	if (klp_elf_relocs_in(sd->elf, sec, start, UINT64_MAX, v, &n))
		return -1;
	if (stop > sec->sh.sh_size)
		stop = sec->sh.sh_size;
	for (*end = 0; *end < n && (*v)[*end].offset < stop; (*end)++) {
		const struct klp_reloc *r = &(*v)[*end];
		int other;

		if (r->offset <= start)
			continue;
		other = other_function(sd, r, fn);
		if (other < 0)
			return -1;
		if (other) {
			stop = r->offset;
			break;
		}
	}
	*len = stop - start;
	return 0;
}

/*
 * Compares the table entries at @at[0] (describing @fn[0]) and @at[1]:
 * bytes with relocation fields masked, and each relocation by what it
 * points at (a place in the function itself by its offset there).  In
 * __bug_table, the 16-bit field that follows the file name (the line of
 * bug_entry) is not compared: see docs/selection.md ("source changed, code
 * identical").
 */
static int compare_entry(struct klp_codecmp *cc,
			 const struct klp_symbol **fn,
			 const struct attach **at, char *why, size_t whylen)
{
	struct klp_reloc *v[2];
	size_t end[2];
	uint64_t len[2];
	const char *name = at[0]->from->name;
	unsigned long long start = at[0]->rel->offset;
	bool bug = !strncmp(name, "__bug_table", 11);

	for (int k = 0; k < 2; k++)
		if (entry_window(&cc->side[k], at[k], fn[k], &v[k], &end[k],
				 &len[k]))
			return -1;
	if (len[0] != len[1] || end[0] != end[1])
		return reason(why, whylen, "its entry in %s at +0x%llx changed shape",
			      name, start);
	if (grow_bufs(cc, len[0] + 1))
		return -1;
	for (int k = 0; k < 2; k++) {
		const unsigned char *data = NULL;
		uint64_t size = 0;

		if (at[k]->from->sh.sh_type != SHT_NOBITS &&
		    klp_elf_section_data(cc->side[k].elf, at[k]->from, &data,
					 &size))
			return -1;
		if (data && at[k]->rel->offset + len[k] <= size)
			memcpy(cc->buf[k], data + at[k]->rel->offset, len[k]);
		else
			memset(cc->buf[k], 0, len[k]);
	}
	for (size_t i = 0; i < end[0]; i++) {
		const struct klp_reloc *r[2] = { &v[0][i], &v[1][i] };
		uint64_t off = r[0]->offset - at[0]->rel->offset;
		unsigned int width, bias;
		struct target t[2];
		int64_t in[2];

		if (off != r[1]->offset - at[1]->rel->offset ||
		    r[0]->type != r[1]->type ||
		    cf_reloc_shape(r[0]->type, &width, &bias))
			return reason(why, whylen, "its entry in %s at +0x%llx: relocation at +0x%llx differs",
				      name, start, (unsigned long long)off);
		for (int k = 0; k < 2; k++) {
			cf_mask_fields(cc->buf[k], at[k]->rel->offset, len[k],
				       v[k], i, i + 1);
			in[k] = place_in(r[k], fn[k]);
		}
		if (in[0] >= 0 || in[1] >= 0) {
			if (in[0] == in[1])
				continue;
			return reason(why, whylen, "its entry in %s at +0x%llx points elsewhere in it",
				      name, start);
		}
		for (int k = 0; k < 2; k++) {
			/*
			 * In data, "sym - ." has the exact place as its addend:
			 * no instruction follows (resolve() assumes code).
			 */
			struct klp_reloc exact = *r[k];

			exact.addend -= bias;
			if (resolve(&cc->side[k], &exact, &t[k]))
				return -1;
		}
		if (!same_target(cc, &t[0], &t[1]))
			return reason_at(why, whylen, t, false, "its entry in %s at +0x%llx: ",
					 name, start);
		/* bug_entry: file, then line */
		if (bug && t[0].kind == T_BYTES &&
		    (r[0]->sym->sec->sh.sh_flags & SHF_STRINGS))
			for (int k = 0; k < 2; k++)
				for (uint64_t b = off + width;
				     b < off + width + 2 && b < len[k]; b++)
					cc->buf[k][b] = 0;
	}
	if (memcmp(cc->buf[0], cc->buf[1], len[0]))
		return reason(why, whylen, "its entry in %s at +0x%llx: data differs",
			      name, start);
	return 0;
}

/* The tables' entries for @o and @p: same sites, same entries. */
static int compare_attached(struct klp_codecmp *cc, const struct klp_symbol *o,
			    const struct klp_symbol *p, char *why,
			    size_t whylen)
{
	const struct klp_symbol *fn[2] = { o, p };
	size_t a[2], b[2];

	for (int k = 0; k < 2; k++)
		if (attached_range(&cc->side[k], fn[k], &a[k], &b[k]))
			return -1;
	if (b[0] - a[0] != b[1] - a[1])
		return reason(why, whylen, "%zu table entries refer to it -> %zu",
			      b[0] - a[0], b[1] - a[1]);
	for (size_t i = 0; i < b[0] - a[0]; i++) {
		const struct attach *at[2] = { &cc->side[0].att[a[0] + i],
					       &cc->side[1].att[a[1] + i] };
		int r;

		if (at[0]->place - o->value != at[1]->place - p->value ||
		    strcmp(at[0]->from->name, at[1]->from->name) ||
		    at[0]->rel->type != at[1]->rel->type)
			return reason(why, whylen, "table reference %s -> +0x%llx differs",
				      at[0]->from->name,
				      (unsigned long long)(at[0]->place - o->value));
		r = compare_entry(cc, fn, at, why, whylen);
		if (r)
			return r;
	}
	return 0;
}

int klp_codecmp_strict(struct klp_codecmp *cc, const struct klp_symbol *orig,
		       const struct klp_symbol *patched, char *why,
		       size_t whylen)
{
	int r;

	cc->strict = true;
	r = klp_codecmp_sym(cc, orig, patched, why, whylen);
	if (!r)
		r = compare_attached(cc, orig, patched, why, whylen);
	cc->strict = false;
	return r;
}

/*
 * Variables without relocations whose bytes are the same text but for the
 * numbers of __UNIQUE_ID_ identifiers (klp_counter_text_eq()): a string
 * made by stringifying an expression, such as a trace event's print_fmt
 * (min_t() expands to `__UNIQUE_ID_x_<counter>` temporaries), which a
 * header's extra __COUNTER__ use renumbers.  Nothing runs those names;
 * the text is only shown (tracefs `format`).  1 if so, 0 if not, -1 on
 * error.
 */
static int counter_text_same(struct klp_codecmp *cc,
			     const struct klp_symbol *orig,
			     const struct klp_symbol *patched)
{
	const struct klp_symbol *s[2] = { orig, patched };
	const unsigned char *data[2];

	for (int k = 0; k < 2; k++) {
		struct klp_reloc *v;
		size_t n;

		if (cf_sym_bytes(cc->side[k].elf, s[k], &data[k]) ||
		    klp_elf_relocs_in(cc->side[k].elf, s[k]->sec, s[k]->value,
				      s[k]->value + s[k]->size, &v, &n))
			return -1;
		if (n)
			return 0;
	}
	return klp_counter_text_eq(data[0], orig->size, data[1],
				   patched->size);
}

int klp_codecmp_data(struct klp_codecmp *cc, const struct klp_symbol *orig,
		     const struct klp_symbol *patched, char *why,
		     size_t whylen)
{
	int r;

	/*
	 * Zero-filled data (.bss) holds no build ID: a changed variable that
	 * is, or becomes, NOBITS differs.
	 */
	if (!orig->sec || orig->sec->sh.sh_type == SHT_NOBITS ||
	    !patched->sec || patched->sec->sh.sh_type == SHT_NOBITS)
		return reason(why, whylen, "zero-filled (NOBITS) in %s build",
			      !orig->sec || orig->sec->sh.sh_type == SHT_NOBITS ?
			      "the original" : "the patched");
	/* The same: say why the record's fingerprint differed. */
	r = klp_codecmp_strict(cc, orig, patched, NULL, 0);
	if (r <= 0) {
		if (!r)
			reason(why, whylen, "the same bytes and targets (the names it refers to changed)");
		return r;
	}
	cc->mask_build_id = true;
	r = klp_codecmp_strict(cc, orig, patched, why, whylen);
	cc->mask_build_id = false;
	if (!r)
		reason(why, whylen, "only an embedded build ID changed");
	if (r == 1) {
		int t = counter_text_same(cc, orig, patched);

		if (t < 0)
			return -1;
		if (t) {
			reason(why, whylen, "only the numbers of __UNIQUE_ID_ names in its text changed");
			return 0;
		}
	}
	return r;
}
