#!/bin/sh
# qemu-run.sh --kernel BZIMAGE --script GUEST.sh [--add SRC:DEST]... [--log FILE]
#             [--timeout SECONDS] [--append CMDLINE] [--quiet]
#
# Boots BZIMAGE under qemu-system-x86_64 (TCG) with a busybox-static initramfs
# built on the fly, runs GUEST.sh inside the guest as /check.sh and powers off.
#   --add SRC:DEST   copy host file SRC to guest path DEST (repeatable)
#   --log FILE       console log, CRs stripped (default: ./qemu-run.log)
#   --timeout N      kill QEMU and fail after N seconds (default 120)
#   --append STR     extra kernel command line
#   --quiet          print only the verdict lines, not the whole console log
# The guest script should source /lib/klp-check.sh (test/kernel/guest-lib.sh)
# and end with klp_done.  Exit 0 only if the console shows
#   - "KLP-CHECK: ALL PASSED" (printed by klp_done) and "KLP-GUEST: EXIT 0",
#   - no "FAIL: " line,
#   - no Oops / WARNING: / BUG: / Kernel panic / Call Trace: / general
#     protection fault, and no livepatch message that is not one of the
#     normal progress messages (see lp_ok below).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
say() { echo "[qemu-run] $*"; }
die() { echo "[qemu-run] ERROR: $*" >&2; exit 1; }
usage() { die "usage: $0 --kernel BZIMAGE --script GUEST.sh [--add SRC:DEST]... [--log FILE] [--timeout N] [--append STR] [--quiet]"; }

kernel= script= log=./qemu-run.log timeout=120 append= quiet=0
adds=$(mktemp)
trap 'rm -f "$adds"' EXIT
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) [ $# -ge 2 ] || usage; kernel=$2; shift 2 ;;
	--script) [ $# -ge 2 ] || usage; script=$2; shift 2 ;;
	--add) [ $# -ge 2 ] || usage; printf '%s\n' "$2" >> "$adds"; shift 2 ;;
	--log) [ $# -ge 2 ] || usage; log=$2; shift 2 ;;
	--timeout) [ $# -ge 2 ] || usage; timeout=$2; shift 2 ;;
	--append) [ $# -ge 2 ] || usage; append=$2; shift 2 ;;
	--quiet) quiet=1; shift ;;
	-h|--help) sed -n '2,19p' "$0"; exit 0 ;;
	*) usage ;;
	esac
done
[ -n "$kernel" ] && [ -n "$script" ] || usage
[ -f "$kernel" ] || die "kernel image not found: $kernel"
[ -f "$script" ] || die "guest script not found: $script"
for t in qemu-system-x86_64:qemu-system-x86 cpio:cpio gzip:gzip timeout:coreutils; do
	command -v "${t%%:*}" >/dev/null || die "'${t%%:*}' not found; install Debian package ${t#*:}"
done
busybox=$(command -v busybox) || die "busybox not found; install Debian package busybox-static"
busybox=$(readlink -f "$busybox")
# A dynamically linked busybox would not run in the initramfs.
ldd "$busybox" 2>&1 | grep -q 'not a dynamic executable' ||
	die "$busybox is not statically linked; install Debian package busybox-static"

# --- initramfs ---
stage=$(mktemp -d)
trap 'rm -f "$adds"; rm -rf "$stage"' EXIT
mkdir -p "$stage/bin" "$stage/sbin" "$stage/usr/bin" "$stage/usr/sbin" "$stage/lib" \
	"$stage/proc" "$stage/sys" "$stage/dev" "$stage/tmp" "$stage/root"
