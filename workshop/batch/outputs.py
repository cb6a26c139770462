"""What a batch writes: per submission a grade (grade.json), a Gradescope results.json
and a feedback.txt; for the class, gradebook.csv. Read back on resume.

A grade is signed (HMAC-SHA256) with the batch's key, kept in OUT/.grading-key, which
no worker can read: a resumed batch keeps only grades this runner wrote."""

import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path

import pandas as pd

from .. import catalog, report
from ..grader import results
from . import gradescope


def read_results(path):
    """{slug: result dict} from a worker's JSON lines (a torn last line is skipped)."""
    found = {}
    path = Path(path)
    if not path.exists():
        return found
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            data = json.loads(line)
        except json.JSONDecodeError:
            continue
        found[data["slug"]] = data
    return found


KEY_FILE = ".grading-key"


def batch_key(out_dir, given=None):
    """The batch's signing key: `given` (the instructor's, handed to every shard of a
    class), else made once in OUT; read by the runner alone."""
    if given is not None:
        return given
    path = Path(out_dir) / KEY_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except FileExistsError:
        return path.read_bytes()
    key = secrets.token_bytes(32)
    with os.fdopen(fd, "wb") as out:
        out.write(key)
    return key


def key_id(key):
    """What tells two batches' keys apart without giving either away."""
    return hmac.new(key, b"key id", hashlib.sha256).hexdigest()[:16]


MANIFEST = "batch.json"


def manifest(settings, key, names):
    """What a batch was graded with, for `workshop gradebook merge` to compare shards:
    every setting a grade depends on, the versions, the key's id, the shard and its
    submissions."""
    from importlib.metadata import PackageNotFoundError, version

    from .. import edition

    try:
        installed = version("nndl-workshop")
    except PackageNotFoundError:
        installed = edition.VERSION
    return {
        "grading": {
            **settings.fingerprint(),
            "exercises": list(settings.exercises),
            "with_hidden": settings.with_hidden,
            "time_limit": settings.time_limit,
            "memory_gb": settings.memory_gb,
            "disk_mb": settings.disk_mb,
            "records_mb": settings.records_mb,
            "key": key_id(key),
        },
        "versions": {
            "workshop": installed,
            "workshop code": code_digest(),
            **edition.installed_versions(),
        },
        "shard": list(settings.shard),
        "submissions": list(names),
    }


def code_digest():
    """A digest of the grader's own code and the stubs (every .py of workshop/ and
    exercises/ as installed): shards graded by different code, under one version
    number, do not merge."""
    from .area import PACKAGE_ROOT

    hasher = hashlib.sha256()
    for folder in ("workshop", "exercises"):
        for path in sorted((PACKAGE_ROOT / folder).rglob("*.py")):
            hasher.update(path.relative_to(PACKAGE_ROOT).as_posix().encode() + b"\0")
            hasher.update(path.read_bytes() + b"\0")
    return hasher.hexdigest()[:16]


def write_manifest(out_dir, settings, key, names):
    replace(Path(out_dir) / MANIFEST, json.dumps(manifest(settings, key, names), indent=1) + "\n")


def fresh_seed(key):
    """The seed of the judge's fresh inputs (grader/graphs.py), drawn from the batch's
    key: the same for every submission and on a resumed batch, never passed to a
    process that runs student code, and too large to search for from what a graph
    could learn of its inputs (the feedback prints no number of them)."""
    digest = hmac.new(key, b"fresh inputs", hashlib.sha256).digest()
    return int.from_bytes(digest[:16], "big")  # 128 bits: no search finds it


def _signature(grade, key):
    body = json.dumps({k: v for k, v in grade.items() if k != "signature"}, sort_keys=True)
    return hmac.new(key, body.encode(), hashlib.sha256).hexdigest()


