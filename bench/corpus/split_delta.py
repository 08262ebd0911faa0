#!/usr/bin/env python3
"""split_delta.py OLD_TREE NEW_TREE OUTDIR

Splits the source delta between two kernel trees into one -p1 patch per
file (OUTDIR/NNNN-<path with / as _>.patch, a/ and b/ labels) and writes
OUTDIR/index.tsv: one line per changed file, "PATCH<TAB>FILE<TAB>KIND",
KIND one of modified, added, removed, binary, special (a symlink or other
non-regular file on either side).  Per file, because the Debian
linux-source tarballs carry no git history and their changelog names
upstream commits by title only, not by the files they touch.

Nothing is written to OUTDIR unless the whole split succeeded (it is made
as OUTDIR.tmp and renamed).
"""
import os
import shutil
import subprocess
import sys


def die(msg):
    sys.stderr.write("split_delta.py: error: %s\n" % msg)
    sys.exit(1)


def tree_files(root):
    """Relative paths of every non-directory entry under root."""
    out = {}
    for d, dirs, files in os.walk(root):
        rel = os.path.relpath(d, root)
        for f in files + [x for x in dirs if os.path.islink(os.path.join(d, x))]:
            p = f if rel == "." else os.path.join(rel, f)
            out[p] = os.path.join(d, f)
    return out


def same(a, b):
    sa, sb = os.lstat(a), os.lstat(b)
    if sa.st_ino == sb.st_ino and sa.st_dev == sb.st_dev:
        return True
    if sa.st_size != sb.st_size:
        return False
    with open(a, "rb") as fa, open(b, "rb") as fb:
        while True:
            x, y = fa.read(1 << 16), fb.read(1 << 16)
            if x != y:
                return False
            if not x:
                return True


def regular(p):
    return p is None or (os.path.isfile(p) and not os.path.islink(p))


def main(argv):
    if len(argv) != 4:
        die("usage: split_delta.py OLD_TREE NEW_TREE OUTDIR")
    old, new, outdir = argv[1:]
    for t in (old, new):
        if not os.path.isfile(os.path.join(t, "Makefile")):
            die("%s: not a kernel source tree (no Makefile)" % t)
    fo, fn = tree_files(old), tree_files(new)
    # Files a tool put into the trees, not part of the source.
    skip = {".klp-lto-pristine", ".klp-lto-src"}
    changed = []
    for p in sorted(set(fo) | set(fn)):
        if p in skip:
            continue
        a, b = fo.get(p), fn.get(p)
        if not (regular(a) and regular(b)):
            links = a and b and os.path.islink(a) and os.path.islink(b)
            if not (links and os.readlink(a) == os.readlink(b)):
                changed.append((p, a, b, "special"))
            continue
        if a is None:
            changed.append((p, a, b, "added"))
        elif b is None:
            changed.append((p, a, b, "removed"))
        elif not same(a, b):
            changed.append((p, a, b, "modified"))
    tmp = outdir + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    index = []
    for i, (p, a, b, kind) in enumerate(changed, 1):
        name = "%04d-%s.patch" % (i, p.replace("/", "_"))
        if kind == "special":
            index.append((name, p, kind))
            continue
        r = subprocess.run(["diff", "-u", "--label", "a/" + p, "--label", "b/" + p,
                            a or "/dev/null", b or "/dev/null"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if r.returncode not in (0, 1):
            die("diff %s failed: %s" % (p, r.stderr.decode(errors="replace")))
        if r.stdout.startswith(b"Binary files"):
            kind = "binary"
        with open(os.path.join(tmp, name), "wb") as f:
            f.write(r.stdout)
        index.append((name, p, kind))
    with open(os.path.join(tmp, "index.tsv"), "w") as f:
        for row in index:
            f.write("\t".join(row) + "\n")
    shutil.rmtree(outdir, ignore_errors=True)
    os.rename(tmp, outdir)
    print("split_delta.py: %d changed files -> %s" % (len(index), outdir))


if __name__ == "__main__":
    main(sys.argv)
