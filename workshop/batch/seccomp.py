"""A seccomp filter: system calls a grading worker never needs fail from now on, for
good. Landlock (landlock.py) limits opening files, exec and TCP; this limits the rest:
- no new process: fork, vfork, and clone without CLONE_THREAD fail (threads are
  fine). clone3 says "not implemented" (its flags sit in memory a filter cannot
  read), so glibc falls back to clone for its threads. With no child process,
  nothing can outlive the worker: killing it kills everything it ran;
- no socket of any kind (a unix socket could reach a local daemon);
- nothing done to another process: signals, limits, priorities, CPU affinity and
  scheduling only for the worker itself (pid 0 or its own), and its limits only read
  (it runs as the grader's user, perhaps root, who may raise them);
- nothing done to files by path that Landlock does not cover (chmod, chown, times,
  extended attributes, truncate), and no fallocate (a disk filled faster than the
  runner looks);
- no exec, ptrace, mounts, namespaces, chroot, kernel modules, BPF, io_uring, perf
  events, keyrings, userfaultfd or reboot: what an escape from the rest would start
  with.

The BPF program is written out by hand, for x86_64 and aarch64; elsewhere `install`
says it cannot (and the runner reports Landlock alone).
"""

import ctypes
import errno
import os
import platform
import struct

PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
AUDIT_ARCH = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}
X32_SYSCALL_BIT = 0x40000000
CLONE_THREAD = 0x00010000

# name: (x86_64 number, aarch64 number); None where the architecture has no such call.
SYSCALLS = {
    "clone": (56, 220),
    "clone3": (435, 435),
    "fork": (57, None),
    "vfork": (58, None),
    "execve": (59, 221),
    "execveat": (322, 281),
    "socket": (41, 198),
    "ptrace": (101, 117),
    "mount": (165, 40),
    "umount2": (166, 39),
    "pivot_root": (155, 41),
    "chroot": (161, 51),
    "unshare": (272, 97),
    "setns": (308, 268),
    "init_module": (175, 105),
    "finit_module": (313, 273),
    "kexec_load": (246, 104),
    "bpf": (321, 280),
    "io_uring_setup": (425, 425),
    "perf_event_open": (298, 241),
    "reboot": (169, 142),
    "add_key": (248, 217),
    "request_key": (249, 218),
    "keyctl": (250, 219),
    "userfaultfd": (323, 282),
    "pidfd_send_signal": (424, 424),
    "setpriority": (141, 140),
    "ioprio_set": (251, 30),
    "setrlimit": (160, None),
    "chmod": (90, None),
    "fchmodat": (268, 53),
    "fchmodat2": (452, 452),
    "chown": (92, None),
    "lchown": (94, None),
    "fchownat": (260, 54),
    "utime": (132, None),
    "utimes": (235, None),
    "futimesat": (261, None),
    "setxattr": (188, 5),
    "lsetxattr": (189, 6),
    "fsetxattr": (190, 7),
    "removexattr": (197, 14),
    "lremovexattr": (198, 15),
    "fremovexattr": (199, 16),
    "truncate": (76, 45),
    "fallocate": (285, 47),
    "tkill": (200, 130),  # signals a thread by id, which may be another process's
    # Allowed only on the worker itself (the first argument 0 or its pid):
    "kill": (62, 129),
    "tgkill": (234, 131),
    "rt_sigqueueinfo": (129, 138),
    "rt_tgsigqueueinfo": (297, 240),
    "sched_setaffinity": (203, 122),
    "sched_setscheduler": (144, 119),
    "sched_setparam": (142, 118),
    "sched_setattr": (314, 274),
    "prlimit64": (302, 261),  # and only to read: no new limit
    "utimensat": (280, 88),  # only on an open file (no path)
}
SELF_ONLY = (
    "kill",
    "tgkill",
    "rt_sigqueueinfo",
    "rt_tgsigqueueinfo",
    "sched_setaffinity",
    "sched_setscheduler",
    "sched_setparam",
    "sched_setattr",
)
SPECIAL = ("clone", "clone3", "prlimit64", "utimensat", *SELF_ONLY)
REFUSED = [name for name in SYSCALLS if name not in SPECIAL]

