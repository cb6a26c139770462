"""benchmarks/device_check.py: on this CPU, its smoke run (dqn's quick run in all eight
configurations); and that a loss which disagrees, or a run that fails, is a problem."""

import importlib.util

import pandas as pd
from conftest import REPO, run_python

SCRIPT = REPO / "benchmarks" / "device_check.py"
spec = importlib.util.spec_from_file_location("device_check", SCRIPT)
device_check = importlib.util.module_from_spec(spec)
spec.loader.exec_module(device_check)


def test_the_smoke_run_measures_every_configuration(tmp_path, data_dir):
    table = tmp_path / "table.csv"
    done = run_python(
        "benchmarks/device_check.py", "--experiments", "dqn", "--data-dir", data_dir,
        "--out", str(table),
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "CPU" in done.stdout and "all runs finished and agree" in done.stdout
    rows = pd.read_csv(table)
    assert len(rows) == 8
    assert set(rows["strategy"]) == {"default", "mirrored"}
    assert set(rows["precision"]) == {"float32", "mixed_bfloat16"}
    assert (rows["samples/s"] > 0).all() and (rows["loop"] == "DQN update").all()
    assert rows["speed-up"].notna().sum() == 6  # against float32 without XLA, per strategy


def _fake_runs(losses):
    """run_once's stand-in: each configuration's last loss from `losses` (None: fails)."""

    def run_once(name, strategy, precision, jit, out, data_dir, full):
        loss = losses[(precision, jit)]
        if loss is None:
            return None, 1.0, ["RunFailed: out of memory"]
        loops = pd.DataFrame(
            [{"loop": "epoch loop", "samples": 640, "samples/s": 100.0 * (1 + jit),
              "samples/s, first calls in": 50.0, "first-call samples": 64,
              "first calls (s)": 0.5, "last loss": loss}]
        )  # fmt: skip
        policy = "float32" if precision == "float32" else "mixed_bfloat16"
        return loops, 2.0, {"precision": policy}

    return run_once


def test_a_loss_that_disagrees_and_a_failed_run_are_problems(monkeypatch, tmp_path):
    losses = {("float32", False): 1.0, ("float32", True): 1.01,
              ("mixed", False): 1.5, ("mixed", True): None}  # fmt: skip
    monkeypatch.setattr(device_check, "run_once", _fake_runs(losses))
    table, problems = device_check.check(["cnn"], None, False, 0.1, 0.05, tmp_path, say=str)
    assert len(table) == 8 and len(problems) == 4  # per strategy: one disagrees, one fails
    assert "epoch loop 1.5 against float32's 1" in problems[0]
    assert "out of memory" in problems[1]
    agreed = table.dropna(subset=["speed-up"])
    assert set(agreed["loss agrees"].dropna().str[:3]) == {"yes", "no "}
    assert set(agreed[agreed["XLA"] == "on"]["speed-up"]) == {2.0}


def test_reinforcement_learning_losses_are_shown_not_compared(monkeypatch, tmp_path):
    losses = {("float32", False): 1.0, ("float32", True): 1.0,
              ("mixed", False): 3.0, ("mixed", True): 3.0}  # fmt: skip
    monkeypatch.setattr(device_check, "run_once", _fake_runs(losses))
    table, problems = device_check.check(["dqn"], None, False, 0.1, 0.05, tmp_path, say=str)
    assert not problems
    assert set(table["loss agrees"].dropna()) == {"not compared"}


def test_a_loop_without_a_loss_is_not_compared_but_a_loss_gone_nan_is_a_problem(
    monkeypatch, tmp_path
):
    nan = float("nan")
    losses = {("float32", False): nan, ("float32", True): nan,
              ("mixed", False): nan, ("mixed", True): nan}  # fmt: skip
    monkeypatch.setattr(device_check, "run_once", _fake_runs(losses))
    table, problems = device_check.check(["rbm"], None, False, 0.1, 0.05, tmp_path, say=str)
    assert not problems and set(table["loss agrees"].dropna()) == {"no loss"}
    losses[("float32", False)] = 0.7  # float32 learns; mixed ends in NaN
    table, problems = device_check.check(["cnn"], None, False, 0.1, 0.05, tmp_path, say=str)
    assert len(problems) == 6 and "epoch loop nan against float32's 0.7" in problems[0]
