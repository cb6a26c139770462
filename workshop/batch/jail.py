"""Namespaces, a private root and no privileges: how a grading process leaves the
grader's world before it imports any student file.

The design follows IOI's isolate and nsjail, done in the process itself because it is
forked from a fork server that has TensorFlow loaded (a sandbox that execs a new
program, such as bubblewrap, would make each worker import TensorFlow again):

- `become_init` (the fork server, once): a new PID namespace, whose first process it
  becomes; workers forked from it see no process of the host, and all die with it.
- `enter` (each worker, right after the fork):
  - fresh mount, IPC, UTS and network namespaces: SysV shared memory dies with the
    worker, and there is no network at all (only a loopback that is down);
  - a new root, a small tmpfs, holding read-only bind mounts of what grading reads
    (Python, its packages, the workshop's library, the system's libraries) and the
    worker's own folder as a private tmpfs of `--disk-mb` (files deleted while open
    count against it); the host's other files do not exist there, so they cannot
    even be listed or stat'ed; `pivot_root` into it, the old root detached;
  - a fresh /proc showing the sandbox's processes of its own user only;
  - its control group joined (cgroups.py);
  - started as root: every capability dropped (bounding, ambient, effective,
    permitted), the supplementary groups cleared, then an unprivileged uid and gid
    of its own. Started as a normal user, the namespaces come from a user namespace
    in which it maps itself to root, and it keeps no capability either.

Landlock and the seccomp allow list (isolation.py) follow, as a second wall and for
what namespaces do not cover. Every step that fails raises JailError with what failed.
"""

import ctypes
import errno
import os
import platform
import re
import shutil
import signal
from pathlib import Path

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000

MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_REMOUNT = 32
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18
MNT_DETACH = 2

PR_SET_PDEATHSIG = 1
PR_CAPBSET_DROP = 24
PR_CAP_AMBIENT = 47
PR_CAP_AMBIENT_CLEAR_ALL = 4
PR_SET_NO_NEW_PRIVS = 38
LINUX_CAPABILITY_VERSION_3 = 0x20080522
SYSCALLS = {"pivot_root": {"x86_64": 155, "aarch64": 41}, "capset": {"x86_64": 126, "aarch64": 91}}

# Each worker its own uid (isolate's box uids start at 60000): workers of one batch
# cannot signal or read each other, and own nothing of the host's.
FIRST_UID = 61000
UIDS = 1000
ROOT_SIZE = "4m"  # the new root holds only the folders that bind mounts hang on
WRITABLE_DEVICES = ("/dev/null",)


class JailError(OSError):
    pass


_libc = None


def _c():
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
        _libc.syscall.restype = ctypes.c_long
    return _libc


def _check(result, what):
    if result != 0:
        code = ctypes.get_errno()
        raise JailError(code, f"{what}: {os.strerror(code)}")


def _syscall(name, *args):
    return _c().syscall(ctypes.c_long(SYSCALLS[name][platform.machine()]), *args)


def unshare(flags, what="unshare"):
    _check(_c().unshare(ctypes.c_int(flags)), what)


def mount(source, target, kind, flags, data=None):
    encode = lambda s: None if s is None else os.fsencode(s)  # noqa: E731
    _check(
        _c().mount(
            encode(source), encode(target), encode(kind), ctypes.c_ulong(flags), encode(data)
        ),
        f"mount {source or kind} on {target}",
    )


def is_root():
    return os.geteuid() == 0


# --- what the machine can give ------------------------------------------------------


def namespaces_available():
    """'' when this process may make the namespaces (tried in a child), else why not."""
    pid = os.fork()
    if pid == 0:  # the child tries, and says by its exit code
        try:
            if not is_root():
                _user_namespace()
            unshare(CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNET | CLONE_NEWPID)
            os._exit(0)
        except BaseException:
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) == 0:
        return ""
    if is_root():
        return "namespaces refused even to root (a container without CAP_SYS_ADMIN?)"
    return "no user namespaces for a normal user here (kernel.unprivileged_userns_clone?)"


# --- the fork server ----------------------------------------------------------------------


def become_init():
    """Move this process into a new PID namespace as its first process (pid 1): fork,
    the parent waits and passes on the child's exit code. Returns in the child only.
    The child dies with the parent (PDEATHSIG), and everything it forks dies with it."""
    if not is_root():
        _user_namespace()
    unshare(CLONE_NEWPID, "a PID namespace")
    parent = os.getpid()
    child = os.fork()
    if child:  # the runner signals this process (its pid is the one it knows): pass it on
        for number in (signal.SIGUSR1, signal.SIGTERM):
            signal.signal(number, lambda signum, frame: os.kill(child, signum))
        while True:
            try:
                _, status = os.waitpid(child, 0)
                break
            except InterruptedError:
                continue
        code = os.waitstatus_to_exitcode(status)
        if code < 0:  # killed (the memory cap's SIGKILL, say): die of the same signal
            signal.signal(-code, signal.SIG_DFL)
            os.kill(os.getpid(), -code)
        os._exit(code)
    _check(_c().prctl(PR_SET_PDEATHSIG, 9, 0, 0, 0), "prctl(PR_SET_PDEATHSIG)")
    if os.getppid() != parent and os.getppid() != 0:
        os._exit(1)  # the parent died before the death signal was set
    return True


def host_pid():
    """This process's pid as the host sees it, before its /proc is replaced: the fork
    server's children live in its PID namespace, but the runner signals them by the
    host's numbers."""
    return int(os.readlink("/proc/self"))


# --- a worker -----------------------------------------------------------------------------


