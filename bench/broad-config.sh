#!/bin/sh
# bench/broad-config.sh [options]: the broad kernel config, measured.
#
# The broad config (test/kernel/configs/broad.config: networking, EXT4, XFS
# as a module, input drivers, AIO, KVM as modules, on top of
# scripts/build-kernel.sh's tinyconfig + livepatch list) is too slow for the
# CI round, so this command measures it apart, in one go:
#   1. the kernel built with the plugin (scripts/build-kernel.sh
#      --config-extra), wall and CPU time (bench/measure.c: user + system of
#      the build and everything it ran); with --fresh from an empty O= dir,
#      else whatever an existing OUT still needs (the report says which);
#   2. the config's size: options =y / =m, C files compiled, modules;
#   3. test/kernel/test-record-coverage.sh on it (`klp-gen coverage`: every
#      function symbol of vmlinux.o has a record entry; fails the run if not);
#   4. the record's size in vmlinux.o (bytes, % of vmlinux.o, func entries);
#   5. patch to .ko: scripts/klp-build.sh on one scenario (default
#      test/kernel/scenarios-broad/net-sockstat) --ptk-runs times into the
#      same work dir, OUT/../klp-build-NAME-bench (the first run, into a
#      fresh dir, is reported apart), wall and CPU, median;
#   6. klp-gen's stages (dump, coverage, plan, diff, verify, extract, glue)
#      on ORIG against that scenario's patched vmlinux.o: bench/run.sh
#      --orig --patched --patch --no-scaling --no-callgrind --warm (dropping
#      the page cache of a shared machine would slow every other job).
# Prints a Markdown report and, with --write, puts it into
# docs/performance.md between the `<!-- bench:broad-config.sh begin -->` and
# `<!-- bench:broad-config.sh end -->` markers.
#
# Options:
#   --build DIR      cmake build dir with the plugin and klp-gen (default ./build)
#   --plugin PATH    the plugin to build the kernel with (default: from --build;
#                    give the one an existing OUT was built with to reuse it)
#   --klp-gen PATH   the klp-gen to run (default: from --build)
#   --work DIR       default $KLP_WORK or $HOME/.cache/klp-lto
#   --src DIR        kernel source tree (default WORK/src; scripts/kernel-src.sh)
#   --out DIR        the kernel's O= dir (default WORK/kernel-orig-broad)
#   --fresh          remove OUT first (a build from scratch)
#   --no-build       measure an OUT that is already built (no make at all)
#   --scenario DIR   the patch-to-.ko scenario (default
#                    test/kernel/scenarios-broad/net-sockstat)
#   --ptk-runs N     klp-build.sh runs after the first (default 3; 0: first only)
#   --ptk-work DIR   klp-build.sh's work dir (default OUT/../klp-build-NAME-bench;
#                    removed first, kept afterwards)
#   --runs N         runs per klp-gen stage (bench/run.sh --runs, default 3)
#   --write          write the report into docs/performance.md
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build plugin= klpgen= work=${KLP_WORK:-$HOME/.cache/klp-lto}
src= out= fresh=no dobuild=yes scen=$top/test/kernel/scenarios-broad/net-sockstat
ptk_runs=3 runs=3 write=no bw=
usage() { awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0" >&2; exit 2; }
while [ $# -gt 0 ]; do
	case $1 in
	--build) build=$2; shift 2 ;;
	--plugin) plugin=$2; shift 2 ;;
	--klp-gen) klpgen=$2; shift 2 ;;
	--work) work=$2; shift 2 ;;
	--src) src=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--fresh) fresh=yes; shift ;;
	--no-build) dobuild=no; shift ;;
	--scenario) scen=$2; shift 2 ;;
	--ptk-runs) ptk_runs=$2; shift 2 ;;
	--ptk-work) bw=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	--write) write=yes; shift ;;
	-h|--help) usage ;;
	*) echo "bench/broad-config.sh: unknown option $1" >&2; usage ;;
	esac
