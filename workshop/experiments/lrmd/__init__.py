"""`workshop run lrmd`: Le et al. 2012 at workshop scale. An unsupervised LRMD layer
(contrast normalisation, untied local filters, L2 pooling) on digits and photo
patches, a linear probe with few labels, the best single units, and synchronous
against asynchronous SGD on parameter servers (training.py; settings in setup.py)."""

from ..experiment import Experiment, Outcome
from .setup import NEEDS


class LrmdExperiment(Experiment):
    name = "lrmd"
    help = "LRMD's unsupervised layer, a few-label probe, asynchronous SGD"
    strategies = ("default", "mirrored", "parameter_server")
    datasets = ("digits",)
    dataset_help = "the features are learned from digits and scikit-learn's sample photos"
    needs = NEEDS

    def plan(self, args):
        from .setup import QUICK, Setup

        return QUICK if args.quick else Setup()

    def try_once(self, loaded, plan):
        import numpy as np

        from ..harness import run_once
        from .stack import build_classifier

        run_once(lambda: build_classifier(loaded, plan.digits, (12, 12, 1), 3, plan.eps))
        np.asarray(loaded["pooling_matrix"](4, 2))

    def describe(self, context):
        from ..harness import describe_strategy

        return (
            f"LRMD with the {context.args.impl}' layers on digits and photo patches "
            f"(supervised row: {describe_strategy(context.args, context.strategy)}), "
            f"into {context.out}/"
        )

    def run(self, context):
        import tensorflow as tf

        from . import training

        setup = context.plan
        tables = training.run(
            tf,
            context.strategy,
            context.loaded,
            context.data,
            context.out,
            setup,
            context.args,
            context.root,
        )
        return Outcome(
            tables=list(tables.values()),
            notes=[
                f"Unsupervised: Adam ({setup.learning_rate}), λ={setup.lam}, ε={setup.eps}, "
                f"{setup.epochs} epochs on digits, {setup.photo_epochs} on photo patches. "
                f"Race: plain SGD (η={setup.race_learning_rate}), batch "
                f"{setup.race_batch_size}, {setup.race_epochs} epochs each, "
                f"{setup.race_seeds} seed(s) a configuration (race_seeds.csv: each run's; "
                "race.csv: the mean, sd and range).",
                "Paper: " + training.PAPER,
            ],
            files=[
                "probe.csv",
                "best_units.csv",
                "race.csv",
                "race_seeds.csv",
                "filters_digits.png",
                "filters_photos.png",
                "best_units.png",
                "race.png",
                "staleness.png",
            ],
        )

    def learned(self, context):
        import pandas as pd

        from ..experiment import Learned, guessing

        out = context.out
        chance, noise = guessing(context.data)
        digits = pd.read_csv(out / "unsupervised_digits.csv")
        probe = pd.read_csv(out / "probe.csv").set_index("features")["all labels %"]
        race = pd.read_csv(out / "race.csv")
        signs = [
            Learned(
                "unsupervised objective on digits, after training (before: 'chance')",
                float(digits["objective"].iloc[-1]),
                float(digits["objective"].iloc[0]),
                higher_is_better=False,
            ),
            Learned(
                "test accuracy % of the linear probe on the unsupervised layer, all labels",
                float(probe["LRMD layer trained without labels"]),
                chance,
                noise,
            ),
        ]
        for _, row in race.iterrows():
            signs.append(
                Learned(
                    f"test accuracy % of the race's {row['configuration']}",
                    float(row["test accuracy % (best validation epoch)"]),
                    chance,
                    noise,
                )
            )
        return signs


EXPERIMENT = LrmdExperiment()
