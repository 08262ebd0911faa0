#!/bin/sh
# bench/run.sh [options]: how fast and how big klp-gen is, and how it scales.
#
# One command; prints a Markdown report and writes it into docs/performance.md
# between the `<!-- bench:run.sh begin -->` and `<!-- bench:run.sh end -->`
# markers (the rest of the file is left alone).  Every figure is measured in
# this run, next to its reference.  Parts:
#   1. klp-gen on the real kernel pair (ORIG/vmlinux.o, PATCHED/vmlinux.o):
#      wall time and peak RSS (ru_maxrss, bench/measure.c) of dump, coverage,
#      plan, diff, verify, extract and glue, and of diff-extract-glue (dxg:
#      the last three in one process, whose outputs must be the three's),
#      median of --runs runs, each run with a cold page cache (drop_caches)
#      when we may;
#   2. scaling: synthetic records of N functions (bench/gen-record.c), the
#      same stages per N, and the growth per 10x (linear growth is ~10x);
#   3. instruction counts (valgrind --tool=callgrind) of every stage on the
#      100k-function synthetic pair and on the kernel pair;
#   4. the record's size in vmlinux.o, per func entry;
#   5. the targets of issue 15, each with the figure of the previous report
#      beside it (read from docs/performance.md before it is rewritten):
#      patch to .ko <= 20 s wall on the tiny config, <= 2 x that on the
#      broad one (--patch-to-ko); record <= 3 % of vmlinux.o (part 4);
#      plugin overhead <= 3 % of a kernel build over >= 3 alternating
#      pairs (--kernel-build, or the times of the last bench/kernel-build.sh
#      run, with the checksum of the plugin they measured beside the one
#      of --build's); diff + extract + glue in one process <= 1 s CPU on
#      the kernel pair; every stage <= 5 s CPU and <= 1 GB at 1M functions.
# A stage that this build of klp-gen does not have yet ("not implemented in
# this build", exit 2) is reported as n/a; one that fails is reported as
# failed with its first error line.  Default run: a few minutes.
#
# Options:
#   --build DIR        cmake build dir (default: ./build); klp-gen is DIR/klp-gen/klp-gen
#   --klp-gen PATH     the klp-gen to measure (default: from --build)
#   --work DIR         default $KLP_WORK or $HOME/.cache/klp-lto
#   --orig DIR         original kernel build dir (default WORK/kernel-orig)
#   --patched DIR      patched kernel build dir (default: the newest
#                      TOP/klp-build-klp_*/kernel whose build finished, of
#                      ORIG's .config and newer than ORIG's vmlinux.o;
#                      TOP is $KLP_BUILD_TOP, where test/kernel/run-all.sh
#                      put the scenarios' patched builds, else WORK)
#   --patch FILE       the source patch of that pair, for `plan` (default:
#                      test/kernel/scenarios/NAME/patch for klp-build-klp_NAME)
#   --runs N           runs per kernel measurement, the median is reported
#                      (default 3)
#   --scale-runs N     the same for the synthetic records (default 1: they
#                      are deterministic and CPU time is what is compared)
#   --sizes "N..."     synthetic sizes (default "10000 100000 1000000")
#   --warm             do not drop the page cache before kernel runs
#   --no-kernel        skip part 1 and 4
#   --no-scaling       skip part 2
#   --no-callgrind     skip part 3
#   --no-callgrind-kernel  count instructions on the synthetic pair only
#   --kernel-build     also run bench/kernel-build.sh (--kernel-pairs pairs
#                      of full kernel builds, 10+ minutes each; writes
#                      KTIMES/bench-kernel-*)
#   --kernel-pairs N   pairs for --kernel-build (default 3, the issue's least)
#   --kernel-times DIR where bench/kernel-build.sh's times are (default WORK):
#                      without --kernel-build, the plugin-overhead target is
#                      read from DIR/bench-kernel.times (marked "not rerun")
#   --klp-build NAME   also time scripts/klp-build.sh on scenario NAME, split
#                      by stage (patched rebuild, diff, extract, module);
#                      it patches the kernel source tree while it runs
#   --patch-to-ko NAME time scripts/klp-build.sh on scenario NAME (or a
#                      scenario DIR, e.g. test/kernel/scenarios-broad/X) twice, in
#                      turn: as it runs (vmlinux.o only, ThinLTO backends
#                      from ORIG's cache) and the reference build
#                      (KLP_BUILD_REFERENCE=1: vmlinux and modules, empty
#                      cache), stage by stage, with the ratios; the shortcut
#                      must agree with the reference: identical plan bytes,
#                      `klp-gen verify --plan` of its plan on the reference's
#                      object pairs, identical vmlinux.o bytes (but for the
#                      debug info, which names the work dirs) and .klp.lto
#                      bytes (else the report says DISAGREE, exit 1).
#                      The other parts still run unless turned off (e.g.
#                      --no-kernel --no-scaling --no-callgrind --no-write
#                      for this part alone).  A scenario under
#                      scenarios-broad/ is judged against 2 x 20 s.
#   --pairs N          --patch-to-ko: N pairs, each stage's median (default 1;
#                      the target is a median of 3)
#   --no-write         print the report only, leave docs/performance.md alone
#   --tmp DIR          scratch dir (default: a new /tmp/klp-bench.XXXXXX,
#                      removed at exit; the 1M pair takes ~850 MB)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build klpgen= work=${KLP_WORK:-$HOME/.cache/klp-lto}
orig= patched= patchf= runs=3 scale_runs=1 sizes="10000 100000 1000000"
cold=yes do_kernel=yes do_scaling=yes do_cg=yes cg_kernel=yes
kbuild=no klpbuild= write=yes tmp= ptk= pairs=1 kpairs=3 ktimes=
usage() { awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0" >&2; exit 2; }
while [ $# -gt 0 ]; do
	case $1 in
	--build) build=$2; shift 2 ;;
	--klp-gen) klpgen=$2; shift 2 ;;
	--work) work=$2; shift 2 ;;
	--orig) orig=$2; shift 2 ;;
	--patched) patched=$2; shift 2 ;;
	--patch) patchf=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	--scale-runs) scale_runs=$2; shift 2 ;;
	--sizes) sizes=$2; shift 2 ;;
	--warm) cold=no; shift ;;
	--no-kernel) do_kernel=no; shift ;;
	--no-scaling) do_scaling=no; shift ;;
	--no-callgrind) do_cg=no; shift ;;
	--no-callgrind-kernel) cg_kernel=no; shift ;;
	--kernel-build) kbuild=yes; shift ;;
	--kernel-pairs) kpairs=$2; shift 2 ;;
	--kernel-times) ktimes=$2; shift 2 ;;
	--klp-build) klpbuild=$2; shift 2 ;;
	--patch-to-ko) ptk=$2; shift 2 ;;
	--pairs) pairs=$2; shift 2 ;;
	--no-write) write=no; shift ;;
	--tmp) tmp=$2; shift 2 ;;
	-h|--help) usage ;;
	*) echo "bench/run.sh: unknown option $1" >&2; usage ;;
	esac
