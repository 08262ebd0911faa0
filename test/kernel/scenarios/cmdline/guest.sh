. /lib/klp-check.sh
before=$(cat /proc/cmdline)
expect_contains "cmdline before loading" "$before" "console=ttyS0"
klp_load /klp.ko "$KLP_NAME"
expect_eq "cmdline while patched" "$(cat /proc/cmdline)" "klp-lto: $before"
klp_unload "$KLP_NAME"
expect_eq "cmdline after disable + rmmod" "$(cat /proc/cmdline)" "$before"
klp_done
