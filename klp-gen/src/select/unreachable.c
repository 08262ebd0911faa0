// SPDX-License-Identifier: GPL-2.0
/* Proving a function unreachable (klp/unreachable.h). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "klp/unreachable.h"
#include "klp/x86_decode.h"

static bool starts(const char *s, const char *prefix)
{
	return s && !strncmp(s, prefix, strlen(prefix));
}

/*
 * Sections whose relocations into a function name places in it to
 * describe them (unwinding, ftrace and patch sites, fixups), or that the
 * kernel's link drops: they neither call it nor keep its address.
 */
bool klp_describes_code(const char *name)
{
	static const char *const prefixes[] = {
		".orc_", ".eh_frame", "__mcount_loc",
		"__patchable_function_entries", "__ex_table", "__jump_table",
		".altinstructions", ".static_call_sites", ".return_sites",
		".call_sites", ".retpoline_sites", ".ibt_endbr_seal",
		"__bug_table", ".smp_locks", ".parainstructions",
		".cfi_sites", ".debug", ".klp.lto", ".discard",
	};

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (starts(name, prefixes[i]))
			return true;
	return false;
}

/* Boot (or, built in, never run) code, freed after boot. */
static bool boot_code(const struct klp_section *sec)
{
	return (sec->sh.sh_flags & SHF_EXECINSTR) &&
	       (starts(sec->name, ".init") || starts(sec->name, ".exit"));
}

/*
 * Is @r, in @sec, the rel32 of a direct call or jump?  Then the code runs
 * the target; it does not keep its address.  Decoded forward from the
 * start of the function holding it (klp/x86_decode.h): a byte before the
 * field that looks like an E8/E9 opcode may belong to a longer instruction.
 * 1 yes, 0 no, -1 error.
 */
static int direct_branch(struct klp_elf *elf, struct klp_section *sec,
			 const struct klp_reloc *r, struct klp_x86_dec **dec)
{
	const struct klp_symbol *f;
	const unsigned char *data;
	struct klp_x86_insn in;
	uint64_t size;
	int rc;

	if ((r->type != R_X86_64_PLT32 && r->type != R_X86_64_PC32) ||
	    r->addend != -4)
		return 0;
	f = klp_elf_holder(elf, sec, r->offset, KLP_HOLD_FUNC);
	if (!f || klp_elf_section_data(elf, sec, &data, &size) || !data ||
	    f->value + f->size > size || r->offset + 4 > f->value + f->size)
		return 0;
	if (!*dec && !(*dec = klp_x86_dec_new()))
		return -1;
	rc = klp_x86_insn_at(*dec, data + f->value, f->size,
			     r->offset - f->value, &in);
	if (rc)
		return rc < 0 ? -1 : 0;
	/* The rel32 is the last 4 bytes of the branch. */
	return in.branch != KLP_X86_OTHER &&
	       in.start + in.len == r->offset - f->value + 4;
}

int klp_unreachable(struct klp_elf *elf, const struct klp_symbol *fn,
		    char *why, size_t whylen)
{
	const struct klp_section *home = fn->sec;
	struct klp_x86_dec *dec = NULL;
	int ret = 1;

	if (!home || fn->value || fn->size < home->sh.sh_size) {
		snprintf(why, whylen, "its code shares section %s with other code, which may reach it without a relocation",
			 home ? home->name : "(none)");
		return 0;
	}
	for (size_t i = elf->hold_first[home->idx];
	     i < elf->hold_first[home->idx + 1]; i++) {
		const struct klp_symbol *s = elf->hold[i];

		if (s->value >= fn->value + fn->size ||
		    s->value + s->size > fn->value + fn->size) {
			snprintf(why, whylen, "%s shares its section %s",
				 s->name, home->name);
			return 0;
		}
	}
	for (size_t i = 0; i < elf->nsec && ret == 1; i++) {
		struct klp_section *sec = &elf->secs[i];

		if (!sec->rela || sec == home ||
		    !(sec->sh.sh_flags & SHF_ALLOC) ||
		    klp_describes_code(sec->name))
			continue;
		if (klp_elf_load_relocs(elf, sec)) {
			ret = -1;
			break;
		}
		for (size_t k = 0; k < sec->nreloc; k++) {
			const struct klp_reloc *r = &sec->relocs[k];
			int d = 0;

			if (!r->sym || r->sym->sec != home ||
			    r->type == R_X86_64_NONE)
				continue;
			if (boot_code(sec))
				d = direct_branch(elf, sec, r, &dec);
			if (d == 1)
				continue;
			if (d < 0) {
				ret = -1;
			} else {
				snprintf(why, whylen, "%s+0x%llx refers to it",
					 sec->name, (unsigned long long)r->offset);
				ret = 0;
			}
			break;
		}
	}
	klp_x86_dec_free(dec);
	return ret;
}
