#!/bin/sh
# test-klp-build.sh --build OUT --scenario DIR [--work-top DIR] [--timeout N]
#
# End to end on a real kernel: a scenario DIR holds
#   patch        a source patch (-p1) against Linux 6.12
#   plan.check   FileCheck lines matched against klp-gen's plan and report
#                (which functions are replaced, and why); the plan is also
#                checked against `klp-gen verify` (the machine-code oracle)
#   guest.sh     the guest script (sourcing /lib/klp-check.sh); the module is
#                at /klp.ko, its livepatch name is in $KLP_NAME
#   guest-tools  optional: names of C files in test/kernel/guest-tools/,
#                one per line, built static with clang-22 and put at
#                /bin/<name without .c> in the guest
#   append       optional: extra kernel command line for the guest
#   modules      optional: modules of the ORIGINAL build the guest needs, one
#                path relative to the build dir per line (fs/binfmt_misc.ko);
#                each is put at /<its file name> in the guest
#   patch2       optional: a cumulative pair (atomic replace).  The module
#                under test is built from patch, then patch2 (two --patch,
#                in order); a first module, v1, from patch alone, is at
#                /klp1.ko in the guest, its name in $KLP_NAME1
#   replace-control  optional, with patch2: the negative control of atomic
#                replace.  The module under test is built again with
#                --no-replace (klp-build-module.sh from the same plan and
#                objects); guest.sh must then FAIL the check named in this
#                file, after that module went live
#   refuse       instead of plan.check/guest.sh: klp-build must refuse the
#                patch; the file holds an ERE that its error output must match
#   nochange     instead of patch/plan.check/guest.sh: the no-change
#                self-test.  The file holds a make-nochange-patch.sh mode
#                (sameline, newline); the patch it generates from OUT puts a
#                file-scope asm into every C file of vmlinux, which moves
#                every `.llvm.<hash>` and changes no function's code.
#                klp-build must end with "nothing to patch" and no module;
#                diff must report no selected, new or removed function and
#                no refusal, and verify on the two vmlinux.o no change at all.
#   config       optional: the name of the kernel config fragment
#                (test/kernel/configs/NAME.config) the scenario needs; OUT
#                must have been built with it (every line is checked in
#                OUT/.config); run-all.sh builds one kernel per fragment
#   extract-control  optional: a negative control of an extract feature.
#                Line 1: extract options that turn the feature off
#                (--no-cfi-preambles); line 2: an ERE.  The module is
#                built again from the same plan with them, and after it
#                went live the guest's console must match the ERE (e.g. a
#                CFI failure) and the guest run must fail
#   control      optional: the negative control.  Its first line is an ERE;
#                the plan's lines matching it (replace or callback lines)
#                are removed, a module
#                is built from that reduced plan, and guest.sh must then FAIL
#                with the check named on the second line, after the reduced
#                module loaded and completed its transition (klp_load's PASS
#                lines): proof that the removed functions are needed and
#                that guest.sh can tell.
# scripts/klp-build.sh builds the patched kernel and the module against OUT
# in the work dir WORK_TOP/klp-build-NAME (--work-top, default
# $KLP_BUILD_TOP, else OUT's parent dir; anywhere but inside OUT or its
# source tree), which also gets this test's files (WORK/test/); OUT and its
# source tree are only read.  Then OUT's bzImage boots in QEMU and guest.sh
# loads, checks and unloads the module.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
say() { echo "[test-klp-build] $*"; }
die() { echo "[test-klp-build] FAIL: $*" >&2; exit 1; }

out= scen= timeout=180 klpgen=${KLP_GEN:-} worktop=${KLP_BUILD_TOP:-}
while [ $# -gt 0 ]; do
	case $1 in
	--build) out=$2; shift 2 ;;
	--scenario) scen=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--klp-gen) klpgen=$2; shift 2 ;;
	--work-top) worktop=$2; shift 2 ;;
	*) die "usage: $0 --build OUT --scenario DIR [--work-top DIR] [--timeout N] [--klp-gen PATH]" ;;
	esac
