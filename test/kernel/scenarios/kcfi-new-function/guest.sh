. /lib/klp-check.sh
# scenarios-flaky/kcfi-fineibt shares this file; its command line forces FineIBT.
mode=kCFI
case " $(cat /proc/cmdline) " in *" cfi=fineibt "*) mode="FineIBT CFI" ;; esac
expect_contains "the kernel's CFI mode" "$(dmesg)" "Using $mode"
expect_eq "no klp-kcfi line before loading" "$(grep -c 'klp-kcfi' /proc/version)" 0
klp_load /klp.ko "$KLP_NAME"
expect_eq "first read: the new function, called through a pointer" "$(head -1 /proc/version)" "klp-kcfi calls: 1"
expect_eq "second read" "$(head -1 /proc/version)" "klp-kcfi calls: 2"
expect_eq "no CFI failure" "$(dmesg | grep -c 'CFI failure')" 0
klp_unload "$KLP_NAME"
expect_eq "no klp-kcfi line after disable + rmmod" "$(grep -c 'klp-kcfi' /proc/version)" 0
klp_done
