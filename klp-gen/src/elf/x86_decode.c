// SPDX-License-Identifier: GPL-2.0
/*
 * Forward x86-64 decoding through LLVM's MC disassembler (klp/x86_decode.h).
 *
 * LLVMDisasmInstruction() gives an instruction's length.  Where its
 * operand fields lie comes from the operand-information callback, which
 * the X86 disassembler calls for every displacement and immediate it reads
 * with the field's offset in the instruction and its size (LLVM's external
 * symbolizer; the callback answers "no symbol", so nothing is symbolized).
 * Decoding a function once records, per instruction, its start, length,
 * fields and, for a relative call or jump, where it lands.
 */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/Disassembler.h>

#include "klp/error.h"
#include "klp/grow.h"
#include "klp/hash.h"
#include "klp/x86_decode.h"

/*
 * A function, cached by the address of its first byte, decoded from its
 * start as far as asked so far: [0, @upto) is @v[0, @n); @done when the
 * end or undecodable bytes were reached (@complete: the end).
 */
struct dfunc {
	const unsigned char *code;
	uint64_t size;
	struct klp_x86_insn *v;
	size_t n, cap;
	uint64_t upto;
	bool done, complete;
	struct klp_hnode node;
	struct dfunc *next;		/* all of them, for freeing */
};

struct klp_x86_dec {
	LLVMDisasmContextRef llvm;
	struct klp_htab funcs;
	struct dfunc *all;
	size_t nfuncs, ninsns;
	/* The instruction being decoded: the callback fills its fields. */
	struct klp_x86_insn *cur;
};

/*
 * LLVMOpInfoCallback: @off and @opsize locate a displacement or an
 * immediate of the instruction being decoded.  Returns 0: no symbolic
 * information, so LLVM prints the plain value.
 */
static int op_info(void *info, uint64_t pc, uint64_t off, uint64_t opsize,
		   uint64_t insnsize, int tag, void *tagbuf)
{
	struct klp_x86_dec *d = info;
	struct klp_x86_insn *in = d->cur;

	if (in && in->nfield < 2 && opsize && off + opsize <= 15) {
		in->field[in->nfield].off = (unsigned char)off;
		in->field[in->nfield].size = (unsigned char)opsize;
		in->nfield++;
	}
	return 0;
}

/*
 * libLLVM is loaded by the first decoder (dlopen()), not at start: loading
 * it makes 48 MB resident (its relocations, its static constructors),
 * which the commands that never decode (glue, dump, and diff, verify and
 * plan on most inputs) need not pay.
 */
static struct {
	void (*init[3])(void);
	LLVMDisasmContextRef (*create)(const char *, void *, int,
				       LLVMOpInfoCallback,
				       LLVMSymbolLookupCallback);
	void (*dispose)(LLVMDisasmContextRef);
	size_t (*insn)(LLVMDisasmContextRef, uint8_t *, uint64_t, uint64_t,
		       char *, size_t);
} llvm;

