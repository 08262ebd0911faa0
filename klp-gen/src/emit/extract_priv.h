/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared state of `klp-gen extract` (extract.c: the copies and their
 * relocations; extract_tables.c: the special sections).  Private to those
 * two files.
 */
#ifndef KLP_EXTRACT_PRIV_H
#define KLP_EXTRACT_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "klp/correlate.h"
#include "klp/elf.h"
#include "klp/elf_write.h"
#include "klp/extract.h"
#include "klp/hash.h"
#include "klp/plan.h"
#include "klp/record.h"
#include "klp/exports.h"

enum ex_kind {
	EX_REPLACED,		/* klp_lto_new_<i> */
	EX_NEW_FUNC,		/* a function only the patched build has */
	EX_NEW_DATA,		/* a variable only the patched build has */
	EX_ANON,		/* symbol-less read-only data */
	EX_ALTREPL,		/* .altinstr_replacement bytes of a copied entry */
};

/* One range of PATCHED/vmlinux.o copied into patch.o. */
struct ex_copy {
	enum ex_kind kind;
	const char *name;		/* for messages */
	struct klp_symbol *sym;		/* a function's or variable's symbol */
	struct klp_section *sec;	/* its section in vmlinux.o */
	uint64_t start, size;		/* its bytes there */
	bool code;			/* relocations are instruction operands */
	struct klp_blob *blob;		/* unit it comes from, NULL if unknown */
	long osec;			/* output section */
	uint64_t obase;			/* offset of @start in @osec */
	long osym;			/* what references to it relocate against */
	uint64_t osym_value;		/* st_value of @osym */
	/*
	 * Bytes written before @obase that are not from vmlinux.o: the ENDBR64
	 * given to a replaced function that had none (extract.c).  A
	 * reference to the function's entry lands on them; every other place
	 * in the function moves by this much.
	 */
	uint64_t prologue;
	struct klp_hnode node;		/* in ex.copies, by (section, start) */
	struct ex_copy *next_in_sec;	/* ex.sec_copies[section] */
	struct ex_copy *next_work;
};

struct ex_tables;

struct ex {
	const struct klp_extract_args *args;
	struct klp_extract_stats *stats;
	struct klp_plan *plan;
	const struct klp_plan_object *obj;	/* the one extracted */
	bool module;			/* obj is a module: pe, oe are .ko files */
	struct klp_elf *pe, *oe;
	struct klp_record *prec, *orec;
	struct klp_corr *corr;
	struct klp_exports *exports;	/* Module.symvers of the original build */
	struct klp_out *out;

	struct ex_copy **sec_copies;	/* per section of vmlinux.o */
	struct klp_htab copies;
	struct ex_copy *work_head, *work_tail;
	struct klp_htab orig_obj_by_role;	/* ORIG data symbols */
	struct orole *oroles;

	struct klp_htab strings;
	struct exstr *strs;
	long strsec;

	struct ex_tables *tables;
	struct klp_x86_dec *x86;	/* decoded functions (klp/x86_decode.h) */
	/*
	 * The reference being resolved is a direct call or jump (PLT32 in
	 * code), which needs no kCFI preamble at its target; set by
	 * ex_emit_reloc() for ex_target_of().
	 */
	bool branch_ref;
};

/* An ORIG data symbol, indexed by role (name without .llvm.<digits>). */
struct orole {
	struct klp_symbol *sym;
	struct klp_hnode node;
};

/* A string copied into .rodata.str. */
struct exstr {
	uint64_t off;			/* in the output section */
	const char *s;			/* in the mapped vmlinux.o */
	size_t len;
	struct klp_hnode node;
	struct exstr *next;		/* all strings, for freeing */
};

/* extract.c */
const char *ex_rtype_name(uint32_t t);
/* A symbol's name for messages (a section symbol's section name). */
const char *ex_symname(const struct klp_symbol *s);
bool ex_starts_with(const char *s, const char *p);
/* The unit (record blob) of a symbol of vmlinux.o; NULL if unrecorded. */
struct klp_blob *ex_blob_of(struct ex *ex, const struct klp_symbol *s);
/* Bytes [start, start + size) of @sec, checked (NULL for NOBITS). */
int ex_sec_bytes(struct ex *ex, struct klp_section *sec, uint64_t start,
		 uint64_t size, const unsigned char **p);