cp "$busybox" "$stage/bin/busybox"
# The kernel's built-in initramfs already has /dev/console; this only helps
# kernels built without it (and needs root, hence the || true).
mknod "$stage/dev/console" c 5 1 2>/dev/null || true
cp "$here/guest-lib.sh" "$stage/lib/klp-check.sh"
cp "$script" "$stage/check.sh"
while IFS= read -r a; do
	src=${a%:*} dst=${a##*:}
	case $a in *:/*) ;; *) die "--add wants SRC:/ABS/DEST, got '$a'" ;; esac
	[ -f "$src" ] || die "--add: file not found: $src"
	mkdir -p "$stage$(dirname "$dst")"
	cp "$src" "$stage$dst"
done < "$adds"
cat > "$stage/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null || true
mount -t tmpfs tmpfs /tmp
echo "KLP-GUEST: START"
sh /check.sh
rc=$?
echo "KLP-GUEST: EXIT $rc"
sync
# With -no-reboot QEMU exits on reboot; poweroff would need ACPI.
reboot -f
EOF
chmod 755 "$stage/init" "$stage/check.sh"
initrd=$(mktemp)
trap 'rm -f "$adds" "$initrd"; rm -rf "$stage"' EXIT
(cd "$stage" && find . | cpio -o -H newc -R 0:0 --quiet | gzip -1) > "$initrd"

# --- boot ---
mkdir -p "$(dirname "$log")"
raw=$log.raw
say "booting $kernel (timeout ${timeout}s, log $log)"
t0=$(date +%s)
set +e
# no_timer_check: the kernel's boot test of the IO-APIC timer
# (timer_irq_works()) counts ticks over a delay loop; under TCG on a loaded
# host the emulated timer falls behind and the boot panics with "IO-APIC +
# timer doesn't work!" (seen 3 times in ~20 boots at load 15-20).  The check
# says nothing about livepatching.
timeout -k 5 "$timeout" qemu-system-x86_64 -m 512M -smp 1 -nographic -no-reboot \
	-kernel "$kernel" -initrd "$initrd" \
	-append "console=ttyS0 panic=-1 no_timer_check rdinit=/init $append" \
	< /dev/null > "$raw" 2>&1
qrc=$?
set -e
t1=$(date +%s)
tr -d '\r' < "$raw" > "$log"
rm -f "$raw"
[ "$quiet" = 1 ] || cat "$log"

# --- verdict ---
verdict=0
bad() { echo "[qemu-run] FAIL: $*"; verdict=1; }
case $qrc in
0) ;;
124|137) bad "timeout after ${timeout}s (QEMU killed)" ;;
*) bad "QEMU exited with status $qrc" ;;
esac
grep -E 'Oops|WARNING:|BUG:|Kernel panic|Call Trace:|general protection fault' "$log" >/dev/null &&
	bad "kernel reported a problem: $(grep -E 'Oops|WARNING:|BUG:|Kernel panic|Call Trace:|general protection fault' "$log" | head -3)"
# Normal livepatch progress messages; any other "livepatch: " line is an error
# (failed to ..., symbol not found, incompatible patch, forced transition ...).
lp_ok="livepatch: (enabling patch '[^']*'|'[^']*': (initializing|starting|completing) (patching|unpatching) transition|'[^']*': (patching|unpatching) complete|applying patch '[^']*' to loading module '[^']*'|reverting patch '[^']*' on unloading module '[^']*'|signaling remaining tasks)\$"
lp_bad=$(grep 'livepatch: ' "$log" | sed 's/^\[ *[0-9.]*\] //' | grep -vE "$lp_ok" || true)
[ -z "$lp_bad" ] || bad "livepatch error: $(printf '%s' "$lp_bad" | head -3)"
grep -q 'FAIL: ' "$log" && bad "guest check failed: $(grep 'FAIL: ' "$log" | head -5)"
grep -q 'KLP-GUEST: EXIT 0' "$log" || bad "guest script did not exit 0 ($(grep 'KLP-GUEST: EXIT' "$log" || echo 'no exit line'))"
grep -q 'KLP-CHECK: ALL PASSED' "$log" || bad "no 'KLP-CHECK: ALL PASSED' marker from the guest script"
npass=$(grep -c 'PASS: ' "$log" || true)
if [ $verdict = 0 ]; then
	say "OK: $npass checks passed, $((t1 - t0)) s"
else
	say "FAILED after $((t1 - t0)) s; console log: $log"
fi
exit $verdict
