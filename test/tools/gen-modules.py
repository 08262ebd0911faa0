#!/usr/bin/env python3
"""gen-modules.py N DIR -- CC ARGS...

Writes N C units DIR/m0.c .. DIR/m<N-1>.c that call into each other in a
ring and across it, compiles each with `CC ARGS -c mI.c -o mI.o` (two at a
time, in DIR) and writes DIR/objs.rsp, a linker response file naming the
objects in order.

Every unit has what makes the ThinLTO backends do per-module work that the
plugin records: exported functions that other units import and inline,
a static `helper` (the same name in every unit: promoted and renamed when
imported), an always_inline function, a static function with a constant
result (IPSCCP), a local loop calling into another unit, a function pointer
and a data table.  The load of one backend thread is then about the same
as any other's, so several backends run at once through lld's thread pool.
"""
import os
import subprocess
import sys

UNIT = """\
int f{p}(int), f{q}(int), g{q}(int);
static const int tab{i}[4] = {{ {i}, 1, 2, 3 }};
static __attribute__((noinline)) int helper(int x)
{{
	return x * {k} + tab{i}[x & 3];
}}
static inline __attribute__((always_inline)) int sq(int x) {{ return x * x; }}
static __attribute__((noinline)) int konst(void) {{ return {i}; }}
int f{i}(int x) {{ return x > 1000 ? x : helper(x) + sq(x) + 1; }}
int g{i}(int x) {{ return x < 0 ? 0 : f{p}(x + 1) + g{q}(x - 1 - {i}) + konst(); }}
static int loc{i}(int x)
{{
	int s = 0;
	for (int k = 0; k < x; k++)
		s += f{q}(k) ^ k;
	return s;
}}
int (*ptr{i})(int) = f{p};
int h{i}(int x) {{ return loc{i}(x) + g{i}(x) + f{p}(x) + ptr{i}(x); }}
"""


def main(argv):
    if len(argv) < 5 or argv[3] != "--":
        sys.exit("usage: gen-modules.py N DIR -- CC ARGS...")
    n, out, cc = int(argv[1]), argv[2], argv[4:]
    os.makedirs(out, exist_ok=True)
    objs = []
    for i in range(n):
        with open(os.path.join(out, "m%d.c" % i), "w") as f:
            f.write(UNIT.format(i=i, p=(i + n - 1) % n, q=(i + 7) % n,
                                k=i + 3))
        objs.append("m%d.o" % i)
    running = []
    for i in range(n):
        running.append(subprocess.Popen(
            cc + ["-c", "m%d.c" % i, "-o", "m%d.o" % i], cwd=out))
        if len(running) == 2 or i == n - 1:
            for p in running:
                if p.wait():
                    sys.exit("gen-modules.py: compiling failed: %s" %
                             " ".join(p.args))
            running = []
    with open(os.path.join(out, "objs.rsp"), "w") as f:
        f.write("\n".join(objs) + "\n")


if __name__ == "__main__":
    main(sys.argv)
