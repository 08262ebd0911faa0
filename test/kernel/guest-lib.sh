# Guest-side check helpers; qemu-run.sh puts this file at /lib/klp-check.sh.
# A guest script sources it, checks things and ends with `klp_done`:
#
#   . /lib/klp-check.sh
#   before=$(cat /proc/cmdline)
#   klp_load /mod.ko mod_name                  # insmod + enabled==1 + transition done
#   expect_eq "patched cmdline" "$(cat /proc/cmdline)" "this has been live patched"
#   klp_unload mod_name                        # enabled=0, transition done, rmmod
#   expect_eq "restored cmdline" "$(cat /proc/cmdline)" "$before"
#   klp_done                                   # exit status = number of FAILs
#
# Every check prints one line starting with "PASS: " or "FAIL: ", which the
# host harness counts; busybox sh (ash) only, no bashisms.

KLP_FAILS=0
KLP_SYS=/sys/kernel/livepatch

pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; KLP_FAILS=$((KLP_FAILS + 1)); }

# expect_eq WHAT ACTUAL EXPECTED
expect_eq() {
	if [ "$2" = "$3" ]; then pass "$1"
	else fail "$1: got '$2', expected '$3'"; fi
}

# expect_ne WHAT ACTUAL UNEXPECTED
expect_ne() {
	if [ "$2" != "$3" ]; then pass "$1"
	else fail "$1: got '$2', which it must not be"; fi
}

# expect_contains WHAT ACTUAL SUBSTRING
expect_contains() {
	case $2 in
	*"$3"*) pass "$1" ;;
	*) fail "$1: '$2' does not contain '$3'" ;;
	esac
}

# expect_ok WHAT COMMAND...: the command must exit 0
expect_ok() {
	what=$1; shift
	if "$@"; then pass "$what"; else fail "$what: '$*' exited $?"; fi
}

# wait_file FILE VALUE [TENTHS]: poll until FILE reads VALUE (default 15 s).
# Livepatch transitions finish asynchronously (TCG is slow), hence polling.
wait_file() {
	n=${3:-150}
	while [ "$n" -gt 0 ]; do
		[ -r "$1" ] && [ "$(cat "$1")" = "$2" ] && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

# wait_gone PATH [TENTHS]
wait_gone() {
	n=${2:-150}
	while [ "$n" -gt 0 ]; do
		[ -e "$1" ] || return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

# klp_load KO NAME: insmod a livepatch module and wait until it is enabled and
# its transition has completed.  NAME is the patch's sysfs name (module name
# with '-' turned into '_').  A task sleeping inside a patched function
# (do_exit(), do_wait()) holds the transition until the livepatch core
# signals it, which it does only after 15 s (SIGNALS_TIMEOUT): so a
# transition gets 60 s.
KLP_TRANSITION_TENTHS=600
klp_load() {
	if ! insmod "$1"; then fail "insmod $1"; return 1; fi
	pass "insmod $1"
	if wait_file "$KLP_SYS/$2/enabled" 1; then pass "$2 enabled == 1"
	else fail "$2 enabled: '$(cat "$KLP_SYS/$2/enabled" 2>&1)', expected 1"; return 1; fi
	if wait_file "$KLP_SYS/$2/transition" 0 "$KLP_TRANSITION_TENTHS"; then pass "$2 transition complete"
	else fail "$2 transition still running"; return 1; fi
}

# klp_unload NAME: disable the patch, wait for the unpatching transition to
# finish (the sysfs dir goes away), then rmmod the module.
klp_unload() {
	if ! echo 0 > "$KLP_SYS/$1/enabled"; then fail "disable $1"; return 1; fi
	if wait_gone "$KLP_SYS/$1" "$KLP_TRANSITION_TENTHS"; then pass "$1 disabled"
	else fail "$1 still in $KLP_SYS after disabling"; return 1; fi
	if rmmod "$1"; then pass "rmmod $1"; else fail "rmmod $1"; return 1; fi
}

# klp_done: final line; the harness needs "KLP-CHECK: ALL PASSED".
klp_done() {
	if [ "$KLP_FAILS" = 0 ]; then echo "KLP-CHECK: ALL PASSED"; exit 0; fi
	echo "KLP-CHECK: $KLP_FAILS FAILED"
	exit 1
}
