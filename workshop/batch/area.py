"""The one folder a grading worker may write (AREA): the submission's copy it runs and
its scratch. With namespaces it is a private tmpfs the worker mounts over this path
(jail.py), which the runner never reads; without, a folder on disk the runner lays
out, measures with `disk_use` and deletes once the submission is judged. What the
runner reads that a worker wrote (its log, its stack dumps) it reads through
`read_back`, which never follows a link or blocks."""

import errno
import os
import shutil
import stat
import subprocess
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parents[2]
MAX_ENTRIES = 100_000  # files and folders: past this a worker is over its disk cap anyway


class Area:
    def __init__(self, folder):
        self.folder = Path(folder).resolve()
        self.copy = self.folder / "copy"  # the submission laid over the stubs, read only
        self.scratch = self.folder / "tmp"  # its working folder and TMPDIR


def read_back(path, limit, offset=0):
    """Up to `limit` bytes of a file the worker wrote, from `offset`; b"" when it is
    missing or not a regular file (a link, a FIFO: whatever student code left there)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return b""
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return b""
        os.lseek(fd, offset, os.SEEK_SET)
        return os.read(fd, limit)
    finally:
        os.close(fd)


def disk_use(folder):
    """Bytes on disk under `folder` (links not followed), walked by folder handles, so
    that a tree deeper than PATH_MAX is counted too. MAX_ENTRIES entries or more, or
    more open folders than the runner may hold, count as infinitely many bytes."""
    try:
        todo = [os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)]
    except OSError:
        return 0
    total, entries = 0, 0
    try:
        while todo:
            fd = todo.pop()
            try:
                with os.scandir(fd) as scan:
                    for entry in scan:
                        entries += 1
                        if entries >= MAX_ENTRIES:
                            return float("inf")
                        try:
                            info = entry.stat(follow_symlinks=False)
                        except OSError:
                            continue
                        total += info.st_blocks * 512
                        if stat.S_ISDIR(info.st_mode):
                            flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW
                            todo.append(os.open(entry.name, flags, dir_fd=fd))
            except OSError as error:
                if error.errno == errno.EMFILE:
                    return float("inf")
            finally:
                os.close(fd)
    finally:
        for fd in todo:
            os.close(fd)
    return total


def remove(path):
    """Delete a file or folder the worker may have shaped as it liked (thousands of
    levels deep, past PATH_MAX): `shutil.rmtree` recurses, `rm -rf` does not."""
    path = Path(path)
    if not os.path.lexists(path):
        return
    if path.is_symlink() or not path.is_dir():
        path.unlink()
        return
    try:
        shutil.rmtree(path)
    except (OSError, RecursionError):
        subprocess.run(["rm", "-rf", "--", str(path)], check=False)
