// SPDX-License-Identifier: GPL-2.0
/*
 * The callbacks a patched source declares with patch-hooks.h (klp/callbacks.h).
 * The entries are read through their relocations, the only thing that says
 * which function they name: in a relocatable vmlinux.o or .ko the 8 bytes of
 * an entry are 0 and the relocation carries the function (as its symbol, or
 * as its section's symbol plus the offset).
 */
#include <inttypes.h>
#include <string.h>

#include "klp/callbacks.h"
#include "klp/error.h"
#include "klp/plan.h"

static const char *const kind_names[KLP_CB_NKINDS] = {
	[KLP_CB_PRE_PATCH] = "pre_patch",
	[KLP_CB_POST_PATCH] = "post_patch",
	[KLP_CB_PRE_UNPATCH] = "pre_unpatch",
	[KLP_CB_POST_UNPATCH] = "post_unpatch",
};

const char *klp_callback_kind_name(enum klp_callback_kind kind)
{
	if ((unsigned int)kind >= KLP_CB_NKINDS)
		return NULL;
	return kind_names[kind];
}

int klp_callback_kind_parse(const char *s)
{
	for (int k = 0; k < KLP_CB_NKINDS; k++)
		if (!strcmp(s, kind_names[k]))
			return k;
	return -1;
}

/* The sized function that starts where @r points, or NULL. */
static struct klp_symbol *target_function(const struct klp_elf *elf,
					  const struct klp_reloc *r)
{
	struct klp_symbol *s = r->sym, *f;
	uint64_t at;

	if (!s || !s->sec)
		return NULL;
	if (s->type == STT_FUNC)
		return r->addend == 0 && s->size ? s : NULL;
	if (s->type != STT_SECTION || r->addend < 0)
		return NULL;
	at = (uint64_t)r->addend;
	for (f = klp_elf_symbol_at(elf, s->sec, at); f;
	     f = klp_elf_next_symbol_at(elf, f))
		if (f->type == STT_FUNC && f->size)
			return f;
	return NULL;
}

static int read_section(struct klp_elf *elf, struct klp_section *sec,
			struct klp_symbol *fn[KLP_CB_NKINDS])
{
	const char *kname = sec->name + strlen(KLP_CALLBACK_SECTION_PREFIX);
	int kind = klp_callback_kind_parse(kname);

	if (kind < 0)
		return klp_err("%s: section %s: no callback kind '%s' (pre_patch, post_patch, pre_unpatch, post_unpatch)",
			       elf->name, sec->name, kname);
	if (sec->sh.sh_type != SHT_PROGBITS || sec->sh.sh_size % 8)
		return klp_err("%s: section %s: not a table of 8-byte entries (type %u, size %" PRIu64 ")",
			       elf->name, sec->name, sec->sh.sh_type,
			       (uint64_t)sec->sh.sh_size);
	if (klp_elf_load_relocs(elf, sec))
		return -1;
	if (sec->nreloc != sec->sh.sh_size / 8)
		return klp_err("%s: section %s: %zu relocations for %" PRIu64 " entries; each entry must name one function",
			       elf->name, sec->name, sec->nreloc,
			       (uint64_t)sec->sh.sh_size / 8);
	for (size_t i = 0; i < sec->nreloc; i++) {
		const struct klp_reloc *r = &sec->relocs[i];
		struct klp_symbol *f = target_function(elf, r);

		if (r->type != R_X86_64_64 || r->offset % 8 || !f)
			return klp_err("%s: section %s: the entry at 0x%" PRIx64 " is not a pointer to the start of a function",
				       elf->name, sec->name, r->offset);
		if (fn[kind] && fn[kind] != f)
			return klp_err("%s: two %s callbacks, %s and %s: one of each kind per object (vmlinux or a module)",
				       elf->name, kname, fn[kind]->name, f->name);
		fn[kind] = f;
	}
	return 0;
}

int klp_callbacks_find(struct klp_elf *elf,
		       struct klp_symbol *fn[KLP_CB_NKINDS])
{
	for (int k = 0; k < KLP_CB_NKINDS; k++)
		fn[k] = NULL;
	for (size_t i = 1; i < elf->nsec; i++) {
		struct klp_section *sec = &elf->secs[i];

		if (!sec->name || strncmp(sec->name, KLP_CALLBACK_SECTION_PREFIX,
					  strlen(KLP_CALLBACK_SECTION_PREFIX)))
			continue;
		if (read_section(elf, sec, fn))
			return -1;
	}
	return 0;
}

int klp_callbacks_plan(struct klp_plan *plan, struct klp_plan_object *obj,
		       struct klp_elf *patched)
{
	struct klp_symbol *fn[KLP_CB_NKINDS];
	char text[1024];

	if (klp_callbacks_find(patched, fn))
		return -1;
	for (int k = 0; k < KLP_CB_NKINDS; k++) {
		if (!fn[k])
			continue;
		if (!obj->nreplaces) {
			snprintf(text, sizeof(text),
				 "%s callback %s of object %s: the patch replaces no function of %s, and the livepatch core runs callbacks only for an object it patches",
				 kind_names[k], fn[k]->name, obj->name, obj->name);
			if (klp_plan_add_refusal(plan, text))
				return -1;
			continue;
		}
		if (!klp_plan_add_callback(plan, obj, k, fn[k]->name))
			return -1;
	}
	return 0;
}
