#!/bin/sh
# klp-build.sh --kernel-build ORIG --patch FILE [--patch FILE2...] --name NAME -o OUT.ko
#              [--replace | --no-replace] [--work DIR] [--klp-gen PATH]
#
# Turns a source patch (several --patch: applied in order, as one cumulative
# patch) into a livepatch module for the kernel built in ORIG
# (an O= build made with the klp-lto plugin, e.g. by scripts/build-kernel.sh):
#   1. the patched kernel and its modules are built incrementally in copies
#      (scripts/kbuild-copy.sh): WORK/src, the source tree as hard links
#      with the patched files replaced by patched copies, and WORK/kernel, a
#      copy of ORIG's build dir (only the changed files are recompiled,
#      vmlinux.o and changed modules relinked, not vmlinux).  Each patched
#      .c, .h and .S file first gets #line directives that keep its original
#      line numbers below every change (klp-gen keep-lines).  ORIG and its
#      source tree are only read, also when the run fails or is interrupted;
#   2. klp-gen diff, per changed object (klp-gen objects decides which):
#      ORIG/vmlinux.o vs PATCHED/vmlinux.o, and ORIG/MOD.ko vs PATCHED/MOD.ko
#      for each module of ORIG/modules.order whose code or record changed
#      -> one plan per object (+ report), and klp-gen merge -> the plan;
#   3. klp-gen verify --plan, per diffed object: the machine-code oracle must
#      find every function whose code changed in the plan (no MISS), else
#      the patch is refused with verify's report;
#   4. klp-gen extract, per object of the plan -> patch-OBJECT.o;
#   5. scripts/klp-build-module.sh: runtime/ + glue + the patch objects ->
#      OUT.ko, then klp-gen finalize (livepatch relocations).  --replace (the
#      default, as with kpatch and the kernel's klp-build) makes OUT.ko an
#      atomic replace: once live it disables every other live patch, so its
#      patches must hold all fixes so far; --no-replace stacks it on them.
# Everything lands in --work (default ORIG/../klp-build-NAME; anywhere, but
# neither inside ORIG or its source tree nor around them): src/ and kernel/
# (the patched source and build), plan, report, verify-OBJECT.txt, the patch
# objects, logs, and `objects` (one line per diffed object: OBJECT ORIG_FILE
# PATCHED_FILE, for tools that check the plan).  Nothing is written to -o
# unless every step succeeded.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
say() { echo "[klp-build] $*"; }
die() { echo "[klp-build] ERROR: $*" >&2; exit 1; }
usage() { die "usage: $0 --kernel-build ORIG --patch FILE [--patch FILE2...] --name NAME -o OUT.ko [--replace | --no-replace] [--work DIR] [--klp-gen PATH]"; }

orig= patchf= name= out= work= klpgen= patches= replace=--replace ws= npatches=0
while [ $# -gt 0 ]; do
	case $1 in
	--kernel-build) [ $# -ge 2 ] || usage; orig=$2; shift 2 ;;
	--patch) [ $# -ge 2 ] || usage
		[ -f "$2" ] || die "patch not found: $2"
		case $2 in *[[:space:]]*) ws=$2 ;; esac
		npatches=$((npatches + 1))
		patches="$patches $(cd "$(dirname "$2")" && pwd)/$(basename "$2")"
		patchf=$2; shift 2 ;;
	--replace|--no-replace) replace=$1; shift ;;
	--name) [ $# -ge 2 ] || usage; name=$2; shift 2 ;;
	-o) [ $# -ge 2 ] || usage; out=$2; shift 2 ;;
	--work) [ $# -ge 2 ] || usage; work=$2; shift 2 ;;
	--klp-gen) [ $# -ge 2 ] || usage; klpgen=$2; shift 2 ;;
	-h|--help) sed -n '2,34p' "$0"; exit 0 ;;
	*) usage ;;
	esac
done
[ -n "$orig" ] && [ -n "$patchf" ] && [ -n "$name" ] && [ -n "$out" ] || usage
case $name in *[!a-z0-9_]*|'') die "--name must be [a-z0-9_]+ (a module name): $name" ;; esac
[ -f "$patchf" ] || die "patch not found: $patchf"
patchf=$(cd "$(dirname "$patchf")" && pwd)/$(basename "$patchf")
orig=$(cd "$orig" && pwd -P)
if [ -z "$klpgen" ]; then
	klpgen=$(command -v klp-gen 2>/dev/null || echo "$top/build/klp-gen/klp-gen")
