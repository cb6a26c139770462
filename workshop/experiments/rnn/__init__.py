"""`workshop run rnn`: the adding problem with the tanh RNN and the LSTM, gradients
through time, and digits read row by row (training.py; settings in setup.py)."""

from ...errors import UsageError
from ..experiment import Experiment, Outcome


class RnnExperiment(Experiment):
    name = "rnn"
    help = "the adding problem, gradients through time, digits row by row"
    # The step loop has no chief/worker file handling yet: one machine only.
    strategies = ("default", "mirrored")
    dataset_help = "images read row by row (default digits; mnist needs a download)"
    needs = {"rnn": ("rnn", "SimpleRNNCell"), "lstm": ("lstm", "LSTMCell")}

    def add_arguments(self, parser):
        parser.add_argument(
            "--lengths", help="adding-problem lengths T, e.g. 20,100 (default 20,50,100,200)"
        )
        parser.add_argument(
            "--steps", type=int, help="training steps per adding run (default 3000)"
        )
        parser.add_argument(
            "--batch-size", type=int, help="global batch of the adding runs (default 64)"
        )

    def plan(self, args):
        from dataclasses import replace

        from .setup import QUICK, Setup

        setup = QUICK if args.quick else Setup()
        changes = {}
        if args.lengths:
            try:
                lengths = tuple(int(k) for k in args.lengths.split(",") if k)
            except ValueError:
                lengths = ()
            if not lengths or min(lengths) < 2:
                raise UsageError(
                    f"--lengths {args.lengths}: give whole numbers of at least 2, e.g. 20,100"
                )
            changes["lengths"] = lengths
            changes["gradient_length"] = min(lengths, key=lambda t: abs(t - setup.gradient_length))
        for flag in ("steps", "batch_size"):
            value = getattr(args, flag)
            if value is not None:
                if value < 1:
                    raise UsageError(f"--{flag.replace('_', '-')} must be positive")
                changes[flag] = value
        if "steps" in changes:
            changes["eval_every"] = min(setup.eval_every, changes["steps"])
        return replace(setup, **changes)

    def try_once(self, loaded, plan):
        from ..harness import run_once
        from .training import sequence_model

        for kind, cell in loaded.items():
            run_once(lambda: sequence_model(cell, kind, 4, (3, 2), 1))

    def describe(self, context):
        return (
            f"Training the {context.args.impl}' cells "
            f"({context.strategy.num_replicas_in_sync} replica(s), "
            f"{context.args.strategy} strategy), into {context.out}/"
        )

    def run(self, context):
        from . import training

        setup = context.plan
        adding, digits = training.run(
            context.strategy,
            context.loaded,
            context.data,
            context.out,
            setup,
            seed=context.args.seed,
        )
        return Outcome(
            tables=[adding, digits],
            notes=[
                f"Adding problem: {setup.steps} steps of batch {setup.batch_size}, Adam "
                f"(learning rate {setup.learning_rate}, gradient norm clipped to 1), "
                f"{setup.units} units; the LSTM's forget-gate bias starts at 1."
            ],
            files=[
                "adding.csv",
                "sequential_digits.csv",
                "adding_curves.png",
                "gradient_norms.png",
                "per-run logs",
            ],
        )

    def learned(self, context):
        import pandas as pd

        from ..experiment import Learned, guessing
        from .training import BASELINE_MSE

        setup = context.plan
        adding = pd.read_csv(context.out / "adding.csv")
        # Answering 1 always: MSE 1/6, sd of one squared error sqrt(1/15 - 1/36).
        luck = 3 * (1 / 15 - 1 / 36) ** 0.5 / setup.test_size**0.5
        shortest = min(setup.lengths)
        smoke = ""
        if setup.steps < 1000:
            smoke = (
                f"{setup.steps} steps; in the full run (3,000 steps) the LSTM solves every "
                "length by step 400-1,600 and the RNN T = 20 by step 1,300"
            )
        signs = []
        for _, row in adding.iterrows():
            # The tanh RNN at the baseline from T = 50 on is the lesson, not a failure.
            if row["cell"] != "LSTM" and row["T"] != shortest:
                continue
            signs.append(
                Learned(
                    f"adding problem T = {row['T']}, {row['cell']}: test MSE",
                    float(row["test MSE"]),
                    BASELINE_MSE,
                    luck,
                    higher_is_better=False,
                    smoke=smoke,
                )
            )
        digits = pd.read_csv(context.out / "sequential_digits.csv")
        chance, noise = guessing(context.data)
        for _, row in digits.iterrows():
            signs.append(
                Learned(
                    f"sequential digits, {row['cell']}: test accuracy %",
                    float(row["test accuracy %"]),
                    chance,
                    noise,
                )
            )
        return signs


EXPERIMENT = RnnExperiment()
