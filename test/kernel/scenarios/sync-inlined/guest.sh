. /lib/klp-check.sh
n_msgs() { dmesg | grep -c 'klp-lto: sync called'; }
sync
expect_eq "no message before loading" "$(n_msgs)" 0
klp_load /klp.ko "$KLP_NAME"
sync
expect_eq "sync(2) runs the new code while patched" "$(n_msgs)" 1
klp_unload "$KLP_NAME"
sync
expect_eq "old code again after disable + rmmod" "$(n_msgs)" 1
klp_done
