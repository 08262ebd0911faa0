#!/usr/bin/env python3
"""Cross-check the record against DWARF: every inlined scope that the final
debug info shows (function F has an inlined copy of G) must appear in the
record as an INLINE edge from F's code to G.

  dwarf-inlines.py DWARFDUMP_OUTPUT KLP_GEN_DUMP_OUTPUT

DWARF is only a cross-check, not the source of truth: it loses inlines whose
code folded away, so the record may hold more than DWARF shows, never less.
"""
import re
import sys

TAG = re.compile(r"^0x[0-9a-f]+:(\s+)(DW_TAG_\w+|NULL)")
ATTR = re.compile(r'^\s+(DW_AT_\w+)\s+\((.*)\)\s*$')
NAME_IN_REF = re.compile(r'"([^"]+)"')


def dwarf_pairs(path):
    """(container source name, inlined source name) pairs."""
    pairs = set()
    stack = []  # (depth, tag, attrs)
    cur = None
    for line in open(path, encoding="utf-8", errors="replace"):
        m = TAG.match(line)
        if m:
            depth = len(m.group(1))
            cur = {"tag": m.group(2), "depth": depth}
            while stack and stack[-1]["depth"] >= depth:
                stack.pop()
            if cur["tag"] != "NULL":
                stack.append(cur)
            continue
        m = ATTR.match(line)
        if m and cur is not None:
            cur[m.group(1)] = m.group(2)
            if cur["tag"] == "DW_TAG_inlined_subroutine" and m.group(1) == "DW_AT_abstract_origin":
                callee = NAME_IN_REF.search(m.group(2))
                container = next((e for e in reversed(stack[:-1])
                                  if e["tag"] == "DW_TAG_subprogram"), None)
                if callee and container:
                    name = container.get("DW_AT_name") or container.get("DW_AT_abstract_origin", "")
                    n = NAME_IN_REF.search(name)
                    if n:
                        pairs.add((n.group(1), callee.group(1)))
    return pairs


def record_pairs(path):
    pairs = set()
    src = None
    for line in open(path, encoding="utf-8"):
        m = re.match(r"^func \S+ src=(\S+)", line)
        if m:
            src = m.group(1)
            continue
        m = re.match(r"^  inline (\S+)", line)
        if m and src:
            pairs.add((src, m.group(1)))
    return pairs


def main():
    dwarf = dwarf_pairs(sys.argv[1])
    record = record_pairs(sys.argv[2])
    missing = sorted(dwarf - record)
    for caller, callee in missing:
        print("missing: %s inlines %s (in DWARF, not in the record)" % (caller, callee))
    print("dwarf-inlines: checked %d pairs, %d missing" % (len(dwarf), len(missing)))
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
