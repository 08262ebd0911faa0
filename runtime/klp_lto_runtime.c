// SPDX-License-Identifier: GPL-2.0
/*
 * klp-lto module runtime: the C part of every live patch module that
 * scripts/klp-build-module.sh builds.  The tables come from glue.h (written
 * by `klp-gen glue` from the plan), the new code from patch.o (written by
 * `klp-gen extract`, with the callbacks written in the patched source), the
 * optional callbacks and shadow variable ids of the patch author's hooks
 * file (see klp_lto.h).  All this file does is put
 * them into a struct klp_patch and hand it to the livepatch core.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/module.h>

#include "klp_lto.h"
#include "glue.h"

#if KLP_LTO_GLUE_VERSION != 2
#error "glue.h comes from a klp-gen whose glue format this runtime does not know"
#endif

#ifdef KLP_LTO_HAVE_HOOKS
#define KLP_LTO_HOOKS (&klp_lto_hooks)
#else
static const struct klp_lto_hooks klp_lto_no_hooks;
#define KLP_LTO_HOOKS (&klp_lto_no_hooks)
#endif

static struct klp_patch klp_lto_patch = {
	.mod = THIS_MODULE,
	.objs = klp_lto_objs,
	/*
	 * klp-build.sh --replace (its default): a cumulative patch that takes
	 * over from every live patch loaded before it, see docs/klp-gen.md.
	 */
	.replace = KLP_LTO_REPLACE,
};

/*
 * An object's callbacks come from the patched source (patch-hooks.h: glue.h
 * has them, for the object of the file) or from the hooks file (for every
 * object).  One of each kind per object: both for one object is refused.
 */
#define KLP_LTO_TAKE_HOOK(obj, hooks, kind)				\
	do {								\
		if (!(hooks)->kind)					\
			break;						\
		if ((obj)->callbacks.kind) {				\
			pr_err("object %s: a " #kind " callback in the patch (patch-hooks.h) and one in the hooks file; one of each kind per object\n", \
			       (obj)->name ? (obj)->name : "vmlinux");	\
			return -EINVAL;					\
		}							\
		(obj)->callbacks.kind = (hooks)->kind;			\
	} while (0)

/*
 * Whether this patch was disabled (its unpatching transition completed), as
 * opposed to replaced by an atomic replace patch: the core calls the
 * objects' post_unpatch callbacks in the first case only (for a replaced
 * patch only the new patch's callbacks run).  A replaced patch's shadow
 * variables are its successor's, which carries the same fixes: they must
 * stay.  The wrapper below records it (only for a hooks file that lists
 * shadow ids, the only user).
 */
static bool klp_lto_unpatched;
static void (*klp_lto_post_unpatch_fn[ARRAY_SIZE(klp_lto_objs)])(struct klp_object *obj);

static void klp_lto_post_unpatch(struct klp_object *obj)
{
	void (*fn)(struct klp_object *obj) = klp_lto_post_unpatch_fn[obj - klp_lto_objs];

	/* Not when a patched module goes while the patch stays enabled. */
	if (!klp_lto_patch.enabled)
		klp_lto_unpatched = true;
	if (fn)
		fn(obj);
}

static int __init klp_lto_init(void)
{
	const struct klp_lto_hooks *hooks = KLP_LTO_HOOKS;
	struct klp_object *obj;

	for (obj = klp_lto_objs; obj->funcs; obj++) {
		KLP_LTO_TAKE_HOOK(obj, hooks, pre_patch);
		KLP_LTO_TAKE_HOOK(obj, hooks, post_patch);
		KLP_LTO_TAKE_HOOK(obj, hooks, pre_unpatch);
		KLP_LTO_TAKE_HOOK(obj, hooks, post_unpatch);
		if (hooks->nshadows) {
			klp_lto_post_unpatch_fn[obj - klp_lto_objs] =
				obj->callbacks.post_unpatch;
			obj->callbacks.post_unpatch = klp_lto_post_unpatch;
		}
	}
	return klp_enable_patch(&klp_lto_patch);
}

/*
 * A live patch module can only be removed once its patch is disabled (or
 * replaced) and the transition is over: no task runs its new code.  If it
 * was disabled, nothing else knows its shadow variables, so they can go; if
 * an atomic replace patch took over, they are that patch's now.
 */
static void __exit klp_lto_exit(void)
{
	const struct klp_lto_hooks *hooks = KLP_LTO_HOOKS;
	size_t i;

	if (hooks->nshadows && !klp_lto_unpatched) {
		pr_info("replaced by another live patch: its shadow variables stay\n");
		return;
	}
	for (i = 0; i < hooks->nshadows; i++)
		klp_shadow_free_all(hooks->shadows[i].id,
				    hooks->shadows[i].dtor);
}

module_init(klp_lto_init);
module_exit(klp_lto_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("live patch built by klp-lto");
MODULE_INFO(livepatch, "Y");
