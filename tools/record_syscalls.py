"""Record the system calls honest grading makes, from which the seccomp allow list
(workshop/batch/seccomp.py) is drawn.

One submission with every exercise right (the reference's code, as
benchmarks/grading_throughput.py makes its class) is graded with every exercise,
public and hidden checks, by workers that import TensorFlow themselves (--no-fork),
without walls (so that nothing they try is refused), under `strace -f`. The calls of
the worker processes and the graph judge (and their threads) after they started are
written one name per line to OUT (default tests/data/honest-syscalls.txt), with how
often each was made.

    python tools/record_syscalls.py [OUT]

Needs strace (Debian: apt install strace). About 3 minutes on 2 cores.
"""

import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))
sys.path.insert(0, str(REPO))

LINE = re.compile(r"^(?P<pid>\d+)\s+(?:<\.\.\. (?P<resumed>\w+) resumed>|(?P<call>\w+)\()")
CHILD = re.compile(r"= (?P<child>\d+)\s*$")
STARTS = ("clone", "clone3", "fork", "vfork")


def worker_calls(trace_lines):
    """Counter of the calls made by processes that exec'd workshop.batch.worker (or
    graph_judge, which runs the exported graphs behind the same walls), and by the
    threads and processes they started, after the exec."""
    parent, workers, counts = {}, set(), Counter()
    for line in trace_lines:  # first the process tree
        match = LINE.match(line)
        if not match:
            continue
        pid, name = int(match["pid"]), match["call"] or match["resumed"]
        if name == "execve" and re.search(r"workshop\.batch\.(worker|graph_judge)", line):
            workers.add(pid)
        if name in STARTS and CHILD.search(line):
            parent[int(CHILD.search(line)["child"])] = pid

    def in_worker(pid):
        for _ in range(64):
            if pid in workers:
                return True
            pid = parent.get(pid)
            if pid is None:
                return False
        return False

    started = set()
    for line in trace_lines:
        match = LINE.match(line)
        if not match or not match["call"]:  # a call counts once, where it starts
            continue
        pid, name = int(match["pid"]), match["call"]
        if not in_worker(pid):
            continue
        if pid in workers and pid not in started:
            if name == "execve":
                started.add(pid)
            continue  # Popen's child before the exec: not the worker yet
        counts[name] += 1
    return counts


def record(out):
    from grading_throughput import make_class

    if shutil.which("strace") is None:
        sys.exit("strace is not installed (Debian: apt install strace)")
    work = Path(tempfile.mkdtemp(prefix="syscalls-"))
    try:
        make_class(work / "class", 21)  # student020 has every file
        for student in (work / "class").iterdir():
            if student.name != "student020":
                shutil.rmtree(student)
        trace = work / "trace.txt"
        command = ["strace", "-f", "-qq", "-o", str(trace), sys.executable, "-m", "workshop"]
        command += ["grade", str(work / "class"), "--out", str(work / "out"), "-j", "1"]
        command += ["--no-fork", "--isolation", "none"]
        done = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(done.stderr[-3000:])
        counts = worker_calls(trace.read_text(errors="replace").splitlines())
    finally:
        shutil.rmtree(work, ignore_errors=True)
    header = (
        "# The system calls of honest grading: every exercise right, public and hidden\n"
        "# checks, a --no-fork worker without walls, under strace -f; made by\n"
        "# tools/record_syscalls.py. Name and count.\n"
    )
    lines = [f"{name} {counts[name]}" for name in sorted(counts)]
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text(header + "\n".join(lines) + "\n")
    print(f"{len(counts)} calls written to {out}")


if __name__ == "__main__":
    record(sys.argv[1] if len(sys.argv) > 1 else REPO / "tests" / "data" / "honest-syscalls.txt")
