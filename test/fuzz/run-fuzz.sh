#!/bin/sh
# run-fuzz.sh --build SAN_BUILD_DIR [--seconds N]
#
# A bounded libFuzzer run of the record reader + ELF model harness
# (klp-gen/fuzz/fuzz_record.c, built with -DKLP_FUZZ=ON).  The seed corpus is
# generated here, from this repo's test programs: objects with records made
# by clang-22 + ld.lld-22 with the plugin (one compile, one ThinLTO `ld -r`,
# one final link), plus hand-made records assembled from the reader tests.
# Fails on any crash, leak, timeout or sanitizer report; prints the number of
# executions.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build= seconds=60
while [ $# -gt 0 ]; do
	case $1 in
	--build) build=$2; shift 2 ;;
	--seconds) seconds=$2; shift 2 ;;
	*) echo "usage: $0 --build DIR [--seconds N]" >&2; exit 2 ;;
	esac
done
[ -n "$build" ] && [ -d "$build" ] || { echo "usage: $0 --build DIR [--seconds N]" >&2; exit 2; }
build=$(cd "$build" && pwd)
fuzzer=$build/klp-gen/fuzz_record
plugin=$build/llvm-plugin/KlpLtoPlugin.so
[ -x "$fuzzer" ] && [ -f "$plugin" ] || { echo "run-fuzz: build $build with -DKLP_FUZZ=ON first" >&2; exit 1; }
PATH=/usr/lib/llvm-22/bin:$PATH
work=$build/fuzz-work
rm -rf "$work" && mkdir -p "$work/corpus" "$work/seeds"
cd "$work/seeds"
split-file "$top/test/record/two-statics.test" two
split-file "$top/test/record/crosscheck-dwarf.test" multi
for d in two multi; do
	(cd "$d" && for c in *.c; do
		clang-22 -O2 -flto=thin -fpass-plugin="$plugin" -c "$c" -o "${c%.c}.o"
	done && ld.lld-22 -r --load-pass-plugin="$plugin" -mllvm=-load="$plugin" *.o -o linked.o)
done
clang-22 -O2 -fpass-plugin="$plugin" -c "$top/test/record/ipsccp-return.c" -o plain.o
i=0
for f in two/linked.o two/a.o multi/linked.o plain.o; do
	i=$((i + 1)); cp "$f" "$work/corpus/seed$i"
done
# Hand-made records from the reader tests (llvm-mc inputs).
for t in "$top"/test/reader/*.test; do
	grep -q '^#--- .*\.s$' "$t" || continue
	n=$(basename "$t" .test)
	split-file "$t" "r-$n" 2>/dev/null || continue
	for s in "r-$n"/*.s; do
		llvm-mc -filetype=obj -triple=x86_64-linux-gnu -I "$top/test/reader/Inputs" \
			"$s" -o "$work/corpus/$n-$(basename "$s" .s)" 2>/dev/null || true
	done
done
echo "run-fuzz: $(ls "$work/corpus" | wc -l) seeds; fuzzing for $seconds s"
cd "$work"
# -rss_limit_mb: vmlinux-sized inputs are not the point; -timeout catches hangs.
if ! "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
	-max_len=65536 -print_final_stats=1 corpus > fuzz.log 2>&1; then
	tail -40 fuzz.log >&2
	echo "run-fuzz: FAIL (crash or sanitizer report; see $work/fuzz.log and crash-* files)" >&2
	exit 1
fi
grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' fuzz.log
echo "run-fuzz: PASS"
