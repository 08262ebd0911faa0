# Rewrites the LLVM major version in the producer string of every blob of a
# .klp.lto section ("; LLVM 22." -> "; LLVM 99.", same length): the tables
# are inflated (format 3 deflates them), changed and written back stored
# (codec 0), which the reader takes as well.
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
out, off, n = bytearray(), 0, 0
while off < len(data):
    if data[off:off + 8] == b"\0" * 8:
        out += data[off:off + 8]
        off += 8
        continue
    assert data[off:off + 8] == b"KLPLTOR\0", "not a record blob"
    size, = struct.unpack_from("<I", data, off + 16)
    nfunc, = struct.unpack_from("<I", data, off + 24)
    codec, psize = struct.unpack_from("<II", data, off + 60)
    start = off + 72 + 8 * nfunc
    tables = data[start:start + psize]
    if codec == 1:
        tables = zlib.decompress(tables)
    old = b"; LLVM 22."
    assert old in tables, "producer string not found"
    tables = tables.replace(old, b"; LLVM 99.")
    blob = bytearray(data[off:start]) + tables
    blob += b"\0" * (-len(blob) % 8)
    struct.pack_into("<I", blob, 16, len(blob))
    struct.pack_into("<II", blob, 60, 0, len(tables))
    out += blob
    off += size
    n += 1
assert n, "no blob"
open(sys.argv[2], "wb").write(bytes(out))
