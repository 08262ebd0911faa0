#!/bin/sh
# test-record-coverage.sh --build OUT
#
# The record of a real kernel is complete: every function symbol of
# OUT/vmlinux.o has a record entry, except those that never went through the
# compiler: the functions of objects that carry no .klp.lto section (assembled
# from .S) and objtool's __pfx_/__cfi_ padding symbols.  Also checks that the
# record reads back (`klp-gen dump`) and holds the ThinLTO facts the tool
# exists for: promoted statics and cross-unit (imported) inlines.
set -eu

say() { echo "[test-record-coverage] $*"; }
die() { echo "[test-record-coverage] FAIL: $*" >&2; exit 1; }

out= klpgen=${KLP_GEN:-}
while [ $# -gt 0 ]; do
	case $1 in
	--build) out=$2; shift 2 ;;
	--klp-gen) klpgen=$2; shift 2 ;;
	*) die "usage: $0 --build OUT [--klp-gen PATH]" ;;
	esac
done
[ -n "$out" ] && [ -f "$out/vmlinux.o" ] || die "usage: $0 --build OUT (with OUT/vmlinux.o)"
[ -n "$klpgen" ] || klpgen=$(command -v klp-gen)
work=$out/klp-tests/coverage
mkdir -p "$work"

# Function symbols of the objects that have no record: ELF (not bitcode)
# objects without .klp.lto.  vmlinux.o itself, modules and the
# klp-tests dirs are not inputs of vmlinux.o.
: > "$work/asm-objects"
find "$out" -name '*.o' ! -name vmlinux.o ! -name '*.mod.o' ! -path '*/klp-tests/*' \
	! -path '*/klp-build-*' ! -path '*/tools/*' ! -path '*/scripts/*' | sort |
while read -r o; do
	[ "$(head -c 4 "$o" | od -An -c | tr -d ' ')" = '177ELF' ] || continue
	llvm-readelf-22 -S "$o" 2>/dev/null | grep -q ' \.klp\.lto ' && continue
	echo "$o"
done > "$work/asm-objects"
xargs -r llvm-nm-22 --defined-only < "$work/asm-objects" 2>/dev/null |
	awk '$2 ~ /^[TtWw]$/ { print $3 }' | sort -u > "$work/asm-functions"
say "$(wc -l < "$work/asm-objects") objects without a record define $(wc -l < "$work/asm-functions") function names"

t0=$(date +%s%N)
"$klpgen" dump "$out/vmlinux.o" > "$work/dump.txt" || die "klp-gen dump vmlinux.o failed"
t1=$(date +%s%N)
say "klp-gen dump: $(tail -1 "$work/dump.txt") in $(( (t1 - t0) / 1000000 )) ms"

if ! "$klpgen" coverage --ignore-file "$work/asm-functions" --ignore-prefix __pfx_ \
	--ignore-prefix __cfi_ --list "$out/vmlinux.o" > "$work/coverage.txt"; then
	grep '^missing' "$work/coverage.txt" | head -20 >&2
	die "$(tail -1 "$work/coverage.txt")"
fi
say "$(tail -1 "$work/coverage.txt")"

# The ThinLTO facts: every promoted (.llvm.N) function symbol of vmlinux.o
# is a record function flagged as promoted, with its source name and file
# (the same set, both ways), and imported inlines are recorded.
grep '^func [^ ]*\.llvm\.[0-9]* ' "$work/dump.txt" | grep -v 'flags=[^ ]*data' |
	grep ' src=[^ ]* file=[^ ]* .*flags=[^ ]*promoted' | awk '{ print $2 }' | sort > "$work/promoted.record"
llvm-nm-22 --defined-only "$out/vmlinux.o" |
	awk '$2 ~ /^[Tt]$/ && $3 ~ /\.llvm\.[0-9]+$/ { print $3 }' | sort > "$work/promoted.symbols"
nimp=$(grep -c '^  inline .*imported' "$work/dump.txt" || true)
say "promoted functions: $(wc -l < "$work/promoted.record") in the record, $(wc -l < "$work/promoted.symbols") .llvm.N text symbols; imported inline edges: $nimp"
[ -s "$work/promoted.symbols" ] || die "no promoted symbol in vmlinux.o: not a ThinLTO build?"
if ! cmp -s "$work/promoted.record" "$work/promoted.symbols"; then
	comm -3 "$work/promoted.record" "$work/promoted.symbols" | head >&2
	die "promoted symbols and record disagree"
fi
[ "$nimp" -gt 0 ] || die "no cross-unit inline recorded"
# Known cross-file inlines of this config (found in the record and in lld's
# inline remarks): sync(2) and setsid(2) from their files into the syscall
# dispatcher.
for pair in 'x64_sys_call __do_sys_sync file=[^[:space:]]*fs/sync.c:' \
	'x64_sys_call __do_sys_setsid file=[^[:space:]]*kernel/sys.c:'; do
	set -- $pair
	awk -v f="$1" '/^func /{ in_f = ($2 == f) } in_f && /^  inline /' "$work/dump.txt" |
		grep -q "^  inline $2 $3" || die "cross-file inline $2 -> $1 missing from the record"
done
say "PASS"
