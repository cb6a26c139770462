"""The book's chapter-6 progression, row by row, trained with the harness.

Each row changes one thing from the row before, as the book does: a shallow fully
connected net, one conv-pool stage, two, ReLU with L2, expanded training data, an
extra fully connected layer, dropout on two 1000-unit layers, and a plurality vote of
five such nets. The book's MNIST test accuracies stand beside ours.
"""

import json
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from ..folders import fresh_dir

TWO_CONV = ((20, 5), (40, 5))


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    book: float  # the book's MNIST test accuracy, %
    network: dict = field(default_factory=dict)  # build_network arguments
    learning_rate: float = 0.1
    l2: float = 0.0
    expanded: bool = False
    epochs: int = 60
    members: int = 1  # > 1: an ensemble voting by plurality


SIGMOID = {"hidden_units": (100,)}  # build_network's default activation is the sigmoid
RELU = {"conv_layers": TWO_CONV, "hidden_units": (100,), "activation": "relu"}
RELU_TRAINING = {"learning_rate": 0.03, "l2": 0.1}
DROPOUT = Row(
    "dropout",
    "FC 1000-1000 with dropout 0.5",
    99.60,
    dict(RELU, hidden_units=(1000, 1000), dropout=0.5),
    learning_rate=0.03,
    expanded=True,
    epochs=10,
)
ROWS = (
    Row("shallow", "fully connected, 100 sigmoid", 97.80, dict(SIGMOID, conv_layers=())),
    Row("conv1", "+ conv-pool 20@5×5", 98.78, dict(SIGMOID, conv_layers=((20, 5),))),
    Row("conv2", "+ conv-pool 40@5×5", 99.06, dict(SIGMOID, conv_layers=TWO_CONV)),
    Row("relu", "ReLU, η=0.03, λ=0.1", 99.23, RELU, **RELU_TRAINING),
    Row(
        "expanded",
        "+ training data shifted by 1 px (×5)",
        99.37,
        RELU,
        **RELU_TRAINING,
        expanded=True,
        epochs=12,
    ),
    Row(
        "extra_fc",
        "+ second fully connected layer",
        99.43,
        dict(RELU, hidden_units=(100, 100)),
        **RELU_TRAINING,
        expanded=True,
        epochs=12,
    ),
    DROPOUT,
    replace(
        DROPOUT, key="ensemble", label="plurality vote of 5 dropout nets", book=99.67, members=5
    ),
)

BOOK_SETUP = (
    "network3.py: 60 epochs (dropout 40), mini-batch 10, η=0.1 sigmoid / 0.03 ReLU, "
    "λ=0.1 for ReLU rows, MNIST 50,000 training images"
)
QUICK_EPOCHS = 1


def plurality_vote(predictions, num_classes):
    """The class most members chose, per example; ties go to the smallest class index."""
    votes = np.zeros((predictions.shape[1], num_classes), dtype=np.int64)
    for member in predictions:
        votes[np.arange(len(member)), member] += 1
    return votes.argmax(axis=1)


def run(
    tf,
    strategy,
    build_network,
    splits,
    rows,
    out_dir,
    seed=0,
    quick=False,
    epochs=None,
    batch_size=10,
    patience=0,
    verbose=1,
    log=print,
):
    """Train every row; return the results table (and write it, with the figures)."""
    from ...data.pipeline import expand_by_shifts
    from ...train.loop import TrainConfig, train
    from ...train.strategy import stamp
    from .. import figures

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    test_labels = np.concatenate([y.numpy() for _, y in splits.test.batch(1024)])
    expanded_train = expand_by_shifts(splits.train).cache()
    results, curves, filters, trained = [], {}, None, {}
    for row in rows:
        row_epochs = epochs or (QUICK_EPOCHS if quick else row.epochs)
        network = dict(row.network, input_shape=splits.image_shape, num_classes=splits.num_classes)
        started = time.perf_counter()
        member_predictions, member_results = [], []
        for member in range(row.members):
            config = TrainConfig(
                epochs=row_epochs,
                batch_size=batch_size,
                learning_rate=row.learning_rate,
                l2=row.l2,
                patience=patience,
                seed=seed + member,
                verbose=verbose,
            )
            settings = {
                "network": network,
                "expanded": row.expanded,
                "config": asdict(config),
                "data": f"{splits.name} {splits.version}",
                "strategy": stamp(strategy),
            }
            key = json.dumps(settings, sort_keys=True, default=str)
            # A member trained identically by an earlier row (the ensemble's first
            # member is the dropout row's net) is resumed from there, not retrained.
            reused = key in trained
            folder = trained.setdefault(key, out_dir / row.key / f"member-{member}")
            folder = fresh_dir(folder, settings)
            log(
                f"== {row.key}: {row.label}"
                + (f" (member {member + 1}/{row.members})" if row.members > 1 else "")
                + (
                    f": the same net as {folder.parent.name}'s, trained with the same "
                    "settings, so reused, not retrained"
                    if reused
                    else ""
                )
            )
            result = train(
                strategy,
                lambda: build_network(**network),
                splits,
                expanded_train if row.expanded else splits.train,
                config,
                folder,
            )
            member_predictions.append(result.test_predictions)
            member_results.append(result)
        if row.members > 1:
            voted = plurality_vote(np.stack(member_predictions), splits.num_classes)
            test_accuracy = float(np.mean(voted == test_labels))
        else:
            test_accuracy = member_results[0].test_accuracy
        first = member_results[0]
        curves[row.key] = first.history
        if filters is None and row.network.get("conv_layers"):
            filters = first_layer_kernels(first.model)
        results.append(
            {
                "row": row.key,
                "network": row.label,
                "test accuracy %": round(100 * test_accuracy, 2),
                "book MNIST %": row.book,
                "best epoch": ", ".join(str(r.best_epoch) for r in member_results),
                "epochs run": ", ".join(str(len(r.history)) for r in member_results),
                "training seconds": round(_training_seconds(member_results, started), 1),
            }
        )
    table = pd.DataFrame(results)
    merged = merge_results(out_dir / "results.csv", table)
    merged.to_csv(out_dir / "results.csv", index=False)
    figures.learning_curves(curves, out_dir / "learning_curves.png")
    if filters is not None:
        figures.filter_grid(filters, out_dir / "filters.png")
    return table


def _training_seconds(member_results, started):
    """The row's training time, resumed epochs included: each member's history keeps
    its own running total (an older history without one: this call's wall time)."""
    totals = [r.history["seconds"].iloc[-1] for r in member_results if "seconds" in r.history]
    if len(totals) < len(member_results):
        return time.perf_counter() - started
    return float(sum(totals))


def merge_results(path, table):
    """The rows just run, and those of an earlier table at `path` that were not run
    again, in the book's order: `--rows relu` updates one row and loses no other."""
    if path.exists():
        earlier = pd.read_csv(path)
        if "row" in earlier:
            kept = earlier[~earlier["row"].isin(table["row"])]
            table = pd.concat([kept, table], ignore_index=True)
    order = {row.key: i for i, row in enumerate(ROWS)}
    return table.sort_values("row", key=lambda keys: keys.map(order)).reset_index(drop=True)


def first_layer_kernels(model):
    """The first conv layer's kernel, (kh, kw, in_channels, filters), as NumPy."""
    for layer in model.layers:
        if getattr(layer, "kernel", None) is not None and len(layer.kernel.shape) == 4:
            return np.asarray(layer.kernel)
    return None
