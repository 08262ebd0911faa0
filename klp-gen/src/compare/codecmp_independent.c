// SPDX-License-Identifier: GPL-2.0
/*
 * The second, independent machine-code comparison (klp/codecmp_independent.h).
 *
 * Each function is described alone, as a list of items of text:
 *   0      "size=N" and the bytes with every relocation field zeroed;
 *   1..n   per relocation in offset order: offset, type, target;
 *   then   per section of out-of-line code the function jumps to, sorted by
 *          name: the fragment's bytes, then its relocations.
 * Two functions are the same when the lists are equal.  Nothing here asks
 * the other build or the correlation: identities come from each file's own
 * record, so a wrong pairing or a wrong equality test in klp/codecmp.h shows
 * up as a disagreement in `verify`.
 *
 * Which symbol a place means and which relocations lie in a range are the
 * ELF model's binary searches (klp/elf.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "klp/codecmp_independent.h"
#include "klp/correlate.h"
#include "klp/counter_names.h"
#include "klp/error.h"
#include "klp/grow.h"
#include "klp/hash.h"
#include "code_facts.h"

/* Read-only data without symbols is described by content up to this size. */
#define SMALL_DATA	0x10000

struct ifile {
	struct klp_record *rec;
	struct klp_elf *elf;
	struct klp_x86_dec *x86;	/* made on first use (cf_pcrel_tail()) */
};

/* One item: [start, start + len) of the form's text, the first hdr bytes
 * of it a header; bytes items carry code after the header. */
struct item {
	size_t start, len, hdr;
	bool bytes;
};

/* A section of out-of-line code and the places the function lands in it. */
struct ifrag {
	struct klp_section *sec;
	int64_t base, top;
};

struct form {
	char *text;
	size_t len, cap;
	struct item *items;
	size_t n, icap;
	struct ifrag *frags;
	size_t nfrag, fcap;
};

struct klp_codecmp_ind {
	struct ifile f[2];
	struct form form[2];
};

struct klp_codecmp_ind *klp_codecmp_ind_new(struct klp_record *orig,
					    struct klp_record *patched)
{
	struct klp_codecmp_ind *ci = calloc(1, sizeof(*ci));

	if (!ci) {
		klp_err("out of memory");
		return NULL;
	}
	for (int k = 0; k < 2; k++) {
		ci->f[k].rec = k ? patched : orig;
		ci->f[k].elf = ci->f[k].rec->elf;
		if (cf_check_relocatable(ci->f[k].elf)) {
			klp_codecmp_ind_free(ci);
			return NULL;
		}
	}
	return ci;
}

void klp_codecmp_ind_free(struct klp_codecmp_ind *ci)
{
	if (!ci)
		return;
	for (int k = 0; k < 2; k++) {
		klp_x86_dec_free(ci->f[k].x86);
		free(ci->form[k].text);
		free(ci->form[k].items);
		free(ci->form[k].frags);
	}
	free(ci);
}

/* --- the form's text ------------------------------------------------- */

static int put(struct form *fm, const void *p, size_t n)
{
	if (klp_grow(&fm->text, &fm->cap, fm->len + n + 1, 1))
		return -1;
	memcpy(fm->text + fm->len, p, n);
	fm->len += n;
	fm->text[fm->len] = 0;
	return 0;
}

__attribute__((format(printf, 2, 3)))
static int putf(struct form *fm, const char *fmt, ...)
{
	va_list ap;
	int n;

	/* Measured, then formatted in place: a name may be of any length. */
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return klp_err("cannot format a code description");
	if (klp_grow(&fm->text, &fm->cap, fm->len + (size_t)n + 1, 1))
		return -1;
	va_start(ap, fmt);
	vsnprintf(fm->text + fm->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	fm->len += (size_t)n;
	return 0;
}

/*
 * Hand-made formatting for the fields every relocation of every compared
 * function writes (a name, "%+lld", "0x%llx", "%u"): vsnprintf() took
 * half of `klp-gen verify` on large inputs.  The text is the same as
 * putf() with those conversions would write.
 */
static int put_str(struct form *fm, const char *s)
{
	return put(fm, s, strlen(s));
}

static int put_u64(struct form *fm, uint64_t v, unsigned int base)
{
	static const char digits[] = "0123456789abcdef";
	char buf[24];
	size_t i = sizeof(buf);

	do {
		buf[--i] = digits[v % base];
		v /= base;
	} while (v);
	return put(fm, buf + i, sizeof(buf) - i);
}

/* "%+lld" */
static int put_signed(struct form *fm, long long v)
{
	uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;

	return put(fm, v < 0 ? "-" : "+", 1) || put_u64(fm, mag, 10);
}

/* "0x%llx" */
static int put_hex64(struct form *fm, uint64_t v)
{
	return put(fm, "0x", 2) || put_u64(fm, v, 16);
}

static int put_hex(struct form *fm, const unsigned char *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		char two[2] = { hex[p[i] >> 4], hex[p[i] & 15] };

		if (put(fm, two, 2))
			return -1;
	}
	return 0;
}

