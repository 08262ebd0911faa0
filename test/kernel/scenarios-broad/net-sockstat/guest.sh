. /lib/klp-check.sh
# /proc/net/sockstat is net/ipv4/proc.c's sockstat_seq_show (the broad
# config has NET and INET).
before=$(cat /proc/net/sockstat)
expect_contains "sockstat before loading" "$before" "TCP: inuse"
expect_eq "no marker before loading" "$(grep -c KLP-LTO /proc/net/sockstat)" 0
klp_load /klp.ko "$KLP_NAME"
expect_contains "sockstat while patched" "$(cat /proc/net/sockstat)" "KLP-LTO: patched"
expect_contains "sockstat keeps its lines while patched" "$(cat /proc/net/sockstat)" "FRAG: inuse"
klp_unload "$KLP_NAME"
expect_eq "no marker after disable + rmmod" "$(grep -c KLP-LTO /proc/net/sockstat)" 0
klp_done
