#!/usr/bin/env python3
"""report.py row DELTA PATCH | check DELTA SAMPLE |
          table DELTA [--from V --to V --linux A B --orig-seconds N] [--write DOC]

The decisions of the corpus runner (bench/corpus/run.sh) on what happened
to each patch, from the logs in DELTA/runs/PATCH/:

  row    prints one result line (TSV): PATCH FILE OUTCOME VERIFY QEMU
         CLASS JUSTIFIED SECONDS DETAIL
         OUTCOME   module | refused | error   (klp-build.sh's result)
         VERIFY    ok | MISS N | failed | n/a  (klp-gen verify --plan)
         QEMU      pass | fail | n/a
         CLASS     the first rule of RULES that matches (below), or
                   "unclassified"
  check  CI's sample check: every file of SAMPLE (FILE EXPECTED per line)
         has the expected row ("pass", or a class); exit 1 otherwise
  table  the Markdown table of every run patch (one row each, decided
         again from its logs) with a summary; --write DOC puts it between DOC's markers
         <!-- corpus:run.sh begin --> and <!-- corpus:run.sh end -->.

A refusal is *justified* when no function-replacing live patch can apply
the change safely (changed data or layout, __init code, no code change in
this configuration, code ftrace cannot patch whose address is stored in
data); it is *not justified* when the change is ordinary function code and
the refusal or failure is a limitation or defect of klp-lto (some of them
known and being fixed: the rule says so).  A module is *unsafe* when
verify finds a changed function its plan misses, and *failed* when the
QEMU cycle does not pass.
"""
import datetime
import os
import re
import sys

