#!/bin/sh
# bench/corpus/run.sh [--from VER] [--to VER] [--sample | --only ERE | --limit N]
#                     [--budget SECONDS] [--no-qemu] [--keep] [--timeout N] [--write-doc]
#                     [--config NAME]
#
# The real-fix corpus: Debian's linux-source-6.12 at version FROM is built
# with the klp-lto plugin (ORIG), the source delta FROM -> TO is split into
# one patch per file, the patches that touch code compiled in ORIG are kept,
# and each goes through scripts/klp-build.sh against ORIG:
#   outcome   module / refused (klp-gen's reason) / error (where it failed),
#   verify    klp-gen verify --plan on every diffed object (no MISS),
#   qemu      ORIG boots, the module loads, is enabled, its transition
#             completes, a small workload runs, it is disabled and removed,
#             and the console shows no Oops/WARNING/BUG (qemu-run.sh).
# Each outcome is classified by bench/corpus/report.py's rule list (the
# reason, and whether a refusal is justified); the table goes to stdout and,
# with --write-doc, into docs/corpus.md between its markers.
#
#   --from VER / --to VER   Debian versions of linux-source-6.12 (defaults
#                           6.12.113-1~deb12u1 / 6.12.115-2~deb12u1); fetched
#                           with apt-get download
#   --sample                a bounded sample for CI: the patches whose file is
#                           listed in bench/corpus/sample.txt (else the first
#                           three compiled ones); fails when a row is not the
#                           outcome sample.txt expects
#   --only ERE              only the patches whose file matches ERE
#   --limit N               at most N patches (in the order above)
#   --budget SECONDS        start no patch after SECONDS (the ones left are
#                           not run, and the table says how many ran)
#   --no-prefilter          run every patch through klp-build.sh (else a patch
#                           whose readers preprocess to the same tokens is
#                           "no-code-change (preprocessor)": prefilter.py)
#   --orig-as-is            ORIG and the patched builds use the plugin ORIG
#                           was built with (its path in FROM/orig/klp-lto.plugin,
#                           e.g. the same plugin built elsewhere), not KLP_BUILD's
#   --no-qemu               skip the QEMU cycle
#   --keep                  keep each patched build dir (GBs each)
#   --timeout N             QEMU timeout per patch (default 240 s)
#   --write-doc             write the table into docs/corpus.md
#   --config NAME           ORIG gets test/kernel/configs/NAME.config on top of
#                           build-kernel.sh's list (--config-extra), built into
#                           FROM/orig-NAME; the per-patch results go to
#                           delta-FROM-TO-NAME/ (which files are compiled, and
#                           so every outcome, depend on the config)
# Environment: KLP_WORK (default $HOME/.cache/klp-lto); everything goes to
# $KLP_WORK/corpus: debs/, VER/ (kernel-src.sh's pristine tree and the
# kbuild-patched source), FROM/orig (the ORIG build), delta-FROM-TO/
# (patches/, compiled.tsv, prefilter/, groups/, runs/PATCH/ with every log).
# A patch that does not compile alone is regrouped with the files of its
# commit (group.py) and the group runs as one patch (runs/GROUP/).
# Every stage is cached: ORIG is rebuilt incrementally (make, which rebuilds
# all of it when the plugin's checksum changed); rerunning repeats only the
# patches without a result of this klp-gen and plugin (delete runs/PATCH to
# repeat one).  KLP_BUILD (default ./build) is the
# cmake build dir with the plugin and klp-gen.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
say() { echo "[corpus] $*"; }
die() { echo "[corpus] ERROR: $*" >&2; exit 1; }
usage() { awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0" >&2; exit 2; }

from=6.12.113-1~deb12u1 to=6.12.115-2~deb12u1
mode=all only= limit= budget= qemu=yes keep=no timeout=240 writedoc=no prefilter=yes asis=no config=
while [ $# -gt 0 ]; do
	case $1 in
	--from) [ $# -ge 2 ] || usage; from=$2; shift 2 ;;
	--to) [ $# -ge 2 ] || usage; to=$2; shift 2 ;;
	--sample) mode=sample; shift ;;
	--only) [ $# -ge 2 ] || usage; only=$2; shift 2 ;;
	--limit) [ $# -ge 2 ] || usage; limit=$2; shift 2 ;;
	--budget) [ $# -ge 2 ] || usage; budget=$2; shift 2 ;;
	--no-qemu) qemu=no; shift ;;
	--no-prefilter) prefilter=no; shift ;;
	--orig-as-is) asis=yes; shift ;;
	--keep) keep=yes; shift ;;
	--timeout) [ $# -ge 2 ] || usage; timeout=$2; shift 2 ;;
	--write-doc) writedoc=yes; shift ;;
	--config) [ $# -ge 2 ] || usage; config=$2; shift 2 ;;
	-h|--help) usage ;;
	*) usage ;;
	esac