fi
[ -x "$klpgen" ] || die "klp-gen not found ($klpgen); build it or pass --klp-gen"
# Several patches: applied in order to copies of the files they name, then
# one unified diff of those files against ORIG's source stands for all of
# them in every later step (klp-gen diff --patch checks the build against it).
if [ "$npatches" -gt 1 ]; then
	[ -z "$ws" ] || die "several --patch, one with white space in its path: $ws"
	csrc=$(readlink -f "$orig/source")
	cum=$(mktemp -d "${TMPDIR:-/tmp}/klp-build-cumulative.XXXXXX")
	trap 'rm -rf "$cum"' EXIT
	# shellcheck disable=SC2086
	cfiles=$("$klpgen" patch-files --in "$csrc" $patches) || die "klp-gen patch-files refused the patches"
	for f in $cfiles; do
		mkdir -p "$cum/a/$(dirname "$f")" "$cum/b/$(dirname "$f")"
		cp "$csrc/$f" "$cum/a/$f" && cp "$csrc/$f" "$cum/b/$f"
	done
	for p in $patches; do
		patch -d "$cum/b" -p1 -s -f --no-backup-if-mismatch < "$p" >/dev/null 2>&1 ||
			{ patch -d "$cum/b" -p1 -f --dry-run < "$p" >&2 || true; die "$p does not apply after the patches before it"; }
	done
	: > "$cum/cumulative.patch"
	for f in $cfiles; do
		(cd "$cum" && diff -u --label "a/$f" --label "b/$f" "a/$f" "b/$f") >> "$cum/cumulative.patch" && continue
		[ $? = 1 ] || die "diff of $f failed"
	done
	[ -s "$cum/cumulative.patch" ] || die "the patches$patches together change nothing"
	patchf=$cum/cumulative.patch
	say "$npatches patches applied in order: one cumulative patch of $(echo $cfiles | wc -w) file(s)"
fi
for f in vmlinux vmlinux.o Module.symvers .config; do
	[ -f "$orig/$f" ] || die "$orig/$f missing: not a finished kernel build dir"
done
[ -L "$orig/source" ] || die "$orig/source missing: not an O= kernel build dir"
src=$(readlink -f "$orig/source")
plugin=$(cat "$orig/klp-lto.plugin" 2>/dev/null || true)
[ -n "$plugin" ] && [ -f "$plugin" ] ||
	die "$orig was not built with the klp-lto plugin ($orig/klp-lto.plugin); klp-gen needs the record"
work_given=$work
: "${work:=$(dirname "$orig")/klp-build-$name}"
# Created by kbuild-copy.sh, which first checks that it overlaps neither
# ORIG nor the source tree.
work=$(realpath -m "$work")
psrc=$work/src
patched=$work/kernel
out_abs=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
# A module left from an earlier run must not pass for the result of this one.
rm -f "$out_abs"

# --- 1. the patched kernel, built in copies ---
# The files it changes, each in the source tree (klp-gen patch-files).
files=$("$klpgen" patch-files --in "$src" "$patchf") || die "klp-gen patch-files refused $patchf"
# Checked on the original (a dry run writes nothing), before any copying.
patch -d "$src" -p1 -s -f --dry-run < "$patchf" >/dev/null 2>&1 ||
	{ patch -d "$src" -p1 -f --dry-run < "$patchf" >&2 || true; die "$patchf does not apply to $src"; }

# Nothing to restore on failure or interrupt: only the copies change.
trap 'exit 130' INT TERM
say "copying $orig and $src -> $work/{kernel,src}"
"$top/scripts/kbuild-copy.sh" --kernel-build "$orig" --to "$work" ||
	die "cannot copy the kernel build${work_given:+ (--work $work_given)}"
rm -rf "$patched/klp-tests"
if [ -n "${cum:-}" ]; then
	cp "$patchf" "$work/cumulative.patch"
	patchf=$work/cumulative.patch
