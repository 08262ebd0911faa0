// SPDX-License-Identifier: GPL-2.0
/*
 * Immediate sizes after a RIP-relative displacement (klp/x86_operand.h).
 *
 * The ModRM byte directly precedes the displacement (mod 00, r/m 101 means
 * RIP + disp32; no SIB follows that form) and the opcode directly precedes
 * the ModRM.  A one-byte opcode is at disp-2; a two-byte one is 0F at
 * disp-3; a three-byte one 0F 38/3A at disp-4.  The byte before the opcode
 * may also be the end of the previous instruction, so every reading that
 * is consistent is kept.  Only the general-purpose and SSE opcodes that
 * take a ModRM and an immediate matter; VEX/EVEX forms (not used by kernel
 * C code) are not recognised and give k = 0.
 */
#include <stdbool.h>

#include "klp/x86_operand.h"

#define K(n)	(1u << (n))

/* Immediate size of a one-byte opcode with ModRM; @reg is ModRM.reg. */
static unsigned int onebyte(unsigned char op, unsigned int reg, bool opsz16)
{
	unsigned int full = opsz16 ? K(2) : K(4);

	switch (op) {
	case 0x69: case 0x81: case 0xc7:
		return full;
	case 0x6b: case 0x80: case 0x83: case 0xc0: case 0xc1: case 0xc6:
		return K(1);
	case 0xf6:
		return reg <= 1 ? K(1) : K(0);
	case 0xf7:
		return reg <= 1 ? full : K(0);
	default:
		return K(0);
	}
}

/* Two-byte opcodes (0F xx): 0 if xx takes no ModRM (not this reading). */
static unsigned int twobyte(unsigned char op)
{
	if ((op >= 0x80 && op <= 0x8f) || op == 0x05 || op == 0x07 ||
	    op == 0x0b || op == 0x31 || op == 0xa2 || (op >= 0xc8 && op <= 0xcf))
		return 0;	/* jcc rel32, syscall, sysret, ud2, rdtsc, cpuid, bswap */
	switch (op) {
	case 0x70: case 0x71: case 0x72: case 0x73: case 0xa4: case 0xac:
	case 0xba: case 0xc2: case 0xc4: case 0xc5: case 0xc6:
		return K(1);
	default:
		return K(0);
	}
}

unsigned int klp_x86_pcrel_imm_sizes(const unsigned char *code, size_t len,
				     size_t disp)
{
	unsigned int ks = 0, reg;
	unsigned char modrm, op;
	bool opsz16;

	if (disp < 2 || disp > len)
		return K(0);
	modrm = code[disp - 1];
	if ((modrm & 0xc7) != 0x05)
		return K(0);	/* call, jmp, jcc rel32 */
	reg = (modrm >> 3) & 7;
	op = code[disp - 2];
	/* One-byte opcode; 66 before it (or before a REX) makes 16 bits. */
	opsz16 = (disp >= 3 && code[disp - 3] == 0x66) ||
		 (disp >= 4 && (code[disp - 3] & 0xf0) == 0x40 &&
		  code[disp - 4] == 0x66);
	ks |= onebyte(op, reg, false);
	if (opsz16)
		ks |= onebyte(op, reg, true);
	if (disp >= 3 && code[disp - 3] == 0x0f)
		ks |= twobyte(op);
	if (disp >= 4 && code[disp - 4] == 0x0f) {
		if (code[disp - 3] == 0x3a)
			ks |= K(1);
		else if (code[disp - 3] == 0x38)
			ks |= K(0);
	}
	return ks ? ks : K(0);
}
