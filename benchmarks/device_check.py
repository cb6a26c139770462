"""What this machine's devices give each experiment: the one command to run on a machine
with GPUs.

It lists the devices, then runs each experiment's training (`workshop run NAME`, quick
by default) under the default and mirrored strategies, float32 against mixed precision
and XLA off against on: eight runs an experiment, each in a process of its own (a
strategy's devices are fixed when TensorFlow starts). Every training loop reports its
samples per second (workshop/train/meter.py; a loop's first call, which traces and
compiles, is kept apart), and the table gives each run's rate with its speed-up over
float32 without XLA under the same strategy.

It also checks that the numbers agree: each run's last training loss against the
float32 run's under the same strategy, within a tolerance (mixed precision rounds
differently, so it is loose: 10% and 0.05 by default). A disagreement, or a run that
fails, exits 1. Reinforcement learning is the exception: another precision acts
differently, sees other transitions and learns on other data, so the DQN's loss is
shown but not compared.

    python benchmarks/device_check.py                        # every experiment, quick
    python benchmarks/device_check.py --experiments cnn,ksh --full
    python benchmarks/device_check.py --experiments dqn      # the CPU smoke test's

On a CPU `mixed` is bfloat16; absolute rates vary with the machine and its load, so
compare the speed-ups, measured in the same run.
"""

import argparse
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from workshop.experiments.registry import experiments  # noqa: E402

STRATEGIES = ("default", "mirrored")
PRECISIONS = ("float32", "mixed")
NOT_COMPARED = {"dqn": "another precision acts, and so learns, on other transitions"}


def list_devices():
    """The physical devices TensorFlow sees and what it was built with, one per line."""
    from workshop.quiet import import_tensorflow

    tf = import_tensorflow(first_op=False)
    lines = [f"TensorFlow {tf.__version__}, built with CUDA: {tf.test.is_built_with_cuda()}"]
    for device in tf.config.list_physical_devices():
        details = tf.config.experimental.get_device_details(device) if "GPU" in device.name else {}
        extra = ", ".join(f"{k} {v}" for k, v in details.items())
        lines.append(f"  {device.device_type} {device.name}" + (f" ({extra})" if extra else ""))
    if not tf.config.list_physical_devices("GPU"):
        lines.append("  no GPU: mirrored runs on 2 logical CPU devices; mixed is bfloat16")
    return lines


def run_once(name, strategy, precision, jit, out, data_dir, full):
    """One `workshop run`; its throughput rows and run.json, or the failure's last lines."""
    command = [sys.executable, "-m", "workshop", "run", name, "--strategy", strategy,
               "--precision", precision, "--out", str(out)]  # fmt: skip
    command += ["--jit-compile"] if jit else []
    command += [] if full else ["--quick"]
    if experiments()[name].datasets:
        command += ["--data-dir", data_dir]
    started = time.perf_counter()
    done = subprocess.run(
        command, cwd=REPO, capture_output=True, text=True,
        env=dict(os.environ, PYTHONPATH=str(REPO)),
    )  # fmt: skip
    wall = time.perf_counter() - started
    if done.returncode != 0:
        return None, wall, (done.stderr.strip() or done.stdout.strip()).splitlines()[-1:]
    return pd.read_csv(out / "throughput.csv"), wall, json.loads((out / "run.json").read_text())


def check(names, data_dir, full, rtol, atol, scratch, say=print):
    """Every configuration of every experiment in `names`; the table, and the problems."""
    rows, problems = [], []
    for name, strategy in itertools.product(names, STRATEGIES):
        baseline = None
        for precision, jit in itertools.product(PRECISIONS, (False, True)):
            out = Path(scratch) / f"{name}-{strategy}-{precision}-{'xla' if jit else 'plain'}"
            loops, wall, made = run_once(name, strategy, precision, jit, out, data_dir, full)
            row = {"experiment": name, "strategy": strategy, "precision": precision,
                   "XLA": "on" if jit else "off", "wall s": round(wall, 1)}  # fmt: skip
            if loops is None:
                problems.append(f"{name} {strategy} {precision} XLA {row['XLA']}: {made[0]}")
                rows.append(row)
                continue
            row["precision"] = made["precision"]
            loops = loops.sort_values(["samples", "first-call samples"], ascending=False)
            main = loops.iloc[0]  # the loop that trained the most samples
            steady = main["samples/s"] == main["samples/s"]  # NaN: one call a run
            row.update(
                {
                    "loop": main["loop"] + ("" if steady else " (first calls in)"),
                    "samples/s": main["samples/s" if steady else "samples/s, first calls in"],
                    "first calls s": main["first calls (s)"],
                    "last loss": main["last loss"],
                }
            )
            losses = dict(zip(loops["loop"], loops["last loss"]))
            if baseline is None:
                baseline, baseline_losses = row, losses
            else:
                row["speed-up"] = row["samples/s"] / baseline["samples/s"]
                row["loss agrees"] = agrees(name, losses, baseline_losses, rtol, atol)
                if row["loss agrees"].startswith("no ("):
                    problems.append(
                        f"{name} {strategy} {row['precision']} XLA {row['XLA']}: last loss "
                        f"{row['loss agrees'][4:-1]}"
                    )
            rows.append(row)
            say(", ".join(f"{k} {v:.4g}" if isinstance(v, float) else f"{k} {v}"
                          for k, v in row.items()))  # fmt: skip
    return pd.DataFrame(rows), problems


def agrees(name, losses, baseline, rtol, atol):
    """ "yes", "no (what differs)", "not compared" (reinforcement learning) or "no loss"
    (a loop that reports none, as contrastive divergence): every loop with a loss in
    the float32 run is compared, and a loss that is no longer finite disagrees."""
    if name in NOT_COMPARED:
        return "not compared"
    wrong = []
    for loop, expected in baseline.items():
        if expected != expected:  # NaN: this loop has no loss to compare
            continue
        got = losses.get(loop, float("nan"))
        if not abs(got - expected) <= atol + rtol * abs(expected):  # NaN fails too
            wrong.append(f"{loop} {got:.4g} against float32's {expected:.4g}")
    if wrong:
        return f"no ({'; '.join(wrong)})"
    compared = any(v == v for v in baseline.values())
    return "yes" if compared else "no loss"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--experiments", help="comma-separated names (default all)")
    parser.add_argument("--full", action="store_true", help="full runs, not --quick")
    parser.add_argument(
        "--data-dir",
        default=str(REPO / "runs" / "tfds"),
        help="TensorFlow Datasets folder for the runs (default runs/tfds in this checkout)",
    )
    parser.add_argument("--rtol", type=float, default=0.1)
    parser.add_argument("--atol", type=float, default=0.05)
    parser.add_argument("--out", help="write the table here as CSV")
    args = parser.parse_args(argv)
    known = sorted(experiments())
    names = args.experiments.split(",") if args.experiments else known
    unknown = [name for name in names if name not in known]
    if unknown:
        parser.error(f"unknown experiment(s) {', '.join(unknown)}; choose from {', '.join(known)}")
    print("\n".join(list_devices()), flush=True)
    with tempfile.TemporaryDirectory(prefix="device-check-") as scratch:
        table, problems = check(names, args.data_dir, args.full, args.rtol, args.atol, scratch)
    print()
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(table.to_string(index=False, float_format=lambda v: f"{v:.3g}"))
    if args.out:
        table.to_csv(args.out, index=False)
    for problem in problems:
        print(f"PROBLEM: {problem}")
    print("all runs finished and agree" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
