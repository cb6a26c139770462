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
    """Every configuration of `setup.race` for each of `setup.race_seeds` seeds (--seed
    and the next ones), one process each, seed by seed. Returns the table (each
    configuration's mean, sd and range over the seeds: `spread`), every run's line
    (`race_seeds.csv`), the first seed's histories and the staleness counts summed over
    the seeds, by configuration."""
    lines, histories, staleness = [], {}, {}
    seeds = [args.seed + k for k in range(setup.race_seeds)]
    for seed in seeds:
        for name in setup.race:
            history, result, counts = _run_one(name, seed, setup, args, root, out, log)
            if seed == seeds[0]:
                histories[name] = history
            if counts is not None:
                staleness[name] = staleness.get(name, 0) + counts
            lines.append(
                {
                    "configuration": label(name),
                    "seed": seed,
                    "final training loss": round(float(history["loss"].iloc[-1]), 4),
                    ACCURACY: round(100 * result["test_accuracy"], 2),
                    "examples": int(history["examples"].iloc[-1]),
                    "training seconds": round(float(history["seconds"].iloc[-1]), 1),
                    "examples/s": round(
                        float(history["examples"].iloc[-1] / history["seconds"].iloc[-1])
                    ),
                    "mean staleness": None if counts is None else round(mean_staleness(counts), 2),
                    "max staleness": None if counts is None else int(np.flatnonzero(counts).max()),
                }
            )
    per_seed = pd.DataFrame(lines)
    return spread(per_seed), per_seed, histories, staleness


ACCURACY = "test accuracy % (best validation epoch)"


def spread(per_seed):
    """A line per configuration: the mean over its seeds of the final training loss and
    the test accuracy, with their sd (n − 1) and range, the mean seconds and rate, and
    the staleness's mean and largest value over the seeds."""
    lines = []
    for configuration, runs in per_seed.groupby("configuration", sort=False):
        line = {"configuration": configuration, "seeds": len(runs)}
        for column, digits in (("final training loss", 4), (ACCURACY, 2)):
            values = runs[column]
            line[column] = round(float(values.mean()), digits)
            line[f"{column} sd"] = (
                round(float(values.std(ddof=1)), digits) if len(runs) > 1 else None
            )
            line[f"{column} range"] = f"{values.min():.{digits}f}–{values.max():.{digits}f}"
        line["examples"] = int(runs["examples"].iloc[0])
        line["training seconds"] = round(float(runs["training seconds"].mean()), 1)
        line["examples/s"] = round(float(runs["examples/s"].mean()))
        stale = runs["mean staleness"].dropna()
        line["mean staleness"] = round(float(stale.mean()), 2) if len(stale) else None
        line["max staleness"] = int(runs["max staleness"].max()) if len(stale) else None
        lines.append(line)
    return pd.DataFrame(lines)


def _run_one(name, seed, setup, args, root, out, log):
    """One configuration with one seed in its own process: (history, result, staleness
    counts or None)."""
    folder = out / "race" / name.replace(":", "-") / f"seed{seed}"
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
        str(seed),
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
    log(f"== race: {label(name)}, seed {seed}")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO), str(root)]))
    # Each configuration makes its own cluster on this machine: a TF_CONFIG meant for
    # the parent would send a ps:N row to that cluster, or make it a non-chief.
    env.pop("TF_CONFIG", None)
    done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)
    (folder / "stderr.log").write_text(done.stderr)
    if done.returncode != 0:
        from ...errors import RunFailed

        raise RunFailed(
            f"the {label(name)} run, seed {seed}, failed (exit code {done.returncode}): see "
            f"{folder / 'stderr.log'}"
        )
    history = pd.read_csv(folder / "history.csv")
    result = json.loads((folder / "result.json").read_text())
    counts = None
    if (folder / "staleness.json").exists():
        counts = np.asarray(json.loads((folder / "staleness.json").read_text())["updates"])
    return history, result, counts


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
