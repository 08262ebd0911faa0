// SPDX-License-Identifier: GPL-2.0
/*
 * klp-gen extract: the new code of a plan, out of PATCHED/vmlinux.o, into
 * patch.o (docs/klp-gen.md, "klp-gen extract", gives the rules).
 *
 * Every range copied (a replaced function, a new function or variable, a
 * piece of symbol-less read-only data) is one struct ex_copy, registered by
 * (section, start) and queued; the queue is worked until empty: each copy's
 * relocations are rewritten, which may copy more (a new helper, its data),
 * and each copied function brings its special-section entries along
 * (extract_tables.c).  What a relocation points at decides what it becomes:
 *
 *   a copied range             -> that copy (klp_lto_new_<i> or a local)
 *   a symbol with a peer in the running kernel (the correlation of the
 *   record of ORIG/vmlinux with that of PATCHED/vmlinux.o)
 *                              -> its plain name if vmlinux exports it,
 *                                 else .klp.sym.vmlinux.NAME,POS
 *   a symbol without a peer    -> copied (functions, read-only and writable
 *                                 variables), refused if its identity is
 *                                 ambiguous
 *   a section + offset         -> the symbol containing the target, else a
 *                                 string (copied), else symbol-less
 *                                 read-only data (copied), else refused.
 *
 * Nothing is guessed: whatever fits none of these is refused with the
 * function, the offset and the target named.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract_priv.h"
#include "klp/error.h"
#include "klp/kallsyms.h"
#include "klp/x86_operand.h"

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

static const char *rtype_name(uint32_t t)
{
	switch (t) {
	case R_X86_64_NONE: return "R_X86_64_NONE";
	case R_X86_64_64: return "R_X86_64_64";
	case R_X86_64_PC32: return "R_X86_64_PC32";
	case R_X86_64_PLT32: return "R_X86_64_PLT32";
	case R_X86_64_32: return "R_X86_64_32";
	case R_X86_64_32S: return "R_X86_64_32S";
	case R_X86_64_PC64: return "R_X86_64_PC64";
	default: return "an unsupported relocation type";
	}
}

static const char *symname(const struct klp_symbol *s)
{
	if (s->type == STT_SECTION && s->sec)
		return s->sec->name;
	return s->name && *s->name ? s->name : "?";
}

/* --- indexes over vmlinux.o ----------------------------------------- */

static int cmp_sym_value(const void *a, const void *b)
{
	const struct klp_symbol *x = *(const struct klp_symbol *const *)a;
	const struct klp_symbol *y = *(const struct klp_symbol *const *)b;

	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Per section: the function and object symbols (zero-size too), by value. */
static int index_secsyms(struct ex *ex)
{
	struct klp_elf *e = ex->pe;
	size_t *fill;

	ex->secsyms = calloc(e->nsec + 1, sizeof(*ex->secsyms));
	fill = calloc(e->nsec + 1, sizeof(*fill));
	if (!ex->secsyms || !fill) {
		free(fill);
		return klp_err("out of memory");
	}
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 1; i < e->nsym; i++) {
			struct klp_symbol *s = &e->syms[i];
			struct ex_secsyms *ss;

			if (!s->sec ||
			    (s->type != STT_FUNC && s->type != STT_OBJECT))
				continue;
			ss = &ex->secsyms[s->sec->idx];
			if (pass == 0) {
				ss->n++;
				if (s->size > ss->maxsize)
					ss->maxsize = s->size;
			} else {
				ss->v[fill[s->sec->idx]++] = s;
			}
		}
		if (pass)
			break;
		for (size_t i = 0; i < e->nsec; i++)
			if (ex->secsyms[i].n) {
				ex->secsyms[i].v = malloc(ex->secsyms[i].n *
							  sizeof(void *));
				if (!ex->secsyms[i].v) {
					free(fill);
					return klp_err("out of memory");
				}
			}
	}
	free(fill);
	for (size_t i = 0; i < e->nsec; i++)
		if (ex->secsyms[i].n > 1)
			qsort(ex->secsyms[i].v, ex->secsyms[i].n,
			      sizeof(void *), cmp_sym_value);
	return 0;
}

static int cmp_reloc_off(const void *a, const void *b)
{
	const struct klp_reloc *x = *(const struct klp_reloc *const *)a;
	const struct klp_reloc *y = *(const struct klp_reloc *const *)b;

	if (x->offset != y->offset)
		return x->offset < y->offset ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* The relocations of @sec at offsets [start, end), sorted by offset. */
int ex_relocs_in(struct ex *ex, struct klp_section *sec, uint64_t start,
		 uint64_t end, struct klp_reloc ***v, size_t *n)
{
	struct ex_relidx *ri = &ex->relidx[sec->idx];
	size_t lo = 0, hi;

	if (!ri->done) {
		if (klp_elf_load_relocs(ex->pe, sec))
			return -1;
		ri->n = sec->nreloc;
		ri->v = malloc((ri->n + 1) * sizeof(*ri->v));
		if (!ri->v)
			return klp_err("out of memory");
		for (size_t i = 0; i < ri->n; i++)
			ri->v[i] = &sec->relocs[i];
		qsort(ri->v, ri->n, sizeof(*ri->v), cmp_reloc_off);
		ri->done = true;
	}
	hi = ri->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ri->v[mid]->offset < start)
			lo = mid + 1;
		else
			hi = mid;
	}
	*v = ri->v + lo;
	for (hi = lo; hi < ri->n && ri->v[hi]->offset < end; hi++)
		;
	*n = hi - lo;
	return 0;
}

