. /lib/klp-check.sh
n_lines() { grep -c '^klp-lto' /proc/cpuinfo; }
expect_eq "no klp-lto line in /proc/cpuinfo before loading" "$(n_lines)" 0
klp_load /klp.ko "$KLP_NAME"
expect_eq "/proc/cpuinfo shows the patched line" "$(n_lines)" "$(grep -c '^processor' /proc/cpuinfo)"
klp_unload "$KLP_NAME"
expect_eq "no klp-lto line after disable + rmmod" "$(n_lines)" 0
klp_done
