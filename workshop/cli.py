"""The `workshop` command: list, check, hint, selfcheck and run.

Arguments are parsed before TensorFlow is imported, so a typo is answered at once.
"""

import argparse
import sys
from pathlib import Path

from .quiet import import_tensorflow

USAGE_EXIT = 2


class UsageError(Exception):
    """Bad input from the user: one line, exit code 2."""


class RunFailed(Exception):
    """The command could not do its job for a reason the user can act on: exit 1."""


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(f"{message}. See `{self.prog} --help`.")


def build_parser():
    parser = Parser(
        prog="workshop",
        description="Write the layers of chapter 6 of Nielsen's book and get them graded.",
    )
    parser.add_argument(
        "--root",
        help="the folder that holds exercises/ (default: found from the current folder)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    commands.required = True
    commands.add_parser("list", help="the exercises, their points and your last status")
    check = commands.add_parser("check", help="grade exercises (all by default)")
    check.add_argument(
        "exercises", nargs="*", metavar="EXERCISE", help="id or name, e.g. 1.1 or conv"
    )
    check.add_argument("--json", action="store_true", help="print the results as JSON")
    check.add_argument("--seed", type=int, help="seed for the random inputs and weights")
    hint = commands.add_parser("hint", help="one more hint for an exercise each time")
    hint.add_argument("exercise", metavar="EXERCISE")
    selfcheck = commands.add_parser(
        "selfcheck", help="prove the grader: solutions full marks, stubs 0, every mistake caught"
    )
    selfcheck.add_argument("--seed", type=int, help="seed for the random inputs and weights")
    add_run_parser(commands)
    return parser


def add_run_parser(commands):
    run = commands.add_parser("run", help="train an experiment end to end (cnn)")
    run.add_argument("experiment", choices=["cnn"], help="which experiment")
    run.add_argument(
        "--impl",
        choices=["solutions", "exercises"],
        default="solutions",
        help="whose layers to train: the reference or yours (default solutions)",
    )
    run.add_argument(
        "--dataset",
        default="digits",
        choices=["digits", "mnist", "cifar10", "svhn_cropped"],
        help="digits ships with scikit-learn; the others need a download",
    )
    run.add_argument(
        "--data-dir", help="TensorFlow Datasets folder (default ~/.cache/nndl-workshop)"
    )
    run.add_argument(
        "--download",
        action="store_true",
        help="let TensorFlow Datasets download a data set that is not prepared",
    )
    run.add_argument("--quick", action="store_true", help="one epoch per row: a smoke test")
    run.add_argument("--rows", help="comma-separated rows, e.g. shallow,conv1 (default all)")
    run.add_argument("--epochs", type=int, help="epochs for every row (default: per row)")
    run.add_argument(
        "--batch-size", type=int, default=10, help="global mini-batch size (default 10)"
    )
    run.add_argument(
        "--patience",
        type=int,
        default=0,
        help="stop a row after this many epochs without a better validation "
        "accuracy (default 0: never, as the book)",
    )
    run.add_argument(
        "--strategy", choices=["default", "mirrored", "multiworker"], default="default"
    )
    run.add_argument(
        "--devices",
        type=int,
        default=2,
        help="mirrored without GPUs: how many logical CPU devices (default 2)",
    )
    run.add_argument("--seed", type=int, default=0)
    run.add_argument("--out", help="output folder (default runs/<experiment>-<dataset>-<impl>)")


def find_root(given):
    """The folder with exercises/: --root, else the current folder or a parent of it,
    else the checkout the workshop is installed from."""
    if given:
        root = Path(given).expanduser().resolve()
        if not (root / "exercises" / "__init__.py").is_file():
            raise UsageError(f"--root {given}: no exercises/ folder there")
        return root
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "exercises" / "__init__.py").is_file():
            return folder
    installed = Path(__file__).resolve().parent.parent
    if (installed / "exercises" / "__init__.py").is_file():
        return installed
    raise UsageError("no exercises/ folder here or above: cd into the workshop, or pass --root")


def pick_exercises(names):
    from . import catalog

    if not names:
        return list(catalog.EXERCISES)
    picked = []
    for name in names:
        exercise = catalog.find(name)
        if exercise is None:
            known = ", ".join(f"{e.id} ({e.slug})" for e in catalog.EXERCISES)
            raise UsageError(f"unknown exercise '{name}'; choose from {known}")
        if exercise not in picked:
            picked.append(exercise)
    return picked


def command_list(args, root):
    from . import catalog
    from .state import State

    state = State(root)
    print(f"{'id':<5} {'name':<8} {'points':>6}  {'last check':<16} title")
    for exercise in catalog.EXERCISES:
        seen = state.progress(exercise.slug)
        status = f"{seen['status']} {seen['points']:g}" if seen else "not checked yet"
        print(
            f"{exercise.id:<5} {exercise.slug:<8} {exercise.max_points:>6g}  {status:<16} {exercise.title}"
        )
    return 0


def command_check(args, root):
    exercises = pick_exercises(args.exercises)  # before the slow import: typos answer at once
    import_tensorflow()
    from . import report
    from .grader import results
    from .grader.loading import FolderImplementation
    from .grading import DEFAULT_SEED, grade
    from .state import State

    seed = DEFAULT_SEED if args.seed is None else args.seed
    graded = grade(exercises, FolderImplementation(root), seed)
    state = State(root)
    for result in graded:
        state.record(result)
    state.save()
    if args.json:
        print(report.as_json(graded, seed))
    else:
        print(report.text(graded, seed, "workshop check"))
    return 0 if all(r.status == results.PASSED for r in graded) else 1


