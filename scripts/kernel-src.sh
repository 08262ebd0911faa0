#!/bin/sh
# kernel-src.sh DEST [PATCH...]
#
# Makes DEST a Linux 6.12 source tree = pristine Debian linux-source-6.12
# + lld-patches/kbuild/*.patch + the given PATCHes (in that order, -p1).
#
# The pristine tree is unpacked once into a cache ($KLP_WORK/linux-6.12-pristine,
# KLP_WORK defaults to $HOME/.cache/klp-lto) and DEST is made with `cp -al`
# (hard links: ~1 s instead of ~15 s of unxz, and no extra disk).  That is
# safe because GNU patch writes a new file and renames it over the old name,
# so patching DEST never writes through a link into the cache; builds use
# O= output dirs and never write into the source tree.
#
# Idempotent: DEST/.klp-lto-src records the checksums of the patches applied.
#  - same list            -> nothing to do (mtimes kept, so builds stay incremental)
#  - different list       -> DEST is remade from the cache
#  - DEST without record  -> a tree we did not make: each patch is applied
#                            unless it is already applied (checked by reverse
#                            dry run); nothing is ever deleted.
set -eu

TARBALL=${KLP_LINUX_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
top=$(cd "$(dirname "$0")/.." && pwd)
work=${KLP_WORK:-$HOME/.cache/klp-lto}
pristine=$work/linux-6.12-pristine

say() { echo "[kernel-src] $*"; }
die() { echo "[kernel-src] ERROR: $*" >&2; exit 1; }

[ $# -ge 1 ] || die "usage: $0 DEST [PATCH...]"
dest=$1; shift

command -v patch >/dev/null || die "'patch' not found (apt-get install patch)"

# The kbuild patch always comes first; then the caller's patches.
patches=
for p in "$top"/lld-patches/kbuild/*.patch "$@"; do
	[ -f "$p" ] || die "patch not found: $p"
	p=$(cd "$(dirname "$p")" && pwd)/$(basename "$p")
	patches="$patches $p"
done

record() {
	for p in $patches; do
		printf '%s %s\n' "$(cksum < "$p" | tr ' ' '-')" "$(basename "$p")"
	done
}

ensure_pristine() {
	[ -f "$pristine/.klp-lto-pristine" ] && return 0
	[ -f "$TARBALL" ] || die "$TARBALL missing (apt-get install linux-source-6.12)"
	command -v xz >/dev/null || die "'xz' not found (apt-get install xz-utils)"
	say "unpacking $TARBALL into $pristine (once)"
	mkdir -p "$work"
	tmp=$work/.unpack.$$
	rm -rf "$tmp" && mkdir -p "$tmp"
	tar -C "$tmp" -xJf "$TARBALL"
	# The Debian tarball holds one top directory (linux-source-6.12).
	set -- "$tmp"/*
	[ $# = 1 ] && [ -f "$1/Makefile" ] || die "unexpected layout in $TARBALL"
	rm -rf "$pristine"
	mv "$1" "$pristine"
	rmdir "$tmp"
	head -5 "$pristine/Makefile" | sed -n 's/^\(VERSION\|PATCHLEVEL\|SUBLEVEL\) = //p' |
		paste -sd. > "$pristine/.klp-lto-pristine"
}

apply() { # apply DIR PATCH: apply PATCH in DIR unless already applied
	if patch -d "$1" -p1 -R -s -f --dry-run < "$2" >/dev/null 2>&1; then
		say "already applied: $(basename "$2")"
	elif patch -d "$1" -p1 -s -f --dry-run < "$2" >/dev/null 2>&1; then
		say "applying $(basename "$2")"
		patch -d "$1" -p1 -s -f --no-backup-if-mismatch < "$2"
	else
		patch -d "$1" -p1 -f --dry-run < "$2" >&2 || true
		die "$(basename "$2") does not apply to $dest"
	fi
}

want=$(record)
if [ -d "$dest" ] && [ ! -f "$dest/.klp-lto-src" ]; then
	[ -f "$dest/Makefile" ] || die "$dest exists but is not a kernel tree"
	say "$dest: existing tree not made by kernel-src.sh; patching in place"
	for p in $patches; do apply "$dest" "$p"; done
	exit 0
fi
if [ -f "$dest/.klp-lto-src" ] && [ "$(cat "$dest/.klp-lto-src")" = "$want" ]; then
	say "$dest: up to date"
	exit 0
fi

ensure_pristine
if [ -d "$dest" ]; then
	say "$dest: patch list changed; remaking it"
	rm -rf "$dest"
fi
say "$dest: linking pristine $(cat "$pristine/.klp-lto-pristine") tree"
mkdir -p "$(dirname "$dest")"
# Patch a temporary copy and rename it at the end, so a failed patch never
# leaves a half-made DEST behind.
tmp=$dest.tmp.$$
rm -rf "$tmp"
cp -al "$pristine" "$tmp"
rm -f "$tmp/.klp-lto-pristine"
for p in $patches; do apply "$tmp" "$p"; done
printf '%s\n' "$want" > "$tmp/.klp-lto-src"
mv "$tmp" "$dest"
say "$dest: ready"
