// SPDX-License-Identifier: GPL-2.0
/*
 * gen-record [--funcs N] [--changed K] [--seed S] ORIG.o PATCHED.o PATCH.diff
 *
 * Writes two synthetic relocatable x86-64 ELF objects shaped like a ThinLTO
 * vmlinux.o built with the klp-lto plugin, for measuring how klp-gen scales
 * (bench/run.sh).  Only the shape is synthetic; every byte follows
 * docs/record-format.md, and klp-gen's own reader must accept it.
 *
 * ORIG.o: N functions in one .text (16 bytes each: `call __fentry__`,
 * `mov $imm32, %eax`, a call to a function of the same unit or a 5-byte
 * nop, `ret`), 40 per translation unit, one .klp.lto blob per unit:
 *   - 60 % global functions, 25 % statics (local), 10 % promoted statics
 *     (`pfn_<i>.llvm.<unit hash>`, global binding), one same-named local per
 *     unit (`show`, `probe`, ... repeated in many units) and one
 *     `.constprop.0` clone per unit;
 *   - per function 0-12 INLINE edges to header `static inline` functions
 *     (each unit has its own src entry for them, as the plugin writes),
 *     1 INLINE edge to the preceding static of its unit, 1 CALLEE edge to a
 *     neighbour, 1-3 CALLEE edges to EXTERN srcs (global functions of other
 *     units, mostly a few popular ones), and a CALLER edge for statics;
 *   - one global variable per unit (DATA entry);
 *   - every func entry's addr word is relocated (R_X86_64_64, addend 0)
 *     against the function's own symbol, as the assembler writes it.
 * PATCHED.o: the same with K function fingerprints changed (one per unit,
 * spread over the file) and one header inline function changed (so a few
 * hundred inliners must be replaced whatever N is: the patch stays the same
 * size while the kernel grows).  The imm32 of each function hashes its own
 * and its inlined fingerprints, so exactly the changed functions and their
 * inliners have different machine code.
 * PATCH.diff: a unified diff that touches the body lines of exactly those
 * changed sources (for `klp-gen plan`).
 *
 * Memory: about 130 bytes per function besides the output buffers of one
 * unit; the record itself is streamed to the file.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "klp/record_format.h"

#define FPU		40	/* functions per unit (the kernel: ~41) */
#define HEADER_FUNCS	8	/* inline functions per header */
#define FUNC_BYTES	16
#define MAX_EDGES	16

enum kind { K_GLOBAL, K_STATIC, K_PROMOTED, K_SAMENAME, K_CLONE };

static const char *const common_names[] = {
	"show", "probe", "init_once", "release", "do_work", "handler",
	"dev_open", "cleanup",
};

static uint64_t nfunc, nunit, nheader_funcs, seed = 1;
static unsigned nchanged = 5;
static unsigned char *kinds;
static uint32_t *symidx;	/* ELF symbol index of each function */
static uint64_t *changed;	/* sorted function indices */
static uint64_t changed_header;

static void die(const char *msg)
{
	fprintf(stderr, "gen-record: %s\n", msg);
	exit(1);
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		die("out of memory");
	return p;
}

static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static uint64_t h2(uint64_t a, uint64_t b)
{
	return mix(mix(a ^ seed) ^ b);
}

/* ---- growable byte buffer ---- */

struct buf {
	unsigned char *p;
	size_t len, cap;
};

static void *buf_grow(struct buf *b, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;

		while (cap < b->len + n)
			cap *= 2;
		b->p = realloc(b->p, cap);
		if (!b->p)
			die("out of memory");
		b->cap = cap;
	}
	b->len += n;
	return b->p + b->len - n;
}

static void buf_put(struct buf *b, const void *p, size_t n)
{
	memcpy(buf_grow(b, n), p, n);
}

/* Appends a NUL-terminated string, returns its offset. */
static uint32_t buf_str(struct buf *b, const char *s)
{
	size_t off = b->len;

	buf_put(b, s, strlen(s) + 1);
	return (uint32_t)off;
}

static char *utoa(char *p, uint64_t v)
{
	char tmp[24];
	int n = 0;

	do
		tmp[n++] = (char)('0' + v % 10);
	while (v /= 10);
	while (n)
		*p++ = tmp[--n];
	*p = '\0';
	return p;
}

