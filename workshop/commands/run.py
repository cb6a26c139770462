"""`workshop run NAME`: train an experiment end to end with the reference's layers or the
student's, under a `tf.distribute` strategy. The sub-commands come from the registry of
experiments (workshop/experiments/registry.py)."""

from pathlib import Path

from ..errors import UsageError
from .command import Command


def _experiments():
    from ..experiments.registry import experiments

    return experiments()


def add_arguments(parser):
    from ..experiments.harness import add_common_flags

    found = _experiments()
    choices = parser.add_subparsers(
        dest="experiment", metavar="EXPERIMENT", parser_class=type(parser)
    )
    choices.required = True
    for experiment in found.values():
        sub = choices.add_parser(experiment.name, help=experiment.help)
        add_common_flags(sub, experiment)
        experiment.add_arguments(sub)
    everything = choices.add_parser(
        "all", help="every experiment in turn, resumable, and one HTML page of the results"
    )
    _everything().add_arguments(everything)


def _everything():
    from ..experiments import everything

    return everything


def run(args, root):
    from ..experiments import harness
    from ..experiments.experiment import Context

    if args.experiment == "all":
        return _everything().run(args, root)
    experiment = _experiments()[args.experiment]
    if args.devices < 1 or getattr(args, "workers", 1) < 1 or getattr(args, "ps", 1) < 1:
        raise UsageError("--devices, --workers and --ps must be positive")
    plan = experiment.plan(args)  # before the slow import: a typo is answered at once
    _, strategy = harness.make_strategy(args)
    source = harness.implementation(args.impl, root)
    loaded = {
        key: harness.load(source, module, name) for key, (module, name) in experiment.needs.items()
    }
    harness.preflight(lambda: experiment.try_once(loaded, plan), args.impl)
    data = experiment.load_data(args)
    out = Path(args.out or experiment.default_out(args))
    context = Context(args, plan, strategy, loaded, data, out, root)
    print(experiment.describe(context))
    if args.precision != "float32" or args.jit_compile:
        from ..train import levers

        print(f"With {levers.describe()}.")
    if args.jit_compile and args.strategy == "parameter_server":
        print("XLA leaves the asynchronous step uncompiled: its variables live on the servers.")
    outcome = experiment.run(context)
    for number, table in enumerate(outcome.tables):
        if number:
            print()
        harness.print_table(table)
    for note in outcome.notes:
        print(note)
    signs = experiment.learned(context)
    print("Did it learn?")
    for sign in signs:
        print(f"  {sign.line()}")
    harness.write_learned(signs, out / "learning.csv")
    harness.write_settings(args, strategy, out / "run.json")
    harness.write_throughput(out / "throughput.csv")
    written = [*outcome.files, "learning.csv", "run.json", "throughput.csv"]
    print(f"Wrote {out}/: {', '.join(written)}.")
    return 0


COMMAND = Command(
    "run",
    "train an experiment end to end (" + ", ".join(sorted(_experiments())) + ")",
    add_arguments,
    run,
    resumable=True,
)
