. /lib/klp-check.sh
# /sys/fs/ext4/features/* read through fs/ext4/sysfs.c's ext4_attr_show
# (EXT4 built in; no ext4 file system needs to be mounted).
f=/sys/fs/ext4/features/lazy_itable_init
expect_eq "ext4 feature before loading" "$(cat $f)" "supported"
klp_load /klp.ko "$KLP_NAME"
expect_eq "ext4 feature while patched" "$(cat $f)" "supported (klp-lto)"
klp_unload "$KLP_NAME"
expect_eq "ext4 feature after disable + rmmod" "$(cat $f)" "supported"
klp_done