static char *cat(char *p, const char *s)
{
	while (*s)
		*p++ = *s++;
	*p = '\0';
	return p;
}

/* ---- the model ---- */

static uint64_t unit_of(uint64_t i)
{
	uint64_t u = i / FPU;

	return u < nunit ? u : nunit - 1;
}

static uint64_t unit_first(uint64_t u)
{
	return u * FPU;
}

static uint64_t unit_end(uint64_t u)
{
	return u + 1 == nunit ? nfunc : (u + 1) * FPU;
}

static void unit_file(char *p, uint64_t u)
{
	p = cat(p, "drivers/d");
	p = utoa(p, u % 97);
	p = cat(p, "/unit");
	p = utoa(p, u);
	cat(p, ".c");
}

static void header_file(char *p, uint64_t hf)
{
	p = cat(p, "include/linux/h");
	p = utoa(p, hf / HEADER_FUNCS);
	cat(p, ".h");
}

static void header_name(char *p, uint64_t hf)
{
	p = cat(p, "hinl_");
	utoa(p, hf);
}

/* The source name of function @i (a clone: the source it was cloned from). */
static void src_name(char *p, uint64_t i)
{
	uint64_t u = unit_of(i);

	switch (kinds[i]) {
	case K_GLOBAL:
		p = cat(p, "fn_");
		utoa(p, i);
		break;
	case K_STATIC:
		p = cat(p, "sfn_");
		utoa(p, i);
		break;
	case K_PROMOTED:
		p = cat(p, "pfn_");
		utoa(p, i);
		break;
	case K_SAMENAME:
		cat(p, common_names[u % 8]);
		break;
	case K_CLONE:
		src_name(p, unit_first(u));
		break;
	}
}

static void sym_name(char *p, uint64_t i)
{
	src_name(p, i);
	p += strlen(p);
	if (kinds[i] == K_PROMOTED) {
		p = cat(p, ".llvm.");
		utoa(p, h2(unit_of(i), 77) % 10000000000000000000ull);
	} else if (kinds[i] == K_CLONE) {
		cat(p, ".constprop.0");
	}
}

static bool is_local(uint64_t i)
{
	return kinds[i] == K_STATIC || kinds[i] == K_SAMENAME ||
	       kinds[i] == K_CLONE;
}

static bool src_static(uint64_t i)
{
	uint64_t j = kinds[i] == K_CLONE ? unit_first(unit_of(i)) : i;

	return kinds[j] != K_GLOBAL;
}

static void assign_kinds(void)
{
	for (uint64_t i = 0; i < nfunc; i++) {
		uint64_t j = i - unit_first(unit_of(i)), r = h2(i, 1) % 100;

		if (j == 1)
			kinds[i] = K_SAMENAME;
		else if (j == 3)
			kinds[i] = K_CLONE;
		else if (r < 60)
			kinds[i] = K_GLOBAL;
		else if (r < 88)
			kinds[i] = K_STATIC;
		else
			kinds[i] = K_PROMOTED;
	}
}

static bool is_changed(uint64_t i)
{
	for (unsigned k = 0; k < nchanged; k++)
		if (changed[k] == i)
			return true;
	return false;
}

/* The source fingerprint of function @i's own source in @variant. */
static uint64_t own_fp(uint64_t i, int variant)
{
	if (kinds[i] == K_CLONE)
		i = unit_first(unit_of(i));
	return h2(i, 2) ^ (variant && is_changed(i) ? 0x5a5a : 0);
}

static uint64_t header_fp(uint64_t hf, int variant)
{
	return h2(hf, 3) ^ (variant && hf == changed_header ? 0xa5a5 : 0);
}

/*
 * The same-named locals inline nothing, so a change never selects one: a
 * plan names the new code by symbol name (`new=show`), which does not tell
 * 300 `show`s apart, and extract refuses it.
 */
static unsigned ninline(uint64_t i)
{
	if (kinds[i] == K_SAMENAME)
		return 0;
	return (unsigned)(h2(i, 4) % 13);	/* 0..12, mean 6 */
}

