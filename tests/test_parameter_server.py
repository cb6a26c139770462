"""Asynchronous SGD on an in-process cluster of 2 workers and 1 parameter server: every
example trained on once per epoch, the weights on the ps task, the loss falling, and a
staleness counted for every update. In a subprocess: connecting to a cluster resets
TensorFlow's context, which the other tests in this process still use."""

import json
import subprocess
import sys

from conftest import REPO


def test_two_workers_and_a_ps_train_every_example_once_per_epoch():
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "workshop.train.parameter_server",
            "--workers",
            "2",
            "--ps",
            "1",
            "--epochs",
            "3",
            "--batch-size",
            "32",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    steps = -(-1797 // 32)  # scikit-learn's digits, in mini-batches of 32
    for epoch, row in enumerate(report["epochs"], start=1):
        assert row["seen_min"] == row["seen_max"] == epoch, row
    assert report["updates"] == 3 * steps
    assert sum(report["staleness"]) == report["updates"]  # one staleness per update
    losses = [row["loss"] for row in report["epochs"]]
    assert losses[2] < losses[0] < 2.31  # below chance (ln 10) from the first epoch on
    assert report["variables_on"] == ["/job:ps/replica:0/task:0/device:CPU:0"]
