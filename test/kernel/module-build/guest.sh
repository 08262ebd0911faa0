# Guest half of test-module-build.sh (module klp_module_test at /klp.ko, the
# same module before `klp-gen finalize` at /raw.ko, the kernel's own
# binfmt_misc.ko, the patch's second object, at /binfmt_misc.ko; the same
# module as klp_module_test2 at /klp2.ko).
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

# Atomic replace (/klp2.ko: the same patch as ${name}2, both --replace):
# the shadow variable that counts the reads belongs to the live patch.  v2
# counts on in v1's; v1's rmmod must not free it (the core ran no unpatch
# callback of v1: it was replaced, not disabled); v2's rmmod does.
klp_load /klp.ko $name
expect_eq "replace: v1 read 1" "$(cat /proc/cmdline)" "klp-lto: hooks=3 read=1 cmdline=$before"
klp_load /klp2.ko ${name}2
if wait_gone "$KLP_SYS/$name" 100; then pass "v1 replaced by v2"
else fail "v1 replaced by v2: v1 still a live patch, enabled=$(cat "$KLP_SYS/$name/enabled")"; fi
expect_eq "replace: v2 counts on in v1's shadow variable" "$(cat /proc/cmdline)" "klp-lto: hooks=3 read=2 cmdline=$before"
expect_ok "rmmod v1 after it was replaced" rmmod $name
expect_contains "v1 leaves its shadow variables to v2" "$(dmesg)" "$name: replaced by another live patch: its shadow variables stay"
expect_eq "replace: v2's count survives v1's rmmod" "$(cat /proc/cmdline)" "klp-lto: hooks=3 read=3 cmdline=$before"
klp_unload ${name}2
expect_eq "cmdline after v2 is gone" "$(cat /proc/cmdline)" "$before"
expect_contains "v2 frees the shadow variable on rmmod" "$(dmesg)" "klp_module_test: shadow variable freed after 3 reads"
klp_done