/*
 * Each unit includes a window of about 32 header functions (as a C file
 * includes a few headers); a function inlines a run of them.  Consecutive
 * from a random start: distinct for k < 13.
 */
static uint64_t inline_target(uint64_t i, unsigned k)
{
	return (h2(unit_of(i), 5) + h2(i, 5) % 20 + k) % nheader_funcs;
}

static unsigned nextern(uint64_t i)
{
	return 1 + (unsigned)(h2(i, 6) % 3);	/* 1..3 */
}

#define NPOPULAR 64
static uint64_t popular[NPOPULAR];	/* kmalloc, printk, mutex_lock... */

static void pick_popular(void)
{
	for (unsigned k = 0; k < NPOPULAR; k++) {
		uint64_t i = nfunc / NPOPULAR * k;

		while (kinds[i] != K_GLOBAL)
			i++;
		popular[k] = i;
	}
}

/*
 * The k-th function of another unit that @i calls, or UINT64_MAX if that one
 * is not global (nothing outside its unit can call it): 60 % one of the
 * popular functions, else any.  Disjoint ranges keep the targets distinct.
 */
static uint64_t extern_target(uint64_t i, unsigned k)
{
	uint64_t span = nfunc / 8, t;

	if (h2(i, 20 + k) % 100 < 60)
		t = popular[(k * 21 + h2(i, 30 + k) % 21) % NPOPULAR];
	else
		t = (i + 1 + k * span + h2(i, 7 + k) % (span - 1)) % nfunc;
	if (unit_of(t) == unit_of(i) || kinds[t] != K_GLOBAL)
		return UINT64_MAX;
	return t;
}

/* The function of the same unit that @i calls (and whose facts it uses). */
static uint64_t neighbour(uint64_t i)
{
	uint64_t u = unit_of(i);

	return i + 1 < unit_end(u) ? i + 1 : unit_first(u);
}

/* ---- a small per-unit map from a key to a src index ---- */

#define MAP_SIZE 4096

static struct {
	uint64_t key;
	uint32_t val, gen;
} map[MAP_SIZE];
static uint32_t map_gen;

static uint32_t *map_slot(uint64_t key, bool *fresh)
{
	for (uint64_t h = mix(key) % MAP_SIZE;; h = (h + 1) % MAP_SIZE) {
		if (map[h].gen != map_gen) {
			map[h].gen = map_gen;
			map[h].key = key;
			*fresh = true;
			return &map[h].val;
		}
		if (map[h].key == key) {
			*fresh = false;
			return &map[h].val;
		}
	}
}

/* ---- one blob ---- */

struct blob {
	struct buf funcs, srcs, edges, str, tables, payload;
	uint32_t nfunc, nsrc, nedge;
};

static struct blob blob;
static uint32_t s_unit, s_file, s_empty;

static uint32_t add_src(uint64_t fp, uint32_t name, uint32_t file,
			uint32_t lb, uint32_t le, uint32_t flags)
{
	struct klp_rec_src s = {
		.fingerprint = fp, .name = name, .file = file, .unit = s_unit,
		.line_begin = lb, .line_end = le, .flags = flags,
		.section = s_empty,
	};

	buf_put(&blob.srcs, &s, sizeof(s));
	return blob.nsrc++;
}

static void add_edge(uint32_t src, uint16_t kind, uint16_t flags)
{
	struct klp_rec_edge e = { .src = src, .kind = kind, .flags = flags };

	buf_put(&blob.edges, &e, sizeof(e));
	blob.nedge++;
}

static uint32_t line_of(uint64_t i)
{
	return 10 + (uint32_t)(i - unit_first(unit_of(i))) * 20;
}

/* The src index of the own source of function @i of the current unit. */
static uint32_t own_src(uint64_t i, int variant)
{
	char name[64];
	uint64_t key = i;
	uint32_t *slot, flags;
	bool fresh;

	if (kinds[i] == K_CLONE)
		key = i = unit_first(unit_of(i));
	slot = map_slot(key << 2 | 0, &fresh);
	if (!fresh)
		return *slot;
	src_name(name, i);
	flags = src_static(i) ? KLP_SRC_STATIC : 0;
	*slot = add_src(own_fp(i, variant), buf_str(&blob.str, name), s_file,
			line_of(i), line_of(i) + 12, flags);
	return *slot;
}