done
case $limit$budget in *[!0-9]*) die "--limit and --budget want numbers" ;; esac
start=$(date +%s)
frag=
if [ -n "$config" ]; then
	frag=$top/test/kernel/configs/$config.config
	[ -f "$frag" ] || die "no config fragment $frag (test/kernel/configs/)"
fi

build=$(cd "${KLP_BUILD:-$top/build}" && pwd) || die "no cmake build dir"
plugin=$build/llvm-plugin/KlpLtoPlugin.so
klpgen=$build/klp-gen/klp-gen
[ -f "$plugin" ] && [ -x "$klpgen" ] || die "build the plugin and klp-gen in $build first"
for t in apt-get dpkg-deb python3 diff; do
	command -v $t >/dev/null || die "'$t' not found"
done
work=${KLP_WORK:-$HOME/.cache/klp-lto}
c=$work/corpus
mkdir -p "$c/debs"
c=$(cd "$c" && pwd)
# A version string as a directory name (no '~').
vdir() { printf '%s\n' "$1" | tr '~:' '__'; }

# --- 1. the two source trees ---
# fetch VER: the .deb's tarball, unpacked once into $c/debs/VDIR.  Its
# stdout is the tarball's path and nothing else (the caller takes it with
# $(...)): messages and apt-get's progress go to stderr.
fetch() {
	v=$1 d=$c/debs/$(vdir "$1")
	if [ ! -f "$d/usr/src/linux-source-6.12.tar.xz" ]; then
		say "apt-get download linux-source-6.12=$v" >&2
		(cd "$c/debs" && apt-get download "linux-source-6.12=$v") >&2 ||
			die "apt-get download linux-source-6.12=$v failed (apt-cache policy linux-source-6.12 lists the versions)"
		rm -rf "$d.tmp" && mkdir -p "$d.tmp"
		dpkg-deb -x "$c/debs/linux-source-6.12_$(printf '%s' "$v" | sed 's/:/%3a/')_all.deb" "$d.tmp" ||
			die "dpkg-deb -x of linux-source-6.12=$v failed"
		mv "$d.tmp" "$d"
	fi
	echo "$d/usr/src/linux-source-6.12.tar.xz"
}
# tree VER: kernel-src.sh with a per-version KLP_WORK, so that its pristine
# cache ($c/VDIR/linux-6.12-pristine) is that version's, and VDIR/src is the
# pristine tree + the kbuild patch.
tree() {
	tb=$(fetch "$1")
	KLP_WORK=$c/$(vdir "$1") KLP_LINUX_TARBALL=$tb "$top/scripts/kernel-src.sh" "$c/$(vdir "$1")/src" >&2
}
tree "$from"
tree "$to"
A=$c/$(vdir "$from")
B=$c/$(vdir "$to")
pa=$(cat "$A/linux-6.12-pristine/.klp-lto-pristine") pb=$(cat "$B/linux-6.12-pristine/.klp-lto-pristine")
say "FROM $from (Linux $pa), TO $to (Linux $pb)"

# --- 2. ORIG: FROM built with the plugin ---
# build-kernel.sh runs every time: make is incremental (about 15 s when
# nothing changed), and kbuild's klp-lto patch puts the plugin's checksum
# in the compile flags, so an ORIG of an older plugin at the same path is
# rebuilt rather than diffed against a patched build of the new plugin.
orig=$A/orig${config:+-$config}
blog=$A/build-kernel${config:+-$config}.log bsec=$A/build-seconds${config:+-$config}
oplugin=$(cat "$orig/klp-lto.plugin" 2>/dev/null || true)
if [ "$asis" = yes ] && [ -f "$oplugin" ]; then plugin=$oplugin; fi
before=$(stat -c %Y "$orig/vmlinux" 2>/dev/null || echo none)
say "ORIG ($from) with the plugin in $orig (incremental)"
t0=$(date +%s)
KLP_WORK=$A "$top/scripts/build-kernel.sh" --src "$A/src" --out "$orig" --plugin "$plugin" \
	${frag:+--config-extra "$frag"} > "$blog" 2>&1 ||
	{ tail -20 "$blog" >&2; die "ORIG build failed; see $blog"; }
