#!/usr/bin/env python3
"""compiled.py --build ORIG INDEX.tsv

Which per-file patches (split_delta.py's INDEX.tsv) touch code compiled in
the kernel build ORIG (an O= build dir).  kbuild's ORIG/**/.*.o.cmd files
name, per object, its source (source_OBJ := FILE) and every file the
compiler read (deps_OBJ := ...), as paths into ORIG's source tree.  Only
kernel objects count (the command defines __KERNEL__: host programs such as
scripts/ and objtool are not part of the kernel) and only objects that
exist (a .cmd left behind by an earlier configuration does not).

Prints INDEX.tsv's lines with two more columns:
    STATUS   source    the file is an object's source (.c/.S compiled)
             included  the file is read by some object (a header, an
                       #included .c file)
             no        no kernel object of ORIG reads it
    OBJECTS  how many objects read it, then up to three of them
One pass over the .cmd files, one hash table from file to objects.
"""
import os
import re
import sys


def die(msg):
    sys.stderr.write("compiled.py: error: %s\n" % msg)
    sys.exit(1)


def parse_cmd(path):
    """(object, source, [deps]) of one .o.cmd file, or None."""
    with open(path, errors="replace") as f:
        text = f.read()
    m = re.search(r"^savedcmd_(\S+) := (.*)$", text, re.M)
    if not m or "-D__KERNEL__" not in m.group(2):
        return None
    obj = m.group(1)
    src = re.search(r"^source_\S+ := (\S+)", text, re.M)
    deps = []
    d = re.search(r"^deps_\S+ := \\\n((?:.*\\\n)*.*)$", text, re.M)
    if d:
        for line in d.group(1).splitlines():
            line = line.strip().rstrip("\\").strip()
            if line and not line.startswith("$(wildcard"):
                deps.append(line)
    return obj, src.group(1) if src else None, deps


def main(argv):
    if len(argv) != 4 or argv[1] != "--build":
        die("usage: compiled.py --build ORIG INDEX.tsv")
    build, index = argv[2], argv[3]
    if not os.path.isfile(os.path.join(build, "vmlinux.o")):
        die("%s: not a finished kernel build dir (no vmlinux.o)" % build)
    srcdir = os.path.join(build, "source")
    if not os.path.islink(srcdir):
        die("%s: no 'source' link: not an O= build dir" % build)
    # The .cmd files hold the source path as the build saw it.
    prefixes = {os.readlink(srcdir).rstrip("/") + "/",
                os.path.realpath(srcdir) + "/"}
    readers = {}   # source-relative file -> objects that read it
    sources = set()
    ncmd = 0
    for d, _dirs, files in os.walk(build):
        for f in files:
            if not (f.startswith(".") and f.endswith(".o.cmd")):
                continue
            obj_file = os.path.join(d, f[1:-4])
            if not os.path.exists(obj_file):
                continue
            r = parse_cmd(os.path.join(d, f))
            if r is None:
                continue
            ncmd += 1
            obj, src, deps = r
            for p in deps + ([src] if src else []):
                # fixdep keeps the spelling of the #include: dir/../x.h.
                p = os.path.normpath(p)
                for pre in prefixes:
                    if p.startswith(pre):
                        readers.setdefault(p[len(pre):], set()).add(obj)
                        break
            if src:
                for pre in prefixes:
                    if src.startswith(pre):
                        sources.add(src[len(pre):])
    if ncmd == 0:
        die("%s: no kernel object .cmd files found" % build)
    with open(index) as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) != 3:
                die("%s: bad line: %r" % (index, line))
            objs = sorted(readers.get(cols[1], ()))
            status = "source" if cols[1] in sources else ("included" if objs else "no")
            print("\t".join(cols + [status, " ".join([str(len(objs))] + objs[:3])]))


if __name__ == "__main__":
    main(sys.argv)