static int begin_item(struct form *fm, bool bytes)
{
	if (klp_grow(&fm->items, &fm->icap, fm->n + 1, sizeof(*fm->items)))
		return -1;
	fm->items[fm->n].start = fm->len;
	fm->items[fm->n].hdr = 0;
	fm->items[fm->n].bytes = bytes;
	fm->n++;
	return 0;
}

static void end_item(struct form *fm)
{
	struct item *it = &fm->items[fm->n - 1];

	it->len = fm->len - it->start;
}

/*
 * A recorded name without its __COUNTER__ numbers (klp/counter_names.h):
 * a header's extra use renumbers `__UNIQUE_ID_*` and initcall names, the
 * same source in both builds.  The role's `.llvm.` suffix goes too.
 */
static int put_counted(struct form *fm, const char *name, bool role)
{
	unsigned long long num;
	unsigned int nd;
	char *canon;
	int r = klp_counter_name(name, &canon, &num, &nd);

	if (r < 0)
		return -1;
	if (r)
		name = canon;
	r = put(fm, name, role ? klp_role_len(name) : strlen(name));
	free(canon);
	return r;
}

/* "rec(FILE|NAME|UNIT|ROLE|code)" for a recorded symbol, "sym(ROLE)" else. */
static int put_symbol(struct form *fm, const struct ifile *f,
		      struct klp_symbol *s)
{
	struct klp_symbol *r = cf_recorded(f->rec, s);
	const struct klp_func *fn;

	if (!r)
		return put(fm, "sym(", 4) ||
		       put(fm, s->name, klp_role_len(s->name)) ||
		       put(fm, ")", 1);
	fn = klp_record_func_of_sym(f->rec, r);
	if (!fn->src) {
		if (put_str(fm, "rec(no-source|") ||
		    put_str(fm, fn->blob->unit) || put(fm, "|", 1))
			return -1;
	} else if (fn->src->flags & KLP_SRC_EXTERN) {
		if (put_str(fm, "rec(extern|") ||
		    put_str(fm, klp_str(f->rec, fn->src->name)) ||
		    put(fm, "|", 1))
			return -1;
	} else if (put_str(fm, "rec(") ||
		   put_str(fm, klp_str(f->rec, fn->src->file)) ||
		   put(fm, "|", 1) ||
		   put_counted(fm, klp_str(f->rec, fn->src->name), false) ||
		   put(fm, "|", 1) ||
		   put_str(fm, klp_str(f->rec, fn->src->unit)) ||
		   put(fm, "|", 1)) {
		return -1;
	}
	return put_counted(fm, fn->sym_name, true) ||
	       put_str(fm, (fn->flags & KLP_FUNC_DATA) ? "|data)" : "|code)");
}

static struct ifrag *frag_of(struct form *fm, const struct klp_section *sec)
{
	for (size_t i = 0; i < fm->nfrag; i++)
		if (fm->frags[i].sec == sec)
			return &fm->frags[i];
	return NULL;
}

static int note_frag(struct form *fm, struct klp_section *sec, int64_t at)
{
	struct ifrag *fr = frag_of(fm, sec);

	if (fr) {
		if (at < fr->base)
			fr->base = at;
		if (at > fr->top)
			fr->top = at;
		return 0;
	}
	if (klp_grow(&fm->frags, &fm->fcap, fm->nfrag + 1, sizeof(*fr)))
		return -1;
	fr = &fm->frags[fm->nfrag++];
	fr->sec = sec;
	fr->base = fr->top = at;
	return 0;
}

/*
 * Describes what @r points at.  With @collect, only notes the places in
 * out-of-line code (fm->frags) and writes nothing; else writes the target
 * with such places relative to the function's first fragment.
 */
