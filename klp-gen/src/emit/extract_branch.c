// SPDX-License-Identifier: GPL-2.0
/*
 * klp-gen extract: the calls and jumps of a copied function (replaced or
 * new) that the assembler resolved (no relocation), in its copy
 * (docs/klp-gen.md, "IBT").
 *
 * Such a branch keeps its displacement, so in the copy it still lands on
 * the same instruction as long as the target is inside the function: the
 * whole function moves by the ENDBR64 prologue.  Its entry is the one
 * exception:
 *
 *   - a recursive call to offset 0 (a static function calling itself) would
 *     land after the ENDBR64, not on the symbol; it runs right (ENDBR64 is a
 *     NOP) but objtool refuses a call that does not land on a function
 *     ("unannotated intra-function call").  Its displacement gets -4, so
 *     it calls klp_lto_new_<i> itself, as the original called itself.
 *   - a jump to offset 0 (a loop back to the entry) is left alone: it lands
 *     on the first copied instruction, as in the original, and objtool
 *     takes a jump within a function to any instruction of it.  Landing on
 *     the ENDBR64 instead would be as right, but a jump to an ENDBR64 is
 *     what an indirect-branch target looks like to no one.
 *
 * A call or jump without relocation that lands outside the function (the
 * assembler resolved it to a neighbour in the same section) would land
 * elsewhere in the module: refused.  So is a function whose bytes LLVM
 * cannot decode to the end, when it gets a prologue: a self-call in the
 * undecoded part could not be found.
 */
#include <inttypes.h>

#include "extract_priv.h"
#include "klp/error.h"
#include "klp/x86_decode.h"

/* Is one of @v[0, @n) (sorted by offset) in [@lo, @hi)? */
static bool reloc_in(const struct klp_reloc *v, size_t n, size_t *i, uint64_t lo,
		     uint64_t hi)
{
	while (*i < n && v[*i].offset < lo)
		(*i)++;
	return *i < n && v[*i].offset < hi;
}

int ex_fix_branches(struct ex *ex, struct ex_copy *c,
		    const unsigned char *bytes)
{
	const struct klp_x86_insn *in;
	struct klp_reloc *v;
	size_t n, ni, ri = 0;
	bool complete;

	if (klp_elf_relocs_in(ex->pe, c->sec, c->start, c->start + c->size, &v, &n) ||
	    klp_x86_insns(ex->x86, bytes, c->size, &in, &ni, &complete))
		return -1;
	if (!complete && c->prologue) {
		uint64_t at = ni ? in[ni - 1].start + in[ni - 1].len : 0;

		return klp_err("%s+0x%" PRIx64 ": cannot decode the instruction there, so calls to the function's own entry cannot be found (it gets an ENDBR64 entry that such calls must land on)",
			       c->name, at);
	}
	for (size_t k = 0; k < ni; k++) {
		const struct klp_x86_insn *x = &in[k];
		uint64_t at = c->start + x->start;
		int32_t disp;
		unsigned char le[4];

		if (x->branch == KLP_X86_OTHER ||
		    reloc_in(v, n, &ri, at, at + x->len))
			continue;
		if (x->target < 0 || (uint64_t)x->target >= c->size)
			return klp_err("%s+0x%" PRIx64 ": a %s without relocation to +0x%" PRIx64 ", outside the function (%" PRIu64 " bytes): it would land elsewhere in the copy",
				       c->name, x->start,
				       x->branch == KLP_X86_CALL ? "call" : "jump",
				       (uint64_t)x->target, c->size);
		if (x->branch != KLP_X86_CALL || x->target || !c->prologue)
			continue;
		/* A self-call: onto the ENDBR64 that now starts the symbol. */
		disp = (int32_t)(x->target - (int64_t)(x->start + x->len) -
				 (int64_t)c->prologue);
		for (int b = 0; b < 4; b++)
			le[b] = (unsigned char)((uint32_t)disp >> (8 * b));
		if (klp_out_patch(ex->out, c->osec,
				  c->obase + x->start + x->len - 4, le, 4))
			return -1;
		ex->stats->self_calls++;
	}
	return 0;
}
