/* SPDX-License-Identifier: GPL-2.0 */
/*
 * klp-lto: livepatch callbacks written in the patched source itself.
 *
 * scripts/klp-build.sh installs this header into the patched copy of the
 * source tree (include/klp-lto/patch-hooks.h), so a patch can add
 *
 *	#include <klp-lto/patch-hooks.h>
 *
 *	static int my_setup(struct klp_object *obj) { ... return 0; }
 *	KLP_PRE_PATCH_CALLBACK(my_setup);
 *
 * to the .c file it patches.  The function is compiled with the rest of that
 * file (it may use the file's statics), and the macro puts its address into
 * the section ".rodata..klp_lto_callback.<kind>" of the patched build.
 * `klp-gen diff` finds it there, names it in the plan (`callback pre_patch
 * my_setup`), `klp-gen extract` copies it into the module like a new
 * function and `klp-gen glue` makes it the callback of the klp_object of the
 * file's object: vmlinux, or the module the file is part of.  The
 * semantics are those of Documentation/livepatch/callbacks.rst.
 *
 * One callback of each kind per object: a second one of the same kind is
 * refused (in one file by the compiler: the variable is defined twice).  A
 * callback in an object of which the patch replaces no function is refused:
 * the livepatch core runs callbacks per patched object only.
 *
 * The section name: ".rodata.*" is placed by vmlinux's linker script (no
 * orphan section warning); "..", not matched by module.lds's
 * ".rodata.[0-9a-zA-Z_]*", keeps it a section of its own in a module's .ko,
 * where klp-gen looks for it.  Its entries are never used at run time.
 */
#ifndef KLP_LTO_PATCH_HOOKS_H
#define KLP_LTO_PATCH_HOOKS_H

struct klp_object;

#define __KLP_LTO_CALLBACK(kind, ret, fn)				\
	static ret (*const __klp_lto_callback_##kind)(struct klp_object *) \
	__attribute__((__used__,					\
		       __section__(".rodata..klp_lto_callback." #kind))) = (fn)

/* int fn(struct klp_object *obj): non-zero refuses the patch (or module). */
#define KLP_PRE_PATCH_CALLBACK(fn)	__KLP_LTO_CALLBACK(pre_patch, int, fn)
/* void fn(struct klp_object *obj) for the three others. */
#define KLP_POST_PATCH_CALLBACK(fn)	__KLP_LTO_CALLBACK(post_patch, void, fn)
#define KLP_PRE_UNPATCH_CALLBACK(fn)	__KLP_LTO_CALLBACK(pre_unpatch, void, fn)
#define KLP_POST_UNPATCH_CALLBACK(fn)	__KLP_LTO_CALLBACK(post_unpatch, void, fn)

#endif /* KLP_LTO_PATCH_HOOKS_H */
