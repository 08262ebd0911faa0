#!/bin/sh
# kernel-build.sh [--build CMAKE_BUILD_DIR] [--plugin SO] [--work DIR] [--src DIR]
#                 [--out-top DIR] [--pairs N]
#
# Linux 6.12 (the test config of scripts/build-kernel.sh) built from scratch
# without and with the klp-lto plugin, N pairs (default 1); each build in a
# fresh O= dir (empty ThinLTO cache).  The order alternates between pairs
# (without/with, with/without, ...) so that a drift of a shared machine's
# load hits both sides.  Measures each build's CPU time (user + sys of the
# whole make and its children, from getrusage via /usr/bin/time) and wall
# time; prints per pair the figures and the with/without ratios, then the
# median ratio, the size of vmlinux.o and of its .klp.lto (+ .rela), and how
# long `klp-gen dump` and `klp-gen coverage` take on vmlinux.o.
#   --plugin SO    the plugin to measure (default: BUILD's); copy it out of
#                  the build dir first if you keep rebuilding while it runs
#   --src DIR      kernel source tree (default WORK/src); only read (O= builds)
#   --out-top DIR  where the O= dirs go (default WORK): OUT-TOP/bench-kernel-*;
#                  the times go to OUT-TOP/bench-kernel.times and the
#                  plugin's checksum (cksum) to OUT-TOP/bench-kernel.plugin
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build pairs=1 work=${KLP_WORK:-$HOME/.cache/klp-lto} plugin= src= outtop=
while [ $# -gt 0 ]; do
	case $1 in
	--build) build=$2; shift 2 ;;
	--plugin) plugin=$2; shift 2 ;;
	--work) work=$2; shift 2 ;;
	--src) src=$2; shift 2 ;;
	--out-top) outtop=$2; shift 2 ;;
	--pairs) pairs=$2; shift 2 ;;
	*) echo "usage: $0 [--build DIR] [--plugin SO] [--work DIR] [--src DIR] [--out-top DIR] [--pairs N]" >&2; exit 2 ;;
	esac
done
: "${plugin:=$build/llvm-plugin/KlpLtoPlugin.so}"
[ -f "$plugin" ] || { echo "plugin not found: $plugin" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time missing (Debian package time)" >&2; exit 1; }
klpgen=$build/klp-gen/klp-gen
export KLP_WORK=$work
: "${src:=$work/src}" "${outtop:=$work}"
mkdir -p "$outtop"
b=$outtop/bench-kernel
times=$outtop/bench-kernel.times
: > "$times"
# Which plugin these times are of (bench/run.sh reports a stored run only
# with this checksum beside the one it would measure now).
cksum < "$plugin" | awk '{ print $1, $2 }' > "$outtop/bench-kernel.plugin"
one() { # one without|with PAIR: appends "PAIR side cpu wall" to $times
	rm -rf "$b-$1"
	set -- "$1" "$2" "$outtop/bench-kernel-$1.time"
	if [ "$1" = with ]; then
		/usr/bin/time -o "$3" -f '%U %S %e' "$top/scripts/build-kernel.sh" --src "$src" --out "$b-$1" --plugin "$plugin" >/dev/null
	else
		/usr/bin/time -o "$3" -f '%U %S %e' "$top/scripts/build-kernel.sh" --src "$src" --out "$b-$1" >/dev/null
	fi
	awk -v p="$2" -v s="$1" '{ printf "%s %s %.2f %.2f\n", p, s, $1 + $2, $3 }' "$3" >> "$times"
}
i=0
while [ $i -lt "$pairs" ]; do
	if [ $((i % 2)) = 0 ]; then one without $i; one with $i; else one with $i; one without $i; fi
	awk -v p=$i '$1 == p { c[$2] = $3; w[$2] = $4 }
		END { printf "pair %d: without %.1f s CPU (%.0f s wall), with %.1f s CPU (%.0f s wall), ratio CPU %.4f, wall %.4f\n",
			p, c["without"], w["without"], c["with"], w["with"], c["with"] / c["without"], w["with"] / w["without"] }' "$times"
	i=$((i + 1))
done
awk '{ c[$1, $2] = $3; w[$1, $2] = $4; if ($1 + 1 > n) n = $1 + 1 }
function median(a, n,   i, j, t) {
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
END {
	for (p = 0; p < n; p++) { rc[p + 1] = c[p, "with"] / c[p, "without"]; rw[p + 1] = w[p, "with"] / w[p, "without"] }
	printf "median ratio with/without over %d pairs: CPU %.4f (%+.2f %%), wall %.4f\n", n, median(rc, n), 100 * (median(rc, n) - 1), median(rw, n)
}' "$times"
o=$b-with/vmlinux.o
size=$(stat -c %s "$o")
rec=$("$top/bench/record-bytes.sh" "$o" | awk '{ print $1 + $2 }')
echo "vmlinux.o: $size bytes; .klp.lto + .rela.klp.lto: $rec bytes ($(awk -v r="$rec" -v s="$size" 'BEGIN { printf "%.2f", 100 * r / s }')%)"
nosize=$(stat -c %s "$b-without/vmlinux.o")
echo "vmlinux.o without plugin: $nosize bytes"
[ -x "$klpgen" ] || exit 0
for cmd in dump coverage; do
	t0=$(date +%s%N)
	"$klpgen" $cmd "$o" > /dev/null || true
	echo "klp-gen $cmd vmlinux.o: $(( ($(date +%s%N) - t0) / 1000000 )) ms"
done
"$klpgen" dump "$o" | tail -1
