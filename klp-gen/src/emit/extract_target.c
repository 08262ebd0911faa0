// SPDX-License-Identifier: GPL-2.0
/*
 * klp-gen extract: what a reference to a symbol of PATCHED/vmlinux.o (or of
 * the patched module) becomes in patch.o (docs/klp-gen.md, "klp-gen
 * extract"): a copy made before, a new copy (a function or variable the
 * running kernel lacks, an outlined part of a copied function), an exported
 * name, or a .klp.sym.<object>.NAME,POS symbol.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "klp/select.h"
#include "extract_priv.h"
#include "klp/error.h"
#include "klp/kallsyms.h"

struct ex_copy *ex_copy_new_symbol(struct ex *ex, struct klp_symbol *s,
				   const char *where)
{
	struct klp_section *sec = s->sec;
	const unsigned char *bytes;
	bool func = s->type == STT_FUNC;
	struct ex_cfi_pre pre;
	char *secname;
	uint64_t off;
	long osec, osym;
	struct ex_copy *c;

	if (!s->size && func) {
		klp_err("%s: %s %s has no peer in %s and no size: cannot copy it",
			where, func ? "function" : "symbol", ex_symname(s),
			ex->oe->name);
		return NULL;
	}
	if (func) {
		if (!(sec->sh.sh_flags & SHF_EXECINSTR) ||
		    (strcmp(sec->name, ".text") && !ex_starts_with(sec->name, ".text."))) {
			klp_err("%s: new function %s is in section %s; only .text and .text.* code can be copied into a live patch",
				where, ex_symname(s), sec->name);
			return NULL;
		}
	} else {
		if (s->type != STT_OBJECT || (sec->sh.sh_flags & (SHF_EXECINSTR | SHF_TLS)) ||
		    !(sec->sh.sh_flags & SHF_ALLOC) ||
		    !(ex_starts_with(sec->name, ".data") ||
		      ex_starts_with(sec->name, ".rodata") ||
		      ex_starts_with(sec->name, ".bss"))) {
			klp_err("%s: new %s %s is in section %s; only variables in .data*, .rodata* and .bss* can be copied",
				where, klp_elf_sym_type_name(s->type),
				ex_symname(s), sec->name);
			return NULL;
		}
	}
	if (ex_sec_bytes(ex, sec, s->value, s->size, &bytes))
		return NULL;
	if (func) {
		if (asprintf(&secname, ".text.%s", s->name) < 0) {
			klp_err("out of memory");
			return NULL;
		}
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
	if (osec < 0)
		return NULL;
	/* kCFI: the type hash in front of a function whose address is taken. */
	pre.sym = NULL;
	if (func && !ex->args->no_cfi_preambles &&
	    ex_cfi_preamble(ex, s, where, &pre))
		return NULL;
	if (pre.sym) {
		uint64_t poff;

		if (klp_out_append(ex->out, osec, pre.bytes, pre.len,
				   sec->sh.sh_addralign, &poff) ||
		    klp_out_add_symbol(ex->out, pre.sym->name, STT_FUNC,
				       STB_LOCAL, osec, poff,
				       pre.sym->size) < 0)
			return NULL;
		ex->stats->cfi_preambles++;
	}
	if (klp_out_append(ex->out, osec, bytes, s->size,
			   pre.sym ? 1 : sec->sh.sh_addralign, &off))
		return NULL;
	osym = klp_out_add_symbol(ex->out, s->name, s->type, STB_LOCAL, osec,
				  off, s->size);
	if (osym < 0)
		return NULL;
	c = ex_new_copy(ex, &(struct ex_copy){
		.kind = func ? EX_NEW_FUNC : EX_NEW_DATA, .name = s->name,
		.sym = s, .sec = sec, .start = s->value, .size = s->size,
		.code = func, .blob = ex_blob_of(ex, s), .osec = osec,
		.obase = off, .osym = osym, .osym_value = off });
	if (c) {
		/* A branch the assembler resolved must stay inside the copy. */
		if (func && ex_fix_branches(ex, c, bytes))
			return NULL;
		if (func)
			ex->stats->new_funcs++;
		else
			ex->stats->new_data++;
	}
	return c;
}