[ -f "$orig/arch/x86/boot/bzImage" ] || die "ORIG build made no bzImage; see $blog"
if [ "$(stat -c %Y "$orig/vmlinux")" != "$before" ]; then
	echo "$(( $(date +%s) - t0 ))" > "$bsec"
	say "ORIG built in $(cat "$bsec") s"
else
	say "ORIG up to date ($(( $(date +%s) - t0 )) s)"
fi

# --- 3. the patches ---
D=$c/delta-$(vdir "$from")-$(vdir "$to")${config:+-$config}
if [ ! -f "$D/patches/index.tsv" ]; then
	mkdir -p "$D"
	python3 "$here/split_delta.py" "$A/linux-6.12-pristine" "$B/linux-6.12-pristine" "$D/patches"
fi
if [ ! -f "$D/compiled.tsv" ] || [ "$D/compiled.tsv" -ot "$orig/vmlinux" ]; then
	python3 "$here/compiled.py" --build "$orig" "$D/patches/index.tsv" > "$D/compiled.tsv.tmp"
	mv "$D/compiled.tsv.tmp" "$D/compiled.tsv"
fi
# A result stands only for the klp-gen and plugin that made it (their
# checksums in runs/ID/tool): after a rebuild of either, every patch runs
# again rather than reporting what an older tool did.
tool="klp-gen $(cksum < "$klpgen" | cut -d' ' -f1-2), plugin $(cksum < "$plugin" | cut -d' ' -f1-2)"
for r in "$D"/runs/*/; do
	[ -f "$r/done" ] || continue
	[ "$(cat "$r/tool" 2>/dev/null)" = "$tool" ] && continue
	say "$(basename "$r"): its result is of another klp-gen or plugin: it runs again"
	rm -rf "$r"
done
ntot=$(wc -l < "$D/patches/index.tsv")
ncomp=$(awk -F'\t' '$4 != "no"' "$D/compiled.tsv" | wc -l)
say "$ntot changed files, $ncomp of them read by kernel objects of ORIG"

# The patches to run (a file of this invocation: two runs may share D):
# compiled ones, the cheapest first (fewest objects
# read the file: fewest recompiled), narrowed by --sample / --only / --limit.
sel=$D/selected.$$
trap 'rm -f "$sel" "$sel.tmp" "$sel.files"' EXIT
awk -F'\t' '$4 != "no" { split($5, n, " "); print n[1] "\t" $1 "\t" $2 }' "$D/compiled.tsv" |
	sort -n -s -k1,1 | cut -f2- > "$sel"
if [ "$mode" = sample ]; then
	grep -v '^#' "$here/sample.txt" | awk 'NF { print $1 }' > "$sel.files"
	awk -F'\t' 'NR == FNR { want[$1] = 1; next } want[$2]' "$sel.files" "$sel" > "$sel.tmp"
	[ -s "$sel.tmp" ] || head -3 "$sel" > "$sel.tmp"
	mv "$sel.tmp" "$sel"
fi
if [ -n "$only" ]; then
	awk -F'\t' -v re="$only" '$2 ~ re' "$sel" > "$sel.tmp"
	mv "$sel.tmp" "$sel"
fi
[ -z "$limit" ] || { head -n "$limit" "$sel" > "$sel.tmp"; mv "$sel.tmp" "$sel"; }
nsel=$(wc -l < "$sel")
say "running $nsel patch(es)"

# --- 4. each patch ---
# run_one ID PATCHFILE WHAT: klp-build.sh, verify, QEMU; every log in
# runs/ID/ (ID: a per-file patch's name without .patch, or a group's).
run_one() {
	p=$1.patch pf=$2 f=$3
	r=$D/runs/$1
	name=klp_$(printf '%s' "$1" | sed -e 's/^\([0-9]\{4\}\).*/c\1/' -e 's/^\(g[0-9]\{4\}\)-[0-9]*-\(.*\)/\1_\2/')
	[ -f "$r/done" ] && { say "$p: done before ($(cat "$r/done"))"; return 0; }
	rm -rf "$r" && mkdir -p "$r"
	# The work dir sits next to ORIG, as klp-build.sh's default does: the
	# record names a function's file relative to the directory its build
	# dir shares with the source (src/fs/x.c from FROM/orig), so a patched
	# build dir deeper or elsewhere names every recompiled function's file
	# differently and nothing pairs (docs/corpus.md, findings).
	bw=$A/klp-build-$name
	rm -rf "$bw" "$r/build"
	say "$p ($f): klp-build.sh"
	t0=$(date +%s)
	set +e
	"$top/scripts/klp-build.sh" --kernel-build "$orig" --patch "$pf" --name "$name" \
		-o "$r/$name.ko" --work "$bw" --klp-gen "$klpgen" > "$r/klp-build.log" 2>&1
	echo $? > "$r/klp-build.rc"
	set -e
	echo "$(( $(date +%s) - t0 ))" > "$r/klp-build.seconds"
	# verify --plan: vmlinux always (a plan without it must not miss a
	# change there), then every other object klp-build.sh diffed.
	plan=$bw/plan
	[ -f "$plan" ] || plan=$bw/plans/vmlinux
	if [ -f "$plan" ] && [ -f "$bw/kernel/vmlinux.o" ]; then
		set +e
		"$klpgen" verify --plan "$plan" "$orig/vmlinux.o" "$bw/kernel/vmlinux.o" > "$r/verify-vmlinux.txt" 2>&1
		echo $? > "$r/verify-vmlinux.rc"
		if [ -f "$bw/objects" ]; then
			while read -r o of pf; do
				[ "$o" != vmlinux ] || continue
				"$klpgen" verify --plan "$plan" "$of" "$pf" > "$r/verify-$o.txt" 2>&1
				echo $? > "$r/verify-$o.rc"
			done < "$bw/objects"
		fi
		set -e
	fi
	if [ "$qemu" = yes ] && [ -f "$r/$name.ko" ]; then
		set --
		# Modules the patch touches are loaded (from ORIG) before the patch.
		if [ -f "$bw/objects" ]; then
			while read -r o of pf; do
				[ "$o" = vmlinux ] || set -- "$@" --add "$of:/mods/$(basename "$of")"
			done < "$bw/objects"
		fi
		{ echo "KLP_NAME=$name"; cat "$here/guest.sh"; } > "$r/guest.sh"
		say "$p: QEMU cycle"
		set +e
		"$top/test/kernel/qemu-run.sh" --kernel "$orig/arch/x86/boot/bzImage" --script "$r/guest.sh" \
			--add "$r/$name.ko:/klp.ko" "$@" --log "$r/console.log" --timeout "$timeout" --quiet > "$r/qemu.log" 2>&1
		echo $? > "$r/qemu.rc"
		set -e
	fi
	# The logs, plans and reports move into the run dir; the patched
	# build dir (~0.5 GB) goes unless --keep.
	if [ "$keep" = yes ]; then ln -s "$bw" "$r/build"
	else rm -rf "$bw/kernel" && mv "$bw" "$r/build"; fi
	python3 "$here/report.py" row "$D" "$p" > "$r/result.tsv"
	echo "$tool" > "$r/tool"
	cut -f3-5 "$r/result.tsv" | tr '\t' ' ' > "$r/done"
	say "$p: $(cat "$r/done") ($(cat "$r/klp-build.seconds") s)"
}
# prefilter_one PATCH: "same" (no compiled change: recorded as the run's
# result, returns 0) or not (returns 1); cached in prefilter/.
prefilter_one() {
	p=$1 r=$D/runs/${1%.patch}
	[ "$prefilter" = yes ] || return 1
	[ -f "$r/done" ] && return 1
	mkdir -p "$D/prefilter"
	if [ ! -f "$D/prefilter/$p.txt" ]; then
		t0=$(date +%s)
		python3 "$here/prefilter.py" --build "$orig" --patch "$D/patches/$p" --jobs 2 \
			> "$D/prefilter/$p.tmp" 2> "$D/prefilter/$p.err" || true
		echo "$(( $(date +%s) - t0 ))" > "$D/prefilter/$p.seconds"
		mv "$D/prefilter/$p.tmp" "$D/prefilter/$p.txt"
	fi
	say "$p: prefilter: $(cat "$D/prefilter/$p.txt")"
	case $(cat "$D/prefilter/$p.txt") in same*) ;; *) return 1 ;; esac
	mkdir -p "$r"
	cp "$D/prefilter/$p.txt" "$r/prefilter.txt"
	cp "$D/prefilter/$p.seconds" "$r/prefilter.seconds"
	python3 "$here/report.py" row "$D" "$p" > "$r/result.tsv"
	echo "$tool" > "$r/tool"
	cut -f3-5 "$r/result.tsv" | tr '\t' ' ' > "$r/done"
	return 0
}
# regroup PATCH: when PATCH failed to build alone, group.py rebuilds its
# commit from the delta and the group runs as one patch; a second group is
# tried when the first one's link misses a function of another file.
regroup() {
	# (run_one sets p, r, f: this function's names differ.)
	gp=$1 gr=$D/runs/${1%.patch}
	for try in 1 2; do
		[ "$(cut -f6 "$gr/result.tsv")" = patched-build-failed ] || return 0
		# A group already run from another member holds this file's commit.
		out=
		if [ "$try" = 1 ]; then
			for g in $(grep -l "^$gp	" "$D"/groups/*.files 2>/dev/null); do
				g=$(basename "$g" .files)
				[ -f "$D/runs/$g/done" ] && { out=$(printf 'group\t%s\tran before' "$g"); break; }
			done
			# The group this file ran as before (runs/FILE/group), whose
			# run was deleted to repeat it: the same group again, not
			# group.py (which recompiles every reader of the group's
			# files, many minutes for a header).
			g=$(cat "$D/runs/${gp%.patch}/group" 2>/dev/null || true)
			if [ -z "$out" ] && [ -n "$g" ] && [ -f "$D/groups/$g.patch" ]; then
				out=$(printf 'group\t%s\tmade before' "$g")
			fi
		fi
		[ -n "$out" ] ||
		out=$(python3 "$here/group.py" --build "$orig" --delta "$D" --patch "$gp" --log "$gr/klp-build.log" --jobs 2) || true
		say "$gp: commit grouping: $out"
		gid=$(printf '%s\n' "$out" | cut -f2)
		case $out in
		group*) ;;
		*) printf '%s\n' "$out" | cut -f3- > "$D/runs/${gp%.patch}/group-failed"
		   python3 "$here/report.py" row "$D" "$gp" > "$D/runs/${gp%.patch}/result.tsv"
		   return 0 ;;
		esac
		echo "$gid" > "$D/runs/${gp%.patch}/group"
		rm -f "$D/runs/${gp%.patch}/group-failed"
		run_one "$gid" "$D/groups/$gid.patch" "group of $(wc -l < "$D/groups/$gid.files") files"
		gr=$D/runs/$gid
	done
}
while IFS="$(printf '\t')" read -r p f; do
	if [ -n "$budget" ] && [ $(( $(date +%s) - start )) -ge "$budget" ] && [ ! -f "$D/runs/${p%.patch}/done" ]; then
		say "--budget $budget s spent: $p and the rest are not run"
		break
	fi
	prefilter_one "$p" && continue
	run_one "${p%.patch}" "$D/patches/$p" "$f"
	regroup "$p"
done < "$sel"

# --- 5. the table ---
set -- --from "$from" --to "$to" --linux "$pa" "$pb" --orig-seconds "$(cat "$bsec" 2>/dev/null || echo '?')"
python3 "$here/report.py" table "$D" "$@"
[ "$writedoc" = no ] || python3 "$here/report.py" table "$D" "$@" --write "$top/docs/corpus.md"
# CI: each sample file must have its expected outcome (sample.txt's second
# column); a different one fails the run.
if [ "$mode" = sample ]; then
	say "sample check (bench/corpus/sample.txt)"
	python3 "$here/report.py" check "$D" "$here/sample.txt" || die "a sample patch did not give its expected outcome"
fi
