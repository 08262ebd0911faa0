#!/bin/sh
# run-fuzz.sh --build SAN_BUILD_DIR [--seconds N] [--only HARNESS]
#
# A bounded libFuzzer run of every harness in klp-gen/fuzz (built with
# -DKLP_FUZZ=ON): N seconds in all (default 60), split between them:
#   fuzz_record   ELF model + record reader + dump          2/10
#   fuzz_elf      ELF model indexes, relocations, kallsyms  3/10
#   fuzz_plan     plan reader, write/read round trip, glue  2/10
#   fuzz_exports  Module.symvers reader                     1/10
#   fuzz_hunks    unified-diff reader + hunk placement      1/10
#   fuzz_keeplines keep-lines: #line directives in a source  1/10
# The ELF seed corpus is generated here from this repo's test programs:
# objects with records made by clang-22 + ld.lld-22 with the plugin (compiles,
# ThinLTO `ld -r`, final links: ET_EXEC with --emit-relocs, ET_DYN, with two
# local functions of one name), plus hand-made records assembled from the
# reader tests.  The text seeds are checked in (test/fuzz/seeds/) plus the
# plans, Module.symvers files and patches (*.diff, *.patch) of the lit
# tests; plan.dict and symvers.dict give the formats' keywords.
# Before fuzzing, each harness runs once over its regression inputs
# (test/fuzz/regress/HARNESS/: inputs of bugs the fuzzers found).
# Fails on any crash, leak, timeout or sanitizer report, and on an invariant
# a harness checks; prints the executions of each harness.  A seed that
# cannot be made (a compile, link, split-file or llvm-mc error) is an error
# too: a fuzzer quietly run without its seeds tests much less.  --only with
# a name that is not a harness is a usage error.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build= seconds=60 only=
usage() { echo "usage: $0 --build DIR [--seconds N] [--only HARNESS]" >&2; exit 2; }
while [ $# -gt 0 ]; do
	case $1 in
	--build) build=$2; shift 2 ;;
	--seconds) seconds=$2; shift 2 ;;
	--only) only=$2; shift 2 ;;
	*) usage ;;
	esac
done
[ -n "$build" ] && [ -d "$build" ] || usage
build=$(cd "$build" && pwd)
plugin=$build/llvm-plugin/KlpLtoPlugin.so
harnesses="fuzz_record:2 fuzz_elf:3 fuzz_plan:2 fuzz_exports:1 fuzz_hunks:1 fuzz_keeplines:1"
if [ -n "$only" ]; then
	case " $harnesses " in
	*" $only:"*) ;;
	*) echo "run-fuzz: --only $only: no such harness (one of: fuzz_record fuzz_elf fuzz_plan fuzz_exports fuzz_hunks fuzz_keeplines)" >&2
	   exit 2 ;;
	esac
fi
for h in $harnesses; do
	[ -x "$build/klp-gen/${h%:*}" ] || { echo "run-fuzz: build $build with -DKLP_FUZZ=ON first (no ${h%:*})" >&2; exit 1; }
done
[ -f "$plugin" ] || { echo "run-fuzz: no plugin in $build" >&2; exit 1; }
PATH=/usr/lib/llvm-22/bin:$PATH
work=$build/fuzz-work
rm -rf "$work" && mkdir -p "$work/seeds/elf" "$work/seeds/plan" "$work/seeds/symvers" \
	"$work/seeds/hunks" "$work/seeds/keeplines" "$work/gen"
start=$(date +%s)

# ELF seeds: records from real compiles and links.
cd "$work/gen"
split-file "$top/test/record/two-statics.test" two
split-file "$top/test/record/crosscheck-dwarf.test" multi
for d in two multi; do
	(cd "$d" && for c in *.c; do
		clang-22 -O2 -flto=thin -fpass-plugin="$plugin" -c "$c" -o "${c%.c}.o" || exit 1
	done && ld.lld-22 -r --load-pass-plugin="$plugin" -mllvm=-load="$plugin" *.o -o linked.o)
done
clang-22 -O2 -fpass-plugin="$plugin" -c "$top/test/record/ipsccp-return.c" -o plain.o
# Linked files, as `klp-gen diff --orig-linked` and extract read vmlinux:
# two local functions named foo give kallsyms positions 1 and 2.
(cd two && for c in a b main; do
	clang-22 -O2 -fpass-plugin="$plugin" -ffunction-sections -c "$c.c" -o "p$c.o" || exit 1
done && ld.lld-22 -e main --emit-relocs pa.o pb.o pmain.o -o exe &&
	ld.lld-22 -pie -e main pa.o pb.o pmain.o -o pie)
i=0
for f in two/linked.o two/a.o multi/linked.o plain.o two/exe two/pie; do
	i=$((i + 1)); cp "$f" "$work/seeds/elf/seed$i"