# (class, ERE searched in the evidence, outcome, justified, what it means).
# The evidence is klp-build.sh's log, then the diff reports, then the
# module build log; the first rule that matches decides, so specific
# messages come before the generic ones.  klp-gen's refusals are matched
# with their "refused: " prefix (the report's section headers, such as
# "changed data: 0", name the same things).
RULES = [
    ("ibt-direct", r"data relocation to !ENDBR", "error", "no (known)",
     "objtool (klp-build-module.sh) finds a function address taken without "
     "ENDBR: a function that was only called directly in ORIG, now "
     "referenced by the module (IBT); known, being fixed"),
    ("ibt-self-call", r"unannotated intra-function call", "error", "no (known)",
     "objtool refuses a replaced function that had no ENDBR and calls its "
     "own entry without a relocation (recursion): extract's ENDBR64 moves "
     "that call 4 bytes into the copy; needs an instruction decoder"),
    ("no-code-change (unreachable)", r"changed functions? (is|are) unreachable", "refused", "yes",
     "the changed functions cannot run in this configuration: ftrace cannot "
     "patch them (notrace) and nothing reaches them (no relocation to them: "
     "no caller, no address taken, not exported), which klp-gen diff proves "
     "and verify checks again; no module is needed"),
    ("no-code-change", r"changes no code|no function or variable changed|no function changed|replaces nothing \(nothing to patch\)",
     "refused", "yes",
     "nothing compiled in this configuration changes (the changed lines are "
     "not built, or compile to the same code)"),
    ("static-call-trampoline", r"(refused: |new function )__SCT__", "refused", "no (known)",
     "a static-call trampoline (__SCT__*) reference, typically from a "
     "line-shift-only change; known, being fixed"),
    ("changed-data", r"refused: changed data: ", "refused", "yes",
     "the layout or initializer of an existing variable changes; a live "
     "patch replaces code, not data"),
    ("init-code", r"refused: __init code changed", "refused", "yes",
     "__init code changes: it ran at boot and was freed"),
    ("unpatchable-address-taken", r"refused: .* cannot be patched \(.*\) and its address is stored",
     "refused", "yes",
     "a function ftrace cannot patch (no __fentry__) changes and its address "
     "is stored in data, so replacing its callers cannot redirect it"),
    ("unpatchable-no-record-caller", r"refused: .* cannot be patched itself and is called from code without a record",
     "refused", "no",
     "a function ftrace cannot patch is called from code without a record "
     "(assembly)"),
    ("change-outside-patch", r"are in no file that the patch",
     "refused", "no",
     "the patched build changes functions of files the patch does not touch "
     "(generated files, __LINE__ shifts seen through other units, IPO)"),
    ("no-source-identity", r"refused: .* has no source identity", "refused", "no",
     "changed machine code in a function without a source identity"),
    ("removed-still-called", r"refused: removed function .* is still (called|referenced)",
     "refused", "no",
     "a removed function is still referenced from code the plan leaves"),
    ("module-symbol-reloc", r"resolves only after the module loader", "refused", "no",
     "new code points at a module symbol the livepatch core resolves too late"),
    ("unpaired-variable", r"has an unpaired variable", "refused", "no",
     "a variable has no peer but an unpaired one of the same name"),
    ("unknown-table-entry", r"does not know how to carry an entry", "refused", "no",
     "new code has entries in a special section extract cannot carry"),
    ("new-file", r"new files are not supported", "refused", "no",
     "the patch creates a file"),
    ("patch-does-not-apply", r"does not apply to", "error", "n/a (corpus)",
     "the per-file patch does not apply to ORIG's source"),
    # klp-build.sh links only vmlinux.o (kbuild's vmlinux_o), which keeps an
    # undefined symbol that the final vmlinux link would reject: extract
    # names it, and that is the same failure as a failed link.
    ("patched-build-failed",
     r"patched kernel build failed|is undefined in \S*vmlinux\.o and not defined exactly once in",
     "error", "n/a (corpus)",
     "the patched kernel does not build (or its vmlinux.o calls a function "
     "no file defines, which the final link would reject): this file's "
     "change needs another file's change of the same upstream commit (the "
     "per-file split)"),
    ("objtool", r"objtool", "error", "no", "objtool rejects the module"),
    ("module-build", r"module build failed", "error", "no",
     "the livepatch module does not build"),
    ("extract", r"klp-gen extract refused or failed", "error", "no",
     "klp-gen extract refuses or fails"),
    ("merge", r"klp-gen merge refused", "refused", "no",
     "klp-gen merge refuses the plans"),
    ("diff-refused", r"klp-gen diff refused or failed", "refused", "no",
     "klp-gen diff refuses (no more specific rule matched)"),
]
PREFILTER = ("no-code-change (preprocessor)", "yes",
             "not run: every kernel target that reads the changed file (kbuild's "
             ".cmd deps) preprocesses to the same token stream with the patch "
             "(bench/corpus/prefilter.py), so no compiled code can change")
UNSAFE = ("verify-miss", "no (unsafe)",
          "a module was built, but verify finds changed functions its plan "
          "misses (e.g. the IPO closure missing a new call edge)")
QEMU_FAIL = ("qemu-fail", "no",
             "a module was built, but the QEMU cycle fails")


def die(msg):
    sys.stderr.write("report.py: error: %s\n" % msg)
    sys.exit(1)


def read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return ""


def evidence(r):
    parts = [read(os.path.join(r, "klp-build.log"))]
    plans = os.path.join(r, "build", "plans")
    if os.path.isdir(plans):
        for f in sorted(os.listdir(plans)):
            if f.endswith(".report") or f.endswith(".err"):
                parts.append(read(os.path.join(plans, f)))
    for f in ("module.log", "build-module.log"):
        parts.append(read(os.path.join(r, "build", f)))
    return "\n".join(parts)


def verify_state(r):
    rcs = [f for f in os.listdir(r) if f.startswith("verify-") and f.endswith(".rc")]
    if not rcs:
        return "n/a", ""
    miss, failed, lines = 0, False, []
    for f in sorted(rcs):
        out = read(os.path.join(r, f[:-3] + ".txt"))
        m = [l for l in out.splitlines() if l.startswith("MISS ")]
        miss += len(m)
        lines += m
        if read(os.path.join(r, f)).strip() != "0" and not m:
            failed = True
            lines.append(out.strip().splitlines()[-1] if out.strip() else f)
    if miss:
        return "MISS %d" % miss, "; ".join(lines[:3])
    if failed:
        return "failed", "; ".join(lines[:2])
    return "ok", ""


