"""The walls around a grading worker, raised before any student file is imported.

A Python audit hook (PEP 578) sees every `open`, import, file removal, process start
and foreign-function lookup, and cannot be removed once added. It refuses:
- writing anywhere but the submission's own copy and its record folder;
- reading the reference solutions, the tests, and the batch's other folders (other
  students' submissions and grades);
- importing `solutions`;
- starting processes (os.system, subprocess, fork, exec) and looking up C functions
  through ctypes (which would get round the rest).

What it does not stop: TensorFlow's own C++ file functions (tf.io.write_file) and
anything else that does file work outside Python. It is the second wall, against
accidents and for plain error messages; the boundary is the operating system's
(isolation.py), raised just before it.
"""

import os
import sys

WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
PATH_EVENTS = (
    "os.remove",
    "os.rename",
    "os.rmdir",
    "os.mkdir",
    "os.symlink",
    "os.link",
    "os.truncate",
    "os.chmod",
    "os.chown",
    "os.utime",
    "shutil.rmtree",
    "shutil.move",
    "shutil.copyfile",
    "os.replace",
)
NO_PROCESSES = (
    "os.system",
    "subprocess.Popen",
    "os.exec",
    "os.posix_spawn",
    "os.spawn",
    "os.fork",
    "os.forkpty",
    "pty.spawn",
    "os.kill",
    "os.killpg",
    "ctypes.dlsym",
    "ctypes.dlsym/handle",
)
FORBIDDEN_MODULES = ("solutions",)


class SandboxError(PermissionError):
    """An operation the grading sandbox refuses."""


def _inside(path, folders):
    return any(path == folder or path.startswith(folder + os.sep) for folder in folders)


def _absolute(path):
    return os.path.realpath(os.fsdecode(path))  # `//x`, `/proc/self/root/x`, links: x


def install(writable, unreadable, readable_inside=()):
    """Add the hook: writes only under `writable`; no reads under `unreadable` except
    under `readable_inside` (the worker's own folders within the batch's)."""
    writable = [_absolute(p) for p in writable]
    unreadable = [_absolute(p) for p in unreadable]
    readable_inside = [_absolute(p) for p in readable_inside] + writable

    def check_write(path):
        if not _inside(path, writable):
            raise SandboxError(
                f"the grader lets a submission write only inside its own folder, not to {path}"
            )

    def hook(event, args):
        if event == "open":
            path, mode, flags = args
            if path is None or isinstance(path, int):
                return
            path = _absolute(path)
            writing = (mode is not None and any(c in str(mode) for c in "wax+")) or (
                mode is None and flags is not None and flags & WRITE_FLAGS
            )
            if writing:
                check_write(path)
            elif _inside(path, unreadable) and not _inside(path, readable_inside):
                raise SandboxError(f"the grader does not let a submission read {path}")
        elif event in PATH_EVENTS:
            for path in args[:2]:
                if isinstance(path, (str, bytes, os.PathLike)):
                    check_write(_absolute(path))
        elif event == "import":
            if str(args[0]).split(".")[0] in FORBIDDEN_MODULES:
                raise ImportError(f"the grader does not let a submission import {args[0]}")
        elif event in NO_PROCESSES:
            raise SandboxError(f"the grader does not let a submission use {event}")

    sys.addaudithook(hook)