static int index_orig_roles(struct ex *ex)
{
	struct klp_elf *e = ex->oe;
	size_t n = 0;

	ex->oroles = calloc(e->nsym + 1, sizeof(*ex->oroles));
	if (!ex->oroles || klp_htab_init(&ex->orig_obj_by_role, e->nsym))
		return klp_err("out of memory");
	for (size_t i = 1; i < e->nsym; i++) {
		struct klp_symbol *s = &e->syms[i];

		if (s->type != STT_OBJECT || !s->sec || !s->name)
			continue;
		ex->oroles[n].sym = s;
		if (klp_htab_add(&ex->orig_obj_by_role, &ex->oroles[n].node,
				 klp_role_hash(s->name)))
			return klp_err("out of memory");
		n++;
	}
	return 0;
}

/* --- copies ------------------------------------------------------------ */

static uint64_t copy_key(const struct klp_section *sec, uint64_t start)
{
	return klp_hash_pair(sec->idx, start);
}

static struct ex_copy *find_copy(struct ex *ex, const struct klp_section *sec,
				 uint64_t start)
{
	struct ex_copy *c;

	klp_htab_for_each(c, &ex->copies, copy_key(sec, start), struct ex_copy,
			  node)
		if (c->sec == sec && c->start == start)
			return c;
	return NULL;
}

struct ex_copy *ex_new_copy(struct ex *ex, enum ex_kind kind,
			    const char *name, struct klp_section *sec,
			    uint64_t start, uint64_t size, bool code,
			    struct klp_blob *blob, long osec, uint64_t obase,
			    long osym, uint64_t osym_value)
{
	struct ex_copy *c = calloc(1, sizeof(*c));

	if (!c) {
		klp_err("out of memory");
		return NULL;
	}
	c->kind = kind;
	c->name = name;
	c->sec = sec;
	c->start = start;
	c->size = size;
	c->code = code;
	c->blob = blob;
	c->osec = osec;
	c->obase = obase;
	c->osym = osym;
	c->osym_value = osym_value;
	if (klp_htab_add(&ex->copies, &c->node, copy_key(sec, start))) {
		free(c);
		klp_err("out of memory");
		return NULL;
	}
	c->next_in_sec = ex->sec_copies[sec->idx];
	ex->sec_copies[sec->idx] = c;
	if (ex->work_tail)
		ex->work_tail->next_work = c;
	else
		ex->work_head = c;
	ex->work_tail = c;
	return c;
}

static struct klp_blob *blob_of(struct ex *ex, const struct klp_symbol *s)
{
	struct klp_func *f = klp_record_func_of_sym(ex->prec, s);

	return f ? f->blob : NULL;
}

static bool starts_with(const char *s, const char *p)
{
	return !strncmp(s, p, strlen(p));
}

/* Bytes [start, start + size) of @sec, checked. */
static int sec_bytes(struct ex *ex, struct klp_section *sec, uint64_t start,
		     uint64_t size, const unsigned char **p)
{
	const unsigned char *d;
	uint64_t n;

	*p = NULL;
	if (klp_elf_section_data(ex->pe, sec, &d, &n))
		return -1;
	if (sec->sh.sh_type == SHT_NOBITS)
		n = sec->sh.sh_size;
	if (start > n || size > n - start)
		return klp_err("%s: bytes 0x%" PRIx64 "+0x%" PRIx64 " lie past the end of section %s",
			       ex->pe->name, start, size, sec->name);
	if (d)
		*p = d + start;
	return 0;
}

/* A function or variable that only the patched build has: copy it. */
static struct ex_copy *copy_new_symbol(struct ex *ex, struct klp_symbol *s,
				       const char *where)
{
	struct klp_section *sec = s->sec;
	const unsigned char *bytes;
	bool func = s->type == STT_FUNC;
	char *secname = NULL;
	uint64_t off;
	long osec, osym;
	struct ex_copy *c;

	if (!s->size && func) {
		klp_err("%s: %s %s has no peer in %s and no size: cannot copy it",
			where, func ? "function" : "symbol", symname(s),
			ex->oe->name);
		return NULL;
	}
	if (func) {
		if (!(sec->sh.sh_flags & SHF_EXECINSTR) ||
		    (strcmp(sec->name, ".text") && !starts_with(sec->name, ".text."))) {
			klp_err("%s: new function %s is in section %s; only .text and .text.* code can be copied into a live patch",
				where, symname(s), sec->name);
			return NULL;
		}
	} else {
		if (s->type != STT_OBJECT || (sec->sh.sh_flags & (SHF_EXECINSTR | SHF_TLS)) ||
		    !(sec->sh.sh_flags & SHF_ALLOC) ||
		    !(starts_with(sec->name, ".data") ||
		      starts_with(sec->name, ".rodata") ||
		      starts_with(sec->name, ".bss"))) {
			klp_err("%s: new %s %s is in section %s; only variables in .data*, .rodata* and .bss* can be copied",
				where, klp_elf_sym_type_name(s->type),
				symname(s), sec->name);
			return NULL;
		}
	}
	if (sec_bytes(ex, sec, s->value, s->size, &bytes))
		return NULL;
	if (func) {
		secname = malloc(strlen(s->name) + 7);
		if (!secname) {
			klp_err("out of memory");
			return NULL;
		}
		sprintf(secname, ".text.%s", s->name);
		osec = klp_out_add_section(ex->out, secname, SHT_PROGBITS,
					   SHF_ALLOC | SHF_EXECINSTR,
					   sec->sh.sh_addralign, 0);
		free(secname);
	} else {
		osec = klp_out_add_section(ex->out, sec->name, sec->sh.sh_type,
					   sec->sh.sh_flags &
					   (SHF_ALLOC | SHF_WRITE),
					   sec->sh.sh_addralign, 0);
	}
	if (osec < 0 ||
	    klp_out_append(ex->out, osec, bytes, s->size, sec->sh.sh_addralign,
			   &off))
		return NULL;
	osym = klp_out_add_symbol(ex->out, s->name, s->type, STB_LOCAL, osec,
				  off, s->size);
	if (osym < 0)
		return NULL;
	c = ex_new_copy(ex, func ? EX_NEW_FUNC : EX_NEW_DATA, s->name, sec,
			s->value, s->size, func, blob_of(ex, s), osec, off,
			osym, off);
	if (c) {
		c->sym = s;
		if (func)
			ex->stats->new_funcs++;
		else
			ex->stats->new_data++;
	}
	return c;
}

