"""`workshop run lrmd`: the quick run under the parameter-server strategy (every part:
unsupervised layers, probe, best units, the race in its own processes), one race
process with a student's own 2.1-2.3, the one-line answer to untouched stubs, and the
full run (slow)."""

import json
import os
import subprocess
import sys

import pandas as pd
import pytest
from conftest import REPO, assert_learned, run_cli


def test_quick_run_on_a_parameter_server(data_dir, tmp_path):
    done = run_cli(
        "run",
        "lrmd",
        "--quick",
        "--strategy",
        "parameter_server",
        "--workers",
        "2",
        "--data-dir",
        data_dir,
        "--out",
        str(tmp_path),
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "2 worker(s) + 1 ps" in done.stdout and "Traceback" not in done.stderr
    assert_learned(tmp_path)
    probe = pd.read_csv(tmp_path / "probe.csv")
    assert probe["features"].tolist()[:3] == [
        "LCN pixels (no learning)",
        "random local filters + L2 pooling",
        "LRMD layer trained without labels",
    ]
    # With every label a linear probe on any of them is far above chance (10%); the
    # supervised row, one asynchronous epoch, varies from run to run (50% in one CI run;
    # 73% for one synchronous epoch).
    accuracy = probe["all labels %"].astype(float)
    assert (accuracy[:3] > 80).all() and accuracy[3] > 20, probe
    units = pd.read_csv(tmp_path / "best_units.csv")
    assert units["class"].astype(str).tolist() == [str(c) for c in range(10)] + ["mean"]
    assert units.iloc[:, 1:].apply(lambda column: column.between(0, 100)).all().all()
    race = pd.read_csv(tmp_path / "race.csv")
    assert race["configuration"].tolist() == ["one device", "async, 2 workers + 1 ps"]
    # One epoch of the 1,077 training digits in batches of 16, the last partial one left out.
    assert race["examples"].tolist() == [1072, 1072]
    assert (race["seeds"] == 1).all() and race["final training loss sd"].isna().all()
    assert pd.read_csv(tmp_path / "race_seeds.csv")["seed"].tolist() == [0, 0]
    counts = json.loads((tmp_path / "race" / "ps-2" / "seed0" / "staleness.json").read_text())
    assert 16 * sum(counts["updates"]) == counts["examples_trained"] == 1072  # one per update
    for picture in ("filters_digits.png", "filters_photos.png", "best_units.png", "race.png"):
        assert (tmp_path / picture).stat().st_size > 5000, picture


def test_the_race_trains_the_students_layers_in_its_own_process(student_root, data_dir, tmp_path):
    """One configuration of the race, as `run lrmd` starts it, with a student's 2.1-2.3
    (the quick run above uses the reference's: the student's loops are slower)."""
    student_root.use("local", "local_positions.py")
    student_root.use("contrast", "contrast_padded.py")
    student_root.use("tica", "tica_einsum.py")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "workshop.experiments.lrmd.race",
            "--configuration",
            "default",
            "--impl",
            "exercises",
            "--root",
            str(student_root.path),
            "--epochs",
            "1",
            "--data-dir",
            data_dir,
            "--out",
            str(tmp_path),
        ],
        cwd=student_root.path,
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(REPO)),
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads((tmp_path / "result.json").read_text())["test_accuracy"] > 0.3
    assert len(pd.read_csv(tmp_path / "history.csv")) == 1


def test_untouched_stubs_get_one_line_naming_the_exercise(student_root, data_dir, tmp_path):
    done = run_cli(
        "--root",
        str(student_root.path),
        "run",
        "lrmd",
        "--impl",
        "exercises",
        "--quick",
        "--data-dir",
        data_dir,
        "--out",
        str(tmp_path),
    )
    assert done.returncode == 1
    assert done.stderr.strip().count("\n") == 0, done.stderr
    assert "Exercise 2." in done.stderr and "not written yet" in done.stderr


def test_a_bad_flag_is_one_line_and_exit_code_2(tmp_path):
    for flags in (["--workers", "0"], ["--strategy", "multiworker"]):
        done = run_cli("run", "lrmd", "--quick", *flags, "--out", str(tmp_path), timeout=120)
        assert done.returncode == 2, (flags, done.stderr)
        assert done.stderr.strip().count("\n") == 0 and "Traceback" not in done.stderr
        assert done.stderr.startswith("workshop: ")


def test_the_race_table_gives_each_configuration_its_spread_over_seeds():
    from workshop.experiments.lrmd.race import ACCURACY, spread

    per_seed = pd.DataFrame(
        {
            "configuration": ["one device"] * 3 + ["async, 2 workers + 1 ps"] * 3,
            "seed": [0, 1, 2] * 2,
            "final training loss": [0.05, 0.06, 0.07, 0.10, 0.20, 0.12],
            ACCURACY: [96.0, 97.0, 98.0, 94.0, 90.0, 95.0],
            "examples": [10720] * 6,
            "training seconds": [3.0, 3.2, 3.4, 7.0, 8.0, 9.0],
            "examples/s": [3500, 3350, 3150, 1530, 1340, 1190],
            "mean staleness": [None, None, None, 0.4, 0.5, 0.45],
            "max staleness": [None, None, None, 1, 2, 1],
        }
    )
    table = spread(per_seed).set_index("configuration")
    sync, two = table.loc["one device"], table.loc["async, 2 workers + 1 ps"]
    assert sync["seeds"] == 3 and sync["final training loss"] == 0.06
    assert sync["final training loss sd"] == 0.01 and sync[f"{ACCURACY} range"] == "96.00–98.00"
    assert two[ACCURACY] == 93.0 and two[f"{ACCURACY} sd"] == 2.65
    assert two["final training loss range"] == "0.1000–0.2000"
    assert two["mean staleness"] == 0.45 and two["max staleness"] == 2
    assert pd.isna(sync["mean staleness"]) and pd.isna(sync["max staleness"])


@pytest.mark.slow
def test_full_run_within_fifteen_minutes(data_dir, tmp_path):
    done = run_cli("run", "lrmd", "--data-dir", data_dir, "--out", str(tmp_path), timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    race = pd.read_csv(tmp_path / "race.csv")
    assert len(race) == 5 and (race["seeds"] == 3).all()
    # Asynchronous updates with stale gradients still converge: every configuration's
    # loss falls well below chance's ln 10 ≈ 2.30.
    assert (race["final training loss"] < 1.0).all(), race
