// SPDX-License-Identifier: GPL-2.0
/*
 * The hooks file of test-module-build.sh's module (see runtime/klp_lto.h):
 * callbacks that leave a trace in the kernel log and in klp_test_hooks_ran
 * (which the new cmdline_proc_show prints), and a shadow variable, owned by
 * the patch, that counts the reads of /proc/cmdline.
 */
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/printk.h>

#include "klp_lto.h"

#define KLP_TEST_SHADOW_READS	0x6b6c7001UL

int klp_test_hooks_ran;

static const char *objname(struct klp_object *obj)
{
	return klp_lto_is_vmlinux(obj) ? "vmlinux" : obj->name;
}

static int klp_test_pre_patch(struct klp_object *obj)
{
	klp_test_hooks_ran |= 1;
	pr_info("klp_module_test: pre_patch %s\n", objname(obj));
	return 0;
}

static void klp_test_post_patch(struct klp_object *obj)
{
	klp_test_hooks_ran |= 2;
	pr_info("klp_module_test: post_patch %s\n", objname(obj));
}

static void klp_test_pre_unpatch(struct klp_object *obj)
{
	pr_info("klp_module_test: pre_unpatch %s\n", objname(obj));
}

static void klp_test_post_unpatch(struct klp_object *obj)
{
	pr_info("klp_module_test: post_unpatch %s\n", objname(obj));
}

/* Called by the new code for every read of /proc/cmdline. */
unsigned int klp_test_count_read(void *obj);
unsigned int klp_test_count_read(void *obj)
{
	unsigned int *n = klp_shadow_get_or_alloc(obj, KLP_TEST_SHADOW_READS,
						  sizeof(*n), GFP_KERNEL,
						  NULL, NULL);

	return n ? ++*n : 0;
}

static void klp_test_shadow_dtor(void *obj, void *shadow_data)
{
	pr_info("klp_module_test: shadow variable freed after %u reads\n",
		*(unsigned int *)shadow_data);
}

static const struct klp_lto_shadow klp_test_shadows[] = {
	{ KLP_TEST_SHADOW_READS, klp_test_shadow_dtor },
};

const struct klp_lto_hooks klp_lto_hooks = {
	.pre_patch = klp_test_pre_patch,
	.post_patch = klp_test_post_patch,
	.pre_unpatch = klp_test_pre_unpatch,
	.post_unpatch = klp_test_post_unpatch,
	.shadows = klp_test_shadows,
	.nshadows = ARRAY_SIZE(klp_test_shadows),
};
