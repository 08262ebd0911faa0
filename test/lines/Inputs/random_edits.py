#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The keep-lines property on random sources and random edits.

    random_edits.py --klp-gen KLP_GEN --clang CLANG --dir DIR [--cases N] [--seed S]

Each case is a C file built from constructs that make a directive unsafe
(macro bodies continued with backslashes, block comments over several
lines, comment openers in strings, `//` comments ended by a backslash,
calls spread over lines, conditional groups, escaped quotes and
backslashes), and an edited copy (lines inserted, deleted or replaced,
1-4 places, at the ends too).  `klp-gen keep-lines` with the `diff -U0` of
the two must succeed and:
  - add nothing but `#line N` lines to the edited file;
  - when the edited file preprocesses (`clang -E -P`; random edits may cut
    a comment in two), the output must preprocess to the same tokens.
All files go through one clang run (a forced include marks where each
file's output starts).  Prints a summary; exit 1 with the failing cases.
"""
import argparse
import os
import random
import re
import subprocess
import sys


def construct(rng, k):
    """One random construct: a list of lines."""
    c = rng.randrange(15)
    if c >= 13:
        return ["int L%s = __LINE__;" % k]
    if c == 0:
        return ["#define M%s(a) \\" % k, "\t((a) + \\", "\t %s)" % k]
    if c == 1:
        return ["/* comment %s" % k, " * more", " */ int after_comment%s;" % k]
    if c == 2:
        return ['const char *s%s = "/* not a comment \\\\";' % k]
    if c == 3:
        return ["// line comment %s \\" % k, "continued_comment%s" % k]
    if c == 4:
        return ["int call%s = f(1," % k, "\t2,", "\t3);"]
    if c == 5:
        return ["#ifdef X%s" % k, "int x%s = f(0," % k, "#else",
                "int LE%s = __LINE__;" % k, "int x%s = f(1," % k, "#endif",
                "\t9);"]
    if c == 6:
        return ["char q%s = '\\''; char d%s = '\"'; char b%s = '\\\\';" % (k, k, k)]
    if c == 7:
        return ["int M%s = (" % k, "#if 1", "\t1", "#endif", ");"]
    if c == 8:
        return ['const char *t%s = "a\\' % k, 'b";']
    if c == 9:
        return ["/* a */ int w%s; /* b" % k, "   c */ int v%s;" % k]
    if c == 10:
        return ["#define LONG%s \\" % k, "\tf(1, \\", "\t  2)", "int l%s = LONG%s;" % (k, k)]
    if c == 11:
        return ["#if 0", "it's not code %s" % k, "#endif"]
    return ["int plain%s;" % k]


def source(rng, prefix, n):
    """The original: a list of constructs (each a list of lines)."""
    parts = [["int f(int, ...);"]]
    for k in range(n):
        parts.append(construct(rng, "%s%d" % (prefix, k)))
        if rng.random() < 0.5:
            parts.append(["int LA%s%d = __LINE__;" % (prefix, k)])
    return parts


def edit(rng, parts, case):
    """Whole constructs inserted, deleted or replaced (so that the file
    still preprocesses): diff -U0 still ends hunks inside constructs, where
    the old and the new ones share lines (#else, #endif, "\t2," ...)."""
    out = list(parts)
    for e in range(rng.randint(1, 4)):
        kind = rng.randrange(3)
        at = rng.randint(1, len(out))
        new = construct(rng, "e%d_%d" % (case, e))
        if kind == 0:
            out.insert(at, new)
        elif kind == 1 and at < len(out):
            del out[at]
        elif at < len(out):
            out[at] = new
    return out


def flat(parts):
    return [l for p in parts for l in p]


def tokens(text):
    """The tokens, with the markers' line numbers left out (they are
    checked on their own: line_errors())."""
    return re.sub(r"(int L\w+ = )[0-9]+;", r"\1N;", text).split()


def hunk_lines(diff_path):
    """The PATCHED lines that the hunks of a diff -U0 put there."""
    changed = set()
    for l in open(diff_path):
        m = re.match(r"@@ -\S+ \+(\d+)(?:,(\d+))? @@", l)
        if m:
            start, count = int(m.group(1)), int(m.group(2) or 1)
            changed.update(range(start, start + count))
    return changed


def exempt_lines(report):
    """Lines the report says keep shifted numbers: between a change and its
    moved directive, and everything after a change without one."""
    ex = set()
    for l in report.splitlines():
        m = re.match(r"note: .*:(\d+): #line \d+ after hunk #\d+ goes (\d+) lines? below", l)
        if m:
            p, k = int(m.group(1)), int(m.group(2))
            ex.update(range(p - k, p))
        m = re.match(r"note: .*:(\d+): no place for a #line", l)
        if m:
            ex.update(range(int(m.group(1)), 100000))
    return ex


def line_errors(o, p, changed, exempt, kout):
    """Each marker `int L.. = __LINE__;` of an unchanged PATCHED line must
    expand to its ORIGINAL line number, unless the report exempts it."""
    orig = {l: n for n, l in enumerate(o, 1) if l.startswith("int L")}
    got = dict(re.findall(r"int (L\w+) = ([0-9]+);", kout))
    errs = []
    for n, l in enumerate(p, 1):
        if not l.startswith("int L") or l not in orig or n in changed or n in exempt:
            continue
        name = l.split()[1]
        if name in got and int(got[name]) != orig[l]:
            errs.append("%s on line %d (line %d of the original) is %s" % (name, n, orig[l], got[name]))
    return errs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--klp-gen", required=True)
    ap.add_argument("--clang", required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--cases", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    os.makedirs(a.dir, exist_ok=True)
    sentinel = os.path.join(a.dir, "sentinel.h")
    with open(sentinel, "w") as f:
        f.write("KEEP_LINES_FILE_STARTS_HERE\n")
    failures = []
    cases = []
    directives = moved = 0
    for i in range(a.cases):
        op = source(rng, "o", rng.randint(3, 12))
        o, p = flat(op), flat(edit(rng, op, i))
        # and plain lines inserted anywhere, also inside constructs (a
        # macro body, a comment, a call's arguments, a group)
        for e in range(rng.randint(0, 4)):
            p.insert(rng.randint(0, len(p)), "int n%d_%d;" % (i, e))
        if p == o:
            continue
        base = os.path.join(a.dir, "c%d" % i)
        for name, lines in (("o", o), ("p", p)):
            with open("%s.%s.c" % (base, name), "w") as f:
                f.write("\n".join(lines) + ("\n" if rng.random() < 0.9 else ""))
        with open(base + ".d", "w") as f:
            r = subprocess.run(["diff", "-U0", base + ".o.c", base + ".p.c"], stdout=f)
        if r.returncode != 1:
            continue
        r = subprocess.run([a.klp_gen, "keep-lines", "--diff", base + ".d", base + ".o.c",
                            base + ".p.c", "-o", base + ".k.c"], capture_output=True, text=True)
        if r.returncode:
            failures.append("case %d: keep-lines failed: %s" % (i, r.stderr.strip()))
            continue
        m = re.search(r", (\d+) #line directive", r.stdout)
        directives += int(m.group(1)) if m else 0
        moved += r.stdout.count("\nnote: ")
        with open(base + ".p.c") as f:
            ptext = f.read()
        with open(base + ".k.c") as f:
            ktext = f.read()
        # nothing but #line lines added
        plines, klines = ptext.split("\n"), ktext.split("\n")
        rest = [l for l in klines if not re.fullmatch(r"#line [0-9]+", l)]
        if rest != plines:
            failures.append("case %d: output is not the input plus #line lines" % i)
            continue
        cases.append((i, o, p, hunk_lines(base + ".d"), exempt_lines(r.stdout)))
    # One clang run per side over all cases: -include marks each file's start.
    outs = {}
    for side in ("p", "k"):
        files = [os.path.join(a.dir, "c%d.%s.c" % (c[0], side)) for c in cases]
        r = subprocess.run([a.clang, "-E", "-P", "-w", "-include", sentinel] + files,
                           capture_output=True, text=True)
        outs[side] = (r.returncode, r.stdout, r.stderr)
    # Files that fail to preprocess (an unterminated comment) make the
    # batch fail: then each case on its own.
    checked = markers = 0
    if outs["p"][0] == 0 and outs["k"][0] == 0:
        ps = outs["p"][1].split("KEEP_LINES_FILE_STARTS_HERE")[1:]
        ks = outs["k"][1].split("KEEP_LINES_FILE_STARTS_HERE")[1:]
        if len(ps) != len(cases) or len(ks) != len(cases):
            failures.append("batch: %d cases, %d and %d outputs" % (len(cases), len(ps), len(ks)))
        else:
            for c, pt, kt in zip(cases, ps, ks):
                checked += 1
                if tokens(pt) != tokens(kt):
                    failures.append("case %d: clang -E -P tokens differ" % c[0])
                for e in line_errors(c[1], c[2], c[3], c[4], kt):
                    failures.append("case %d: %s" % (c[0], e))
                markers += len(re.findall(r"int L\w+ = ", kt))
    else:
        for c in cases:
            i = c[0]
            base = os.path.join(a.dir, "c%d" % i)
            rp = subprocess.run([a.clang, "-E", "-P", "-w", base + ".p.c"], capture_output=True, text=True)
            if rp.returncode:
                continue
            rk = subprocess.run([a.clang, "-E", "-P", "-w", base + ".k.c"], capture_output=True, text=True)
            checked += 1
            if rk.returncode:
                failures.append("case %d: the output does not preprocess: %s" % (i, rk.stderr.strip()[:300]))
            elif tokens(rp.stdout) != tokens(rk.stdout):
                failures.append("case %d: clang -E -P tokens differ" % i)
            else:
                for e in line_errors(c[1], c[2], c[3], c[4], rk.stdout):
                    failures.append("case %d: %s" % (i, e))
                markers += len(re.findall(r"int L\w+ = ", rk.stdout))
    print("random keep-lines: %d cases, %d preprocessed and compared, %d #line directives, %d notes, %d __LINE__ markers, %d failures"
          % (len(cases), checked, directives, moved, markers, len(failures)))
    for f in failures:
        print("FAIL " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