done
case $runs$scale_runs in *[!0-9]*) echo "bench/run.sh: --runs and --scale-runs need a positive number" >&2; exit 2 ;; esac
[ "$runs" -gt 0 ] && [ "$scale_runs" -gt 0 ] || { echo "bench/run.sh: --runs and --scale-runs need a positive number" >&2; exit 2; }
kernel_runs=$runs
: "${klpgen:=$build/klp-gen/klp-gen}"
[ -x "$klpgen" ] || { echo "bench/run.sh: $klpgen not found: build klp-gen first (cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release && ninja -C build)" >&2; exit 1; }
klpgen=$(cd "$(dirname "$klpgen")" && pwd)/$(basename "$klpgen")
export KLP_WORK="$work"
: "${ktimes:=$work}"
PATH=/usr/lib/llvm-22/bin:$PATH
if [ -n "$tmp" ]; then
	mkdir -p "$tmp"
else
	tmp=$(mktemp -d /tmp/klp-bench.XXXXXX)
	trap 'rm -rf "$tmp"' EXIT
fi
trap 'exit 130' INT TERM

say() { echo "[bench] $*" >&2; }

# The previous report (the generated block of docs/performance.md), for the
# figures the targets are shown beside.
doc=$top/docs/performance.md
begin='<!-- bench:run.sh begin -->' end='<!-- bench:run.sh end -->'
awk -v b="$begin" -v e="$end" '$0 == e { p = 0 } p { print } $0 == b { p = 1 }' \
	"$doc" > "$tmp/prev.md" 2>/dev/null || : > "$tmp/prev.md"
prev_date=$(sed -n 's/^Generated by `bench\/run.sh` on \([^(]*\) (.*/\1/p' "$tmp/prev.md" | sed 's/ *$//')
# prev_scale LABEL STAGE: "CPU s, RSS MB" of the previous scaling table.
prev_scale() {
	awk -F'|' -v l="$1" -v s="$2" '/^### / { k = ($0 ~ /Scaling/) }
		k && $2 == " stage " { for (i = 3; i <= NF; i++) if ($i == " " l " ") c = i }
		k && c && $2 == " " s " " { v = $c; if (v !~ / s /) exit
			cpu = v; sub(/^ */, "", cpu); sub(/ s .*/, "", cpu)
			rss = v; sub(/.*, /, "", rss); sub(/ MB.*/, "", rss)
			print cpu " s, " rss " MB"; exit }' "$tmp/prev.md"
}
cc -O2 -Wall -o "$tmp/measure" "$top/bench/measure.c"
cc -O2 -Wall -std=c11 -I"$top/klp-gen/include" -o "$tmp/gen-record" \
	"$top/bench/gen-record.c" -lz
rep=$tmp/report.md
: > "$rep"
out() { printf '%s\n' "$*" >> "$rep"; }

# --- measuring one stage ---------------------------------------------------

cache_note=
drop_caches() {
	sync
	if ! { echo 3 > /proc/sys/vm/drop_caches; } 2>/dev/null; then
		cache_note="could not drop the page cache (not root?): warm cache"
		cold=no
	fi
}

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)] }'; }

# stage KEY COLD(yes|no) OUTFILE -- COMMAND...: runs COMMAND --runs times;
# sets s_wall and s_cpu (s, user + system), s_rss (MB), s_res (ok, n/a or
# failed) and s_note.
stage() {
	key=$1 st_cold=$2 o=$3
	shift 4
	: > "$tmp/$key.times"
	i=0
	while [ "$i" -lt "$runs" ]; do
		if [ "$st_cold" = yes ] && [ "$cold" = yes ]; then drop_caches; fi
		"$tmp/measure" -o "$o" -e "$tmp/$key.err" -- "$@" >> "$tmp/$key.times"
		i=$((i + 1))
		st=$(tail -1 "$tmp/$key.times" | cut -d' ' -f3)
		classify "$key" "$st" "$o"
		[ "$s_res" = ok ] || break
	done
	s_wall=$(cut -d' ' -f1 "$tmp/$key.times" | median)
	s_rss=$(cut -d' ' -f2 "$tmp/$key.times" | median | awk '{ printf "%.0f", $1 / 1024 }')
	s_cpu=$(cut -d' ' -f4 "$tmp/$key.times" | median)
}

# classify KEY STATUS OUTFILE: sets s_res and s_note.
classify() {
	s_note=
	case $2 in
	0) s_res=ok; return ;;
	2) if grep -q 'not implemented in this build' "$tmp/$1.err"; then
		s_res=n/a; s_note="not implemented in this build"; return
	   fi ;;
	1) # coverage reports missing symbols with status 1, diff a refusal:
	   # both are complete runs
	   case $1 in *coverage*)
		if grep -q '^coverage:' "$3" 2>/dev/null; then
			s_res=ok; s_note=$(grep '^coverage:' "$3"); return
		fi ;;
	   *diff*|*dxg*)
		if grep -q '^result: refused' "$3" 2>/dev/null; then
			s_res=ok; s_note="refused the patch: $(grep -m1 'refused:' "$3" | cut -c1-150)"; return
		fi ;;
	   esac ;;
	esac
	s_res=failed
	s_note="exit $2: $(grep -v '^usage\|^$' "$tmp/$1.err" | head -1 | cut -c1-200)"
}