def _user_namespace():
    """A normal user: a user namespace in which this process is root (uid and gid 0
    mapped to its own), so it may make the other namespaces and mount."""
    uid, gid = os.geteuid(), os.getegid()
    unshare(CLONE_NEWUSER, "a user namespace")
    Path("/proc/self/setgroups").write_text("deny")
    Path("/proc/self/uid_map").write_text(f"0 {uid} 1")
    Path("/proc/self/gid_map").write_text(f"0 {gid} 1")


def enter(folder, copy_from, readable, uid, disk_bytes):
    """Run in a fresh worker before any student file: new namespaces, a new root with
    `readable` (host paths, read-only) and `folder` (a tmpfs of `disk_bytes`, holding a
    read-only copy of `copy_from`'s exercises/ in copy/ and a scratch tmp/ of its own),
    and a fresh /proc of its PID namespace (the fork server's, or its own: see
    `become_init`), which shows no process of the host."""
    folder = Path(folder)
    if not is_root():
        _user_namespace()
    unshare(CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNET, "namespaces")
    mount(None, "/", None, MS_REC | MS_PRIVATE)  # nothing done here reaches the host
    root = folder  # the runner made it, empty: the new root's mount point
    mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, f"size={ROOT_SIZE},mode=0755")
    for path in readable:
        if not Path(path).is_relative_to("/proc"):  # the fresh /proc below has them
            _bind(path, root, writable=path in WRITABLE_DEVICES)
    _read_only_beneath(root, keep=[root / d.lstrip("/") for d in WRITABLE_DEVICES])
    inside = root / folder.relative_to("/")
    inside.mkdir(parents=True)
    size = max(int(disk_bytes), 1 << 20)
    mount("tmpfs", inside, "tmpfs", MS_NOSUID | MS_NODEV, f"size={size},mode=0755")
    shutil.copytree(
        Path(copy_from) / "exercises",
        inside / "copy" / "exercises",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    (inside / "tmp").mkdir(mode=0o700)
    if is_root() and _real_root():
        os.chown(inside / "tmp", uid, uid)
    (root / "proc").mkdir(exist_ok=True)
    mount("proc", root / "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, "hidepid=2")
    old = root / ".old-root"
    old.mkdir()
    _check(_syscall("pivot_root", os.fsencode(root), os.fsencode(old)), "pivot_root into the jail")
    os.chdir("/")
    _check(_c().umount2(b"/.old-root", ctypes.c_int(MNT_DETACH)), "detach the old root")
    os.rmdir("/.old-root")
    mount(None, "/", None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)
    return inside


def _bind(path, root, writable=False):
    """`path` (a host folder or file) at the same place under `root`, read-only unless
    `writable` (/dev/null: a device opened for writing on a read-only mount fails)."""
    path = Path(path)
    if not path.exists():
        return
    target = root / path.relative_to("/")
    if path.is_dir():
        target.mkdir(parents=True, exist_ok=True)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.touch()
    mount(path, target, None, MS_BIND | MS_REC)
    flags = MS_REMOUNT | MS_BIND | MS_NOSUID | (0 if writable else MS_RDONLY)
    if not str(path).startswith("/dev/"):
        flags |= MS_NODEV
    mount(None, target, None, flags)


def _read_only_beneath(root, keep):
    """Every mount under `root` read-only: a recursive bind brings the mounts beneath
    a folder along (cgroup controllers under /sys/fs/cgroup, say) as they were."""
    for line in Path("/proc/self/mountinfo").read_bytes().splitlines():
        fields = line.split()
        point = Path(os.fsdecode(_unescape(fields[4])))
        options = fields[5].decode().split(",")
        if point == root or not point.is_relative_to(root) or point in keep:
            continue
        if "ro" not in options:
            flags = MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID
            if not str(point.relative_to(root)).startswith("dev/"):
                flags |= MS_NODEV
            mount(None, point, None, flags)


def _unescape(field):
    """A mountinfo path as bytes: the kernel writes space, tab, newline and backslash as
    three octal digits after a backslash, and any other byte (UTF-8 included) as is."""
    return re.sub(rb"\\([0-7]{3})", lambda m: bytes([int(m.group(1), 8)]), field)


def drop_privileges(uid, switch_uid=True):
    """No capability left in any set, for good; as root (and `switch_uid`), also the uid
    and gid `uid` and no supplementary groups. Then no_new_privs (nothing regains them
    by exec)."""
    last = int(Path("/proc/sys/kernel/cap_last_cap").read_text())
    libc = _c()
    for cap in range(last + 1):  # the bounding set: needs CAP_SETPCAP, so first
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 and ctypes.get_errno() != errno.EINVAL:
            _check(-1, f"drop capability {cap} from the bounding set")
    _check(libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0), "clear ambient caps")
    if switch_uid and is_root() and os.getuid() == 0 and _real_root():
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)  # clears the permitted and effective sets
    _capset_none()
    _check(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(PR_SET_NO_NEW_PRIVS)")
    left = capabilities()
    if any(left.values()):
        raise JailError(errno.EPERM, f"capabilities left after dropping them: {left}")


def _real_root():
    """Root of the host, not of a user namespace (where only uid 0 is mapped)."""
    try:
        first = Path("/proc/self/uid_map").read_text().split()
    except OSError:
        return True
    return first[:3] == ["0", "0", "4294967295"]


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    ]


def _capset_none():
    header = _CapHeader(LINUX_CAPABILITY_VERSION_3, 0)
    data = (_CapData * 2)()
    _check(_syscall("capset", ctypes.byref(header), ctypes.byref(data)), "capset to none")


def capabilities():
    """{"CapInh": n, "CapPrm": ..., "CapEff", "CapBnd", "CapAmb"} of this process."""
    found = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key.startswith("Cap"):
            found[key] = int(value.strip(), 16)
    return found