done
[ -n "$out" ] && [ -n "$scen" ] || die "usage: $0 --build OUT --scenario DIR"
out=$(cd "$out" && pwd)
scen=$(cd "$scen" && pwd)
name=klp_$(basename "$scen" | tr -c 'a-z0-9_\n' '_')
[ -n "$klpgen" ] || klpgen=$(command -v klp-gen)
[ -n "$worktop" ] || worktop=$(dirname "$out")
mkdir -p "$worktop"
bw=$(cd "$worktop" && pwd)/klp-build-$name
work=$bw/test
mkdir -p "$work"
say "scenario $(basename "$scen") -> module $name (work dir $bw)"

# A scenario for another kernel config must not run against this one: it
# would test nothing (or fail for the wrong reason).
if [ -f "$scen/config" ]; then
	frag=$top/test/kernel/configs/$(cat "$scen/config").config
	[ -f "$frag" ] || die "$scen/config: no fragment $frag"
	grep -E '^(CONFIG_|# CONFIG_)' "$frag" | while IFS= read -r line; do
		grep -qxF "$line" "$out/.config" ||
			die "$out was not built with $frag ('$line' is not in its .config)"
	done
fi

if [ -f "$scen/nochange" ]; then
	"$here/make-nochange-patch.sh" --build "$out" --mode "$(cat "$scen/nochange")" \
		-o "$work/patch" || die "cannot make the no-change patch"
	rm -f "$work/$name.ko"
	if "$top/scripts/klp-build.sh" --kernel-build "$out" --patch "$work/patch" --name "$name" \
		-o "$work/$name.ko" --work "$bw" --klp-gen "$klpgen" > "$work/nochange.log" 2>&1; then
		die "klp-build made a module of a patch that changes no code (log: $work/nochange.log)"
	fi
	[ ! -e "$work/$name.ko" ] || die "klp-build left $work/$name.ko behind"
	grep -q "the patch changes no function's code .*: nothing to patch" "$work/nochange.log" ||
		{ tail -20 "$work/nochange.log" >&2; die "klp-build failed, but not with 'nothing to patch' (log: $work/nochange.log)"; }
	# diff's own report: nothing selected, new, removed or refused.
	for l in "selected: 0" "new functions (copied into the module): 0" \
		"removed functions: 0" "refusals: 0" "result: no function changed"; do
		grep -q "^$l" "$bw/plans/vmlinux.report" ||
			die "diff's report lacks '$l' (see $bw/plans/vmlinux.report)"
	done
	# The oracle on the two vmlinux.o: no function's code changed, every
	# function paired, and both comparisons agree.
	"$klpgen" verify "$out/vmlinux.o" "$bw/kernel/vmlinux.o" > "$work/verify.txt" ||
		die "klp-gen verify failed (see $work/verify.txt)"
	tail -1 "$work/verify.txt" | grep -Eq '^summary compared=[1-9][0-9]* changed=0 new=0 removed=0 ambiguous=0 unpaired=0 unverified=0 disagree=0$' ||
		die "verify: $(tail -1 "$work/verify.txt")"
	say "no change, as expected: $(tail -1 "$work/verify.txt")"
	say "PASS"
	exit 0
fi
if [ -f "$scen/refuse" ]; then
	rm -f "$work/$name.ko"
	if "$top/scripts/klp-build.sh" --kernel-build "$out" --patch "$scen/patch" --name "$name" \
		-o "$work/$name.ko" --work "$bw" --klp-gen "$klpgen" > "$work/refuse.log" 2>&1; then
		die "klp-build accepted a patch it must refuse (log: $work/refuse.log)"
	fi
	[ ! -e "$work/$name.ko" ] || die "klp-build refused but left $work/$name.ko behind"
	grep -Eq -f "$scen/refuse" "$work/refuse.log" ||
		die "klp-build failed, but not with /$(cat "$scen/refuse")/ (log: $work/refuse.log)"
	say "refused as expected: $(grep -E -m1 -f "$scen/refuse" "$work/refuse.log")"
	say "PASS"
	exit 0
