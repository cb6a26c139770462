"""`workshop grade` on a corpus of bad submissions (tests/submissions/): every one gets
a row with the expected status, points, reason and review flag, nothing crashes the
batch, no worker process is left behind, and a second run resumes instead of grading
again. The attack-* submissions try each way round the boundary (see the threat
model, docs/grading-boundary.md); each test below checks one defence against them."""

import os
import re
import socket
from pathlib import Path

import pandas as pd
import pytest
from conftest import REPO
from test_run_cnn import run_cli

CORPUS = REPO / "tests" / "submissions"
EXPECTED = REPO / "tests" / "submissions_expected.csv"
LIMIT = 2.0  # seconds per stage
FLAGS = (
    "--exercises",
    "maxpool,l2pool",
    "--time-limit",
    f"{LIMIT:g}",
    "--memory-gb",
    "3",
    "--disk-mb",
    "100",
    "-j",
    "2",
)
ESCAPE = "escaped-from-grading.txt"  # what writes-outside-folder and the attacks write


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


def escapes(out):
    """Where attack-sets-classmate-grade and writes-outside-folder try to leave a file."""
    return [Path.home() / ESCAPE, Path("/tmp") / ESCAPE, out / ESCAPE]


@pytest.fixture(scope="module")
def listener():
    """A TCP port on 127.0.0.1 that attack-network tries to reach."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.setblocking(False)
    yield server
    server.close()


@pytest.fixture(scope="module")
def graded(tmp_path_factory, listener):
    out = tmp_path_factory.mktemp("batch")
    for path in escapes(out):
        path.unlink(missing_ok=True)
    port = str(listener.getsockname()[1])
    segments = _shared_memory()
    done = run_cli(
        "grade",
        str(CORPUS),
        "--out",
        str(out),
        *FLAGS,
        env={"WORKSHOP_ATTACK_PORT": port},
        timeout=1200,
    )
    (out / "segments-before.txt").write_text("\n".join(sorted(segments)))
    return done, out


def _shared_memory():
    """The host's SysV shared memory segments, by id."""
    lines = Path("/proc/sysvipc/shm").read_text().splitlines()[1:]
    return {line.split()[1] for line in lines}


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
    # Review flags: where expected, and nowhere else (no honest file is flagged).
    flags = got.set_index("submission")["review"].fillna("")
    for submission, phrase in expected[["submission", "review contains"]].fillna("").values:
        if phrase:
            assert phrase in flags[submission], (submission, flags[submission])
        else:
            assert flags[submission] == "", (submission, flags[submission])
    assert set(got["isolation"]) == {got["isolation"][0]} and "Landlock" in got["isolation"][0]
    # The endless loop is `while True:` (line 58) and `pass` (line 59); the stack sample
    # lands on either, run to run.
    loop = got.set_index("submission").loc["infinite-loop", "notes"]
    assert re.search(r"exercises/pooling\.py line 5[89]\)", loop), loop
    assert len(expected) >= 15


def test_no_worker_is_left_behind(graded):
    """attack-escapes-process tries fork_exec with a new session, ctypes' fork, Popen
    and os.system: nothing may be running after the batch."""
    _, out = graded
    assert workers_alive(out) == []
    assert not [c for c in all_commands() if "sleep 1000" in c]


def all_commands():
    found = []
    for entry in Path("/proc").iterdir():
        try:
            found.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode())
        except OSError:
            continue
    return found


def test_every_route_to_the_solutions_failed(graded):
    """attack-reads-solutions tries open, `//`, `/proc/self/root/`, tf.io.read_file and
    tf.io.gfile: its feedback shows each refused. TensorFlow's routes, which no Python
    hook sees, find nothing: the solutions are not in the worker's private root."""
    _, out = graded
    feedback = (out / "submissions" / "attack-reads-solutions" / "feedback.txt").read_text()
    failed = "every route to the solutions failed: NotFoundError | NotFoundError"
    assert failed in " ".join(feedback.split())


def test_no_tcp_connection_reached_the_listener(graded, listener):
    with pytest.raises(BlockingIOError):
        listener.accept()


def test_nothing_is_left_in_the_work_folder(graded):
    """attack-fills-disk writes until the disk cap stops it; every worker's folder
    (its copy, records, scratch) is deleted once its submission is judged, and the
    reference's records (hidden expected values among them) once the batch ends."""
    _, out = graded
    assert list((out / "work").iterdir()) == []
    assert not (out / ".reference").exists()


def test_a_hang_costs_one_time_limit_per_exercise(graded):
    """The runner's clocks: an endless loop costs one limit for its exercise (not one per
    stage and variant), and forged progress lines cannot stretch a worker past its cap
    (one limit per exercise and variant, plus one to start)."""
    import json

    _, out = graded

    def seconds(name):
        return json.loads((out / "submissions" / name / "grade.json").read_text())["seconds"]

    assert seconds("infinite-loop") < 2 * LIMIT + 3
    assert seconds("sleeps-past-limit") < 2 * LIMIT + 3
    assert seconds("attack-stalls-clock") < (4 + 1) * LIMIT + 5


