// SPDX-License-Identifier: GPL-2.0
/*
 * The text form of a record (see klp/dump.h).  Every line is one fact and
 * every field is `key=value` or a fixed word, in a fixed order, so FileCheck
 * patterns and scripts can rely on it.  Strings come from the file and may
 * hold anything: bytes that would break a line or a field are escaped as \xNN.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "klp/dump.h"
#include "klp/error.h"

/*
 * The dump of vmlinux.o is ~70 MB of text (a synthetic 1M-function record
 * gives 1 GB), so the per-byte cost matters: everything goes through this
 * buffer, not a printf() or a locked putc() per field, which cost more than
 * ten times as much as reading the record.
 */
struct dbuf {
	FILE *out;
	size_t n;
	char buf[1 << 16];
};

static void dflush(struct dbuf *d)
{
	if (d->n)
		fwrite(d->buf, 1, d->n, d->out);
	d->n = 0;
}

static void put_char(struct dbuf *d, char c)
{
	if (d->n == sizeof(d->buf))
		dflush(d);
	d->buf[d->n++] = c;
}

static void put_mem(struct dbuf *d, const char *p, size_t len)
{
	if (len > sizeof(d->buf) - d->n) {
		dflush(d);
		if (len > sizeof(d->buf)) {
			fwrite(p, 1, len, d->out);
			return;
		}
	}
	memcpy(d->buf + d->n, p, len);
	d->n += len;
}

static inline void put_cstr(struct dbuf *d, const char *s)
{
	put_mem(d, s, strlen(s));
}

static void put_dec(struct dbuf *d, uint64_t v)
{
	char buf[20];
	int n = sizeof(buf);

	do
		buf[--n] = (char)('0' + v % 10);
	while (v /= 10);
	put_mem(d, buf + n, sizeof(buf) - n);
}

/* Lower-case hex, at least @width digits (zero-padded). */
static void put_hex(struct dbuf *d, uint64_t v, int width)
{
	static const char digits[] = "0123456789abcdef";
	char buf[16];
	int n = sizeof(buf);

	do
		buf[--n] = digits[v & 0xf];
	while (v >>= 4);
	while ((int)sizeof(buf) - n < width)
		buf[--n] = '0';
	put_mem(d, buf + n, sizeof(buf) - n);
}

/*
 * Bytes that put_str() escapes: bit 0 outside quotes, bit 1 inside; control
 * bytes, DEL and backslash always, plus the space or the double quote.
 */
static unsigned char escape_tab[256];

static void init_escape_tab(void)
{
	for (int c = 0; c < 256; c++) {
		bool always = c < 0x20 || c == 0x7f || c == '\\';

		escape_tab[c] = (always || c == ' ' ? 1 : 0) |
				(always || c == '"' ? 2 : 0);
	}
}

/* Copies byte by byte into the buffer; most strings have nothing to escape. */
static void put_str(struct dbuf *d, const char *s, bool quoted)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned char stop = quoted ? 2 : 1;
	size_t n = d->n;

	for (;; p++) {
		unsigned char c = *p;

		if (!c)
			break;
		if (escape_tab[c] & stop) {
			d->n = n;
			put_cstr(d, "\\x");
			put_hex(d, c, 2);
			n = d->n;
			continue;
		}
		if (n == sizeof(d->buf)) {
			d->n = n;
			dflush(d);
			n = 0;
		}
		d->buf[n++] = (char)c;
	}
	d->n = n;
}

/* The flag @name if @on: " flags=" before the first, "," between them. */
static void put_flag(struct dbuf *out, const char **sep, bool on,
		     const char *name)
{
	if (!on)
		return;
	put_cstr(out, *sep);
	put_cstr(out, name);
	*sep = ",";
}

/* Stored bits and facts derived from them, in their fixed order. */
static void put_func_flags(struct dbuf *out, const struct klp_func *f)
{
	const struct klp_src *s = f->src;
	bool is_static = s && (s->flags & KLP_SRC_STATIC);
	const char *sep = " flags=";

	put_flag(out, &sep, is_static, "static");
	put_flag(out, &sep, is_static && f->binding != KLP_BIND_LOCAL,
		 "promoted");
	put_flag(out, &sep, s && strcmp(f->sym_name,
					klp_str(f->blob->rec, s->name)),
		 "renamed");
	put_flag(out, &sep, f->flags & KLP_FUNC_CLONE, "clone");
	put_flag(out, &sep, f->flags & KLP_FUNC_ALIAS, "alias");
	put_flag(out, &sep, f->flags & KLP_FUNC_ASM, "asm");
	put_flag(out, &sep, f->flags & KLP_FUNC_NOSRC, "nosrc");
	put_flag(out, &sep, f->flags & KLP_FUNC_DATA, "data");
	put_flag(out, &sep, s && (s->flags & KLP_SRC_INLINE), "inline");
}

