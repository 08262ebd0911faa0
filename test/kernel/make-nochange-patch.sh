#!/bin/sh
# make-nochange-patch.sh --build OUT --mode sameline|newline -o PATCH
#
# The no-change self-test's patch (issue 16): a file-scope `asm("nop");` in
# every C source file compiled into vmlinux (the objects of OUT/vmlinux.a
# whose .c is in the source tree OUT/source).  The asm changes no
# function's code, but it changes every ThinLTO module's hash, so every
# promoted static's `.llvm.<hash>` moves: klp-gen must see that nothing
# changed.
#   sameline  the asm goes on line 1 in front of what is there, so no line
#             moves (a file whose line 1 is a preprocessor directive gets
#             the asm plus `#line 1` in front instead: __LINE__ keeps its
#             values there too);
#   newline   the asm is a new line 1: every __LINE__ below shifts by one.
set -eu
die() { echo "[make-nochange-patch] ERROR: $*" >&2; exit 1; }
out= mode= patch=
while [ $# -gt 0 ]; do
	case $1 in
	--build) out=$2; shift 2 ;;
	--mode) mode=$2; shift 2 ;;
	-o) patch=$2; shift 2 ;;
	*) die "usage: $0 --build OUT --mode sameline|newline -o PATCH" ;;
	esac
done
[ -n "$out" ] && [ -n "$patch" ] || die "usage: $0 --build OUT --mode sameline|newline -o PATCH"
case $mode in sameline|newline) ;; *) die "--mode must be sameline or newline: $mode" ;; esac
[ -f "$out/vmlinux.a" ] || die "$out/vmlinux.a missing: not a finished kernel build"
src=$(readlink -f "$out/source") || die "$out/source missing"
objs=$(llvm-ar-22 t "$out/vmlinux.a") || die "cannot list $out/vmlinux.a"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
: > "$patch.tmp"
for o in $objs; do
	# llvm-ar names the thin archive's members with the archive's path.
	o=${o#"$out"/}
	c=${o%.o}.c
	[ -f "$src/$c" ] || continue
	mkdir -p "$tmp/a/$(dirname "$c")" "$tmp/b/$(dirname "$c")"
	cp "$src/$c" "$tmp/a/$c"
	if [ "$mode" = newline ]; then
		{ echo 'asm("nop");'; cat "$src/$c"; } > "$tmp/b/$c"
	elif head -c1 "$src/$c" | grep -q '#'; then
		{ echo 'asm("nop");'; echo '#line 1'; cat "$src/$c"; } > "$tmp/b/$c"
	else
		sed '1s/^/asm("nop"); /' "$src/$c" > "$tmp/b/$c"
	fi
	# diff exits 1 when the files differ, which they must.
	(cd "$tmp" && diff -u "a/$c" "b/$c") >> "$patch.tmp" && die "$c: no difference made"
	n=$((n + 1))
done
[ "$n" -gt 0 ] || die "no C source of $out/vmlinux.a found in $src"
mv "$patch.tmp" "$patch"
echo "[make-nochange-patch] $mode: $n files -> $patch"