def test_the_classmate_grade_is_the_stub_and_only_the_runner_signs_grades(graded):
    import json

    _, out = graded
    victim = json.loads((out / "submissions" / "victim-untouched-stub" / "grade.json").read_text())
    assert victim["score"] == 0 and victim["signature"]


def test_every_graded_submission_has_gradescope_results_and_feedback(graded):
    import json

    import jsonschema

    from workshop.batch.gradescope import SCHEMA

    schema = json.loads(SCHEMA.read_text())
    _, out = graded
    for folder in (out / "submissions").iterdir():
        grade = json.loads((folder / "grade.json").read_text())
        if grade["status"] != "graded":
            continue
        results = json.loads((folder / "results.json").read_text())
        jsonschema.validate(results, schema)  # Gradescope's format (test_autograder.py)
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
    mistaken = (out / "submissions" / "monkeypatches-numpy" / "results.json").read_text()
    assert "likely mistake: window average" in mistaken  # named to the student there too
    huge = out / "submissions" / "huge-output" / "output.log"
    assert huge.stat().st_size < 200_000  # megabytes printed, 128 KiB kept


def test_nothing_was_written_outside_the_submissions_folder(graded):
    _, out = graded
    assert [path for path in escapes(out) if path.exists()] == []


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
    # A grade.json not written by this batch's runner (no valid signature) is not kept.
    victim = out / "submissions" / "victim-untouched-stub" / "grade.json"
    forged = victim.read_text().replace('"score": 0', '"score": 20')
    victim.write_text(forged)
    again = run_cli("grade", str(CORPUS), "--out", str(out), *FLAGS, timeout=600)
    assert again.returncode == 0, again.stderr[-3000:]
    # 2 not gradable are graded again (nothing to run), and so is the forged one
    assert again.stdout.count("(kept)") == len(before) - 2 - len(REGRADED) - 1
    assert "correct: 20/20 (graded)" in again.stdout
    assert "victim-untouched-stub: 0/20 (graded)" in again.stdout
    timeless = ["seconds"]  # each grading's own time, measured by the runner
    pd.testing.assert_frame_equal(
        pd.read_csv(out / "gradebook.csv").drop(columns=timeless), before.drop(columns=timeless)
    )
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


def test_relative_paths_work_from_any_folder_without_the_fork_server(tmp_path):
    """The worker runs inside the submission's copy: the runner must hand it absolute
    paths. Here each worker (and reference process) is a `python -m` of its own
    (--no-fork), which loads TensorFlow and Keras inside its walls."""
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
        "--no-hidden",  # one reference process, one worker, one graph judge: each imports TF
        "--no-fork",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    book = pd.read_csv(tmp_path / "grades" / "gradebook.csv")
    assert book[["submission", "maxpool"]].values.tolist() == [["correct", 10.0]]


