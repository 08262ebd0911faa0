. /lib/klp-check.sh
expect_eq "no klp-lto line in /proc/version before loading" "$(grep -c 'klp-lto' /proc/version)" 0
klp_load /klp.ko "$KLP_NAME"
expect_eq "first read while patched: new function, new counter" "$(head -1 /proc/version)" "klp-lto reads: 1"
expect_eq "second read: the module's own counter went up" "$(head -1 /proc/version)" "klp-lto reads: 2"
klp_unload "$KLP_NAME"
expect_eq "no klp-lto line after disable + rmmod" "$(grep -c 'klp-lto' /proc/version)" 0
klp_done
