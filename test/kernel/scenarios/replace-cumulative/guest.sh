# Atomic replace: v1 (/klp1.ko, $KLP_NAME1: fix A) and v2 (/klp.ko,
# $KLP_NAME: fix A + fix B, cumulative), both built with klp-build.sh's
# default --replace.
. /lib/klp-check.sh
cmdline=$(cat /proc/cmdline)
version=$(cat /proc/version)
expect_contains "cmdline before loading" "$cmdline" "console=ttyS0"

klp_load /klp1.ko "$KLP_NAME1"
expect_eq "v1: fix A in /proc/cmdline" "$(cat /proc/cmdline)" "klp-lto A: $cmdline"
expect_eq "v1: /proc/version unchanged" "$(cat /proc/version)" "$version"

# v2's transition completes (klp_load); the livepatch core then disables v1
# (enabled 0) and frees it: its sysfs dir goes, and its module can go.
klp_load /klp.ko "$KLP_NAME"
if wait_gone "$KLP_SYS/$KLP_NAME1" 100; then pass "v1 replaced by v2"
else fail "v1 replaced by v2: v1 is still a live patch, enabled=$(cat "$KLP_SYS/$KLP_NAME1/enabled")"; fi
expect_ok "rmmod v1" rmmod "$KLP_NAME1"
expect_eq "v2: fixes A and B in /proc/cmdline" "$(cat /proc/cmdline)" "klp-lto A: B: $cmdline"
expect_eq "v2: fix B in /proc/version" "$(cat /proc/version)" "klp-lto B
$version"

klp_unload "$KLP_NAME"
expect_eq "cmdline after disable + rmmod of v2" "$(cat /proc/cmdline)" "$cmdline"
expect_eq "version after disable + rmmod of v2" "$(cat /proc/version)" "$version"
expect_ok "no live patch left" sh -c "[ -z \"\$(ls $KLP_SYS)\" ]"
klp_done
