#!/bin/sh
# record-bytes.sh FILE: the bytes of FILE's record, `.klp.lto` and
# `.rela.klp.lto`, as "KLP RELA" (0 for a section FILE lacks).
# llvm-readelf, not llvm-size: `llvm-size -A` leaves relocation sections out
# of a relocatable object's list, so it would miss `.rela.klp.lto`.
set -eu
[ $# = 1 ] || { echo "usage: $0 FILE" >&2; exit 2; }
klp=0 rela=0
# "  [Nr] Name Type Address Off Size ...": the size is the 5th field, in hex.
for l in $(llvm-readelf-22 -S --wide "$1" | sed -n 's/^ *\[ *[0-9]*\] //p' |
	awk '$1 == ".klp.lto" || $1 == ".rela.klp.lto" { print $1 "=" $5 }'); do
	case ${l%%=*} in
	.klp.lto) klp=$(printf '%d' "0x${l#*=}") ;;
	.rela.klp.lto) rela=$(printf '%d' "0x${l#*=}") ;;
	esac
done
echo "$klp $rela"