def first_line(text, regex):
    for line in text.splitlines():
        if re.search(regex, line):
            return line.strip()
    return ""


def group_files(delta, gid):
    """The files of group GID (group.py's groups/GID.files), or None."""
    text = read(os.path.join(delta, "groups", gid + ".files"))
    return [l.split("\t")[1] for l in text.splitlines()] if text else None


def row(delta, patch):
    r = os.path.join(delta, "runs", patch[:-len(".patch")])
    if not os.path.isdir(r):
        die("%s: no run directory" % r)
    index = {}
    for line in read(os.path.join(delta, "patches", "index.tsv")).splitlines():
        c = line.split("\t")
        index[c[0]] = c[1]
    gfiles = group_files(delta, patch[:-len(".patch")])
    if gfiles:
        index[patch] = ", ".join(gfiles)
    pre = read(os.path.join(r, "prefilter.txt")).strip().split("\t")
    if pre[0] == "same" and not os.path.isfile(os.path.join(r, "klp-build.rc")):
        # prefilter.py: every target that reads the file preprocesses to
        # the same tokens, so nothing compiled can change; not built.
        secs = read(os.path.join(r, "prefilter.seconds")).strip() or "?"
        return "\t".join([patch, index.get(patch, "?"), "no-code-change", "n/a", "n/a",
                          PREFILTER[0], PREFILTER[1], secs,
                          "preprocessed tokens identical in all %s targets that read it" % pre[1]])
    rc = read(os.path.join(r, "klp-build.rc")).strip()
    gfail = read(os.path.join(r, "group-failed")).strip()
    ko = [f for f in os.listdir(r) if f.endswith(".ko")]
    verify, vdetail = verify_state(r)
    q = read(os.path.join(r, "qemu.rc")).strip()
    qemu = "n/a" if q == "" else ("pass" if q == "0" else "fail")
    ev = evidence(r)
    if rc == "0" and ko:
        outcome = "module"
        if verify.startswith("MISS") or verify == "failed":
            cls, just, _ = UNSAFE
            detail = vdetail
        elif qemu == "fail":
            cls, just, _ = QEMU_FAIL
            detail = first_line(read(os.path.join(r, "qemu.log")), r"FAIL") or "see console.log"
        else:
            cls, just, detail = "-", "-", ""
    else:
        cls, outcome, just, detail = "unclassified", "error", "?", ""
        for name, regex, out, j, _ in RULES:
            line = first_line(ev, regex)
            if line:
                cls, outcome, just = name, out, j
                # The reason, most specific first: klp-gen's refusal, its
                # error message, the compiler's error, the matched line.
                detail = line if name == "ibt-direct" else (
                    first_line(ev, r"refused: ") or first_line(ev, r"^klp-gen: ") or
                    first_line(ev, r"error: ") or line)
                break
        if cls == "unclassified":
            detail = first_line(ev, r"ERROR|error") or "klp-build.sh exit %s" % rc
        if cls == "patched-build-failed" and gfail:
            # group.py could not rebuild the commit: its reason says why.
            detail = "commit grouping: " + gfail
    # Absolute paths into the source tree or build dirs, shortened.
    detail = re.sub(r"(?<![\w.])/\S*?/(src|orig|kernel|patches|klp-build-\w+)/", "", detail)
    detail = re.sub(r"\s+", " ", detail.replace("|", "/"))[:300]
    # A result carried over from an earlier run of the corpus (an older
    # klp-lto) says so: OLDRUN holds when and with what it ran.
    old = read(os.path.join(r, "OLDRUN")).strip()
    if old:
        detail = ("[%s] " % old) + detail
    secs = read(os.path.join(r, "klp-build.seconds")).strip() or "?"
    return "\t".join([patch, index.get(patch, "?"), outcome, verify, qemu, cls,
                      just, secs, detail])