fi
# WORK/src shares the original files' inodes: each file the patch names
# (with content or git headers: a mode change) gets its own copy first, so
# that the patch can only ever write the copy (GNU patch 2.7 also writes a
# new file and renames it over the name, and its dry run writes to $TMPDIR).
for f in $("$klpgen" patch-files --all "$patchf"); do
	[ -f "$src/$f" ] || continue
	rm -f "$psrc/$f"
	cp -p "$src/$f" "$psrc/$f"
done
patch -d "$psrc" -p1 -s -f --no-backup-if-mismatch < "$patchf" ||
	die "$patchf does not apply to $psrc"
# What a patched file includes to declare livepatch callbacks
# (#include <klp-lto/patch-hooks.h>; docs/klp-gen.md).  A new file of the
# copy only: WORK/src/include/klp-lto is not in the original tree.
mkdir -p "$psrc/include/klp-lto"
rm -f "$psrc/include/klp-lto/patch-hooks.h"
cp "$top/runtime/include/klp-lto/patch-hooks.h" "$psrc/include/klp-lto/"
# Lines the patch only moved keep their numbers (and __LINE__ its values):
# klp-gen keep-lines puts a `#line N` after each change of a patched .c, .h
# or .S file, placed by a fresh diff of the two files (docs/selection.md,
# "Original line numbers in the patched build").  A pure line shift then
# changes no code.
: > "$work/keep-lines.log"
for f in $files; do
	rc=0
	diff -U0 "$src/$f" "$psrc/$f" > "$work/keep-lines.diff" || rc=$?
	[ "$rc" != 0 ] || continue
	[ "$rc" = 1 ] || die "diff $src/$f $psrc/$f failed"
	"$klpgen" keep-lines --diff "$work/keep-lines.diff" "$src/$f" "$psrc/$f" -o "$psrc/$f" \
		>> "$work/keep-lines.log" || die "klp-gen keep-lines failed on $f"
done
say "original line numbers kept: $(awk '/^keep-lines / { f++ } / #line directives?$/ { n += $(NF - 2) }
	END { print f + 0 " files, " n + 0 " #line directives" }' "$work/keep-lines.log") (log: $work/keep-lines.log)"
grep '^note: ' "$work/keep-lines.log" | sed 's/^/[klp-build] /' || true
# What klp-gen reads of the patched build: vmlinux.o and the modules (kbuild
# rebuilds only the changed ones).  Not vmlinux (kallsyms: three more links)
# nor bzImage: every address klp-gen needs comes from ORIG/vmlinux.  The goal
# is kbuild's `vmlinux_o`: `make vmlinux.o` is a single-target build (%.o)
# that links nothing, so the copy's vmlinux.o would stay ORIG's.  The
# vmlinux.o link reruns only the ThinLTO backends whose inputs changed: the
# others come from ORIG's cache (O=/.klp-lto-cache, copied with the build dir;
# lld-patches/README.md).  KLP_BUILD_REFERENCE=1 (bench/run.sh --patch-to-ko)
# builds as before, vmlinux and modules with an empty cache: the reference
# whose plan the shortcut must reproduce byte for byte.
build_patched() {
	set -- vmlinux_o modules
	if [ "${KLP_BUILD_REFERENCE:-}" = 1 ]; then
		rm -rf "$patched/.klp-lto-cache"
		set -- vmlinux modules
	fi
	make -C "$psrc" O="$patched" LLVM=-22 KLP_PLUGIN="$plugin" -j"$(nproc)" "$@"
}
say "building the patched kernel (log: $work/build.log)"
t0=$(date +%s)
if ! build_patched > "$work/build.log" 2>&1; then
	tail -30 "$work/build.log" >&2
	die "patched kernel build failed; see $work/build.log"
fi
say "patched kernel built in $(( $(date +%s) - t0 )) s ($(grep -c '^  CC ' "$work/build.log" || true) C files compiled)"

