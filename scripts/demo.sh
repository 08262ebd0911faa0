#!/bin/sh
# demo.sh [--patch FILE] [--name NAME]
#
# The whole flow on Debian's linux-source-6.12, from a fresh machine after
# scripts/setup.sh:
#   1. builds klp-lto (the pass plugin and klp-gen) into build/;
#   2. builds the original Linux 6.12 ThinLTO kernel with the plugin
#      (scripts/build-kernel.sh; $KLP_WORK/kernel-orig, reused when present);
#   3. turns the example patch (examples/proc-cmdline.patch: /proc/cmdline
#      gets a "klp-lto: " prefix) into a livepatch module with
#      scripts/klp-build.sh (patched rebuild, klp-gen diff/extract, module);
#   4. boots the ORIGINAL kernel in QEMU and shows /proc/cmdline before the
#      patch, while it is live, and after it is disabled and removed.
# KLP_WORK (default $HOME/.cache/klp-lto) holds the kernel trees (~3 GB).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
say() { echo "[demo] $*"; }
die() { echo "[demo] ERROR: $*" >&2; exit 1; }

patchf=$top/examples/proc-cmdline.patch name=klp_demo
while [ $# -gt 0 ]; do
	case $1 in
	--patch) [ $# -ge 2 ] || die "--patch needs a file"; patchf=$2; shift 2 ;;
	--name) [ $# -ge 2 ] || die "--name needs a name"; name=$2; shift 2 ;;
	-h|--help) sed -n '2,14p' "$0"; exit 0 ;;
	*) die "usage: $0 [--patch FILE] [--name NAME]" ;;
	esac
done
[ -f "$patchf" ] || die "patch not found: $patchf"
export KLP_WORK=${KLP_WORK:-$HOME/.cache/klp-lto}
PATH=/usr/lib/llvm-22/bin:$PATH
export PATH
build=$top/build
t0=$(date +%s)

say "1/4 building klp-lto in $build"
cmake -S "$top" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C "$build" >/dev/null

say "2/4 building the original kernel with the plugin (first time: several minutes)"
"$top/scripts/build-kernel.sh" --src "$KLP_WORK/src" --out "$KLP_WORK/kernel-orig" \
	--plugin "$build/llvm-plugin/KlpLtoPlugin.so"

say "3/4 building the livepatch module from $patchf"
out=$KLP_WORK/demo
mkdir -p "$out"
t1=$(date +%s)
"$top/scripts/klp-build.sh" --kernel-build "$KLP_WORK/kernel-orig" --patch "$patchf" \
	--name "$name" -o "$out/$name.ko" --work "$KLP_WORK/klp-build-$name" \
	--klp-gen "$build/klp-gen/klp-gen"
say "patch -> $name.ko in $(( $(date +%s) - t1 )) s ($(wc -c < "$out/$name.ko") bytes)"

say "4/4 booting the original kernel in QEMU and applying the patch"
cat > "$out/guest.sh" <<GUEST
. /lib/klp-check.sh
echo "demo: /proc/cmdline before: \$(cat /proc/cmdline)"
klp_load /klp.ko $name
echo "demo: /proc/cmdline while patched: \$(cat /proc/cmdline)"
klp_unload $name
echo "demo: /proc/cmdline after disable + rmmod: \$(cat /proc/cmdline)"
klp_done
GUEST
"$top/test/kernel/qemu-run.sh" --kernel "$KLP_WORK/kernel-orig/arch/x86/boot/bzImage" \
	--script "$out/guest.sh" --add "$out/$name.ko:/klp.ko" --log "$out/console.log" --quiet
grep -E '^demo: |livepatch: ' "$out/console.log" | sed 's/^\[ *[0-9.]*\] //'
say "done in $(( $(date +%s) - t0 )) s; console log: $out/console.log"
