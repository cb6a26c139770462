"""`workshop run dqn`: untouched stubs, the quick Catch run with the student's own
replay buffer, policy and loss, MinAtar under the mirrored strategy, a short Atari run
that checkpoints and resumes, wrong flags; the full Catch run (slow) solves it in
under 3 minutes from the reference and from a student's code."""

import argparse
import json

import numpy as np
import pandas as pd
import pytest
from conftest import assert_learned, run_cli, run_script

STUDENT_ANSWERS = {
    "replay": "replay_counter.py",
    "exploration": "exploration_loops.py",
    "qlearning": "qlearning_onehot.py",
}
# q_targets in NumPy: full marks from the grader, but it cannot run inside tf.function.
NUMPY_TARGETS = """
def q_targets(rewards, dones, next_q_target, gamma, next_q_online=None):
    values = np.asarray(next_q_target, dtype=np.float32)
    if next_q_online is None:
        best = values.max(axis=1)
    else:
        best = values[np.arange(len(values)), np.asarray(next_q_online).argmax(axis=1)]
    return np.asarray(rewards, np.float32) + gamma * (1 - np.asarray(dones, np.float32)) * best
"""


def student_run(student_root, out, *flags):
    for module, answer in STUDENT_ANSWERS.items():
        student_root.use(module, answer)
    return run_cli(
        "--root", str(student_root.path), "run", "dqn", "--impl", "exercises", "--out",
        str(out), *flags,
    )  # fmt: skip


def test_untouched_stubs_get_one_line_naming_the_exercise(student_root, tmp_path):
    done = run_cli(
        "--root", str(student_root.path), "run", "dqn", "--impl", "exercises", "--quick",
        "--out", str(tmp_path),
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "workshop: --impl exercises: ReplayBuffer.add (Exercise 4.1) is not written yet: "
        "finish it (workshop check 4.1) before training your layers"
    )