static void put_edge_flags(struct dbuf *out, uint32_t flags)
{
	const char *sep = " flags=";

	put_flag(out, &sep, flags & KLP_EDGE_PRELINK, "prelink");
	put_flag(out, &sep, flags & KLP_EDGE_BACKEND, "backend");
	put_flag(out, &sep, flags & KLP_EDGE_IMPORTED, "imported");
	put_flag(out, &sep, flags & KLP_EDGE_MANDATORY, "mandatory");
	put_flag(out, &sep, flags & KLP_EDGE_REMOVED, "removed");
	put_flag(out, &sep, flags & KLP_EDGE_OVERAPPROX, "overapprox");
}

/* " file=F:B-E unit=U fp=X", or " extern" for a declaration. */
static void put_src_where(struct dbuf *out, const struct klp_record *rec,
			  const struct klp_src *s)
{
	if (s->flags & KLP_SRC_EXTERN) {
		put_cstr(out, " extern");
		return;
	}
	put_cstr(out, " file=");
	put_str(out, klp_str(rec, s->file), false);
	if (!(s->flags & KLP_SRC_NODEBUG)) {
		put_char(out, ':');
		put_dec(out, s->line_begin);
		put_char(out, '-');
		put_dec(out, s->line_end);
	}
	put_cstr(out, " unit=");
	put_str(out, klp_str(rec, s->unit), false);
	put_cstr(out, " fp=");
	put_hex(out, s->fingerprint, 16);
}

static void put_location(struct dbuf *out, const struct klp_record *rec,
			 const struct klp_func *f)
{
	bool linked = !klp_elf_is_relocatable(rec->elf);

	put_cstr(out, linked ? " addr=" : " at=");
	if (f->discarded) {
		put_cstr(out, "discarded");
	} else if (linked) {
		put_cstr(out, "0x");
		put_hex(out, f->addr, 0);
	} else {
		/*
		 * Printed from the symbol the reader chose, not from the
		 * relocation, so that a wrong choice among same-named symbols
		 * shows.
		 */
		put_str(out, f->sym->sec->name, false);
		put_cstr(out, "+0x");
		put_hex(out, f->sym->value, 0);
	}
}

static void put_func(struct dbuf *out, const struct klp_record *rec,
		     const struct klp_func *f)
{
	const struct klp_src *s = f->src;

	put_cstr(out, "func ");
	put_str(out, f->sym_name, false);
	put_cstr(out, " src=");
	if (s) {
		put_str(out, klp_str(rec, s->name), false);
		put_src_where(out, rec, s);
	} else {
		put_char(out, '?');
	}
	put_cstr(out, " bind=");
	put_cstr(out, klp_binding_name(f->binding));
	put_func_flags(out, f);
	put_location(out, rec, f);
	/* Only when the reader had to settle for another name at that place. */
	if (f->sym && strcmp(f->sym->name, f->sym_name)) {
		put_cstr(out, " elfsym=");
		put_str(out, f->sym->name, false);
	}
	if (s && klp_str(rec, s->section)[0]) {
		put_cstr(out, " section=");
		put_str(out, klp_str(rec, s->section), false);
	}
	put_char(out, '\n');

	for (uint32_t i = 0; i < f->nedge; i++) {
		const struct klp_edge *e = &klp_func_edges(f)[i];

		put_cstr(out, "  ");
		put_cstr(out, klp_edge_kind_name(e->kind));
		put_char(out, ' ');
		put_str(out, klp_str(rec, klp_edge_src(f, e)->name), false);
		put_src_where(out, rec, klp_edge_src(f, e));
		put_edge_flags(out, e->flags);
		put_char(out, '\n');
	}
}

int klp_dump_record(FILE *out, const struct klp_record *rec)
{
	struct dbuf *d = malloc(sizeof(*d));

	if (!d)
		return klp_err("out of memory");
	d->out = out;
	d->n = 0;
	init_escape_tab();
	for (size_t i = 0; i < rec->nblob; i++) {
		const struct klp_blob *b = &rec->blobs[i];

		put_cstr(d, "blob ");
		put_dec(d, b->index);
		put_cstr(d, " unit=");
		put_str(d, b->unit, false);
		put_cstr(d, " phase=");
		put_cstr(d, klp_phase_name(b->phase));
		put_cstr(d, " producer=\"");
		put_str(d, b->producer, true);
		put_char(d, '"');
		if (b->build_id[0]) {
			put_cstr(d, " build_id=\"");
			put_str(d, b->build_id, true);
			put_char(d, '"');
		}
		put_cstr(d, " funcs=");
		put_dec(d, b->nfunc);
		put_cstr(d, " srcs=");
		put_dec(d, b->nsrc);
		put_cstr(d, " edges=");
		put_dec(d, b->nedge);
		put_char(d, '\n');
		for (uint32_t j = 0; j < b->nfunc; j++)
			put_func(d, rec, &b->funcs[j]);
	}
	dflush(d);
	free(d);
	fprintf(out, "summary blobs=%zu funcs=%zu srcs=%zu edges=%zu\n",
		rec->nblob, rec->nfunc, rec->nsrc, rec->nedge);
	if (fflush(out) || ferror(out))
		return klp_err("cannot write the dump");
	return 0;
}
