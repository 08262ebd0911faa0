# Callbacks and a shadow variable written in the patched source with
# <klp-lto/patch-hooks.h> (what test-module-build.sh's hooks file does, in
# the patch itself): fs/proc/cmdline.c has all four callbacks of vmlinux,
# counts the reads of /proc/cmdline in a shadow variable and frees it in
# its post_unpatch callback; fs/binfmt_misc.c has two callbacks of the
# module object binfmt_misc, which run as that module comes and goes.
. /lib/klp-check.sh
before=$(cat /proc/cmdline)
bmfs=/proc/sys/fs/binfmt_misc
expect_contains "cmdline before loading" "$before" "console=ttyS0"

klp_load /klp.ko "$KLP_NAME"
expect_contains "pre_patch callback ran" "$(dmesg)" "klp_callbacks: pre_patch vmlinux"
expect_contains "post_patch callback ran" "$(dmesg)" "klp_callbacks: post_patch vmlinux"
expect_eq "cmdline while patched, read 1" "$(cat /proc/cmdline)" "klp-lto: hooks=3 read=1 cmdline=$before"
expect_eq "cmdline while patched, read 2" "$(cat /proc/cmdline)" "klp-lto: hooks=3 read=2 cmdline=$before"
# Only vmlinux's callbacks ran: binfmt_misc is not loaded yet.
expect_eq "no binfmt_misc callback before it loads" "$(dmesg | grep -c 'binfmt_misc.c')" 0

expect_ok "insmod binfmt_misc while patched" insmod /binfmt_misc.ko
expect_contains "binfmt_misc's post_patch callback ran" "$(dmesg)" "klp_callbacks: post_patch binfmt_misc (binfmt_misc.c)"
expect_eq "vmlinux's callbacks ran once" "$(dmesg | grep -c 'post_patch vmlinux')" 1
expect_ok "mount binfmt_misc" mount -t binfmt_misc none $bmfs
expect_eq "binfmt_misc status while patched" "$(cat $bmfs/status)" "klp-lto: enabled"
expect_ok "umount binfmt_misc" umount $bmfs
expect_ok "rmmod binfmt_misc while patched" rmmod binfmt_misc
expect_contains "binfmt_misc's pre_unpatch callback ran" "$(dmesg)" "klp_callbacks: pre_unpatch binfmt_misc (binfmt_misc.c)"

klp_unload "$KLP_NAME"
expect_eq "cmdline after disable + rmmod" "$(cat /proc/cmdline)" "$before"
expect_contains "pre_unpatch callback ran" "$(dmesg)" "klp_callbacks: pre_unpatch vmlinux"
expect_contains "post_unpatch callback ran" "$(dmesg)" "klp_callbacks: post_unpatch vmlinux"
expect_contains "shadow variable freed by post_unpatch" "$(dmesg)" "klp_callbacks: shadow variable freed after 2 reads"
expect_ok "insmod binfmt_misc, unpatched" insmod /binfmt_misc.ko
expect_ok "mount binfmt_misc again" mount -t binfmt_misc none $bmfs
expect_eq "binfmt_misc status after the patch is gone" "$(cat $bmfs/status)" "enabled"
expect_ok "umount binfmt_misc at the end" umount $bmfs
expect_ok "rmmod binfmt_misc at the end" rmmod binfmt_misc
klp_done