static uint32_t header_src(uint64_t hf, int variant)
{
	char name[64], file[64];
	uint32_t *slot;
	bool fresh;

	slot = map_slot(hf << 2 | 1, &fresh);
	if (!fresh)
		return *slot;
	header_name(name, hf);
	header_file(file, hf);
	*slot = add_src(header_fp(hf, variant), buf_str(&blob.str, name),
			buf_str(&blob.str, file),
			10 + (uint32_t)(hf % HEADER_FUNCS) * 20,
			16 + (uint32_t)(hf % HEADER_FUNCS) * 20,
			KLP_SRC_STATIC | KLP_SRC_INLINE);
	return *slot;
}

static uint32_t extern_src(uint64_t t)
{
	char name[64];
	uint32_t *slot;
	bool fresh;

	slot = map_slot(t << 2 | 2, &fresh);
	if (!fresh)
		return *slot;
	sym_name(name, t);
	*slot = add_src(0, buf_str(&blob.str, name), s_empty, 0, 0,
			KLP_SRC_EXTERN);
	return *slot;
}

/* ---- the ELF file ---- */

struct out {
	FILE *f;
	uint64_t off;
};

static void out_put(struct out *o, const void *p, size_t n)
{
	if (n && fwrite(p, 1, n, o->f) != n)
		die("write error");
	o->off += n;
}

static void out_align(struct out *o, uint64_t a)
{
	static const unsigned char zero[64];

	while (o->off % a)
		out_put(o, zero, a - o->off % a < 64 ? a - o->off % a : 64);
}

enum {
	S_NULL, S_KLP, S_RELA_KLP, S_TEXT, S_RELA_TEXT, S_DATA, S_SYMTAB,
	S_STRTAB, S_SHSTRTAB, S_NUM
};

static const char *const secnames[S_NUM] = {
	"", ".klp.lto", ".rela.klp.lto", ".text", ".rela.text", ".data",
	".symtab", ".strtab", ".shstrtab",
};

/* Symbol table layout: null, 2 section symbols, per unit FILE + locals, globals. */
static uint32_t sym_fentry, sym_first_global, nsyms;

static uint32_t gvar_sym(uint64_t u)
{
	return sym_fentry - (uint32_t)nunit + (uint32_t)u;
}

static void assign_symbols(void)
{
	uint32_t next = 3, nglobal = 0;

	for (uint64_t u = 0; u < nunit; u++) {
		next++;	/* STT_FILE */
		for (uint64_t i = unit_first(u); i < unit_end(u); i++)
			if (is_local(i))
				symidx[i] = next++;
			else
				nglobal++;
	}
	sym_first_global = next;
	for (uint64_t i = 0; i < nfunc; i++)
		if (!is_local(i))
			symidx[i] = next++;
	next += (uint32_t)nunit;	/* gvar_<u> */
	sym_fentry = next++;
	nsyms = next;
	(void)nglobal;
}

static void put_rela(struct buf *b, uint64_t off, uint32_t sym, uint32_t type,
		     int64_t addend)
{
	Elf64_Rela r = {
		.r_offset = off, .r_info = ELF64_R_INFO(sym, type),
		.r_addend = addend,
	};

	buf_put(b, &r, sizeof(r));
}

static void emit_code(struct buf *text, struct buf *rtext, uint64_t i,
		      uint32_t imm)
{
	unsigned char *c = buf_grow(text, FUNC_BYTES);
	uint64_t off = i * FUNC_BYTES, n = neighbour(i);

	c[0] = 0xe8;	/* call __fentry__ */
	memset(c + 1, 0, 4);
	put_rela(rtext, off + 1, sym_fentry, R_X86_64_PLT32, -4);
	c[5] = 0xb8;	/* mov $imm, %eax */
	memcpy(c + 6, &imm, 4);
	if (n != i) {
		c[10] = 0xe8;	/* call the neighbour */
		memset(c + 11, 0, 4);
		put_rela(rtext, off + 11, symidx[n], R_X86_64_PLT32, -4);
	} else {
		static const unsigned char nop5[] = { 0x0f, 0x1f, 0x44, 0, 0 };

		memcpy(c + 10, nop5, 5);
	}
	c[15] = 0xc3;
}

