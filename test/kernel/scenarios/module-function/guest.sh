. /lib/klp-check.sh
# The target module is loaded before the patch (its live symbol table) and
# again while the patch is enabled (the livepatch core patches it as it
# comes, resolving .klp.sym.binfmt_misc.* against its loading symbol table).
bmfs=/proc/sys/fs/binfmt_misc
version=$(cat /proc/version)
expect_contains "version before loading" "$version" "Linux version"
expect_ok "insmod binfmt_misc" insmod /binfmt_misc.ko
expect_ok "mount binfmt_misc" mount -t binfmt_misc none $bmfs
expect_eq "status before loading" "$(cat $bmfs/status)" "enabled"
klp_load /klp.ko "$KLP_NAME"
expect_eq "version while patched (vmlinux)" "$(cat /proc/version)" "klp-lto: $version"
expect_eq "status while patched" "$(cat $bmfs/status)" "klp-lto binfmt_misc: enabled"
expect_ok "disable binfmt_misc" sh -c "echo 0 > $bmfs/status"
expect_eq "status while patched, disabled" "$(cat $bmfs/status)" "klp-lto binfmt_misc: disabled"
expect_ok "umount binfmt_misc" umount $bmfs
expect_ok "rmmod binfmt_misc while patched" rmmod binfmt_misc
expect_ok "insmod binfmt_misc while patched" insmod /binfmt_misc.ko
expect_ok "mount binfmt_misc again" mount -t binfmt_misc none $bmfs
expect_eq "status of the module loaded after the patch" "$(cat $bmfs/status)" "klp-lto binfmt_misc: enabled"
klp_unload "$KLP_NAME"
expect_eq "version after disable + rmmod" "$(cat /proc/version)" "$version"
expect_eq "status after disable + rmmod" "$(cat $bmfs/status)" "enabled"
expect_ok "umount binfmt_misc at the end" umount $bmfs
expect_ok "rmmod binfmt_misc at the end" rmmod binfmt_misc
klp_done