done
die() { echo "[broad] ERROR: $*" >&2; exit 1; }
say() { echo "[broad] $*" >&2; }
case $ptk_runs$runs in *[!0-9]*) die "--ptk-runs and --runs need a number" ;; esac
: "${plugin:=$build/llvm-plugin/KlpLtoPlugin.so}"
: "${klpgen:=$build/klp-gen/klp-gen}"
: "${src:=$work/src}"
: "${out:=$work/kernel-orig-broad}"
[ -f "$plugin" ] || die "plugin $plugin not found (build it, or --plugin)"
[ -x "$klpgen" ] || die "klp-gen $klpgen not found (build it, or --klp-gen)"
[ -f "$scen/patch" ] || die "no scenario patch $scen/patch"
klpgen=$(cd "$(dirname "$klpgen")" && pwd)/$(basename "$klpgen")
frag=$top/test/kernel/configs/broad.config
export KLP_WORK="$work"
PATH=/usr/lib/llvm-22/bin:$PATH
export PATH
tmp=$(mktemp -d /tmp/klp-broad.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
cc -O2 -Wall -o "$tmp/measure" "$top/bench/measure.c"
rep=$tmp/report.md
: > "$rep"
emit() { printf '%s\n' "$*" >> "$rep"; }
secs() { awk -v s="$1" 'BEGIN { printf "%d min %02d s", s / 60, s % 60 }'; }

# --- 1. the kernel ---
how="already built (--no-build)"
if [ "$dobuild" = yes ]; then
	if [ "$fresh" = yes ]; then rm -rf "$out"; how="from scratch"
	elif [ -f "$out/vmlinux.o" ]; then how="incremental (OUT existed; --fresh for a build from scratch)"
	else how="from scratch"; fi
	load0=$(cut -d' ' -f1-3 /proc/loadavg)
	say "building the broad config into $out ($how; log $out/build.log)"
	"$tmp/measure" -o "$tmp/build.out" -e "$tmp/build.out" -- \
		"$top/scripts/build-kernel.sh" --src "$src" --out "$out" --plugin "$plugin" \
		--config-extra "$frag" > "$tmp/build.times"
	read -r bwall _ bst bcpu < "$tmp/build.times"
	[ "$bst" = 0 ] || { tail -20 "$tmp/build.out" >&2; die "the kernel build failed (exit $bst)"; }
	how="$how: $(secs "${bwall%.*}") wall, $(secs "${bcpu%.*}") CPU (user + system), make -j$(nproc), load average $load0 at the start"
fi
[ -f "$out/vmlinux.o" ] && [ -f "$out/vmlinux" ] || die "no finished kernel build in $out"
cmp -s "$out/klp-lto.plugin" - <<EOF || say "note: $out was built with the plugin $(cat "$out/klp-lto.plugin"), not $plugin"
$plugin
EOF

# --- 2. the config's size ---
ny=$(grep -c '=y$' "$out/.config")
nm=$(grep -c '=m$' "$out/.config")
nko=$(find "$out" -name '*.ko' ! -path '*/klp-tests/*' | wc -l)
# Every compiled C file leaves a .o.cmd naming its source.
ncc=$(find "$out" -name '.*.o.cmd' ! -path '*/tools/*' ! -path '*/klp-tests/*' -exec grep -l '^source_.*\.c$' {} + | wc -l)

# --- 3. coverage ---
say "test-record-coverage.sh"
"$top/test/kernel/test-record-coverage.sh" --build "$out" --klp-gen "$klpgen" --work "$tmp/coverage" \
	> "$tmp/coverage.log" 2>&1 || { cat "$tmp/coverage.log" >&2; die "klp-gen coverage does not hold on the broad config"; }

# --- 4. the record ---
sec() { llvm-readelf -S --wide "$1" | sed -n 's/^ *\[ *[0-9]*\] //p' |
	awk -v n="$2" '$1 == n { print $5 }' | { read -r h && printf '%d\n' "0x$h" || echo 0; }; }
osize=$(stat -c %s "$out/vmlinux.o")
klp=$(sec "$out/vmlinux.o" .klp.lto) rela=$(sec "$out/vmlinux.o" .rela.klp.lto)
summary=$("$klpgen" dump "$out/vmlinux.o" | tail -1)
nf=$(echo "$summary" | sed -n 's/.*funcs=\([0-9]*\).*/\1/p')
nsym=$(sed -n 's/^coverage: \([0-9]*\) function symbols.*/\1/p' "$tmp/coverage/coverage.txt")
mrec=0 msize=0
for k in $(find "$out" -name '*.ko' ! -path '*/klp-tests/*'); do
	msize=$((msize + $(stat -c %s "$k")))
	mrec=$((mrec + $(sec "$k" .klp.lto) + $(sec "$k" .rela.klp.lto)))
done

# --- 5. patch to .ko ---
name=klp_$(basename "$scen" | tr -c 'a-z0-9_\n' '_')
# Next to ORIG, as klp-build.sh's default work dir; kept for inspection
# (about the size of OUT), removed before the first run.
: "${bw:=$(dirname "$out")/klp-build-$name-bench}"
rm -rf "$bw"
ptk() { # ptk LABEL: one klp-build.sh run into $bw; appends "LABEL WALL CPU"
	say "patch to .ko ($1): scripts/klp-build.sh --patch $scen/patch"
	"$tmp/measure" -o "$tmp/ptk-$1.log" -e "$tmp/ptk-$1.log" -- "$top/scripts/klp-build.sh" \
		--kernel-build "$out" --patch "$scen/patch" --name "$name" -o "$tmp/$name.ko" \
		--work "$bw" --klp-gen "$klpgen" > "$tmp/ptk-$1.times"
	read -r w _ st c < "$tmp/ptk-$1.times"
	[ "$st" = 0 ] || { tail -20 "$tmp/ptk-$1.log" >&2; die "klp-build.sh failed ($1)"; }
	echo "$1 $w $c" >> "$tmp/ptk.times"
}
: > "$tmp/ptk.times"
ptk first
i=1
while [ $i -le "$ptk_runs" ]; do ptk "run$i"; i=$((i + 1)); done
median() { sort -n | awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)] }'; }
ptk_w=$(awk '$1 != "first" { print $2 }' "$tmp/ptk.times" | median)
ptk_c=$(awk '$1 != "first" { print $3 }' "$tmp/ptk.times" | median)
ptk_all=$(awk '$1 != "first" { printf "%s%.1f", sep, $2; sep = ", " }' "$tmp/ptk.times")
first=$(awk '$1 == "first" { printf "%.1f s wall, %.1f s CPU", $2, $3 }' "$tmp/ptk.times")
ncomp=$(sed -n 's/.*(\([0-9]*\) C files compiled).*/\1/p' "$tmp/ptk-first.log" | tail -1)
ksize=$(stat -c %s "$tmp/$name.ko")