static void write_blob(struct out *o, uint64_t u, int variant,
		       struct buf *text, struct buf *rtext, struct buf *rklp)
{
	static const char producer[] =
		"klp-lto 0.2; LLVM 22.1.8; x86_64-pc-linux-gnu";
	struct klp_rec_header h = { .version_major = KLP_REC_VERSION_MAJOR,
				    .version_minor = KLP_REC_VERSION_MINOR,
				    .header_size = sizeof(h),
				    .phase = KLP_PHASE_THINLTO_BACKEND };
	char file[64], name[64];
	/* Section offsets: .klp.lto starts right after the ELF header. */
	uint64_t first = unit_first(u), end = unit_end(u),
		 blob_off = o->off - sizeof(Elf64_Ehdr);
	uint32_t s_prod, nf = 0;
	size_t need;
	uLongf zlen;

	blob.funcs.len = blob.srcs.len = blob.edges.len = blob.str.len = 0;
	blob.nfunc = blob.nsrc = blob.nedge = 0;
	map_gen++;
	buf_put(&blob.str, "", 1);
	unit_file(file, u);
	s_empty = 0;
	s_unit = s_file = buf_str(&blob.str, file);
	s_prod = buf_str(&blob.str, producer);

	for (uint64_t i = first; i < end; i++, nf++) {
		struct klp_rec_func f = { 0 };
		uint64_t fp = own_fp(i, variant);
		uint32_t edge0 = blob.nedge;

		f.src = own_src(i, variant);
		for (unsigned k = 0; k < ninline(i); k++) {
			uint64_t hf = inline_target(i, k);

			add_edge(header_src(hf, variant), KLP_EDGE_INLINE,
				 KLP_EDGE_PRELINK |
				 (k == 0 ? KLP_EDGE_MANDATORY : 0));
			fp = mix(fp ^ header_fp(hf, variant));
		}
		/* The preceding static of the unit was inlined here too. */
		if (i > first && kinds[i - 1] == K_STATIC &&
		    kinds[i] != K_SAMENAME) {
			add_edge(own_src(i - 1, variant), KLP_EDGE_INLINE,
				 KLP_EDGE_BACKEND);
			fp = mix(fp ^ own_fp(i - 1, variant));
		}
		if (neighbour(i) != i)
			add_edge(own_src(neighbour(i), variant), KLP_EDGE_CALLEE,
				 KLP_EDGE_PRELINK | KLP_EDGE_BACKEND |
				 KLP_EDGE_OVERAPPROX);
		for (unsigned k = 0; k < nextern(i); k++) {
			uint64_t t = extern_target(i, k);

			if (t != UINT64_MAX)
				add_edge(extern_src(t), KLP_EDGE_CALLEE,
					 KLP_EDGE_PRELINK);
		}
		if (is_local(i) && i > first)
			add_edge(own_src(i - 1, variant), KLP_EDGE_CALLER,
				 KLP_EDGE_BACKEND | KLP_EDGE_OVERAPPROX);

		sym_name(name, i);
		f.sym = buf_str(&blob.str, name);
		f.edge_first = edge0;
		f.edge_count = blob.nedge - edge0;
		f.flags = kinds[i] == K_CLONE ? KLP_FUNC_CLONE : 0;
		f.binding = is_local(i) ? KLP_BIND_LOCAL : KLP_BIND_GLOBAL;
		buf_put(&blob.funcs, &f, sizeof(f));
		put_rela(rklp, blob_off + sizeof(h) + nf * sizeof(klp_rec_addr),
			 symidx[i], R_X86_64_64, 0);
		emit_code(text, rtext, i, (uint32_t)fp);
	}
	/* The unit's global variable. */
	{
		struct klp_rec_func f = { .flags = KLP_FUNC_DATA,
					  .binding = KLP_BIND_GLOBAL };

		name[0] = 'g';
		name[1] = 'v';
		name[2] = '_';
		utoa(name + 3, u);
		f.sym = buf_str(&blob.str, name);
		f.src = add_src(h2(u, 9), f.sym, s_file, 3, 3, 0);
		f.edge_first = blob.nedge;
		buf_put(&blob.funcs, &f, sizeof(f));
		put_rela(rklp, blob_off + sizeof(h) + nf * sizeof(klp_rec_addr),
			 gvar_sym(u), R_X86_64_64, 0);
		nf++;
	}

