"""`workshop run googlenet`: what the inception module's 1×1 reductions save (the
paper's Table 1, computed), and a small GoogLeNet against the KSH-style net on the
same data (training.py; the net in network.py, the cost table in costs.py)."""

from ...errors import UsageError
from ..experiment import Experiment, Outcome
from .setup import NEEDS


class GoogLeNetExperiment(Experiment):
    name = "googlenet"
    help = "the inception module's cost, and a small GoogLeNet against the KSH-style net"
    strategies = ("default", "mirrored", "multiworker", "parameter_server")
    datasets = ("numbers", "cifar10", "imagenette")
    dataset_help = (
        "numbers (00-99 in colour) is made from scikit-learn's data; cifar10, imagenette "
        "(resized to 32×32): download"
    )
    needs = NEEDS

    def add_arguments(self, parser):
        from ..ksh import add_seeds_argument

        parser.add_argument("--epochs", type=int, help="epochs for every net (default 12)")
        add_seeds_argument(parser, "net")
        parser.add_argument(
            "--auxiliary",
            action="store_true",
            help="also train the GoogLeNet with an auxiliary classifier after module 3b "
            "(the paper's, loss × 0.3), to measure what it changes",
        )

    def plan(self, args):
        from dataclasses import replace

        from ..ksh import seeds_flag
        from ..ksh.setup import asynchronous
        from .setup import QUICK, Setup

        if args.epochs is not None and args.epochs < 1:
            raise UsageError("--epochs must be positive")
        setup = QUICK if args.quick else Setup()
        if args.epochs:
            setup = replace(setup, ksh=replace(setup.ksh, epochs=args.epochs))
        if args.strategy == "parameter_server":
            setup = replace(setup, ksh=asynchronous(setup.ksh))
        return setup, seeds_flag(args)

    def try_once(self, loaded, plan):
        import numpy as np

        from .network import build_googlenet

        setup, _ = plan
        model = build_googlenet(
            loaded["InceptionModule"],
            loaded["LocalResponseNormalization"],
            10,
            (28, 28, 3),
            modules=setup.modules,
            stem=setup.stem,
        )
        model(np.zeros((1, 28, 28, 3), np.float32), training=True)
        loaded["top_k_accuracy"](np.eye(3), np.arange(3), 1)

    def describe(self, context):
        from ..harness import describe_strategy

        _, seeds = context.plan
        auxiliary = " (and with an auxiliary classifier)" if context.args.auxiliary else ""
        return (
            f"Inception costs, then a small GoogLeNet{auxiliary} against the KSH-style net, "
            f"seed(s) {', '.join(map(str, seeds))}, with the {context.args.impl}' layers on "
            f"{context.args.dataset} ({describe_strategy(context.args, context.strategy)}), "
            f"into {context.out}/"
        )

    def run(self, context):
        from ..ksh.setup import training_note
        from .training import PAPER
        from .training import run as train_both

        setup, seeds = context.plan
        costs, comparison = train_both(
            context.strategy,
            context.loaded,
            context.data,
            context.out,
            setup,
            seeds=seeds,
            auxiliary=context.args.auxiliary,
        )
        return Outcome(
            tables=[costs, comparison],
            notes=[
                "Module 3a in the paper's Table 1: 159K weights, 128M multiply-adds.",
                f"Every net: {training_note(setup.ksh)}; errors at the epoch of best "
                "validation accuracy (centre crop), and the last epoch's nets on ten crops; "
                f"each net's mean ± sd over {len(seeds)} seed(s) (seeds.csv: each seed's); "
                "Δ against the KSH-style net (the auxiliary classifier's GoogLeNet against "
                "the GoogLeNet), beyond the spread when larger than the sum of the two nets' "
                "sds.",
                "Paper: " + PAPER,
            ],
            files=["costs.csv", "comparison.csv", "seeds.csv", "learning_curves.png"],
        )

    def learned(self, context):
        import pandas as pd

        from ..ksh.learning import top1_signs

        setup, _ = context.plan
        errors = pd.read_csv(context.out / "comparison.csv").set_index("row")["top-1 error %"]
        full = (
            "the full run (12 epochs, seeds 0-2) took KSH's net to 18.7 ± 1.1% top-1 error, "
            "GoogLeNet to 28.0 ± 2.7%"
        )
        return top1_signs(errors.to_dict(), context.data, setup.ksh.epochs, "net", full)


EXPERIMENT = GoogLeNetExperiment()
