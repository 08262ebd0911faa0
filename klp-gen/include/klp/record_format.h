/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The on-disk layout of the klp-lto record, version 3.0.
 * docs/record-format.md is the specification; this header is its one
 * machine-readable copy, shared by the writer (llvm-plugin/, C++) and the
 * reader (klp-gen/src/record/record.c).  All fields are little-endian.
 */
#ifndef KLP_RECORD_FORMAT_H
#define KLP_RECORD_FORMAT_H

#include <stdint.h>

#define KLP_REC_SECTION		".klp.lto"
#define KLP_REC_RELA_SECTION	".rela.klp.lto"
#define KLP_REC_MAGIC		"KLPLTOR"	/* 8 bytes with its NUL */
#define KLP_REC_MAGIC_LEN	8
#define KLP_REC_VERSION_MAJOR	3
#define KLP_REC_VERSION_MINOR	0
#define KLP_REC_ALIGN		8
#define KLP_REC_NO_SRC		0xffffffffu

/*
 * How a blob's tables are stored after its addr words: as they are, or as
 * one zlib stream (RFC 1950) that inflates to exactly their size.
 */
enum klp_rec_codec {
	KLP_CODEC_STORED = 0,
	KLP_CODEC_ZLIB = 1,
};

/* Deflate never expands more than this (zlib's 1032:1 bound, rounded up). */
#define KLP_REC_MAX_EXPANSION	1100u

enum klp_rec_phase {
	KLP_PHASE_COMPILE = 0,
	KLP_PHASE_THINLTO_BACKEND = 1,
	KLP_PHASE_FULLLTO_BACKEND = 2,
};

struct klp_rec_header {
	char magic[KLP_REC_MAGIC_LEN];
	uint16_t version_major;
	uint16_t version_minor;
	uint32_t header_size;
	uint32_t blob_size;
	uint32_t phase;
	uint32_t nfunc;
	uint32_t nsrc;
	uint32_t nedge;
	uint32_t strtab_size;
	uint32_t unit;
	uint32_t producer;
	uint64_t toolchain_id;
	uint32_t build_id;	/* str, "" if none */
	uint32_t codec;		/* enum klp_rec_codec */
	uint32_t payload_size;	/* bytes of the tables as stored */
	uint32_t reserved;
};

enum klp_rec_func_flags {
	KLP_FUNC_CLONE = 0x1,
	KLP_FUNC_ALIAS = 0x2,
	KLP_FUNC_ASM = 0x4,
	KLP_FUNC_NOSRC = 0x8,
	KLP_FUNC_DATA = 0x10,
};

enum klp_rec_binding {
	KLP_BIND_LOCAL = 0,
	KLP_BIND_GLOBAL = 1,
	KLP_BIND_WEAK = 2,
};

/*
 * One u64 per func, right after the header, outside the compressed tables:
 * relocated (R_X86_64_64 against the func's symbol), so the linker must find
 * it at a fixed place.
 */
typedef uint64_t klp_rec_addr;

struct klp_rec_func {
	uint32_t sym;
	uint32_t src;
	uint32_t edge_first;
	uint32_t edge_count;
	uint32_t flags;
	uint32_t binding;
};

enum klp_rec_src_flags {
	KLP_SRC_STATIC = 0x1,
	KLP_SRC_EXTERN = 0x2,
	KLP_SRC_NODEBUG = 0x4,
	KLP_SRC_INLINE = 0x8,
};

struct klp_rec_src {
	uint64_t fingerprint;
	uint32_t name;
	uint32_t file;
	uint32_t unit;
	uint32_t line_begin;
	uint32_t line_end;
	uint32_t flags;
	uint32_t section;
	uint32_t reserved;
};

enum klp_rec_edge_kind {
	KLP_EDGE_INLINE = 1,
	KLP_EDGE_CALLEE = 2,
	KLP_EDGE_CALLER = 3,
};

enum klp_rec_edge_flags {
	KLP_EDGE_PRELINK = 0x1,
	KLP_EDGE_BACKEND = 0x2,
	KLP_EDGE_IMPORTED = 0x4,
	KLP_EDGE_MANDATORY = 0x8,
	KLP_EDGE_REMOVED = 0x10,
	KLP_EDGE_OVERAPPROX = 0x20,
};

struct klp_rec_edge {
	uint32_t src;
	uint16_t kind;
	uint16_t flags;
};

#ifdef __cplusplus
static_assert(sizeof(klp_rec_header) == 72, "header size");
static_assert(sizeof(klp_rec_func) == 24, "func size");
static_assert(sizeof(klp_rec_src) == 40, "src size");
static_assert(sizeof(klp_rec_edge) == 8, "edge size");
#else
_Static_assert(sizeof(struct klp_rec_header) == 72, "header size");
_Static_assert(sizeof(struct klp_rec_func) == 24, "func size");
_Static_assert(sizeof(struct klp_rec_src) == 40, "src size");
_Static_assert(sizeof(struct klp_rec_edge) == 8, "edge size");
#endif

#endif /* KLP_RECORD_FORMAT_H */
