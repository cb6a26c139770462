"""`workshop run multidigit`: read a whole house number with one network, a softmax for
the length and one per digit position (notes §2.4; Goodfellow et al. 2013), trained on
the student's (or the reference's) `sequence_log_likelihood` and read out with its
`decode` (Exercise 2.8). Data in workshop/data/house_numbers.py, training in training.py."""

from ...errors import UsageError
from ..experiment import Experiment


class MultidigitExperiment(Experiment):
    name = "multidigit"
    help = "whole house numbers with one network: length and digit heads (Exercise 2.8)"
    strategies = ("default", "mirrored")
    datasets = ("numbers", "svhn")
    dataset_help = (
        "numbers: synthetic house numbers of 1-5 digits (embedded); svhn: TFDS's "
        "svhn_cropped, single digits only, needs --download"
    )
    needs = {
        "likelihood": ("sequences", "sequence_log_likelihood"),
        "decode": ("sequences", "decode"),
    }

    def add_arguments(self, parser):
        parser.add_argument("--epochs", type=int, help="training epochs (default 12)")

    def plan(self, args):
        from dataclasses import replace

        from .setup import QUICK, Setup

        setup = QUICK if args.quick else Setup()
        if args.epochs is not None:
            if args.epochs < 1:
                raise UsageError("--epochs must be positive")
            setup = replace(setup, epochs=args.epochs)
        return setup

    def try_once(self, loaded, plan):
        import numpy as np

        length_logits = np.zeros((2, 7), np.float32)
        digit_logits = np.zeros((2, 5, 10), np.float32)
        digits = np.array([[1, -1, -1, -1, -1], [2, 3, -1, -1, -1]])
        loaded["likelihood"](length_logits, digit_logits, np.array([1, 2]), digits)
        loaded["decode"](length_logits, digit_logits)

    def load_data(self, args):
        from .data import load

        return load(args)

    def describe(self, context):
        return (
            f"Training a six-headed network on the {context.args.impl}' sequence likelihood "
            f"and decoding with its decode, on {context.args.dataset}, into {context.out}/"
        )

    def run(self, context):
        from .training import run

        return run(context)

    def learned(self, context):
        import pandas as pd

        from ..experiment import Learned, chance_percent
        from .setup import Setup

        out, setup = context.out, context.plan
        history = pd.read_csv(out / "history.csv")
        by_length = pd.read_csv(out / "by_length.csv")
        summary = pd.read_csv(out / "summary.csv").iloc[0]
        numbers = int(summary["test numbers"])
        digits = int((by_length["length"].clip(upper=5) * by_length["test numbers"]).sum())
        # Guessing the length: always the commonest length of the training set.
        commonest = 100 * max(context.data.lengths_seen.values())
        p = commonest / 100
        digit_chance, digit_noise = chance_percent(10, digits)
        smoke = ""
        if context.args.quick:
            full = Setup()
            smoke = (
                f"{setup.epochs} epoch(s) of {setup.train_size:,} numbers: the decoder reads "
                "an untrained net's numbers too short; the full run "
                f"({full.epochs} epochs of {full.train_size:,}) reads 51.7% of whole numbers, "
                "74.4% of digits"
            )
        return [
            Learned(
                "−log P(S|X) on the training numbers, last epoch (before training: 'chance')",
                float(history["loss"].iloc[-1]),
                float(history["loss"].iloc[0]),
                higher_is_better=False,
            ),
            Learned(
                "per-digit accuracy %",
                float(summary["per-digit accuracy %"]),
                digit_chance,
                digit_noise,
                smoke=smoke,
            ),  # fmt: skip
            Learned(
                "length accuracy % (chance: always the commonest training length)",
                float(summary["length accuracy %"]),
                commonest,
                300 * (p * (1 - p) / numbers) ** 0.5,
                smoke=smoke,
            ),
            Learned(
                "whole-number accuracy % (chance: the commonest length, digits guessed)",
                float(summary["whole-number accuracy %"]),
                commonest * 0.1 ** min(by_length["length"]),
                300 * (p * 0.1 / numbers) ** 0.5,
                smoke=smoke,
            ),
        ]


EXPERIMENT = MultidigitExperiment()
