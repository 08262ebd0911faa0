/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Is a function of a relocatable object (vmlinux.o, a module) unreachable,
 * as a fact of the object and not a guess (docs/selection.md, "Changed
 * but unreachable")?  `diff` asks it about a changed function that ftrace
 * cannot patch and that no caller could stand in for; `verify` asks it
 * again, independently of the plan's word, before it accepts the plan's
 * `unreachable` line for a changed function.
 */
#ifndef KLP_UNREACHABLE_H
#define KLP_UNREACHABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "klp/elf.h"

/*
 * 1 if nothing can reach @fn's code: it is alone in its section (so no
 * other code reaches it without a relocation), and no relocation of an
 * allocated section points into that section, except from the function
 * itself, from sections that only describe code at that place (ORC,
 * __mcount_loc, the exception, jump, bug and alternative tables, objtool's
 * site lists, .ibt_endbr_seal), from .discard.* (dropped by the kernel's
 * link), and direct calls or jumps from .init/.exit code (run at boot, or
 * never, and freed).  A relocation from anything else (code, data, an
 * export entry, an address taken in boot code) means it may be reached.
 * 0 if not proven (@why says why), -1 on error.
 */
int klp_unreachable(struct klp_elf *elf, const struct klp_symbol *fn,
		    char *why, size_t whylen);
/* Does section @name only describe code (the tables listed above)? */
bool klp_describes_code(const char *name);

#endif /* KLP_UNREACHABLE_H */