	memcpy(h.magic, KLP_REC_MAGIC, KLP_REC_MAGIC_LEN);
	h.nfunc = nf;
	h.nsrc = blob.nsrc;
	h.nedge = blob.nedge;
	h.strtab_size = (uint32_t)blob.str.len;
	h.unit = s_unit;
	h.producer = s_prod;
	h.toolchain_id = 0x6b6c706c746f3031ull;
	/* The tables deflated into one payload, as the plugin writes them. */
	blob.tables.len = 0;
	buf_put(&blob.tables, blob.funcs.p, blob.funcs.len);
	buf_put(&blob.tables, blob.srcs.p, blob.srcs.len);
	buf_put(&blob.tables, blob.edges.p, blob.edges.len);
	buf_put(&blob.tables, blob.str.p, blob.str.len);
	zlen = compressBound(blob.tables.len);
	blob.payload.len = 0;
	buf_grow(&blob.payload, zlen);
	if (compress2(blob.payload.p, &zlen, blob.tables.p, blob.tables.len,
		      Z_DEFAULT_COMPRESSION) != Z_OK)
		die("zlib compress2 failed");
	h.codec = KLP_CODEC_ZLIB;
	h.payload_size = (uint32_t)zlen;
	need = sizeof(h) + nf * sizeof(klp_rec_addr) + zlen;
	h.blob_size = (uint32_t)((need + 7) / 8 * 8);
	out_put(o, &h, sizeof(h));
	for (uint32_t k = 0; k < nf; k++) {
		klp_rec_addr zero = 0;	/* relocated */

		out_put(o, &zero, sizeof(zero));
	}
	out_put(o, blob.payload.p, zlen);
	out_align(o, 8);
}

static void put_sym(struct buf *symtab, struct buf *strtab, const char *name,
		    unsigned char bind, unsigned char type, uint16_t shndx,
		    uint64_t value, uint64_t size)
{
	Elf64_Sym s = {
		.st_name = *name ? buf_str(strtab, name) : 0,
		.st_info = ELF64_ST_INFO(bind, type), .st_shndx = shndx,
		.st_value = value, .st_size = size,
	};

	buf_put(symtab, &s, sizeof(s));
}

static void write_symbols(struct buf *symtab, struct buf *strtab)
{
	char name[64];

	buf_put(strtab, "", 1);
	put_sym(symtab, strtab, "", 0, 0, 0, 0, 0);
	put_sym(symtab, strtab, "", STB_LOCAL, STT_SECTION, S_TEXT, 0, 0);
	put_sym(symtab, strtab, "", STB_LOCAL, STT_SECTION, S_DATA, 0, 0);
	for (uint64_t u = 0; u < nunit; u++) {
		unit_file(name, u);
		put_sym(symtab, strtab, name, STB_LOCAL, STT_FILE, SHN_ABS, 0,
			0);
		for (uint64_t i = unit_first(u); i < unit_end(u); i++) {
			if (!is_local(i))
				continue;
			sym_name(name, i);
			put_sym(symtab, strtab, name, STB_LOCAL, STT_FUNC,
				S_TEXT, i * FUNC_BYTES, FUNC_BYTES);
		}
	}
	for (uint64_t i = 0; i < nfunc; i++) {
		if (is_local(i))
			continue;
		sym_name(name, i);
		put_sym(symtab, strtab, name, STB_GLOBAL, STT_FUNC, S_TEXT,
			i * FUNC_BYTES, FUNC_BYTES);
	}
	for (uint64_t u = 0; u < nunit; u++) {
		name[0] = 'g';
		name[1] = 'v';
		name[2] = '_';
		utoa(name + 3, u);
		put_sym(symtab, strtab, name, STB_GLOBAL, STT_OBJECT, S_DATA,
			u * 8, 8);
	}
	put_sym(symtab, strtab, "__fentry__", STB_GLOBAL, STT_NOTYPE,
		SHN_UNDEF, 0, 0);
	if (symtab->len / sizeof(Elf64_Sym) != nsyms)
		die("internal error: symbol count");
}