# The stages, one command line each (the front ends' usage strings).
# run_stages PREFIX COLD ORIG PATCHED LINKED(or "") SYMVERS PATCH
# Sets WALL_<stage>, RSS_<stage>, RES_<stage>, NOTE_<stage> via eval.
STAGES="dump coverage plan diff verify extract glue dxg"
run_stages() {
	p=$1 c=$2 ro=$3 rp=$4 rl=$5 sv=$6 pf=$7
	d=$tmp/$p
	mkdir -p "$d"
	for s in $STAGES; do
		say "$p: klp-gen $s"
		case $s in
		dump) stage "$p.$s" "$c" /dev/null -- "$klpgen" dump "$ro" ;;
		coverage) stage "$p.$s" "$c" "$d/coverage.out" -- "$klpgen" coverage "$ro" ;;
		plan)
			# The synthetic records have no source to place the
			# patch's hunks against (gen-record writes none).
			case $p in s[0-9]*) po=--stated-lines ;; *) po= ;; esac
			if [ -n "$pf" ]; then
				stage "$p.$s" "$c" "$d/plan.out" -- "$klpgen" plan $po "$ro" "$pf"
			else
				s_res=n/a s_note="no source patch for this pair (--patch)" s_wall= s_rss= s_cpu=
			fi ;;
		diff)
			rm -f "$d/plan"
			if [ -n "$rl" ]; then
				stage "$p.$s" "$c" "$d/diff.out" -- "$klpgen" diff --orig-linked "$rl" "$ro" "$rp" -o "$d/plan"
			else
				stage "$p.$s" "$c" "$d/diff.out" -- "$klpgen" diff "$ro" "$rp" -o "$d/plan"
			fi ;;
		verify) stage "$p.$s" "$c" "$d/verify.out" -- "$klpgen" verify "$ro" "$rp" ;;
		extract)
			if [ -f "$d/plan" ]; then
				stage "$p.$s" "$c" "$d/extract.out" -- "$klpgen" extract --plan "$d/plan" \
					--patched "$rp" --orig "${rl:-$ro}" --symvers "$sv" -o "$d/patch.o"
			else
				s_res=n/a s_note="no plan (diff did not write one)" s_wall= s_rss= s_cpu=
			fi ;;
		glue)
			if [ -f "$d/plan" ]; then
				stage "$p.$s" "$c" "$d/glue.out" -- "$klpgen" glue --plan "$d/plan" --replace -o "$d/glue.h"
			else
				s_res=n/a s_note="no plan (diff did not write one)" s_wall= s_rss= s_cpu=
			fi ;;
		dxg)
			# The three above in one process, writing the same
			# paths (glue.h names its plan): theirs moved aside.
			if [ -f "$d/plan" ] && [ -f "$d/patch.o" ] && [ -f "$d/glue.h" ]; then
				mkdir -p "$d/sep"
				mv "$d/plan" "$d/patch.o" "$d/glue.h" "$d/sep/"
				if [ -n "$rl" ]; then set -- --orig-linked "$rl"; else set --; fi
				stage "$p.$s" "$c" "$d/dxg.out" -- "$klpgen" diff-extract-glue "$@" \
					"$ro" "$rp" --symvers "$sv" --replace --plan "$d/plan" \
					-o "$d/patch.o" --glue "$d/glue.h"
				for f in plan patch.o glue.h; do
					[ "$s_res" = ok ] && ! cmp -s "$d/sep/$f" "$d/$f" &&
						s_res=failed s_note="$f differs from the one of the three commands (diff, extract, glue)"
				done
			else
				s_res=n/a s_note="no plan, patch.o and glue.h of the three commands to compare with" s_wall= s_rss= s_cpu=
			fi ;;
		esac
		eval "WALL_${p}_$s=\$s_wall CPU_${p}_$s=\$s_cpu RSS_${p}_$s=\$s_rss RES_${p}_$s=\$s_res NOTE_${p}_$s=\$s_note"
	done
}

get() { eval "printf '%s' \"\${$1_$2_$3:-}\""; }	# get WALL|CPU|RSS|RES|NOTE PREFIX STAGE

# cell PREFIX STAGE: "0.41 s (wall 0.52), 50 MB" or "n/a" or "failed"
cell() {
	case $(get RES "$1" "$2") in
	ok) printf '%s s (wall %s), %s MB' "$(get CPU "$1" "$2")" "$(get WALL "$1" "$2")" "$(get RSS "$1" "$2")" ;;
	*) get RES "$1" "$2" ;;
	esac
}

notes() { # notes PREFIX: footnotes for stages that did not just run
	for s in $STAGES; do
		n=$(get NOTE "$1" "$s")
		[ -n "$n" ] && out "- \`$s\`: $n"
	done
	return 0
}

now=$(date -u '+%Y-%m-%d %H:%M UTC')
host="$(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo)"
out "Generated by \`bench/run.sh\` on $now ($host, $(uname -r));"
out "klp-gen: $(cd "$top" && git rev-parse --short HEAD 2>/dev/null || echo '?')$(cd "$top" && git diff --quiet 2>/dev/null || echo ' (modified)'), $(basename "$(dirname "$klpgen")")/$(basename "$klpgen") of \`$(dirname "$(dirname "$klpgen")")\`."
out "Times are medians of $kernel_runs runs on the kernel, $scale_runs on synthetic records: CPU time (user + system) and wall clock;"
out "peak RSS is ru_maxrss (bench/measure.c).  The machine is shared (load"
out "average $(cut -d' ' -f1-3 /proc/loadavg) at the start): wall times include waiting for a core,"
out "so targets are judged on CPU time and ratios are computed from it."
out ""

# --- 1. the kernel pair ---------------------------------------------------

if [ "$do_kernel" = yes ]; then
	: "${orig:=$work/kernel-orig}"
	btop=${KLP_BUILD_TOP:-$work}
	if [ -z "$patched" ]; then
		# The newest scripts/klp-build.sh run of this ORIG (its .config,
		# and built after ORIG's last build: not of another config, nor
		# of an ORIG since rebuilt by another plugin) whose kernel build
		# finished and whose plan replaces functions (not a refusal
		# scenario): it writes the plan once the patched kernel is built.
		of_orig() {
			cmp -s "$1/kernel/.config" "$orig/.config" &&
				[ "$1/kernel/vmlinux.o" -nt "$orig/vmlinux.o" ]
		}
		patched=$(ls -td "$btop"/klp-build-klp_* 2>/dev/null | while read -r d; do
			[ -f "$d/kernel/vmlinux.o" ] && of_orig "$d" && [ -f "$d/plan" ] &&
				grep -q '^replace ' "$d/plan" && ! grep -q '^refuse' "$d/plan" &&
				{ echo "$d/kernel"; break; }; done || true)
		# Before klp-gen diff works there is no plan: then the newest
		# finished build (diff.err) that is not a refuse-* scenario.
		[ -n "$patched" ] || patched=$(ls -td "$btop"/klp-build-klp_* 2>/dev/null | while read -r d; do
			case $d in */klp-build-klp_refuse_*) continue ;; esac
			[ -f "$d/kernel/vmlinux.o" ] && of_orig "$d" && [ -e "$d/diff.err" ] &&
				{ echo "$d/kernel"; break; }; done || true)
	fi
	if [ -z "$patchf" ] && [ -n "$patched" ]; then
		sc=$(basename "$(dirname "$patched")" | sed 's/^klp-build-klp_//; s/_/-/g')
		[ -f "$top/test/kernel/scenarios/$sc/patch" ] && patchf=$top/test/kernel/scenarios/$sc/patch
	fi
	out "### klp-gen on the kernel"
	out ""
	if [ ! -f "$orig/vmlinux.o" ] || [ ! -f "$orig/vmlinux" ]; then
		out "Skipped: no finished kernel build in $orig (vmlinux.o and vmlinux)."
		out ""
		do_kernel=no
	fi