# BPF instruction codes
LD_W_ABS = 0x20
JEQ_K = 0x15
JGE_K = 0x35
JSET_K = 0x45
RET_K = 0x06
RET_ALLOW = 0x7FFF0000
RET_ERRNO = 0x00050000
RET_KILL_PROCESS = 0x80000000
OFFSET_NR, OFFSET_ARCH = 0, 4  # in struct seccomp_data (little-endian)


def _arg(index, high=False):
    """The offset of an argument's low (or high) 32 bits in struct seccomp_data."""
    return 16 + 8 * index + (4 if high else 0)


class SeccompError(OSError):
    pass


def supported():
    return platform.machine() in AUDIT_ARCH


def program(machine=None, pid=None):
    """The filter as a list of (code, jump if true, jump if false, k), for the process
    `pid` (default this one)."""
    machine = machine or platform.machine()
    pid = os.getpid() if pid is None else pid
    column = 0 if machine == "x86_64" else 1
    numbers = {name: pair[column] for name, pair in SYSCALLS.items() if pair[column] is not None}
    eperm = (RET_K, 0, 0, RET_ERRNO | errno.EPERM)
    allow = (RET_K, 0, 0, RET_ALLOW)
    code = [
        (LD_W_ABS, 0, 0, OFFSET_ARCH),
        (JEQ_K, 1, 0, AUDIT_ARCH[machine]),
        (RET_K, 0, 0, RET_KILL_PROCESS),  # a call through another ABI: not for us
        (LD_W_ABS, 0, 0, OFFSET_NR),
    ]
    if machine == "x86_64":
        code += [(JGE_K, 0, 1, X32_SYSCALL_BIT), eperm]
    code += [(JEQ_K, 0, 1, numbers["clone3"]), (RET_K, 0, 0, RET_ERRNO | errno.ENOSYS)]
    for name in REFUSED:
        if name in numbers:
            code += [(JEQ_K, 0, 1, numbers[name]), eperm]
    # Each block below starts with the number still loaded, and either returns or
    # falls through to the next with the number loaded again.
    code += [
        (JEQ_K, 0, 4, numbers["clone"]),
        (LD_W_ABS, 0, 0, _arg(0)),  # the low half of the flags
        (JSET_K, 0, 1, CLONE_THREAD),
        allow,
        eperm,  # a new process
    ]
    for name in SELF_ONLY:
        code += [
            (JEQ_K, 0, 5, numbers[name]),
            (LD_W_ABS, 0, 0, _arg(0)),  # a pid_t: the kernel reads the low half
            (JEQ_K, 2, 0, 0),
            (JEQ_K, 1, 0, pid),
            eperm,
            allow,
        ]
    code += [
        (JEQ_K, 0, 9, numbers["prlimit64"]),
        (LD_W_ABS, 0, 0, _arg(0)),
        (JEQ_K, 1, 0, 0),
        (JEQ_K, 0, 4, pid),
        (LD_W_ABS, 0, 0, _arg(2)),  # the new limit: a NULL pointer only
        (JEQ_K, 0, 2, 0),
        (LD_W_ABS, 0, 0, _arg(2, high=True)),
        (JEQ_K, 1, 0, 0),
        eperm,
        allow,
        (JEQ_K, 0, 6, numbers["utimensat"]),
        (LD_W_ABS, 0, 0, _arg(1)),  # the path: NULL only (futimens on an open file)
        (JEQ_K, 0, 2, 0),
        (LD_W_ABS, 0, 0, _arg(1, high=True)),
        (JEQ_K, 1, 0, 0),
        eperm,
        allow,
        allow,  # every other call
    ]
    return code


class SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_char_p)]


def install():
    """Install the filter on this thread (and the threads it starts later): call it
    before any other thread exists. Raises SeccompError where it cannot."""
    if not supported():
        raise SeccompError(f"no seccomp filter written for {platform.machine()}")
    instructions = program()
    if len(instructions) > 255:  # jumps are one byte: the program must stay short
        raise SeccompError(f"the filter has {len(instructions)} instructions")
    packed = b"".join(struct.pack("<HBBI", *instruction) for instruction in instructions)
    fprog = SockFprog(len(instructions), packed)
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise SeccompError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
        raise SeccompError(ctypes.get_errno(), "prctl(PR_SET_SECCOMP) failed")
