"""kbuild_cmd.py: the compile commands of a kernel O= build, rerun on a
patched view of its source tree (a library of prefilter.py and group.py).

kbuild's ORIG/**/.*.cmd files hold, per target, the exact command that made
it (savedcmd_T := ...) and every file the compiler read (deps_T := ...).
Rerunning a target's own command with -E (preprocess) or -fsyntax-only
(diagnose) answers what the patched source means to that target, in
seconds and without writing into the build: the patched files are seen
through clang's virtual file system overlay (-ivfsoverlay), which maps each
changed source path to its patched copy, so the tree and the build dir stay
read-only and every other file, generated headers included, is ORIG's.
"""
import json
import os
import re
import shlex
import shutil
import subprocess
import tempfile


class Target:
    """One kernel target of the build: its command (argv), the files it
    read (source-relative), and its own source."""

    def __init__(self, name, argv, deps, source):
        self.name, self.argv, self.deps, self.source = name, argv, deps, source


def _rel(path, prefixes):
    # fixdep keeps the spelling of the #include: dir/../x.h.
    path = os.path.normpath(path)
    for pre in prefixes:
        if path.startswith(pre):
            return path[len(pre):]
    return None


def source_prefixes(build):
    srcdir = os.path.join(build, "source")
    if not os.path.islink(srcdir):
        raise ValueError("%s: no 'source' link: not an O= build dir" % build)
    return (os.readlink(srcdir).rstrip("/") + "/", os.path.realpath(srcdir) + "/")


def parse_cmd(path, prefixes):
    """The Target of one .cmd file, or None when it is not a kernel compile
    (no -D__KERNEL__, not a single clang command) or names no deps."""
    with open(path, errors="replace") as f:
        text = f.read()
    m = re.search(r"^savedcmd_(\S+) := (.*)$", text, re.M)
    if not m or "-D__KERNEL__" not in m.group(2):
        return None
    d = re.search(r"^deps_\S+ := \\\n((?:.*\\\n)*.*)$", text, re.M)
    if not d:
        return None
    deps = set()
    for line in d.group(1).splitlines():
        line = line.strip().rstrip("\\").strip()
        if line and not line.startswith("$(wildcard"):
            r = _rel(line, prefixes)
            if r:
                deps.add(r)
    src = re.search(r"^source_\S+ := (\S+)", text, re.M)
    source = _rel(src.group(1), prefixes) if src else None
    if source:
        deps.add(source)
    try:
        argv = shlex.split(m.group(2))
    except ValueError:
        argv = None
    # Only one plain clang command can be rerun as is; anything else (a
    # shell pipeline, another tool) is kept with argv None: "cannot tell".
    if argv and (not os.path.basename(argv[0]).startswith("clang") or
                 any(a in (";", "&&", "||", "|") for a in argv)):
        argv = None
    return Target(m.group(1), argv, deps, source)


def load(build):
    """Every kernel target of BUILD whose output exists, and an index from
    source-relative file to the targets that read it."""
    prefixes = source_prefixes(build)
    targets, readers = [], {}
    for d, _dirs, files in os.walk(build):
        for f in files:
            if not (f.startswith(".") and f.endswith(".cmd")):
                continue
            out = os.path.join(d, f[1:-4])
            if not os.path.exists(out):
                continue
            t = parse_cmd(os.path.join(d, f), prefixes)
            if t is None:
                continue
            targets.append(t)
            for p in t.deps:
                readers.setdefault(p, []).append(t)
    return targets, readers


def patch_files(patch):
    """The source-relative files a -p1 unified diff changes (its +++ b/
    names; /dev/null for a removed file gives its --- a/ name)."""
    files, old = [], None
    with open(patch, errors="replace") as f:
        for line in f:
            if line.startswith("--- "):
                old = line[4:].split("\t")[0].strip()
            elif line.startswith("+++ "):
                new = line[4:].split("\t")[0].strip()
                name = new if new != "/dev/null" else old
                if name.startswith(("a/", "b/")):
                    name = name[2:]
                files.append(name)
    return files


class Overlay:
    """The patched view: PATCH applied to copies of the files it changes
    (from SRC), and a VFS overlay mapping SRC/FILE to each copy."""

    def __init__(self, src, patch):
        self.src = os.path.realpath(src)
        self.dir = tempfile.mkdtemp(prefix="klp-corpus-overlay.")
        self.files = patch_files(patch)
        if not self.files:
            raise ValueError("%s: no file in the patch" % patch)
        tree = os.path.join(self.dir, "tree")
        for rel in self.files:
            os.makedirs(os.path.dirname(os.path.join(tree, rel)), exist_ok=True)
            if os.path.isfile(os.path.join(self.src, rel)):
                shutil.copyfile(os.path.join(self.src, rel), os.path.join(tree, rel))
        r = subprocess.run(["patch", "-p1", "-s", "-f", "-d", tree, "-i", os.path.abspath(patch)],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if r.returncode != 0:
            self.close()
            raise ValueError("%s does not apply to %s: %s" %
                             (patch, src, r.stdout.decode(errors="replace").strip()))
        roots = []
        for rel in self.files:
            p = os.path.join(tree, rel)
            if os.path.isfile(p):
                roots.append({"type": "file", "name": os.path.join(self.src, rel),
                              "external-contents": p})
        # use-external-names false: __FILE__ and line markers name the
        # tree's path, as in ORIG's compile.
        self.yaml = os.path.join(self.dir, "overlay.yaml")
        with open(self.yaml, "w") as f:
            json.dump({"version": 0, "use-external-names": False, "roots": roots}, f)

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def rerun_argv(t, mode, overlay=None):
    """T's command turned into MODE ("-E": preprocessed text on stdout;
    "-fsyntax-only": diagnostics only), through OVERLAY when given.  Nothing
    is written: the dependency file (-Wp,-MMD,...) and -o are dropped."""
    out, skip = [], False
    for a in t.argv:
        if skip:
            skip = False
            continue
        if a == "-o":
            skip = True
            continue
        if a.startswith("-Wp,-M") or a in ("-c", "-S", "-E", "-P"):
            continue
        # The plugin runs after the front end; its options need it loaded.
        if a.startswith("-fpass-plugin=") or a.startswith("-mllvm=-klp-lto"):
            continue
        out.append(a)
    extra = ["-E", "-P", "-o", "-"] if mode == "-E" else ["-fsyntax-only"]
    # Flags of the code generator are unused in these modes; kbuild makes
    # that an error (-Werror=unused-command-line-argument).
    extra += ["-Wno-unused-command-line-argument", "-fno-color-diagnostics"]
    if overlay is not None:
        extra += ["-ivfsoverlay", overlay.yaml]
    return out[:1] + extra + out[1:]


def run(build, t, mode, overlay=None):
    """(returncode, stdout bytes, stderr text) of T's rerun in BUILD."""
    r = subprocess.run(rerun_argv(t, mode, overlay), cwd=build,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return r.returncode, r.stdout, r.stderr.decode(errors="replace")
