"""The inception module's cost table, and a small GoogLeNet against the KSH-style net on
the same data, augmentation and training: weights, multiply-adds, seconds per epoch,
top-1 and top-5 error."""

from dataclasses import asdict
from pathlib import Path

import pandas as pd

from ...train.loop import train
from ...train.strategy import stamp
from ..folders import fresh_dir
from ..ksh.figures import seed_curves
from ..ksh.setup import CROP
from ..ksh.setup import SINGLE_SEED_BASE as BASE
from ..ksh.summary import summary
from ..ksh.training import (
    augmentation,
    build_model,
    measured,
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


# The nets compared, each against KSH's: key -> (label, what the paper says of it).
NETS = {
    "ksh": ("KSH-style net (run ksh's base)", "KSH 2012: 37.5% top-1 on ILSVRC-2010"),
    "googlenet": ("small GoogLeNet", "12× fewer parameters than KSH's at 22 layers"),
    "googlenet_aux": (
        "small GoogLeNet + an auxiliary classifier (loss × 0.3)",
        "two auxiliary classifiers, on 4a and 4d, loss × 0.3, discarded at inference",
    ),
}


def against(key):
    """The net each is compared with: KSH's, and the auxiliary classifier's GoogLeNet
    against the same GoogLeNet without it."""
    return "googlenet" if key == "googlenet_aux" else "ksh"


def run(strategy, loaded, splits, out_dir, setup, seeds=(0,), auxiliary=False, log=print):
    """Write costs.csv, seeds.csv (a line per net and seed) and comparison.csv (each
    net's mean ± sd over the seeds, its Δ against the net it is compared with (`against`)
    and whether the Δ exceeds the spread); return the cost table and the comparison."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    cost_table = cost_table_of(loaded["InceptionModule"])
    cost_table.to_csv(out_dir / "costs.csv", index=False)

    prepared = prepare(loaded, splits, setup.ksh.each_image)
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

    def googlenet(with_auxiliary=False):
        return build_googlenet(
            loaded["InceptionModule"],
            loaded["LocalResponseNormalization"],
            splits.num_classes,
            shape,
            modules=setup.modules,
            stem=setup.stem,
            pixel_mean=prepared.pixel_mean,
            auxiliary=with_auxiliary,
        )

    builders = {"ksh": ksh_net, "googlenet": googlenet}
    if auxiliary:
        builders["googlenet_aux"] = lambda: googlenet(with_auxiliary=True)
    results, curves, costs = [], {}, {}
    for seed in seeds:  # seed by seed, so that a stopped run has whole seeds
        config = train_config(ksh_setup, seed)
        for key, build in builders.items():
            settings = {
                "net": key,
                "setup": asdict(setup),
                "config": asdict(config),
                "data": f"{splits.name} {splits.version}",
                "strategy": stamp(strategy),
            }
            folder = fresh_dir(out_dir / key / f"seed{seed}", settings)
            log(f"== {key}, seed {seed}")
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
            curves.setdefault(key, {})[seed] = result.history
            if key not in costs:  # at inference: an auxiliary classifier is not counted
                costs[key] = multiply_adds(result.model, shape)
            label, paper = NETS[key]
            results.append(
                {
                    "row": key,
                    "seed": seed,
                    "change": label,
                    **measured(loaded, prepared, result, ten, ksh_setup.training_error),
                    "best epoch": result.best_epoch,
                    "KSH": paper,
                }
            )
    per_seed = pd.DataFrame(results)
    per_seed.to_csv(out_dir / "seeds.csv", index=False)
    comparison = summary(per_seed, against_of=against).rename(
        columns={"KSH": "paper", "parameters": "weights (training)"}
    )
    comparison.insert(
        comparison.columns.get_loc("weights (training)") + 1,
        "multiply-adds (M)",
        [round(costs[key] / 1e6, 2) for key in comparison["row"]],
    )
    comparison["seconds per epoch"] = (comparison["training seconds"] / ksh_setup.epochs).round(1)
    comparison.to_csv(out_dir / "comparison.csv", index=False)
    seed_curves(curves, ksh_setup.training_error, out_dir / "learning_curves.png")
    return cost_table, comparison