/* Module.symvers lists @name as exported by vmlinux itself. */
static bool exported_by_vmlinux(const struct ex *ex, const char *name)
{
	const struct klp_export *e = klp_exports_find(ex->exports, name);

	return e && !strcmp(e->module, "vmlinux");
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
				       where, ex_symname(s), ex->oe->name);
	if (!klp_record_func_of_sym(ex->prec, s)) {
		/* Record-less: paired by unique name; a shared name is not new. */
		for (struct klp_symbol *o = klp_elf_symbol_by_name(ex->oe, s->name);
		     o; o = klp_elf_next_symbol_by_name(ex->oe, o))
			if (o->sec && o->type == s->type)
				return klp_err("%s: %s has no record entry and its name is not unique in %s and %s: cannot tell whether it is new",
					       where, ex_symname(s), ex->pe->name,
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
				       where, ex_symname(s), ex->oe->name,
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
	return klp_corr_src_id_of_patched(ex->corr, ff->src) ==
	       klp_corr_src_id_of_patched(ex->corr, ft->src);
}

/*
 * Is @ent the patched code of a function that the plan replaces through its
 * callers (reason=caller: the function itself has no __fentry__, so ftrace
 * cannot redirect it; `via=` names it)?  Its NEW code must be copied into the
 * module and called from the replaced callers: linking them to the running
 * kernel's function would run the old code.  Plans are small (a few lines),
 * so the vias are searched directly.
 */
static bool replaced_through_callers(struct ex *ex, const struct klp_symbol *ent)
{
	struct klp_func *f;

	if (ent->type != STT_FUNC)
		return false;
	/*
	 * So is a changed function that nothing reached in the original
	 * (`unreachable`): the running kernel has only its old code.
	 */
	for (size_t i = 0; i < ex->plan->nobjects; i++) {
		const struct klp_plan_object *o = &ex->plan->objects[i];

		for (size_t j = 0; j < o->nunreachables; j++)
			if (o->unreachables[j].new_sym &&
			    !strcmp(o->unreachables[j].new_sym, ent->name))
				return true;
	}
	f = klp_record_func_of_sym(ex->prec, ent);
	if (!f || !f->src)
		return false;
	for (size_t i = 0; i < ex->plan->nobjects; i++) {
		const struct klp_plan_object *o = &ex->plan->objects[i];

		for (size_t j = 0; j < o->nreplaces; j++) {
			const struct klp_plan_replace *r = &o->replaces[j];

			if (r->reason != KLP_PLAN_CALLER)
				continue;
			for (size_t k = 0; k < r->nvias; k++)
				if (!strcmp(r->vias[k].name,
					    klp_str(ex->prec, f->src->name)) &&
				    !strcmp(r->vias[k].file,
					    klp_select_path(klp_str(ex->prec,
							    f->src->file))))
					return true;
		}
	}
	return false;
}

/*
 * An undefined symbol of the patched module: something it imports, which
 * the module loader resolves against the exports of vmlinux and the loaded
 * modules.  The live patch imports it the same way, by name; Module.symvers
 * must list it (modpost would have refused the module otherwise).
 */
static int module_import(struct ex *ex, const char *where,
			 const struct klp_symbol *ent, int64_t rel, long *osym,
			 int64_t *oadd)
{
	if (!ent->name || !*ent->name || !klp_exports_find(ex->exports, ent->name))
		return klp_err("%s: %s is undefined in %s and no module or vmlinux exports it (%s)",
			       where, ex_symname(ent), ex->pe->name,
			       ex->args->symvers);
	*oadd = rel;
	*osym = undef_symbol(ex, ent->name, false);
	return *osym < 0 ? -1 : 0;
}

int ex_target_of(struct ex *ex, const struct ex_copy *from, const char *where,
		 struct klp_symbol *ent, int64_t rel, bool via_section,
		 int64_t mid, long *osym, int64_t *oadd)
{
	struct klp_symbol *peer;
	struct ex_copy *c = NULL;
	unsigned long pos;
	char *name;

	if (ent->sec)
		c = ex_find_copy(ex, ent->sec, ent->value);
	if (!c && ent->shndx == SHN_UNDEF && ex->module)
		return module_import(ex, where, ent, rel, osym, oadd);
	if (!c && ent->shndx == SHN_UNDEF) {
		peer = orig_by_exact_name(ex, ent->name);
		if (!peer)
			return klp_err("%s: %s is undefined in %s and not defined exactly once in %s",
				       where, ex_symname(ent), ex->pe->name,
				       ex->oe->name);
	} else if (!c) {
		if (!ent->sec)
			return klp_err("%s: %s is an absolute or common symbol; klp-gen cannot tell what it stands for",
				       where, ex_symname(ent));
		peer = klp_corr_orig_sym_of(ex->corr, ent);
		if (peer && (part_of(ex, from, ent) ||
			     replaced_through_callers(ex, ent))) {
			c = ex_copy_new_symbol(ex, ent, where);
			if (!c)
				return -1;
		} else if (!peer) {
			if (check_really_new(ex, ent, where))
				return -1;
			c = ex_copy_new_symbol(ex, ent, where);
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
		/*
		 * The function's entry from copied code or data (a call, a
		 * function pointer) is the symbol: its ENDBR64 if one was
		 * added.  A table entry (@from NULL) names an instruction,
		 * which moved with the rest.
		 */
		if (c->prologue && from && mid <= 0)
			*oadd -= (int64_t)c->prologue;
		return 0;
	}
	/*
	 * Init code and data are freed after boot; a size-less marker such
	 * as _sinittext is only an address (is_kernel_inittext()) and stays.
	 */
	if (peer->sec && peer->sec->name && peer->size &&
	    (ex_starts_with(peer->sec->name, ".init.") ||
	     ex_starts_with(peer->sec->name, ".exit.")))
		return klp_err("%s: %s is the running kernel's %s in %s, which is freed after boot",
			       where, ex_symname(ent), peer->name, peer->sec->name);
	if (via_section && ent->type == STT_FUNC && mid != 0)
		return klp_err("%s: points into the middle of %s (+0x%" PRIx64 "), a function of the running kernel",
			       where, ex_symname(ent), (uint64_t)mid);
	/* Its address, to be called indirectly: through a kCFI check. */
	if (!ex->branch_ref && mid == 0 &&
	    ex_cfi_check_taken(ex, where, ent, peer))
		return -1;
	*oadd = rel;
	/*
	 * (A module's own symbols, exported or not, are always reached through
	 * .klp.sym: a plain reference would make the live patch depend on the
	 * module, and so load it, while a live patch must wait for it.)
	 *
	 * Exported: the symbol of vmlinux.o is global (the linked vmlinux
	 * shows every symbol as local hidden, so its binding tells nothing)
	 * and Module.symvers lists the running kernel's name.  A local symbol
	 * that shares an exported name is not what the loader would bind.
	 */
	if (!ex->module && ent->bind != STB_LOCAL &&
	    !strcmp(ent->name, peer->name) &&
	    exported_by_vmlinux(ex, peer->name)) {
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
		c = ex_find_copy(ex, ent->sec, ent->value);
		if (!c)
			c = ex_copy_new_symbol(ex, ent, where);
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
			       where, ex_symname(ent), peer->name, why);
	}
	if (strlen(peer->name) > KLP_PLAN_SYMNAME_MAX)
		return klp_err("%s: %s: name longer than the kernel's livepatch symbol limit",
			       where, peer->name);
	name = malloc(strlen(peer->name) + strlen(ex->obj->name) + 64);
	if (!name)
		return klp_err("out of memory");
	sprintf(name, ".klp.sym.%s.%s,%lu", ex->obj->name, peer->name, pos);
	*osym = undef_symbol(ex, name, true);
	free(name);
	return *osym < 0 ? -1 : 0;
}
