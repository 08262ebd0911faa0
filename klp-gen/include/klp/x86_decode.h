/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Forward x86-64 instruction decoding of a function's bytes, through LLVM's
 * MC disassembler (the LLVM-C API of libLLVM).  klp-gen needs it where the
 * bytes around a relocation must be understood:
 *
 *   - a PC-relative operand is relative to the END of its instruction, which
 *     is the end of the 4-byte field plus the size of an immediate that may
 *     follow it (`cmpb $0, var(%rip)`: 1 byte); the target of a section
 *     symbol plus addend is only known with that size;
 *   - a call or jump the assembler resolved has no relocation at all, and
 *     only its decoded target says where it goes (extract's ENDBR64).
 *
 * A function is decoded from its first byte to its end, once, on first use
 * (cached per function): only functions whose relocations must be
 * interpreted are ever decoded.  Bytes that LLVM cannot decode end the
 * decoded part; nothing after them is known.
 */
#ifndef KLP_X86_DECODE_H
#define KLP_X86_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One instruction, offsets relative to the start of its function. */
struct klp_x86_insn {
	uint64_t start;
	unsigned int len;
	/*
	 * The displacement and immediate fields as the disassembler reported
	 * them (offset in the instruction, size in bytes; size 0: none).  A
	 * relocation lies inside an operand when it lies inside one of them.
	 */
	unsigned int nfield;
	struct {
		unsigned char off, size;
	} field[2];
	/* E8 call, E9/EB jmp or 70-7F/0F 80-8F jcc with a relative target. */
	enum { KLP_X86_OTHER, KLP_X86_CALL, KLP_X86_JUMP } branch;
	int64_t target;		/* of a branch: relative to the function */
};

struct klp_x86_dec;

/* A disassembler and its cache; NULL (with klp_err) if LLVM has no x86. */
struct klp_x86_dec *klp_x86_dec_new(void);
void klp_x86_dec_free(struct klp_x86_dec *d);

/*
 * The instruction of the function @code[0, @size) (its bytes in a mapped
 * file: the pointer is the cache key, so it must stay mapped while @d is
 * used) that contains the byte @off.  0: found, in *@out; 1: @off is not
 * in a decoded instruction (past bytes LLVM could not decode, or past the
 * end); -1: out of memory (klp_err).
 */
int klp_x86_insn_at(struct klp_x86_dec *d, const unsigned char *code,
		    uint64_t size, uint64_t off, struct klp_x86_insn *out);

/*
 * Every decoded instruction of the function, in order: *@n of them in
 * *@v, valid until @d is freed; *@complete is false if decoding stopped
 * at bytes LLVM could not decode.  -1: out of memory.
 */
int klp_x86_insns(struct klp_x86_dec *d, const unsigned char *code,
		  uint64_t size, const struct klp_x86_insn **v, size_t *n,
		  bool *complete);

/*
 * For a PC-relative field of @width bytes at @off of the function: the
 * number of bytes from the end of the field to the end of its instruction
 * (the immediate after it), so the place it means is addend + @width +
 * *@tail past the symbol.  0: found; 1: @off..@off+@width is not exactly
 * one displacement or immediate field of a decoded instruction; -1: out
 * of memory.
 */
int klp_x86_pcrel_tail(struct klp_x86_dec *d, const unsigned char *code,
		       uint64_t size, uint64_t off, unsigned int width,
		       unsigned int *tail);

/* Decoding statistics (for measuring): functions and instructions. */
void klp_x86_dec_stats(const struct klp_x86_dec *d, size_t *funcs,
		       size_t *insns);

#endif /* KLP_X86_DECODE_H */