static int put_target(struct form *fm, struct ifile *f,
		      const struct klp_symbol *fn, const struct klp_reloc *r,
		      bool collect)
{
	struct klp_symbol *s = r->sym, *c;
	struct klp_section *sec;
	unsigned int width, bias;
	int64_t place;
	const unsigned char *bytes, *d;
	uint64_t entry, size;
	size_t len;
	int ret;

	if (!s)
		return collect ? 0 : put(fm, "none", 4) ||
				     put_signed(fm, (long long)r->addend);
	sec = s->sec;
	if (!sec || (s->type != STT_SECTION && cf_recorded(f->rec, s)) ||
	    (s->type != STT_SECTION && !(sec->sh.sh_flags & SHF_MERGE)))
		goto named;
	cf_reloc_shape(r->type, &width, &bias);
	place = (int64_t)s->value + r->addend;
	if (sec->sh.sh_flags & SHF_MERGE) {
		bool str = sec->sh.sh_flags & SHF_STRINGS;
		uint64_t at = s->type == STT_SECTION ? (uint64_t)place + bias :
						       s->value;

		ret = cf_merged_entry(f->elf, sec, at, &bytes, &len, &entry);
		if (ret < 0)
			return -1;
		if (!ret) {
			long long off = str ? (s->type == STT_SECTION ?
					       -(long long)bias :
					       (long long)r->addend) :
					      (long long)(place - (int64_t)entry);

			if (collect)
				return 0;
			return put(fm, str ? "str(" : "const(", str ? 4 : 6) ||
			       put_hex(fm, bytes, len) || put(fm, ")", 1) ||
			       put_signed(fm, off);
		}
		if (s->type != STT_SECTION)
			goto named;
	}
	c = klp_elf_symbol_for_place(f->elf, sec, place + bias,
				     place + 2 * (int64_t)bias, cf_sym_rank, f->rec);
	/*
	 * Where the window of possible places (the immediate after the
	 * field: 0 to bias bytes) is not inside the symbol found, the
	 * decoded instruction says which place.
	 */
	if (c && bias && !((int64_t)c->value <= place + bias &&
			   place + 2 * (int64_t)bias <
			   (int64_t)(c->value + c->size))) {
		unsigned int tail = 0;
		int64_t at;

		ret = cf_pcrel_tail(&f->x86, f->elf, fn, r, width, NULL, &tail);
		if (ret < 0)
			return -1;
		at = place + width + tail;
		if (!ret)
			c = klp_elf_symbol_for_place(f->elf, sec, at, at,
						     cf_sym_rank, f->rec);
	}
	if (c) {
		if (collect)
			return 0;
		return put_symbol(fm, f, c) ||
		       put_signed(fm, (long long)(place - (int64_t)c->value));
	}
	if (klp_elf_section_data(f->elf, sec, &d, &size))
		return -1;
	if (sec->sh.sh_flags & SHF_EXECINSTR) {
		/* Out-of-line code: where the jump lands. */
		struct ifrag *fr;

		if (collect)
			return note_frag(fm, sec, place + bias);
		fr = frag_of(fm, sec);
		return putf(fm, "code(%s)%+lld", sec->name,
			    (long long)(place + bias - (fr ? fr->base : 0)));
	}
	if (collect)
		return 0;
	if (putf(fm, "place(%s)%+lld", sec->name, (long long)place))
		return -1;
	if (!(sec->sh.sh_flags & SHF_WRITE) && sec->sh.sh_type == SHT_PROGBITS &&
	    sec->sh.sh_size <= SMALL_DATA)
		return putf(fm, "[%s:0x%llx:%016llx]",
			    d ? "bytes" : "empty", (unsigned long long)size,
			    (unsigned long long)(d ? klp_hash_bytes(d, size) : 0));
	return 0;
named:
	if (collect)
		return 0;
	return put_symbol(fm, f, s) ||
	       put_signed(fm, (long long)r->addend);
}

/* Writes @len bytes @d (from @from of their section) with the fields of
 * @v[0..@n) zeroed. */
static int put_masked(struct form *fm, const unsigned char *d, uint64_t from,
		      uint64_t len, const struct klp_reloc *v, size_t n)
{
	size_t at = fm->len;

	if (put(fm, d, len))
		return -1;
	cf_mask_fields((unsigned char *)fm->text + at, from, len, v, 0, n);
	return 0;
}

static int by_frag_name(const void *a, const void *b)
{
	return strcmp(((const struct ifrag *)a)->sec->name,
		      ((const struct ifrag *)b)->sec->name);
}

/*
 * The out-of-line code of @fn in @fr->sec (cf_frag_extent()), as one bytes
 * item and one item per relocation in it.
 */
