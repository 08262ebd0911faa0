#!/bin/sh
# record-roundtrip.sh OLD_KLP_GEN OLD_FILE NEW_KLP_GEN NEW_FILE
#
# Checks that a change of the record's encoding lost nothing: the same
# kernel (same source, config and flags) built once with the old plugin and
# once with the new one must give records with the same logical content.
# Each file is dumped by the klp-gen that reads its format (`klp-gen dump`:
# every blob, func, src field and edge, and where each func resolved to),
# and the two dumps must be equal line for line, apart from the producer
# string when the plugin's version differs.  Prints the summary lines and
# "same", or the first differences and exits 1.
set -eu
[ $# -eq 4 ] || { echo "usage: $0 OLD_KLP_GEN OLD_FILE NEW_KLP_GEN NEW_FILE" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The producer names the plugin's version: the only field allowed to differ.
norm() { sed 's/ producer="[^"]*"/ producer=P/' "$1"; }
"$1" dump "$2" > "$tmp/old.raw"
"$3" dump "$4" > "$tmp/new.raw"
norm "$tmp/old.raw" > "$tmp/old"
norm "$tmp/new.raw" > "$tmp/new"
echo "old: $(tail -1 "$tmp/old")"
echo "new: $(tail -1 "$tmp/new")"
if ! cmp -s "$tmp/old" "$tmp/new"; then
	echo "record-roundtrip: the dumps differ:" >&2
	diff "$tmp/old" "$tmp/new" | head -20 >&2
	exit 1
fi
echo "same ($(wc -l < "$tmp/new") lines)"
