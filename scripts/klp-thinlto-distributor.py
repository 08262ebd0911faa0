#!/usr/bin/env python3
"""A local ThinLTO distributor for lld's distributed ThinLTO (DTLTO).

ld.lld --thinlto-distributor=THIS [--thinlto-distributor-arg=OPT ...]
runs it as `THIS OPT... JOBS.json` in the link's directory.  The JSON
(lld-22, llvm/docs/DTLTO.rst) is

  {"common": {"linker_output": STR, "args": [COMPILER, ARG...],
              "inputs": [PATH...]},
   "jobs": [{"args": [ARG...], "inputs": [BITCODE, INDEX, PATH...],
             "outputs": [OBJECT, PATH...]}, ...]}

and each job's command is common.args + job.args (a `clang -c ...
-fthinlto-index=INDEX -o OBJECT` ThinLTO backend compile).  The distributor
runs every job, at most -j at a time, and exits 0 only if every job
succeeded and wrote its outputs; lld then links the objects.  On a failure
it starts no further job, waits for the running ones, names the failed job,
its command and its status, and exits 1 (lld reports the link failed and
removes its temporaries).

This one runs the jobs on this machine; a team's distributor sends the same
commands to its build farm.  --sandbox runs every job as a remote worker
would see it: in a fresh empty directory that holds copies of only the
inputs the JSON declares (common and the job's own, at the same relative
paths), and copies the declared outputs back.  A job that needs a file the
JSON does not declare fails there as it would on a farm (the compiler and
pass plugins must exist at the same absolute paths on every worker, like
the compiler itself: they are part of the toolchain, not of the job).

klp-lto: docs/klp-gen.md ("Distributed ThinLTO").
"""

import argparse
import concurrent.futures
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading

PROG = "klp-thinlto-distributor"


class JobFileError(Exception):
    """The job description is not what lld writes."""


def fail(msg):
    print(f"{PROG}: error: {msg}", file=sys.stderr)
    sys.exit(1)


def string_list(value, where, min_len=0):
    if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
        raise JobFileError(f"{where}: expected a list of strings")
    if len(value) < min_len:
        raise JobFileError(f"{where}: expected at least {min_len} entries, "
                           f"found {len(value)}")
    return value


def load_jobs(path):
    """The (common args, common inputs, jobs) of lld's job file, checked."""
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except OSError as e:
        raise JobFileError(e.strerror or str(e))
    except (ValueError, UnicodeDecodeError) as e:
        raise JobFileError(f"not JSON: {e}")
    if not isinstance(doc, dict):
        raise JobFileError("expected a JSON object at the top")
    common = doc.get("common")
    if not isinstance(common, dict):
        raise JobFileError("common: missing or not an object")
    args = string_list(common.get("args"), "common.args", 1)
    inputs = string_list(common.get("inputs", []), "common.inputs")
    jobs = doc.get("jobs")
    if not isinstance(jobs, list):
        raise JobFileError("jobs: missing or not a list")
    checked = []
    for i, job in enumerate(jobs):
        if not isinstance(job, dict):
            raise JobFileError(f"jobs[{i}]: not an object")
        checked.append({
            # lld's reserved entries: inputs[0] the bitcode, inputs[1] its
            # index shard, outputs[0] the object.
            "args": string_list(job.get("args"), f"jobs[{i}].args"),
            "inputs": string_list(job.get("inputs"), f"jobs[{i}].inputs", 2),
            "outputs": string_list(job.get("outputs"), f"jobs[{i}].outputs", 1),
        })
    return args, inputs, checked


def sandbox_path(root, path, what):
    """Where PATH (relative to the link's directory) is inside the sandbox."""
    norm = os.path.normpath(path)
    if os.path.isabs(norm) or norm == ".." or norm.startswith("../"):
        raise JobFileError(f"{what} {path}: --sandbox needs paths inside the "
                           "link's directory")
    return os.path.join(root, norm)


def run_in_sandbox(cmd, common_inputs, job):
    with tempfile.TemporaryDirectory(prefix="klp-dtlto-") as root:
        for p in common_inputs + job["inputs"]:
            dest = sandbox_path(root, p, "input")
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            shutil.copy2(p, dest)
        for p in job["outputs"]:
            os.makedirs(os.path.dirname(sandbox_path(root, p, "output")),
                        exist_ok=True)
        proc = subprocess.run(cmd, cwd=root, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if proc.returncode == 0:
            for p in job["outputs"]:
                src = sandbox_path(root, p, "output")
                if os.path.exists(src):
                    shutil.copy2(src, p)
        return proc


def run_job(index, cmd, common_inputs, job, sandbox, verbose, out_lock):
    if verbose:
        with out_lock:
            print(f"{PROG}: job {index}: {shlex.join(cmd)}", file=sys.stderr)
    if sandbox:
        proc = run_in_sandbox(cmd, common_inputs, job)
    else:
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    problem = None
    if proc.returncode != 0:
        problem = f"exit status {proc.returncode}"
    else:
        missing = [p for p in job["outputs"] if not os.path.exists(p)]
        if missing:
            problem = "did not write " + ", ".join(missing)
    return index, proc.stdout, problem


def main():
    ap = argparse.ArgumentParser(
        prog=PROG, description="Run lld's distributed ThinLTO backend jobs "
        "on this machine (see the source for the protocol).")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1,
                    help="jobs run at once (default: the number of CPUs)")
    ap.add_argument("--sandbox", action="store_true",
                    help="run each job in an empty directory holding only "
                         "its declared inputs, as a remote worker would")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="print each job's command")
    ap.add_argument("job_file", help="the JSON job description lld wrote")
    opts = ap.parse_args()
    if opts.jobs < 1:
        fail(f"-j {opts.jobs}: must be at least 1")

    try:
        common_args, common_inputs, jobs = load_jobs(opts.job_file)
        if opts.sandbox:
            for i, job in enumerate(jobs):
                for kind, paths in (("input", common_inputs + job["inputs"]),
                                    ("output", job["outputs"])):
                    for p in paths:
                        sandbox_path("/", p, f"jobs[{i}]: {kind}")
    except JobFileError as e:
        fail(f"{opts.job_file}: {e}")

    cmds = [common_args + job["args"] for job in jobs]
    out_lock = threading.Lock()
    failed = False
    # At most -j jobs are handed to the pool at a time, so that after a
    # failure no further job starts (a queued one would).
    with concurrent.futures.ThreadPoolExecutor(max_workers=opts.jobs) as pool:
        running = set()
        next_job = 0
        while running or (next_job < len(jobs) and not failed):
            while not failed and next_job < len(jobs) and len(running) < opts.jobs:
                running.add(pool.submit(run_job, next_job, cmds[next_job],
                                        common_inputs, jobs[next_job],
                                        opts.sandbox, opts.verbose, out_lock))
                next_job += 1
            done, running = concurrent.futures.wait(
                running, return_when=concurrent.futures.FIRST_COMPLETED)
            for fut in done:
                try:
                    i, output, problem = fut.result()
                except (OSError, JobFileError) as e:
                    # the compiler does not exist, an input is missing, ...
                    i, output, problem = None, b"", str(e)
                with out_lock:
                    if output:
                        sys.stderr.write(output.decode(errors="replace"))
                    if problem and i is None:
                        print(f"{PROG}: error: {problem}", file=sys.stderr)
                    elif problem:
                        print(f"{PROG}: error: job {i} ({jobs[i]['inputs'][0]}) "
                              f"failed: {problem}: {shlex.join(cmds[i])}",
                              file=sys.stderr)
                failed = failed or bool(problem)
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