@pytest.mark.slow
def test_without_isolation_the_attacks_succeed(tmp_path, listener):
    """The attacks are real: graded with `--isolation none` (the audit hook alone), the
    solutions are read through tf.io, a TCP connection arrives, files appear outside,
    and a process outlives the batch. The gradebook says the class had no isolation."""
    import shutil
    import signal

    names = ("attack-reads-solutions", "attack-network", "attack-sets-classmate-grade")
    names += ("attack-escapes-process", "victim-untouched-stub")
    for name in names:
        shutil.copytree(CORPUS / name, tmp_path / "class" / name)
    out = tmp_path / "out"
    for path in escapes(out):
        path.unlink(missing_ok=True)
    port = str(listener.getsockname()[1])
    done = run_cli(
        "grade",
        str(tmp_path / "class"),
        "--out",
        str(out),
        *FLAGS,
        "--isolation",
        "none",
        env={"WORKSHOP_ATTACK_PORT": port},
        timeout=600,
    )
    left = [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit() and _in(p, out)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    try:
        assert done.returncode == 0, done.stderr[-3000:]
        book = pd.read_csv(out / "gradebook.csv").set_index("submission")
        # The solutions, read through tf.io, give the right numbers; only the ReadFile op
        # in the traced graph, which no allow list holds, costs the rule and tf.function.
        assert book.loc["attack-reads-solutions", "maxpool"] == 8
        assert all(value.startswith("none") for value in book["isolation"])
        connection, _ = listener.accept()
        assert connection.recv(100) == b"escaped"
        connection.close()
        assert [path for path in escapes(out) if path.exists()] != []
        assert left, "the fork_exec child should have outlived the batch"
    finally:
        for path in escapes(out):
            path.unlink(missing_ok=True)


def _in(proc, out):
    try:
        return str((proc / "cwd").resolve()).startswith(str(out))
    except OSError:
        return False


class _DeadProcess:
    """What spawn gives when the reference process died before claiming anything."""

    def poll(self):
        return 1

    def kill(self):
        pass


def test_reference_units_no_process_finished_are_computed_by_the_runner(tmp_path):
    from workshop import catalog
    from workshop.batch import reference
    from workshop.batch.runner import BatchSettings
    from workshop.grader import hidden
    from workshop.grader.reference_book import LiveReference

    settings = BatchSettings(exercises=("maxpool",), seed=3, hidden_seed=5)
    said = []
    books = reference.prepare(
        settings, tmp_path / "ref", lambda *a, **k: _DeadProcess(), said.append
    )
    assert "2 reference unit(s) did not finish in their own process (no process" in said[0]
    live = LiveReference()
    for variant, book in books.items():  # what is stored is what the runner would compute
        exercise, seed = hidden.pick(catalog.find("maxpool"), variant, 3, 5)
        stored = book.stage(exercise, "cases", seed)
        for mine, theirs in zip(stored, live.stage(exercise, "cases", seed)):
            assert (mine.output == theirs.output).all()
        assert [m.key for m in book.mistakes(exercise)] == [m.key for m in live.mistakes(exercise)]


def test_no_resource_outlives_its_worker(graded):
    """attack-holds-resources tries a 1 GB SysV segment, a memfd and files deleted while
    open, making the calls itself past the audit hook: seccomp refuses the first two,
    the private tmpfs counts the third against the disk cap, and no segment is left on
    the host after the batch."""
    _, out = graded
    before = set((out / "segments-before.txt").read_text().split())
    assert _shared_memory() - before == set()
    said = (out / "submissions" / "attack-holds-resources" / "output.log").read_text()
    assert "shmget gave -1" in said and "memfd: [Errno 1]" in said
    assert "No space left on device" in said


def test_root_capabilities_are_gone_and_nothing_is_left_to_detect(graded):
    """attack-root-capabilities calls fanotify_init itself (a watch that would stall
    every open on the machine); attack-detects-grading looks for the grader's files,
    stage names and folders from inside: neither finds anything."""
    _, out = graded
    said = (out / "submissions" / "attack-root-capabilities" / "output.log").read_text()
    assert "fanotify_init gave -1" in said
    said = (out / "submissions" / "attack-detects-grading" / "output.log").read_text()
    assert "found while grading: []" in said


@pytest.mark.slow
def test_grading_from_an_installed_wheel_keeps_its_solutions_out_of_reach(tmp_path):
    """A wheel puts solutions/ beside workshop/ in site-packages, which the workers must
    read (TensorFlow lives there): graded from such an install, the correct submission
    scores full marks and attack-reads-solutions, which looks for the solutions beside
    the workshop's own files, finds none by any route."""
    import shutil
    import subprocess
    import sys
    import sysconfig

    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(wheels), str(REPO)], check=True, timeout=600)  # fmt: skip
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    where = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site = subprocess.run([str(python), "-c", where], capture_output=True, text=True,
                          check=True).stdout.strip()  # fmt: skip
    # TensorFlow and the rest from this environment, the workshop from the wheel alone.
    (Path(site) / "borrowed.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    (wheel,) = wheels.glob("*.whl")
    subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "-q", str(wheel)],
                   check=True, timeout=600)  # fmt: skip
    assert (Path(site) / "solutions" / "pooling.py").exists()
    for name in ("correct", "attack-reads-solutions"):
        shutil.copytree(CORPUS / name, tmp_path / "class" / name)
    done = subprocess.run(
        [str(venv / "bin" / "workshop"), "--root", str(Path(site)), "grade", "class",
         "--out", "out", "--exercises", "maxpool", "--no-hidden"],
        cwd=tmp_path, capture_output=True, text=True, timeout=900,
        env={k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    book = pd.read_csv(tmp_path / "out" / "gradebook.csv").set_index("submission")
    assert book.loc["correct", "maxpool"] == 10
    assert book.loc["attack-reads-solutions", "maxpool"] == 0
    feedback = tmp_path / "out" / "submissions" / "attack-reads-solutions" / "feedback.txt"
    assert "every route to the solutions failed" in feedback.read_text()


def test_a_flood_of_text_stays_small_and_costs_no_classmate_its_time(graded):
    """attack-floods-messages sends records of its own whose error texts are megabytes:
    the runner keeps 8 KB of each, the feedback stays small, and the classmates graded
    beside it keep their time (the corpus's gradebook says what they score)."""
    _, out = graded
    folder = out / "submissions" / "attack-floods-messages"
    assert (folder / "feedback.txt").stat().st_size < 300_000
    assert (folder / "grade.json").stat().st_size < 500_000


def test_a_submission_name_that_is_not_utf8_gets_its_row(tmp_path):
    from workshop.batch.submissions import discover

    os.mkdir(os.fsencode(tmp_path) + b"/name-\xff")
    (tmp_path / "ada").mkdir()
    assert [s.name for s in discover(tmp_path)] == ["ada", "name-%xff"]