static void write_object(const char *path, int variant)
{
	struct buf text = { 0 }, rtext = { 0 }, rklp = { 0 }, symtab = { 0 },
		   strtab = { 0 }, shstr = { 0 };
	Elf64_Shdr sh[S_NUM] = { 0 };
	uint32_t shname[S_NUM];
	Elf64_Ehdr eh = { 0 };
	struct out o;
	char tmp[4096];

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	o.f = fopen(tmp, "wb");
	o.off = 0;
	if (!o.f)
		die("cannot create the output file");
	setvbuf(o.f, NULL, _IOFBF, 1 << 20);
	out_put(&o, &eh, sizeof(eh));

	sh[S_KLP].sh_offset = o.off;
	for (uint64_t u = 0; u < nunit; u++)
		write_blob(&o, u, variant, &text, &rtext, &rklp);
	sh[S_KLP].sh_size = o.off - sh[S_KLP].sh_offset;

	out_align(&o, 16);
	sh[S_TEXT].sh_offset = o.off;
	out_put(&o, text.p, text.len);
	sh[S_TEXT].sh_size = text.len;

	out_align(&o, 8);
	sh[S_RELA_TEXT].sh_offset = o.off;
	out_put(&o, rtext.p, rtext.len);
	sh[S_RELA_TEXT].sh_size = rtext.len;

	sh[S_RELA_KLP].sh_offset = o.off;
	out_put(&o, rklp.p, rklp.len);
	sh[S_RELA_KLP].sh_size = rklp.len;

	sh[S_DATA].sh_offset = o.off;
	for (uint64_t u = 0; u < nunit; u++) {
		uint64_t v = h2(u, 10);

		out_put(&o, &v, 8);
	}
	sh[S_DATA].sh_size = nunit * 8;

	write_symbols(&symtab, &strtab);
	sh[S_SYMTAB].sh_offset = o.off;
	out_put(&o, symtab.p, symtab.len);
	sh[S_SYMTAB].sh_size = symtab.len;
	sh[S_STRTAB].sh_offset = o.off;
	out_put(&o, strtab.p, strtab.len);
	sh[S_STRTAB].sh_size = strtab.len;

	buf_put(&shstr, "", 1);
	for (int s = 1; s < S_NUM; s++)
		shname[s] = buf_str(&shstr, secnames[s]);
	sh[S_SHSTRTAB].sh_offset = o.off;
	out_put(&o, shstr.p, shstr.len);
	sh[S_SHSTRTAB].sh_size = shstr.len;

	for (int s = 1; s < S_NUM; s++)
		sh[s].sh_name = shname[s];
	sh[S_KLP].sh_type = SHT_PROGBITS;
	sh[S_KLP].sh_addralign = 8;
	sh[S_TEXT].sh_type = SHT_PROGBITS;
	sh[S_TEXT].sh_flags = SHF_ALLOC | SHF_EXECINSTR;
	sh[S_TEXT].sh_addralign = 16;
	sh[S_DATA].sh_type = SHT_PROGBITS;
	sh[S_DATA].sh_flags = SHF_ALLOC | SHF_WRITE;
	sh[S_DATA].sh_addralign = 8;
	sh[S_RELA_TEXT].sh_type = sh[S_RELA_KLP].sh_type = SHT_RELA;
	sh[S_RELA_TEXT].sh_flags = sh[S_RELA_KLP].sh_flags = SHF_INFO_LINK;
	sh[S_RELA_TEXT].sh_entsize = sh[S_RELA_KLP].sh_entsize =
		sizeof(Elf64_Rela);
	sh[S_RELA_TEXT].sh_addralign = sh[S_RELA_KLP].sh_addralign = 8;
	sh[S_RELA_TEXT].sh_link = sh[S_RELA_KLP].sh_link = S_SYMTAB;
	sh[S_RELA_TEXT].sh_info = S_TEXT;
	sh[S_RELA_KLP].sh_info = S_KLP;
	sh[S_SYMTAB].sh_type = SHT_SYMTAB;
	sh[S_SYMTAB].sh_entsize = sizeof(Elf64_Sym);
	sh[S_SYMTAB].sh_addralign = 8;
	sh[S_SYMTAB].sh_link = S_STRTAB;
	sh[S_SYMTAB].sh_info = sym_first_global;
	sh[S_STRTAB].sh_type = sh[S_SHSTRTAB].sh_type = SHT_STRTAB;
	sh[S_STRTAB].sh_addralign = sh[S_SHSTRTAB].sh_addralign = 1;

	out_align(&o, 8);
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_REL;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_shoff = o.off;
	eh.e_ehsize = sizeof(eh);
	eh.e_shentsize = sizeof(Elf64_Shdr);
	eh.e_shnum = S_NUM;
	eh.e_shstrndx = S_SHSTRTAB;
	out_put(&o, sh, sizeof(sh));
	if (fseek(o.f, 0, SEEK_SET) || fwrite(&eh, sizeof(eh), 1, o.f) != 1 ||
	    fclose(o.f))
		die("write error");
	if (rename(tmp, path))
		die("cannot rename the output file");
	free(text.p);
	free(rtext.p);
	free(rklp.p);
	free(symtab.p);
	free(strtab.p);
	free(shstr.p);
}

