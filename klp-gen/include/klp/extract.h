/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `klp-gen extract` (docs/klp-gen.md, "klp-gen extract"): copies the new
 * code that a plan names for one object (vmlinux or a module) out of the
 * patched build's vmlinux.o or MOD.ko into a relocatable object, patch.o,
 * whose references to the running kernel are plain names (exported
 * symbols) or `.klp.sym.<object>.NAME,POS` symbols (everything else), ready
 * for `klp-gen finalize`.  A plan with several objects takes one extract
 * per object; the objects are linked together into the module.
 */
#ifndef KLP_EXTRACT_H
#define KLP_EXTRACT_H

#include <stdbool.h>
#include <stddef.h>

struct klp_elf;
struct klp_record;

struct klp_extract_args {
	const char *plan;		/* the plan file */
	const char *object;		/* its object to extract; NULL: the only one */
	const char *patched;		/* PATCHED/vmlinux.o or PATCHED/.../MOD.ko */
	const char *orig;		/* ORIG/vmlinux (linked) or ORIG/.../MOD.ko */
	const char *symvers;		/* ORIG/Module.symvers */
	const char *out;		/* patch.o */
	/*
	 * Negative controls only (test/kernel, kCFI scenarios): copy no
	 * __cfi_ preamble, so that a new function called indirectly fails
	 * the caller's kCFI check.  Never right for a real patch.
	 */
	bool no_cfi_preambles;
	/*
	 * Optional: the models of @patched and @orig, already loaded (by
	 * klp_diff_extract_glue(), which diffed them); extract uses them
	 * instead of reading the files again and leaves them open.  NULL:
	 * extract reads the file (a record not given is read from the given
	 * ELF model).
	 */
	struct klp_elf *patched_elf, *orig_elf;
	struct klp_record *patched_rec, *orig_rec;
};

/* The special sections whose entries are copied (see extract.c). */
#define KLP_EXTRACT_NTABLES	5

struct klp_extract_stats {
	size_t replaced;		/* klp_lto_new_<i> */
	size_t callbacks;		/* klp_lto_cb_<i> */
	size_t endbr_added;		/* of both, given an ENDBR64 entry */
	size_t self_calls;		/* their calls to their own entry, moved onto it */
	size_t new_funcs;		/* functions only the patched build has */
	size_t new_data;		/* variables only the patched build has */
	size_t anon_rodata;		/* symbol-less read-only data copied */
	size_t strings;			/* string literals copied */
	size_t klp_syms;		/* .klp.sym.<object>.* symbols */
	size_t exported;		/* plain undefined symbols */
	size_t relocs;			/* relocations written */
	size_t runtime_consts;		/* runtime_const_ptr() loads rewritten */
	size_t cfi_preambles;		/* kCFI __cfi_ preambles of new functions */
	size_t kcfi_traps;		/* .kcfi_traps entries (one table per code section) */
	const char *table_name[KLP_EXTRACT_NTABLES];
	size_t table_entries[KLP_EXTRACT_NTABLES];
};

/*
 * Does it all; on any error or refusal returns -1 with klp_errmsg() set and
 * writes nothing (not even a partial @args->out).
 */
int klp_extract(const struct klp_extract_args *args,
		struct klp_extract_stats *stats);

#endif /* KLP_EXTRACT_H */
