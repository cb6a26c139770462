"""A control group per grading process, made by the runner: memory and pids caps that
count what an address-space limit does not (SysV and POSIX shared memory, memfd,
tmpfs pages, the page cache of what it writes), a CPU cap where the cpu controller is
there (a worker spinning a thousand threads takes its own share of the cores, not a
classmate's, whose stage would time out), and a list of every process inside, which
the runner empties and removes when the process ends.

cgroup v2 where the unified hierarchy has the memory and pids controllers, v1 where
they are mounted on their own (this machine's case); `probe` says which, or why none.
The runner creates the groups (it may, as root or with a delegated subtree); the
worker joins them itself, before it drops its privileges and before any student file.
"""

import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

CONTROLLERS = ("memory", "pids")  # required
CPU = "cpu"  # used where there
PIDS_MAX = 1024  # threads count: TensorFlow starts dozens; a fork bomb never gets far
PERIOD_US = 100_000  # the CPU cap's accounting period


class CgroupsUnavailable(RuntimeError):
    pass


def _mounts(mountinfo="/proc/self/mountinfo"):
    """[(mount point, filesystem type, super options)] of the cgroup filesystems."""
    found = []
    for line in Path(mountinfo).read_text().splitlines():
        left, _, right = line.partition(" - ")
        fields, tail = left.split(), right.split()
        if len(tail) >= 3 and tail[0] in ("cgroup", "cgroup2"):
            found.append((fields[4], tail[0], tail[2].split(",")))
    return found


def _own_paths(cgroup_file="/proc/self/cgroup"):
    """{controller or "": path} of this process's groups ("" for v2)."""
    found = {}
    for line in Path(cgroup_file).read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        for name in controllers.split(",") if controllers else [""]:
            found[name] = path
    return found


@dataclass(frozen=True)
class Hierarchy:
    """Where this process's groups are: v2, one folder for every controller; v1, a
    folder per controller, `bases[i]` for `controllers[i]`."""

    version: int
    bases: tuple  # folders the runner makes groups in
    controllers: tuple = CONTROLLERS  # with CPU where it can be had

    def describe(self):
        return f"cgroup v{self.version} {', '.join(self.controllers)} caps"


def probe(mountinfo="/proc/self/mountinfo", cgroup_file="/proc/self/cgroup"):
    """The hierarchy to make groups in; CgroupsUnavailable (one line) when there is none
    this process may write."""
    own = _own_paths(cgroup_file)
    mounts = _mounts(mountinfo)
    for point, kind, _ in mounts:  # v2 first, where it holds the controllers
        if kind != "cgroup2" or "" not in own:
            continue
        base = Path(point + own[""])
        try:
            available = set((base / "cgroup.controllers").read_text().split())
        except OSError:
            continue
        wanted = [*CONTROLLERS, *([CPU] if CPU in available else [])]
        if set(CONTROLLERS) <= available and _v2_ready(base, wanted):
            return Hierarchy(2, (str(base),), tuple(wanted))
    bases, controllers = [], []
    for controller in (*CONTROLLERS, CPU):
        points = [p for p, kind, options in mounts if kind == "cgroup" and controller in options]
        if not points or controller not in own:
            if controller == CPU:
                continue  # no CPU cap: the rest still holds
            raise CgroupsUnavailable(f"no {controller} controller mounted for this process")
        base = points[0] + own[controller]
        if not os.access(base, os.W_OK):
            if controller == CPU:
                continue
            raise CgroupsUnavailable(f"{base} is not writable (run as root, or delegate it)")
        bases.append(base)
        controllers.append(controller)
    return Hierarchy(1, tuple(bases), tuple(controllers))


def _v2_ready(base, wanted):
    """Whether `base` can give its children the `wanted` controllers: they are enabled
    in its subtree_control, or can be. A group with processes cannot ("no internal
    processes"): where the runner is its only member (a scope delegated to it, as
    `systemd-run --user --scope -p Delegate=yes` makes), the runner moves itself into
    a leaf of its own first."""
    control = base / "cgroup.subtree_control"
    try:
        if set(wanted) <= set(control.read_text().split()):
            return os.access(base, os.W_OK)
        members = set((base / "cgroup.procs").read_text().split())
        if members and members != {str(os.getpid())}:
            return False  # others live there: not the runner's to rearrange
        if members:
            leaf = base / "workshop-runner"
            leaf.mkdir(exist_ok=True)
            (leaf / "cgroup.procs").write_text(str(os.getpid()))
        control.write_text(" ".join(f"+{c}" for c in wanted))
        return True
    except OSError:
        return False


