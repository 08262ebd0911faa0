# Guest half of test-module-build.sh (module klp_module_test at /klp.ko, the
# same module before `klp-gen finalize` at /raw.ko, the kernel's own
# binfmt_misc.ko, the patch's second object, at /binfmt_misc.ko).
. /lib/klp-check.sh
name=klp_module_test
before=$(cat /proc/cmdline)
expect_contains "cmdline before loading" "$before" "console=ttyS0"

# Without finalize the loader cannot resolve the .klp.sym reference.
if insmod /raw.ko 2>/dev/null; then
	fail "the module before finalize loaded"
	rmmod $name
else
	pass "the module before finalize is refused"
fi
expect_contains "loader names the .klp.sym symbol" "$(dmesg | grep 'Unknown symbol')" \
	".klp.sym.vmlinux.saved_command_line,0"

klp_load /klp.ko $name
expect_contains "pre_patch callback ran" "$(dmesg)" "klp_module_test: pre_patch vmlinux"
expect_contains "post_patch callback ran" "$(dmesg)" "klp_module_test: post_patch vmlinux"
expect_eq "cmdline while patched, read 1" "$(cat /proc/cmdline)" "klp-lto: hooks=3 read=1 cmdline=$before"
expect_eq "cmdline while patched, read 2" "$(cat /proc/cmdline)" "klp-lto: hooks=3 read=2 cmdline=$before"
# The module object: binfmt_misc loads after the patch; the livepatch core
# then applies .klp.rela.binfmt_misc.* and patches bm_status_read.
bmfs=/proc/sys/fs/binfmt_misc
expect_ok "insmod binfmt_misc" insmod /binfmt_misc.ko
expect_contains "post_patch callback ran for binfmt_misc" "$(dmesg)" "klp_module_test: post_patch binfmt_misc"
expect_ok "mount binfmt_misc" mount -t binfmt_misc none $bmfs
expect_eq "binfmt_misc status while patched" "$(cat $bmfs/status)" "klp-lto: patched binfmt_misc status"
umount $bmfs
expect_ok "rmmod binfmt_misc" rmmod binfmt_misc
expect_contains "post_unpatch callback ran for binfmt_misc" "$(dmesg)" "klp_module_test: post_unpatch binfmt_misc"

klp_unload $name
expect_eq "cmdline after disable + rmmod" "$(cat /proc/cmdline)" "$before"
expect_contains "pre_unpatch callback ran" "$(dmesg)" "klp_module_test: pre_unpatch vmlinux"
expect_contains "post_unpatch callback ran" "$(dmesg)" "klp_module_test: post_unpatch vmlinux"
expect_contains "shadow variable freed on rmmod" "$(dmesg)" "klp_module_test: shadow variable freed after 2 reads"
expect_ok "insmod binfmt_misc, unpatched" insmod /binfmt_misc.ko
expect_ok "mount binfmt_misc again" mount -t binfmt_misc none $bmfs
expect_eq "binfmt_misc status after the patch is gone" "$(cat $bmfs/status)" "enabled"
umount $bmfs
expect_ok "module gone from /proc/modules" sh -c "! grep -q '^$name ' /proc/modules"
klp_done
