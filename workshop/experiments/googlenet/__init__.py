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
        parser.add_argument("--epochs", type=int, help="epochs for both nets (default 12)")

    def plan(self, args):
        from dataclasses import replace

        from ..ksh.setup import asynchronous
        from .setup import QUICK, Setup

        if args.epochs is not None and args.epochs < 1:
            raise UsageError("--epochs must be positive")
        setup = QUICK if args.quick else Setup()
        if args.epochs:
            setup = replace(setup, ksh=replace(setup.ksh, epochs=args.epochs))
        if args.strategy == "parameter_server":
            setup = replace(setup, ksh=asynchronous(setup.ksh))
        return setup

    def try_once(self, loaded, plan):
        import numpy as np

        from .network import build_googlenet

        model = build_googlenet(
            loaded["InceptionModule"],
            loaded["LocalResponseNormalization"],
            10,
            (28, 28, 3),
            modules=plan.modules,
            stem=plan.stem,
        )
        model(np.zeros((1, 28, 28, 3), np.float32), training=True)
        loaded["top_k_accuracy"](np.eye(3), np.arange(3), 1)

    def describe(self, context):
        from ..harness import describe_strategy

        return (
            f"Inception costs, then a small GoogLeNet against the KSH-style net with the "
            f"{context.args.impl}' layers on {context.args.dataset} "
            f"({describe_strategy(context.args, context.strategy)}), into {context.out}/"
        )

    def run(self, context):
        from ..ksh.setup import training_note
        from .training import PAPER
        from .training import run as train_both

        setup = context.plan
        costs, comparison = train_both(
            context.strategy,
            context.loaded,
            context.data,
            context.out,
            setup,
            seed=context.args.seed,
        )
        return Outcome(
            tables=[costs, comparison],
            notes=[
                "Module 3a in the paper's Table 1: 159K weights, 128M multiply-adds.",
                f"Both nets: {training_note(setup.ksh)}; errors at the epoch of best "
                "validation accuracy (centre crop), and the last epoch's nets on ten crops.",
                "Paper: " + PAPER,
            ],
            files=["costs.csv", "comparison.csv", "learning_curves.png"],
        )

    def learned(self, context):
        import pandas as pd

        from ..ksh.learning import top1_signs

        errors = pd.read_csv(context.out / "comparison.csv").set_index("net")["top-1 error %"]
        full = "the full run (12 epochs) took KSH's net to 33% top-1 error, GoogLeNet to 41%"
        return top1_signs(errors.to_dict(), context.data, context.plan.ksh.epochs, "net", full)


EXPERIMENT = GoogLeNetExperiment()
