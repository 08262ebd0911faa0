// SPDX-License-Identifier: GPL-2.0
/*
 * A hand-made "patch.o" for test-module-build.sh: the new code of
 * fs/proc/cmdline.c:cmdline_proc_show() as `klp-gen extract` would deliver
 * it: the global function klp_lto_new_0, calling exported functions by their
 * plain names and reaching the non-exported saved_command_line through the
 * livepatch symbol .klp.sym.vmlinux.saved_command_line,0, which only
 * `klp-gen finalize` makes loadable.  It also calls into the hooks file
 * (hooks.c), which counts the reads in a shadow variable.
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

int klp_lto_new_0(struct seq_file *m, void *v)
{
	unsigned int n = klp_test_count_read(klp_test_cmdline);

	seq_printf(m, "klp-lto: hooks=%d read=%u cmdline=%s\n",
		   klp_test_hooks_ran, n, klp_test_cmdline);
	return 0;
}