fi
if [ "$do_kernel" = yes ]; then
	if [ -z "$patched" ]; then
		out "No patched build found (WORK/klp-build-klp_*/kernel): plan, diff,"
		out "verify, extract and glue run on the original against itself."
		patched=$orig
	fi
	if [ "$cold" = yes ]; then drop_caches; fi
	run_stages k "$cold" "$orig/vmlinux.o" "$patched/vmlinux.o" "$orig/vmlinux" \
		"$orig/Module.symvers" "$patchf"
	out "ORIG \`$orig/vmlinux.o\`, PATCHED \`$patched/vmlinux.o\`, patch \`${patchf:-none}\`;"
	if [ "$cold" = yes ]; then
		out "page cache dropped (\`echo 3 > /proc/sys/vm/drop_caches\`) before every run."
	else
		out "warm page cache${cache_note:+ ($cache_note)}."
	fi
	out ""
	out "dxg: \`klp-gen diff-extract-glue\`, diff + extract + glue in one process"
	out "(its plan, patch.o and glue.h are checked against the three commands')."
	out ""
	out "| stage | CPU | wall | peak RSS | result |"
	out "|---|---|---|---|---|"
	for s in $STAGES; do
		case $(get RES k "$s") in
		ok) out "| $s | $(get CPU k "$s") s | $(get WALL k "$s") s | $(get RSS k "$s") MB | ok |" ;;
		*) out "| $s | | | | $(get RES k "$s") |" ;;
		esac
	done
	out ""
	notes k
	# The targets of the issue, for the stages this build has.
	emit=yes tsum=0 rmax=0
	for s in diff extract glue; do
		[ "$(get RES k "$s")" = ok ] || { emit=no; continue; }
		tsum=$(awk -v a="$tsum" -v b="$(get CPU k "$s")" 'BEGIN { print a + b }')
		rmax=$(awk -v a="$rmax" -v b="$(get RSS k "$s")" 'BEGIN { print (b > a ? b : a) }')
	done
	out ""
	if [ "$emit" = yes ]; then
		met=$(awk -v t="$tsum" -v r="$rmax" 'BEGIN { print (t < 1 && r < 300) ? "met" : "NOT met" }')
		out "Target diff + module emission (diff, extract, glue) < 1 s and < 300 MB: $tsum s CPU, $rmax MB: **$met**."
	else
		out "Target diff + module emission < 1 s and < 300 MB: not measurable yet (diff, extract or glue did not run)."
	fi
	if [ "$(get RES k plan)" = ok ]; then
		met=$(awk -v t="$(get CPU k plan)" 'BEGIN { print t < 0.3 ? "met" : "NOT met" }')
		out "Target plan < 0.3 s: $(get CPU k plan) s CPU: **$met**."
	else
		out "Target plan < 0.3 s: not measurable yet (plan: $(get RES k plan))."
	fi
	out ""

	# --- 4. record size ---
	say "record size"
	read -r klp rela <<EOF_REC
$("$top/bench/record-bytes.sh" "$orig/vmlinux.o")
EOF_REC
	osize=$(stat -c %s "$orig/vmlinux.o")
	summary=$("$klpgen" dump "$orig/vmlinux.o" 2>/dev/null | tail -1 || true)
	nf=$(echo "$summary" | sed -n 's/.*funcs=\([0-9]*\).*/\1/p')
	out "### Record size (ORIG vmlinux.o, llvm-readelf -S)"
	out ""
	out "| vmlinux.o | .klp.lto | .rela.klp.lto | func entries | bytes per func entry | share of vmlinux.o |"
	out "|---|---|---|---|---|---|"
	out "$(awk -v o="$osize" -v k="${klp:-0}" -v r="${rela:-0}" -v n="${nf:-0}" 'BEGIN {
		printf "| %d | %d | %d | %d | %.0f (%.0f + %.0f) | %.1f %% |", o, k, r, n,
			n ? (k + r) / n : 0, n ? k / n : 0, n ? r / n : 0, 100 * (k + r) / o }')"
	rec_share=$(awk -v o="$osize" -v k="${klp:-0}" -v r="${rela:-0}" 'BEGIN { printf "%.2f", 100 * (k + r) / o }')
	rec_bytes=$(( ${klp:-0} + ${rela:-0} )) rec_osize=$osize
	out ""
	out "\`klp-gen dump\`: $summary"
	out ""
fi

# --- 2. scaling ----------------------------------------------------------

# gen_pair N: the synthetic pair of N functions in $tmp/syn-N.*, and the
# original linked into an executable (syn-N.orig.elf), which diff
# (--orig-linked) and extract (--orig) take for kallsyms positions, as
# ORIG/vmlinux in the kernel flow.  __fentry__ comes from a one-instruction
# object and is "exported" by the synthetic Module.symvers.
gen_pair() {
	[ -f "$tmp/syn-$1.orig.o" ] && return 0
	say "generating $1 functions"
	"$tmp/measure" -e "$tmp/gen-$1.err" -- "$tmp/gen-record" --funcs "$1" \
		"$tmp/syn-$1.orig.o" "$tmp/syn-$1.patched.o" "$tmp/syn-$1.diff" > "$tmp/gen-$1.times"
	[ "$(cut -d' ' -f3 "$tmp/gen-$1.times")" = 0 ] || { cat "$tmp/gen-$1.err" >&2; exit 1; }
	if [ ! -f "$tmp/fentry.o" ]; then
		printf '\t.text\n\t.globl __fentry__\n\t.type __fentry__, @function\n__fentry__:\n\tret\n\t.size __fentry__, 1\n' > "$tmp/fentry.s"
		cc -c "$tmp/fentry.s" -o "$tmp/fentry.o"
		printf '0x00000000\t__fentry__\tvmlinux\tEXPORT_SYMBOL\t\n' > "$tmp/syn.symvers"
	fi
	"$tmp/measure" -e "$tmp/link-$1.err" -- ld.lld -e 0 "$tmp/syn-$1.orig.o" "$tmp/fentry.o" \
		-o "$tmp/syn-$1.orig.elf" > "$tmp/link-$1.times"
	[ "$(cut -d' ' -f3 "$tmp/link-$1.times")" = 0 ] || { cat "$tmp/link-$1.err" >&2; exit 1; }
}

label() { awk -v n="$1" 'BEGIN { if (n % 1000000 == 0) printf "%dM", n / 1e6; else if (n % 1000 == 0) printf "%dk", n / 1000; else printf "%d", n }'; }