fi
v1= patch2=
if [ -f "$scen/patch2" ]; then
	v1=${name}_v1 patch2=$scen/patch2
	"$top/scripts/klp-build.sh" --kernel-build "$out" --patch "$scen/patch" --name "$v1" \
		-o "$work/$v1.ko" --work "$worktop/klp-build-$v1" --klp-gen "$klpgen" ||
		die "klp-build of v1 (patch alone) failed"
fi
"$top/scripts/klp-build.sh" --kernel-build "$out" --patch "$scen/patch" ${patch2:+--patch "$patch2"} \
	--name "$name" -o "$work/$name.ko" --work "$bw" --klp-gen "$klpgen" ||
	die "klp-build failed"
# The machine-code oracle: every function whose code differs between the
# two builds must be in the plan (no misses); extras are listed.  Its two
# independent comparisons must agree on every function (no disagree line),
# and every function it could not compare must be explained by the plan (no
# UNVERIFIED line).  klp-build.sh refuses a patch unless verify agrees on
# every object it diffed; here, independently of it, vmlinux is always
# checked (a plan without it must not miss a change there), and so is every
# module klp-build.sh diffed (its `objects` file).
oracle() {
	"$klpgen" verify --plan "$bw/plan" "$1" "$2" > "$work/verify-$3.txt" ||
		{ grep -E '^(MISS|UNVERIFIED|disagree|summary)' "$work/verify-$3.txt" >&2; die "klp-gen verify failed on $3: missed, unverified or disputed functions, or an error (see $work/verify-$3.txt)"; }
	say "oracle $3: $(tail -1 "$work/verify-$3.txt")"
}
oracle "$out/vmlinux.o" "$bw/kernel/vmlinux.o" vmlinux
while read -r o of pf; do
	[ "$o" = vmlinux ] || oracle "$of" "$pf" "$o"
done < "$bw/objects"
cat "$bw/plan" "$bw/report.txt" > "$work/plan+report.txt"
FileCheck --input-file="$work/plan+report.txt" "$scen/plan.check" ||
	die "plan/report do not match $scen/plan.check"

{ echo "KLP_NAME=$name"; [ -z "$v1" ] || echo "KLP_NAME1=$v1"; cat "$scen/guest.sh"; } > "$work/guest.sh"
set --
[ -z "$v1" ] || set -- --add "$work/$v1.ko:/klp1.ko"
[ ! -f "$scen/append" ] || set -- --append "$(cat "$scen/append")"
if [ -f "$scen/modules" ]; then
	for m in $(cat "$scen/modules"); do
		[ -f "$out/$m" ] || die "$scen/modules: $out/$m not found"
		set -- "$@" --add "$out/$m:/$(basename "$m")"
	done
fi
if [ -f "$scen/guest-tools" ]; then
	for t in $(cat "$scen/guest-tools"); do
		b=$work/$(basename "$t" .c)
		clang-22 -static -O2 -Wall -Werror -o "$b" "$here/guest-tools/$t" ||
			die "cannot build guest tool $t"
		set -- "$@" --add "$b:/bin/$(basename "$t" .c)"
	done
fi
"$here/qemu-run.sh" --kernel "$out/arch/x86/boot/bzImage" --script "$work/guest.sh" \
	--add "$work/$name.ko:/klp.ko" "$@" --log "$work/console.log" --timeout "$timeout" --quiet ||
	die "guest checks failed; console: $work/console.log"

