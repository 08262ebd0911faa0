#!/bin/sh
# klp-build.sh --kernel-build ORIG --patch FILE --name NAME -o OUT.ko [--work DIR] [--klp-gen PATH]
#
# Turns a source patch into a livepatch module for the kernel built in ORIG
# (an O= build made with the klp-lto plugin, e.g. by scripts/build-kernel.sh):
#   1. the patched kernel is built incrementally in a copy of ORIG's build dir
#      (only the changed files are recompiled; lld's ThinLTO cache, kept in the
#      build dir, re-runs only the backends whose input changed);
#   2. klp-gen diff   ORIG/vmlinux.o vs PATCHED/vmlinux.o -> plan (+ report);
#   3. klp-gen extract the new code from PATCHED/vmlinux.o -> patch.o;
#   4. scripts/klp-build-module.sh: runtime/ + glue + patch.o -> OUT.ko,
#      then klp-gen finalize (livepatch relocations).
# Everything lands in --work (default ORIG/../klp-build-NAME): plan, report,
# patch.o, logs.  Nothing is written to -o unless every step succeeded.
#
# The source tree (ORIG/source) is patched only while the patched kernel
# builds and is restored afterwards, with its original files (same inodes,
# same mtimes), so ORIG stays up to date and is not rebuilt.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
say() { echo "[klp-build] $*"; }
die() { echo "[klp-build] ERROR: $*" >&2; exit 1; }
usage() { die "usage: $0 --kernel-build ORIG --patch FILE --name NAME -o OUT.ko [--work DIR] [--klp-gen PATH]"; }

orig= patchf= name= out= work= klpgen=
while [ $# -gt 0 ]; do
	case $1 in
	--kernel-build) [ $# -ge 2 ] || usage; orig=$2; shift 2 ;;
	--patch) [ $# -ge 2 ] || usage; patchf=$2; shift 2 ;;
	--name) [ $# -ge 2 ] || usage; name=$2; shift 2 ;;
	-o) [ $# -ge 2 ] || usage; out=$2; shift 2 ;;
	--work) [ $# -ge 2 ] || usage; work=$2; shift 2 ;;
	--klp-gen) [ $# -ge 2 ] || usage; klpgen=$2; shift 2 ;;
	-h|--help) sed -n '2,19p' "$0"; exit 0 ;;
	*) usage ;;
	esac
done
[ -n "$orig" ] && [ -n "$patchf" ] && [ -n "$name" ] && [ -n "$out" ] || usage
case $name in *[!a-z0-9_]*|'') die "--name must be [a-z0-9_]+ (a module name): $name" ;; esac
[ -f "$patchf" ] || die "patch not found: $patchf"
patchf=$(cd "$(dirname "$patchf")" && pwd)/$(basename "$patchf")
orig=$(cd "$orig" && pwd)
for f in vmlinux vmlinux.o Module.symvers .config; do
	[ -f "$orig/$f" ] || die "$orig/$f missing: not a finished kernel build dir"
done
[ -L "$orig/source" ] || die "$orig/source missing: not an O= kernel build dir"
src=$(readlink -f "$orig/source")
plugin=$(cat "$orig/klp-lto.plugin" 2>/dev/null || true)
[ -n "$plugin" ] && [ -f "$plugin" ] ||
	die "$orig was not built with the klp-lto plugin ($orig/klp-lto.plugin); klp-gen needs the record"
if [ -z "$klpgen" ]; then
	klpgen=$(command -v klp-gen 2>/dev/null || echo "$top/build/klp-gen/klp-gen")
fi
[ -x "$klpgen" ] || die "klp-gen not found ($klpgen); build it or pass --klp-gen"
: "${work:=$(dirname "$orig")/klp-build-$name}"
mkdir -p "$work"
work=$(cd "$work" && pwd)
patched=$work/kernel
out_abs=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")

# --- 1. the patched kernel ---
files=$(sed -n 's/^+++ [^/]*\/\([^	 ]*\).*/\1/p' "$patchf" | sort -u)
[ -n "$files" ] || die "$patchf: no '+++ b/FILE' lines; not a unified diff with -p1 paths"
for f in $files; do
	[ -f "$src/$f" ] || die "$patchf: $f does not exist in $src (new files are not supported)"
	[ ! -e "$src/$f.klp-orig" ] || die "$src/$f.klp-orig exists: an earlier klp-build was interrupted; restore it first"
done
patch -d "$src" -p1 -s -f --dry-run < "$patchf" >/dev/null 2>&1 ||
	{ patch -d "$src" -p1 -f --dry-run < "$patchf" >&2 || true; die "$patchf does not apply to $src"; }

say "copying $orig -> $patched (build dir, for an incremental build)"
rm -rf "$patched"
cp -a "$orig" "$patched"
rm -rf "$patched/klp-tests"

restore() {
	for f in $files; do
		[ -e "$src/$f.klp-orig" ] && mv -f "$src/$f.klp-orig" "$src/$f"
	done
	return 0
}
trap 'restore' EXIT
trap 'restore; exit 130' INT TERM
# Keep each original inode (and mtime) aside; patch then writes new files.
for f in $files; do
	mv "$src/$f" "$src/$f.klp-orig"
	cp -p "$src/$f.klp-orig" "$src/$f"
done
patch -d "$src" -p1 -s -f --no-backup-if-mismatch < "$patchf"
say "building the patched kernel (log: $work/build.log)"
t0=$(date +%s)
if ! make -C "$src" O="$patched" LLVM=-22 KLP_PLUGIN="$plugin" -j"$(nproc)" vmlinux \
	> "$work/build.log" 2>&1; then
	tail -30 "$work/build.log" >&2
	die "patched kernel build failed; see $work/build.log"
fi
restore
trap - EXIT INT TERM
say "patched kernel built in $(( $(date +%s) - t0 )) s"

# --- 2.-4. plan, new code, module ---
rm -f "$work/plan" "$work/patch.o" "$out_abs"
say "klp-gen diff"
if ! "$klpgen" diff --orig-linked "$orig/vmlinux" "$orig/vmlinux.o" "$patched/vmlinux.o" \
	-o "$work/plan" > "$work/report.txt" 2> "$work/diff.err"; then
	cat "$work/report.txt" "$work/diff.err" >&2
	die "klp-gen diff refused or failed (report: $work/report.txt)"
fi
cat "$work/report.txt"
say "klp-gen extract"
"$klpgen" extract --plan "$work/plan" --patched "$patched/vmlinux.o" \
	--orig "$orig/vmlinux" --symvers "$orig/Module.symvers" -o "$work/patch.o" ||
	die "klp-gen extract refused or failed"
say "building the module"
"$top/scripts/klp-build-module.sh" --kernel-build "$orig" --plan "$work/plan" --klp-gen "$klpgen" \
	--object "$work/patch.o" --name "$name" -o "$work/$name.ko" ||
	die "module build failed"
cp "$work/$name.ko" "$out_abs.tmp" && mv "$out_abs.tmp" "$out_abs"
say "wrote $out_abs"