if [ "$do_scaling" = yes ]; then
	out "### Scaling: synthetic records (bench/gen-record.c)"
	out ""
	out "N functions in one .text, 40 per unit and blob, ~6 INLINE and ~4 CALLEE"
	out "edges per function, promoted \`.llvm.\` statics, same-named locals, clones;"
	out "the patched twin changes 5 functions and one header inline function"
	out "(a few hundred inliners: the patch keeps its size while N grows)."
	out "ORIG is also linked (ld.lld) for diff --orig-linked and extract --orig."
	out "Warm page cache (the files were just written)."
	out ""
	runs=$scale_runs
	hdr="| stage |" sep="|---|"
	for n in $sizes; do hdr="$hdr $(label "$n") |"; sep="$sep---|"; done
	prev=
	for n in $sizes; do
		[ -n "$prev" ] && { hdr="$hdr $(label "$prev")→$(label "$n") |"; sep="$sep---|"; }
		prev=$n
	done
	row="| generate both |" lrow="| link ORIG (ld.lld) |" frow="| file size |" erow="| record |"
	for n in $sizes; do
		gen_pair "$n"
		row="$row $(awk '{ printf "%s s (wall %s), %.0f MB", $4, $1, $2 / 1024 }' "$tmp/gen-$n.times") |"
		lrow="$lrow $(awk '{ printf "%s s (wall %s), %.0f MB", $4, $1, $2 / 1024 }' "$tmp/link-$n.times") |"
		frow="$frow $(stat -c %s "$tmp/syn-$n.orig.o" | awk '{ printf "%.0f MB", $1 / 1048576 }') |"
		erow="$erow $("$klpgen" dump "$tmp/syn-$n.orig.o" 2>/dev/null | tail -1 | sed 's/summary //; s/ /, /g') |"
		run_stages "s$n" no "$tmp/syn-$n.orig.o" "$tmp/syn-$n.patched.o" \
			"$tmp/syn-$n.orig.elf" "$tmp/syn.symvers" "$tmp/syn-$n.diff"
		# Keep the 100k pair for callgrind; the others take disk space.
		[ "$n" = 100000 ] || rm -f "$tmp/syn-$n.orig.o" "$tmp/syn-$n.patched.o" "$tmp/syn-$n.orig.elf"
	done
	pad=$(for n in $sizes; do printf ' |'; done | sed 's/ |$//')
	out "$hdr"
	out "$sep"
	out "$row$pad"
	out "$lrow$pad"
	out "$frow$pad"
	out "$erow$pad"
	for s in $STAGES; do
		line="| $s |" prev=
		for n in $sizes; do line="$line $(cell "s$n" "$s") |"; done
		for n in $sizes; do
			if [ -n "$prev" ]; then
				if [ "$(get RES "s$prev" "$s")" = ok ] && [ "$(get RES "s$n" "$s")" = ok ]; then
					line="$line $(awk -v a="$(get CPU "s$prev" "$s")" -v b="$(get CPU "s$n" "$s")" -v na="$prev" -v nb="$n" '
						BEGIN { if (a <= 0 || b <= 0) { print "-"; exit }
							# growth per 10x of N
							printf "%.1fx", exp(log(b / a) / (log(nb / na) / log(10))) }') |"
				else
					line="$line |"
				fi
			fi
			prev=$n
		done
		out "$line"
	done
	out ""
	out "Growth per 10x of N, from the CPU times (~10x is linear; times"
	out "under 0.05 s are mostly process start-up and page faults)."
	big=$(echo $sizes | awk '{ print $NF }')
	ok=yes
	over=
	for s in $STAGES; do
		[ "$s" = dxg ] && continue	# three stages, not one
		[ "$(get RES "s$big" "$s")" = ok ] || continue
		if awk -v t="$(get CPU "s$big" "$s")" 'BEGIN { exit !(t >= 5) }'; then ok=no; over="$over $s"; fi
	done
	if [ "$ok" = yes ]; then
		out "Target $(label "$big") functions < 5 s (CPU) per stage: **met** for the stages that ran."
	else
		out "Target $(label "$big") functions < 5 s (CPU) per stage: **NOT met** by:$over."
	fi
	out ""
	# Notes of the largest size only (the same reasons repeat).
	notes "s$big"
	out ""
fi

# --- 3. instruction counts ------------------------------------------------

cg_stages() { # cg_stages PREFIX ORIG PATCHED LINKED SYMVERS PATCH
	p=$1 ro=$2 rp=$3 rl=$4 sv=$5 pf=$6 d=$tmp/cg-$1
	mkdir -p "$d"
	for s in $STAGES; do
		say "callgrind $p: klp-gen $s"
		case $s in
		dump) set -- dump "$ro" ;;
		coverage) set -- coverage "$ro" ;;
		plan) [ -n "$pf" ] || { eval "CG_${p}_$s=n/a"; continue; }
		      # no source for the synthetic records (run_stages)
		      if [ "$p" = syn ]; then set -- plan --stated-lines "$ro" "$pf"
		      else set -- plan "$ro" "$pf"; fi ;;
		diff) rm -f "$d/plan"
		      if [ -n "$rl" ]; then set -- diff --orig-linked "$rl" "$ro" "$rp" -o "$d/plan"
		      else set -- diff "$ro" "$rp" -o "$d/plan"; fi ;;
		verify) set -- verify "$ro" "$rp" ;;
		extract) [ -f "$d/plan" ] || { eval "CG_${p}_$s=n/a"; continue; }
			set -- extract --plan "$d/plan" --patched "$rp" --orig "${rl:-$ro}" --symvers "$sv" -o "$d/patch.o" ;;
		glue) [ -f "$d/plan" ] || { eval "CG_${p}_$s=n/a"; continue; }
			set -- glue --plan "$d/plan" --replace -o "$d/glue.h" ;;
		dxg) [ -f "$d/plan" ] || { eval "CG_${p}_$s=n/a"; continue; }
			mkdir -p "$d/dxg"
			if [ -n "$rl" ]; then set -- --orig-linked "$rl"; else set --; fi
			set -- diff-extract-glue "$@" "$ro" "$rp" --symvers "$sv" --replace \
				--plan "$d/dxg/plan" -o "$d/dxg/patch.o" --glue "$d/dxg/glue.h" ;;
		esac
		rm -f "$d/cg.out"
		"$tmp/measure" -o /dev/null -e "$d/$s.err" -- valgrind --tool=callgrind \
			--callgrind-out-file="$d/cg.out" "$klpgen" "$@" > "$d/$s.times"
		st=$(cut -d' ' -f3 "$d/$s.times")
		ir=$(sed -n 's/^summary: *\([0-9]*\).*/\1/p; s/^totals: *\([0-9]*\).*/\1/p' "$d/cg.out" 2>/dev/null | head -1)
		if grep -q 'not implemented in this build' "$d/$s.err"; then
			v=n/a
		elif [ -n "$ir" ] && { [ "$st" = 0 ] || { [ "$s" = coverage ] && [ "$st" = 1 ]; }; }; then
			v=$ir
		else
			v=failed
		fi
		eval "CG_${p}_$s=\$v"
	done
}

commas() { echo "$1" | awk '{ s = $1; r = ""; while (length(s) > 3) { r = "," substr(s, length(s) - 2) r; s = substr(s, 1, length(s) - 3) } print s r }'; }

if [ "$do_cg" = yes ]; then
	out "### Instruction counts (valgrind --tool=callgrind, Ir)"
	out ""
	gen_pair 100000
	cg_stages syn "$tmp/syn-100000.orig.o" "$tmp/syn-100000.patched.o" \
		"$tmp/syn-100000.orig.elf" "$tmp/syn.symvers" "$tmp/syn-100000.diff"
	if [ "$cg_kernel" = yes ] && [ "$do_kernel" = yes ]; then
		cg_stages ker "$orig/vmlinux.o" "$patched/vmlinux.o" "$orig/vmlinux" \
			"$orig/Module.symvers" "$patchf"
		out "| stage | synthetic 100k | per function | kernel pair |"
		out "|---|---|---|---|"
	else
		out "| stage | synthetic 100k | per function |"
		out "|---|---|---|"
	fi
	for s in $STAGES; do
		v=$(get CG syn "$s")
		case $v in
		''|*[!0-9]*) line="| $s | ${v:-n/a} | |" ;;
		*) line="| $s | $(commas "$v") | $((v / 100000)) |" ;;
		esac
		if [ "$cg_kernel" = yes ] && [ "$do_kernel" = yes ]; then
			v=$(get CG ker "$s")
			case $v in
			''|*[!0-9]*) line="$line ${v:-n/a} |" ;;
			*) line="$line $(commas "$v") |" ;;
			esac
		fi
		out "$line"
	done
	out ""
	[ "$cg_kernel" = yes ] && [ "$do_kernel" = yes ] || out "Kernel pair not counted."
	out ""
