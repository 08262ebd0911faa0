#!/usr/bin/env python3
"""record-size.py FILE.klp: where the bytes of a .klp.lto section go, and
what each size-reduction technique would save on it.

FILE.klp is the raw section (`llvm-objcopy --dump-section=.klp.lto=FILE.klp
vmlinux.o /dev/null`), of format 2.x or 3.x: both hold the same tables
(docs/record-format.md).  Prints the current size by part, then for each
technique of issue 15 the size the same tables would take, each measured on
its own and in the combinations that matter:

  fixed        the 2.0 layout (fixed-width tables, addr inside each func)
  varint       LEB128 for every integer field, edge src as a zig-zag delta
               from the previous edge of the func, kind and flags in one byte
  +implied     varint, and each CALLEE edge whose src also has an INLINE
               edge in the same func folded into that edge (one flags byte)
  +front       varint, strings sorted and front-coded (shared prefix length)
  zlib         the fixed tables deflated (zlib level 6/9) per blob, the addr
               words kept outside (format 3.0)
  zlib SoA     the same, with the tables stored column by column
  zlib+varint  the varint tables deflated (with +implied, +front)

Sharing strings or srcs across blobs is not measured: every ThinLTO
backend writes its own blob and lld only concatenates them, so no blob can
refer to another's table.  Nothing is written; used for docs/performance.md.
"""
import collections, struct, sys, zlib

HDR2, HDR3 = 64, 72


def load(path):
    data = open(path, "rb").read()
    blobs, off = [], 0
    while off < len(data):
        if data[off:off + 8] == b"\0" * 8:
            off += 8
            continue
        assert data[off:off + 8] == b"KLPLTOR\0", "bad magic at %#x" % off
        major, = struct.unpack_from("<H", data, off + 8)
        size, phase, nf, ns, ne, sts = struct.unpack_from("<IIIIII", data, off + 16)
        if major == 2:
            p = off + HDR2
            funcs = [struct.unpack_from("<QIIIIII", data, p + 32 * i)[1:] for i in range(nf)]
            p += 32 * nf
            tab = data[p:off + size]
        else:
            assert major == 3, "format %d" % major
            codec, psize = struct.unpack_from("<II", data, off + 60)
            p = off + HDR3 + 8 * nf
            tab = data[p:p + psize]
            if codec == 1:
                tab = zlib.decompress(tab)
            funcs = [struct.unpack_from("<IIIIII", tab, 24 * i) for i in range(nf)]
            tab = tab[24 * nf:]
        # the 8 fields before `reserved` (always 0: re-added when packing)
        srcs = [struct.unpack_from("<QIIIIIII", tab, 40 * i) for i in range(ns)]
        edges = [struct.unpack_from("<IHH", tab, 40 * ns + 8 * i) for i in range(ne)]
        strtab = tab[40 * ns + 8 * ne:40 * ns + 8 * ne + sts]
        blobs.append(dict(major=major, size=size, nf=nf, ns=ns, ne=ne, funcs=funcs,
                          srcs=srcs, edges=edges, strtab=strtab))
        off += size
    return blobs


def uv(x):
    out = bytearray()
    while True:
        b, x = x & 127, x >> 7
        out.append(b | 128 if x else b)
        if not x:
            return bytes(out)


def zz(x):
    return x << 1 if x >= 0 else ((-x) << 1) - 1


def fixed_tables(b, soa=False):
    """The 3.0 tables (funcs without addr, srcs, edges, strtab)."""
    f, s, e = b["funcs"], b["srcs"], b["edges"]
    if not soa:
        return (b"".join(struct.pack("<IIIIII", *x) for x in f) +
                b"".join(struct.pack("<QIIIIIIII", *x, 0) for x in s) +
                b"".join(struct.pack("<IHH", *x) for x in e) + b["strtab"])
    out = bytearray()
    for i in range(6):
        out += b"".join(struct.pack("<I", x[i]) for x in f)
    for i, fmt in enumerate("QIIIIIII"):
        out += b"".join(struct.pack("<" + fmt, x[i]) for x in s)
    out += b"\0" * (4 * len(s))	# src.reserved
    for i, fmt in enumerate("IHH"):
        out += b"".join(struct.pack("<" + fmt, x[i]) for x in e)
    return bytes(out + b["strtab"])


