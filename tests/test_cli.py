"""The command line, run as a student runs it: in a subprocess, exit codes and messages."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from conftest import REPO, run_cli

from workshop import catalog


def run(*args, cwd=REPO):
    return run_cli(*args, cwd=cwd, timeout=900)


def test_unknown_exercise_is_one_line_and_exit_2():
    done = run("check", "convolution")
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0
    assert "unknown exercise 'convolution'; choose from 1.1 (conv)" in done.stderr
    assert "Traceback" not in done.stderr


def test_unknown_flag_and_command_are_one_line_and_exit_2():
    for args in (["check", "--sed", "3"], ["grade-all"], []):
        done = run(*args)
        assert done.returncode == 2, args
        assert done.stderr.startswith("workshop: ") and done.stderr.strip().count("\n") == 0, args


def test_a_reader_that_leaves_early_gets_no_traceback(student_root):
    """`workshop list | head`: the pipe closed before the listing is written."""
    listing = subprocess.Popen(
        [sys.executable, "-m", "workshop", "--root", str(student_root.path), "list"],
        cwd=REPO,
        env=dict(os.environ, PYTHONPATH=str(REPO)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    listing.stdout.close()  # the reader is gone before the first line
    said = listing.stderr.read()
    assert listing.wait(timeout=120) == 141 and "Traceback" not in said, said


def test_missing_root_is_said(tmp_path):
    done = run("--root", str(tmp_path), "list")
    assert done.returncode == 2 and "no exercises/ folder there" in done.stderr


def test_check_untouched_stubs_json_and_list(student_root):
    done = run("--root", str(student_root.path), "check", "--json", "--seed", "5")
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    total = sum(e.max_points for e in catalog.EXERCISES)  # 104 for the ten of 2026-11
    assert report["seed"] == 5 and report["points"] == 0 and report["max_points"] == total
    assert {e["status"] for e in report["exercises"]} == {"not attempted"}
    listed = run("--root", str(student_root.path), "list")
    assert listed.returncode == 0
    assert listed.stdout.count("not attempted 0") == len(catalog.EXERCISES)


def test_syntax_error_is_reported_and_the_rest_graded(student_root):
    student_root.use("conv", "conv_loops.py")
    student_root.edit(
        "pooling",
        "def call(self, inputs):",
        "def call(self, inputs)",
    )
    done = run("--root", str(student_root.path), "check")
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr
    assert "Exercise 1.1" in done.stdout and "10/10  passed" in done.stdout
    assert "syntax error in exercises/pooling.py line" in done.stdout
    others = " ".join(e.slug for e in catalog.EXERCISES if e.slug != "conv")
    assert f"Reproduce exactly: workshop check {others} --seed 20261127" in done.stdout


def test_a_passing_exercise_exits_0(student_root):
    student_root.use("pooling", "pooling_stacked.py")
    done = run("--root", str(student_root.path), "check", "1.2", "l2pool")
    assert done.returncode == 0, done.stdout
    assert "Total 20/20." in done.stdout


def test_hints_come_one_tier_at_a_time(student_root):
    texts = [run("--root", str(student_root.path), "hint", "conv").stdout for _ in range(4)]
    assert "hint 1 of 3" in texts[0] and "hint 2 of 3" in texts[1]
    assert "hint 3 of 3" in texts[2] and "hint 3 of 3" in texts[3]
    assert "last hint" in texts[3]


@pytest.mark.slow
def test_selfcheck_passes_on_the_repository():
    done = run("selfcheck")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "selfcheck passed" in done.stdout
    assert "NOTHING" not in done.stdout


def test_selfcheck_passes_on_one_exercise_of_each_grading_kind():
    """The default run's share of the slow test above (84 s for all 23): a layer, the
    network, BPTT and a probe exercise, each with its known mistakes."""
    done = run("selfcheck", "maxpool", "network", "bptt", "topk")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "selfcheck passed" in done.stdout
    assert "NOTHING" not in done.stdout


def test_init_writes_a_folder_of_ones_own_and_check_says_where_it_looked(tmp_path):
    folder = tmp_path / "my work"
    done = run("init", str(folder), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    stubs = {p.name for p in (REPO / "exercises").glob("*.py")}
    assert {p.name for p in (folder / "exercises").glob("*.py")} == stubs
    assert "workshop check conv" in (folder / "README.md").read_text(encoding="utf-8")
    checked = run("check", "conv", cwd=folder)
    assert checked.returncode == 1 and "not attempted" in checked.stdout
    assert checked.stdout.splitlines()[0] == f"Grading {folder.resolve() / 'exercises'}/"
    # A second init there changes nothing: the student's work is never overwritten.
    (folder / "exercises" / "conv.py").write_text("# my answer\n", encoding="utf-8")
    again = run("init", str(folder), cwd=tmp_path)
    assert again.returncode == 2 and again.stderr.count("\n") == 1
    assert "already has an exercises/ folder" in again.stderr
    assert (folder / "exercises" / "conv.py").read_text(encoding="utf-8") == "# my answer\n"


def test_check_away_from_any_exercises_folder_says_it_grades_the_installed_one(tmp_path):
    done = run("check", "conv", cwd=tmp_path)
    first = done.stdout.splitlines()[0]
    assert first.startswith("No exercises/ folder here or above: grading the one installed"), first
    assert "workshop init DIR" in first


ENDLESS = '        raise NotImplementedError("Exercise 1.2: MaxPool2D.call")'
LOOP = "        while True:\n            inputs = inputs  # an endless loop"
WHERE = "MaxPool2D.call (exercises/pooling.py line "


def test_check_stops_an_endless_stage_says_where_and_grades_the_rest(student_root):
    student_root.edit("pooling", ENDLESS, LOOP)
    student_root.edit(  # a probe-graded exercise too (its judge once crashed on a timeout)
        "metrics",
        '    raise NotImplementedError("Exercise 2.7: top_k_accuracy")',
        "    while True:\n        pass",
    )
    done = run(
        "--root", str(student_root.path), "check", "maxpool", "l2pool", "topk", "--time-limit", "4"
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert f"still in {WHERE}" in done.stderr and "after 2 s" in done.stderr, done.stderr
    assert f"timed out after 4 s in {WHERE}" in done.stdout, done.stdout
    assert "L2Pool2D.call is still the stub" in done.stdout  # the next exercise is graded
    assert "timed out after 4 s in top_k_accuracy (exercises/metrics.py line" in done.stdout
    bad = run("--root", str(student_root.path), "check", "conv", "--time-limit", "0")
    assert bad.returncode == 2 and "--time-limit must be a positive" in bad.stderr


def test_one_ctrl_c_ends_the_stuck_exercise_two_end_the_check(student_root):
    student_root.use("conv", "conv_loops.py")  # still grading when the second Ctrl-C comes
    student_root.edit("pooling", ENDLESS, LOOP)
    command = [sys.executable, "-m", "workshop", "--root", str(student_root.path), "check"]
    command += ["--time-limit", "8"]  # "still in" after 4 s, the Ctrl-C before 8 s
    for presses, code, then in ((1, 1, "l2pool"), (2, 130, "conv")):
        process = subprocess.Popen(
            [*command, "maxpool", then],
            env=dict(os.environ, PYTHONPATH=str(REPO)),
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            # As in a terminal: a job started in the background (CI) ignores SIGINT,
            # and its children would inherit that.
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        seen = ""
        while "still in" not in seen:  # the clock's first line: the loop is running
            line = process.stderr.readline()
            assert line, seen
            seen += line
        for _ in range(presses):
            process.send_signal(signal.SIGINT)
            # Apart enough that Python handles each: two signals that arrive before its
            # handler runs are one KeyboardInterrupt (it failed so, 0.1 s apart, once
            # under the full suite's load). conv_loops still grades a second later.
            time.sleep(1.0)
        out, err = process.communicate(timeout=300)
        assert process.returncode == code, (presses, out, err)
        if presses == 1:
            assert "stopped by Ctrl-C after" in out and f"in {WHERE}" in out, out
            assert "L2Pool2D.call is still the stub" in out  # graded after it
        else:
            assert "workshop: interrupted" in err, err
