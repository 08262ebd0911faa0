#!/bin/sh
# plugin-overhead.sh [--runs N] [--build CMAKE_BUILD_DIR]
#
# Compile + ThinLTO-link time of the lit test programs (every test/record/*.c
# and the C files inside test/record/*.test) with and without the klp-lto
# plugin, alternating A B A B so that drift of a noisy machine hits both
# sides; prints per-side medians, the median of the pairwise ratios, and the
# record's size per recorded function.  Writes nothing into the repo.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
runs=7 build=$top/build
while [ $# -gt 0 ]; do
	case $1 in
	--runs) runs=$2; shift 2 ;;
	--build) build=$2; shift 2 ;;
	*) echo "usage: $0 [--runs N] [--build DIR]" >&2; exit 2 ;;
	esac
done
plugin=$build/llvm-plugin/KlpLtoPlugin.so
klpgen=$build/klp-gen/klp-gen
[ -f "$plugin" ] || { echo "build $build first" >&2; exit 1; }
PATH=/usr/lib/llvm-22/bin:$PATH
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The corpus: one directory per program.
n=0
for t in "$top"/test/record/*.test "$top"/test/record/*.c; do
	n=$((n + 1)); d=$tmp/p$n; mkdir -p "$d"
	case $t in
	*.test) split-file "$t" "$d/x" && mv "$d"/x/* "$d"/ && rmdir "$d/x" ;;
	*.c) cp "$t" "$d/" ;;
	esac
	ls "$d"/*.c >/dev/null 2>&1 || { rm -rf "$d"; continue; }
	# Keep programs whose files link together (some tests hold two
	# versions of one file).
	(cd "$d" && for c in *.c; do clang-22 -O2 -flto=thin -c "$c" -o "${c%.c}.o" || exit 1; done &&
		ld.lld-22 -r *.o -o /dev/null && rm -f *.o) >/dev/null 2>&1 || rm -rf "$d"
done

build_all() { # build_all with|without
	for d in "$tmp"/p*; do
		(
		cd "$d"
		for c in *.c; do
			if [ "$1" = with ]; then
				clang-22 -O2 -g -flto=thin -fpass-plugin="$plugin" -c "$c" -o "${c%.c}.o"
			else
				clang-22 -O2 -g -flto=thin -c "$c" -o "${c%.c}.o"
			fi
		done
		if [ "$1" = with ]; then
			ld.lld-22 -r --load-pass-plugin="$plugin" -mllvm=-load="$plugin" *.o -o out.$1
		else
			ld.lld-22 -r *.o -o out.$1
		fi
		rm -f *.o
		)
	done
}

now() { date +%s%N; }
: > "$tmp/times"
i=0
build_all with; build_all without	# warm-up
while [ $i -lt "$runs" ]; do
	t0=$(now); build_all with; t1=$(now); build_all without; t2=$(now)
	echo "$(( (t1 - t0) / 1000 )) $(( (t2 - t1) / 1000 ))" >> "$tmp/times"
	i=$((i + 1))
done

funcs=0 bytes=0 text=0
for d in "$tmp"/p*; do
	f=$("$klpgen" dump "$d/out.with" | sed -n 's/^summary .*funcs=\([0-9]*\).*/\1/p')
	b=$("$top/bench/record-bytes.sh" "$d/out.with" | awk '{ print $1 + $2 }')
	s=$(llvm-size-22 -A "$d/out.without" | awk '$1 ~ /^\.text/ { t += $2 } END { print t + 0 }')
	funcs=$((funcs + f)); bytes=$((bytes + b)); text=$((text + s))
done
nprog=$(ls -d "$tmp"/p* | wc -l)
awk -v runs="$runs" -v nprog="$nprog" -v funcs="$funcs" -v bytes="$bytes" -v text="$text" '
function median(a, n,   i, j, t) {
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
{ w[NR] = $1; o[NR] = $2; r[NR] = $1 / $2 }
END {
	printf "programs: %d (compile + ThinLTO ld -r each), %d alternating runs per side\n", nprog, runs
	printf "with plugin:    median %.3f s\n", median(w, NR) / 1e6
	printf "without plugin: median %.3f s\n", median(o, NR) / 1e6
	printf "ratio with/without: median %.3f (min %.3f, max %.3f)\n", median(r, NR), rmin(r, NR), rmax(r, NR)
	printf "record: %d functions, %d bytes with relocations = %.1f bytes/function; text %d bytes\n", funcs, bytes, bytes / funcs, text
}
function rmin(a, n,  i, m) { m = a[1]; for (i = 2; i <= n; i++) if (a[i] < m) m = a[i]; return m }
function rmax(a, n,  i, m) { m = a[1]; for (i = 2; i <= n; i++) if (a[i] > m) m = a[i]; return m }
' "$tmp/times"
