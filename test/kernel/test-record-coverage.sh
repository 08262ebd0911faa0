#!/bin/sh
# test-record-coverage.sh --build OUT [--klp-gen PATH] [--work DIR]
#
# The record of a real kernel is complete: every function symbol of
# OUT/vmlinux.o has a record entry, except those that never went through the
# compiler: the functions of the inputs of vmlinux.o (the objects and archive
# members on its link command, OUT/.vmlinux.o.cmd) that carry no .klp.lto
# section (assembled from .S), and objtool's __pfx_/__cfi_ padding symbols.
# Objects of the build tree that are not linked into vmlinux.o (boot code,
# the vDSO, modules) excuse nothing.  Also checks that the record reads back
# (`klp-gen dump`) and holds the ThinLTO facts the tool exists for: promoted
# statics and cross-unit (imported) inlines.  Every step's exit status is
# checked (no pipelines whose first commands could fail unseen).  Writes
# only to DIR (default OUT/klp-tests/coverage).
set -eu

say() { echo "[test-record-coverage] $*"; }
die() { echo "[test-record-coverage] FAIL: $*" >&2; exit 1; }

out= klpgen=${KLP_GEN:-} work=
while [ $# -gt 0 ]; do
	case $1 in
	--build) out=$2; shift 2 ;;
	--klp-gen) klpgen=$2; shift 2 ;;
	--work) work=$2; shift 2 ;;
	*) die "usage: $0 --build OUT [--klp-gen PATH] [--work DIR]" ;;
	esac
done
[ -n "$out" ] && [ -f "$out/vmlinux.o" ] || die "usage: $0 --build OUT (with OUT/vmlinux.o)"
[ -n "$klpgen" ] || klpgen=$(command -v klp-gen)
[ -n "$work" ] || work=$out/klp-tests/coverage
mkdir -p "$work"

# The inputs of vmlinux.o: the objects and the archives' members on its
# link command (under LTO, kbuild puts the libraries into vmlinux.a too).
cmdfile=$out/.vmlinux.o.cmd
sed -n 's/^savedcmd_vmlinux\.o := //p' "$cmdfile" > "$work/link-cmd" ||
	die "cannot read $cmdfile"
[ -s "$work/link-cmd" ] || die "$cmdfile: no savedcmd_vmlinux.o line"
# The link command is the part before objtool's `; ...`.
link=$(sed 's/;.*//' "$work/link-cmd")
: > "$work/inputs"
for a in $link; do
	case $a in
	vmlinux.o) ;;
	*.a) (cd "$out" && llvm-ar-22 t "$a") >> "$work/inputs" ||
		die "llvm-ar t $out/$a failed" ;;
	*.o) echo "$a" >> "$work/inputs" ;;
	esac
done
[ -s "$work/inputs" ] || die "$cmdfile: no input object on the link command"

# Function symbols of the inputs that have no record: ELF (not bitcode)
# objects without .klp.lto.
: > "$work/asm-objects"
while read -r o; do
	case $o in /*) f=$o ;; *) f=$out/$o ;; esac
	[ -f "$f" ] || die "$f: an input of vmlinux.o is missing"
	magic=$(od -An -tx1 -N4 "$f" | tr -d ' \n')
	case $magic in
	7f454c46) ;;			# ELF
	4243c0de) continue ;;		# LLVM bitcode: compiled with the plugin
	*) die "$f: neither ELF nor LLVM bitcode (magic $magic)" ;;
	esac
	llvm-readelf-22 -S "$f" > "$work/sections" || die "llvm-readelf -S $f failed"
	grep -q ' \.klp\.lto ' "$work/sections" || echo "$f" >> "$work/asm-objects"
done < "$work/inputs"
: > "$work/asm-nm"
if [ -s "$work/asm-objects" ]; then
	xargs llvm-nm-22 --defined-only < "$work/asm-objects" > "$work/asm-nm" 2> "$work/asm-nm.err" ||
		{ cat "$work/asm-nm.err" >&2; die "llvm-nm of the objects without a record failed"; }
fi
awk '$2 ~ /^[TtWw]$/ { print $3 }' "$work/asm-nm" > "$work/asm-functions.unsorted"
sort -u "$work/asm-functions.unsorted" > "$work/asm-functions"
say "$(wc -l < "$work/inputs") inputs of vmlinux.o; $(wc -l < "$work/asm-objects") without a record define $(wc -l < "$work/asm-functions") function names"

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
awk '$1 == "func" && $2 ~ /\.llvm\.[0-9]+$/ && !/flags=[^ ]*data/ &&
	/ src=[^ ]* file=[^ ]* .*flags=[^ ]*promoted/ { print $2 }' "$work/dump.txt" \
	> "$work/promoted.record.unsorted" || die "awk failed"
sort "$work/promoted.record.unsorted" > "$work/promoted.record"
llvm-nm-22 --defined-only "$out/vmlinux.o" > "$work/vmlinux.nm" || die "llvm-nm vmlinux.o failed"
# (kCFI preambles, __cfi_<name>.llvm.N, carry their function's name.)
awk '$2 ~ /^[Tt]$/ && $3 ~ /\.llvm\.[0-9]+$/ && $3 !~ /^__cfi_/ { print $3 }' "$work/vmlinux.nm" \
	> "$work/promoted.symbols.unsorted" || die "awk failed"
sort "$work/promoted.symbols.unsorted" > "$work/promoted.symbols"
nimp=$(awk '/^  inline .*imported/ { n++ } END { print n + 0 }' "$work/dump.txt")
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
	awk -v f="$1" '/^func /{ in_f = ($2 == f) } in_f && /^  inline /' "$work/dump.txt" \
		> "$work/inlines" || die "awk failed"
	grep -q "^  inline $2 $3" "$work/inlines" || die "cross-file inline $2 -> $1 missing from the record"
done
say "PASS"
