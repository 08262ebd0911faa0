. /lib/klp-check.sh
expect_contains "the kernel runs kCFI (cfi=auto, no IBT under TCG)" "$(dmesg)" "Using kCFI"
before=$(cat /proc/cmdline)
klp_load /klp.ko "$KLP_NAME"
expect_eq "cmdline while patched (indirect call in the new code)" "$(cat /proc/cmdline)" "klp-kcfi: $before"
expect_eq "no CFI failure" "$(dmesg | grep -c 'CFI failure')" 0
klp_unload "$KLP_NAME"
expect_eq "cmdline after disable + rmmod" "$(cat /proc/cmdline)" "$before"
klp_done