# went_live LOG: the module under test loaded, enabled, transition complete
# (klp_load's PASS lines): a control whose module never went live fails its
# checks for the wrong reason and proves nothing.
went_live() {
	for ok in "insmod /klp.ko" "$name enabled == 1" "$name transition complete"; do
		grep -q "^PASS: $ok" "$1" ||
			die "control: the module did not go live ('PASS: $ok' missing; see $1)"
	done
}
# control_fails KO_BASE MUST_FAIL WHAT [QEMU ARGS]: $work/KO_BASE.ko in the
# guest must go live and then fail the check MUST_FAIL (a negative control).
# control_module TAG PLAN [EXTRACT_OPTION...]: $work/TAG.ko from PLAN, one
# patch object per object of PLAN (as klp-build.sh), extract given the
# options (a negative control turns a feature off with them).
control_module() {
	tag=$1 cplan=$2
	shift 2
	cobjs=
	while read -r o of pf; do
		grep -qx "object $o" "$cplan" || continue
		[ "$o" != vmlinux ] || of=$out/vmlinux
		"$klpgen" extract "$@" --plan "$cplan" --object "$o" --patched "$pf" \
			--orig "$of" --symvers "$out/Module.symvers" -o "$work/$tag-$o.o" ||
			die "$tag: extract $* of $o failed"
		cobjs="$cobjs --object $work/$tag-$o.o"
	done < "$bw/objects"
	# shellcheck disable=SC2086
	"$top/scripts/klp-build-module.sh" --kernel-build "$out" --plan "$cplan" --klp-gen "$klpgen" \
		$cobjs --name "$name" -o "$work/$tag.ko" ||
		die "$tag: module build with extract $* failed"
}

control_fails() {
	ko=$1 mf=$2 what=$3
	shift 3
	if "$here/qemu-run.sh" --kernel "$out/arch/x86/boot/bzImage" --script "$work/guest.sh" \
		--add "$work/$ko.ko:/klp.ko" "$@" --log "$work/$ko-console.log" \
		--timeout "$timeout" --quiet >/dev/null 2>&1; then
		die "control: guest checks passed $what"
	fi
	went_live "$work/$ko-console.log"
	grep -q "^FAIL: $mf" "$work/$ko-console.log" ||
		die "control: guest did not fail '$mf' (see $work/$ko-console.log)"
	say "negative control failed as it must: $(grep -m1 "^FAIL: $mf" "$work/$ko-console.log")"
}
if [ -f "$scen/replace-control" ]; then
	must_fail=$(sed -n 1p "$scen/replace-control")
	say "negative control: the cumulative module with --no-replace"
	# shellcheck disable=SC2046
	"$top/scripts/klp-build-module.sh" --kernel-build "$out" --plan "$bw/plan" --klp-gen "$klpgen" \
		$(for o in "$bw"/patch-*.o; do echo --object "$o"; done) --no-replace \
		--name "$name" -o "$work/stack.ko" || die "control: --no-replace module build failed"
	control_fails stack "$must_fail" "with a --no-replace module" "$@"
fi

if [ -f "$scen/extract-control" ]; then
	xopts=$(sed -n 1p "$scen/extract-control")
	xere=$(sed -n 2p "$scen/extract-control")
	say "negative control: extract $xopts"
	# shellcheck disable=SC2086
	control_module xcontrol "$bw/plan" $xopts
	if "$here/qemu-run.sh" --kernel "$out/arch/x86/boot/bzImage" --script "$work/guest.sh" \
		--add "$work/xcontrol.ko:/klp.ko" "$@" --log "$work/xcontrol-console.log" \
		--timeout "$timeout" --quiet >/dev/null 2>&1; then
		die "control: guest checks passed with a module built by extract $xopts"
	fi
	went_live "$work/xcontrol-console.log"
	grep -Eq -- "$xere" "$work/xcontrol-console.log" ||
		die "control: the console does not match /$xere/ (see $work/xcontrol-console.log)"
	say "negative control failed as it must: $(grep -Em1 -- "$xere" "$work/xcontrol-console.log")"
fi

if [ -f "$scen/control" ]; then
	drop=$(sed -n 1p "$scen/control")
	must_fail=$(sed -n 2p "$scen/control")
	grep -Ev "$drop" "$bw/plan" > "$work/control.plan"
	[ "$(wc -l < "$work/control.plan")" -lt "$(wc -l < "$bw/plan")" ] ||
		die "control: '$drop' removes no line from the plan"
	grep -q '^replace ' "$work/control.plan" || die "control: no replace line left"
	say "negative control: plan without /$drop/"
	control_module control "$work/control.plan"
	control_fails control "$must_fail" "without the dropped functions" "$@"
fi
say "PASS"
