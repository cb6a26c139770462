"""The inception module's cost table, and a small GoogLeNet against the KSH-style net on
the same data, augmentation and training: weights, multiply-adds, seconds per epoch,
top-1 and top-5 error."""

from dataclasses import asdict, replace
from pathlib import Path

import pandas as pd

from ...data.pipeline import as_arrays
from ...train.loop import TrainConfig, train
from ...train.strategy import stamp
from ..folders import fresh_dir
from ..ksh.figures import learning_curves
from ..ksh.setup import BASE, CROP
from ..ksh.training import (
    augmentation,
    build_model,
    centre_cropped,
    colour_basis,
    error_percent,
    ten_crop_outputs,
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

    train_images, _ = as_arrays(splits.train)
    test_images, test_labels = as_arrays(splits.test)
    judged = replace(
        splits,
        validation=centre_cropped(loaded, splits.validation),
        test=centre_cropped(loaded, splits.test),
    )
    basis = colour_basis(loaded, train_images)
    pixel_mean = train_images.mean(axis=(0, 1, 2))
    channels = train_images.shape[-1]
    ksh_setup = setup.ksh

    def ksh_net():
        return build_model(
            loaded, BASE, ksh_setup, channels, splits.num_classes, pixel_mean=pixel_mean
        )

    def googlenet():
        return build_googlenet(
            loaded["InceptionModule"],
            loaded["LocalResponseNormalization"],
            splits.num_classes,
            (CROP, CROP, channels),
            modules=setup.modules,
            stem=setup.stem,
            pixel_mean=pixel_mean,
        )

    config = TrainConfig(
        epochs=ksh_setup.epochs,
        batch_size=ksh_setup.batch_size,
        learning_rate=ksh_setup.learning_rate,
        optimizer=ksh_setup.optimizer,
        seed=seed,
        verbose=2,
    )
    top_k = loaded["top_k_accuracy"]
    rows, curves = [], {}
    for key, build in (("ksh", ksh_net), ("googlenet", googlenet)):
        settings = {
            "net": key,
            "setup": asdict(setup),
            "config": asdict(config),
            "data": splits.name,
            "strategy": stamp(strategy),
        }
        folder = fresh_dir(out_dir / key, settings)
        log(f"== {key}")
        result = train(
            strategy,
            build,
            judged,
            splits.train,
            config,
            folder,
            augment=augmentation(loaded, BASE, basis),
        )
        ten = ten_crop_outputs(loaded, result.model, test_images)
        curves[key] = result.history
        seconds = result.history["seconds"].iloc[-1] / len(result.history)
        rows.append(
            {
                "net": key,
                "weights": result.model.count_params(),
                "multiply-adds (M)": round(
                    multiply_adds(result.model, (CROP, CROP, channels)) / 1e6, 2
                ),
                "seconds per epoch": round(float(seconds), 1),
                "top-1 error %": error_percent(top_k, result.test_probabilities, test_labels, 1),
                "top-5 error %": error_percent(top_k, result.test_probabilities, test_labels, 5),
                "10-crop top-1 %": error_percent(top_k, ten, test_labels, 1),
                "10-crop top-5 %": error_percent(top_k, ten, test_labels, 5),
                "best epoch": result.best_epoch,
            }
        )
    comparison = pd.DataFrame(rows)
    comparison.to_csv(out_dir / "comparison.csv", index=False)
    learning_curves(curves, out_dir / "learning_curves.png")
    return cost_table, comparison
