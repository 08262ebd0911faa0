/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kCFI preambles (CONFIG_CFI_CLANG, docs/klp-gen.md "kCFI and FineIBT"):
 * `__cfi_<name>`, the type hash (`mov $hash, %eax`) and patchable-entry
 * NOPs that clang puts in front of a function whose address may be taken,
 * ending at most KLP_KCFI_MAX_GAP bytes before the function's entry, in
 * its section.  Local names repeat: a preamble belongs to the function of
 * its name that it precedes.
 */
#ifndef KLP_KCFI_H
#define KLP_KCFI_H

#include "klp/elf.h"

#define KLP_KCFI_PREFIX		"__cfi_"
/* 16 bytes in Linux 6.12 x86; room for other paddings. */
#define KLP_KCFI_MAX_GAP	64

/* The preamble of function @fn of @e: *@pre, NULL if none.  -1: no memory. */
int klp_kcfi_preamble_of(const struct klp_elf *e, const struct klp_symbol *fn,
			 struct klp_symbol **pre);

/*
 * If @s is a preamble, the function it belongs to: *@fn (NULL if @s is
 * not a preamble or precedes no function of its name).  -1: no memory.
 */
int klp_kcfi_owner_of(const struct klp_elf *e, const struct klp_symbol *s,
		      struct klp_symbol **fn);

#endif /* KLP_KCFI_H */
