"""Synchronous against asynchronous SGD on the same model, data and number of examples:
the supervised LRMD classifier trained by the harness's loop (train/loop.py) with one
device, two mirrored replicas, and a parameter-server cluster of 1, 2 and 4 workers.

Each configuration runs in its own process: the mirrored one must split the CPU before
TensorFlow's first op, and the parameter-server one connects TensorFlow's context to
its cluster, which no later configuration could undo.

    python -m workshop.experiments.lrmd.race --strategy ps:2 --out DIR [...]
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from ..folders import fresh_dir

REPO = Path(__file__).resolve().parents[3]


def parse_configuration(name):
    """ "default", "mirrored" or "ps:N" -> (strategy, workers)."""
    if name.startswith("ps:"):
        return "parameter_server", int(name[3:])
    return name, 1


def label(name):
    strategy, workers = parse_configuration(name)
    if strategy == "parameter_server":
        return f"async, {workers} worker{'s' if workers > 1 else ''} + 1 ps"
    return {"default": "one device", "mirrored": "sync, 2 mirrored replicas"}[strategy]


def run_all(setup, args, root, out, log=print):
    """Every configuration of `setup.race`, one process each; returns the table, the
    histories and the staleness counts by configuration."""
    rows, histories, staleness = [], {}, {}
    for name in setup.race:
        folder = out / "race" / name.replace(":", "-")
        command = [
            sys.executable,
            "-m",
            "workshop.experiments.lrmd.race",
            "--configuration",
            name,
            "--out",
            str(folder),
            "--impl",
            args.impl,
            "--root",
            str(root),
            "--seed",
            str(args.seed),
            "--epochs",
            str(setup.race_epochs),
            "--batch-size",
            str(setup.race_batch_size),
            "--learning-rate",
            str(setup.race_learning_rate),
            "--eps",
            str(setup.eps),
            "--precision",
            args.precision,
        ]
        if args.jit_compile:
            command.append("--jit-compile")
        if args.data_dir:
            command += ["--data-dir", args.data_dir]
        fresh_dir(folder, {"command": command[3:]})  # resumed only with the same settings
        log(f"== race: {label(name)}")
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO), str(root)]))
        # Each configuration makes its own cluster on this machine: a TF_CONFIG meant for
        # the parent would send a ps:N row to that cluster, or make it a non-chief.
        env.pop("TF_CONFIG", None)
        done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)
        (folder / "stderr.log").write_text(done.stderr)
        if done.returncode != 0:
            from ...errors import RunFailed

            raise RunFailed(
                f"the {label(name)} run failed (exit code {done.returncode}): see "
                f"{folder / 'stderr.log'}"
            )
        history = pd.read_csv(folder / "history.csv")
        result = json.loads((folder / "result.json").read_text())
        histories[name] = history
        counts = None
        if (folder / "staleness.json").exists():
            counts = np.asarray(json.loads((folder / "staleness.json").read_text())["updates"])
            staleness[name] = counts
        rows.append(
            {
                "configuration": label(name),
                "final training loss": round(float(history["loss"].iloc[-1]), 4),
                "test accuracy % (best validation epoch)": round(100 * result["test_accuracy"], 2),
                "examples": int(history["examples"].iloc[-1]),
                "training seconds": round(float(history["seconds"].iloc[-1]), 1),
                "examples/s": round(
                    float(history["examples"].iloc[-1] / history["seconds"].iloc[-1])
                ),
                "mean staleness": "" if counts is None else round(mean_staleness(counts), 2),
                "max staleness": "" if counts is None else int(np.flatnonzero(counts).max()),
            }
        )
    return pd.DataFrame(rows), histories, staleness


def mean_staleness(counts):
    return float(np.dot(np.arange(len(counts)), counts) / max(counts.sum(), 1))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configuration", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--impl", default="solutions")
    parser.add_argument("--root", default=".")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--learning-rate", type=float, default=0.05)
    parser.add_argument("--eps", type=float, default=0.01)
    parser.add_argument("--data-dir")
    parser.add_argument("--precision", default="float32")
    parser.add_argument("--jit-compile", action="store_true")
    args = parser.parse_args(argv)
    strategy_name, workers = parse_configuration(args.configuration)

    from ...quiet import import_tensorflow
    from ...train import levers
    from ...train import strategy as strategies
    from ..harness import implementation, load, load_splits

    def configure(tf):
        if strategy_name == "mirrored":
            strategies.split_cpu(tf, 2)

    tf = import_tensorflow(configure)
    levers.configure(tf, args.precision, args.jit_compile)
    strategy = strategies.make_strategy(tf, strategy_name, 2, workers=workers, ps=1)

    from ...train.loop import TrainConfig, train
    from .setup import DIGITS, NEEDS
    from .stack import build_classifier

    source = implementation(args.impl, args.root)
    layers = {key: load(source, module, name) for key, (module, name) in NEEDS.items()}
    splits = load_splits(
        argparse.Namespace(dataset="digits", data_dir=args.data_dir, download=False)
    )
    config = TrainConfig(
        epochs=args.epochs,
        batch_size=args.batch_size,
        learning_rate=args.learning_rate,
        seed=args.seed,
        verbose=0,
    )
    result = train(
        strategy,
        lambda: build_classifier(layers, DIGITS, splits.image_shape, splits.num_classes, args.eps),
        splits,
        splits.train,
        config,
        Path(args.out),
    )
    (Path(args.out) / "result.json").write_text(
        json.dumps({"test_accuracy": result.test_accuracy, "best_epoch": result.best_epoch})
    )


if __name__ == "__main__":
    main()