fi

# --- 5. the slow parts, on request ----------------------------------------

if [ "$kbuild" = yes ]; then
	say "bench/kernel-build.sh (two full kernel builds)"
	out "### Kernel build with and without the plugin (bench/kernel-build.sh)"
	out ""
	out '```'
	"$top/bench/kernel-build.sh" --build "$build" --work "$work" --out-top "$ktimes" \
		--pairs "$kpairs" >> "$rep" 2>&1 || out "bench/kernel-build.sh failed"
	out '```'
	out ""
fi

if [ -n "$klpbuild" ]; then
	sc=$top/test/kernel/scenarios/$klpbuild/patch
	[ -f "$sc" ] || { echo "bench/run.sh: no scenario $klpbuild ($sc)" >&2; exit 1; }
	name=klp_$(echo "$klpbuild" | tr - _)
	say "scripts/klp-build.sh on $klpbuild (patched rebuild + module)"
	# Timestamp each line of klp-build.sh's output; its `[klp-build]` lines
	# mark where each stage starts.
	"$top/scripts/klp-build.sh" --kernel-build "${orig:-$work/kernel-orig}" --patch "$sc" \
		--name "$name" -o "$tmp/$name.ko" --work "$tmp/klp-build-$name" --klp-gen "$klpgen" 2>&1 |
		while IFS= read -r l; do echo "$(date +%s.%N) $l"; done > "$tmp/klp-build.log" || true
	echo "$(date +%s.%N) [end]" >> "$tmp/klp-build.log"
	out "### Patch to .ko: scripts/klp-build.sh on scenario $klpbuild"
	out ""
	out "| stage | wall |"
	out "|---|---|"
	awk '
	function stage(l) {
		if (l ~ /copying/) return "copy build dir"
		if (l ~ /building the patched kernel/) return "patched kernel (incremental)"
		if (l ~ /klp-gen diff/) return "klp-gen diff"
		if (l ~ /klp-gen extract/) return "klp-gen extract"
		if (l ~ /building the module/) return "module (glue, kbuild, finalize)"
		if (l ~ /\[end\]/) return "end"
		return ""
	}
	$2 != "[klp-build]" && $2 != "[end]" { next }	# the report repeats "klp-gen diff"
	{ s = stage($0); if (s == "") next
	  if (cur != "") printf "| %s | %.1f s |\n", cur, $1 - t
	  cur = s; t = $1; if (!t0) t0 = $1 }
	END { printf "| total | %.1f s |\n", t - t0 }' "$tmp/klp-build.log" | grep -v '^| end' >> "$rep"
	grep -q 'wrote' "$tmp/klp-build.log" || out "klp-build.sh did not finish: $(grep -i error "$tmp/klp-build.log" | head -1 | cut -d' ' -f2-)"
	out ""
fi

# --- patch to .ko: the shortcut against the reference ---------------------

# ptk_run LABEL WORK [ENV=VALUE]: scripts/klp-build.sh on the scenario into
# WORK, each output line timestamped into $tmp/ptk-LABEL.log; appends
# "LABEL STAGE SECONDS" lines to $tmp/ptk.times (its `[klp-build]` lines
# mark where each stage starts).
ptk_run() {
	l=$1 w=$2
	shift 2
	say "patch to .ko ($l): scripts/klp-build.sh on $ptk"
	# measure's line (wall, peak RSS, status, CPU of klp-build.sh and every
	# process it waited for) comes last, after klp-build.sh's output.
	"$tmp/measure" -o /dev/stdout -e /dev/stdout -- env "$@" "$top/scripts/klp-build.sh" \
		--kernel-build "$ptk_orig" --patch "$ptk_patch" --name "$ptk_name" \
		-o "$tmp/$ptk_name-$l.ko" --work "$w" --klp-gen "$klpgen" |
		while IFS= read -r line; do echo "$(date +%s.%N) $line"; done > "$tmp/ptk-$l.log" || true
	echo "$(date +%s.%N) [end]" >> "$tmp/ptk-$l.log"
	awk -v l="$l" 'NF == 5 && $2 ~ /^[0-9.]+$/ && $3 ~ /^[0-9]+$/ && $4 ~ /^[0-9]+$/ { c = $5 }
		END { if (c != "") printf "%s cpu %.1f\n", l, c }' "$tmp/ptk-$l.log" >> "$tmp/ptk.times"
	grep -q '\] wrote ' "$tmp/ptk-$l.log" ||
		{ say "klp-build.sh ($l) failed:"; tail -20 "$tmp/ptk-$l.log" >&2; exit 1; }
	awk -v l="$l" '
	function stage(s) {
		if (s ~ /\] copying/) return "copy"
		if (s ~ /\] building the patched kernel/) return "build"
		if (s ~ /\] klp-gen diff/) return "diff"
		if (s ~ /\] klp-gen verify/) return "verify"
		if (s ~ /\] klp-gen extract/) return "extract"
		if (s ~ /\] building the module/) return "module"
		if (s ~ /\[end\]/) return "end"
		return ""
	}
	$2 != "[klp-build]" && $2 != "[end]" { next }
	{ st = stage($0); if (st == "" || st == cur) next
	  if (cur != "") sum[cur] += $1 - t
	  cur = st; t = $1; if (!t0) t0 = $1 }
	END { for (k in sum) printf "%s %s %.1f\n", l, k, sum[k]; printf "%s total %.1f\n", l, t - t0 }' \
		"$tmp/ptk-$l.log" >> "$tmp/ptk.times"
}