/* A hunk adding one line inside the body that starts at line @lb. */
static void write_hunk(FILE *f, const char *file, uint32_t lb)
{
	uint32_t l = lb + 2;

	fprintf(f, "--- a/%s\n+++ b/%s\n@@ -%u,3 +%u,4 @@\n"
		" \tint ret = 0;\n+\tret = klp_bench_change(ret);\n"
		" \tret = helper(ret);\n \treturn ret;\n", file, file, l, l);
}

static void write_patch(const char *path)
{
	char tmp[4096], file[64];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		die("cannot create the patch file");
	for (unsigned k = 0; k < nchanged; k++) {
		unit_file(file, unit_of(changed[k]));
		write_hunk(f, file, line_of(changed[k]));
	}
	header_file(file, changed_header);
	write_hunk(f, file, 10 + (uint32_t)(changed_header % HEADER_FUNCS) * 20);
	if (fclose(f) || rename(tmp, path))
		die("cannot write the patch file");
}

static void pick_changes(void)
{
	changed = xmalloc(nchanged * sizeof(*changed));
	for (unsigned k = 0; k < nchanged; k++) {
		/*
		 * One per unit, never a clone (its source is func 0's) nor a
		 * same-named local (see ninline()).
		 */
		uint64_t i = nfunc / (nchanged + 1) * (k + 1);

		while (kinds[i] == K_CLONE || kinds[i] == K_SAMENAME)
			i++;
		changed[k] = i;
	}
	changed_header = nheader_funcs / 2;
}

int main(int argc, char **argv)
{
	const char *paths[3];
	int npath = 0;

	nfunc = 100000;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--funcs") && i + 1 < argc)
			nfunc = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--changed") && i + 1 < argc)
			nchanged = (unsigned)strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			seed = strtoull(argv[++i], NULL, 0);
		else if (argv[i][0] != '-' && npath < 3)
			paths[npath++] = argv[i];
		else
			npath = 99;
	}
	if (npath != 3) {
		fputs("usage: gen-record [--funcs N] [--changed K] [--seed S] ORIG.o PATCHED.o PATCH.diff\n",
		      stderr);
		return 2;
	}
	if (nfunc < 1000 || nfunc > 50000000)
		die("--funcs must be between 1000 and 50000000");
	nunit = nfunc / FPU;
	if (nchanged > nunit / 2)
		die("--changed must be at most one per two units");
	/* A few hundred inliners per header function, whatever N is. */
	nheader_funcs = nfunc / 62 > 64 ? nfunc / 62 : 64;

	kinds = xmalloc(nfunc);
	symidx = xmalloc(nfunc * sizeof(*symidx));
	assign_kinds();
	assign_symbols();
	pick_popular();
	pick_changes();
	write_object(paths[0], 0);
	write_object(paths[1], 1);
	write_patch(paths[2]);
	return 0;
}
