/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Livepatch callbacks written in the patched source
 * (runtime/include/klp-lto/patch-hooks.h): KLP_PRE_PATCH_CALLBACK(fn) and
 * its three siblings put the address of fn, as an 8-byte entry with an
 * R_X86_64_64 relocation, into the section
 * ".rodata..klp_lto_callback.<kind>" of the patched build.  This finds them
 * in a patched vmlinux.o or module .ko, for `klp-gen diff` (the plan's
 * `callback` lines) and `klp-gen extract` (the code it copies).
 */
#ifndef KLP_CALLBACKS_H
#define KLP_CALLBACKS_H

#include "klp/elf.h"

enum klp_callback_kind {
	KLP_CB_PRE_PATCH,
	KLP_CB_POST_PATCH,
	KLP_CB_PRE_UNPATCH,
	KLP_CB_POST_UNPATCH,
	KLP_CB_NKINDS
};

/* "pre_patch" ... (the struct klp_callbacks member); NULL if out of range. */
const char *klp_callback_kind_name(enum klp_callback_kind kind);
/* The kind named @s; -1 if none. */
int klp_callback_kind_parse(const char *s);

/* The section prefix the header writes to (the kind's name follows). */
#define KLP_CALLBACK_SECTION_PREFIX	".rodata..klp_lto_callback."

/*
 * The callback functions of @elf, one slot per kind (NULL: none).  Refused
 * (-1, klp_errmsg() names the file, the section and the functions): two
 * entries of one kind (two files of one object, each with a pre_patch
 * callback), a section of an unknown kind, an entry that is not one 8-byte
 * R_X86_64_64 pointer to the first byte of a sized function (a
 * section written by something else than the header).
 */
int klp_callbacks_find(struct klp_elf *elf,
		       struct klp_symbol *fn[KLP_CB_NKINDS]);

struct klp_plan;
struct klp_plan_object;

/*
 * `klp-gen diff`: adds the callbacks of @patched (the patched side of @obj)
 * to @obj of @plan, after its replace entries.  An object whose plan replaces
 * no function gets a refusal instead (the livepatch core runs callbacks only
 * for an object it patches).  -1 with klp_errmsg() set on a malformed or
 * doubled entry (see klp_callbacks_find()).
 */
int klp_callbacks_plan(struct klp_plan *plan, struct klp_plan_object *obj,
		       struct klp_elf *patched);

#endif /* KLP_CALLBACKS_H */
