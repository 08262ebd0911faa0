#!/usr/bin/env python3
"""group.py --build ORIG --delta D --patch P [--log LOG] [--rounds N] [--jobs N]

Rebuilds the multi-file commit a per-file patch P belongs to, when P alone
does not compile (the Debian trees have no history, so split_delta.py splits
per file; docs/corpus.md).  Starting from {P}, each round looks at the
compiler's errors and adds the delta's other changed files they point at:

  * the file an error is in, when the delta changes it (a header's API
    change breaks its other users, which the same commit adapts);
  * the file of a note "declared here" / "previous declaration", when the
    delta changes it (a signature changed in a header);
  * the changed files that the failing target read in ORIG (its .cmd deps)
    or that an added #include names, whose added lines declare or define
    an identifier of the error (quoted in the message, else written on the
    error's line): a function or macro at column 0, a struct member, a
    function pointer, an enum constant, a struct/union/enum, a typedef;
  * for a link error "undefined symbol: X" (or klp-gen extract's "X is
    undefined in .../vmlinux.o": klp-build.sh links no vmlinux), the changed
    files whose added lines define X at column 0.

Each round compiles, with -fsyntax-only through a VFS overlay of the
group's patches (kbuild_cmd.py), every kernel target that reads a file of
the group, and takes their errors; when they compile, the undefined symbols of LOG
(klp-build.sh's log of a failed link of P or of an earlier group) count
too.  The group is done when no target has an
error, and fails when a round adds no file or after --rounds rounds (6).

Writes D/groups/ID.patch (the members' patches, concatenated) and
D/groups/ID.files (PATCH<TAB>FILE per member), ID naming the sorted
member set, and prints one line:
    0  group<TAB>ID<TAB>N files     compiles (as far as -fsyntax-only sees)
    1  fails<TAB>ID<TAB>REASON      still does not compile; the reason
"""
import hashlib
import os
import re
import sys
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kbuild_cmd  # noqa: E402

DIAG = re.compile(r"^(\S+?):(\d+):\d+: (error|note): (.*)$")
# A failed final link, or klp-gen extract on a vmlinux.o (klp-build.sh links
# no vmlinux) that calls a function no file defines.
LINK = re.compile(r"(?:ld\.lld\S*|ld): error: undefined symbol: (\S+)"
                  r"|\): (\S+) is undefined in \S*vmlinux\.o and not defined exactly once")
WORD = re.compile(r"[A-Za-z_]\w*")
KEYWORDS = set("""auto break case char const continue default do double else enum
extern float for goto if inline int long register restrict return short signed
sizeof static struct switch typedef union unsigned void volatile while bool
_Bool type function pointer types expression of in with named member call to
undeclared identifier declaration""".split())
# At most this many erroring targets are read per round (the first ones, in
# name order): enough to find the next files, bounded for huge headers.
MAX_FAILED = 20


def declares(ident):
    """The added-line patterns that declare or define IDENT."""
    i = re.escape(ident)
    return re.compile(
        r"^\+(?:#\s*define\s+%s\b"                       # macro
        r"|[A-Za-z_][^;{]*?\b%s\s*\("                     # function at column 0
        r"|.*\(\s*\*\s*%s\s*\)\s*\("                      # function pointer
        r"|\s+[A-Za-z_][\w\s\*]*?[\s\*]%s\s*(?:\[[^\]]*\])?\s*(?::\s*\w+)?\s*;"  # member
        r"|\s*%s\s*(?:=[^;,]*)?,?\s*(?:/\*.*)?$"           # enum constant
        r"|\s*(?:struct|union|enum)\s+%s\s*\{"            # type
        r"|.*\btypedef\b.*\b%s\s*;)" % (i, i, i, i, i, i, i), re.M)


def defines(sym):
    return re.compile(r"^\+[A-Za-z_][^;{]*?\b%s\s*\(" % re.escape(sym), re.M)


class Delta:
    def __init__(self, d):
        self.d = d
        self.patch_of, self.file_of, self.added = {}, {}, {}
        with open(os.path.join(d, "patches", "index.tsv")) as f:
            for line in f:
                p, fl, kind = line.rstrip("\n").split("\t")
                if kind not in ("modified", "added"):
                    continue
                self.patch_of[fl], self.file_of[p] = p, fl
                with open(os.path.join(d, "patches", p), errors="replace") as pf:
                    self.added[p] = "".join(l for l in pf if l.startswith("+") and not l.startswith("+++"))


def rel(path, src_prefixes):
    path = os.path.normpath(path)
    for pre in src_prefixes:
        if path.startswith(pre):
            return path[len(pre):]
    return None


def new_includes(delta, group):
    """Headers that the group's added lines #include (as include/X or
    next to the including file)."""
    out = set()
    for p in group:
        base = os.path.dirname(delta.file_of[p])
        for m in re.finditer(r'^\+\s*#\s*include\s*([<"])([^>"]+)[>"]', delta.added[p], re.M):
            out.add("include/" + m.group(2) if m.group(1) == "<" else os.path.normpath(os.path.join(base, m.group(2))))
    return out


def line_of(path):
    """Reader of lines of a source-tree file (patched view when given)."""
    try:
        with open(path, errors="replace") as f:
            return f.read().splitlines()
    except OSError:
        return []


def errors_in(text, reader_deps, prefixes):
    """[(kind, file, line, message, deps of the failing target)] of TEXT."""
    out = []
    for l in text.splitlines():
        m = DIAG.match(l.strip())
        if m:
            out.append((m.group(3), rel(m.group(1), prefixes) or m.group(1), int(m.group(2)),
                        m.group(4), reader_deps))
        m = LINK.search(l)
        if m:
            out.append(("link", None, 0, m.group(1) or m.group(2), reader_deps))
    return out