def varint_tables(b, implied=False, front=False):
    strtab, out = b["strtab"], bytearray()
    smap = lambda o: o
    if front:
        strs, o = [], 1
        while o < len(strtab):
            e = strtab.index(b"\0", o)
            strs.append((strtab[o:e], o))
            o = e + 1
        strs.sort()
        idx = {o: k + 1 for k, (_, o) in enumerate(strs)}
        idx[0] = 0
        smap = idx.__getitem__
        st, prev = bytearray(), b""
        for s, _ in strs:
            n = 0
            while n < min(len(s), len(prev)) and s[n] == prev[n]:
                n += 1
            st += uv(n) + uv(len(s) - n) + s[n:]
            prev = s
        strtab = bytes(st)
    for sym, src, ef, ec, fl, bind in b["funcs"]:
        es = b["edges"][ef:ef + ec]
        inl = {e[0] for e in es if e[1] == 1}
        if implied:
            es = [e for e in es if not (e[1] == 2 and e[0] in inl)]
        out += uv(smap(sym)) + uv(0 if src == 0xffffffff else src + 1) + uv(len(es))
        out.append(fl | bind << 5)
        prev = 0
        for e in es:
            out += uv(zz(e[0] - prev)) + bytes([e[1] << 6 | e[2]])
            if implied and e[1] == 1:
                out.append(0)	# the folded CALLEE edge's flags
            prev = e[0]
    for fp, name, file, unit, lb, le, fl, sec in b["srcs"]:
        out.append(fl)
        if not fl & 2:
            out += struct.pack("<Q", fp)
        out += (uv(smap(name)) + uv(smap(file)) + uv(smap(unit)) + uv(smap(sec)) +
                uv(lb) + uv(max(le - lb, 0)))
    return bytes(out) + strtab


def main():
    blobs = load(sys.argv[1])
    fixed_part = 8 * sum(b["nf"] for b in blobs)	# the addr words
    print("blobs %d, funcs %d, srcs %d, edges %d, section %d bytes (format %d)" % (
        len(blobs), sum(b["nf"] for b in blobs), sum(b["ns"] for b in blobs),
        sum(b["ne"] for b in blobs), sum(b["size"] for b in blobs), blobs[0]["major"]))
    parts = collections.Counter()
    for b in blobs:
        parts["funcs (24 B + 8 B addr)"] += 32 * b["nf"]
        parts["srcs (40 B)"] += 40 * b["ns"]
        parts["edges (8 B)"] += 8 * b["ne"]
        parts["strtab"] += len(b["strtab"])
    for k, v in parts.items():
        print("  %-26s %10d" % (k, v))
    rows = [("fixed (2.0 layout)", lambda b: len(fixed_tables(b)) + 8 * b["nf"])]
    rows += [("varint", lambda b: len(varint_tables(b))),
             ("varint +implied", lambda b: len(varint_tables(b, implied=True))),
             ("varint +front", lambda b: len(varint_tables(b, front=True))),
             ("varint +implied +front", lambda b: len(varint_tables(b, True, True))),
             ("zlib-6 (3.0)", lambda b: len(zlib.compress(fixed_tables(b), 6))),
             ("zlib-9", lambda b: len(zlib.compress(fixed_tables(b), 9))),
             ("zlib-6 SoA", lambda b: len(zlib.compress(fixed_tables(b, True), 6))),
             ("zlib-6 varint", lambda b: len(zlib.compress(varint_tables(b), 6))),
             ("zlib-6 varint +implied +front",
              lambda b: len(zlib.compress(varint_tables(b, True, True), 6)))]
    print("%-32s %12s" % ("technique", "section bytes"))
    for name, fn in rows:
        hdr = 64 if name.startswith("fixed") else HDR3
        total = sum((hdr + fn(b) + 7) // 8 * 8 for b in blobs)
        if not name.startswith("fixed"):
            total += fixed_part
        print("%-32s %12d" % (name, total))


main()
