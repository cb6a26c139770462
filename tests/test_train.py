"""The training harness in this process (default strategy), and the run command with
several replicas and several worker processes in subprocesses."""

import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import tensorflow as tf
from conftest import IN_PROCESS_CLUSTER, IN_PROCESS_CLUSTER_SAID, REPO, run_cli, run_script

from solutions.network import build_network
from workshop.data.pipeline import load_splits
from workshop.experiments.cnn.table import plurality_vote
from workshop.train.loop import LinearWarmup, TrainConfig, train
from workshop.train.parameter_server import free_ports


def small_net():
    return build_network(conv_layers=((6, 5),), hidden_units=(30,), activation="relu")


def test_plurality_vote():
    votes = np.array([[0, 1, 2, 3], [0, 2, 2, 1], [1, 2, 0, 1]])
    assert plurality_vote(votes, 4).tolist() == [0, 2, 2, 1]


def test_linear_warmup_rises_to_the_rate_then_stays():
    schedule = LinearWarmup(0.1, 4)
    rates = [float(schedule(step)) for step in range(6)]
    np.testing.assert_allclose(rates, [0.025, 0.05, 0.075, 0.1, 0.1, 0.1], rtol=1e-6)


def test_training_learns_and_resumes_where_it_stopped(data_dir, tmp_path):
    splits = load_splits("digits", data_dir)
    strategy = tf.distribute.get_strategy()
    config = TrainConfig(epochs=2, learning_rate=0.05, seed=3, verbose=0)
    first = train(strategy, small_net, splits, splits.train, config, tmp_path)
    assert list(first.history.columns) == [
        "epoch",
        "loss",
        "accuracy",
        "val_accuracy",
        "test_accuracy",
        "seconds",
        "examples",
    ]
    assert first.history["examples"].tolist() == [1070, 2140]  # 107 batches of 10
    assert first.history["loss"].iloc[1] < first.history["loss"].iloc[0]
    assert first.test_accuracy > 0.5
    assert (tmp_path / "tensorboard").is_dir() and (tmp_path / "history.csv").is_file()

    # Interrupted after 2 epochs, started again for 3: epochs 1-2 are not retrained.
    resumed = train(
        strategy,
        small_net,
        splits,
        splits.train,
        TrainConfig(**{**config.__dict__, "epochs": 3}),
        tmp_path,
    )
    history = pd.read_csv(tmp_path / "history.csv")
    assert history["epoch"].tolist() == [1, 2, 3]
    pd.testing.assert_frame_equal(history.iloc[:2], first.history, check_dtype=False)
    assert len(resumed.history) == 3
    assert history["seconds"].is_monotonic_increasing  # training time adds up across the stop


def test_mirrored_strategy_on_two_logical_cpus(data_dir, tmp_path):
    done = run_cli(
        "run",
        "cnn",
        "--quick",
        "--rows",
        "relu",
        "--strategy",
        "mirrored",
        "--devices",
        "2",
        "--data-dir",
        data_dir,
        "--out",
        str(tmp_path),
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "2 replica(s), mirrored strategy" in done.stdout
    table = pd.read_csv(tmp_path / "results.csv")
    assert table["row"].tolist() == ["relu"] and table["test accuracy %"].iloc[0] > 30


def test_two_workers_on_localhost_end_with_identical_weights(data_dir, tmp_path):
    workers = [f"127.0.0.1:{port}" for port in free_ports(2)]
    processes = []
    for index in range(2):
        tf_config = {"cluster": {"worker": workers}, "task": {"type": "worker", "index": index}}
        processes.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "workshop",
                    "run",
                    "cnn",
                    "--quick",
                    "--rows",
                    "conv1",
                    "--strategy",
                    "multiworker",
                    "--data-dir",
                    data_dir,
                    "--out",
                    str(tmp_path / f"w{index}"),
                ],
                cwd=REPO,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=dict(os.environ, PYTHONPATH=str(REPO), TF_CONFIG=json.dumps(tf_config)),
            )
        )
    outputs = []
    try:
        for process in processes:
            outputs.append(process.communicate(timeout=600))
    finally:
        for process in processes:
            process.kill()
    for process, (out, err) in zip(processes, outputs):
        assert process.returncode == 0, err[-3000:]
    assert "2 replica(s), multiworker strategy" in outputs[0][0]
    chief = tf.train.load_checkpoint(str(tmp_path / "w0" / "conv1" / "member-0" / "checkpoints"))
    other = tf.train.load_checkpoint(
        str(tmp_path / "w1" / "conv1" / "member-0" / "checkpoints-worker-1")
    )
    names = [n for n in chief.get_variable_to_shape_map() if "_trainable_variables/" in n]
    assert len(names) >= 6
    for name in names:
        np.testing.assert_array_equal(chief.get_tensor(name), other.get_tensor(name), err_msg=name)


