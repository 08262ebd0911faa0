#!/bin/sh
# run-all.sh --build CMAKE_BUILD_DIR [--config NAME]
#
# The real-kernel test round (scripts/test.sh runs it after the lit suite):
#   1. Linux 6.12 (tinyconfig + livepatch, ThinLTO) built with the klp-lto
#      plugin into $KLP_WORK/kernel-orig (incremental when it exists);
#   2. test-record-coverage.sh: the record of vmlinux.o is complete;
#   3. test-sample-livepatch.sh: the kernel's own livepatch sample loads
#      (the test bed itself works);
#   4. test-klp-build.sh for every scenarios/*/: klp-gen builds a livepatch
#      from a source patch, QEMU boots the kernel and checks the behaviour
#      before, while and after it is applied.  The patched builds (and each
#      scenario's files) go to $KLP_BUILD_TOP/klp-build-klp_SCENARIO, by
#      default in a new dir under ${TMPDIR:-/tmp}, away from $KLP_WORK:
#      klp-build.sh works from copies anywhere and only reads the original
#      build and its source tree.  A scenario with a `config` file runs
#      against a second kernel, built (before the scenarios) with that
#      fragment (configs/NAME.config) into $KLP_WORK/kernel-NAME, whose
#      record coverage is checked too: today `kcfi` (CONFIG_CFI_CLANG);
#   5. the real-fix corpus' CI sample (bench/corpus/run.sh --sample).
# --config NAME: the kernel gets test/kernel/configs/NAME.config on top
# (scripts/build-kernel.sh --config-extra) and is built into
# $KLP_WORK/kernel-orig-NAME; the scenarios of scenarios-NAME/ run after
# the common ones, and the corpus sample builds its ORIG with the same
# fragment.  Not CI's default: the broad config adds a longer kernel build
# (docs/performance.md, "The broad config").
# Fails (after running all) if any test fails.  Times are printed per step.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
say() { echo "[run-all] $*"; }
die() { echo "[run-all] ERROR: $*" >&2; exit 1; }

build= config=
while [ $# -gt 0 ]; do
	case $1 in
	--build) build=$2; shift 2 ;;
	--config) [ $# -ge 2 ] || die "--config needs a NAME"; config=$2; shift 2 ;;
	*) die "usage: $0 --build CMAKE_BUILD_DIR [--config NAME]" ;;
	esac
done
[ -n "$build" ] || die "usage: $0 --build CMAKE_BUILD_DIR [--config NAME]"
set --
if [ -n "$config" ]; then
	frag=$here/configs/$config.config
	[ -f "$frag" ] || die "no config fragment $frag (test/kernel/configs/)"
	set -- --config-extra "$frag"
fi
build=$(cd "$build" && pwd)
plugin=$build/llvm-plugin/KlpLtoPlugin.so
klpgen=$build/klp-gen/klp-gen
[ -f "$plugin" ] && [ -x "$klpgen" ] || die "build $build first (plugin, klp-gen)"
export KLP_WORK=${KLP_WORK:-$HOME/.cache/klp-lto}
export KLP_GEN=$klpgen
PATH=/usr/lib/llvm-22/bin:$PATH
export PATH
mkdir -p "$KLP_WORK"
kout=$KLP_WORK/kernel-orig${config:+-$config}
# A temporary top (not given) is removed after a round without failures:
# about 0.5 GB of patched build per scenario.
own_top=
if [ -z "${KLP_BUILD_TOP:-}" ]; then
	KLP_BUILD_TOP=$(mktemp -d "${TMPDIR:-/tmp}/klp-build.XXXXXX")
	own_top=$KLP_BUILD_TOP
fi
export KLP_BUILD_TOP
say "patched builds in $KLP_BUILD_TOP"

t0=$(date +%s)
"$top/scripts/build-kernel.sh" --src "$KLP_WORK/src" --out "$kout" --plugin "$plugin" "$@"
say "kernel build: $(( $(date +%s) - t0 )) s"

fails=0
run() { # run NAME COMMAND...
	n=$1; shift
	t=$(date +%s)
	if "$@"; then
		say "PASS $n ($(( $(date +%s) - t )) s)"
	else
		say "FAIL $n ($(( $(date +%s) - t )) s)"
		fails=$((fails + 1))
	fi
}
run record-coverage "$here/test-record-coverage.sh" --build "$kout" --klp-gen "$klpgen"
run sample-livepatch "$here/test-sample-livepatch.sh" --build "$kout"
[ ! -x "$here/test-module-build.sh" ] ||
	run module-build "$here/test-module-build.sh" --build "$kout"
# The kernels of the other configs the scenarios name (one build each).
configs=$(cat "$here"/scenarios/*/config 2>/dev/null | sort -u)
for c in $configs; do
	t=$(date +%s)
	if "$top/scripts/build-kernel.sh" --src "$KLP_WORK/src" --out "$KLP_WORK/kernel-$c" \
		--plugin "$plugin" --config-extra "$here/configs/$c.config"; then
		say "kernel-$c build: $(( $(date +%s) - t )) s"
		run "record-coverage ($c)" "$here/test-record-coverage.sh" --build "$KLP_WORK/kernel-$c" \
			--klp-gen "$klpgen"
	else
		say "FAIL kernel-$c build ($(( $(date +%s) - t )) s): its scenarios fail"
		fails=$((fails + 1))
	fi
done
for s in "$here"/scenarios/*/ ${config:+"$here/scenarios-$config"/*/}; do
	[ -d "$s" ] || continue
	[ -f "$s/patch" ] || [ -f "$s/nochange" ] || continue
	k=$kout
	[ ! -f "$s/config" ] || k=$KLP_WORK/kernel-$(cat "$s/config")
	run "scenario $(basename "$s")" "$here/test-klp-build.sh" --build "$k" --scenario "$s" \
		--work-top "$KLP_BUILD_TOP"
done
# The real-fix corpus' bounded sample (bench/corpus/sample.txt, docs/corpus.md):
# Debian's linux-source-6.12 6.12.113 and 6.12.115 (apt-get download), ORIG
# (6.12.113) built with the plugin once into $KLP_WORK/corpus (6-14 min),
# then the sample's patches (about 5-7 min); fails when a sample row is not
# its expected outcome.  KLP_SKIP_CORPUS=1 skips it.
if [ "${KLP_SKIP_CORPUS:-0}" != 1 ]; then
	run corpus-sample env KLP_BUILD="$build" "$top/bench/corpus/run.sh" --sample ${config:+--config "$config"}
fi
say "total $(( $(date +%s) - t0 )) s, $fails failed"
if [ "$fails" = 0 ] && [ -n "$own_top" ]; then
	rm -rf "$own_top"
elif [ "$fails" != 0 ]; then
	say "patched builds and logs kept in $KLP_BUILD_TOP"
fi
[ "$fails" = 0 ]
