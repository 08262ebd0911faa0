#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Checks that a refused klp-gen run left nothing behind.

    no-output.py PATH...          neither PATH nor a temporary PATH.tmp.*
    no-output.py --tmp PATH...    no temporary PATH.tmp.* (PATH may exist)

klp-gen writes an output through a temporary, PATH.tmp (diff, extract) or
PATH.tmp.XXXXXX (mkstemp: klp-gen/src/base/outfile.c), and renames it into place
only when every step succeeded, so a refusal must leave neither.  `not ls
PATH.tmp` cannot see the second kind, and `not ls A B` passes when only one
of A and B is missing: this checks every path on its own and lists the
directory for temporaries of either kind.
Prints each leftover and exits 1 if there is one.
"""
import os
import sys


def leftovers(path, tmp_only):
    found = []
    if not tmp_only and os.path.lexists(path):
        found.append(path)
    d, base = os.path.split(path)
    tmp = base + ".tmp"
    for name in sorted(os.listdir(d or ".")):
        if name == tmp or name.startswith(tmp + "."):
            found.append(os.path.join(d, name))
    return found


def main(argv):
    tmp_only = False
    if argv and argv[0] == "--tmp":
        tmp_only = True
        argv = argv[1:]
    if not argv:
        print("usage: no-output.py [--tmp] PATH...", file=sys.stderr)
        return 2
    found = []
    for path in argv:
        found += leftovers(path, tmp_only)
    for f in found:
        print("no-output.py: %s exists but should not" % f, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
