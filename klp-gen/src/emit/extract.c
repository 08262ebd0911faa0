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
#include "klp/callbacks.h"
#include "klp/error.h"
#include "klp/x86_decode.h"
#include "klp/kallsyms.h"
#include "klp/modinfo.h"

const char *ex_rtype_name(uint32_t t)
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

const char *ex_symname(const struct klp_symbol *s)
{
	if (s->type == STT_SECTION && s->sec)
		return s->sec->name;
	return s->name && *s->name ? s->name : "?";
}

/* --- indexes over vmlinux.o ----------------------------------------- */

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

struct ex_copy *ex_find_copy(struct ex *ex, const struct klp_section *sec,
			     uint64_t start)
{
	struct ex_copy *c;

	klp_htab_for_each(c, &ex->copies, copy_key(sec, start), struct ex_copy,
			  node)
		if (c->sec == sec && c->start == start)
			return c;
	return NULL;
}

struct ex_copy *ex_new_copy(struct ex *ex, const struct ex_copy *init)
{
	struct ex_copy *c = malloc(sizeof(*c));

	if (!c) {
		klp_err("out of memory");
		return NULL;
	}
	*c = *init;
	if (klp_htab_add(&ex->copies, &c->node, copy_key(c->sec, c->start))) {
		free(c);
		klp_err("out of memory");
		return NULL;
	}
	c->next_in_sec = ex->sec_copies[c->sec->idx];
	ex->sec_copies[c->sec->idx] = c;
	if (ex->work_tail)
		ex->work_tail->next_work = c;
	else
		ex->work_head = c;
	ex->work_tail = c;
	return c;
}

struct klp_blob *ex_blob_of(struct ex *ex, const struct klp_symbol *s)
{
	struct klp_func *f = klp_record_func_of_sym(ex->prec, s);

	return f ? f->blob : NULL;
}

bool ex_starts_with(const char *s, const char *p)
{
	return !strncmp(s, p, strlen(p));
}

