"""`workshop run adversarial`: adversarial examples by the fast gradient sign method
against a softmax regression, an MLP and the chapter-6 CNN, and adversarial training
(notes §2.4; Goodfellow et al. 2014), with the student's (or the reference's) `fgsm`
(2.9) and `adversarial_loss` (2.10). Training and attacks are in training.py."""

from ...errors import UsageError
from ..experiment import Experiment


class AdversarialExperiment(Experiment):
    name = "adversarial"
    help = "FGSM adversarial examples, transfer between models, adversarial training"
    strategies = ("default", "mirrored")
    dataset_help = "28×28 digits (default digits, embedded; mnist needs a download)"
    needs = {
        "fgsm": ("adversarial", "fgsm"),
        "adversarial_loss": ("adversarial", "adversarial_loss"),
    }

    def add_arguments(self, parser):
        parser.add_argument("--epochs", type=int, help="training epochs per model (default 40)")
        parser.add_argument(
            "--train-epsilon",
            type=float,
            help="ε of adversarial training (default 0.25, the paper's on MNIST)",
        )

    def plan(self, args):
        from dataclasses import replace

        from .setup import QUICK, Setup

        setup = QUICK if args.quick else Setup()
        if args.epochs is not None:
            if args.epochs < 1:
                raise UsageError("--epochs must be positive")
            setup = replace(setup, epochs=args.epochs)
        if args.train_epsilon is not None:
            if not 0 < args.train_epsilon <= 1:
                raise UsageError("--train-epsilon must be in (0, 1]")
            setup = replace(setup, train_epsilon=args.train_epsilon)
        return setup

    def try_once(self, loaded, plan):
        import keras
        import numpy as np

        model = keras.Sequential(
            [keras.Input((4, 4, 1)), keras.layers.Flatten(), keras.layers.Dense(2, "softmax")]
        )
        x, y = np.full((2, 4, 4, 1), 0.5, np.float32), np.array([0, 1])
        loaded["fgsm"](model, x, y, 0.1)
        loaded["adversarial_loss"](model, x, y, 0.1)

    def describe(self, context):
        return (
            f"Attacking and adversarially training with the {context.args.impl}' fgsm and "
            f"adversarial_loss on {context.args.dataset}, into {context.out}/"
        )

    def run(self, context):
        from .training import run

        return run(context)

    def learned(self, context):
        import pandas as pd

        from ..experiment import Learned, guessing

        right, noise = guessing(context.data)
        attacks = pd.read_csv(context.out / "attacks.csv")
        return [
            Learned(
                f"clean test error % of the {row['model']}",
                float(row["clean error %"]),
                100 - right,
                noise,
                higher_is_better=False,
            )
            for _, row in attacks.iterrows()
        ]


EXPERIMENT = AdversarialExperiment()