def read_grade(folder, key):
    """The grade kept in `folder`, or None when missing, unreadable or not signed by
    this batch's key."""
    try:
        grade = json.loads((Path(folder) / "grade.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError, UnicodeDecodeError):
        return None
    if not isinstance(grade, dict) or not hmac.compare_digest(
        str(grade.get("signature", "")), _signature(grade, key)
    ):
        return None
    return grade


def make_grade(job, graded):
    exercises = {slug: graded[slug] for slug in job.settings.exercises}
    notes = [f"{m}.py not sent (its exercises are the untouched stubs)" for m in job.missing]
    return {
        "submission": job.submission.name,
        "status": "graded",
        "fingerprint": job.fingerprint,
        "score": sum(e["points"] for e in exercises.values()),
        "max_score": sum(e["max_points"] for e in exercises.values()),
        "exercises": exercises,
        "notes": notes,
        "seed": job.settings.seed,
        "hidden_seed": job.settings.hidden_seed if job.settings.with_hidden else None,
        "isolation": job.isolation.describe(),
        "review": job.review,  # for the instructor only: not in feedback.txt or results.json
        "seconds": round(job.used, 1),  # the time its workers ran, by the runner's clock
    }


def broken_grade(name, reason, settings, isolation):
    return {
        "submission": name,
        "status": "not gradable",
        "fingerprint": None,
        "score": 0,
        "max_score": sum(catalog.find(s).max_points for s in settings.exercises),
        "exercises": {},
        "notes": [reason],
        "isolation": isolation.describe(),
        "review": [],
        "seconds": 0.0,
    }


def feedback(grade):
    if not grade["exercises"]:
        return f"Your submission could not be graded: {'; '.join(grade['notes'])}\n"
    graded = [results.from_dict(d) for d in grade["exercises"].values()]
    seed = graded[0].seed
    text = report.text(graded, seed, "workshop check")
    if grade["notes"]:
        text = "\n".join(f"Note: {n}" for n in grade["notes"]) + "\n\n" + text
    return text + "\n"


def replace(path, text):
    """Write `path` whole or not at all (a new file, then renamed over the old one): an
    interrupted or failed write never leaves a half-written gradebook or grade."""
    path = Path(path)
    temporary = path.with_name(f".{path.name}.part")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def write_submission(folder, grade, key):
    folder = Path(folder)
    grade["signature"] = _signature(grade, key)
    replace(folder / "results.json", gradescope.dumps(gradescope.results(grade)))
    replace(folder / "feedback.txt", feedback(grade))
    # The grade last: its presence marks the submission done for a resumed batch.
    replace(folder / "grade.json", json.dumps(grade, indent=1, ensure_ascii=False))


def _why(data):
    """One line for the gradebook: the exercise's reason, or its first failed check, led
    by the mistake the grader named (as the student's feedback names it)."""
    if data["reason"]:
        return _one_line(data["reason"])
    failed = [c for c in data["checks"] if not c["passed"]]
    if not failed:
        return data["status"]
    first = f"{failed[0]['name']}: {failed[0]['message']}"
    named = [f"likely mistake: {results.mistake_label(d)}" for d in data.get("diagnoses", [])]
    hidden = data.get("hidden_diagnoses", [])
    named += [f"on the hidden cases, likely mistake: {results.mistake_label(d)}" for d in hidden]
    return _one_line("; ".join([*named, first]))


def _one_line(text, limit=240):
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def write_gradebook(out_dir, grades, settings):
    rows = []
    for grade in grades:
        row = {"submission": grade["submission"], "status": grade["status"]}
        for slug in settings.exercises:
            data = grade["exercises"].get(slug)
            row[slug] = data["points"] if data else 0.0
        row["total"] = grade["score"]
        row["max"] = grade["max_score"]
        row["review"] = " | ".join(grade.get("review", []))
        row["isolation"] = grade.get("isolation", "")
        row["seconds"] = grade.get("seconds", 0.0)
        row["notes"] = " | ".join(
            [
                f"{slug}: {_why(data)}"
                for slug, data in grade["exercises"].items()
                if data["status"] != results.PASSED
            ]
            + list(grade["notes"])
        )
        rows.append(row)
    table = pd.DataFrame(rows)
    replace(Path(out_dir) / "gradebook.csv", table.to_csv(index=False))
    return table
