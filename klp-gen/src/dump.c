// SPDX-License-Identifier: GPL-2.0
/*
 * The text form of a record (see klp/dump.h).  Every line is one fact and
 * every field is `key=value` or a fixed word, in a fixed order, so FileCheck
 * patterns and scripts can rely on it.  Strings come from the file and may
 * hold anything: bytes that would break a line or a field are escaped as \xNN.
 */
#include <inttypes.h>
#include <string.h>

#include "klp/dump.h"
#include "klp/error.h"

static void put_str(FILE *out, const char *s, bool quoted)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		bool esc = *p < 0x20 || *p == 0x7f || *p == '\\' ||
			   (quoted ? *p == '"' : *p == ' ');

		if (esc)
			fprintf(out, "\\x%02x", *p);
		else
			fputc(*p, out);
	}
}

/* Comma-separated flag names, in table order, after " flags=". */
struct flag_name {
	uint32_t bit;
	const char *name;
};

static void put_flags(FILE *out, uint32_t flags, const struct flag_name *t,
		      size_t n)
{
	const char *sep = " flags=";

	for (size_t i = 0; i < n; i++) {
		if (!(flags & t[i].bit))
			continue;
		fprintf(out, "%s%s", sep, t[i].name);
		sep = ",";
	}
}

static const struct flag_name edge_flags[] = {
	{ KLP_EDGE_PRELINK, "prelink" },
	{ KLP_EDGE_BACKEND, "backend" },
	{ KLP_EDGE_IMPORTED, "imported" },
	{ KLP_EDGE_MANDATORY, "mandatory" },
	{ KLP_EDGE_REMOVED, "removed" },
	{ KLP_EDGE_OVERAPPROX, "overapprox" },
};

/*
 * Func flags mix stored bits and derived facts; they are gathered into one
 * word of these private bits first so that one table fixes their order.
 */
enum {
	DF_STATIC = 1 << 0,
	DF_PROMOTED = 1 << 1,
	DF_RENAMED = 1 << 2,
	DF_CLONE = 1 << 3,
	DF_ALIAS = 1 << 4,
	DF_ASM = 1 << 5,
	DF_NOSRC = 1 << 6,
	DF_DATA = 1 << 7,
	DF_INLINE = 1 << 8,
};

static const struct flag_name func_flags[] = {
	{ DF_STATIC, "static" },
	{ DF_PROMOTED, "promoted" },
	{ DF_RENAMED, "renamed" },
	{ DF_CLONE, "clone" },
	{ DF_ALIAS, "alias" },
	{ DF_ASM, "asm" },
	{ DF_NOSRC, "nosrc" },
	{ DF_DATA, "data" },
	{ DF_INLINE, "inline" },
};

static uint32_t func_display_flags(const struct klp_func *f)
{
	const struct klp_src *s = f->src;
	uint32_t d = 0;

	if (s && (s->flags & KLP_SRC_STATIC)) {
		d |= DF_STATIC;
		if (f->binding != KLP_BIND_LOCAL)
			d |= DF_PROMOTED;
	}
	if (s && strcmp(f->sym_name, s->name))
		d |= DF_RENAMED;
	if (f->flags & KLP_FUNC_CLONE)
		d |= DF_CLONE;
	if (f->flags & KLP_FUNC_ALIAS)
		d |= DF_ALIAS;
	if (f->flags & KLP_FUNC_ASM)
		d |= DF_ASM;
	if (f->flags & KLP_FUNC_NOSRC)
		d |= DF_NOSRC;
	if (f->flags & KLP_FUNC_DATA)
		d |= DF_DATA;
	if (s && (s->flags & KLP_SRC_INLINE))
		d |= DF_INLINE;
	return d;
}

/* " file=F:B-E unit=U fp=X", or " extern" for a declaration. */
static void put_src_where(FILE *out, const struct klp_src *s)
{
	if (s->flags & KLP_SRC_EXTERN) {
		fputs(" extern", out);
		return;
	}
	fputs(" file=", out);
	put_str(out, s->file, false);
	if (!(s->flags & KLP_SRC_NODEBUG))
		fprintf(out, ":%u-%u", s->line_begin, s->line_end);
	fputs(" unit=", out);
	put_str(out, s->unit, false);
	fprintf(out, " fp=%016" PRIx64, s->fingerprint);
}

static void put_location(FILE *out, const struct klp_record *rec,
			 const struct klp_func *f)
{
	if (!klp_elf_is_relocatable(rec->elf)) {
		if (f->discarded)
			fputs(" addr=discarded", out);
		else
			fprintf(out, " addr=0x%" PRIx64, f->addr);
		return;
	}
	if (f->discarded) {
		fputs(" at=discarded", out);
		return;
	}
	/*
	 * Printed from the symbol the reader chose, not from the relocation,
	 * so that a wrong choice among same-named symbols shows.
	 */
	fputs(" at=", out);
	put_str(out, f->sym->sec->name, false);
	fprintf(out, "+0x%" PRIx64, f->sym->value);
}

static void put_func(FILE *out, const struct klp_record *rec,
		     const struct klp_func *f)
{
	const struct klp_src *s = f->src;

	fputs("func ", out);
	put_str(out, f->sym_name, false);
	fputs(" src=", out);
	if (s) {
		put_str(out, s->name, false);
		put_src_where(out, s);
	} else {
		fputc('?', out);
	}
	fprintf(out, " bind=%s", klp_binding_name(f->binding));
	put_flags(out, func_display_flags(f), func_flags,
		  sizeof(func_flags) / sizeof(func_flags[0]));
	put_location(out, rec, f);
	/* Only when the reader had to settle for another name at that place. */
	if (f->sym && strcmp(f->sym->name, f->sym_name)) {
		fputs(" elfsym=", out);
		put_str(out, f->sym->name, false);
	}
	if (s && s->section[0]) {
		fputs(" section=", out);
		put_str(out, s->section, false);
	}
	fputc('\n', out);

	for (uint32_t i = 0; i < f->nedge; i++) {
		const struct klp_edge *e = &f->edges[i];

		fprintf(out, "  %s ", klp_edge_kind_name(e->kind));
		put_str(out, e->src->name, false);
		put_src_where(out, e->src);
		put_flags(out, e->flags, edge_flags,
			  sizeof(edge_flags) / sizeof(edge_flags[0]));
		fputc('\n', out);
	}
}

int klp_dump_record(FILE *out, const struct klp_record *rec)
{
	for (size_t i = 0; i < rec->nblob; i++) {
		const struct klp_blob *b = &rec->blobs[i];

		fprintf(out, "blob %u unit=", b->index);
		put_str(out, b->unit, false);
		fprintf(out, " phase=%s producer=\"", klp_phase_name(b->phase));
		put_str(out, b->producer, true);
		fprintf(out, "\" funcs=%u srcs=%u edges=%u\n", b->nfunc,
			b->nsrc, b->nedge);
		for (uint32_t j = 0; j < b->nfunc; j++)
			put_func(out, rec, &b->funcs[j]);
	}
	fprintf(out, "summary blobs=%zu funcs=%zu srcs=%zu edges=%zu\n",
		rec->nblob, rec->nfunc, rec->nsrc, rec->nedge);
	if (fflush(out) || ferror(out))
		return klp_err("cannot write the dump");
	return 0;
}