/*
 * A patched symbol without a peer: is it really new?  Its identity must
 * not be ambiguous, and for a writable variable (whose state matters,
 * unlike code and read-only data) no variable of the running kernel with
 * the same role may lack a patched peer: that could be this very variable,
 * unpaired.
 */
static int check_really_new(struct ex *ex, struct klp_symbol *s,
			    const char *where)
{
	struct klp_func *f = klp_record_func_of_sym(ex->prec, s);
	struct orole *r;

	for (; f; f = klp_record_next_func_of_sym(ex->prec, f))
		if (klp_corr_func_ambiguous(ex->corr, f))
			return klp_err("%s: %s has no peer in %s because its identity is ambiguous (several emitted copies share its source and role)",
				       where, symname(s), ex->oe->name);
	if (!klp_record_func_of_sym(ex->prec, s)) {
		/* Record-less: paired by unique name; a shared name is not new. */
		for (struct klp_symbol *o = klp_elf_symbol_by_name(ex->oe, s->name);
		     o; o = klp_elf_next_symbol_by_name(ex->oe, o))
			if (o->sec && o->type == s->type)
				return klp_err("%s: %s has no record entry and its name is not unique in %s and %s: cannot tell whether it is new",
					       where, symname(s), ex->pe->name,
					       ex->oe->name);
	}
	/* Read-only data has no state: a copy is as good as the original. */
	if (s->type != STT_OBJECT || (s->sec->sh.sh_type != SHT_NOBITS &&
				      !(s->sec->sh.sh_flags & SHF_WRITE)))
		return 0;
	klp_htab_for_each(r, &ex->orig_obj_by_role, klp_role_hash(s->name),
			  struct orole, node)
		if (klp_role_eq(r->sym->name, s->name) &&
		    !klp_corr_patched_sym_of(ex->corr, r->sym))
			return klp_err("%s: variable %s has no peer in %s, but %s has an unpaired variable %s of the same name: refusing to copy what may be the running kernel's state",
				       where, symname(s), ex->oe->name,
				       ex->oe->name, r->sym->name);
	return 0;
}

/* The one defined global (else any) symbol named @name in ORIG. */
static struct klp_symbol *orig_by_exact_name(struct ex *ex, const char *name)
{
	struct klp_symbol *found = NULL, *glob = NULL;
	size_t n = 0, ng = 0;

	for (struct klp_symbol *o = klp_elf_symbol_by_name(ex->oe, name); o;
	     o = klp_elf_next_symbol_by_name(ex->oe, o)) {
		if (!o->sec || o->type == STT_SECTION || o->type == STT_FILE)
			continue;
		n++;
		found = o;
		if (o->bind != STB_LOCAL) {
			ng++;
			glob = o;
		}
	}
	if (ng == 1)
		return glob;
	return n == 1 ? found : NULL;
}

/* An undefined symbol of patch.o named @name (one per name). */
static long undef_symbol(struct ex *ex, const char *name, bool klpsym)
{
	long h = klp_out_global_by_name(ex->out, name);

	if (h >= 0)
		return h;
	h = klp_out_add_symbol(ex->out, name, STT_NOTYPE, STB_GLOBAL, -1, 0, 0);
	if (h >= 0) {
		if (klpsym)
			ex->stats->klp_syms++;
		else
			ex->stats->exported++;
	}
	return h;
}

/*
 * What a reference to @ent (a symbol of vmlinux.o; @rel is the addend
 * relative to its start) becomes in patch.o.  @mid: the offset of the
 * pointed-at byte in @ent when the reference came through a section symbol
 * (code must not point into the middle of a running kernel's function).
 */
/*
 * Is @ent an outlined part of the function copied as @from (hot/cold
 * splitting: `work.cold.1` is a clone with the source of `work`, entered by
 * a jump, never called)?  The new code's part must be copied with it: the
 * running kernel's part belongs to the old code.
 */
static bool part_of(struct ex *ex, const struct ex_copy *from,
		    const struct klp_symbol *ent)
{
	struct klp_func *ff, *ft;

	if (!from || !from->sym || ent->type != STT_FUNC)
		return false;
	ff = klp_record_func_of_sym(ex->prec, from->sym);
	ft = klp_record_func_of_sym(ex->prec, ent);
	if (!ff || !ft || !ff->src || !ft->src || !(ft->flags & KLP_FUNC_CLONE))
		return false;
	return klp_corr_src_of_patched(ex->corr, ff->src) ==
	       klp_corr_src_of_patched(ex->corr, ft->src);
}

