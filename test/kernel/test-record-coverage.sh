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

# The ThinLTO facts: promoted statics and imported inlines must be there, and
# every promoted symbol in the symbol table must be described as promoted.
npromo=$(grep -c '^func .*\.llvm\.[0-9]* .*promoted' "$work/dump.txt" || true)
nsyms=$(llvm-nm-22 --defined-only "$out/vmlinux.o" | awk '$2 ~ /^[Tt]$/ && $3 ~ /\.llvm\.[0-9]+$/' | wc -l)
nimp=$(grep -c '^  inline .*imported' "$work/dump.txt" || true)
say "promoted functions: $npromo in the record, $nsyms .llvm.N text symbols; imported inline edges: $nimp"
[ "$npromo" -gt 0 ] && [ "$npromo" = "$nsyms" ] || die "promoted: record $npromo, symbols $nsyms"
[ "$nimp" -gt 0 ] || die "no cross-unit inline recorded"
say "PASS"
