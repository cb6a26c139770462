"""What limits whole-number accuracy in `workshop run multidigit` (issue 30, item 3).

    python benchmarks/multidigit_study.py [--variants base,wider,...] [--epochs 12]

Trains the experiment's network (the reference `sequence_log_likelihood`, read with the
reference `decode`) once per variant, each changing one thing from the default run:

    base         the default run, for the whole --long-epochs (a curve of more epochs)
    wider        twice the filters (64-128-256) and 512 hidden units
    deeper       two 3×3 convolutions a block (six), the same widths
    no_photo     the photo behind the number replaced by its mean colour
    no_lines     no thin lines across the background
    no_neighbour no neighbour's digit cut by the edge
    dark_ink     the ink always the darker (a dark background turned into its negative)

The data switches keep every other random draw, so the same numbers in the same places
are read with one kind of clutter removed. After every epoch the net reads 2,000
validation numbers (whole-number, per-digit and length accuracy); at the end the 4,000
test numbers. Seconds are training only (the validation reading is not counted), on
this machine as it was shared at the time. Writes runs/multidigit-study/curves.csv and
summary.csv (appending: a variant already in summary.csv is skipped, so a stopped study
resumes), and prints the table.
"""

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from workshop.quiet import import_tensorflow  # noqa: E402

tf = import_tensorflow()
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from solutions.sequences import decode, sequence_log_likelihood  # noqa: E402
from workshop.data.house_numbers import Clutter, make_splits  # noqa: E402
from workshop.experiments.multidigit.setup import Setup  # noqa: E402
from workshop.experiments.multidigit.training import read, scores, train  # noqa: E402

VARIANTS = {
    "base": ({}, Clutter()),
    "wider": ({"blocks": ((64,), (128,), (256,)), "units": 512}, Clutter()),
    "deeper": ({"blocks": ((32, 32), (64, 64), (128, 128))}, Clutter()),
    "no_photo": ({}, Clutter(photo=False)),
    "no_lines": ({}, Clutter(lines=False)),
    "no_neighbour": ({}, Clutter(neighbours=False)),
    "dark_ink": ({}, Clutter(light_ink=False)),
}
SEED = 0


def accuracy(model, split):
    lengths, digits, _ = read(model, decode, split.images.astype(np.float32) / 255.0)
    whole, per_digit, length, _ = scores(split.lengths, split.digits, lengths, digits)
    return {"whole %": whole, "per digit %": per_digit, "length %": length}


def run_variant(name, epochs, train_size, out):
    changes, clutter = VARIANTS[name]
    setup = replace(Setup(), epochs=epochs, train_size=train_size, **changes)
    data = make_splits(
        seed=20261201 + SEED,
        sizes={"train": setup.train_size, "validation": 2_000, "test": setup.test_size},
        clutter=clutter,
    )
    train_data = (
        data["train"].images.astype(np.float32) / 255.0,
        data["train"].lengths,
        data["train"].digits,
    )
    strategy = tf.distribute.get_strategy()
    started = time.perf_counter()
    model, history, _ = train(
        strategy,
        sequence_log_likelihood,
        train_data,
        setup,
        SEED,
        log=lambda line: print(f"{name}: {line}", flush=True),
        evaluate=lambda m: accuracy(m, data["validation"]),
    )
    test = accuracy(model, data["test"])
    history.insert(0, "variant", name)
    history.to_csv(out / "curves.csv", mode="a", header=not (out / "curves.csv").exists(),
                   index=False)  # fmt: skip
    best = history.loc[history["whole %"].idxmax()]
    return {
        "variant": name,
        "epochs": epochs,
        "parameters": model.count_params(),
        "test whole %": round(test["whole %"], 2),
        "test per digit %": round(test["per digit %"], 2),
        "test length %": round(test["length %"], 2),
        "best validation whole %": round(float(best["whole %"]), 2),
        "at epoch": int(best["epoch"]),
        "training s": round(float(history["seconds"].iloc[-1]), 1),
        "s per epoch": round(float(history["seconds"].iloc[-1]) / epochs, 1),
        "wall s": round(time.perf_counter() - started, 1),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", default=",".join(VARIANTS), help="comma-separated")
    parser.add_argument("--epochs", type=int, default=12, help="epochs of every variant")
    parser.add_argument("--long-epochs", type=int, default=24, help="epochs of base")
    parser.add_argument("--train-size", type=int, default=Setup().train_size)
    parser.add_argument("--out", default=str(ROOT / "runs" / "multidigit-study"))
    args = parser.parse_args()
    names = args.variants.split(",")
    unknown = [n for n in names if n not in VARIANTS]
    if unknown:
        parser.error(f"unknown variants {unknown}; choose from {', '.join(VARIANTS)}")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    summary_path = out / "summary.csv"
    done = set(pd.read_csv(summary_path)["variant"]) if summary_path.exists() else set()
    for name in names:
        if name in done:
            print(f"{name}: in {summary_path} already, skipped")
            continue
        epochs = args.long_epochs if name == "base" else args.epochs
        row = pd.DataFrame([run_variant(name, epochs, args.train_size, out)])
        row.to_csv(summary_path, mode="a", header=not summary_path.exists(), index=False)
    print(pd.read_csv(summary_path).to_string(index=False))


if __name__ == "__main__":
    main()
