"""`workshop run cnn`: the book's chapter-6 table, row by row, with the reference's or the
student's network (table.py trains it; figures in ../figures.py)."""

from ...errors import UsageError
from ..experiment import Experiment, Outcome, rows_flag


class CnnExperiment(Experiment):
    name = "cnn"
    help = "the book's chapter-6 table, row by row"
    strategies = ("default", "mirrored", "multiworker", "parameter_server")
    datasets = ("digits", "mnist", "cifar10", "svhn_cropped")
    dataset_help = "digits ships with scikit-learn; the others need a download"
    needs = {"build_network": ("network", "build_network")}

    def add_arguments(self, parser):
        parser.add_argument("--rows", help="comma-separated rows, e.g. shallow,conv1 (default all)")
        parser.add_argument("--epochs", type=int, help="epochs for every row (default: per row)")
        parser.add_argument(
            "--batch-size", type=int, default=10, help="global mini-batch (default 10)"
        )
        parser.add_argument(
            "--patience",
            type=int,
            default=0,
            help="stop a row after this many epochs without a better validation "
            "accuracy (default 0: never, as the book)",
        )

    def plan(self, args):
        from .table import ROWS

        rows = rows_flag(ROWS, args.rows)
        if args.batch_size < 1 or (args.epochs is not None and args.epochs < 1):
            raise UsageError("--batch-size and --epochs must be positive")
        if args.patience < 0:
            raise UsageError("--patience must be 0 (never stop early) or more")
        return rows

    def try_once(self, loaded, plan):
        from ..harness import run_once

        build_network = loaded["build_network"]
        for row in plan:
            run_once(lambda: build_network(**row.network))

    def describe(self, context):
        from ..harness import describe_strategy

        args = context.args
        return (
            f"Training {len(context.plan)} row(s) with the {args.impl}' layers on "
            f"{args.dataset} ({describe_strategy(args, context.strategy)}), into {context.out}/"
        )

    def run(self, context):
        import tensorflow as tf

        from . import table

        args = context.args
        results = table.run(
            tf,
            context.strategy,
            context.loaded["build_network"],
            context.data,
            context.plan,
            context.out,
            seed=args.seed,
            quick=args.quick,
            epochs=args.epochs,
            batch_size=args.batch_size,
            patience=args.patience,
        )
        notes = [f"Book setup: {table.BOOK_SETUP}."]
        chance = 100 / context.data.num_classes
        stuck = results.loc[results["test accuracy %"] < 2 * chance, "row"].tolist()
        if stuck and (args.quick or (args.epochs or 60) < 10):
            notes.append(
                f"{', '.join(stuck)}: near chance ({chance:.0f}%) after so few epochs. "
                "The sigmoid conv rows sit at chance for 10-25 epochs on the digits before "
                "they learn (docs/experiments/cnn.md): not a sign "
                "that the layers are wrong."
            )
        kept = len(table.merge_results(context.out / "results.csv", results)) - len(results)
        if kept:
            notes.append(
                f"results.csv also keeps {kept} row(s) from an earlier run into {context.out}/."
            )
        return Outcome(
            tables=[results],
            notes=notes,
            files=["results.csv", "learning_curves.png", "filters.png", "per-row logs"],
        )

    def learned(self, context):
        import pandas as pd

        from ..experiment import Learned, guessing
        from .table import QUICK_EPOCHS

        args = context.args
        accuracy = pd.read_csv(context.out / "results.csv").set_index("row")["test accuracy %"]
        chance, noise = guessing(context.data)
        signs = []
        for row in context.plan:
            epochs = args.epochs or (QUICK_EPOCHS if args.quick else row.epochs)
            sigmoid_conv = row.network.get("conv_layers") and "activation" not in row.network
            smoke = ""
            if sigmoid_conv and epochs < 25:
                smoke = (
                    f"{epochs} epoch(s): the sigmoid conv nets leave chance after 10-25 epochs "
                    "on the digits; the full 60-epoch run reaches 96-97%"
                )
            signs.append(
                Learned(
                    f"test accuracy % of row {row.key}",
                    float(accuracy[row.key]),
                    chance,
                    noise,
                    smoke=smoke,
                )
            )
        return signs


EXPERIMENT = CnnExperiment()
