#!/usr/bin/env python3
"""prefilter.py --build ORIG --patch P [--jobs N]

Does patch P change what the compiler sees in the kernel build ORIG?  Each
kernel target of ORIG that read one of P's files (kbuild's .cmd deps:
objects, and the generated asm-offsets/bounds .s and linker scripts) is
preprocessed twice with its own command (kbuild_cmd.py): on ORIG's source
and on the patched view.  The two outputs are compared as token streams:
line markers are not there (-P), blank lines and the amount of white space
between tokens do not count, string and character literals are compared
whole, and the line structure is kept (a newline ends an assembler
statement).  A __LINE__ that moves is a different number, so it differs.

Identical streams for every reader mean the compiler is given the same
input, so every object, generated header and linker script of the build is
the same: the patch changes no compiled code and needs no klp-build run.

Prints one line and exits:
    0  same<TAB>N             N readers, all identical
    1  differs<TAB>TARGET     the first reader whose stream changed
    2  unknown<TAB>REASON     cannot tell (no reader, a reader that is not
                              one clang command, a preprocessor error, the
                              patch does not apply): run it through klp-build
"""
import os
import re
import sys
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kbuild_cmd  # noqa: E402

TOKEN = re.compile(rb'"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|[^\s"\']+|\S')


def tokens(text):
    """The preprocessed text as a tuple of lines, each a tuple of chunks
    (runs of non-space characters, or whole literals); empty lines dropped."""
    out = []
    for line in text.split(b"\n"):
        t = tuple(TOKEN.findall(line))
        if t:
            out.append(t)
    return tuple(out)


def compare(build, t, overlay):
    """None when T's preprocessed streams are the same, else a reason."""
    if t.argv is None:
        return "unknown", "%s: its command is not one clang invocation" % t.name
    rc0, a, e0 = kbuild_cmd.run(build, t, "-E")
    if rc0 != 0:
        return "unknown", "%s: preprocessing ORIG fails: %s" % (t.name, first_error(e0))
    rc1, b, e1 = kbuild_cmd.run(build, t, "-E", overlay)
    if rc1 != 0:
        return "differs", "%s: preprocessing the patched source fails: %s" % (t.name, first_error(e1))
    if tokens(a) != tokens(b):
        return "differs", t.name
    return None


def first_error(text):
    for line in text.splitlines():
        if "error" in line:
            return line.strip()
    return (text.strip().splitlines() or ["exit status"])[-1]


def main(argv):
    args = dict(zip(argv[1::2], argv[2::2]))
    if len(argv) % 2 != 1 or not {"--build", "--patch"} <= set(args) or \
            not set(args) <= {"--build", "--patch", "--jobs"}:
        sys.stderr.write("usage: prefilter.py --build ORIG --patch P [--jobs N]\n")
        return 3
    build, patch, jobs = args["--build"], args["--patch"], int(args.get("--jobs", "2"))
    if not os.path.isfile(os.path.join(build, "vmlinux.o")):
        sys.stderr.write("prefilter.py: error: %s: not a finished kernel build dir (no vmlinux.o)\n" % build)
        return 3
    try:
        targets, readers = kbuild_cmd.load(build)
        overlay = kbuild_cmd.Overlay(os.path.join(build, "source"), patch)
    except (ValueError, OSError) as e:
        print("unknown\t%s" % e)
        return 2
    try:
        todo = {}
        for f in overlay.files:
            if not os.path.isfile(os.path.join(overlay.dir, "tree", f)) or \
                    not os.path.isfile(os.path.join(overlay.src, f)):
                print("unknown\t%s is added or removed by the patch" % f)
                return 2
            for t in readers.get(f, ()):
                todo[t.name] = t
        if not todo:
            print("unknown\tno kernel target of %s reads %s" % (build, " ".join(overlay.files)))
            return 2
        # The first difference decides; the rest need not run.
        worst = None
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            for res in pool.map(lambda t: compare(build, t, overlay),
                                [todo[k] for k in sorted(todo)]):
                if res is not None and (worst is None or res[0] == "differs"):
                    worst = res
                    if res[0] == "differs":
                        pool.shutdown(wait=False, cancel_futures=True)
                        break
        if worst is None:
            print("same\t%d" % len(todo))
            return 0
        print("%s\t%s" % worst)
        return 1 if worst[0] == "differs" else 2
    finally:
        overlay.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