done
# Hand-made records from the reader tests (llvm-mc inputs).  A file with
# @NAME@ placeholders is a template that its test fills in with sed, not
# an assembler source; every other one must assemble.
seed_fail() { echo "run-fuzz: cannot make the seeds: $*" >&2; exit 1; }
for t in "$top"/test/reader/*.test; do
	grep -q '^#--- .*\.s$' "$t" || continue
	n=$(basename "$t" .test)
	split-file "$t" "r-$n" || seed_fail "split-file $t"
	for s in "r-$n"/*.s; do
		! grep -q '@[A-Z][A-Z_]*@' "$s" || continue
		llvm-mc -filetype=obj -triple=x86_64-linux-gnu -I "$top/test/reader/Inputs" \
			"$s" -o "$work/seeds/elf/$n-$(basename "$s" .s)" ||
			seed_fail "llvm-mc $s (from $t)"
	done
done

# Text seeds: checked in, plus the plans and Module.symvers of the lit tests.
cp "$here"/seeds/plan/* "$work/seeds/plan/"
cp "$here"/seeds/symvers/* "$work/seeds/symvers/"
cp "$here"/seeds/hunks/* "$work/seeds/hunks/"
cp "$here"/seeds/keeplines/* "$work/seeds/keeplines/"
for t in $(grep -l -E '^#--- (.*\.plan|plan.*|.*\.symvers|.*\.diff|.*\.patch)$' "$top"/test/*/*.test); do
	n=$(basename "$(dirname "$t")")-$(basename "$t" .test)
	split-file "$t" "t-$n" || seed_fail "split-file $t"
	for f in "t-$n"/*.plan "t-$n"/plan*; do
		[ -s "$f" ] && cp "$f" "$work/seeds/plan/$n-$(basename "$f")"
	done
	for f in "t-$n"/*.symvers; do
		[ -s "$f" ] && cp "$f" "$work/seeds/symvers/$n-$(basename "$f")"
	done
	for f in "t-$n"/*.diff "t-$n"/*.patch; do
		[ -s "$f" ] && cp "$f" "$work/seeds/hunks/$n-$(basename "$f")"
	done
done
for k in elf plan symvers hunks keeplines; do
	[ -n "$(ls "$work/seeds/$k")" ] || seed_fail "no $k seed"
done
echo "run-fuzz: seeds: $(ls "$work/seeds/elf" | wc -l) ELF, $(ls "$work/seeds/plan" | wc -l) plan, $(ls "$work/seeds/symvers" | wc -l) Module.symvers, $(ls "$work/seeds/hunks" | wc -l) patches ($(($(date +%s) - start)) s)"

cd "$work"
fail=0
for h in $harnesses; do
	name=${h%:*} weight=${h#*:}
	[ -z "$only" ] || [ "$only" = "$name" ] || continue
	case $name in
	fuzz_record|fuzz_elf) seeds=elf dict= ;;
	fuzz_plan) seeds=plan dict=-dict=$here/plan.dict ;;
	fuzz_exports) seeds=symvers dict=-dict=$here/symvers.dict ;;
	fuzz_hunks) seeds=hunks dict= ;;
	fuzz_keeplines) seeds=keeplines dict= ;;
	esac
	t=$((seconds * weight / 10))
	[ -n "$only" ] && t=$seconds
	[ "$t" -ge 3 ] || t=3
	fuzzer=$build/klp-gen/$name
	mkdir -p "$work/$name/corpus" "$work/$name/artifacts"
	# The inputs of bugs found earlier must stay fixed.
	if [ -d "$here/regress/$name" ] && ! "$fuzzer" -runs=1 -timeout=10 \
		-rss_limit_mb=2048 "$here/regress/$name"/* > "$work/$name/regress.log" 2>&1; then
		tail -40 "$work/$name/regress.log" >&2
		echo "run-fuzz: $name: FAIL on a regression input (see $work/$name/regress.log)" >&2
		fail=1
		continue
	fi
	# New units go to the first corpus directory, never into the seeds.
	# -rss_limit_mb: vmlinux-sized inputs are not the point; -timeout
	# catches hangs.
	if ! "$fuzzer" -max_total_time="$t" -timeout=10 -rss_limit_mb=2048 \
		-max_len=65536 -print_final_stats=1 $dict \
		-artifact_prefix="$work/$name/artifacts/" \
		"$work/$name/corpus" "$work/seeds/$seeds" > "$work/$name/fuzz.log" 2>&1; then
		tail -40 "$work/$name/fuzz.log" >&2
		echo "run-fuzz: $name: FAIL (crash, leak, timeout, sanitizer report or broken invariant; see $work/$name/fuzz.log and $work/$name/artifacts/)" >&2
		fail=1
		continue
	fi
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$name/fuzz.log")
	rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$work/$name/fuzz.log")
	cov=$(grep -E '^#[0-9]+.*(DONE|pulse|NEW|REDUCE)' "$work/$name/fuzz.log" | tail -1 | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	echo "run-fuzz: $name: ${t} s, $execs executions, coverage ${cov:-?}, corpus $(ls "$work/$name/corpus" | wc -l) new units, peak RSS ${rss} MB"
done
echo "run-fuzz: total $(($(date +%s) - start)) s"
if [ $fail != 0 ]; then
	echo "run-fuzz: FAIL" >&2
	exit 1
fi
echo "run-fuzz: PASS"