static int load_llvm(void)
{
	static const char *const names[] = {
		"LLVMInitializeX86TargetInfo", "LLVMInitializeX86TargetMC",
		"LLVMInitializeX86Disassembler", "LLVMCreateDisasm",
		"LLVMDisasmDispose", "LLVMDisasmInstruction",
	};
	void *h, *fn[6];

	_Static_assert(sizeof(fn) == sizeof(llvm), "one pointer per name");
	if (llvm.insn)
		return 0;
	h = dlopen(KLP_LIBLLVM_PATH, RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return klp_err("cannot load LLVM's disassembler: %s", dlerror());
	for (int i = 0; i < 6; i++)
		if (!(fn[i] = dlsym(h, names[i])))
			return klp_err("%s: no %s", KLP_LIBLLVM_PATH, names[i]);
	memcpy(&llvm, fn, sizeof(fn));
	for (int i = 0; i < 3; i++)
		llvm.init[i]();
	return 0;
}

struct klp_x86_dec *klp_x86_dec_new(void)
{
	struct klp_x86_dec *d;

	if (load_llvm())
		return NULL;
	d = calloc(1, sizeof(*d));
	if (!d) {
		klp_err("out of memory");
		return NULL;
	}
	d->llvm = llvm.create("x86_64-unknown-linux-gnu", d, 1, op_info, NULL);
	if (!d->llvm) {
		free(d);
		klp_err("LLVM has no x86-64 disassembler (LLVMCreateDisasm failed)");
		return NULL;
	}
	return d;
}

void klp_x86_dec_free(struct klp_x86_dec *d)
{
	struct dfunc *f, *next;

	if (!d)
		return;
	for (f = d->all; f; f = next) {
		next = f->next;
		free(f->v);
		free(f);
	}
	klp_htab_free(&d->funcs);
	llvm.dispose(d->llvm);
	free(d);
}

static int32_t le32s(const unsigned char *p)
{
	return (int32_t)(p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
			 (uint32_t)p[3] << 24);
}

/*
 * A relative call or jump: its opcode after the legacy prefixes (a branch
 * may carry 2E/3E hints or F2 BND; REX is meaningless on them but legal).
 * The relative target is the last field and ends the instruction.
 */
static void classify(const unsigned char *p, struct klp_x86_insn *in)
{
	unsigned int i = 0, rel = 0;
	unsigned char op;

	in->branch = KLP_X86_OTHER;
	while (i < in->len &&
	       (p[i] == 0x66 || p[i] == 0x67 || p[i] == 0xf2 || p[i] == 0xf3 ||
		p[i] == 0x2e || p[i] == 0x3e || p[i] == 0x26 || p[i] == 0x36 ||
		p[i] == 0x64 || p[i] == 0x65 || (p[i] & 0xf0) == 0x40))
		i++;
	if (i >= in->len)
		return;
	op = p[i];
	if (op == 0xe8 && in->len - i == 5) {
		in->branch = KLP_X86_CALL;
		rel = 4;
	} else if (op == 0xe9 && in->len - i == 5) {
		in->branch = KLP_X86_JUMP;
		rel = 4;
	} else if ((op == 0xeb || (op >= 0x70 && op <= 0x7f)) &&
		   in->len - i == 2) {
		in->branch = KLP_X86_JUMP;
		rel = 1;
	} else if (op == 0x0f && i + 1 < in->len && p[i + 1] >= 0x80 &&
		   p[i + 1] <= 0x8f && in->len - i == 6) {
		in->branch = KLP_X86_JUMP;
		rel = 4;
	}
	if (!rel)
		return;
	in->target = (int64_t)(in->start + in->len) +
		     (rel == 4 ? le32s(p + in->len - 4) :
				 (int8_t)p[in->len - 1]);
}

/* Decodes @f on from @f->upto until an instruction ends past @until. */
static int decode(struct klp_x86_dec *d, struct dfunc *f, uint64_t until)
{
	char text[256];
	uint64_t off = f->upto;
	size_t n0 = f->n;

	while (!f->done && off <= until) {
		struct klp_x86_insn in;
		size_t len;

		memset(&in, 0, sizeof(in));
		in.start = off;
		d->cur = &in;
		len = llvm.insn(d->llvm, (uint8_t *)f->code + off,
				f->size - off, off, text, sizeof(text));
		d->cur = NULL;
		if (!len) {
			f->done = true;
			break;
		}
		in.len = (unsigned int)len;
		classify(f->code + off, &in);
		if (klp_grow(&f->v, &f->cap, f->n + 1, sizeof(*f->v)))
			return -1;
		f->v[f->n++] = in;
		off += len;
		if (off >= f->size)
			f->done = f->complete = true;
	}
	f->upto = off;
	d->ninsns += f->n - n0;
	return 0;
}

/*
 * The function @code[0, @size), decoded at least up to the instruction
 * holding @until (or as far as it goes).
 */
static struct dfunc *get_func(struct klp_x86_dec *d, const unsigned char *code,
			      uint64_t size, uint64_t until)
{
	uint64_t h = klp_hash_pair(klp_hash_u64((uint64_t)(uintptr_t)code),
				   size);
	struct dfunc *f;

	klp_htab_for_each(f, &d->funcs, h, struct dfunc, node)
		if (f->code == code && f->size == size)
			return f->upto > until || f->done ||
			       !decode(d, f, until) ? f : NULL;
	f = calloc(1, sizeof(*f));
	if (!f) {
		klp_err("out of memory");
		return NULL;
	}
	f->code = code;
	f->size = size;
	f->done = f->complete = !size;
	if (decode(d, f, until) || klp_htab_add(&d->funcs, &f->node, h)) {
		free(f->v);
		free(f);
		klp_err("out of memory");
		return NULL;
	}
	f->next = d->all;
	d->all = f;
	d->nfuncs++;
	return f;
}

int klp_x86_insns(struct klp_x86_dec *d, const unsigned char *code,
		  uint64_t size, const struct klp_x86_insn **v, size_t *n,
		  bool *complete)
{
	struct dfunc *f = get_func(d, code, size, UINT64_MAX);

	if (!f)
		return -1;
	*v = f->v;
	*n = f->n;
	*complete = f->complete;
	return 0;
}

int klp_x86_insn_at(struct klp_x86_dec *d, const unsigned char *code,
		    uint64_t size, uint64_t off, struct klp_x86_insn *out)
{
	struct dfunc *f = get_func(d, code, size, off);
	size_t a = 0, b;

	if (!f)
		return -1;
	/* The last instruction that starts at or before @off. */
	b = f->n;
	while (a < b) {
		size_t m = a + (b - a) / 2;

		if (f->v[m].start <= off)
			a = m + 1;
		else
			b = m;
	}
	if (!a || off >= f->v[a - 1].start + f->v[a - 1].len)
		return 1;
	*out = f->v[a - 1];
	return 0;
}

int klp_x86_pcrel_tail(struct klp_x86_dec *d, const unsigned char *code,
		       uint64_t size, uint64_t off, unsigned int width,
		       unsigned int *tail)
{
	struct klp_x86_insn in;
	int r = klp_x86_insn_at(d, code, size, off, &in);

	if (r)
		return r;
	for (unsigned int i = 0; i < in.nfield; i++)
		if (in.start + in.field[i].off == off &&
		    in.field[i].size == width) {
			*tail = (unsigned int)(in.start + in.len - off - width);
			return 0;
		}
	return 1;
}

void klp_x86_dec_stats(const struct klp_x86_dec *d, size_t *funcs,
		       size_t *insns)
{
	*funcs = d->nfuncs;
	*insns = d->ninsns;
}
