/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where does a PC-relative instruction operand point?  A 32-bit
 * displacement at offset P is relative to the end of its instruction, which
 * is P + 4 + k, k being the size of an immediate that follows the
 * displacement (`cmpb $0, var(%rip)`: k = 1).  The relocation's addend is
 * -(4 + k) from the target, so the target cannot be found without k.
 *
 * This is not a decoder: it reads the opcode bytes just before the
 * displacement (ModRM, opcode, 0F escape, operand-size prefix) and returns
 * every k that a plausible reading gives, so that a caller can refuse when
 * the readings disagree on the target.
 */
#ifndef KLP_X86_OPERAND_H
#define KLP_X86_OPERAND_H

#include <stddef.h>

/*
 * A bit mask of the possible immediate sizes (bit k set: k possible, k in
 * 0, 1, 2, 4) for the displacement at @disp of the code @code (@len bytes,
 * @disp counted from @code).  A displacement that is not a RIP-relative
 * ModRM operand (call, jmp, jcc rel32) has k = 0.
 */
unsigned int klp_x86_pcrel_imm_sizes(const unsigned char *code, size_t len,
				     size_t disp);

#endif /* KLP_X86_OPERAND_H */
