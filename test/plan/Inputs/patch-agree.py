# patch-agree.py HUNK_PLACE WORKDIR CASES SEED: makes CASES random backport
# situations and checks that klp_hunks_place() (through the hunk-place
# tool) places every hunk where GNU `patch -p1 -f` puts it, with the same
# fuzz and offset, and refuses the first hunk that patch rejects.
#
# A case: an "upstream" file of lines drawn mostly from a few repeated ones
# (so hunks match in several places), a patch made against it with
# `diff -U0..3`, and an original file that is upstream with blocks of lines
# inserted and deleted (offsets) and a few lines changed (fuzz, rejects).
import os
import random
import re
import subprocess
import sys

tool, work, cases, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
rnd = random.Random(seed)
COMMON = ["{", "}", "\treturn x;", "\tx++;", "", "\tif (x)", "\t\tbreak;"]


def line(i):
    return rnd.choice(COMMON) if rnd.random() < 0.6 else "line %d" % rnd.randrange(10 ** 6)


def mutate(lines, nedits, maxblock):
    out = list(lines)
    for _ in range(nedits):
        pos = rnd.randrange(len(out) + 1)
        r = rnd.random()
        if r < 0.45:
            out[pos:pos] = [line(0) for _ in range(rnd.randint(1, maxblock))]
        elif r < 0.8 and out:
            del out[pos:pos + rnd.randint(1, maxblock)]
        elif out:
            out[min(pos, len(out) - 1)] = line(0)
    return out


def write(path, lines):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write("".join(l + "\n" for l in lines))


def patch_says(src, pfile):
    p = subprocess.run(["patch", "-p1", "-f", "--dry-run", "-d", src, "-i", pfile],
                       capture_output=True, text=True)
    res = {}
    for l in p.stdout.splitlines():
        m = re.match(r"Hunk #(\d+) succeeded at (\d+)(?: with fuzz (\d+))?(?: \(offset (-?\d+) lines?\))?\.", l)
        if m:
            res[int(m[1])] = (int(m[2]), int(m[3] or 0), int(m[4] or 0))
            continue
        m = re.match(r"Hunk #(\d+) FAILED", l)
        if m:
            res[int(m[1])] = "FAILED"
    return res, p.stdout


agree = placed = moved = fuzzed = refused = empty = 0
for c in range(cases):
    d = os.path.join(work, "c%d" % c)
    up = [line(i) for i in range(rnd.randint(20, 120))]
    new = mutate(up, rnd.randint(1, 4), 3)
    orig = mutate(up, rnd.randint(0, 6), 12)
    write(os.path.join(d, "up/f.c"), up)
    write(os.path.join(d, "new/f.c"), new)
    write(os.path.join(d, "orig/f.c"), orig)
    ctx = rnd.randint(0, 3)
    diff = subprocess.run(["diff", "-U%d" % ctx, "--label", "a/f.c", "--label", "b/f.c",
                           os.path.join(d, "up/f.c"), os.path.join(d, "new/f.c")],
                          capture_output=True, text=True).stdout
    if not diff:
        empty += 1
        continue
    pfile = os.path.join(d, "p.diff")
    with open(pfile, "w") as f:
        f.write(diff)
    gnu, gnu_out = patch_says(os.path.join(d, "orig"), pfile)
    ours = subprocess.run([tool, os.path.join(d, "orig"), pfile], capture_output=True, text=True).stdout
    nh = len(re.findall(r"^@@ ", diff, re.M))
    ok = True
    m = re.match(r"error: .*hunk #(\d+) of f\.c", ours)
    if ours.startswith("error:"):
        # the first hunk patch rejects is the one refused; those before agree
        bad = int(m[1]) if m else None
        first_fail = min([h for h, v in gnu.items() if v == "FAILED"], default=None)
        ok = bad is not None and bad == first_fail
        refused += ok
    else:
        mine = {}
        for l in ours.splitlines():
            m2 = re.match(r"hunk #(\d+) of f\.c at (-?\d+) fuzz (\d+) offset (-?\d+)", l)
            mine[int(m2[1])] = (int(m2[2]), int(m2[3]), int(m2[4]))
        for h in range(1, nh + 1):
            at, fz, off = mine[h]
            want = gnu.get(h, (at, 0, 0) if not fz and not off else None)
            ok &= want == (at, fz, off)
            placed += 1
            moved += off != 0
            fuzzed += fz != 0
    if not ok:
        print("DISAGREE case %d (%s)\n--- patch:\n%s--- hunk-place:\n%s" % (c, d, gnu_out, ours))
    else:
        agree += 1
print("patch-agree: %d cases agree, %d disagree, %d without a diff; %d hunks placed (%d with an offset, %d with fuzz), %d refused as patch rejects"
      % (agree, cases - agree - empty, empty, placed, moved, fuzzed, refused))
# every kind of case must have come up, or the comparison proves little
sys.exit(0 if agree + empty == cases and moved and fuzzed and refused else 1)
