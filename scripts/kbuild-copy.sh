#!/bin/sh
# kbuild-copy.sh --kernel-build ORIG --to DIR
#
# Copies the kernel O= build dir ORIG and its source tree (ORIG/source) to
# DIR/kernel and DIR/src, for an incremental build of a changed source:
# after a change in DIR/src, `make -C DIR/src O=DIR/kernel ...` recompiles
# only what the change touches.  ORIG and its source tree are only read.
#
#   DIR/src     hard links to the source files (cp -al; a full copy when DIR
#               is on another file system).  It shares the original files'
#               inodes: change a file there only by replacing it (a new file
#               renamed over it; GNU patch does that), never by writing into
#               it.  An O= build never writes into its source tree.
#   DIR/kernel  a full copy of ORIG (cp -a, mtimes kept: the build writes
#               into its files, which must not be shared), with its ThinLTO
#               cache (.klp-lto-cache, lld-patches/README.md): the copy's
#               vmlinux.o link reuses the unchanged backends and adds its
#               new ones to the copy's cache only.
#
# kbuild records absolute paths in ORIG: $(srctree) (absolute for an O= dir
# that is not a direct subdirectory of the source tree) in every command
# line and dependency list of the .cmd files, and the output dir in those of
# tools/objtool.  Left alone, every command line would differ from the one
# a build of the copies runs, and everything would be rebuilt; so the two
# paths are rewritten, in the .cmd and .d files that hold them, to the
# copies' (mtimes kept).  The dependencies then name the copies' files,
# which have the original mtimes unless changed.  DIR/kernel/source and
# DIR/kernel/Makefile point at DIR/src (kbuild would also redo both).
# DIR/kernel and DIR/src of an earlier run are renamed to DIR/.klp-old.*
# first and deleted in the background; DIR must not overlap ORIG or its
# source tree.
set -eu

say() { echo "[kbuild-copy] $*"; }
die() { echo "[kbuild-copy] ERROR: $*" >&2; exit 1; }
usage() { die "usage: $0 --kernel-build ORIG --to DIR"; }

orig= to=
while [ $# -gt 0 ]; do
	case $1 in
	--kernel-build) [ $# -ge 2 ] || usage; orig=$2; shift 2 ;;
	--to) [ $# -ge 2 ] || usage; to=$2; shift 2 ;;
	-h|--help) sed -n '2,31p' "$0"; exit 0 ;;
	*) usage ;;
	esac
done
[ -n "$orig" ] && [ -n "$to" ] || usage
[ -d "$orig" ] || die "kernel build dir not found: $orig"
# Physical paths: kbuild's objtree and srctree are realpaths.
orig=$(cd "$orig" && pwd -P)
[ -L "$orig/source" ] || die "$orig/source missing: not an O= kernel build dir"
# The srctree string kbuild used (it writes `ln -fsn $(srctree) source`).
srctree=$(readlink "$orig/source")
case $srctree in
/*) ;;
*) die "$orig is a direct subdirectory of its source tree (kbuild's srctree is '$srctree', relative): build it in another dir" ;;
esac
[ -d "$srctree" ] || die "$orig/source -> $srctree: not a directory"
[ "$(cd "$srctree" && pwd -P)" = "$srctree" ] ||
	die "$orig/source -> $srctree is not a physical path (kbuild writes realpaths); was ORIG moved?"
to=$(realpath -m "$to")

# DIR/kernel and DIR/src are removed and rewritten: neither may hold ORIG or
# the source tree, nor lie inside them (the copy would copy itself).
inside() { case "$1/" in "$2/"*) return 0 ;; esac; return 1; }
for d in "$orig" "$srctree"; do
	inside "$to" "$d" && die "--work $to is inside $d: put it elsewhere"
	inside "$d" "$to" && die "$d is inside --work $to, whose kernel/ and src/ are replaced: put the work dir elsewhere"
done
mkdir -p "$to"

t0=$(date +%s)
# The copies of an earlier run are moved out of the way (a rename) and
# deleted in the background: deleting their ~100k files took 30-40 s on a
# loaded machine, more than the rest of a patched build with a ThinLTO
# cache.  Leftovers of an interrupted deletion (.klp-old.*) go with them.
if [ -e "$to/src" ] || [ -e "$to/kernel" ]; then
	old=$(mktemp -d "$to/.klp-old.XXXXXX")
	for d in src kernel; do
		[ ! -e "$to/$d" ] || mv "$to/$d" "$old/$d"
	done
fi
for d in "$to"/.klp-old.*; do
	[ -d "$d" ] || continue
	nohup nice -n 19 rm -rf "$d" > /dev/null 2>&1 &
done
if [ "$(stat -c %d "$srctree")" = "$(stat -c %d "$to")" ]; then
	cp -al "$srctree" "$to/src"
else
	say "note: $to is on another file system than $srctree: a full copy, not hard links"
	cp -a "$srctree" "$to/src"
fi
t1=$(date +%s)
cp -a "$orig" "$to/kernel"
t2=$(date +%s)

# The rewrite: both paths at once (one may contain the other), each only as
# a whole path (not inside another name; followed by '/' or the name's end).
find "$to/kernel" -type f \( -name '*.cmd' -o -name '*.d' \) -print0 |
	xargs -0 -r grep -lZF -e "$srctree" -e "$orig" |
	xargs -0 -r perl -e '
		my %map = (shift(@ARGV) => shift(@ARGV), shift(@ARGV) => shift(@ARGV));
		my $alt = join("|", map { quotemeta } sort { length($b) <=> length($a) } keys %map);
		# Before: not a name character (but "_": tools/build names its
		# variables cmd_/abs/path), or -I.
		my $re = qr{(?:(?<=-I)|(?<![A-Za-z0-9.+~@/-]))($alt)(?![\w.+~@-])};
		for my $f (@ARGV) {
			open(my $in, "<", $f) or die "$f: $!\n";
			my $text = do { local $/; <$in> };
			close($in);
			my @st = stat($f) or die "$f: $!\n";
			(my $new = $text) =~ s/$re/$map{$1}/g;
			next if $new eq $text;
			open(my $out, ">", "$f.tmp") or die "$f.tmp: $!\n";
			print $out $new or die "$f.tmp: $!\n";
			close($out) or die "$f.tmp: $!\n";
			chmod($st[2] & 07777, "$f.tmp");
			# touch -r: the mtime to the nanosecond (perl has seconds).
			system("touch", "-r", $f, "$f.tmp") == 0 or die "$f.tmp: touch failed\n";
			rename("$f.tmp", $f) or die "$f: $!\n";
		}' "$srctree" "$to/src" "$orig" "$to/kernel" ||
	die "cannot rewrite the paths in $to/kernel's .cmd files"
ln -sfn "$to/src" "$to/kernel/source"
# As kbuild's outputmakefile writes it (each build redoes it).
if [ -f "$to/kernel/Makefile" ]; then
	printf '# Automatically generated by %s/Makefile: don'"'"'t edit\ninclude %s/Makefile\n' \
		"$to/src" "$to/src" > "$to/kernel/Makefile"
	touch -r "$orig/Makefile" "$to/kernel/Makefile"
fi
say "copied: source (links) $((t1 - t0)) s, build dir $((t2 - t1)) s, paths rewritten $(( $(date +%s) - t2 )) s"
