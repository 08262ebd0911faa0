. /lib/klp-check.sh
mkdir -p /tmp/klp-dir && touch /tmp/klp-dir/klp-hidden /tmp/klp-dir/visible
expect_eq "klp-hidden listed before loading" "$(ls /tmp/klp-dir | tr '\n' ' ')" "klp-hidden visible "
expect_eq "getdents64 to an unmapped buffer: EFAULT before loading" "$(/bin/getdents-efault /tmp/klp-dir)" EFAULT
klp_load /klp.ko "$KLP_NAME"
expect_eq "klp-hidden hidden while patched" "$(ls /tmp/klp-dir | tr '\n' ' ')" "visible "
expect_eq "getdents64 to an unmapped buffer: EFAULT while patched (exception table)" "$(/bin/getdents-efault /tmp/klp-dir)" EFAULT
klp_unload "$KLP_NAME"
expect_eq "klp-hidden listed after disable + rmmod" "$(ls /tmp/klp-dir | tr '\n' ' ')" "klp-hidden visible "
klp_done
