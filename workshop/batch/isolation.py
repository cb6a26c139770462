"""The operating-system boundary around a grading worker: Landlock for files, exec, TCP
and signals (landlock.py), a seccomp filter for processes and sockets (seccomp.py).

Chosen over namespaces (bwrap) because it needs neither a setuid helper nor user
namespaces, which containers and CI machines often lack, and costs nothing per
worker: the forked worker limits itself in a few system calls, before it imports any
student file. The runner asks `probe()` once per batch; `restrict()` runs in the
worker.

What the worker may touch afterwards:
- read: the Python installation and its packages, the workshop's own library (not
  solutions/ or tests/), the system's shared libraries, a few files TensorFlow and
  the C library read (CPU counts, the dynamic linker's cache), and its own /proc;
- read and write: its own folder (the submission's copy, records, scratch) and
  /dev/null.
Nothing else: not the batch's other folders, not other submissions, not the grades.
"""

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from . import landlock, seccomp

LANDLOCK, NONE = "landlock", "none"
CHOICES = ("auto", LANDLOCK, NONE)
SYSTEM_READABLE = (
    "/usr/lib",
    "/usr/lib64",
    "/usr/local/lib",
    "/lib",
    "/lib64",
    "/usr/share/zoneinfo",
    "/etc/ld.so.cache",
    "/etc/localtime",
    "/dev/urandom",
    "/dev/zero",
    "/proc/cpuinfo",
    "/proc/meminfo",
    "/proc/stat",
    "/sys/devices/system/cpu",
    "/sys/fs/cgroup",
)
SYSTEM_WRITABLE = ("/dev/null",)


class IsolationUnavailable(RuntimeError):
    pass


@dataclass(frozen=True)
class Isolation:
    kind: str  # LANDLOCK or NONE
    abi: int = 0
    seccomp: bool = False

    def describe(self):
        if self.kind == NONE:
            return "none (--isolation none): student code could read and write as the grader"
        parts = [f"Landlock ABI {self.abi}"]
        if self.abi < 4:
            parts.append("TCP not blocked (needs ABI 4)")
        if self.abi < 6:
            parts.append("signals not scoped (needs ABI 6)")
        parts.append("seccomp" if self.seccomp else "no seccomp filter on this architecture")
        return ", ".join(parts)

    def as_argument(self):
        """For the worker's command line (parse reads it back)."""
        if self.kind == NONE:
            return NONE
        return f"{LANDLOCK}:{self.abi}:{'seccomp' if self.seccomp else ''}"


def parse(argument):
    if argument == NONE:
        return Isolation(NONE)
    kind, abi, extra = argument.split(":")
    if kind != LANDLOCK:
        raise ValueError(f"unknown isolation {argument!r}")
    return Isolation(LANDLOCK, int(abi), extra == "seccomp")


def probe(choice="auto"):
    """The isolation to grade with. Raises IsolationUnavailable (one line) where the
    machine cannot give what was asked for."""
    if choice == NONE:
        return Isolation(NONE)
    abi = landlock.abi_version()
    if abi < 1:
        raise IsolationUnavailable(
            "this machine has no Landlock (Linux 5.13 or later with Landlock enabled), so "
            "student code cannot be kept from the solutions and the grades: grade on "
            "such a machine, or pass --isolation none to grade without a boundary (the "
            "gradebook will say so)"
        )
    return Isolation(LANDLOCK, abi, seccomp.supported())


def readable_paths(package_root, never=()):
    """Folders and files the worker may read: Python, its packages, the workshop's
    library. Never the repository root (it holds solutions/ and tests/), nor any
    folder that holds, or lies inside, one of `never` (the batch's output and
    submissions): a path on sys.path such as the folder the grader was started in
    could hold the whole class."""
    package_root = Path(package_root).resolve()
    hidden = [package_root / "solutions", package_root / "tests"]
    hidden += [Path(p).resolve() for p in never]
    found = {Path(sys.base_prefix), Path(sys.prefix), package_root / "workshop"}
    for entry in sys.path:
        if not entry:
            continue  # the current folder
        path = Path(entry).resolve()
        holds = any(h.is_relative_to(path) for h in [package_root, *hidden])
        clash = holds or any(path.is_relative_to(h) for h in hidden)
        if path.is_dir() and not clash:
            found.add(path)
    return sorted(str(p) for p in found) + list(SYSTEM_READABLE)


def restrict(isolation, readable, writable):
    """In the worker, before any student file: limit this process for good."""
    if isolation.kind == NONE:
        return
    threads = len(os.listdir("/proc/self/task"))
    if threads != 1:  # both filters bind the calling thread and those it starts later
        raise IsolationUnavailable(f"the worker has {threads} threads before isolation")
    rules = [(p, landlock.READ) for p in readable]
    rules += [(p, landlock.WRITE) for p in writable]
    device = landlock.READ_FILE | landlock.WRITE_FILE | landlock.TRUNCATE  # open(devnull, "w")
    rules += [(p, device) for p in SYSTEM_WRITABLE]
    rules.append((f"/proc/{os.getpid()}", landlock.READ))
    landlock.restrict(rules, isolation.abi)
    if isolation.seccomp:
        seccomp.install()