/* The copy registered at (@sec, @start), or NULL. */
struct ex_copy *ex_find_copy(struct ex *ex, const struct klp_section *sec,
			     uint64_t start);
/* @osym_out, if not NULL, gets the symbol the relocation was written against. */
int ex_emit_reloc(struct ex *ex, const struct ex_copy *from,
		  const char *where, const struct klp_reloc *r, bool code,
		  long osec, uint64_t ooff, long *osym_out);
/*
 * Registers and queues a copy of the fields of @init (the links and the
 * table node are set here).
 */
struct ex_copy *ex_new_copy(struct ex *ex, const struct ex_copy *init);

/* extract_branch.c */
/*
 * Relocation-less calls and jumps of the copied function @c (replaced or
 * new; @bytes: its code in vmlinux.o): a call to its own entry is made to
 * land on the ENDBR64 prologue, if any; one that leaves the function is
 * refused.
 */
int ex_fix_branches(struct ex *ex, struct ex_copy *c,
		    const unsigned char *bytes);

/* extract_target.c */
/*
 * What a reference to @ent (a symbol of vmlinux.o; @rel: the addend
 * relative to its start) becomes in patch.o: *@osym + *@oadd.  @from: the
 * copy the reference is in (NULL for a special-section entry); @mid: it
 * points @mid bytes into @ent; @via_section: through a section symbol.
 */
int ex_target_of(struct ex *ex, const struct ex_copy *from, const char *where,
		 struct klp_symbol *ent, int64_t rel, bool via_section,
		 int64_t mid, long *osym, int64_t *oadd);
/* A function or variable the running kernel lacks, copied into patch.o. */
struct ex_copy *ex_copy_new_symbol(struct ex *ex, struct klp_symbol *s,
				   const char *where);

/* extract_cfi.c */
/* The kCFI preamble of a function: [sym, sym + len) ends at its entry. */
struct ex_cfi_pre {
	struct klp_symbol *sym;		/* __cfi_<name>; NULL: none */
	const unsigned char *bytes;
	uint64_t len;
};
/*
 * @fn's `__cfi_<name>` preamble in PATCHED, if it has one (its address may
 * be taken); refuses one with relocations.
 */
int ex_cfi_preamble(struct ex *ex, const struct klp_symbol *fn,
		    const char *where, struct ex_cfi_pre *pre);
/*
 * A reference that takes the address of @ent (PATCHED), resolved to the
 * running kernel's @peer: refused when @ent has a kCFI preamble and @peer
 * none.
 */
int ex_cfi_check_taken(struct ex *ex, const char *where,
		       const struct klp_symbol *ent,
		       const struct klp_symbol *peer);
/* Refused when replaced function @old (ORIG) and @s (PATCHED) differ in hash. */
int ex_cfi_check_replaced(struct ex *ex, const char *where,
			  const struct klp_symbol *old,
			  const struct klp_symbol *s);

/* extract_tables.c */
int ex_tables_init(struct ex *ex);
void ex_tables_free(struct ex *ex);
/* Copies the entries of every special section that point into @c. */
int ex_tables_copy_for(struct ex *ex, struct ex_copy *c);
/* A static_cpu_has() stub of .altinstr_aux jumped to from copied code. */
int ex_copy_altaux(struct ex *ex, const struct ex_copy *from,
		   const char *where, struct klp_section *sec, uint64_t t,
		   int64_t raw, long *osym, int64_t *oadd);
/* Refuses if any other section points into the middle of a copied function. */
int ex_tables_check_others(struct ex *ex);
/*
 * Refuses (a module object) when the relocation just written against
 * @osym would be a livepatch one in bytes the loader uses at load time.
 */
int ex_check_load_time(struct ex *ex, const char *where, long osym);

#endif /* KLP_EXTRACT_PRIV_H */