static int target_of(struct ex *ex, const struct ex_copy *from,
		     const char *where, struct klp_symbol *ent, int64_t rel,
		     bool via_section, int64_t mid, long *osym, int64_t *oadd)
{
	struct klp_symbol *peer;
	struct ex_copy *c = NULL;
	unsigned long pos;
	char *name;

	if (ent->sec)
		c = find_copy(ex, ent->sec, ent->value);
	if (!c && ent->shndx == SHN_UNDEF) {
		peer = orig_by_exact_name(ex, ent->name);
		if (!peer)
			return klp_err("%s: %s is undefined in %s and not defined exactly once in %s",
				       where, symname(ent), ex->pe->name,
				       ex->oe->name);
	} else if (!c) {
		if (!ent->sec)
			return klp_err("%s: %s is an absolute or common symbol; klp-gen cannot tell what it stands for",
				       where, symname(ent));
		peer = klp_corr_orig_sym_of(ex->corr, ent);
		if (peer && part_of(ex, from, ent)) {
			c = copy_new_symbol(ex, ent, where);
			if (!c)
				return -1;
		} else if (!peer) {
			if (check_really_new(ex, ent, where))
				return -1;
			c = copy_new_symbol(ex, ent, where);
			if (!c)
				return -1;
		}
	}
	if (c) {
		/*
		 * Into the middle of a copy (a jump, a table entry): relative
		 * to the section, as the compiler wrote it.  objtool takes a
		 * jump relocated against a function symbol for a sibling call.
		 */
		if (via_section && mid != 0) {
			*osym = klp_out_section_symbol(ex->out, c->osec);
			*oadd = rel + (int64_t)c->obase;
			return *osym < 0 ? -1 : 0;
		}
		*osym = c->osym;
		*oadd = rel + (int64_t)c->obase - (int64_t)c->osym_value;
		return 0;
	}
	/*
	 * Init code and data are freed after boot; a size-less marker such
	 * as _sinittext is only an address (is_kernel_inittext()) and stays.
	 */
	if (peer->sec && peer->sec->name && peer->size &&
	    (starts_with(peer->sec->name, ".init.") ||
	     starts_with(peer->sec->name, ".exit.")))
		return klp_err("%s: %s is the running kernel's %s in %s, which is freed after boot",
			       where, symname(ent), peer->name, peer->sec->name);
	if (via_section && ent->type == STT_FUNC && mid != 0)
		return klp_err("%s: points into the middle of %s (+0x%" PRIx64 "), a function of the running kernel",
			       where, symname(ent), (uint64_t)mid);
	*oadd = rel;
	/*
	 * Exported: the symbol of vmlinux.o is global (the linked vmlinux
	 * shows every symbol as local hidden, so its binding tells nothing)
	 * and Module.symvers lists the running kernel's name.  A local symbol
	 * that shares an exported name is not what the loader would bind.
	 */
	if (ent->bind != STB_LOCAL && !strcmp(ent->name, peer->name) &&
	    klp_symvers_exported(ex->sv, "vmlinux", peer->name)) {
		*osym = undef_symbol(ex, peer->name, false);
		return *osym < 0 ? -1 : 0;
	}
	/*
	 * Read-only data that kallsyms cannot name (a private constant such
	 * as .L__const.f.args): a copy is as good as the kernel's.
	 */
	if (!klp_kallsyms_holds(ex->oe, peer) && ent->type == STT_OBJECT &&
	    ent->sec && (ent->sec->sh.sh_flags & SHF_ALLOC) &&
	    !(ent->sec->sh.sh_flags & (SHF_WRITE | SHF_EXECINSTR)) &&
	    ent->sec->sh.sh_type != SHT_NOBITS) {
		c = find_copy(ex, ent->sec, ent->value);
		if (!c)
			c = copy_new_symbol(ex, ent, where);
		if (!c)
			return -1;
		*osym = c->osym;
		*oadd = rel + (int64_t)c->obase - (int64_t)c->osym_value;
		return 0;
	}
	if (klp_kallsyms_pos(ex->oe, peer, &pos)) {
		char why[512];

		snprintf(why, sizeof(why), "%s", klp_errmsg());
		return klp_err("%s: %s (running kernel's %s) is not exported and %s",
			       where, symname(ent), peer->name, why);
	}
	name = malloc(strlen(peer->name) + 64);
	if (!name)
		return klp_err("out of memory");
	sprintf(name, ".klp.sym.vmlinux.%s,%lu", peer->name, pos);
	if (strlen(peer->name) > KLP_PLAN_SYMNAME_MAX) {
		free(name);
		return klp_err("%s: %s: name longer than the kernel's livepatch symbol limit",
			       where, peer->name);
	}
	*osym = undef_symbol(ex, name, true);
	free(name);
	return *osym < 0 ? -1 : 0;
}

int ex_target_of_symbol(struct ex *ex, const char *where, struct klp_symbol *s,
			int64_t addend, long *osym, int64_t *oadd)
{
	return target_of(ex, NULL, where, s, addend, false, 0, osym, oadd);
}

