"""The Gradescope autograder, run as Gradescope runs it, and a class split in shards.

`workshop autograder` builds the zip once (maxpool and l2pool, the assignment's own
points, a hidden seed); it is unpacked into a temporary ROOT as Gradescope unpacks it
into /autograder/source, and run_autograder is run on six submissions from the corpus
(an honest one, the untouched stub, a known mistake, two attacks, a broken zip) and an
empty one. The workshop is not installed again: PYTHONPATH points at the zip's own copy
(no solutions/), so what runs is what the zip holds. Every results.json is held to the
JSON Schema written from Gradescope's specification, and its scores to `workshop grade`'s
for the same files, seeds and key. The same four submissions are graded in two shards,
merged, and compared with the one batch column by column.
"""

import json
import os
import shutil
import subprocess
import sys
import zipfile

import jsonschema
import pandas as pd
import pytest
from conftest import REPO, run_cli

from workshop.autograder.run import late_note
from workshop.batch.gradescope import SCHEMA

CORPUS = REPO / "tests" / "submissions"
GRADED = {  # the four of the issue: honest, stub, known mistake, attack
    "correct": "correct",
    "stub": "victim-untouched-stub",
    "mistake": "monkeypatches-numpy",
    "attack": "attack-memoised-constant",
}
CAPS = ("--time-limit", "2", "--memory-gb", "3", "--disk-mb", "100")
POINTS = {"maxpool": 6.0, "l2pool": 4.0}
HIDDEN_SEED = "424242"
LATE = {
    "id": 777,
    "created_at": "2026-12-02T10:30:00+00:00",
    "assignment": {"due_date": "2026-12-01T23:00:00+00:00", "late_due_date": None},
    "users": [{"email": "ada@example.org", "id": 1, "name": "Ada"}],
}


def validate(results):
    jsonschema.validate(results, json.loads(SCHEMA.read_text()))


