. /lib/klp-check.sh
before=$(uname -r)
expect_ne "release before loading" "$before" "klp-lto"
klp_load /klp.ko "$KLP_NAME"
expect_eq "release while patched" "$(uname -r)" "klp-lto"
klp_unload "$KLP_NAME"
expect_eq "release after disable + rmmod" "$(uname -r)" "$before"
klp_done
