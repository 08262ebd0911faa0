/* SPDX-License-Identifier: GPL-2.0 */
/*
 * klp-lto module runtime: what a patch author may add to a generated live
 * patch module.
 *
 * The generated module replaces the functions of its plan and has no state
 * of its own.  A patch that needs more (set up data before the new code runs,
 * undo it afterwards, attach new fields to existing objects) comes with one C
 * file, passed as `scripts/klp-build-module.sh --hooks FILE.c`, that is
 * compiled into the module with the kernel's flags and defines
 *
 *	#include "klp_lto.h"
 *
 *	static int my_pre_patch(struct klp_object *obj) { ... return 0; }
 *
 *	const struct klp_lto_hooks klp_lto_hooks = {
 *		.pre_patch = my_pre_patch,
 *		.shadows = my_shadows,
 *		.nshadows = ARRAY_SIZE(my_shadows),
 *	};
 *
 * Every member is optional.  The callbacks are installed on every object of
 * the patch (vmlinux and each patched module) with the semantics of
 * Documentation/livepatch/callbacks.rst: they run when that object is
 * patched or unpatched (for a module: also when it loads or goes away while
 * the patch is enabled); klp_lto_is_vmlinux() tells which object it is.
 *
 * Shadow variables (Documentation/livepatch/shadow-vars.rst): the hooks file
 * and the new code use klp_shadow_get(), klp_shadow_get_or_alloc() and
 * friends directly; the ids listed in .shadows are owned by this patch, and
 * the runtime frees every shadow variable with such an id (calling its dtor)
 * when the module is removed, that is after the patch was disabled and no
 * task can run the new code any more.
 */
#ifndef KLP_LTO_H
#define KLP_LTO_H

#include <linux/livepatch.h>
#include <linux/types.h>

struct klp_lto_shadow {
	unsigned long id;
	klp_shadow_dtor_t dtor;		/* may be NULL */
};

struct klp_lto_hooks {
	int (*pre_patch)(struct klp_object *obj);
	void (*post_patch)(struct klp_object *obj);
	void (*pre_unpatch)(struct klp_object *obj);
	void (*post_unpatch)(struct klp_object *obj);
	const struct klp_lto_shadow *shadows;
	size_t nshadows;
};

/* Defined by the hooks file, if the module has one. */
extern const struct klp_lto_hooks klp_lto_hooks;

static inline bool klp_lto_is_vmlinux(const struct klp_object *obj)
{
	return !obj->name;
}

#endif /* KLP_LTO_H */