@pytest.fixture(scope="module")
def autograder(tmp_path_factory):
    """The unpacked zip: ROOT with source/ in it, as Gradescope lays it out."""
    out = tmp_path_factory.mktemp("autograder")
    done = run_cli(
        "autograder", str(out), "--exercises", "maxpool,l2pool", "--points",
        "maxpool=6,l2pool=4", "--hidden-seed", HIDDEN_SEED, *CAPS,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    with zipfile.ZipFile(out / "autograder.zip") as archive:
        names = archive.namelist()
        assert {"setup.sh", "run_autograder"} <= set(names)  # at the top, as specified
        assert archive.getinfo("run_autograder").external_attr >> 16 & 0o111
        assert not [n for n in names if n.startswith(("workshop/solutions", "workshop/tests"))]
        assert "grading/settings.json" in names and "grading/grading-key" in names
        assert any(n.startswith("grading/reference/hidden/maxpool-") for n in names)
    from workshop.autograder.build import unpack

    root = tmp_path_factory.mktemp("gradescope")
    unpack(out / "autograder.zip", root)
    return root


def run_autograder(root, submission, metadata=None):
    """Start run_autograder on a copy of `submission` (a corpus folder or file, or None
    for an empty submission) in a root of its own (a copy of ROOT's source)."""
    (root / "submission").mkdir(parents=True)
    if submission is not None and submission.is_dir():
        shutil.copytree(submission, root / "submission", dirs_exist_ok=True)
    elif submission is not None:
        shutil.copy(submission, root / "submission")
    if metadata:
        (root / "submission_metadata.json").write_text(json.dumps(metadata))
    env = dict(
        os.environ,
        WORKSHOP_AUTOGRADER_ROOT=str(root),
        WORKSHOP_PYTHON=sys.executable,
        PYTHONPATH=str(root / "source" / "workshop"),  # the zip's copy, not this checkout
    )
    return subprocess.Popen(
        [str(root / "source" / "run_autograder")],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.fixture(scope="module")
def results(autograder, tmp_path_factory):
    """{case: results.json} from run_autograder, two containers at a time (2 cores)."""
    cases = {case: CORPUS / name for case, name in GRADED.items()}
    cases.update(secrets=CORPUS / "attack-reads-autograder-secrets")
    cases.update(broken=CORPUS / "broken-zip.zip", empty=None)
    found, order = {}, list(cases)
    while order:
        running = []
        for case in order[:2]:
            root = tmp_path_factory.mktemp(f"root-{case}")
            os.symlink(autograder / "source", root / "source")
            metadata = LATE if case == "correct" else None
            running.append((case, root, run_autograder(root, cases[case], metadata)))
        for case, root, process in running:
            stdout, _ = process.communicate(timeout=600)
            path = root / "results" / "results.json"
            assert path.is_file(), (case, stdout[-3000:])
            found[case] = json.loads(path.read_text())
        order = order[2:]
    return found


def test_every_results_json_follows_gradescopes_format(results):
    for case, data in results.items():
        validate(data)
        assert data["score"] == pytest.approx(sum(t["score"] for t in data["tests"])), case


def test_the_honest_submission_gets_the_assignments_points_and_a_late_note(results):
    correct = results["correct"]
    assert correct["score"] == 10.0  # 6 + 4, the assignment's own weights
    assert correct["output"].startswith("Submitted late: 11 h 30 min after the due date")
    hidden = [t for t in correct["tests"] if t["name"].endswith("(hidden cases)")]
    assert hidden and {t["visibility"] for t in hidden} == {"after_published"}
    assert {t["status"] for t in hidden} == {"passed"}


def test_the_stub_the_mistake_and_the_attack_score_what_workshop_grade_gives(results, whole):
    """Same files, seeds and key: `workshop grade`'s points, scaled to the assignment's."""
    book = whole.set_index("submission")
    for case in ("correct", "stub", "mistake", "attack"):
        row = book.loc[GRADED[case]]
        expected = row["maxpool"] * POINTS["maxpool"] / 10 + row["l2pool"] * POINTS["l2pool"] / 10
        assert results[case]["score"] == pytest.approx(expected), case
    assert results["stub"]["score"] == 0
    mistake = "\n".join(t["output"] for t in results["mistake"]["tests"])
    assert "likely mistake: window average" in mistake
    attack = "\n".join(t["output"] for t in results["attack"]["tests"])
    assert "on new inputs and weights (from a seed your code never saw)" in attack
    assert results["attack"]["score"] < 10


def test_student_code_cannot_read_the_autograders_secrets(results, autograder):
    """The key, the hidden seed and the hidden records lie in source/grading, where the
    attack looks (it is told ROOT, as it would guess /autograder): every route fails."""
    assert (autograder / "source" / "grading" / "grading-key").stat().st_size == 32
    outputs = "\n".join(t["output"] for t in results["secrets"]["tests"])
    assert "every route to the autograder's secrets failed" in outputs
    assert "STOLEN" not in outputs
    assert results["secrets"]["score"] == POINTS["l2pool"]  # its honest half


def test_a_broken_or_empty_submission_gets_a_grade_that_says_so(results):
    assert results["broken"]["score"] == 0
    assert "not a readable zip file" in results["broken"]["output"]
    assert results["empty"]["score"] == 0
    assert "No files were submitted" in results["empty"]["output"]
    for case in ("broken", "empty"):
        assert results[case]["tests"][0]["max_score"] == 10.0
        assert results[case]["tests"][0]["name"] == "Submission: not graded"
    assert "upload pooling.py, or the exercises/ folder" in results["empty"]["output"]


def test_the_grade_in_extra_data_makes_a_class_report(results, tmp_path):
    for case, data in results.items():
        (tmp_path / "export" / case).mkdir(parents=True)
        (tmp_path / "export" / case / "results.json").write_text(json.dumps(data))
    done = run_cli("report", str(tmp_path / "export"), "--out", str(tmp_path / "report"))
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "report" / "report.html").read_text()
    assert "window average" in page and "7 submissions, 5 graded" in page
    from workshop.class_report import load, summarise

    table = summarise(load(tmp_path / "export"))["exercises"].set_index("exercise")
    assert table["max points"].tolist() == [6.0, 4.0]  # the assignment's points, not ours
    assert "No files were submitted" in page  # the ungraded are listed, not dropped


def test_a_late_submission_is_named_late_only_after_its_due_date():
    assert late_note(LATE).startswith("Submitted late: 11 h 30 min")
    extended = dict(LATE, users=[{"assignment": {"due_date": "2026-12-03T00:00:00+00:00"}}])
    assert late_note(extended) is None  # a user's extension counts
    assert late_note({}) is None and late_note({"created_at": "garbled"}) is None


def test_bad_autograder_flags_get_one_line(tmp_path):
    done = run_cli("autograder", str(tmp_path), "--exercises", "maxpool", "--points", "l2pool=3")
    assert done.returncode == 2 and "'l2pool' is not among the exercises" in done.stderr
    assert len(done.stderr.splitlines()) == 1
    (tmp_path / "autograder.zip").write_bytes(b"an instructor's earlier zip")
    done = run_cli("autograder", str(tmp_path), "--exercises", "maxpool")
    assert done.returncode == 2 and "exists already" in done.stderr
    assert (tmp_path / "autograder.zip").read_bytes() == b"an instructor's earlier zip"


# --- a class in shards ---------------------------------------------------------------


@pytest.fixture(scope="module")
def klass(tmp_path_factory):
    folder = tmp_path_factory.mktemp("class")
    for name in GRADED.values():
        shutil.copytree(CORPUS / name, folder / name)
    return folder


def grade(klass, out, key, *extra):
    return subprocess.Popen(
        [sys.executable, "-m", "workshop", "grade", str(klass), "--out", str(out),
         "--exercises", "maxpool,l2pool", "--hidden-seed", HIDDEN_SEED, "--key-file", str(key),
         "-j", "1", *CAPS, *extra],
        cwd=REPO, env=dict(os.environ, PYTHONPATH=str(REPO)),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip


@pytest.fixture(scope="module")
def graded_three_ways(autograder, klass, tmp_path_factory):
    """The class as one batch, then as shards 1/2 and 2/2 at once, with the zip's key."""
    key = autograder / "source" / "grading" / "grading-key"
    base = tmp_path_factory.mktemp("shards")
    whole = grade(klass, base / "whole", key)
    output, _ = whole.communicate(timeout=600)
    assert whole.returncode == 0, output[-3000:]
    shards = [grade(klass, base / f"shard{k}", key, "--shard", f"{k}/2") for k in (1, 2)]
    for shard in shards:
        output, _ = shard.communicate(timeout=600)
        assert shard.returncode == 0, output[-3000:]
    return base


@pytest.fixture(scope="module")
def whole(graded_three_ways):
    return pd.read_csv(graded_three_ways / "whole" / "gradebook.csv")


def test_two_shards_merged_equal_one_batch_column_by_column(graded_three_ways, whole):
    base = graded_three_ways
    halves = [pd.read_csv(base / f"shard{k}" / "gradebook.csv") for k in (1, 2)]
    assert sorted(len(h) for h in halves) == [2, 2]
    assert not set(halves[0]["submission"]) & set(halves[1]["submission"])
    done = run_cli("gradebook", "merge", str(base / "shard2"), str(base / "shard1"),
                   "--out", str(base / "merged"))  # fmt: skip
    assert done.returncode == 0, done.stderr
    merged = pd.read_csv(base / "merged" / "gradebook.csv")
    clocks = ["seconds"]
    pd.testing.assert_frame_equal(merged.drop(columns=clocks), whole.drop(columns=clocks))
    for name in GRADED.values():
        for file in ("results.json", "feedback.txt"):
            one = (base / "whole" / "submissions" / name / file).read_text()
            assert (base / "merged" / "submissions" / name / file).read_text() == one
    report = run_cli("report", str(base / "merged"))
    assert report.returncode == 0, report.stderr


def test_shards_graded_differently_or_missing_are_not_merged(graded_three_ways, tmp_path):
    base = graded_three_ways
    done = run_cli("gradebook", "merge", str(base / "shard1"), "--out", str(tmp_path / "a"))
    assert done.returncode == 1 and "shard 2/2 missing" in done.stderr
    other = tmp_path / "other"
    shutil.copytree(base / "shard2", other)
    manifest = json.loads((other / "batch.json").read_text())
    manifest["grading"]["hidden_seed"] = 7
    (other / "batch.json").write_text(json.dumps(manifest))
    done = run_cli("gradebook", "merge", str(base / "shard1"), str(other), "--out",
                   str(tmp_path / "b"))  # fmt: skip
    assert done.returncode == 1 and "in hidden_seed: 424242 against 7" in done.stderr
    manifest["grading"]["hidden_seed"] = int(HIDDEN_SEED)
    manifest["grading"]["key"] = "0" * 16
    (other / "batch.json").write_text(json.dumps(manifest))
    done = run_cli("gradebook", "merge", str(base / "shard1"), str(other), "--out",
                   str(tmp_path / "c"))  # fmt: skip
    assert done.returncode == 1 and "the signing key" in done.stderr
    assert not (tmp_path / "b").exists() and not (tmp_path / "c").exists()
    assert len(done.stderr.splitlines()) == 1


def test_the_cluster_scripts_commands_are_commands_the_workshop_takes():
    """Every `workshop ...` line of docs/grading-at-scale.md (the SLURM array, the
    Kubernetes Indexed Job, the merge) parses with the workshop's own parser, the
    scheduler's variables given as a task would have them."""
    import re
    import shlex

    from workshop.cli import build_parser
    from workshop.commands.grade import _shard

    text = (REPO / "docs" / "grading-at-scale.md").read_text().replace("\\\n", " ")
    values = {
        "$((JOB_COMPLETION_INDEX + 1))": "3",
        "$SLURM_ARRAY_TASK_ID": "3",
        "$SLURM_ARRAY_TASK_COUNT": "8",
        "--hidden-seed SEED": "--hidden-seed 12345",  # the one the zip's build printed
    }
    for name, value in values.items():
        text = text.replace(name, value)
    lines = re.findall(r"\bworkshop (?:grade|gradebook|autograder|report) [^\n`]*", text)
    assert len(lines) >= 10
    parser = build_parser()
    shards = set()
    for line in lines:
        line = line.split("  #")[0]
        if line.count('"') % 2:  # the end of sbatch --wrap "workshop ..."
            line = line[: line.rindex('"')]
        argv = shlex.split(line)[1:]
        args = parser.parse_args(argv)  # a wrong flag raises UsageError
        if getattr(args, "shard", None):
            shards.add(_shard(args.shard))
    assert {(3, 8), (1, 8)} <= shards


@pytest.mark.slow
def test_setup_sh_installs_the_zips_workshop_in_a_fresh_virtualenv(autograder, tmp_path):
    """setup.sh as Gradescope runs it (its apt step skipped: this Python is given), then
    run_autograder with that virtualenv's Python and nothing else on its path."""
    venv = tmp_path / "venv"
    env = dict(os.environ, WORKSHOP_VENV=str(venv), WORKSHOP_PYTHON=sys.executable,
               PIP_CACHE_DIR=str(tmp_path / "pip-cache"))  # not the user's ~/.cache  # fmt: skip
    env.pop("PYTHONPATH", None)
    setup = subprocess.run(
        ["bash", str(autograder / "source" / "setup.sh")],
        env=env, capture_output=True, text=True, timeout=3600,
    )  # fmt: skip
    assert setup.returncode == 0, (setup.stdout + setup.stderr)[-3000:]
    root = tmp_path / "root"
    root.mkdir()
    os.symlink(autograder / "source", root / "source")
    (root / "submission").mkdir()
    shutil.copytree(CORPUS / "correct", root / "submission", dirs_exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(WORKSHOP_AUTOGRADER_ROOT=str(root), WORKSHOP_PYTHON=str(venv / "bin" / "python"))
    done = subprocess.run([str(root / "source" / "run_autograder")], cwd=root, env=env,
                          capture_output=True, text=True, timeout=1200)  # fmt: skip
    results = json.loads((root / "results" / "results.json").read_text())
    validate(results)
    assert results["score"] == 10.0, done.stdout[-3000:]
    where = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import workshop; print(workshop.__file__)"],
        capture_output=True,
        text=True,
        cwd=tmp_path,  # not this checkout, which `python -c` would put first on the path
        env=env,
    )
    assert str(venv) in where.stdout  # the zip's copy, installed; not this checkout


def test_the_schema_refuses_what_gradescope_would_not_read():
    from workshop.batch.gradescope import failure

    good = failure("x", 10)
    validate(good)
    for bad in (
        dict(good, visibilty="hidden"),  # misspelt: Gradescope would ignore it
        dict(good, stdout_visibility="students"),
        {"output": "no score anywhere", "tests": [{"name": "a", "max_score": 1}]},
        dict(good, tests=[dict(good["tests"][0], status="ok")]),
    ):
        with pytest.raises(jsonschema.ValidationError):
            validate(bad)