/*
 * The symbol of @sec at byte @t: a sized function or object containing it,
 * or a zero-size one (an empty struct such as a lock_class_key or, on
 * !SMP, a spinlock) starting there.  Symbols of another unit than @blob are
 * left out: a section-relative relocation of one object points into that
 * object's own part of a section that `ld -r` merged.  If nothing contains
 * @t but one symbol ends exactly there (a pointer past an array), that one.
 * Aliases (same start and size) are one target; the representative is a
 * recorded, else a global symbol.  NULL with *@err 0 when no symbol
 * qualifies; NULL with *@err -1 if several do.
 */
static struct klp_symbol *pick_entity(struct ex *ex, struct klp_section *sec,
				      uint64_t t, struct klp_blob *blob,
				      const char *where, int *err)
{
	struct ex_secsyms *ss = &ex->secsyms[sec->idx];
	struct klp_symbol *best = NULL, *end = NULL, *other = NULL;
	size_t a = 0, b = ss->n;

	*err = 0;
	/* First symbol with value > t. */
	while (a < b) {
		size_t m = a + (b - a) / 2;

		if (ss->v[m]->value <= t)
			a = m + 1;
		else
			b = m;
	}
	for (size_t i = a; i-- > 0;) {
		struct klp_symbol *s = ss->v[i], **slot;
		struct klp_blob *sb;

		if (s->value + ss->maxsize < t)
			break;
		if (s->size ? s->value + s->size < t :
			      s->value != t)
			continue;
		sb = blob ? blob_of(ex, s) : NULL;
		if (blob && sb && sb != blob)
			continue;
		slot = s->size && s->value + s->size == t ? &end : &best;
		if (*slot && ((*slot)->value != s->value ||
			      (*slot)->size != s->size)) {
			other = s;
			if (slot == &best)
				break;
			continue;
		}
		if (!*slot || (!blob_of(ex, *slot) && blob_of(ex, s)) ||
		    ((*slot)->bind == STB_LOCAL && s->bind != STB_LOCAL))
			*slot = s;
	}
	if (best && other && other->value + other->size != t) {
		*err = klp_err("%s: the target %s+0x%" PRIx64 " is in or at both %s and %s; cannot tell which one is meant",
			       where, sec->name, t, best->name, other->name);
		return NULL;
	}
	if (best)
		return best;
	if (end && other) {
		*err = klp_err("%s: the target %s+0x%" PRIx64 " is the end of both %s and %s; cannot tell which one is meant",
			       where, sec->name, t, end->name, other->name);
		return NULL;
	}
	return end;
}

/* A string literal: copy it (once) into .rodata.str. */
static int copy_string(struct ex *ex, const char *where, struct klp_section *sec,
		       uint64_t t, uint64_t hi, int64_t raw, long *osym,
		       int64_t *oadd)
{
	const unsigned char *d;
	uint64_t size, start;
	const unsigned char *nul;
	struct exstr *st = NULL, *pos;
	uint64_t h;
	size_t len;

	if (klp_elf_section_data(ex->pe, sec, &d, &size))
		return -1;
	if (t >= size)
		return klp_err("%s: the target %s+0x%" PRIx64 " lies past the end of the string section",
			       where, sec->name, t);
	if (!d[t] && t > 0 && d[t - 1])
		return klp_err("%s: the target %s+0x%" PRIx64 " is the end of a string; cannot tell which string is meant",
			       where, sec->name, t);
	for (start = t; start > 0 && d[start - 1]; start--)
		;
	if (hi > t && memchr(d + t, 0, hi - t))
		return klp_err("%s: the target %s+0x%" PRIx64 " or +0x%" PRIx64 " are in different strings, depending on the size of the instruction's immediate; cannot tell",
			       where, sec->name, t, hi);
	nul = memchr(d + t, 0, size - t);
	if (!nul)
		return klp_err("%s: the string at %s+0x%" PRIx64 " is not NUL-terminated",
			       where, sec->name, t);
	len = (size_t)(nul - (d + start)) + 1;
	h = klp_hash_bytes(d + start, len);
	klp_htab_for_each(pos, &ex->strings, h, struct exstr, node)
		if (pos->len == len && !memcmp(pos->s, d + start, len)) {
			st = pos;
			break;
		}
	if (!st) {
		if (ex->strsec < 0) {
			ex->strsec = klp_out_add_section(ex->out, ".rodata.str",
							 SHT_PROGBITS, SHF_ALLOC,
							 1, 0);
			if (ex->strsec < 0)
				return -1;
		}
		st = calloc(1, sizeof(*st));
		if (!st)
			return klp_err("out of memory");
		st->next = ex->strs;
		ex->strs = st;
		st->s = (const char *)d + start;
		st->len = len;
		if (klp_out_append(ex->out, ex->strsec, d + start, len, 1,
				   &st->off) ||
		    klp_htab_add(&ex->strings, &st->node, h))
			return -1;
		ex->stats->strings++;
	}
	*osym = klp_out_section_symbol(ex->out, ex->strsec);
	*oadd = raw - (int64_t)start + (int64_t)st->off;
	return *osym < 0 ? -1 : 0;
}

/* Symbol-less data at @sec+[lo, hi]: copy it if it is read-only. */
static int copy_anon(struct ex *ex, const char *where, struct klp_section *sec,
		     uint64_t lo, uint64_t hi, int64_t raw,
		     struct klp_blob *blob, long *osym, int64_t *oadd)
{
	uint64_t flags = sec->sh.sh_flags, es = sec->sh.sh_entsize;
	uint64_t start, end, off;
	const unsigned char *bytes;
	struct ex_copy *c;
	long osec;

