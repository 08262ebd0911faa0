// SPDX-License-Identifier: GPL-2.0
/*
 * The record reader (see klp/record.h and docs/record-format.md).
 *
 * The section is walked twice: a first walk checks every blob header and
 * counts the blobs, a second one inflates their tables (format 3 deflates
 * them) and decodes them into arrays that no longer move, so the model can
 * point at them.  Fields are decoded byte by byte as little-endian: the
 * section may sit at any offset in a hostile file.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libdeflate.h>

#include "klp/counter_names.h"
#include "klp/error.h"
#include "klp/record.h"

#define HDR_SIZE	sizeof(struct klp_rec_header)
#define ADDR_SIZE	sizeof(klp_rec_addr)
#define FUNC_SIZE	sizeof(struct klp_rec_func)
#define SRC_SIZE	sizeof(struct klp_rec_src)
#define EDGE_SIZE	sizeof(struct klp_rec_edge)

#define FIELD(type, f, p)	((p) + offsetof(struct type, f))

static uint16_t le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 |
	       (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const unsigned char *p)
{
	return le32(p) | (uint64_t)le32(p + 4) << 32;
}

static bool all_zero(const unsigned char *p, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* Bytes of a blob's tables once inflated (each term is below 2^38). */
static uint64_t tables_size(uint32_t nfunc, uint32_t nsrc, uint32_t nedge,
			    uint32_t strtab_size)
{
	return (uint64_t)nfunc * FUNC_SIZE + (uint64_t)nsrc * SRC_SIZE +
	       (uint64_t)nedge * EDGE_SIZE + strtab_size;
}

/* Why a blob of an older major version cannot be read. */
static const char *old_major_reason(unsigned int major)
{
	if (major < 2)
		return "older records name files by build-machine paths";
	return "2.x stores its tables uncompressed, in another layout";
}

/* What the walk knows about the blob it is decoding, for messages. */
struct blob_ctx {
	const char *file;
	uint64_t off;			/* in the section */
	const unsigned char *p;		/* its first byte */
	const char *strtab;
	uint32_t strtab_size;
	/* Strings at offsets up to here end within the table (O(1) check). */
	int64_t last_nul;
	/* Where a zlib blob's tables are inflated (the largest blob's size). */
	unsigned char *scratch;
	struct libdeflate_decompressor *inflater;	/* made on first use */
	uint32_t nsrc;			/* the blob's srcs in the file */
	/*
	 * Without edges, per src of the blob: its place among the srcs kept
	 * (KEEP while deciding, DROP if not kept); NULL: all are kept.
	 */
	uint32_t *keep;
};

#define KEEP	(UINT32_MAX - 1)
#define DROP	UINT32_MAX

