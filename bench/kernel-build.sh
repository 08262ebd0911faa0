#!/bin/sh
# kernel-build.sh [--build CMAKE_BUILD_DIR] [--work DIR] [--pairs N]
#
# Linux 6.12 (the test config of scripts/build-kernel.sh) built from scratch
# without and with the klp-lto plugin, back to back, N pairs (default 1);
# each build in a fresh O= dir (empty ThinLTO cache).  Prints the times,
# the ratio per pair, the size of vmlinux.o and of its .klp.lto (+ .rela),
# and how long `klp-gen dump` and `klp-gen coverage` take on vmlinux.o.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build pairs=1 work=${KLP_WORK:-$HOME/.cache/klp-lto}
while [ $# -gt 0 ]; do
	case $1 in
	--build) build=$2; shift 2 ;;
	--work) work=$2; shift 2 ;;
	--pairs) pairs=$2; shift 2 ;;
	*) echo "usage: $0 [--build DIR] [--work DIR] [--pairs N]" >&2; exit 2 ;;
	esac
done
plugin=$build/llvm-plugin/KlpLtoPlugin.so
klpgen=$build/klp-gen/klp-gen
export KLP_WORK=$work
src=$work/src
b=$work/bench-kernel
one() { # one without|with -> seconds
	rm -rf "$b-$1"
	t0=$(date +%s)
	if [ "$1" = with ]; then
		"$top/scripts/build-kernel.sh" --src "$src" --out "$b-$1" --plugin "$plugin" >/dev/null
	else
		"$top/scripts/build-kernel.sh" --src "$src" --out "$b-$1" >/dev/null
	fi
	echo $(( $(date +%s) - t0 ))
}
i=0
while [ $i -lt "$pairs" ]; do
	a=$(one without); w=$(one with)
	echo "pair $i: without $a s, with $w s, ratio $(awk -v a="$a" -v w="$w" 'BEGIN { printf "%.3f", w / a }')"
	i=$((i + 1))
done
o=$b-with/vmlinux.o
size=$(stat -c %s "$o")
rec=$(llvm-size-22 -A "$o" | awk '$1 == ".klp.lto" || $1 == ".rela.klp.lto" { s += $2 } END { print s + 0 }')
echo "vmlinux.o: $size bytes; .klp.lto + .rela.klp.lto: $rec bytes ($(awk -v r="$rec" -v s="$size" 'BEGIN { printf "%.2f", 100 * r / s }')%)"
nosize=$(stat -c %s "$b-without/vmlinux.o")
echo "vmlinux.o without plugin: $nosize bytes"
for cmd in dump coverage; do
	t0=$(date +%s%N)
	"$klpgen" $cmd "$o" > /dev/null || true
	echo "klp-gen $cmd vmlinux.o: $(( ($(date +%s%N) - t0) / 1000000 )) ms"
done
"$klpgen" dump "$o" | tail -1