	if (!(flags & SHF_ALLOC) || (flags & SHF_EXECINSTR))
		return klp_err("%s: the target %s+0x%" PRIx64 " is in %s without a symbol there",
			       where, sec->name, lo,
			       flags & SHF_EXECINSTR ? "code" :
			       "a non-allocated section");
	if (flags & SHF_WRITE)
		return klp_err("%s: the target %s+0x%" PRIx64 " is writable data without a symbol: it cannot be paired with the running kernel's data, nor copied",
			       where, sec->name, lo);
	if ((flags & SHF_MERGE) && es) {
		start = lo - lo % es;
		end = (hi / es + 1) * es;
		if (end > sec->sh.sh_size)
			end = sec->sh.sh_size;
	} else if (!ex->secsyms[sec->idx].n) {
		start = 0;
		end = sec->sh.sh_size;
	} else {
		return klp_err("%s: the target %s+0x%" PRIx64 " is read-only data without a symbol in a section that also holds symbols; cannot tell its extent",
			       where, sec->name, lo);
	}
	c = find_copy(ex, sec, start);
	if (!c) {
		if (sec_bytes(ex, sec, start, end - start, &bytes))
			return -1;
		osec = klp_out_add_section(ex->out, sec->name, sec->sh.sh_type,
					   flags & SHF_ALLOC,
					   sec->sh.sh_addralign, 0);
		if (osec < 0 ||
		    klp_out_append(ex->out, osec, bytes, end - start,
				   sec->sh.sh_addralign, &off))
			return -1;
		*osym = klp_out_section_symbol(ex->out, osec);
		if (*osym < 0)
			return -1;
		c = ex_new_copy(ex, EX_ANON, sec->name, sec, start, end - start,
				false, blob, osec, off, *osym, 0);
		if (!c)
			return -1;
		ex->stats->anon_rodata++;
	} else if (end > c->start + c->size) {
		return klp_err("%s: the target %s+0x%" PRIx64 " overlaps read-only data copied before in another extent",
			       where, sec->name, lo);
	}
	*osym = c->osym;
	*oadd = raw - (int64_t)c->start + (int64_t)c->obase -
		(int64_t)c->osym_value;
	return 0;
}

/*
 * A relocation to @sec + @raw (a section symbol or a local label plus the
 * addend).  The byte it points at is @raw itself for absolute relocations
 * and data, and @raw + 4 + k for a PC-relative instruction operand (k: the
 * immediate after the displacement, read from the instruction bytes by
 * klp_x86_pcrel_imm_sizes()); every plausible reading must lead to the
 * same target, or the relocation is refused.
 */
static int section_target(struct ex *ex, const struct ex_copy *from,
			  const char *where, const struct klp_reloc *r,
			  bool insn_pcrel, struct klp_section *sec, int64_t raw,
			  long *osym, int64_t *oadd)
{
	struct klp_blob *blob = from ? from->blob : NULL;
	uint64_t ts[4], lo, hi, limit = sec->sh.sh_size;
	struct klp_symbol *ent = NULL;
	unsigned int ks = 1;		/* k = 0 */
	size_t nt = 0;
	int err;

	if (insn_pcrel) {
		const unsigned char *code;
		uint64_t size;

		ks = 1u | 2u | 4u | 16u;	/* unknown: any */
		if (from && from->code &&
		    !klp_elf_section_data(ex->pe, from->sec, &code, &size))
			ks = klp_x86_pcrel_imm_sizes(code, size, r->offset);
		for (int k = 0; k <= 4; k++) {
			int64_t t = raw + 4 + k;

			if ((ks & (1u << k)) && t >= 0 && (uint64_t)t <= limit)
				ts[nt++] = (uint64_t)t;
		}
	} else if (raw >= 0 && (uint64_t)raw <= limit) {
		ts[nt++] = (uint64_t)raw;
	}
	if (!nt)
		return klp_err("%s: %s to %s%+" PRId64 " points outside its section",
			       where, rtype_name(r->type), sec->name,
			       r->addend);
	lo = ts[0];
	hi = ts[nt - 1];
	if (!strcmp(sec->name, ".altinstr_aux"))
		return ex_copy_altaux(ex, from, where, sec, lo, raw, osym,
				      oadd);
	if ((sec->sh.sh_flags & (SHF_MERGE | SHF_STRINGS)) ==
	    (SHF_MERGE | SHF_STRINGS))
		return copy_string(ex, where, sec, lo, hi, raw, osym, oadd);
	for (size_t i = 0; i < nt; i++) {
		struct klp_symbol *e = pick_entity(ex, sec, ts[i], blob, where,
						   &err);

		if (err)
			return -1;
		if (i && e != ent)
			return klp_err("%s: the target is %s+0x%" PRIx64 " or %s+0x%" PRIx64 " (%s or %s), depending on the size of the instruction's immediate; cannot tell",
				       where, sec->name, ts[0], sec->name,
				       ts[i], ent ? ent->name : "no symbol",
				       e ? e->name : "no symbol");
		ent = e;
	}
	if (ent)
		return target_of(ex, from, where, ent,
				 raw - (int64_t)ent->value, true,
				 (int64_t)(lo - ent->value), osym, oadd);
	return copy_anon(ex, where, sec, lo, hi, raw, blob, osym, oadd);
}

/*
 * Rewrites relocation @r (of a range copied as @from, or of a special
 * section entry when @from is NULL) into patch.o's section @osec at @ooff.
 * @code: @r is an instruction operand (a PC-relative one points 4 bytes
 * before the end of its displacement field, plus any immediate after it).
 */