def command_hint(args, root):
    exercise = pick_exercises([args.exercise])[0]
    from .state import State

    state = State(root)
    tier, text = state.next_hint(exercise.slug, exercise.hints)
    state.save()
    print(f"Exercise {exercise.id} ({exercise.slug}), hint {tier} of {len(exercise.hints)}:")
    print(f"  {text}")
    if tier == len(exercise.hints):
        print("  That is the last hint; the docstring in the stub has the formula and shapes.")
    return 0


def command_selfcheck(args, root):
    from . import catalog, selfcheck
    from .grading import DEFAULT_SEED

    import_tensorflow()
    seed = DEFAULT_SEED if args.seed is None else args.seed
    report = selfcheck.run(list(catalog.EXERCISES), root, seed)
    if report.ok:
        print(f"selfcheck passed (seed {seed})")
        return 0
    print(f"selfcheck FAILED (seed {seed}):")
    for problem in report.problems:
        print(f"  - {problem}")
    return 1


def command_run(args, root):
    from .experiments import cnn
    from .train import strategy as strategies

    try:
        rows = cnn.select_rows([k for k in (args.rows or "").split(",") if k])
    except ValueError as error:
        raise UsageError(str(error)) from None
    if args.devices < 1 or args.batch_size < 1 or (args.epochs is not None and args.epochs < 1):
        raise UsageError("--devices, --batch-size and --epochs must be positive")
    if args.patience < 0:
        raise UsageError("--patience must be 0 (never stop early) or more")

    made = {}

    def configure(tf):  # before the first op: devices and collectives are fixed after it
        if args.strategy == "mirrored":
            strategies.split_cpu(tf, args.devices)
        if args.strategy == "multiworker":
            made["strategy"] = strategies.make_strategy(tf, "multiworker")

    try:
        tf = import_tensorflow(configure)
    except ValueError as error:
        raise UsageError(str(error)) from None
    strategy = made.get("strategy") or strategies.make_strategy(tf, args.strategy, args.devices)

    build_network = _network_builder(args.impl, root)
    for row in rows:
        _preflight(build_network, row.network, args.impl)

    from .data import DatasetUnavailable, load_splits

    try:
        splits = load_splits(args.dataset, args.data_dir, download=args.download)
    except DatasetUnavailable as error:
        raise RunFailed(str(error)) from None
    out = Path(args.out or f"runs/cnn-{args.dataset}-{args.impl}")
    print(
        f"Training {len(rows)} row(s) with the {args.impl}' layers on {args.dataset} "
        f"({strategy.num_replicas_in_sync} replica(s), {args.strategy} strategy), into {out}/"
    )
    table = cnn.run(
        tf,
        strategy,
        build_network,
        splits,
        rows,
        out,
        seed=args.seed,
        quick=args.quick,
        epochs=args.epochs,
        batch_size=args.batch_size,
        patience=args.patience,
    )
    import pandas as pd

    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(table.to_string(index=False))
    print(f"Book setup: {cnn.BOOK_SETUP}.")
    print(f"Wrote {out}/results.csv, learning_curves.png, filters.png, and per-row logs.")
    return 0


def _network_builder(impl, root):
    from .grader.loading import FolderImplementation, PackageImplementation, Unavailable

    source = (
        PackageImplementation("solutions") if impl == "solutions" else FolderImplementation(root)
    )
    try:
        return source.get("network", "build_network")
    except Unavailable as unavailable:
        raise RunFailed(unavailable.reason.splitlines()[0]) from None


def _preflight(build_network, network, impl):
    """Build the row's network and run one image through it, so that an unwritten or
    broken layer is one line here, not a traceback in the middle of training."""
    import numpy as np

    from .grader.exercise import STUB_MESSAGE
    from .grader.student_errors import explain

    try:
        model = build_network(**network)
        model(np.zeros((1,) + tuple(model.input_shape[1:]), np.float32), training=False)
    except NotImplementedError as error:
        stub = STUB_MESSAGE.search(str(error))
        what = f"{stub.group(2)} (Exercise {stub.group(1)})" if stub else "a layer"
        hint = f" (workshop check {stub.group(1)})" if stub else ""
        raise RunFailed(
            f"--impl {impl}: {what} is not written yet: finish it{hint} before training your layers"
        ) from None
    except Exception as error:
        raise RunFailed(
            f"--impl {impl}: building the network failed: " + explain(error, None).splitlines()[0]
        ) from None


COMMANDS = {
    "list": command_list,
    "check": command_check,
    "hint": command_hint,
    "selfcheck": command_selfcheck,
    "run": command_run,
}


def main(argv=None):
    args = None
    try:
        args = build_parser().parse_args(argv)
        root = find_root(args.root)
        return COMMANDS[args.command](args, root)
    except UsageError as error:
        print(f"workshop: {error}", file=sys.stderr)
        return USAGE_EXIT
    except RunFailed as error:
        print(f"workshop: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        again = args is not None and args.command == "run"
        resume = " (run the same command again to resume)" if again else ""
        print(f"workshop: interrupted{resume}", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