def test_parameter_server_strategy_trains_every_row_kind_asynchronously(data_dir, tmp_path):
    done = run_cli(
        "run",
        "cnn",
        "--quick",
        "--rows",
        "shallow,relu",
        *IN_PROCESS_CLUSTER,
        "--data-dir",
        data_dir,
        "--out",
        str(tmp_path),
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert IN_PROCESS_CLUSTER_SAID in done.stdout
    table = pd.read_csv(tmp_path / "results.csv")
    assert table["row"].tolist() == ["shallow", "relu"]
    assert table["test accuracy %"].iloc[0] > 30  # the sigmoid net learns in one epoch
    for row in ("shallow", "relu"):  # relu: with the L2 penalty
        folder = tmp_path / row / "member-0"
        history = pd.read_csv(folder / "history.csv")
        counts = json.loads((folder / "staleness.json").read_text())
        # One update per mini-batch of 10 (the last partial batch dropped), each with
        # its staleness counted once, and no example trained on twice in the epoch.
        assert history["examples"].iloc[-1] == 10 * sum(counts["updates"])
        assert sum(counts["updates"]) == 1077 // 10
        assert counts["examples_trained"] == 1070
        assert counts["trained_per_example"] == {"min": 0, "max": 1}


def servers_said(folder):
    """The end of each server's log, to show beside a failed run."""
    return "".join(
        f"\n--- {log.name}: {log.read_text()[-1000:]}" for log in sorted(folder.glob("*.log"))
    )


def test_parameter_server_cluster_from_tf_config(data_dir, tmp_path):
    """Two workers and a ps as their own processes (`--serve`), the chief training."""
    ports = free_ports(4)  # distinct: asked for together
    worker_ports, ps_ports, chief_ports = ports[:2], ports[2:3], ports[3:]
    cluster = {
        "worker": [f"127.0.0.1:{p}" for p in worker_ports],
        "ps": [f"127.0.0.1:{p}" for p in ps_ports],
        "chief": [f"127.0.0.1:{p}" for p in chief_ports],
    }
    servers = []
    env = dict(os.environ, PYTHONPATH=str(REPO))
    try:
        for kind, count in (("worker", 2), ("ps", 1)):
            for index in range(count):
                task = {"cluster": cluster, "task": {"type": kind, "index": index}}
                with (tmp_path / f"{kind}-{index}.log").open("w") as log:
                    servers.append(
                        subprocess.Popen(
                            [sys.executable, "-m", "workshop.train.parameter_server", "--serve"],
                            cwd=REPO,
                            stdout=subprocess.DEVNULL,
                            stderr=log,  # shown if the run fails
                            env=dict(env, TF_CONFIG=json.dumps(task)),
                        )
                    )
        chief = {"cluster": cluster, "task": {"type": "chief", "index": 0}}
        done = run_cli(
            "run",
            "cnn",
            "--quick",
            "--rows",
            "shallow",
            "--strategy",
            "parameter_server",
            "--data-dir",
            data_dir,
            "--out",
            str(tmp_path),
            env={"TF_CONFIG": json.dumps(chief)},
            timeout=600,
        )
    except subprocess.TimeoutExpired as hung:
        raise AssertionError(f"the chief hung{servers_said(tmp_path)}") from hung
    finally:
        for server in servers:
            server.kill()
    assert done.returncode == 0, done.stderr[-2000:] + servers_said(tmp_path)
    assert "2 worker(s) + 1 ps" in done.stdout
    updates = json.loads((tmp_path / "shallow" / "member-0" / "staleness.json").read_text())
    assert sum(updates["updates"]) == 1077 // 10


RESUMED_ASYNC = """
import json, sys
from workshop.quiet import import_tensorflow
tf = import_tensorflow()
from solutions.network import build_network
from workshop.data.pipeline import load_splits
from workshop.train.loop import LinearWarmup, TrainConfig, train
from workshop.train.parameter_server import make_strategy

strategy, _ = make_strategy(tf, 2, 1)
splits = load_splits("digits", sys.argv[1])
def build():
    return build_network(conv_layers=(), hidden_units=(30,), input_shape=splits.image_shape,
                         num_classes=splits.num_classes)
for epochs in (1, 2):  # stopped after one epoch, started again for two
    result = train(strategy, build, splits, splits.train,
                   TrainConfig(epochs=epochs, learning_rate=0.1, verbose=0), sys.argv[2])
print(json.dumps({"epochs": len(result.history), "updates": int(result.staleness.sum())}))
"""


def test_a_resumed_asynchronous_run_counts_each_update_once(data_dir, tmp_path):
    done = run_script(RESUMED_ASYNC, data_dir, str(tmp_path))
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {"epochs": 2, "updates": 214}
    counts = json.loads((tmp_path / "staleness.json").read_text())
    assert sum(counts["updates"]) == 2 * (1077 // 10) and counts["examples_trained"] == 2140
    assert counts["trained_per_example"]["max"] <= 2


EPOCH_SUMS = """
import json
import numpy as np
from workshop.quiet import import_tensorflow
tf = import_tensorflow()
import keras
from workshop.train.parameter_server import AsyncSGD, _digits, make_strategy

strategy, coordinator = make_strategy(tf, 2, 1)
x, y = _digits()
with strategy.scope():
    model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(10)])
# At learning rate 0 the weights never move: each epoch's numbers can be computed here.
trainer = AsyncSGD(tf, strategy, coordinator, model, x, y, 32, 0.0)
logits = np.asarray(model(x))
losses = tf.nn.sparse_softmax_cross_entropy_with_logits(y, logits).numpy()
epochs = []
for seed in (0, 1):
    loss, accuracy, _ = trainer.epoch(seed, drop_remainder=True)
    order = np.random.default_rng(seed).permutation(len(x))[: len(x) // 32 * 32]
    expected_loss = float(np.mean(losses[order].reshape(-1, 32).mean(axis=1)))
    expected_accuracy = float(np.mean(logits[order].argmax(1) == y[order]))
    epochs.append([loss, expected_loss, accuracy, expected_accuracy])
print(json.dumps(epochs))
"""


def test_an_asynchronous_epoch_reports_the_loss_and_accuracy_of_its_own_steps():
    """The sums on the ps are reset every epoch and add up every step exactly once."""
    done = run_script(EPOCH_SUMS)
    assert done.returncode == 0, done.stderr[-3000:]
    for loss, expected_loss, accuracy, expected_accuracy in json.loads(
        done.stdout.strip().splitlines()[-1]
    ):
        assert loss == pytest.approx(expected_loss, rel=1e-5)
        assert accuracy == pytest.approx(expected_accuracy, abs=1e-9)


def test_results_tables_are_printed_as_a_person_reads_them(capsys):
    """No NaN or None, whole numbers without '.0', float noise rounded, no column
    called 'index', and wrapped to the width (a ksh table was 313 characters wide)."""
    import numpy as np
    import pandas as pd

    from workshop.experiments.harness import print_table

    table = pd.DataFrame(
        {
            "row": ["base", "flips"],
            "top-1 error %": [96.099998, np.nan],
            "training numbers": [2000.0, None],
            "objective": [1363.43, 0.001234],
            **{f"a column with a long name {i}": [1.5, 2.25] for i in range(8)},
        }
    )
    print_table(table, width=80)
    printed = capsys.readouterr().out
    assert "NaN" not in printed and "None" not in printed and "–" in printed
    assert "96.1 " in printed and "96.09" not in printed
    assert "2000 " in printed and "2000.0" not in printed and "1363.4 " in printed
    assert max(len(line) for line in printed.splitlines()) <= 80
    assert "index" not in printed
