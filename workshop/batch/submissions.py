"""A class's submissions: found in a folder, unpacked safely, laid over the stubs.

A submission is a folder or a .zip file holding the student's exercise files, either
in an `exercises/` folder or at its top level (one level of wrapping folder is fine).
Only the workshop's own module names are taken (conv.py, pooling.py, ...); a module the
student did not send stays the stub, so that exercise is "not attempted".
"""

import hashlib
import os
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

MAX_FILE_BYTES = 1 << 20  # a .py file larger than 1 MiB is not an exercise answer
MAX_ZIP_MEMBERS = 500


class SubmissionError(Exception):
    """The submission cannot be graded at all; the message says why, for the gradebook."""


@dataclass
class Submission:
    name: str
    path: Path
    notes: list = field(default_factory=list)  # what the student should know about the files


def discover(folder):
    """Every submission in `folder`: its sub-folders and .zip files, sorted by name."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is not a folder of submissions")
    found, names = [], set()
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue
        if path.is_dir() or path.suffix.lower() == ".zip":
            name = _printable(path.stem if path.is_file() else path.name)
            if name in names:  # `ada/` and `ada.zip`: each its own folders under --out
                name = _printable(path.name)
            names.add(name)
            found.append(Submission(name, path))
    return found


def shard_of(found, k, n):
    """The K-th of N parts of a class (K from 1): every N-th submission in name order,
    from the K-th on. Every shard of an array job lists the same folder, so the N parts
    are disjoint, cover the class, and differ in size by one at most."""
    if not 1 <= k <= n:
        raise ValueError(f"shard {k}/{n}: K must be from 1 to N")
    return found[k - 1 :: n]


def _printable(name):
    """A file name as the gradebook, the grades and the folders under --out can hold it:
    bytes that are not UTF-8 (a name from another system, or chosen to break the batch)
    written as %xNN (not with a backslash, which some libraries take apart in a path)."""
    return os.fsencode(name).decode("utf-8", errors="backslashreplace").replace("\\x", "%x")


def _module_files(names_and_readers, modules):
    """{module: bytes} from (relative path, read) pairs: exercises/x.py, x.py, or one
    wrapping folder deep; anything else is ignored."""
    chosen = {}
    for relative, read in names_and_readers:
        parts = PurePosixPath(relative).parts
        if not parts or not parts[-1].endswith(".py"):
            continue
        stem = parts[-1][:-3]
        if stem not in modules:
            continue
        depth = len(parts) - 1 - (1 if "exercises" in parts[:-1] else 0)
        if depth > 1:
            continue
        rank = (0 if "exercises" in parts[:-1] else 1, len(parts))
        if stem not in chosen or rank < chosen[stem][0]:
            chosen[stem] = (rank, read)
    return {stem: read() for stem, (_, read) in chosen.items()}


def read_files(submission, modules):
    """The student's module files as {module: bytes}; SubmissionError when unreadable."""
    path = submission.path
    if path.is_dir():
        pairs = []
        for file in sorted(path.rglob("*.py")):
            if file.is_file() and not file.is_symlink():
                pairs.append((file.relative_to(path).as_posix(), file.read_bytes))
        files = _module_files(pairs, modules)
    else:
        try:
            with zipfile.ZipFile(path) as archive:
                members = archive.infolist()
                if len(members) > MAX_ZIP_MEMBERS:
                    raise SubmissionError(
                        f"the zip holds {len(members)} files; at most {MAX_ZIP_MEMBERS} are read"
                    )
                pairs = []
                for member in members:
                    name = PurePosixPath(member.filename)
                    if member.is_dir() or name.is_absolute() or ".." in name.parts:
                        continue  # never follow a path out of the submission
                    if member.file_size > MAX_FILE_BYTES:
                        continue
                    pairs.append((member.filename, lambda m=member: archive.read(m)))
                files = _module_files(pairs, modules)
        except zipfile.BadZipFile as error:
            raise SubmissionError(f"not a readable zip file ({error})") from None
        except (OSError, EOFError) as error:
            raise SubmissionError(f"the zip could not be read ({error})") from None
    if not files:
        raise SubmissionError(
            f"no exercise files found (expected some of {', '.join(m + '.py' for m in modules)},"
            " at the top or in exercises/)"
        )
    return {stem: data for stem, data in files.items() if len(data) <= MAX_FILE_BYTES}


def digest(files, settings):
    """A fingerprint of the files and the grading settings: a finished grade is reused
    only for the same submission graded the same way."""
    hasher = hashlib.sha256(repr(sorted(settings.items())).encode())
    for stem in sorted(files):
        hasher.update(stem.encode() + b"\0" + files[stem] + b"\0")
    return hasher.hexdigest()[:16]


def lay_out(files, stubs, root):
    """`root/exercises/`: the stubs, with the student's files in their place."""
    target = Path(root) / "exercises"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(stubs, target, ignore=shutil.ignore_patterns("__pycache__"))
    for stem, data in files.items():
        (target / f"{stem}.py").write_bytes(data)
    return Path(root)