int ex_emit_reloc(struct ex *ex, const struct ex_copy *from,
		  const char *where, const struct klp_reloc *r, bool code,
		  long osec, uint64_t ooff)
{
	struct klp_symbol *s = r->sym;
	bool pcrel;
	int64_t raw, oadd = 0;
	long osym = -1;

	switch (r->type) {
	case R_X86_64_NONE:
		return 0;
	case R_X86_64_PC32:
	case R_X86_64_PLT32:
	case R_X86_64_PC64:
		pcrel = true;
		break;
	case R_X86_64_64:
	case R_X86_64_32:
	case R_X86_64_32S:
		pcrel = false;
		break;
	default:
		return klp_err("%s: relocation type %u is not supported",
			       where, r->type);
	}
	if (!s)
		return klp_err("%s: %s without a symbol", where,
			       rtype_name(r->type));
	/*
	 * A named target is itself, except a local label without size (an
	 * assembler's .LCPI constant, an asm label): that is a place in its
	 * section, like a section symbol plus offset.
	 */
	if (s->type != STT_SECTION &&
	    !(s->bind == STB_LOCAL && s->sec && !s->size &&
	      s->type == STT_NOTYPE)) {
		if (target_of(ex, from, where, s, r->addend, false, 0, &osym,
			      &oadd))
			return -1;
	} else {
		struct klp_section *sec = s->sec;

		if (!sec)
			return klp_err("%s: %s against a section symbol without a section",
				       where, rtype_name(r->type));
		raw = (int64_t)s->value + r->addend;
		if (section_target(ex, from, where, r, code && pcrel, sec, raw,
				   &osym, &oadd))
			return -1;
	}
	if (klp_out_add_reloc(ex->out, osec, ooff, r->type, osym, oadd))
		return -1;
	ex->stats->relocs++;
	return 0;
}

/* Rewrites the relocations of one copied range, then its table entries. */
static int process_copy(struct ex *ex, struct ex_copy *c)
{
	struct klp_reloc **v;
	size_t n;
	char where[600];

	if (c->sec->sh.sh_type == SHT_NOBITS)
		return 0;
	if (ex_relocs_in(ex, c->sec, c->start, c->start + c->size, &v, &n))
		return -1;
	for (size_t i = 0; i < n; i++) {
		const struct klp_reloc *r = v[i];

		snprintf(where, sizeof(where), "%s+0x%" PRIx64 " (%s %s%+" PRId64 ")",
			 c->name, r->offset - c->start, rtype_name(r->type),
			 r->sym ? symname(r->sym) : "?", r->addend);
		if (r->offset + (r->type == R_X86_64_64 ||
				 r->type == R_X86_64_PC64 ? 8 : 4) >
		    c->start + c->size)
			return klp_err("%s: the relocation reaches past the end of %s",
				       where, c->name);
		if (ex_emit_reloc(ex, c, where, r, c->code, c->osec,
				  r->offset - c->start + c->obase))
			return -1;
	}
	if (c->kind == EX_REPLACED || c->kind == EX_NEW_FUNC)
		return ex_tables_copy_for(ex, c);
	return 0;
}

/* --- the replaced functions ------------------------------------------ */

static int add_replaced(struct ex *ex, const struct klp_plan_replace *rep)
{
	struct klp_symbol *s, *found = NULL;
	const unsigned char *bytes;
	struct ex_copy *c;
	char name[64], secname[80];
	uint64_t off;
	long osec, osym;
	size_t n = 0;

	if (!klp_kallsyms_find(ex->oe, rep->old_sym, rep->sympos)) {
		char why[512];

		snprintf(why, sizeof(why), "%s", klp_errmsg());
		return klp_err("%s:%u: replace %s sympos=%lu: %s", ex->args->plan,
			       rep->line, rep->old_sym, rep->sympos, why);
	}
	for (s = klp_elf_symbol_by_name(ex->pe, rep->new_sym); s;
	     s = klp_elf_next_symbol_by_name(ex->pe, s))
		if (s->type == STT_FUNC && s->sec) {
			found = s;
			n++;
		}
	if (!n)
		return klp_err("%s:%u: new=%s: no function of that name in %s",
			       ex->args->plan, rep->line, rep->new_sym,
			       ex->pe->name);
	if (n > 1)
		return klp_err("%s:%u: new=%s: %zu functions of that name in %s; the plan must name a unique one",
			       ex->args->plan, rep->line, rep->new_sym, n,
			       ex->pe->name);
	s = found;
	if (!s->size || !(s->sec->sh.sh_flags & SHF_EXECINSTR))
		return klp_err("%s:%u: new=%s: %s",
			       ex->args->plan, rep->line, rep->new_sym,
			       s->size ? "not in a code section" : "has size 0");
	if (starts_with(s->sec->name, ".init.") ||
	    starts_with(s->sec->name, ".exit."))
		return klp_err("%s:%u: new=%s is in %s: init and exit code cannot be live patched",
			       ex->args->plan, rep->line, rep->new_sym,
			       s->sec->name);
	if (find_copy(ex, s->sec, s->value))
		return klp_err("%s:%u: new=%s is named by two replace lines",
			       ex->args->plan, rep->line, rep->new_sym);
	if (sec_bytes(ex, s->sec, s->value, s->size, &bytes))
		return -1;
	snprintf(name, sizeof(name), "klp_lto_new_%zu", rep->index);
	snprintf(secname, sizeof(secname), ".text.%s", name);
	osec = klp_out_add_section(ex->out, secname, SHT_PROGBITS,
				   SHF_ALLOC | SHF_EXECINSTR,
				   s->sec->sh.sh_addralign, 0);
	if (osec < 0 ||
	    klp_out_append(ex->out, osec, bytes, s->size,
			   s->sec->sh.sh_addralign, &off))
		return -1;
	osym = klp_out_add_symbol(ex->out, name, STT_FUNC, STB_GLOBAL, osec,
				  off, s->size);
	if (osym < 0)
		return -1;
	c = ex_new_copy(ex, EX_REPLACED, s->name, s->sec, s->value, s->size,
			true, blob_of(ex, s), osec, off, osym, off);
	if (!c)
		return -1;
	c->sym = s;
	ex->stats->replaced++;
	return 0;
}

