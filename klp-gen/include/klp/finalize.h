/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `klp-gen finalize`: turns the .klp.sym references of a built live patch
 * module into livepatch relocations (Documentation/livepatch/
 * module-elf-format.rst).  In the module that kbuild links, a reference to a
 * symbol of the running kernel that the module loader cannot resolve (not
 * exported, or local) is an ordinary relocation against an undefined symbol
 * named `.klp.sym.OBJ.NAME,POS`.  finalize moves every such relocation of an
 * allocated section S out of S's .rela section into `.klp.rela.OBJ.S`
 * (SHT_RELA, SHF_ALLOC | SHF_INFO_LINK | SHF_RELA_LIVEPATCH, sh_link = the
 * symbol table, sh_info = S; same offset, type and addend) and marks the
 * symbols SHN_LIVEPATCH, so that the loader leaves them to the livepatch
 * core, which resolves them through kallsyms and applies the relocations.
 * Section and symbol numbers do not change: the new sections are appended.
 */
#ifndef KLP_FINALIZE_H
#define KLP_FINALIZE_H

#include <stddef.h>

#include "klp/exports.h"

struct klp_finalize_stats {
	size_t nsyms;		/* .klp.sym symbols */
	size_t nrelocs;		/* relocations moved */
	size_t nsections;	/* .klp.rela sections made */
};

/*
 * Reads the module @in and writes the finalized module to @out (through a
 * temporary file: nothing is written on error).  With @exports, every other
 * undefined symbol must be one of them.  -1 with klp_errmsg() set.
 */
int klp_finalize(const char *in, const char *out,
		 const struct klp_exports *exports,
		 struct klp_finalize_stats *stats);

/*
 * Checks @name against the kernel's parser of livepatch symbol names,
 * ".klp.sym.%55[^.].%511[^,],%lu", but strictly: OBJ is a module name
 * ([A-Za-z0-9_], 1..55), NAME a kallsyms name (1..511 of [A-Za-z0-9_.$]),
 * POS decimal digits that fit an unsigned long, and nothing follows.  NULL if
 * valid (then *objlen is the length of OBJ), else what is wrong.
 */
const char *klp_finalize_check_symname(const char *name, size_t *objlen);

#endif /* KLP_FINALIZE_H */
