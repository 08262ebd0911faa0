# Copies an object, rewriting the LLVM major version in the record's
# producer string ("; LLVM 22." -> "; LLVM 99."), same length.
import sys
data = open(sys.argv[1], "rb").read()
old = b"; LLVM 22."
assert old in data, "producer string not found"
open(sys.argv[2], "wb").write(data.replace(old, b"; LLVM 99."))
