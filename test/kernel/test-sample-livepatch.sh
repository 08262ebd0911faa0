#!/bin/sh
# test-sample-livepatch.sh --build OUT [--timeout N]
#
# Platform check of the kernel test bed: builds the kernel's own
# samples/livepatch/livepatch-sample.c as an external module against the
# kernel build OUT (made by scripts/build-kernel.sh, with the same klp-lto
# plugin if that build used one: OUT/klp-lto.plugin), boots OUT's bzImage and
# checks /proc/cmdline before loading, while patched (enabled == 1) and after
# disabling + rmmod.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
say() { echo "[test-sample-livepatch] $*"; }
die() { echo "[test-sample-livepatch] ERROR: $*" >&2; exit 1; }

out= timeout=120
while [ $# -gt 0 ]; do
	case $1 in
	--build) [ $# -ge 2 ] || die "--build needs a dir"; out=$2; shift 2 ;;
	--timeout) [ $# -ge 2 ] || die "--timeout needs seconds"; timeout=$2; shift 2 ;;
	*) die "usage: $0 --build OUT [--timeout N]" ;;
	esac
done
[ -n "$out" ] || die "usage: $0 --build OUT [--timeout N]"
out=$(cd "$out" && pwd)
bz=$out/arch/x86/boot/bzImage
[ -f "$bz" ] || die "$bz missing; build with scripts/build-kernel.sh first"
[ -L "$out/source" ] || die "$out/source missing; not an O= kernel build dir"
src=$(readlink -f "$out/source")
plugin=$(cat "$out/klp-lto.plugin" 2>/dev/null || true)

# External module dir inside OUT: it belongs to that build and stays out of
# the repo.
mdir=$out/klp-tests/livepatch-sample
mkdir -p "$mdir"
cp -p "$src/samples/livepatch/livepatch-sample.c" "$mdir/"
echo 'obj-m := livepatch-sample.o' > "$mdir/Kbuild"
say "building $mdir/livepatch-sample.ko${plugin:+ (KLP_PLUGIN=$plugin)}"
make -C "$out" LLVM=-22 M="$mdir" ${plugin:+KLP_PLUGIN="$plugin"} modules > "$mdir/build.log" 2>&1 ||
	{ cat "$mdir/build.log" >&2; die "module build failed"; }
ko=$mdir/livepatch-sample.ko
[ -f "$ko" ] || die "$ko was not produced"

guest=$mdir/guest.sh
cat > "$guest" <<'EOF'
. /lib/klp-check.sh
before=$(cat /proc/cmdline)
expect_contains "cmdline before loading" "$before" "console=ttyS0"
klp_load /livepatch-sample.ko livepatch_sample
expect_eq "cmdline while patched" "$(cat /proc/cmdline)" "this has been live patched"
klp_unload livepatch_sample
expect_eq "cmdline after disable + rmmod" "$(cat /proc/cmdline)" "$before"
expect_ok "module gone from /proc/modules" sh -c '! grep -q "^livepatch_sample " /proc/modules'
klp_done
EOF
"$here/qemu-run.sh" --kernel "$bz" --script "$guest" --add "$ko:/livepatch-sample.ko" \
	--log "$mdir/console.log" --timeout "$timeout"
