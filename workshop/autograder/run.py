"""Grade one Gradescope submission: what run_autograder calls, in the container.

It reads ROOT/source/grading (written by `workshop autograder`) and ROOT/submission,
grades the submission as `workshop grade` grades a class of one (the same runner,
workers and walls) from the stored reference records, and writes
ROOT/results/results.json. Whatever happens, a results.json is written: a submission
that is empty, unreadable, late under a refusing policy, or that meets a fault of
ours gets a score of 0 that says why (a crashed autograder shows as an error on
Gradescope, not as a grade). ROOT is /autograder, or WORKSHOP_AUTOGRADER_ROOT.
"""

import datetime
import json
import os
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

from . import DEFAULT_ROOT, GRADING, KEY, ROOT_VARIABLE, SETTINGS

MAX_STAGED_BYTES = 64 << 20  # a submission is a few .py files; the rest is not read
NOT_YOURS = "this is not your submission's fault: tell your instructor"


def main():
    root = Path(os.environ.get(ROOT_VARIABLE, DEFAULT_ROOT))
    started = time.monotonic()
    try:
        data = grade(root)
    except Exception as error:  # ours, not the student's: a grade that says so
        traceback.print_exc()  # stdout: Gradescope shows it to instructors only
        from ..batch import gradescope

        data = gradescope.failure(
            f"The autograder failed ({type(error).__name__}): {NOT_YOURS}.", _total(root)
        )
    data["execution_time"] = round(time.monotonic() - started, 1)
    _write(root / "results" / "results.json", data)
    return 0


def grade(root):
    """results.json's object for ROOT/submission."""
    # This side has no solutions/: anything that would reach for them fails here, loudly.
    sys.modules["solutions"] = None
    from .. import catalog
    from ..batch import gradescope
    from ..batch.submissions import SubmissionError, discover, read_files
    from .assignment import Assignment

    grading = root / "source" / GRADING
    assignment = Assignment.read(grading / SETTINGS)
    metadata = _metadata(root / "submission_metadata.json")
    _warn_versions(assignment)
    note = late_note(metadata)
    if note and assignment.late == "refuse":
        return gradescope.failure(
            "This assignment does not grade late submissions.", assignment.total, note
        )
    settings = assignment.batch_settings(jobs=1)
    with tempfile.TemporaryDirectory(prefix="workshop-autograder-") as work:
        work = Path(work)
        name = f"submission-{metadata['id']}" if metadata.get("id") else "submission"
        # The assignment's own files: what the student is told to send.
        asked = sorted({catalog.find(s).module for s in assignment.exercises})
        files = ", ".join(f"{m}.py" for m in asked)
        if not _stage(root / "submission", work / "class", name):
            return gradescope.failure(
                f"No files were submitted: upload {files}, or the exercises/ folder that holds it.",
                assignment.total,
                note,
            )
        modules = sorted({e.module for e in catalog.EXERCISES})
        try:  # unreadable (a broken zip, no exercise file): said at once, without TensorFlow
            read_files(discover(work / "class")[0], asked)
        except SubmissionError as error:
            return gradescope.failure(
                f"Your submission could not be graded: {error}", assignment.total, note
            )
        from ..batch.isolation import IsolationUnavailable
        from ..batch.runner import grade_batch
        from ..grader.reference_book import StoredReference

        books = {v: StoredReference(grading / "reference" / v) for v in settings.variants}
        try:
            grade_batch(work / "class", work / "out", settings, _stubs(), modules,
                        key=(grading / KEY).read_bytes(), books=books)  # fmt: skip
        except IsolationUnavailable as error:
            return gradescope.failure(
                f"The autograder cannot wall student code in on this machine ({error}): "
                f"{NOT_YOURS}.",
                assignment.total,
                note,
            )
        found = work / "out" / "submissions" / name / "grade.json"
        result = json.loads(found.read_text(encoding="utf-8"))
    if result["status"] != "graded":
        why = "; ".join(result["notes"]) or "it could not be graded"
        return gradescope.failure(
            f"Your submission could not be graded: {why}", assignment.total, note
        )
    return gradescope.results(result, assignment.points, assignment.hidden_visibility, note)


def _stubs():
    """The exercises/ folder installed beside the workshop package (the untouched stubs)."""
    import workshop

    return Path(workshop.__file__).resolve().parent.parent / "exercises"


def _stage(submission, folder, name):
    """Copy the submission to FOLDER/NAME (or FOLDER/NAME.zip when it is a single zip
    file): regular files and folders only, no links followed, no device or pipe opened,
    at most MAX_STAGED_BYTES. Returns whether anything was submitted."""
    folder.mkdir(parents=True)
    files = []
    for top, dirs, names in os.walk(submission, followlinks=False):
        for file in names:
            path = Path(top) / file
            if path.is_file() and not path.is_symlink():
                files.append(path)
    if not files:
        return False
    zips = [f for f in files if f.suffix.lower() == ".zip"]
    if len(files) == 1 and zips:  # one archive uploaded: graded as `workshop grade` would
        shutil.copyfile(zips[0], folder / f"{name}.zip")
        return True
    target, copied = folder / name, 0
    for path in sorted(files):
        size = path.stat().st_size
        if path.suffix != ".py" or copied + size > MAX_STAGED_BYTES:
            continue
        destination = target / path.relative_to(submission)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)
        copied += size
    target.mkdir(exist_ok=True)  # only files that are not Python: graded as empty
    return True


def _metadata(path):
    """Gradescope's submission_metadata.json, or {} (said on stdout, the instructor's,
    when it is there but unreadable: the submission is then graded as on time)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as error:
        print(f"{path} could not be read ({error}): graded as on time, with no id.")
        return {}
    if not isinstance(data, dict):
        print(f"{path} is not a JSON object: graded as on time, with no id.")
        return {}
    return data


def _when(text):
    try:
        return datetime.datetime.fromisoformat(str(text))
    except ValueError:
        return None


def late_note(metadata):
    """One line when the submission came after its due date (a user's extension counts,
    as Gradescope's metadata gives it), else None."""
    created = _when(metadata.get("created_at"))
    assignment = metadata.get("assignment") or {}
    dues = [_when(assignment.get("due_date"))]
    for user in metadata.get("users") or []:
        extended = (
            (user.get("assignment") or {}).get("due_date") if isinstance(user, dict) else None
        )
        dues.append(_when(extended))
    dues = [d for d in dues if d is not None]
    if created is None or not dues or created <= max(dues):
        return None
    late = created - max(dues)
    hours, minutes = divmod(round(late.total_seconds() / 60), 60)
    return f"Submitted late: {hours} h {minutes} min after the due date ({max(dues).isoformat()})."


def _warn_versions(assignment):
    """Say on stdout (the instructor's) when this image's TensorFlow or Keras is not
    the one the records were made with: checks could then fail for every student."""
    from .. import edition

    here = edition.installed_versions()
    differ = [n for n, v in assignment.versions.items() if v and here.get(n) != v]
    if not differ:
        return None
    line = ", ".join(f"{n} {assignment.versions[n]} (here {here.get(n)})" for n in differ)
    print(f"The reference records were made with {line}: rebuild the image.")


def _total(root):
    try:
        from .assignment import Assignment

        return Assignment.read(root / "source" / GRADING / SETTINGS).total
    except Exception:
        return 0.0


def _write(path, data):
    from ..batch import gradescope

    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.part")
    partial.write_text(gradescope.dumps(data), encoding="utf-8")
    os.replace(partial, path)


if __name__ == "__main__":
    sys.exit(main())
