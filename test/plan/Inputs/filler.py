# filler.py NAME N: N functions NAME0 ... NAME<N-1>, 4 lines each, to pad a
# source file so that a patch's stated line numbers are off by 4*N lines.
import sys

name, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    print("int %s%d(int x)\n{\n\treturn x * %d + 1;\n}" % (name, i, i + 2))