int ex_sec_bytes(struct ex *ex, struct klp_section *sec, uint64_t start,
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

/* Rewrites the relocations of one copied range, then its table entries. */
static int process_copy(struct ex *ex, struct ex_copy *c)
{
	struct klp_reloc *v;
	size_t n;
	long osym = -1;
	char where[600];

	if (c->sec->sh.sh_type == SHT_NOBITS)
		return 0;
	if (klp_elf_relocs_in(ex->pe, c->sec, c->start, c->start + c->size, &v, &n))
		return -1;
	for (size_t i = 0; i < n; i++) {
		const struct klp_reloc *r = &v[i];

		snprintf(where, sizeof(where), "%s+0x%" PRIx64 " (%s %s%+" PRId64 ")",
			 c->name, r->offset - c->start, ex_rtype_name(r->type),
			 r->sym ? ex_symname(r->sym) : "?", r->addend);
		if (r->offset + (r->type == R_X86_64_64 ||
				 r->type == R_X86_64_PC64 ? 8 : 4) >
		    c->start + c->size)
			return klp_err("%s: the relocation reaches past the end of %s",
				       where, c->name);
		if (ex_emit_reloc(ex, c, where, r, c->code, c->osec,
				  r->offset - c->start + c->obase, &osym))
			return -1;
		/* Replacement code is copied into place at load time. */
		if (c->kind == EX_ALTREPL && ex_check_load_time(ex, where, osym))
			return -1;
	}
	if (c->kind == EX_REPLACED || c->kind == EX_NEW_FUNC)
		return ex_tables_copy_for(ex, c);
	return 0;
}

/* --- the replaced functions ------------------------------------------ */

/*
 * The patched function of a replace line: the peer, through the records, of
 * the running kernel's function that the line names (old name + position),
 * which must carry the plan's NEW_SYM name; without a peer (no record), the
 * only function of that name.  Local names repeat (`show`, `init_once`), so
 * the name alone decides nothing when it is not unique.
 */
static struct klp_symbol *patched_of(struct ex *ex,
				     const struct klp_plan_replace *rep,
				     const struct klp_symbol *old)
{
	struct klp_symbol *s, *found = NULL;
	size_t n = 0;

	s = klp_corr_patched_sym_of(ex->corr, old);
	if (s && s->type == STT_FUNC && s->sec && s->name &&
	    !strcmp(s->name, rep->new_sym))
		return s;
	for (s = klp_elf_symbol_by_name(ex->pe, rep->new_sym); s;
	     s = klp_elf_next_symbol_by_name(ex->pe, s))
		if (s->type == STT_FUNC && s->sec) {
			found = s;
			n++;
		}
	if (!n)
		klp_err("%s:%u: new=%s: no function of that name in %s",
			ex->args->plan, rep->line, rep->new_sym, ex->pe->name);
	else if (n > 1)
		klp_err("%s:%u: new=%s: %zu functions of that name in %s, and the records pair none of them with %s sympos=%lu of %s",
			ex->args->plan, rep->line, rep->new_sym, n,
			ex->pe->name, rep->old_sym, rep->sympos, ex->oe->name);
	return n == 1 ? found : NULL;
}

/* endbr64: the IBT landing pad (also a 4-byte NOP where IBT is off). */
static const unsigned char endbr64[] = { 0xf3, 0x0f, 0x1e, 0xfa };

/*
 * Copies the function @s of the patched build into its own section
 * `.text.<name>` of patch.o under the GLOBAL symbol @name, which the glue
 * names: the new code of a replace line, or a callback.  @what and @line
 * say which plan line asks for it (messages).
 */
static int copy_entry_function(struct ex *ex, struct klp_symbol *s,
			       const char *name, const char *what,
			       unsigned int line)
{
	const unsigned char *bytes;
	struct ex_copy *c;
	char secname[80];
	uint64_t off, entry = 0, prologue;
	long osec, osym;

	if (!s->size || !(s->sec->sh.sh_flags & SHF_EXECINSTR))
		return klp_err("%s:%u: %s: %s",
			       ex->args->plan, line, what,
			       s->size ? "not in a code section" : "has size 0");
	if (ex_starts_with(s->sec->name, ".init.") ||
	    ex_starts_with(s->sec->name, ".exit."))
		return klp_err("%s:%u: %s is in %s: init and exit code cannot be live patched",
			       ex->args->plan, line, what, s->sec->name);
	if (ex_find_copy(ex, s->sec, s->value))
		return klp_err("%s:%u: %s is named by two lines of the plan (replace or callback)",
			       ex->args->plan, line, what);
	if (ex_sec_bytes(ex, s->sec, s->value, s->size, &bytes))
		return -1;
	snprintf(secname, sizeof(secname), ".text.%s", name);
	osec = klp_out_add_section(ex->out, secname, SHT_PROGBITS,
				   SHF_ALLOC | SHF_EXECINSTR,
				   s->sec->sh.sh_addralign, 0);
	if (osec < 0)
		return -1;
	/*
	 * klp_func.new_func stores the new code's address in data, so under
	 * IBT it must be a valid indirect-branch target.  The compiler gave
	 * no ENDBR64 to a function that is only called directly (ThinLTO
	 * internalizes it), and objtool refuses the data reference.  The
	 * kernel itself enters new_func with a RET (see docs/klp-gen.md),
	 * but the module must pass objtool unmodified: the copy gets one.
	 * A callback is called indirectly by the livepatch core: it needs
	 * one at run time too.
	 */
	prologue = 0;
	if (s->size < sizeof(endbr64) || memcmp(bytes, endbr64, sizeof(endbr64))) {
		prologue = sizeof(endbr64);
		if (klp_out_append(ex->out, osec, endbr64, prologue,
				   s->sec->sh.sh_addralign, &entry))
			return -1;
	}
	if (klp_out_append(ex->out, osec, bytes, s->size,
			   prologue ? 1 : s->sec->sh.sh_addralign, &off))
		return -1;
	if (!prologue)
		entry = off;
	osym = klp_out_add_symbol(ex->out, name, STT_FUNC, STB_GLOBAL, osec,
				  entry, prologue + s->size);
	if (osym < 0)
		return -1;
	c = ex_new_copy(ex, &(struct ex_copy){
		.kind = EX_REPLACED, .name = s->name, .sym = s, .sec = s->sec,
		.start = s->value, .size = s->size, .code = true,
		.blob = ex_blob_of(ex, s), .osec = osec, .obase = off,
		.osym = osym, .osym_value = entry, .prologue = prologue });
	if (!c)
		return -1;
	if (ex_fix_branches(ex, c, bytes))
		return -1;
	ex->stats->endbr_added += prologue != 0;
	return 0;
}

static int add_replaced(struct ex *ex, const struct klp_plan_replace *rep)
{
	struct klp_symbol *s, *old;
	char name[64], what[600];

	old = klp_kallsyms_find(ex->oe, rep->old_sym, rep->sympos);
	if (!old) {
		char why[512];

		snprintf(why, sizeof(why), "%s", klp_errmsg());
		return klp_err("%s:%u: replace %s sympos=%lu: %s", ex->args->plan,
			       rep->line, rep->old_sym, rep->sympos, why);
	}
	s = patched_of(ex, rep, old);
	if (!s)
		return -1;
	snprintf(name, sizeof(name), "klp_lto_new_%zu", rep->index);
	snprintf(what, sizeof(what), "new=%s", rep->new_sym);
	if (ex_cfi_check_replaced(ex, what, old, s))
		return -1;
	if (copy_entry_function(ex, s, name, what, rep->line))
		return -1;
	ex->stats->replaced++;
	return 0;
}

/*
 * The callbacks of the object (the plan's `callback` lines): the functions
 * that the patched build's callback entries (patch-hooks.h) name, found
 * again through those entries (local names repeat), which must carry the
 * plan's names.  Each is copied like new code, as klp_lto_cb_<i>.
 */
static int add_callbacks(struct ex *ex)
{
	struct klp_symbol *fn[KLP_CB_NKINDS];
	char name[64], what[600];

	if (!ex->obj->ncallbacks)
		return 0;
	if (klp_callbacks_find(ex->pe, fn))
		return -1;
	for (size_t i = 0; i < ex->obj->ncallbacks; i++) {
		const struct klp_plan_callback *cb = &ex->obj->callbacks[i];
		const char *kind = klp_callback_kind_name(cb->kind);
		struct klp_symbol *s = fn[cb->kind];

		if (!s)
			return klp_err("%s:%u: callback %s %s: %s has no %s callback entry (section %s%s)",
				       ex->args->plan, cb->line, kind, cb->new_sym,
				       ex->pe->name, kind,
				       KLP_CALLBACK_SECTION_PREFIX, kind);
		if (strcmp(s->name, cb->new_sym))
			return klp_err("%s:%u: callback %s %s: the %s callback entry of %s names %s",
				       ex->args->plan, cb->line, kind, cb->new_sym,
				       kind, ex->pe->name, s->name);
		snprintf(name, sizeof(name), "klp_lto_cb_%zu", cb->index);
		snprintf(what, sizeof(what), "callback %s %s", kind, cb->new_sym);
		if (copy_entry_function(ex, s, name, what, cb->line))
			return -1;
		ex->stats->callbacks++;
	}
	return 0;
}

/* --- driver ------------------------------------------------------------- */

/* The plan's object that this run extracts: --object, or the only one. */
static int pick_object(struct ex *ex)
{
	const struct klp_extract_args *a = ex->args;
	const struct klp_plan *plan = ex->plan;

	for (size_t i = 0; i < plan->nobjects; i++)
		if (a->object ? !strcmp(plan->objects[i].name, a->object) :
				plan->nobjects == 1)
			ex->obj = &plan->objects[i];
	if (!ex->obj)
		return a->object ?
			klp_err("%s: the plan has no object %s", a->plan, a->object) :
			klp_err("%s: the plan has %zu objects; --object names the one to extract",
				a->plan, plan->nobjects);
	if (!ex->obj->nreplaces)
		return klp_err("%s:%u: object %s: the plan replaces nothing in it",
			       a->plan, ex->obj->line, ex->obj->name);
	ex->module = strcmp(ex->obj->name, "vmlinux") != 0;
	return 0;
}

static int check_vmlinux_inputs(struct ex *ex)
{
	const struct klp_extract_args *a = ex->args;

	if (!klp_elf_is_relocatable(ex->pe) || klp_kallsyms_is_module(ex->pe))
		return klp_err("%s: --patched must be the relocatable vmlinux.o for object vmlinux",
			       a->patched);
	if (klp_elf_is_relocatable(ex->oe))
		return klp_err("%s: --orig must be the linked vmlinux (kallsyms positions come from it), not a relocatable object",
			       a->orig);
	return 0;
}

/* Both .ko files must be the plan's module (their .modinfo names). */
static int check_module_inputs(struct ex *ex)
{
	struct klp_elf *e[2] = { ex->pe, ex->oe };
	const char *opt[2] = { "--patched", "--orig" };
	char name[64];

	for (int i = 0; i < 2; i++) {
		if (!klp_kallsyms_is_module(e[i]))
			return klp_err("%s: %s must be the module %s (a .ko) for object %s",
				       e[i]->name, opt[i], ex->obj->name,
				       ex->obj->name);
		if (klp_modinfo_name(e[i], name, sizeof(name)))
			return -1;
		if (strcmp(name, ex->obj->name))
			return klp_err("%s: module %s, but the plan's object is %s",
				       e[i]->name, name, ex->obj->name);
	}
	return 0;
}

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
	if (pick_object(ex))
		return -1;
	ex->exports = klp_exports_read(a->symvers);
	if (!ex->exports)
		return -1;
	ex->pe = a->patched_elf ? a->patched_elf : klp_elf_open(a->patched);
	if (!ex->pe)
		return -1;
	ex->oe = a->orig_elf ? a->orig_elf : klp_elf_open(a->orig);
	if (!ex->oe)
		return -1;
	if (ex->module ? check_module_inputs(ex) : check_vmlinux_inputs(ex))
		return -1;
	ex->prec = a->patched_rec ? a->patched_rec : klp_record_read_no_edges(ex->pe);
	if (!ex->prec)
		return -1;
	ex->orec = a->orig_rec ? a->orig_rec : klp_record_read_no_edges(ex->oe);
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
	klp_x86_dec_free(ex->x86);
	for (c = ex->work_head; c; c = next) {
		next = c->next_work;
		free(c);
	}
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
	/* What the caller passed in stays its own. */
	if (ex->orec != ex->args->orig_rec)
		klp_record_free(ex->orec);
	if (ex->prec != ex->args->patched_rec)
		klp_record_free(ex->prec);
	if (ex->oe != ex->args->orig_elf)
		klp_elf_close(ex->oe);
	if (ex->pe != ex->args->patched_elf)
		klp_elf_close(ex->pe);
	klp_exports_free(ex->exports);
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
	ex.sec_copies = calloc(ex.pe->nsec + 1, sizeof(*ex.sec_copies));
	ex.x86 = klp_x86_dec_new();
	if (!ex.x86)
		goto out;
	if (!ex.out || !ex.sec_copies ||
	    klp_htab_init(&ex.copies, 64) || klp_htab_init(&ex.strings, 64)) {
		klp_err("out of memory");
		goto out;
	}
	if (index_orig_roles(&ex) || ex_tables_init(&ex))
		goto out;
	for (size_t i = 0; i < ex.obj->nreplaces; i++)
		if (add_replaced(&ex, &ex.obj->replaces[i]))
			goto out;
	if (add_callbacks(&ex))
		goto out;
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
