"""The walls around a grading process, default deny, raised before any student file.

What the runner asks the machine for once per batch (`probe`), and what each worker
raises in itself (`wall_in`), in this order:

1. its control group (cgroups.py): memory and pids caps that count shared memory,
   memfd and tmpfs pages, made and emptied by the runner;
2. namespaces and a private root (jail.py): no process, file, network or IPC object of
   the host's is there; its folder is a private tmpfs of `--disk-mb`;
3. no privileges: started as root, no capability in any set and an unprivileged uid
   of its own; started as a normal user, none of the user namespace's capabilities;
4. Landlock (landlock.py): reads only what grading reads, writes only its own folder,
   no exec, no TCP, no signals out;
5. a seccomp allow list (seccomp.py): every other system call fails.

Where a wall cannot be had (no root and no user namespaces, no cgroup delegation, no
libseccomp), the batch says so in one line and in the gradebook's isolation column;
Landlock alone is required (`--isolation none` grades without any wall, and says so).
The Python audit hook (sandbox.py) stays behind them all, for plain error messages.
"""

import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from . import cgroups, jail, landlock, seccomp

LANDLOCK, NONE = "landlock", "none"
CHOICES = ("auto", LANDLOCK, NONE)
# What grading reads besides Python and the workshop: shared libraries, the dynamic
# linker's cache, time zones, random numbers, CPU and memory counts.
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
    "/dev/random",
    "/dev/zero",
    "/proc/cpuinfo",
    "/proc/meminfo",
    "/proc/stat",
    "/proc/sys/vm/overcommit_memory",
    "/sys/devices/system/cpu",
    "/sys/kernel/mm/transparent_hugepage",
)
SYSTEM_WRITABLE = ("/dev/null",)


class IsolationUnavailable(RuntimeError):
    pass


@dataclass(frozen=True)
class Isolation:
    kind: str  # LANDLOCK (the walls) or NONE
    abi: int = 0  # Landlock's
    seccomp: bool = False
    namespaces: bool = False  # and a private root
    cgroups: int = 0  # the cgroup version, 0 for none
    hierarchy: tuple = ()  # cgroups.Hierarchy.bases
    controllers: tuple = ()  # cgroups.Hierarchy.controllers
    privileges: str = ""  # "root": an unprivileged uid; "user": a user namespace's caps
    # dropped; "capabilities": root's dropped, its uid kept (no private root)
    missing: tuple = field(default=(), compare=False)  # walls not had here, one line each

    def describe(self):
        if self.kind == NONE:
            return "none (--isolation none): student code could read and write as the grader"
        parts = []
        if self.namespaces:
            parts.append("namespaces (pid, mount, ipc, uts, net) with a private root and tmpfs")
        if self.cgroups:
            parts.append(f"cgroup v{self.cgroups} {', '.join(self.controllers)} caps")
        if self.privileges == "root":
            parts.append("an unprivileged uid without capabilities")
        elif self.privileges == "user":
            parts.append("no capabilities (a user namespace)")
        elif self.privileges == "capabilities":
            parts.append("no capabilities (root's uid kept: no private root)")
        parts.append(f"Landlock ABI {self.abi}")
        if self.seccomp:
            parts.append(f"a seccomp allow list ({len(seccomp.allowed_names())} calls)")
        text = ", ".join(parts)
        return f"{text}; missing: {'; '.join(self.missing)}" if self.missing else text

    def as_argument(self):
        """For the worker's command line (parse reads it back)."""
        if self.kind == NONE:
            return NONE
        data = {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "missing"}
        return json.dumps(data)


def parse(argument):
    if argument == NONE:
        return Isolation(NONE)
    data = json.loads(argument)
    if data.get("kind") != LANDLOCK:
        raise ValueError(f"unknown isolation {argument!r}")
    data["hierarchy"] = tuple(data.get("hierarchy", ()))
    data["controllers"] = tuple(data.get("controllers", ()))
    return Isolation(**data)


