"""Write autograder.zip for a Gradescope programming assignment (instructors' side).

The zip's top holds what Gradescope's specification asks for, setup.sh and
run_autograder; beside them, the student copy of the workshop (release.py, scanned
for leaks: no solutions/, no tests/) and grading/ (settings, signing key, the
reference's records for the public and hidden seeds and at the judge's fresh seed,
and the untouched stubs' first stages). The records are computed here, in processes
of their own, as `workshop grade` computes them for a batch.
"""

import os
import secrets
import stat
import tempfile
import zipfile
from dataclasses import replace
from pathlib import Path

from .. import edition, release
from ..batch import outputs, reference
from ..batch.area import remove
from ..batch.spawning import ExecWorker
from . import COPY, GRADING, KEY, SETTINGS

# Gradescope's images are Ubuntu (22.04 by default); the pinned versions need Python
# 3.11, which 22.04 has as a package of its own. WORKSHOP_VENV and WORKSHOP_PYTHON let a
# test run the same script outside Gradescope.
SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, as root, when the autograder's image is built.
# Written by `workshop autograder`; installs the workshop as the zip holds it.
set -euo pipefail
SOURCE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="${WORKSHOP_VENV:-/autograder/venv}"
PYTHON="${WORKSHOP_PYTHON:-}"
if [ -z "$PYTHON" ]; then
  if ! command -v python3.11 >/dev/null && command -v apt-get >/dev/null; then
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y python3.11 python3.11-venv libseccomp2
  fi
  PYTHON="$(command -v python3.11 || command -v python3)"
fi
"$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --upgrade pip
"$VENV/bin/python" -m pip install -c "$SOURCE/COPY/constraints.txt" "$SOURCE/COPY"
"$VENV/bin/python" -c "import workshop.autograder.run"
""".replace("COPY", COPY)

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission, as root, in /autograder. Written by
# `workshop autograder`: it grades /autograder/submission behind the walls of
# `workshop grade` and writes /autograder/results/results.json.
ROOT="${WORKSHOP_AUTOGRADER_ROOT:-/autograder}"
PYTHON="${WORKSHOP_PYTHON:-$ROOT/venv/bin/python}"
cd "$ROOT" || exit 1
"$PYTHON" -m workshop.autograder.run
if [ ! -s "$ROOT/results/results.json" ]; then
  # Python itself did not start: still a grade that says so, not a crashed autograder.
  mkdir -p "$ROOT/results"
  cat > "$ROOT/results/results.json" <<'JSON'
{"score": 0,
 "output": "The autograder could not start: not your submission's fault; tell your instructor.",
 "output_format": "text", "stdout_visibility": "hidden"}
JSON
fi
"""


def build(repo, out, assignment, progress=print):
    """Write OUT/autograder.zip for `assignment` from the instructors' `repo`; returns
    its path."""
    repo, out = Path(repo).resolve(), Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="workshop-autograder-") as work:
        source = Path(work) / "source"
        release.build(repo, source / COPY, assignment.seed, progress, with_reference=False)
        grading = source / GRADING
        grading.mkdir()
        key = secrets.token_bytes(32)
        (grading / KEY).write_bytes(key)
        books = grading / "reference"
        reference.prepare(
            assignment.batch_settings(jobs=max(1, min(2, len(os.sched_getaffinity(0))))),
            books,
            lambda argv, log, entry: ExecWorker(argv, log, entry),
            progress,
            outputs.fresh_seed(key),
            repo / "exercises",
        )
        for bookkeeping in ("claims", "done", "logs"):
            remove(books / bookkeeping)
        replace(assignment, versions=edition.installed_versions()).write(grading / SETTINGS)
        _script(source / "setup.sh", SETUP_SH)
        _script(source / "run_autograder", RUN_AUTOGRADER)
        zip_path = out / "autograder.zip"
        partial = out / ".autograder.zip.part"
        _zip(source, partial)
        os.replace(partial, zip_path)
    return zip_path


def _script(path, text):
    path.write_text(text, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


def _zip(folder, target):
    """The folder's files at the archive's top (not in a folder of their own, which
    Gradescope would not find), with their modes (run_autograder stays executable)."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                info = zipfile.ZipInfo.from_file(path, path.relative_to(folder).as_posix())
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, path.read_bytes())


def unpack(zip_path, root):
    """Unpack an autograder.zip as Gradescope does, into ROOT/source, modes kept."""
    source = Path(root) / "source"
    with zipfile.ZipFile(zip_path) as archive:
        for info in archive.infolist():
            target = source / info.filename
            archive.extract(info, source)
            mode = info.external_attr >> 16
            if mode:
                target.chmod(mode & 0o777)
    return source