#define blob_err(c, fmt, ...) \
	klp_err("%s: " KLP_REC_SECTION " blob at offset 0x%" PRIx64 ": " fmt, \
		(c)->file, (c)->off, ##__VA_ARGS__)

/*
 * Checks a blob header at @off; @rem bytes remain in the section.  On success
 * *size is the blob's size.
 */
static int check_header(struct blob_ctx *c, uint64_t rem, uint32_t *size)
{
	const unsigned char *h = c->p;
	uint32_t nfunc, nsrc, nedge, strtab_size, blob_size, phase, codec;
	uint32_t payload;
	unsigned int major, minor;
	uint64_t need, tables;

	if (rem < HDR_SIZE)
		return blob_err(c, "truncated header: %" PRIu64 " bytes left in the section, a header takes %zu",
				rem, HDR_SIZE);
	if (memcmp(h, KLP_REC_MAGIC, KLP_REC_MAGIC_LEN))
		return blob_err(c, "bad magic (not a klp-lto record blob, or garbage between blobs)");
	major = le16(FIELD(klp_rec_header, version_major, h));
	minor = le16(FIELD(klp_rec_header, version_minor, h));
	if (major < KLP_REC_VERSION_MAJOR)
		return blob_err(c, "record format %u.%u, but this klp-gen reads %u.x (%s): rebuild with the current plugin",
				major, minor, KLP_REC_VERSION_MAJOR,
				old_major_reason(major));
	if (major > KLP_REC_VERSION_MAJOR)
		return blob_err(c, "record format %u.%u, but this klp-gen reads %u.x: use the klp-gen of the plugin that wrote it",
				major, minor, KLP_REC_VERSION_MAJOR);
	if (le32(FIELD(klp_rec_header, header_size, h)) != HDR_SIZE)
		return blob_err(c, "header_size %u, expected %zu",
				le32(FIELD(klp_rec_header, header_size, h)),
				HDR_SIZE);

	blob_size = le32(FIELD(klp_rec_header, blob_size, h));
	if (blob_size < HDR_SIZE || blob_size % KLP_REC_ALIGN)
		return blob_err(c, "blob_size %u is not a multiple of %d of at least %zu",
				blob_size, KLP_REC_ALIGN, HDR_SIZE);
	if (blob_size > rem)
		return blob_err(c, "blob_size %u runs past the end of the section (%" PRIu64 " bytes left)",
				blob_size, rem);

	phase = le32(FIELD(klp_rec_header, phase, h));
	if (phase > KLP_PHASE_FULLLTO_BACKEND)
		return blob_err(c, "unknown phase %u", phase);

	nfunc = le32(FIELD(klp_rec_header, nfunc, h));
	nsrc = le32(FIELD(klp_rec_header, nsrc, h));
	nedge = le32(FIELD(klp_rec_header, nedge, h));
	strtab_size = le32(FIELD(klp_rec_header, strtab_size, h));
	codec = le32(FIELD(klp_rec_header, codec, h));
	payload = le32(FIELD(klp_rec_header, payload_size, h));
	if (le32(FIELD(klp_rec_header, reserved, h)))
		return blob_err(c, "reserved header field is not 0");
	if (codec != KLP_CODEC_STORED && codec != KLP_CODEC_ZLIB)
		return blob_err(c, "unknown codec %u", codec);
	need = HDR_SIZE + (uint64_t)nfunc * ADDR_SIZE + payload;
	if ((need + KLP_REC_ALIGN - 1) / KLP_REC_ALIGN * KLP_REC_ALIGN !=
	    blob_size)
		return blob_err(c, "%u addr words and a %u-byte payload take %" PRIu64 " bytes, but blob_size is %u",
				nfunc, payload, need, blob_size);
	if (!all_zero(c->p + need, blob_size - need))
		return blob_err(c, "nonzero padding after the payload");
	tables = tables_size(nfunc, nsrc, nedge, strtab_size);
	if (codec == KLP_CODEC_STORED && tables != payload)
		return blob_err(c, "%u funcs, %u srcs, %u edges and %u string bytes take %" PRIu64 " bytes, but the stored payload has %u",
				nfunc, nsrc, nedge, strtab_size, tables,
				payload);
	/* Also what keeps a hostile header from asking for terabytes. */
	if (codec == KLP_CODEC_ZLIB &&
	    tables > (uint64_t)payload * KLP_REC_MAX_EXPANSION)
		return blob_err(c, "%u funcs, %u srcs, %u edges and %u string bytes take %" PRIu64 " bytes, more than a %u-byte zlib payload can hold",
				nfunc, nsrc, nedge, strtab_size, tables,
				payload);
	if (strtab_size == 0)
		return blob_err(c, "the string table does not start with an empty string");
	*size = blob_size;
	return 0;
}

/* Bytes that the second walk inflates for the blob at c->p (0 if stored). */
static uint64_t inflated_size(const struct blob_ctx *c)
{
	const unsigned char *h = c->p;

	if (le32(FIELD(klp_rec_header, codec, h)) != KLP_CODEC_ZLIB)
		return 0;
	return tables_size(le32(FIELD(klp_rec_header, nfunc, h)),
			   le32(FIELD(klp_rec_header, nsrc, h)),
			   le32(FIELD(klp_rec_header, nedge, h)),
			   le32(FIELD(klp_rec_header, strtab_size, h)));
}

/*
 * Inflates the zlib payload @in (@in_size bytes) into exactly @out_size
 * bytes at @out: a stream that ends early, runs longer, fails its Adler-32
 * or leaves bytes behind is an error.  libdeflate rather than zlib: it
 * inflates a whole buffer whose size is known, as here, in less than half
 * of zlib's instructions (docs/performance.md), the checksum included.
 */
static int inflate_tables(struct blob_ctx *c, const unsigned char *in,
			  uint32_t in_size, unsigned char *out,
			  uint64_t out_size)
{
	size_t used = 0, got = 0;
	enum libdeflate_result r;

	/* RFC 1950's header, checked here to say what is wrong with it. */
	if (in_size < 2 || (in[0] & 0x0f) != 8 || in[0] >> 4 > 7 ||
	    ((unsigned int)in[0] << 8 | in[1]) % 31)
		return blob_err(c, "zlib payload does not inflate to the %" PRIu64 " bytes of its tables: incorrect header check",
				out_size);
	if (in[1] & 0x20)
		return blob_err(c, "zlib payload does not inflate to the %" PRIu64 " bytes of its tables: it wants a preset dictionary",
				out_size);
	if (out_size > SIZE_MAX)
		return blob_err(c, "its tables take %" PRIu64 " bytes, more than this machine addresses",
				out_size);
	if (!c->inflater) {
		c->inflater = libdeflate_alloc_decompressor();
		if (!c->inflater)
			return blob_err(c, "out of memory");
	}
	r = libdeflate_zlib_decompress_ex(c->inflater, in, in_size, out,
					  (size_t)out_size, &used, &got);
	if (r == LIBDEFLATE_SUCCESS && got == out_size && used == in_size)
		return 0;
	if (r == LIBDEFLATE_SUCCESS && got != out_size)
		return blob_err(c, "zlib payload inflates to %zu bytes, but its tables take %" PRIu64,
				got, out_size);
	if (r == LIBDEFLATE_SUCCESS)
		return blob_err(c, "%zu bytes after the end of the zlib stream",
				(size_t)in_size - used);
	return blob_err(c, "zlib payload does not inflate to the %" PRIu64 " bytes of its tables: %s",
			out_size, r == LIBDEFLATE_INSUFFICIENT_SPACE ?
			"it holds more than the header's tables" :
			"the stream is corrupt, truncated or fails its Adler-32 check");
}

/*
 * Finds the next blob at or after *off, skipping zero padding 8 bytes at a
 * time.  Returns 1 and sets c->off, c->p and *size if there is one, 0 at the
 * end of the section, -1 on error.
 */
static int next_blob(struct blob_ctx *c, const unsigned char *data,
		     uint64_t size, uint64_t *off, uint32_t *blob_size)
{
	while (*off < size) {
		uint64_t rem = size - *off;

		c->off = *off;
		c->p = data + *off;
		if (rem < KLP_REC_ALIGN) {
			if (all_zero(c->p, rem))
				return 0;
			return blob_err(c, "%" PRIu64 " trailing bytes that are neither padding nor a blob",
					rem);
		}
		if (all_zero(c->p, KLP_REC_ALIGN)) {
			*off += KLP_REC_ALIGN;
			continue;
		}
		if (check_header(c, rem, blob_size))
			return -1;
		*off += *blob_size;
		return 1;
	}
	return 0;
}

/*
 * A string of the blob's table, or NULL after reporting what is wrong.  @what
 * names the entry ("func", "src") or is NULL for the header.
 */
static const char *blob_str(struct blob_ctx *c, uint32_t off,
			    const char *what, uint32_t idx, const char *field)
{
	char who[32] = "";

	if (off < c->strtab_size && (int64_t)off <= c->last_nul)
		return c->strtab + off;
	if (what)
		snprintf(who, sizeof(who), "%s %u: ", what, idx);
	if (off >= c->strtab_size)
		blob_err(c, "%s%s string offset 0x%x is outside the string table (%u bytes)",
			 who, field, off, c->strtab_size);
	else
		blob_err(c, "%s%s string at 0x%x is not NUL-terminated within the string table",
			 who, field, off);
	return NULL;
}

/* The string at @off of the blob's table, as an offset into the pool. */
static int src_str(struct blob_ctx *c, const struct klp_blob *b,
		   const unsigned char *off, uint32_t idx, const char *what,
		   uint32_t *out)
{
	const char *str = blob_str(c, le32(off), "src", idx, what);

	*out = str ? (uint32_t)(str - b->rec->table_pool) : 0;
	return str ? 0 : -1;
}

/*
 * A record read without edges keeps the srcs that a func names, and those
 * that may be counter-numbered (klp_counter_pair() must see all of those):
 * at 1M functions two thirds of the srcs are only edge targets.
 */
static void mark_kept_srcs(struct blob_ctx *c, const unsigned char *funcs,
			   uint32_t nfunc)
{
	for (uint32_t i = 0; i < c->nsrc; i++)
		c->keep[i] = DROP;
	for (uint32_t i = 0; i < nfunc; i++, funcs += FUNC_SIZE) {
		uint32_t src = le32(FIELD(klp_rec_func, src, funcs));

		if (src < c->nsrc)
			c->keep[src] = KEEP;
	}
}


static int decode_srcs(struct blob_ctx *c, struct klp_blob *b,
		       const unsigned char *p)
{
	b->nsrc = 0;
	for (uint32_t i = 0; i < c->nsrc; i++, p += SRC_SIZE) {
		struct klp_src *s = &b->srcs[b->nsrc];

		s->fingerprint = le64(FIELD(klp_rec_src, fingerprint, p));
		s->line_begin = le32(FIELD(klp_rec_src, line_begin, p));
		s->line_end = le32(FIELD(klp_rec_src, line_end, p));
		s->flags = le32(FIELD(klp_rec_src, flags, p));
		if (src_str(c, b, FIELD(klp_rec_src, name, p), i, "name",
			    &s->name) ||
		    src_str(c, b, FIELD(klp_rec_src, file, p), i, "file",
			    &s->file) ||
		    src_str(c, b, FIELD(klp_rec_src, unit, p), i, "unit",
			    &s->unit) ||
		    src_str(c, b, FIELD(klp_rec_src, section, p), i,
			    "section", &s->section))
			return -1;
		/* Kept, or overwritten by the next src (file index @i). */
		if (c->keep && c->keep[i] != KEEP &&
		    ((s->flags & KLP_SRC_EXTERN) ||
		     !klp_counter_maybe(klp_str(b->rec, s->name))))
			continue;
		if (c->keep)
			c->keep[i] = b->nsrc;
		b->nsrc++;
	}
	return 0;
}

static int decode_edges(struct blob_ctx *c, struct klp_blob *b,
			const unsigned char *p)
{
	for (uint32_t i = 0; i < b->nedge; i++, p += EDGE_SIZE) {
		struct klp_edge *e = b->edges ? &b->edges[i] : NULL;
		uint32_t src = le32(FIELD(klp_rec_edge, src, p));

		struct klp_edge tmp;

		/* Checked also when the model keeps no edges. */
		if (!b->edges)
			e = &tmp;
		e->kind = le16(FIELD(klp_rec_edge, kind, p));
		e->flags = le16(FIELD(klp_rec_edge, flags, p));
		if (src >= c->nsrc)
			return blob_err(c, "edge %u: src index %u out of range (%u srcs)",
					i, src, c->nsrc);
		if (e->kind < KLP_EDGE_INLINE || e->kind > KLP_EDGE_CALLER)
			return blob_err(c, "edge %u: unknown kind %u", i,
					e->kind);
		e->src = src;
	}
	return 0;
}

static int decode_funcs(struct blob_ctx *c, struct klp_blob *b,
			const unsigned char *addrs, const unsigned char *p)
{
	for (uint32_t i = 0; i < b->nfunc; i++, p += FUNC_SIZE) {
		struct klp_func *f = &b->funcs[i];
		uint32_t src = le32(FIELD(klp_rec_func, src, p));
		uint32_t first = le32(FIELD(klp_rec_func, edge_first, p));
		uint32_t count = le32(FIELD(klp_rec_func, edge_count, p));
		uint32_t binding = le32(FIELD(klp_rec_func, binding, p));

		f->blob = b;
		f->addr = le64(addrs + (size_t)i * ADDR_SIZE);
		f->flags = le32(FIELD(klp_rec_func, flags, p));
		f->binding = (uint16_t)binding;
		f->sym_name = blob_str(c, le32(FIELD(klp_rec_func, sym, p)),
				       "func", i, "sym");
		if (!f->sym_name)
			return -1;
		if (src != KLP_REC_NO_SRC && src >= c->nsrc)
			return blob_err(c, "func %u (%s): src index %u out of range (%u srcs)",
					i, f->sym_name, src, c->nsrc);
		f->src = src == KLP_REC_NO_SRC ? NULL :
			 &b->srcs[c->keep ? c->keep[src] : src];
		if ((uint64_t)first + count > b->nedge)
			return blob_err(c, "func %u (%s): edges %u..%" PRIu64 " out of range (%u edges)",
					i, f->sym_name, first,
					(uint64_t)first + count, b->nedge);
		f->edge_first = first;
		f->nedge = b->edges ? count : 0;
		if (binding > KLP_BIND_WEAK)
			return blob_err(c, "func %u (%s): unknown binding %u",
					i, f->sym_name, binding);
	}
	return 0;
}

/*
 * Decodes the blob that check_header() accepted at c->p into the next slices
 * of the record's pools; *used counts the funcs, srcs and edges taken.
 */
static int decode_blob(struct blob_ctx *c, struct klp_record *rec,
		       struct klp_blob *b, size_t used[4])
{
	const unsigned char *h = c->p, *addrs, *funcs, *srcs, *edges;
	const char *nul;

	b->offset = c->off;
	b->size = le32(FIELD(klp_rec_header, blob_size, h));
	b->version_major = le16(FIELD(klp_rec_header, version_major, h));
	b->version_minor = le16(FIELD(klp_rec_header, version_minor, h));
	b->phase = le32(FIELD(klp_rec_header, phase, h));
	b->toolchain_id = le64(FIELD(klp_rec_header, toolchain_id, h));
	b->nfunc = le32(FIELD(klp_rec_header, nfunc, h));
	c->nsrc = le32(FIELD(klp_rec_header, nsrc, h));
	b->nedge = le32(FIELD(klp_rec_header, nedge, h));

	addrs = h + HDR_SIZE;
	funcs = addrs + (size_t)b->nfunc * ADDR_SIZE;
	c->strtab_size = le32(FIELD(klp_rec_header, strtab_size, h));
	if (le32(FIELD(klp_rec_header, codec, h)) == KLP_CODEC_ZLIB) {
		uint64_t n = inflated_size(c);

		if (inflate_tables(c, funcs,
				   le32(FIELD(klp_rec_header, payload_size, h)),
				   c->scratch, n))
			return -1;
		funcs = c->scratch;
	}
	srcs = funcs + (size_t)b->nfunc * FUNC_SIZE;
	edges = srcs + (size_t)c->nsrc * SRC_SIZE;
	c->strtab = (const char *)(edges + (size_t)b->nedge * EDGE_SIZE);
	/*
	 * Only the string table outlives the decoding, copied into the
	 * record's pool (src entries hold offsets into it): a zlib blob's
	 * entries are inflated into a buffer that the next blob reuses (at
	 * 1M functions they are 216 MB per record), and no page of the
	 * section needs to stay.
	 */
	memcpy(rec->table_pool + used[3], c->strtab, c->strtab_size);
	c->strtab = rec->table_pool + used[3];
	used[3] += c->strtab_size;
	/* check_header() saw strtab_size > 0 */
	if (c->strtab[0] != '\0')
		return blob_err(c, "the string table does not start with an empty string");
	nul = c->strtab + c->strtab_size - 1;
	while (*nul)
		nul--;
	c->last_nul = nul - c->strtab;

	b->unit = blob_str(c, le32(FIELD(klp_rec_header, unit, h)),
			   NULL, 0, "unit");
	if (!b->unit)
		return -1;
	b->producer = blob_str(c, le32(FIELD(klp_rec_header, producer, h)),
			       NULL, 0, "producer");
	if (!b->producer)
		return -1;
	b->build_id = blob_str(c, le32(FIELD(klp_rec_header, build_id, h)),
			       NULL, 0, "build_id");
	if (!b->build_id)
		return -1;

	/* The first walk counted exactly these; the file has not changed. */
	b->funcs = rec->func_pool + used[0];
	b->srcs = rec->src_pool + used[1];
	b->edges = rec->edge_pool ? rec->edge_pool + used[2] : NULL;
	if (c->keep)
		mark_kept_srcs(c, funcs, b->nfunc);
	if (decode_srcs(c, b, srcs))
		return -1;
	used[0] += b->nfunc;
	used[1] += b->nsrc;
	used[2] += b->nedge;
	return decode_edges(c, b, edges) ||
	       decode_funcs(c, b, addrs, funcs) ? -1 : 0;
}

#define func_err(rec, f, fmt, ...) \
	klp_err("%s: blob %u (unit %s): func %s: " fmt, (rec)->elf->name, \
		(f)->blob->index, (f)->blob->unit, (f)->sym_name, ##__VA_ARGS__)

/* Is @sym an acceptable home for @f when the relocation names a position? */
static int sym_rank(const struct klp_func *f, const struct klp_symbol *sym)
{
	if (!strcmp(sym->name, f->sym_name))
		return 3;
	if (f->flags & KLP_FUNC_DATA)
		return sym->type == STT_OBJECT ? 2 : 0;
	if (sym->type == STT_FUNC || sym->type == STT_GNU_IFUNC)
		return 2;
	return sym->type == STT_NOTYPE ? 1 : 0;
}

/*
 * Relocatable files: the func's addr word is relocated; the relocation names
 * the symbol or, after the assembler rewrote a local symbol, its section plus
 * an offset.  In `ld -r` output one section may hold several same-named local
 * copies (the kernel's vmlinux.o), so only the position tells them apart.
 */
static int resolve_by_reloc(struct klp_record *rec, struct klp_func *f)
{
	uint64_t at = f->blob->offset + HDR_SIZE + (uint64_t)klp_func_index(f) * ADDR_SIZE;
	struct klp_reloc *rel = klp_elf_reloc_at(rec->sec, at);
	struct klp_symbol *sym, *best = NULL;
	int best_rank = 0;
	uint64_t off;

	if (!rel)
		return func_err(rec, f, "no relocation at " KLP_REC_SECTION "+0x%" PRIx64,
				at);
	if (klp_elf_next_reloc_at(rec->sec, rel))
		return func_err(rec, f, "more than one relocation at " KLP_REC_SECTION "+0x%" PRIx64,
				at);
	/* `ld -r` turns a relocation against a discarded section into NONE. */
	if (rel->type == R_X86_64_NONE && !rel->sym) {
		f->discarded = true;
		return 0;
	}
	if (rel->type != R_X86_64_64)
		return func_err(rec, f, "relocation type %u at " KLP_REC_SECTION "+0x%" PRIx64 " is not R_X86_64_64",
				rel->type, at);
	sym = rel->sym;
	if (!sym)
		return func_err(rec, f, "relocation at " KLP_REC_SECTION "+0x%" PRIx64 " points nowhere (symbol 0)",
				at);
	if (!sym->sec)
		return func_err(rec, f, "relocation at " KLP_REC_SECTION "+0x%" PRIx64 " points to undefined symbol %s",
				at, sym->name);

	f->sec = sym->sec;
	if (sym->type != STT_SECTION && rel->addend == 0) {
		f->sec_offset = sym->value;
		f->sym = sym;
		return 0;
	}
	/* Unsigned wrap-around is what the linker would compute, too. */
	off = sym->value + (uint64_t)rel->addend;
	f->sec_offset = off;
	if (off > sym->sec->sh.sh_size)
		return func_err(rec, f, "relocation points to %s+0x%" PRIx64 ", past the end of the section",
				sym->sec->name, off);
	for (struct klp_symbol *s = klp_elf_symbol_at(rec->elf, sym->sec, off);
	     s; s = klp_elf_next_symbol_at(rec->elf, s)) {
		int rank = sym_rank(f, s);

		if (rank > best_rank) {
			best = s;
			best_rank = rank;
		}
	}
	if (!best)
		return func_err(rec, f, "relocation points to %s+0x%" PRIx64 ", where no symbol is defined",
				sym->sec->name, off);
	f->sym = best;
	return 0;
}

/*
 * Linked files: the linker stored the address (0 if it discarded the
 * function); the symbol is the one with that address and the record's name.
 */
/*
 * Whether @addr lies in no allocated section of the linked file: there
 * lld stores the addend alone (its "tombstone" for a relocation from a
 * non-allocated section to a discarded one, e.g. the kernel's
 * .discard.addressable piece at +0x7fc0), not an address.
 */
static bool addr_outside_image(const struct klp_elf *elf, uint64_t addr)
{
	for (size_t i = 1; i < elf->nsec; i++) {
		const GElf_Shdr *sh = &elf->secs[i].sh;

		if ((sh->sh_flags & SHF_ALLOC) && addr >= sh->sh_addr &&
		    addr - sh->sh_addr < (sh->sh_size ? sh->sh_size : 1))
			return false;
	}
	return true;
}

static int resolve_by_addr(struct klp_record *rec, struct klp_func *f)
{
	struct klp_symbol *s;

	if (f->addr == 0) {
		f->discarded = true;
		return 0;
	}
	for (s = klp_elf_symbol_at_addr(rec->elf, f->addr); s;
	     s = klp_elf_next_symbol_at_addr(rec->elf, s))
		if (!strcmp(s->name, f->sym_name))
			break;
	if (!s && addr_outside_image(rec->elf, f->addr)) {
		f->discarded = true;
		return 0;
	}
	if (!s)
		return func_err(rec, f, "no symbol %s at address 0x%" PRIx64,
				f->sym_name, f->addr);
	f->sym = s;
	f->sec = s->sec;
	f->sec_offset = f->addr - s->sec->sh.sh_addr;
	return 0;
}

static int resolve_funcs(struct klp_record *rec)
{
	bool rel = klp_elf_is_relocatable(rec->elf);

	if (rel) {
		if (!rec->sec->rela && rec->nfunc)
			return klp_err("%s: " KLP_REC_SECTION " has no relocations (" KLP_REC_RELA_SECTION " is missing)",
				       rec->elf->name);
		if (klp_elf_load_relocs(rec->elf, rec->sec))
			return -1;
	}
	rec->func_of_sym = calloc(rec->elf->nsym + 1,
				  sizeof(*rec->func_of_sym));
	if (!rec->func_of_sym)
		return klp_err("%s: out of memory", rec->elf->name);
	/* Backwards, so that lookups return funcs in record order. */
	for (size_t i = rec->nblob; i-- > 0;) {
		struct klp_blob *b = &rec->blobs[i];

		for (uint32_t j = b->nfunc; j-- > 0;) {
			struct klp_func *f = &b->funcs[j];

			if (rel ? resolve_by_reloc(rec, f) :
				  resolve_by_addr(rec, f))
				return -1;
			if (f->sym) {
				f->next_of_sym = rec->func_of_sym[f->sym->idx];
				rec->func_of_sym[f->sym->idx] = f;
			}
		}
	}
	/* Nothing reads them again: each func has its section and offset. */
	if (rel)
		klp_elf_unload_relocs(rec->sec);
	return 0;
}

static struct klp_record *klp_record_read_opt(struct klp_elf *elf,
					      bool keep_edges)
{
	struct blob_ctx c = { .file = elf->name };
	const unsigned char *data;
	struct klp_record *rec;
	uint64_t size, off;
	uint32_t blob_size;
	size_t n = 0, total[4] = { 0 }, used[4] = { 0 };
	uint64_t scratch_size = 0;
	uint32_t max_nsrc = 0;
	int r;

	rec = calloc(1, sizeof(*rec));
	if (!rec) {
		klp_err("%s: out of memory", elf->name);
		return NULL;
	}
	rec->elf = elf;
	rec->sec = klp_elf_section_by_name(elf, KLP_REC_SECTION);
	if (!rec->sec) {
		klp_err("%s: no klp-lto record (" KLP_REC_SECTION " section missing): was it built with the klp-lto plugin?",
			elf->name);
		goto fail;
	}
	if (klp_elf_next_section_by_name(elf, rec->sec)) {
		klp_err("%s: more than one " KLP_REC_SECTION " section",
			elf->name);
		goto fail;
	}
	if (rec->sec->sh.sh_type != SHT_PROGBITS) {
		klp_err("%s: section %u (" KLP_REC_SECTION ") is not SHT_PROGBITS",
			elf->name, rec->sec->idx);
		goto fail;
	}
	if (klp_elf_section_data(elf, rec->sec, &data, &size))
		goto fail;

	/* First walk: check the headers, count the blobs and their entries. */
	for (off = 0; (r = next_blob(&c, data, size, &off, &blob_size)) > 0;) {
		n++;
		total[0] += le32(FIELD(klp_rec_header, nfunc, c.p));
		total[1] += le32(FIELD(klp_rec_header, nsrc, c.p));
		if (le32(FIELD(klp_rec_header, nsrc, c.p)) > max_nsrc)
			max_nsrc = le32(FIELD(klp_rec_header, nsrc, c.p));
		total[2] += le32(FIELD(klp_rec_header, nedge, c.p));
		total[3] += le32(FIELD(klp_rec_header, strtab_size, c.p));
		if (inflated_size(&c) > scratch_size)
			scratch_size = inflated_size(&c);
	}
	if (r < 0)
		goto fail;
	if (total[3] > UINT32_MAX) {
		klp_err("%s: the string tables of " KLP_REC_SECTION " take %zu bytes, more than the 4 GB this klp-gen holds",
			elf->name, total[3]);
		goto fail;
	}
	rec->blobs = calloc(n ? n : 1, sizeof(*rec->blobs));
	rec->func_pool = calloc(total[0] + 1, sizeof(*rec->func_pool));
	rec->src_pool = calloc(total[1] + 1, sizeof(*rec->src_pool));
	if (keep_edges)
		rec->edge_pool = calloc(total[2] + 1,
					sizeof(*rec->edge_pool));
	else
		c.keep = malloc(((size_t)max_nsrc + 1) * sizeof(*c.keep));
	rec->table_pool = malloc(total[3] + 1);
	c.scratch = malloc(scratch_size + 1);
	if (!rec->blobs || !rec->func_pool || !rec->src_pool ||
	    (keep_edges ? !rec->edge_pool : !c.keep) || !rec->table_pool ||
	    !c.scratch) {
		klp_err("%s: out of memory", elf->name);
		goto fail;
	}

	/* Second walk: decode them. */
	for (off = 0; rec->nblob < n &&
	     next_blob(&c, data, size, &off, &blob_size) > 0;) {
		struct klp_blob *b = &rec->blobs[rec->nblob];

		b->rec = rec;
		b->index = rec->nblob++;
		if (decode_blob(&c, rec, b, used))
			goto fail;
		rec->nfunc += b->nfunc;
		rec->nsrc += b->nsrc;
		rec->nedge += b->nedge;
	}
	free(c.scratch);
	free(c.keep);
	libdeflate_free_decompressor(c.inflater);
	c.scratch = NULL;
	c.keep = NULL;
	c.inflater = NULL;
	klp_elf_release(elf, data, size);
	if (resolve_funcs(rec))
		goto fail;
	return rec;
fail:
	free(c.scratch);
	free(c.keep);
	libdeflate_free_decompressor(c.inflater);
	klp_record_free(rec);
	return NULL;
}

struct klp_record *klp_record_read(struct klp_elf *elf)
{
	return klp_record_read_opt(elf, true);
}

struct klp_record *klp_record_read_no_edges(struct klp_elf *elf)
{
	return klp_record_read_opt(elf, false);
}

void klp_record_drop_edges(struct klp_record *rec)
{
	for (size_t b = 0; rec->edge_pool && b < rec->nblob; b++) {
		rec->blobs[b].edges = NULL;
		for (uint32_t i = 0; i < rec->blobs[b].nfunc; i++) {
			rec->blobs[b].funcs[i].nedge = 0;
		}
	}
	free(rec->edge_pool);
	rec->edge_pool = NULL;
}

void klp_record_free(struct klp_record *rec)
{
	if (!rec)
		return;
	free(rec->func_pool);
	free(rec->src_pool);
	free(rec->edge_pool);
	free(rec->table_pool);
	free(rec->blobs);
	free(rec->func_of_sym);
	free(rec);
}

struct klp_func *klp_record_func_of_sym(const struct klp_record *rec,
					const struct klp_symbol *sym)
{
	/* A symbol of another file has no func here. */
	if (sym->idx >= rec->elf->nsym || &rec->elf->syms[sym->idx] != sym)
		return NULL;
	return rec->func_of_sym[sym->idx];
}

struct klp_func *klp_record_next_func_of_sym(const struct klp_record *rec,
					     const struct klp_func *func)
{
	(void)rec;
	return func->next_of_sym;
}

const char *klp_phase_name(uint32_t phase)
{
	switch (phase) {
	case KLP_PHASE_COMPILE:		return "compile";
	case KLP_PHASE_THINLTO_BACKEND:	return "thinlto-backend";
	case KLP_PHASE_FULLLTO_BACKEND:	return "fulllto-backend";
	default:			return "?";
	}
}

const char *klp_edge_kind_name(uint16_t kind)
{
	switch (kind) {
	case KLP_EDGE_INLINE:	return "inline";
	case KLP_EDGE_CALLEE:	return "callee";
	case KLP_EDGE_CALLER:	return "caller";
	default:		return "?";
	}
}

const char *klp_binding_name(uint32_t binding)
{
	switch (binding) {
	case KLP_BIND_LOCAL:	return "local";
	case KLP_BIND_GLOBAL:	return "global";
	case KLP_BIND_WEAK:	return "weak";
	default:		return "?";
	}
}