def test_quick_catch_with_the_students_own_parts_learns_and_writes_its_outputs(
    student_root, tmp_path
):
    for module, answer in STUDENT_ANSWERS.items():
        student_root.use(module, answer)
    stub = (student_root.path / "exercises" / "qlearning.py").read_text()
    start = stub.index("def q_targets")
    end = stub.index("def dqn_loss")
    numpy_version = stub[:start] + NUMPY_TARGETS.lstrip() + "\n\n" + stub[end:]
    student_root.write("qlearning", "import numpy as np\n" + numpy_version)
    done = run_cli(
        "--root", str(student_root.path), "run", "dqn", "--impl", "exercises", "--quick",
        "--out", str(tmp_path),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert "computed eagerly" in done.stdout  # the NumPy q_targets still trains
    assert_learned(tmp_path)
    summary = pd.read_csv(tmp_path / "summary.csv").iloc[0]
    assert summary["agent steps"] == 1800 and summary["implementation"] == "exercises"
    greedy = summary["greedy return (ε = 0.0), 20 episodes"]
    assert greedy > summary["random play, 20 episodes"] + 0.5  # random play: about −0.6
    returns = pd.read_csv(tmp_path / "returns.csv")
    assert len(returns) == 200 and set(returns["return"]) <= {-1.0, 1.0}
    for picture in ("learning_curve.png", "q_values.png", "policy.gif"):
        assert (tmp_path / picture).stat().st_size > 1000
    assert "Traceback" not in done.stderr


def test_minatar_under_the_mirrored_strategy(tmp_path):
    done = run_cli(
        "run", "dqn", "--env", "minatar/breakout", "--quick", "--strategy", "mirrored",
        "--out", str(tmp_path),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert "on 2 replica(s) (mirrored)" in done.stdout
    learning = assert_learned(tmp_path)
    assert "the full run takes 150,000" in learning["smoke run"].iloc[0]
    losses = pd.read_csv(tmp_path / "losses.csv")
    assert len(losses) >= 1 and losses["mean loss"].between(0, 10).all()
    assert (tmp_path / "policy.gif").exists()


MIRRORED_UPDATE = """
import json, sys
from workshop.quiet import import_tensorflow
from workshop.train.strategy import make_strategy, split_cpu
tf = import_tensorflow(lambda tf: split_cpu(tf, 2))
import numpy as np
from solutions import qlearning
from workshop.experiments.dqn.agent import Learner
from workshop.experiments.dqn.setup import MINATAR

parts = {"q_targets": qlearning.q_targets, "dqn_loss": qlearning.dqn_loss}
rng = np.random.default_rng(0)
batch = {
    "observations": (rng.random((32, 10, 10, 4)) < 0.2).astype(np.uint8),
    "next_observations": (rng.random((32, 10, 10, 4)) < 0.2).astype(np.uint8),
    "actions": rng.integers(0, 6, 32), "rewards": rng.random(32).astype(np.float32),
    "dones": (rng.random(32) < 0.2).astype(np.float32),
}
found = {}
for name in ("default", "mirrored"):
    __import__("keras").utils.set_random_seed(1)
    learner = Learner(make_strategy(tf, name, 2), MINATAR, (10, 10, 4), 6, parts)
    learner.online.set_weights([np.full(w.shape, 0.01 * (i + 1), np.float32) * np.cos(
        np.arange(w.size)).reshape(w.shape) for i, w in enumerate(learner.online.get_weights())])
    learner.copy_target()
    for _ in range(3):
        loss = learner.train(batch)
    found[name] = (loss, [w.tolist() for w in learner.online.get_weights()])
    found[name + " replicas"] = learner.strategy.num_replicas_in_sync
print(json.dumps(found))
"""


def test_an_update_on_two_replicas_equals_one_on_a_single_device():
    done = run_script(MIRRORED_UPDATE, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["mirrored replicas"] == 2 and found["default replicas"] == 1
    (one_loss, one), (two_loss, two) = found["default"], found["mirrored"]
    assert two_loss == pytest.approx(one_loss, rel=1e-5)
    for a, b in zip(one, two):
        np.testing.assert_allclose(np.asarray(b), np.asarray(a), atol=1e-6, rtol=1e-5)


def test_a_short_atari_run_checkpoints_and_resumes(tmp_path):
    done = run_cli("run", "dqn", "--env", "ALE/Pong-v5", "--quick", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr[-3000:]
    progress = json.loads((tmp_path / "checkpoint" / "progress.json").read_text())
    assert progress["step"] == 300
    losses = pd.read_csv(tmp_path / "losses.csv")
    assert losses["mean loss"].notna().all() and len(losses) >= 1
    summary = pd.read_csv(tmp_path / "summary.csv").iloc[0]
    assert summary["frames"] == 1200 and summary["Mnih et al. 2013: DQN"] == 20
    # More steps continue the run: networks, optimizer, buffer and step count restored.
    done = run_cli(
        "run", "dqn", "--env", "ALE/Pong-v5", "--quick", "--steps", "400", "--out", str(tmp_path)
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "resumed at step 300" in done.stdout and "the replay buffer (300 transitions)" in (
        done.stdout
    )
    assert json.loads((tmp_path / "checkpoint" / "progress.json").read_text())["step"] == 400
    assert "step 400/400" in done.stdout


def test_a_quick_run_is_not_resumed_by_a_full_one_and_says_so(tmp_path):
    """`run dqn` after `run dqn --quick` in one folder starts afresh (it resumed the
    quick run's checkpoint and reported its numbers), and says which settings differ."""
    from types import SimpleNamespace

    from workshop.experiments.dqn.outputs import _settings
    from workshop.experiments.dqn.setup import setup_for
    from workshop.experiments.folders import fresh_dir

    def settings(quick, **changed):
        args = dict(env="catch", impl="solutions", seed=0, double=False, strategy="default")
        args = argparse.Namespace(quick=quick, **dict(args, **changed))
        return _settings(SimpleNamespace(args=args, plan=setup_for("catch", quick)))

    heard = []
    folder = fresh_dir(tmp_path / "run", settings(True), say=heard.append)
    (folder / "checkpoint").mkdir()
    assert fresh_dir(folder, settings(True), say=heard.append) == folder
    assert (folder / "checkpoint").is_dir() and heard == []  # the same settings resume
    fresh_dir(folder, settings(False), say=heard.append)
    assert not (folder / "checkpoint").exists()
    assert heard == [
        f"{folder} held a run made with other settings (quick True -> False): starting "
        "afresh, not resuming it"
    ]
    (folder / "checkpoint").mkdir()
    fresh_dir(folder, settings(False, seed=1), say=heard.append)
    assert "(seed 0 -> 1)" in heard[-1]


@pytest.mark.parametrize(
    "flags, message",
    [
        (["--env", "pong"], "unknown environment pong: choose catch, minatar/<game>"),
        (["--env", "minatar/pacman"], "unknown MinAtar game in minatar/pacman"),
        (["--steps", "0"], "--steps must be positive"),
    ],
)
def test_wrong_flags_get_one_line_and_exit_code_2(flags, message, tmp_path):
    done = run_cli("run", "dqn", *flags, "--out", str(tmp_path))
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_a_missing_environment_package_names_the_install_command(monkeypatch):
    from workshop.errors import UsageError
    from workshop.experiments.dqn import EXPERIMENT

    monkeypatch.setattr("importlib.util.find_spec", lambda name: None)
    args = argparse.Namespace(env="minatar/breakout", quick=True, steps=None)
    with pytest.raises(UsageError, match="pip install -c constraints.txt minatar"):
        EXPERIMENT.plan(args)


@pytest.mark.slow
@pytest.mark.parametrize("impl", ["solutions", "exercises"])
def test_full_catch_run_solves_catch_within_three_minutes(impl, student_root, tmp_path):
    if impl == "exercises":
        done = student_run(student_root, tmp_path)
    else:
        done = run_cli("run", "dqn", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr[-3000:]
    summary = pd.read_csv(tmp_path / "summary.csv").iloc[0]
    assert summary["training time (s)"] < 180
    assert "Solved (mean return of 100 episodes ≥ 0.9)" in done.stdout
    assert summary["greedy return (ε = 0.0), 100 episodes"] >= 0.9


def test_a_full_run_after_a_quick_one_in_its_folder_gives_a_fresh_full_runs_numbers(tmp_path):
    """Issue 30, item 7: Catch's full run (12,000 steps) into the quick run's folder
    reports what the same full run reports in a folder of its own."""
    shared, alone = tmp_path / "shared", tmp_path / "alone"
    said = []
    for flags, out in (["--quick"], shared), ([], shared), ([], alone):
        done = run_cli("run", "dqn", *flags, "--out", str(out))
        assert done.returncode == 0, done.stderr[-3000:]
        said.append(done.stdout)
    assert "(quick True -> False): starting afresh, not resuming it" in said[1]
    clock = ["training time (s)"]
    after_quick = pd.read_csv(shared / "summary.csv").drop(columns=clock)
    fresh = pd.read_csv(alone / "summary.csv").drop(columns=clock)
    pd.testing.assert_frame_equal(after_quick, fresh)
    assert after_quick["agent steps"].iloc[0] == 12_000
    pd.testing.assert_frame_equal(
        pd.read_csv(shared / "evaluation.csv"), pd.read_csv(alone / "evaluation.csv")
    )
