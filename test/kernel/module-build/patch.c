// SPDX-License-Identifier: GPL-2.0
/*
 * A hand-made "patch.o" for test-module-build.sh, as `klp-gen extract`
 * would deliver it, for a plan with two objects:
 *   0. vmlinux: the new code of fs/proc/cmdline.c:cmdline_proc_show(),
 *      klp_lto_new_0, calling exported functions by their plain names and
 *      reaching the non-exported saved_command_line through the livepatch
 *      symbol .klp.sym.vmlinux.saved_command_line,0, which only
 *      `klp-gen finalize` makes loadable.  It also calls into the hooks file
 *      (hooks.c), which counts the reads in a shadow variable.
 *   1. the module binfmt_misc: the new code of its bm_status_read(),
 *      klp_lto_new_1, reading the module's static bm_fs_type through
 *      .klp.sym.binfmt_misc.bm_fs_type,0: a livepatch relocation that the
 *      kernel can only apply when binfmt_misc loads.
 *
 * Compiled on its own with clang (no kernel headers), hence the declarations.
 * With -DKLP_TEST_PLAIN_NAME it names saved_command_line directly, which the
 * module build must refuse (the loader could not resolve it).
 */
struct seq_file;

void seq_printf(struct seq_file *m, const char *fmt, ...);

#ifdef KLP_TEST_PLAIN_NAME
extern char *klp_test_cmdline __asm__("saved_command_line");
#else
extern char *klp_test_cmdline __asm__(".klp.sym.vmlinux.saved_command_line,0");
#endif

/* hooks.c */
extern int klp_test_hooks_ran;
unsigned int klp_test_count_read(void *obj);

int klp_lto_new_0(struct seq_file *m, void *v);
long klp_lto_new_1(void *file, char *buf, unsigned long nbytes, long long *ppos);

int snprintf(char *buf, unsigned long size, const char *fmt, ...);
long simple_read_from_buffer(void *to, unsigned long count, long long *ppos,
			     const void *from, unsigned long available);
/* binfmt_misc's static struct file_system_type; its first member is .name. */
extern const char *const klp_test_bm_fs_name __asm__(".klp.sym.binfmt_misc.bm_fs_type,0");

int klp_lto_new_0(struct seq_file *m, void *v)
{
	unsigned int n = klp_test_count_read(klp_test_cmdline);

	seq_printf(m, "klp-lto: hooks=%d read=%u cmdline=%s\n",
		   klp_test_hooks_ran, n, klp_test_cmdline);
	return 0;
}

long klp_lto_new_1(void *file, char *buf, unsigned long nbytes, long long *ppos)
{
	char s[64];
	int n = snprintf(s, sizeof(s), "klp-lto: patched %s status\n",
			 klp_test_bm_fs_name);

	return simple_read_from_buffer(buf, nbytes, ppos, s, n);
}
