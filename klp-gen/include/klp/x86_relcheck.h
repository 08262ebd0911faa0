/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `klp-gen x86-relocs`: checks the forward decoder (klp/x86_decode.h)
 * against every relocation of an object's code.  Each relocation of an
 * executable section must lie exactly on one displacement or immediate
 * field (same offset, same width) of an instruction decoded forward from
 * the start of the function that holds it (from the end of the previous
 * function, or the section's start, for code outside any function).
 */
#ifndef KLP_X86_RELCHECK_H
#define KLP_X86_RELCHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "klp/elf.h"

struct klp_x86_relcheck {
	size_t sections;		/* executable sections with relocations */
	size_t relocs;			/* with a field (width > 0) */
	size_t on_field;		/* exactly on a decoded operand field */
	size_t not_field;		/* inside an instruction, not a field */
	size_t undecoded;		/* not in a decoded instruction */
	size_t pcrel;			/* 4-byte PC-relative ones */
	size_t tail[5];			/* of those: immediate after the field */
	size_t funcs, insns;		/* decoded */
};

/*
 * Checks every relocation of @elf's executable sections; prints one line
 * per relocation that is not on a field to @out (@all: per relocation,
 * with its instruction and the bytes after its field).  -1 on an error
 * (klp_err).
 */
int klp_x86_check_relocs(struct klp_elf *elf, FILE *out, bool all,
			 struct klp_x86_relcheck *st);

#endif /* KLP_X86_RELCHECK_H */