if [ -n "$ptk" ]; then
	# A name of test/kernel/scenarios/, or a scenario dir (scenarios-broad/X).
	case $ptk in */*) ptk_patch=$ptk/patch ptk=$(basename "$ptk") ;;
	*) ptk_patch=$top/test/kernel/scenarios/$ptk/patch ;; esac
	[ -f "$ptk_patch" ] || { echo "bench/run.sh: no scenario $ptk ($ptk_patch)" >&2; exit 1; }
	ptk_orig=${orig:-$work/kernel-orig}
	ptk_name=klp_$(echo "$ptk" | tr - _)
	[ -d "$ptk_orig/.klp-lto-cache" ] ||
		say "note: $ptk_orig has no .klp-lto-cache (built before the kbuild patch kept one): every backend runs"
	load0=$(cut -d' ' -f1-3 /proc/loadavg)
	: > "$tmp/ptk.times"
	i=0
	while [ $i -lt "$pairs" ]; do
		# In turn, so that both see the same machine; the reference last
		# keeps its build for the checks below.  The previous pair's dirs
		# are removed first, outside the timed runs: kbuild-copy.sh would
		# rename them and delete them in the background, during the run.
		rm -rf "$tmp/ptk-fast" "$tmp/ptk-ref"
		ptk_run fast "$tmp/ptk-fast"
		ptk_run reference "$tmp/ptk-ref" KLP_BUILD_REFERENCE=1
		i=$((i + 1))
	done
	load1=$(cut -d' ' -f1-3 /proc/loadavg)
	fw=$tmp/ptk-fast rw=$tmp/ptk-ref
	# The checks: the shortcut's plan is the reference's, byte for byte, and
	# the oracle finds no changed function of the reference build missing
	# from it; vmlinux.o (cached backends) is the reference's (fresh ones).
	agree=yes checks=
	if cmp -s "$fw/plan" "$rw/plan"; then checks="$checks plan bytes identical;"
	else checks="$checks plan bytes DIFFER;"; agree=no; fi
	while read -r o of pf; do
		if "$klpgen" verify --plan "$fw/plan" "$of" "$pf" > "$tmp/ptk-verify-$o.txt" 2>&1; then
			checks="$checks verify --plan $o on the reference pair: $(tail -1 "$tmp/ptk-verify-$o.txt");"
		else
			checks="$checks verify --plan $o on the reference pair FAILED ($(grep -m1 MISS "$tmp/ptk-verify-$o.txt" || tail -1 "$tmp/ptk-verify-$o.txt"));"
			agree=no
		fi
	done < "$rw/objects"
	# The two work dirs have different paths, which the recompiled units'
	# debug info names (DW_AT_comp_dir, line tables): compared without it.
	llvm-objcopy --dump-section=.klp.lto="$tmp/fast.rec" --strip-debug "$fw/kernel/vmlinux.o" "$tmp/fast.nodebug.o"
	llvm-objcopy --dump-section=.klp.lto="$tmp/ref.rec" --strip-debug "$rw/kernel/vmlinux.o" "$tmp/ref.nodebug.o"
	if cmp -s "$fw/kernel/vmlinux.o" "$rw/kernel/vmlinux.o"; then checks="$checks vmlinux.o identical;"
	elif cmp -s "$tmp/fast.nodebug.o" "$tmp/ref.nodebug.o"; then
		checks="$checks vmlinux.o identical but for its debug info (the work dirs' paths: $(strings -a "$fw/kernel/vmlinux.o" | grep -c "$fw") strings);"
	else checks="$checks vmlinux.o without debug info DIFFERS;"; agree=no; fi
	if cmp -s "$tmp/fast.rec" "$tmp/ref.rec"; then checks="$checks .klp.lto identical ($(stat -c %s "$tmp/fast.rec") bytes);"
	else checks="$checks .klp.lto DIFFERS;"; agree=no; fi
	rm -f "$tmp/fast.nodebug.o" "$tmp/ref.nodebug.o"
	# Backends the shortcut ran: the cache entries its link added to ORIG's.
	nb=$(find "$ptk_orig/.klp-lto-cache" -name 'llvmcache-*' 2>/dev/null | wc -l)
	nf=$(find "$fw/kernel/.klp-lto-cache" -name 'llvmcache-*' 2>/dev/null | wc -l)
	nr=$(find "$rw/kernel/.klp-lto-cache" -name 'llvmcache-*' 2>/dev/null | wc -l)
	out "### Patch to .ko: scripts/klp-build.sh on scenario $ptk, shortcut against reference"
	out ""
	out "$pairs pair(s), in turn; load average $load0 before, $load1 after; wall seconds"
	out "per stage, and cpu: user + system seconds of klp-build.sh and everything it"
	out "ran (median over the pairs); ratio = shortcut / reference."
	out ""
	out "| stage | shortcut | reference | ratio |"
	out "|---|---|---|---|"
	for st in copy build diff verify extract module total cpu; do
		f=$(awk -v s="$st" '$1 == "fast" && $2 == s { print $3 }' "$tmp/ptk.times" | median)
		r=$(awk -v s="$st" '$1 == "reference" && $2 == s { print $3 }' "$tmp/ptk.times" | median)
		out "| $st | ${f:-} s | ${r:-} s | $(awk -v f="${f:-0}" -v r="${r:-0}" 'BEGIN { if (r > 0) printf "%.2f", f / r }') |"
	done
	out ""
	ncc() { sed -n 's/.*patched kernel built in .*(\([0-9]*\) C files compiled).*/\1/p' "$tmp/ptk-$1.log" | tail -1; }
	out "C files compiled: shortcut $(ncc fast), reference $(ncc reference);"
	out "ThinLTO backends run in the vmlinux.o link (cache entries added): shortcut $((nf - nb)) of $nr (ORIG's cache: $nb entries)."
	out ""
	out "Agreement:$checks **$( [ $agree = yes ] && echo agree || echo DISAGREE )**."
	# For the targets: the shortcut's whole run, median over the pairs.
	ptk_total=$(awk '$1 == "fast" && $2 == "total" { print $3 }' "$tmp/ptk.times" | median)
	ptk_all=$(awk '$1 == "fast" && $2 == "total" { printf "%s%s", s, $3; s = ", " }' "$tmp/ptk.times")
	case $ptk_patch in */scenarios-broad/*) ptk_bound=40 ptk_cfg="broad config, 2 x 20 s" ;;
	*) ptk_bound=20 ptk_cfg="tiny config" ;; esac
	out ""
	[ $agree = yes ] || { cat "$rep"; echo "bench/run.sh: the shortcut does not agree with the reference build" >&2; exit 1; }
fi

# --- the targets of issue 15, beside the previous report -----------------

# prev_target KEY: the "now" cell of the previous report's targets row whose
# target starts with KEY, or "".
prev_target() {
	awk -F'|' -v k="$1" '/^### / { t = ($0 ~ /^### Targets/) }
		t && index($2, " " k) == 1 { gsub(/^ +| +$/, "", $3); print $3; exit }' "$tmp/prev.md"
}
# The plugin overhead: bench/kernel-build.sh's times (this run's with
# --kernel-build, else its last run's), the median with/without CPU ratio.
kernel_overhead() {
	f=$ktimes/bench-kernel.times
	[ -s "$f" ] || return 0
	awk '{ c[$1, $2] = $3; if ($1 + 1 > n) n = $1 + 1 }
	END {
		for (p = 0; p < n; p++) if (c[p, "without"] > 0 && c[p, "with"] > 0) r[++m] = c[p, "with"] / c[p, "without"]
		if (!m) exit
		for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (r[j] < r[i]) { t = r[i]; r[i] = r[j]; r[j] = t }
		med = m % 2 ? r[(m + 1) / 2] : (r[m / 2] + r[m / 2 + 1]) / 2
		printf "%+.2f %% (median CPU ratio %.4f over %d pairs:", 100 * (med - 1), med, m
		for (i = 1; i <= m; i++) printf " %.4f", r[i]
		printf ") %d %.4f\n", m, med }' "$f"
}
plugin_sum() { [ -f "$1" ] && cksum < "$1" | awk '{ print $1, $2 }'; }
# row TARGET NOW VERDICT: one row of the targets table, beside $p, the
# previous report's figure.
row() { out "| $1 | $2 | ${p:-none} |${3:+ **$3**} |"; }
# at_most VALUE BOUND: "met" or "NOT met".
at_most() { awk -v v="$1" -v b="$2" 'BEGIN { print v <= b ? "met" : "NOT met" }'; }

targets() {
	out "### Targets (issue 15), beside the previous report${prev_date:+ ($prev_date)}"
	out ""
	out "| target | now | previous | |"
	out "|---|---|---|---|"
	# Patch to .ko (part --patch-to-ko).
	k="patch to .ko, a one-file change"
	p=$(prev_target "$k")
	if [ -n "$ptk" ]; then
		met=$(awk -v t="$ptk_total" -v b="$ptk_bound" -v n="$pairs" 'BEGIN { print (n >= 3 && t <= b) ? "met" : (t <= b ? "met in fewer than 3 runs" : "NOT met") }')
		row "$k ($ptk_cfg) ≤ $ptk_bound s wall, median of 3" "$ptk_total s median of $pairs ($ptk_all; scenario $ptk, agrees with the reference)" "$met"
	else
		row "$k ≤ 20 s wall (tiny config), median of 3" "not run (--patch-to-ko NAME --pairs 3)" ""
	fi
	# The broad config: bench/broad-config.sh's last report (its own
	# generated block of docs/performance.md), not rerun here (the broad
	# kernel takes 16 CPU minutes).
	k="patch to .ko on the broad config"
	p=$(prev_target "$k")
	b=$(awk '/<!-- bench:broad-config.sh begin -->/ { on = 1 } /<!-- bench:broad-config.sh end -->/ { on = 0 }
		on && /^Generated by/ { d = $0; sub(/.* on /, "", d); sub(/ \(.*/, "", d) }
		on && /^\| patch to .ko/ { m = $0; sub(/.*median \*\*/, "", m); sub(/ s\*\*.*/, "", m); print m, d; exit }' "$doc")
	if [ -n "$b" ]; then
		bm=${b%% *} bd=${b#* }
		row "$k ≤ 2 x 20 s wall, median of 3" "$bm s median of 3 (net-sockstat; bench/broad-config.sh of $bd, not rerun)" "$(at_most "$bm" 40)"
	else
		row "$k ≤ 2 x 20 s wall, median of 3" "not measured (bench/broad-config.sh --write)" ""
	fi
	# Record size (part 4).
	k="record"
	p=$(prev_target "$k")
	[ -n "$p" ] || p=$(awk -F'|' '/^### / { r = ($0 ~ /Record size/) } r && $7 ~ /%/ { gsub(/^ +| +$/, "", $7); print $7; exit }' "$tmp/prev.md")
	if [ -z "${rec_share:-}" ]; then
		row "$k ≤ 3 % of vmlinux.o" "not run (part 1 and 4 were turned off)" ""
	else
		row "$k (.klp.lto + .rela.klp.lto) ≤ 3 % of vmlinux.o" "$rec_share % ($rec_bytes of $rec_osize bytes)" "$(at_most "$rec_share" 3)"
	fi
	# Plugin overhead (bench/kernel-build.sh).
	k="plugin overhead"
	p=$(prev_target "$k")
	o=$(kernel_overhead)
	if [ -n "$o" ]; then
		m=$(echo "$o" | awk '{ print $(NF - 1) }') r=$(echo "$o" | awk '{ print $NF }')
		o=$(echo "$o" | awk '{ NF -= 2; print }')
		if [ "$kbuild" = yes ]; then
			from="this run"
		else
			from="bench/kernel-build.sh of $(date -u -r "$ktimes/bench-kernel.times" '+%Y-%m-%d %H:%M UTC'), not rerun"
			ms=$(cat "$ktimes/bench-kernel.plugin" 2>/dev/null || echo unknown)
			ns=$(plugin_sum "$build/llvm-plugin/KlpLtoPlugin.so" || echo "not built")
			if [ "$ms" = "$ns" ]; then from="$from; the same plugin as --build's (cksum $ms)"
			else from="$from; plugin cksum $ms, --build's is $ns"; fi
		fi
		met=$(awk -v r="$r" -v m="$m" 'BEGIN { print (m >= 3 && r <= 1.03) ? "met" : (r <= 1.03 ? "met in fewer than 3 pairs" : "NOT met") }')
		row "$k ≤ 3 % of a kernel build's CPU, ≥ 3 alternating pairs" "$o; $from" "$met"
	else
		row "$k ≤ 3 % of a kernel build's CPU, ≥ 3 alternating pairs" "not run (--kernel-build; no $ktimes/bench-kernel.times)" ""
	fi
	if [ "$do_kernel" = yes ]; then
		k="kernel pair: diff + extract + glue in one process"
		p=$(prev_target "$k")
		[ -n "$p" ] || p=$(sed -n 's/^Target diff + module emission (diff, extract, glue)[^:]*: \([0-9.]*\) s CPU, \([0-9]*\) MB.*/\1 s, \2 MB (three processes)/p' "$tmp/prev.md")
		if [ "$(get RES k dxg)" = ok ]; then
			row "$k (diff-extract-glue) ≤ 1 s CPU" "$(get CPU k dxg) s, $(get RSS k dxg) MB (three processes: $tsum s)" "$(at_most "$(get CPU k dxg)" 1)"
		else
			row "$k ≤ 1 s CPU" "$(get RES k dxg): $(get NOTE k dxg)" ""
		fi
	fi
	if [ "$do_scaling" = yes ]; then
		lb=$(label "$big")
		# dxg is three of the stages (diff, extract, glue) in one process:
		# its target is the kernel pair's (above); at 1M each of its
		# stages is judged in its own row.
		for s in $STAGES; do
			[ "$s" = dxg ] && continue
			k="$lb functions: $s "
			p=$(prev_target "$k")
			[ -n "$p" ] || p=$(prev_scale "$lb" "$s")
			if [ "$(get RES "s$big" "$s")" = ok ]; then
				met=$(awk -v t="$(get CPU "s$big" "$s")" -v r="$(get RSS "s$big" "$s")" 'BEGIN { print (t <= 5 && r <= 1024) ? "met" : "NOT met" }')
				row "$k≤ 5 s CPU and ≤ 1 GB" "$(get CPU "s$big" "$s") s, $(get RSS "s$big" "$s") MB" "$met"
			else
				row "$k≤ 5 s CPU and ≤ 1 GB" "$(get RES "s$big" "$s")" ""
			fi
		done
	fi
	out ""
}
targets

# --- the report -----------------------------------------------------------

cat "$rep"
if [ "$write" = yes ]; then
	if ! grep -qF "$begin" "$doc"; then
		printf '\n## bench/run.sh (generated, do not edit)\n\n%s\n%s\n' "$begin" "$end" >> "$doc"
	fi
	awk -v b="$begin" -v e="$end" -v rep="$rep" '
		$0 == b { print; while ((getline l < rep) > 0) print l; skip = 1; next }
		$0 == e { skip = 0 }
		!skip' "$doc" > "$doc.tmp" && mv "$doc.tmp" "$doc"
	say "wrote the report into $doc"
fi
