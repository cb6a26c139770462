"""`workshop run ksh`: KSH 2012 (AlexNet) at workshop scale on two-digit numbers in
colour. Rows that each change one thing (tanh, LRN, overlapping pooling, augmentation,
dropout, two columns), judged by top-1 and top-5 error beside the paper's deltas
(training.py; rows in setup.py; the network, one or two columns, in network.py)."""

from ...errors import UsageError
from ..experiment import Experiment, Outcome, rows_flag
from .setup import NEEDS, PAPER, training_note


def add_seeds_argument(parser, each):
    """--seeds, which `seeds_flag` reads; `each`: what is trained once per seed."""
    parser.add_argument(
        "--seeds",
        help=f"comma-separated seeds, each {each} trained once per seed (default: --seed "
        "and the next two; --quick: --seed alone)",
    )


def seeds_flag(args):
    """The seeds `--seeds` names, or --seed and the next two (--quick: --seed alone)."""
    if not args.seeds:
        return (args.seed,) if args.quick else (args.seed, args.seed + 1, args.seed + 2)
    try:
        seeds = tuple(int(seed) for seed in args.seeds.split(",") if seed)
    except ValueError:
        raise UsageError(f"--seeds {args.seeds}: give whole numbers, e.g. 0,1,2") from None
    if not seeds or len(set(seeds)) < len(seeds):
        raise UsageError(f"--seeds {args.seeds}: give distinct seeds, e.g. 0,1,2")
    return seeds


class KshExperiment(Experiment):
    name = "ksh"
    help = "KSH's AlexNet ingredients, row by row, with top-1 and top-5 error"
    strategies = ("default", "mirrored", "multiworker", "parameter_server")
    datasets = ("numbers", "cifar10", "imagenette")
    dataset_help = (
        "numbers (00-99 in colour) is made from scikit-learn's data; cifar10, imagenette "
        "(resized to 32×32): download"
    )
    needs = NEEDS

    def add_arguments(self, parser):
        parser.add_argument("--rows", help="comma-separated rows, e.g. base,no_lrn (default all)")
        parser.add_argument("--epochs", type=int, help="epochs for every row and seed (default 6)")
        add_seeds_argument(parser, "row")
        parser.add_argument(
            "--set",
            action="append",
            metavar="FIELD=VALUE",
            help="change one training setting of setup.py's Setup, e.g. --set bias_start=0.1 "
            "--set learning_rate=3e-4 (repeatable)",
        )
        parser.add_argument(
            "--model-parallel",
            type=int,
            choices=(1, 2),
            default=1,
            help="2: the two_columns row puts each column on its own device, as KSH on "
            "two GPUs (logical CPU devices without GPUs)",
        )

    def plan(self, args):
        from dataclasses import replace

        from .setup import QUICK, ROWS, Setup, asynchronous, with_settings

        rows = rows_flag(ROWS, args.rows)
        if args.epochs is not None and args.epochs < 1:
            raise UsageError("--epochs must be positive")
        if args.model_parallel > 1 and args.strategy != "default":
            raise UsageError(
                "--model-parallel 2 places the columns itself: use it with --strategy default"
            )
        setup = QUICK if args.quick else Setup()
        if args.epochs:
            setup = replace(setup, epochs=args.epochs)
        setup = with_settings(setup, args.set)
        if args.strategy == "parameter_server":
            setup = asynchronous(setup)
        return rows, setup, seeds_flag(args)

    def try_once(self, loaded, plan):
        import keras
        import numpy as np

        from .training import augmentation, build_model, colour_basis

        rows, setup, _ = plan
        images = np.random.default_rng(0).uniform(size=(4, 32, 32, 3)).astype(np.float32)
        basis = colour_basis(loaded, images)
        for row in rows:
            model = build_model(loaded, row, setup, 3, 100)
            augmented = augmentation(loaded, row, basis)(images, keras.random.SeedGenerator(0))
            model(augmented, training=True)
            loaded["ten_crops"](images[:1], 28)
        loaded["top_k_accuracy"](np.eye(3), np.arange(3), 1)

    def describe(self, context):
        from ..harness import describe_strategy

        rows, _, seeds = context.plan
        where = describe_strategy(context.args, context.strategy)
        if context.args.model_parallel > 1:
            where += ", two_columns on two devices"
        return (
            f"Training {len(rows)} KSH row(s), seed(s) {', '.join(map(str, seeds))}, with the "
            f"{context.args.impl}' layers on "
            f"{context.args.dataset} ({where}), into {context.out}/"
        )

    def run(self, context):
        import tensorflow as tf

        from ...train.strategy import model_devices
        from . import training

        rows, setup, seeds = context.plan
        devices = None
        if context.args.model_parallel > 1:
            devices = model_devices(tf, context.args.model_parallel)
        table = training.run(
            context.strategy,
            context.loaded,
            context.data,
            rows,
            context.out,
            setup,
            seeds=seeds,
            devices=devices,
        )
        return Outcome(
            tables=[table],
            notes=[
                f"{training_note(setup)}; errors at the epoch of best validation accuracy "
                "(centre crop), and the last epoch's nets on ten crops; each row's mean "
                f"± sd over {len(seeds)} seed(s) (seeds.csv: each seed's); a Δ exceeds the "
                "spread when it is larger than the sum of the two nets' sds.",
                "Paper: " + PAPER,
            ],
            files=[
                "results.csv",
                "seeds.csv",
                "learning_curves.png",
                "filters.png",
                "augmented_samples.png",
            ],
        )

    def learned(self, context):
        import pandas as pd

        from .learning import top1_signs

        rows, setup, _ = context.plan
        errors = pd.read_csv(context.out / "results.csv").set_index("row")["top-1 error %"]
        chosen = {row.key: errors[row.key] for row in rows}
        full = "the full run (6 epochs, seeds 0-2) took the base to 40.7 ± 5.3% top-1 error"
        return top1_signs(chosen, context.data, setup.epochs, "row", full)


EXPERIMENT = KshExperiment()