# --- 2. the plan: one diff per changed object, merged ---
rm -rf "$work/plans" "$work/plan" "$work/objects" "$work/plan-objects" "$work/patch-"*.o "$work/report.txt" "$work/verify-"*
mkdir -p "$work/plans"
: > "$work/report.txt"
# diff OBJECT ORIG_FILE PATCHED_FILE [--orig-linked ORIG/vmlinux]: the plan
# of one object pair of $work/objects.
diff_object() {
	l=$1 of=$2 pf=$3
	shift 3
	say "klp-gen diff $l"
	# --patch: every change must come from a file the patch touches, and
	# its hunks are placed against the original source $src ($psrc is the
	# patched copy).
	if ! "$klpgen" diff --patch "$patchf" --source "$src" "$@" "$of" "$pf" -o "$work/plans/$l" \
		> "$work/plans/$l.report" 2> "$work/plans/$l.err"; then
		cat "$work/plans/$l.report" "$work/plans/$l.err" >&2
		die "klp-gen diff refused or failed for $l (report: $work/plans/$l.report)"
	fi
	{ echo "== $l"; cat "$work/plans/$l.report"; } >> "$work/report.txt"
	plans="$plans $work/plans/$l"
}
plans=
# The objects to diff, "OBJECT ORIG_FILE PATCHED_FILE" in $work/objects
# (klp-gen objects): vmlinux unless vmlinux.o is byte-identical, and each
# module of modules.order whose code or record changed (the copied build dir
# keeps ORIG's paths and mtimes, so an untouched module is not rebuilt; one
# that kbuild recompiled for a patched header it includes differs only in
# its debug info, build ID and record string order, and is not diffed).
"$klpgen" objects "$orig" "$patched" -o "$work/objects" ||
	die "klp-gen objects cannot compare the builds"
while read -r o of pf; do
	if [ "$o" = vmlinux ]; then
		diff_object vmlinux "$of" "$pf" --orig-linked "$orig/vmlinux"
	else
		diff_object "$o" "$of" "$pf"
	fi
done < "$work/objects"
[ -n "$plans" ] || die "the patched build's vmlinux.o and modules are identical to the original's: the patch changes no code"
# merge exits 3 when no plan replaces or refuses anything: no function's
# code changed (a line shift, a comment), no live patch to make
# (docs/selection.md).
rc=0
# shellcheck disable=SC2086
"$klpgen" merge -o "$work/plan" $plans || rc=$?
if [ "$rc" = 3 ]; then
	cat "$work/report.txt"
	die "the patch changes no function's code (reports: $work/plans/*.report): nothing to patch"
fi
[ "$rc" = 0 ] || die "klp-gen merge refused the plans"
cat "$work/report.txt"

# --- 3. the oracle: verify agrees with the plan on every diffed object ---
# verify compares the final machine code of every function of the pair and
# exits non-zero when the plan misses a changed function (a MISS line) or on
# any error: then the patch is refused and verify's report shown.  An object
# whose plan had no replace line (left out by merge) is checked too: none of
# its functions may have changed code.
while read -r o of pf; do
	say "klp-gen verify $o"
	if ! "$klpgen" verify --plan "$work/plan" "$of" "$pf" \
		> "$work/verify-$o.txt" 2> "$work/verify-$o.err"; then
		cat "$work/verify-$o.txt" "$work/verify-$o.err" >&2
		die "klp-gen verify does not agree with the plan for $o (report: $work/verify-$o.txt): no module written"
	fi
	say "verify $o: $(tail -1 "$work/verify-$o.txt")"
done < "$work/objects"

# --- 4. the new code, per object of the plan ---
objs=
"$klpgen" objects --plan "$work/plan" "$work/objects" > "$work/plan-objects" ||
	die "the plan's objects are not the diffed ones"
while read -r o of pf; do
	# vmlinux: kallsyms positions come from the linked original.
	[ "$o" != vmlinux ] || of=$orig/vmlinux
	say "klp-gen extract $o"
	"$klpgen" extract --plan "$work/plan" --object "$o" --patched "$pf" \
		--orig "$of" --symvers "$orig/Module.symvers" -o "$work/patch-$o.o" ||
		die "klp-gen extract refused or failed for $o"
	objs="$objs --object $work/patch-$o.o"
done < "$work/plan-objects"

# --- 5. the module ---
say "building the module"
# shellcheck disable=SC2086
"$top/scripts/klp-build-module.sh" --kernel-build "$orig" --plan "$work/plan" --klp-gen "$klpgen" \
	$objs --name "$name" "$replace" -o "$work/$name.ko" ||
	die "module build failed"
cp "$work/$name.ko" "$out_abs.tmp" && mv "$out_abs.tmp" "$out_abs"
say "wrote $out_abs"