def additions(delta, group, errs, view):
    """The patches the errors point at that the group lacks, and the first
    error that pointed at nothing."""
    add, unresolved = set(), None
    incl = new_includes(delta, group)
    for kind, f, ln, msg, deps in errs:
        found = set()
        if kind == "link":
            for p, text in delta.added.items():
                if defines(msg).search(text):
                    found.add(p)
        else:
            if f in delta.patch_of and (kind == "error" or re.search(r"declared here|previous (declaration|definition)", msg)):
                found.add(delta.patch_of[f])
            if kind == "error":
                cand = [delta.patch_of[x] for x in (set(deps) | incl) if x in delta.patch_of]
                idents = [w for q in re.findall(r"'([^']*)'", msg) for w in WORD.findall(q) if w not in KEYWORDS]
                if not any(declares(i).search(delta.added[p]) for i in idents for p in cand):
                    lines = view(f)
                    if 0 < ln <= len(lines):
                        idents = [w for w in WORD.findall(lines[ln - 1]) if w not in KEYWORDS]
                for i in set(idents):
                    rx = declares(i)
                    found |= {p for p in cand if rx.search(delta.added[p])}
        found -= group
        add |= found
        if kind != "note" and not found and f not in {delta.file_of[p] for p in group} | set(delta.file_of[p] for p in add):
            unresolved = unresolved or (f, ln, msg)
    return add, unresolved


def group_id(delta, group):
    names = sorted(group)
    h = hashlib.sha1("\n".join(names).encode()).hexdigest()[:8]
    return "g%s-%d-%s" % (names[0][:4], len(names), h)


def write_group(delta, group):
    gid = group_id(delta, group)
    gd = os.path.join(delta.d, "groups")
    os.makedirs(gd, exist_ok=True)
    with open(os.path.join(gd, gid + ".patch.tmp"), "w") as out:
        for p in sorted(group):
            with open(os.path.join(delta.d, "patches", p)) as f:
                out.write(f.read())
    with open(os.path.join(gd, gid + ".files.tmp"), "w") as out:
        for p in sorted(group):
            out.write("%s\t%s\n" % (p, delta.file_of[p]))
    for ext in (".patch", ".files"):
        os.rename(os.path.join(gd, gid + ext + ".tmp"), os.path.join(gd, gid + ext))
    return gid


def main(argv):
    args = dict(zip(argv[1::2], argv[2::2]))
    if len(argv) % 2 != 1 or not {"--build", "--delta", "--patch"} <= set(args):
        sys.stderr.write("usage: group.py --build ORIG --delta D --patch P [--log LOG] [--rounds N] [--jobs N]\n")
        return 3
    build, delta = args["--build"], Delta(args["--delta"])
    p0 = os.path.basename(args["--patch"])
    if p0 not in delta.file_of:
        sys.stderr.write("group.py: error: %s is not a patch of %s\n" % (p0, args["--delta"]))
        return 3
    rounds, jobs = int(args.get("--rounds", "6")), int(args.get("--jobs", "2"))
    prefixes = kbuild_cmd.source_prefixes(build)
    _targets, readers = kbuild_cmd.load(build)
    group = {p0}
    link_log = open(args["--log"], errors="replace").read() if "--log" in args else ""
    reason = None
    for rnd in range(rounds + 1):
        with open(os.path.join(delta.d, "groups.tmp.%d" % os.getpid()), "w") as out:
            for p in sorted(group):
                out.write(open(os.path.join(delta.d, "patches", p)).read())
        try:
            ov = kbuild_cmd.Overlay(os.path.join(build, "source"), out.name)
        except ValueError as e:
            print("fails\t%s\t%s" % (write_group(delta, group), e))
            return 1
        finally:
            os.unlink(out.name)
        todo = {}
        for p in group:
            for t in readers.get(delta.file_of[p], ()):
                if t.argv is not None:
                    todo[t.name] = t
        errs, nfailed = [], 0

        def check(t):
            return t, kbuild_cmd.run(build, t, "-fsyntax-only", ov)
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            for t, (rc, _o, err) in pool.map(check, [todo[k] for k in sorted(todo)]):
                if rc != 0:
                    errs += errors_in(err, t.deps, prefixes)
                    nfailed += 1
                    if nfailed >= MAX_FAILED:
                        pool.shutdown(wait=False, cancel_futures=True)
                        break
        if not [e for e in errs if e[0] != "note"]:
            # The group compiles; the link of an earlier try may have
            # missed a function that another changed file defines.
            add = set()
            for e in errors_in(link_log, (), prefixes):
                if e[0] == "link":
                    add |= {p for p, text in delta.added.items() if defines(e[3]).search(text)}
            ov.close()
            if add - group:
                group |= add
                continue
            if group == {p0}:
                print("fails\t%s\tit compiles alone (-fsyntax-only) and LOG names no undefined symbol "
                      "that a changed file defines" % write_group(delta, group))
                return 1
            print("group\t%s\t%d files" % (write_group(delta, group), len(group)))
            return 0

        def view(f):
            if f in ov.files:
                return line_of(os.path.join(ov.dir, "tree", f))
            return line_of(os.path.join(build, "source", f))
        add, unresolved = additions(delta, group, errs, view)
        ov.close()
        if not add:
            f, ln, msg = unresolved or next(((e[1], e[2], e[3]) for e in errs if e[0] != "note"))
            reason = "%s:%d: %s (no changed file of the delta declares what it needs)" % (f, ln, msg)
            break
        group |= add
    else:
        reason = "still errors after %d rounds" % rounds
    print("fails\t%s\t%s" % (write_group(delta, group), reason))
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