static int put_fragment(struct form *fm, struct ifile *f,
			const struct klp_symbol *fn, const struct ifrag *fr)
{
	struct klp_reloc *v;
	const unsigned char *d;
	uint64_t base = (uint64_t)fr->base, stop;
	size_t n;

	if (fr->base < 0)
		return klp_err("%s: %s: out-of-line code before the start of %s",
			       f->elf->name, fn->name, fr->sec->name);
	if (cf_frag_extent(f->elf, fn, fr->sec, base, (uint64_t)fr->top, &v,
			   &n, &stop, &d))
		return -1;
	if (begin_item(fm, true) ||
	    putf(fm, "out-of-line code in %s: size=0x%llx:", fr->sec->name,
		 (unsigned long long)(stop - base)))
		return -1;
	fm->items[fm->n - 1].hdr = fm->len - fm->items[fm->n - 1].start;
	if (put_masked(fm, d + base, base, stop - base, v, n))
		return -1;
	end_item(fm);
	for (size_t i = 0; i < n; i++) {
		if (begin_item(fm, false) ||
		    putf(fm, "out-of-line code in %s: relocation at +0x%llx type %u -> ",
			 fr->sec->name,
			 (unsigned long long)(v[i].offset - base), v[i].type) ||
		    put_target(fm, f, NULL, &v[i], false))
			return -1;
		end_item(fm);
	}
	return 0;
}

/* The canonical form of @s, alone. */
static int build_form(struct form *fm, struct ifile *f,
		      const struct klp_symbol *s)
{
	const unsigned char *d;
	struct klp_reloc *v;
	size_t n;

	fm->len = 0;
	fm->n = 0;
	fm->nfrag = 0;
	if (cf_sym_bytes(f->elf, s, &d) || cf_sym_relocs(f->elf, s, &v, &n))
		return -1;
	if (begin_item(fm, true) ||
	    put(fm, "size=", 5) || put_hex64(fm, s->size) || put(fm, ":", 1))
		return -1;
	fm->items[0].hdr = fm->len;
	if (put_masked(fm, d, s->value, s->size, v, n))
		return -1;
	end_item(fm);
	/* Where the function lands in out-of-line code, before describing. */
	for (size_t i = 0; i < n; i++)
		if (put_target(fm, f, s, &v[i], true))
			return -1;
	for (size_t i = 0; i < n; i++) {
		if (begin_item(fm, false) ||
		    put(fm, "relocation at +", 15) ||
		    put_hex64(fm, v[i].offset - s->value) ||
		    put(fm, " type ", 6) || put_u64(fm, v[i].type, 10) ||
		    put(fm, " -> ", 4) ||
		    put_target(fm, f, s, &v[i], false))
			return -1;
		end_item(fm);
	}
	if (fm->nfrag > 1)
		qsort(fm->frags, fm->nfrag, sizeof(*fm->frags), by_frag_name);
	for (size_t i = 0; i < fm->nfrag; i++)
		if (put_fragment(fm, f, s, &fm->frags[i]))
			return -1;
	return 0;
}

/* Says where items @a and @b (which differ) differ. */
static void explain(const struct form *fa, const struct item *a,
		    const struct form *fb, const struct item *b,
		    char *why, size_t whylen)
{
	const char *ta = fa->text + a->start, *tb = fb->text + b->start;

	if (a->bytes && b->bytes && a->hdr == b->hdr &&
	    !memcmp(ta, tb, a->hdr) && a->len == b->len) {
		size_t i = a->hdr;

		while (i < a->len && ta[i] == tb[i])
			i++;
		snprintf(why, whylen, "%.*s bytes differ at +0x%zx",
			 (int)a->hdr - 1, ta, i - a->hdr);
		return;
	}
	if (a->bytes && b->bytes) {
		snprintf(why, whylen, "%.*s -> %.*s", (int)a->hdr - 1, ta,
			 (int)b->hdr - 1, tb);
		return;
	}
	snprintf(why, whylen, "orig: %.*s; patched: %.*s",
		 (int)(a->bytes ? a->hdr : a->len), ta,
		 (int)(b->bytes ? b->hdr : b->len), tb);
}

int klp_codecmp_ind_sym(struct klp_codecmp_ind *ci,
			const struct klp_symbol *orig,
			const struct klp_symbol *patched,
			char *why, size_t whylen)
{
	struct form *fa = &ci->form[0], *fb = &ci->form[1];
	char dummy[1];

	if (!why) {
		why = dummy;
		whylen = sizeof(dummy);
	}
	if (build_form(fa, &ci->f[0], orig) || build_form(fb, &ci->f[1], patched))
		return -1;
	for (size_t i = 0; i < fa->n && i < fb->n; i++) {
		const struct item *a = &fa->items[i], *b = &fb->items[i];

		if (a->len != b->len || a->bytes != b->bytes ||
		    memcmp(fa->text + a->start, fb->text + b->start, a->len)) {
			explain(fa, a, fb, b, why, whylen);
			return 1;
		}
	}
	if (fa->n != fb->n) {
		snprintf(why, whylen, "%zu items -> %zu (relocations or out-of-line code)",
			 fa->n, fb->n);
		return 1;
	}
	return 0;
}