# --- 6. klp-gen's stages on the pair ---
say "bench/run.sh on ORIG and the scenario's patched vmlinux.o"
"$top/bench/run.sh" --klp-gen "$klpgen" --orig "$out" --patched "$bw/kernel" --patch "$scen/patch" \
	--runs "$runs" --warm --no-scaling --no-callgrind --no-write --tmp "$tmp/run" > "$tmp/run.md" 2> "$tmp/run.err" ||
	{ cat "$tmp/run.err" >&2; die "bench/run.sh failed"; }

# --- the report ---
emit "Generated by \`bench/broad-config.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC') ($(nproc) cores, $(uname -r));"
emit "klp-lto $(cd "$top" && git rev-parse --short HEAD)$(cd "$top" && git diff --quiet || echo ' (modified)'); Linux $(cat "$out/include/config/kernel.release" 2>/dev/null || echo '?');"
emit "config: tinyconfig + build-kernel.sh's list + \`test/kernel/configs/broad.config\`."
emit ""
emit "| | broad config |"
emit "|---|---|"
emit "| kernel build with the plugin | $how |"
emit "| options | $ny =y, $nm =m; $ncc C files compiled, $nko modules |"
emit "| \`klp-gen coverage\` (test-record-coverage.sh) | PASS: $(tail -1 "$tmp/coverage/coverage.txt"); $(grep 'promoted functions' "$tmp/coverage.log" | sed 's/^\[[^]]*\] //') |"
emit "| functions | $nsym function symbols in vmlinux.o; $nf func entries in the record |"
emit "| record in vmlinux.o | $(awk -v o="$osize" -v k="$klp" -v r="$rela" -v n="$nf" 'BEGIN {
	printf ".klp.lto %d + .rela.klp.lto %d = %d bytes, %.1f %% of vmlinux.o (%d bytes), %.0f bytes per func entry", k, r, k + r, 100 * (k + r) / o, o, n ? (k + r) / n : 0 }') |"
emit "| record in the modules | $mrec bytes in $nko .ko files ($msize bytes) |"
emit "| \`klp-gen dump\` | $summary |"
if [ "$ptk_runs" -gt 0 ]; then
	ptk_line="median **$ptk_w s** wall of $ptk_runs runs into the same work dir ($ptk_all), $ptk_c s CPU; first run into a fresh dir: $first"
else
	ptk_line="one run into a fresh work dir: $first"
fi
emit "| patch to .ko ($(basename "$scen")) | $ptk_line; $ncomp C file(s) compiled; module $ksize bytes |"
emit ""
emit "klp-gen on ORIG against the patched vmlinux.o of $(basename "$scen") (bench/run.sh):"
emit ""
# bench/run.sh's kernel table and record lines, without its own header and
# without its issue-15 targets table (that one judges the tiny kernel pair;
# bench/run.sh's own report reads the broad row from this block).
awk '/^### klp-gen on the kernel/ { on = 1 } /^### Targets/ { on = 0 } on' "$tmp/run.md" |
	sed 's/^### /#### /' >> "$rep"
cat "$rep"
if [ "$write" = yes ]; then
	doc=$top/docs/performance.md
	begin='<!-- bench:broad-config.sh begin -->' end='<!-- bench:broad-config.sh end -->'
	grep -qF "$begin" "$doc" || die "$doc has no '$begin' marker"
	awk -v b="$begin" -v e="$end" -v rep="$rep" '
		$0 == b { print; while ((getline l < rep) > 0) print l; skip = 1; next }
		$0 == e { skip = 0 }
		!skip' "$doc" > "$doc.tmp" && mv "$doc.tmp" "$doc"
	say "wrote the report into $doc"
fi
