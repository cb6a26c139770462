"""`workshop grade` on a corpus of bad submissions (tests/submissions/): every one gets
a row with the expected status and points, nothing crashes the batch, no worker
process is left behind, and a second run resumes instead of grading again."""

import re
from pathlib import Path

import pandas as pd
import pytest
from conftest import REPO
from test_run_cnn import run_cli

CORPUS = REPO / "tests" / "submissions"
EXPECTED = REPO / "tests" / "submissions_expected.csv"
FLAGS = ("--exercises", "maxpool,l2pool", "--time-limit", "4", "--memory-gb", "3", "-j", "2")
ESCAPED = Path.home() / "escaped-from-grading.txt"  # what writes-outside-folder tries to write


def workers_alive(out):
    """Grading processes still running (read from /proc): any fork server, and any
    process working inside this batch's folder (a worker, or something it started)."""
    alive = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                cwd = str((entry / "cwd").resolve())
            except OSError:
                continue
            if "workshop.batch" in command or cwd.startswith(str(out)):
                alive.append(command)
    return alive


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    out = tmp_path_factory.mktemp("batch")
    ESCAPED.unlink(missing_ok=True)
    done = run_cli("grade", str(CORPUS), "--out", str(out), *FLAGS, timeout=1200)
    return done, out


def test_the_corpus_gets_exactly_the_expected_gradebook(graded):
    done, out = graded
    assert done.returncode == 0, done.stderr[-3000:]
    got = pd.read_csv(out / "gradebook.csv")
    expected = pd.read_csv(EXPECTED)
    columns = ["submission", "status", "maxpool", "l2pool", "total", "max"]
    pd.testing.assert_frame_equal(got[columns], expected[columns], check_dtype=False)
    for submission, phrase in expected[["submission", "reason contains"]].dropna().values:
        notes = got.set_index("submission").loc[submission, "notes"]
        assert phrase in notes, (submission, notes)
    # The endless loop is `while True:` (line 58) and `pass` (line 59); the stack sample
    # lands on either, run to run.
    loop = got.set_index("submission").loc["infinite-loop", "notes"]
    assert re.search(r"exercises/pooling\.py line 5[89]\)", loop), loop
    assert len(expected) >= 15


def test_no_worker_is_left_behind(graded):
    _, out = graded
    assert workers_alive(out) == []


def test_every_graded_submission_has_gradescope_results_and_feedback(graded):
    import json

    _, out = graded
    for folder in (out / "submissions").iterdir():
        grade = json.loads((folder / "grade.json").read_text())
        if grade["status"] != "graded":
            continue
        results = json.loads((folder / "results.json").read_text())
        assert results["score"] == grade["score"]
        assert sum(t["score"] for t in results["tests"]) == grade["score"]
        assert {"name", "score", "max_score", "output", "visibility"} <= set(results["tests"][0])
        assert (folder / "feedback.txt").read_text().strip()
    correct = json.loads((out / "submissions" / "correct" / "grade.json").read_text())
    assert {slug: e["sources"] for slug, e in correct["exercises"].items()} == {
        "maxpool": ["exercises/pooling.py"],
        "l2pool": ["exercises/pooling.py"],
    }
    assert correct["seed"] and correct["hidden_seed"] and correct["hidden_seed"] != correct["seed"]
    huge = out / "submissions" / "huge-output" / "output.log"
    assert huge.stat().st_size < 200_000  # megabytes printed, 128 KiB kept


def test_nothing_was_written_outside_the_submissions_folder(graded):
    assert not ESCAPED.exists()


def test_monkeypatching_in_the_worker_changes_no_score(graded):
    """Wrong max pooling (a mean) that also replaces numpy.allclose and numpy.abs: it
    scores what the wrong code scores, and the mistake is named."""
    _, out = graded
    feedback = (out / "submissions" / "monkeypatches-numpy" / "feedback.txt").read_text()
    assert "likely mistake: window average" in feedback
    assert "FAIL forward output" in feedback


REGRADED = ("correct", "monkeypatches-numpy", "nan-outputs", "returns-numpy", "wrong-shapes")


def test_a_second_run_resumes_and_regrades_identically(graded):
    """Grades removed (as if the batch stopped before them) are graded again, the rest
    kept; the regraded ones come out identical, feedback and Gradescope files included."""
    done, out = graded
    before = pd.read_csv(out / "gradebook.csv")
    folders = [out / "submissions" / name for name in REGRADED]
    files = {
        f: (f / "feedback.txt").read_text() + (f / "results.json").read_text() for f in folders
    }
    for folder in folders:
        (folder / "grade.json").unlink()
    again = run_cli("grade", str(CORPUS), "--out", str(out), *FLAGS, timeout=600)
    assert again.returncode == 0, again.stderr[-3000:]
    assert again.stdout.count("(kept)") == len(before) - 2 - len(REGRADED)  # 2 not gradable
    assert "correct: 20/20 (graded)" in again.stdout
    pd.testing.assert_frame_equal(pd.read_csv(out / "gradebook.csv"), before)
    for folder in folders:
        assert (folder / "feedback.txt").read_text() + (
            folder / "results.json"
        ).read_text() == files[folder], folder.name


def test_bad_flags_get_one_line(tmp_path):
    done = run_cli("grade", str(tmp_path / "nowhere"), "--out", str(tmp_path))
    assert done.returncode == 2 and "is not a folder" in done.stderr
    assert len(done.stderr.splitlines()) == 1
    done = run_cli("grade", str(CORPUS), "--out", str(tmp_path), "--exercises", "nope")
    assert done.returncode == 2 and "unknown exercise 'nope'" in done.stderr


def test_relative_paths_work_from_any_folder(tmp_path):
    """The worker runs inside the submission's copy: the runner must hand it absolute paths."""
    import shutil

    shutil.copytree(CORPUS / "correct", tmp_path / "class" / "correct")
    done = run_cli(
        "--root",
        str(REPO),
        "grade",
        "class",
        "--out",
        "grades",
        "--exercises",
        "maxpool",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    book = pd.read_csv(tmp_path / "grades" / "gradebook.csv")
    assert book[["submission", "maxpool"]].values.tolist() == [["correct", 10.0]]
