"""The inception module's cost table, and a small GoogLeNet against the KSH-style net on
the same data, augmentation and training: weights, multiply-adds, seconds per epoch,
top-1 and top-5 error."""

from dataclasses import asdict
from pathlib import Path

import pandas as pd

from ...train.loop import train
from ...train.strategy import stamp
from ..folders import fresh_dir
from ..ksh.figures import learning_curves
from ..ksh.setup import BASE, CROP
from ..ksh.training import (
    augmentation,
    build_model,
    error_columns,
    prepare,
    ten_crop_outputs,
    train_config,
)
from .costs import table as cost_table_of
from .network import build_googlenet, multiply_adds

PAPER = (
    "GoogLeNet (Szegedy et al. 2015): 22 layers, 12× fewer parameters than KSH's net, "
    "1.5 billion multiply-adds at inference; 6.67% top-5 error on ILSVRC-2014's test set "
    "with an ensemble of 7 models and 144 crops (the paper's, not reproduced here)"
)


def run(strategy, loaded, splits, out_dir, setup, seed=0, log=print):
    """Write costs.csv and comparison.csv; return both tables."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    cost_table = cost_table_of(loaded["InceptionModule"])
    cost_table.to_csv(out_dir / "costs.csv", index=False)

    prepared = prepare(loaded, splits)
    ksh_setup = setup.ksh
    shape = (CROP, CROP, prepared.channels)

    def ksh_net():
        return build_model(
            loaded,
            BASE,
            ksh_setup,
            prepared.channels,
            splits.num_classes,
            pixel_mean=prepared.pixel_mean,
        )

    def googlenet():
        return build_googlenet(
            loaded["InceptionModule"],
            loaded["LocalResponseNormalization"],
            splits.num_classes,
            shape,
            modules=setup.modules,
            stem=setup.stem,
            pixel_mean=prepared.pixel_mean,
        )

    config = train_config(ksh_setup, seed)
    rows, curves = [], {}
    for key, build in (("ksh", ksh_net), ("googlenet", googlenet)):
        settings = {
            "net": key,
            "setup": asdict(setup),
            "config": asdict(config),
            "data": f"{splits.name} {splits.version}",
            "strategy": stamp(strategy),
        }
        folder = fresh_dir(out_dir / key, settings)
        log(f"== {key}")
        result = train(
            strategy,
            build,
            prepared.splits,
            prepared.splits.train,
            config,
            folder,
            augment=augmentation(loaded, BASE, prepared.basis),
        )
        ten = ten_crop_outputs(loaded, result.model, prepared.test_images)
        curves[key] = result.history
        seconds = result.history["seconds"].iloc[-1] / len(result.history)
        rows.append(
            {
                "net": key,
                "weights": result.model.count_params(),
                "multiply-adds (M)": round(multiply_adds(result.model, shape) / 1e6, 2),
                "seconds per epoch": round(float(seconds), 1),
                **error_columns(
                    loaded["top_k_accuracy"],
                    result.test_probabilities,
                    ten,
                    prepared.test_labels,
                ),
                "best epoch": result.best_epoch,
            }
        )
    comparison = pd.DataFrame(rows)
    comparison.to_csv(out_dir / "comparison.csv", index=False)
    learning_curves(curves, out_dir / "learning_curves.png")
    return cost_table, comparison
