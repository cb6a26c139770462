"""A seccomp filter: system calls a grading worker never needs fail from now on, for
good. Landlock (landlock.py) limits files, exec and TCP; this limits the rest:
- no new process: fork, vfork, and clone without CLONE_THREAD fail (threads are
  fine). clone3 says "not implemented" (its flags sit in memory a filter cannot
  read), so glibc falls back to clone for its threads. With no child process,
  nothing can outlive the worker: killing it kills everything it ran;
- no socket of any kind (a unix socket could reach a local daemon);
- no exec, ptrace, mounts, namespaces, chroot, kernel modules, BPF, io_uring,
  perf events or reboot: what an escape from the rest would start with.

The BPF program is written out by hand, for x86_64 and aarch64; elsewhere `install`
says it cannot (and the runner reports Landlock alone).
"""

import ctypes
import errno
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
}
REFUSED = [name for name in SYSCALLS if name not in ("clone", "clone3")]

# BPF instruction codes
LD_W_ABS = 0x20
JEQ_K = 0x15
JGE_K = 0x35
JSET_K = 0x45
RET_K = 0x06
RET_ALLOW = 0x7FFF0000
RET_ERRNO = 0x00050000
RET_KILL_PROCESS = 0x80000000
OFFSET_NR, OFFSET_ARCH, OFFSET_ARG0 = 0, 4, 16  # in struct seccomp_data (little-endian)


class SeccompError(OSError):
    pass


def supported():
    return platform.machine() in AUDIT_ARCH


def program(machine=None):
    """The filter as a list of (code, jump if true, jump if false, k)."""
    machine = machine or platform.machine()
    column = 0 if machine == "x86_64" else 1
    numbers = {name: pair[column] for name, pair in SYSCALLS.items() if pair[column] is not None}
    refused = [numbers[name] for name in REFUSED if name in numbers]
    eperm = RET_ERRNO | errno.EPERM
    code = [
        (LD_W_ABS, 0, 0, OFFSET_ARCH),
        (JEQ_K, 1, 0, AUDIT_ARCH[machine]),
        (RET_K, 0, 0, RET_KILL_PROCESS),  # a call through another ABI: not for us
        (LD_W_ABS, 0, 0, OFFSET_NR),
    ]
    if machine == "x86_64":
        code += [(JGE_K, 0, 1, X32_SYSCALL_BIT), (RET_K, 0, 0, eperm)]
    code += [(JEQ_K, 0, 1, numbers["clone3"]), (RET_K, 0, 0, RET_ERRNO | errno.ENOSYS)]
    for number in refused:
        code += [(JEQ_K, 0, 1, number), (RET_K, 0, 0, eperm)]
    code += [
        (JEQ_K, 0, 3, numbers["clone"]),
        (LD_W_ABS, 0, 0, OFFSET_ARG0),  # the low half of the flags
        (JSET_K, 1, 0, CLONE_THREAD),
        (RET_K, 0, 0, eperm),  # a new process
        (RET_K, 0, 0, RET_ALLOW),
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
    packed = b"".join(struct.pack("<HBBI", *instruction) for instruction in instructions)
    fprog = SockFprog(len(instructions), packed)
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise SeccompError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
        raise SeccompError(ctypes.get_errno(), "prctl(PR_SET_SECCOMP) failed")
