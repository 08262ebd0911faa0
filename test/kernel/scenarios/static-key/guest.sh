. /lib/klp-check.sh
before=$(cat /proc/cmdline)
expect_contains "the static key is enabled on the command line" "$before" "init_on_alloc=1"
klp_load /klp.ko "$KLP_NAME"
expect_eq "cmdline while patched takes the static-key branch" "$(cat /proc/cmdline)" "klp-lto: init_on_alloc $before"
klp_unload "$KLP_NAME"
expect_eq "cmdline after disable + rmmod" "$(cat /proc/cmdline)" "$before"
klp_done