class Group:
    """One grading process's group (a folder per v1 controller, or one v2 folder):
    `memory_bytes` of memory and swap, PIDS_MAX tasks, `cpus` cores (where there is a
    cpu controller; None for no CPU cap)."""

    def __init__(self, hierarchy, name, memory_bytes, pids=PIDS_MAX, cpus=None):
        self.hierarchy = hierarchy
        self.folders = [Path(base) / name for base in hierarchy.bases]
        made = []
        try:
            for folder in self.folders:
                folder.mkdir()
                made.append(folder)
            self._limit(memory_bytes, pids, cpus)
        except BaseException:
            for folder in reversed(made):
                folder.rmdir()
            raise

    def _limit(self, memory_bytes, pids, cpus):
        quota = None if cpus is None else max(int(cpus * PERIOD_US), 1000)
        if self.hierarchy.version == 2:
            (folder,) = self.folders
            _write(folder / "memory.max", memory_bytes)
            _write(folder / "memory.swap.max", 0, missing_ok=True)
            _write(folder / "pids.max", pids)
            if quota and CPU in self.hierarchy.controllers:
                (folder / "cpu.max").write_text(f"{quota} {PERIOD_US}")
            return
        by_name = dict(zip(self.hierarchy.controllers, self.folders))
        _write(by_name["memory"] / "memory.limit_in_bytes", memory_bytes)
        _write(by_name["memory"] / "memory.memsw.limit_in_bytes", memory_bytes, missing_ok=True)
        _write(by_name["pids"] / "pids.max", pids)
        if quota and CPU in by_name:
            _write(by_name[CPU] / "cpu.cfs_period_us", PERIOD_US)
            _write(by_name[CPU] / "cpu.cfs_quota_us", quota)

    @property
    def procs_files(self):
        """What the process writes its pid to, to join (every controller's group)."""
        return [str(folder / "cgroup.procs") for folder in self.folders]

    def members(self):
        found = set()
        for folder in self.folders:
            try:
                found.update(int(p) for p in (folder / "cgroup.procs").read_text().split())
            except (OSError, ValueError):
                continue
        return found

    def _holds(self, pid):
        """Whether `pid` is in this group now (a pid read a moment ago may have ended
        and been given to another process since)."""
        try:
            text = Path(f"/proc/{pid}/cgroup").read_text()
        except OSError:
            return False
        return any(line.endswith("/" + self.folders[0].name) for line in text.splitlines())

    def out_of_memory(self):
        """Whether the kernel stopped a process here for going over the memory cap."""
        folder = self.folders[0]
        name = "memory.events" if self.hierarchy.version == 2 else "memory.oom_control"
        try:
            for line in (folder / name).read_text().splitlines():
                key, _, value = line.partition(" ")
                if key == "oom_kill" and int(value) > 0:
                    return True
        except (OSError, ValueError):
            pass
        return False

    def remove(self, timeout=5.0):
        """Kill whatever is still inside (v2: the kernel's cgroup.kill, all at once; v1:
        each pid still a member when looked at), then remove the group."""
        deadline = time.monotonic() + timeout
        while True:
            kill_all = self.folders[0] / "cgroup.kill"
            if self.hierarchy.version == 2 and kill_all.exists():
                _write(kill_all, 1, missing_ok=True)
            else:
                for pid in self.members():
                    if self._holds(pid):
                        try:
                            os.kill(pid, signal.SIGKILL)
                        except (ProcessLookupError, PermissionError):
                            pass
            try:
                for folder in self.folders:
                    if folder.exists():
                        folder.rmdir()
                return
            except OSError:
                if time.monotonic() > deadline:
                    return  # a zombie not yet reaped: the parent group takes it later
                time.sleep(0.02)


def join(procs_files):
    """In the grading process: move itself into its group (before any student file)."""
    for path in procs_files:
        with open(path, "w") as procs:
            procs.write(str(os.getpid()))


def _write(path, value, missing_ok=False):
    try:
        Path(path).write_text(str(int(value)))
    except FileNotFoundError:
        if not missing_ok:
            raise