def table(delta, opts):
    runs = os.path.join(delta, "runs")
    rows = []
    # Each row is decided again from the logs, so a rule added later
    # applies to earlier runs too.
    dirs = sorted(os.listdir(runs)) if os.path.isdir(runs) else []
    # A group that a later try replaced (run.sh's second grouping) is no
    # file's group any more: only the groups the files point at count.
    used = {read(os.path.join(runs, d, "group")).strip() for d in dirs}
    for d in dirs:
        if d.startswith("g") and d not in used:
            continue
        rd = os.path.join(runs, d)
        g = read(os.path.join(rd, "group")).strip()
        if g and os.path.isfile(os.path.join(runs, g, "klp-build.rc")):
            continue  # the group's row stands for this file's
        if os.path.isfile(os.path.join(rd, "klp-build.rc")) or \
                read(os.path.join(rd, "prefilter.txt")).startswith("same"):
            rows.append(row(delta, d + ".patch").split("\t"))
    ntot = len(read(os.path.join(delta, "patches", "index.tsv")).splitlines())
    comp = [l.split("\t") for l in read(os.path.join(delta, "compiled.tsv")).splitlines()]
    ncomp = sum(1 for c in comp if len(c) > 3 and c[3] != "no")
    count = {}
    for r in rows:
        count[r[2]] = count.get(r[2], 0) + 1
    ok = sum(1 for r in rows if r[2] == "module" and r[3] in ("ok",) and r[4] == "pass")
    # The patches that touch compiled function code: all but those where
    # nothing compiled changes and the ones the corpus could not build.
    code = [r for r in rows if not r[5].startswith("no-code-change") and r[6] != "n/a (corpus)"]
    justified = [r for r in code if r[2] != "module" and r[6] == "yes"]
    secs = [int(r[7]) for r in rows if r[7].isdigit()]
    out = []
    out.append("Generated by `bench/corpus/run.sh` on %s." %
               datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))
    out.append("")
    out.append("* FROM (ORIG, built with the plugin): linux-source-6.12 %s (Linux %s); "
               "TO: %s (Linux %s)" % (opts.get("from", "?"), opts.get("linux", ("?", "?"))[0],
                                     opts.get("to", "?"), opts.get("linux", ("?", "?"))[1]))
    out.append("* changed files: %d; read by kernel objects of ORIG: %d; run here: %d"
               % (ntot, ncomp, len(rows)))
    out.append("* outcomes: " + ", ".join("%s %d" % (k, count[k]) for k in sorted(count)) +
               "; module + verify ok + QEMU pass: %d" % ok)
    nold = sum(1 for r in rows if r[8].startswith("["))
    if nold:
        out.append("* rows carried over from an earlier run (marked [...] in the detail): %d" % nold)
    out.append("* touching compiled function code (all but no-code-change and n/a (corpus)): "
               "%d; module + verify ok + QEMU pass: %d (%s); justified refusals: %d; "
               "other: %d" % (len(code), ok, "%d %%" % (100 * ok // len(code)) if code else "-",
                              len(justified), len(code) - ok - len(justified)))
    if secs:
        out.append("* klp-build.sh time per patch: total %d s, median %d s, max %d s; "
                   "ORIG build %s s" % (sum(secs), sorted(secs)[len(secs) // 2], max(secs),
                                       opts.get("orig-seconds", "?")))
    out.append("")
    out.append("Patch: the per-file patch's number, or a commit group (gNNNN-FILES-HASH, "
               "bench/corpus/group.py) with its files.")
    out.append("")
    out.append("| patch | file | outcome | verify | QEMU | class | justified | s | reason / detail |")
    out.append("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        out.append("| %s | `%s` | %s | %s | %s | %s | %s | %s | %s |" %
                   (r[0][:4] if not r[0].startswith("g") else r[0][:-len(".patch")], r[1], r[2], r[3], r[4], r[5], r[6], r[7],
                    ("`%s`" % r[8]) if r[8] else ""))
    out.append("")
    out.append("Classes (bench/corpus/report.py, first match wins):")
    out.append("")
    out.append("| class | outcome | justified | meaning |")
    out.append("|---|---|---|---|")
    for name, _re, o, j, what in RULES + [(PREFILTER[0], "", "no-code-change", PREFILTER[1], PREFILTER[2]),
                                          (UNSAFE[0], "", "module", UNSAFE[1], UNSAFE[2]),
                                          (QEMU_FAIL[0], "", "module", QEMU_FAIL[1], QEMU_FAIL[2])]:
        if any(r[5] == name for r in rows):
            out.append("| %s | %s | %s | %s |" % (name, o, j, what))
    return "\n".join(out) + "\n"


def write_doc(doc, text):
    begin, end = "<!-- corpus:run.sh begin -->", "<!-- corpus:run.sh end -->"
    old = read(doc)
    if begin not in old or end not in old:
        die("%s: markers %s / %s missing" % (doc, begin, end))
    new = old[:old.index(begin) + len(begin)] + "\n" + text + old[old.index(end):]
    with open(doc + ".tmp", "w") as f:
        f.write(new)
    os.rename(doc + ".tmp", doc)


def check(delta, sample):
    """CI's check of the sample: each line of SAMPLE is FILE EXPECTED ...;
    EXPECTED "pass" wants a module with verify ok and the QEMU cycle
    passed, anything else is the class the row must have (written without
    spaces).  A file's row is
    its group's when it was regrouped.  Prints one line per file; returns
    the number of files whose row is missing or not the expected one."""
    index = {}
    for line in read(os.path.join(delta, "patches", "index.tsv")).splitlines():
        c = line.split("\t")
        index[c[1]] = c[0]
    bad = 0
    for line in read(sample).splitlines():
        w = line.split()
        if not w or w[0].startswith("#"):
            continue
        if len(w) < 2:
            die("%s: '%s': want FILE EXPECTED" % (sample, line))
        f, want = w[0], w[1]
        p = index.get(f)
        r = os.path.join(delta, "runs", p[:-len(".patch")]) if p else None
        if not r or not (os.path.isfile(os.path.join(r, "klp-build.rc")) or
                         read(os.path.join(r, "prefilter.txt")).startswith("same")):
            print("FAIL %s: not run" % f)
            bad += 1
            continue
        g = read(os.path.join(r, "group")).strip()
        cols = row(delta, (g if g else p[:-len(".patch")]) + ".patch").split("\t")
        got = "pass" if (cols[2], cols[3], cols[4]) == ("module", "ok", "pass") else cols[5]
        ok = got.replace(" ", "") == want  # no-code-change(preprocessor)
        bad += 0 if ok else 1
        print("%s %s: expected %s, got %s (%s)" % ("ok  " if ok else "FAIL", f, want, got,
                                                  " ".join(cols[2:5])))
    return bad


def main(argv):
    if len(argv) >= 4 and argv[1] == "row":
        print(row(argv[2], argv[3]))
        return
    if len(argv) == 4 and argv[1] == "check":
        sys.exit(1 if check(argv[2], argv[3]) else 0)
    if len(argv) < 3 or argv[1] != "table":
        die("usage: report.py row DELTA PATCH | table DELTA [options] [--write DOC]")
    opts, write, a = {}, None, argv[3:]
    while a:
        if a[0] == "--linux" and len(a) >= 3:
            opts["linux"] = (a[1], a[2])
            a = a[3:]
        elif a[0] == "--write" and len(a) >= 2:
            write, a = a[1], a[2:]
        elif a[0] in ("--from", "--to", "--orig-seconds") and len(a) >= 2:
            opts[a[0][2:]], a = a[1], a[2:]
        else:
            die("bad option %s" % a[0])
    text = table(argv[2], opts)
    if write:
        write_doc(write, text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main(sys.argv)