/* --- driver ------------------------------------------------------------- */

static int load_inputs(struct ex *ex)
{
	const struct klp_extract_args *a = ex->args;

	ex->plan = klp_plan_read(a->plan);
	if (!ex->plan)
		return -1;
	if (ex->plan->nrefusals)
		return klp_err("%s:%u: the plan refuses this patch (%s); nothing to extract",
			       a->plan, ex->plan->refusals[0].line,
			       ex->plan->refusals[0].text);
	for (size_t i = 0; i < ex->plan->nobjects; i++)
		if (strcmp(ex->plan->objects[i].name, "vmlinux"))
			return klp_err("%s:%u: object %s: klp-gen extract handles vmlinux only",
				       a->plan, ex->plan->objects[i].line,
				       ex->plan->objects[i].name);
	if (!ex->plan->nreplaces)
		return klp_err("%s: the plan replaces nothing", a->plan);
	ex->sv = klp_symvers_read(a->symvers);
	if (!ex->sv)
		return -1;
	ex->pe = klp_elf_open(a->patched);
	if (!ex->pe)
		return -1;
	if (!klp_elf_is_relocatable(ex->pe))
		return klp_err("%s: --patched must be the relocatable vmlinux.o, not a linked file",
			       a->patched);
	ex->oe = klp_elf_open(a->orig);
	if (!ex->oe)
		return -1;
	if (klp_elf_is_relocatable(ex->oe))
		return klp_err("%s: --orig must be the linked vmlinux (kallsyms positions come from it), not a relocatable object",
			       a->orig);
	ex->prec = klp_record_read(ex->pe);
	if (!ex->prec)
		return -1;
	ex->orec = klp_record_read(ex->oe);
	if (!ex->orec)
		return -1;
	ex->corr = klp_correlate(ex->orec, ex->prec);
	if (!ex->corr)
		return -1;
	return 0;
}

static void ex_free(struct ex *ex)
{
	struct ex_copy *c, *next;

	ex_tables_free(ex);
	for (c = ex->work_head; c; c = next) {
		next = c->next_work;
		free(c);
	}
	if (ex->pe) {
		for (size_t i = 0; ex->secsyms && i < ex->pe->nsec; i++)
			free(ex->secsyms[i].v);
		for (size_t i = 0; ex->relidx && i < ex->pe->nsec; i++)
			free(ex->relidx[i].v);
	}
	free(ex->secsyms);
	free(ex->relidx);
	free(ex->sec_copies);
	free(ex->oroles);
	for (struct exstr *st = ex->strs, *nx; st; st = nx) {
		nx = st->next;
		free(st);
	}
	klp_htab_free(&ex->copies);
	klp_htab_free(&ex->orig_obj_by_role);
	klp_htab_free(&ex->strings);
	klp_out_free(ex->out);
	klp_corr_free(ex->corr);
	klp_record_free(ex->orec);
	klp_record_free(ex->prec);
	klp_elf_close(ex->oe);
	klp_elf_close(ex->pe);
	klp_symvers_free(ex->sv);
	klp_plan_free(ex->plan);
}

int klp_extract(const struct klp_extract_args *args,
		struct klp_extract_stats *stats)
{
	struct ex ex = { .args = args, .stats = stats, .strsec = -1 };
	struct ex_copy *c;
	int ret = -1;

	memset(stats, 0, sizeof(*stats));
	if (load_inputs(&ex))
		goto out;
	ex.out = klp_out_new();
	ex.relidx = calloc(ex.pe->nsec + 1, sizeof(*ex.relidx));
	ex.sec_copies = calloc(ex.pe->nsec + 1, sizeof(*ex.sec_copies));
	if (!ex.out || !ex.relidx || !ex.sec_copies ||
	    klp_htab_init(&ex.copies, 64) || klp_htab_init(&ex.strings, 64)) {
		klp_err("out of memory");
		goto out;
	}
	if (index_secsyms(&ex) || index_orig_roles(&ex) || ex_tables_init(&ex))
		goto out;
	for (size_t o = 0; o < ex.plan->nobjects; o++) {
		struct klp_plan_object *obj = &ex.plan->objects[o];

		for (size_t i = 0; i < obj->nreplaces; i++)
			if (add_replaced(&ex, &obj->replaces[i]))
				goto out;
	}
	for (c = ex.work_head; c; c = c->next_work)
		if (process_copy(&ex, c))
			goto out;
	if (ex_tables_check_others(&ex))
		goto out;
	if (klp_out_write(ex.out, args->out))
		goto out;
	ret = 0;
out:
	ex_free(&ex);
	return ret;
}