def probe(choice="auto"):
    """The walls to grade behind. Raises IsolationUnavailable (one line) where the
    machine cannot give what is required."""
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
    missing = []
    if abi < 4:
        missing.append("TCP not blocked by Landlock (needs ABI 4)")
    if abi < 6:
        missing.append("signals not scoped by Landlock (needs ABI 6)")
    no_seccomp = seccomp.supported()
    if no_seccomp:
        missing.append(f"no seccomp filter: {no_seccomp}")
    no_namespaces = jail.namespaces_available()
    if no_namespaces:
        missing.append(f"no namespaces: {no_namespaces}")
    try:
        hierarchy = cgroups.probe()
    except (cgroups.CgroupsUnavailable, OSError) as error:
        hierarchy = None
        missing.append(f"no cgroup: {error}")
    if jail.is_root():
        # Another uid only where the worker has a private root to own: without one,
        # the Python installation (say under /root) may be closed to it.
        privileges = "root" if not no_namespaces else "capabilities"
    elif not no_namespaces:
        privileges = "user"
    else:
        privileges = ""  # a normal user without namespaces: no privilege to drop
    return Isolation(
        LANDLOCK,
        abi,
        seccomp=not no_seccomp,
        namespaces=not no_namespaces,
        cgroups=hierarchy.version if hierarchy else 0,
        hierarchy=hierarchy.bases if hierarchy else (),
        controllers=hierarchy.controllers if hierarchy else (),
        privileges=privileges,
        missing=tuple(missing),
    )


def readable_paths(package_root, never=()):
    """Folders and files the worker may read: Python, its packages, the workshop's
    library. Never the repository root (it holds solutions/ and tests/), nor any
    folder that holds, or lies inside, one of `never` (the batch's output and
    submissions, solutions/ and tests/ wherever they were installed): a path on
    sys.path such as the folder the grader was started in could hold the whole class.
    The site-packages folder of a wheel install, which holds the workshop and its
    solutions/ side by side, is given child by child, without them (the workshop's
    own folder is always added on its own)."""
    package_root = Path(package_root).resolve()
    hidden = [package_root / "solutions", package_root / "tests"]
    hidden += [Path(p).resolve() for p in never]
    found = {Path(sys.base_prefix), Path(sys.prefix), package_root / "workshop"}
    for entry in sys.path:
        if not entry:
            continue  # the current folder
        path = Path(entry).resolve()
        if not path.is_dir() or any(path.is_relative_to(h) for h in hidden):
            continue
        holds = [h for h in [package_root, *hidden] if h.is_relative_to(path)]
        if not holds:
            found.add(path)
        elif path in _site_folders():  # a wheel's solutions/ beside the packages
            found.update(child for child in path.iterdir() if child not in holds)
        # else the repository (or a folder above it): its workshop/ alone is read
    found = {p for p in found if not any(p.is_relative_to(h) for h in hidden)}
    found = {p for p in found if not any(h.is_relative_to(p) for h in hidden)}
    return sorted(str(p) for p in found) + list(SYSTEM_READABLE)


def _site_folders():
    """The folders this Python installs packages into (site-packages)."""
    import site
    import sysconfig

    folders = {sysconfig.get_paths()[key] for key in ("purelib", "platlib")}
    folders.update(site.getsitepackages())
    return {Path(folder).resolve() for folder in folders}


def wall_in(isolation, folder, readable, copy_from, uid, disk_bytes, cgroup_procs):
    """In the worker, before any student file: raise every wall `isolation` has, for
    good. Returns the folder to work in (the same path, inside the jail or not)."""
    if isolation.kind == NONE:
        return folder
    threads = len(os.listdir("/proc/self/task"))
    if threads != 1:  # seccomp and Landlock bind the calling thread and those it starts
        raise IsolationUnavailable(f"the worker has {threads} threads before isolation")
    if cgroup_procs:
        cgroups.join(cgroup_procs)
    if isolation.namespaces:
        jail.enter(folder, copy_from, _outermost(readable), uid, disk_bytes)
    if isolation.privileges:
        jail.drop_privileges(uid, switch_uid=isolation.privileges == "root")
    rules = [(p, landlock.READ) for p in readable]
    rules += [(str(folder), landlock.WRITE)]
    device = landlock.READ_FILE | landlock.WRITE_FILE | landlock.TRUNCATE  # open(devnull, "w")
    rules += [(p, device) for p in SYSTEM_WRITABLE]
    rules.append((f"/proc/{os.getpid()}", landlock.READ))
    rules.append(("/proc/self", landlock.READ))
    landlock.restrict(rules, isolation.abi)
    if isolation.seccomp:
        seccomp.install()
    return folder


def _outermost(paths):
    """`paths` without those inside another (a bind mount covers what is under it)."""
    chosen = []
    for path in sorted(paths, key=lambda p: len(Path(p).parts)):
        if not any(Path(path).is_relative_to(c) for c in chosen):
            chosen.append(path)
    return chosen + [p for p in SYSTEM_WRITABLE if p not in chosen]
