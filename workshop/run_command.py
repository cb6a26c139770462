"""`workshop run cnn|rnn`: train an experiment end to end with the reference's layers
or the student's, under a `tf.distribute` strategy."""

from pathlib import Path

from .edition import NO_SOLUTIONS, is_release
from .errors import RunFailed, UsageError
from .quiet import import_tensorflow

DATASETS = ["digits", "mnist", "cifar10", "svhn_cropped"]


def _common_flags(parser, strategies):
    parser.add_argument(
        "--impl",
        choices=["solutions", "exercises"],
        default="exercises" if is_release() else "solutions",
        help="whose layers to train: the reference or yours (default solutions; "
        "exercises in a student copy)",
    )
    parser.add_argument("--quick", action="store_true", help="a smoke run of a minute or two")
    parser.add_argument("--strategy", choices=strategies, default="default")
    parser.add_argument(
        "--devices",
        type=int,
        default=2,
        help="mirrored without GPUs: how many logical CPU devices (default 2)",
    )
    parser.add_argument(
        "--data-dir", help="TensorFlow Datasets folder (default ~/.cache/nndl-workshop)"
    )
    parser.add_argument(
        "--download",
        action="store_true",
        help="let TensorFlow Datasets download a data set that is not prepared",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", help="output folder (default runs/<experiment>-<dataset>-<impl>)")


def add_run_parser(commands):
    run = commands.add_parser("run", help="train an experiment end to end (cnn, rnn, rbm)")
    experiments = run.add_subparsers(
        dest="experiment", metavar="EXPERIMENT", parser_class=type(run)
    )
    experiments.required = True

    cnn = experiments.add_parser("cnn", help="the book's chapter-6 table, row by row")
    _common_flags(cnn, ["default", "mirrored", "multiworker"])
    cnn.add_argument(
        "--dataset", default="digits", choices=DATASETS,
        help="digits ships with scikit-learn; the others need a download",
    )  # fmt: skip
    cnn.add_argument("--rows", help="comma-separated rows, e.g. shallow,conv1 (default all)")
    cnn.add_argument("--epochs", type=int, help="epochs for every row (default: per row)")
    cnn.add_argument("--batch-size", type=int, default=10, help="global mini-batch (default 10)")
    cnn.add_argument(
        "--patience",
        type=int,
        default=0,
        help="stop a row after this many epochs without a better validation "
        "accuracy (default 0: never, as the book)",
    )

    rnn = experiments.add_parser(
        "rnn", help="the adding problem, gradients through time, digits row by row"
    )
    # The step loop has no chief/worker file handling yet: one machine only.
    _common_flags(rnn, ["default", "mirrored"])
    rnn.add_argument(
        "--dataset", default="digits", choices=DATASETS[:2],
        help="images read row by row (default digits; mnist needs a download)",
    )  # fmt: skip
    rnn.add_argument(
        "--lengths", help="adding-problem lengths T, e.g. 20,100 (default 20,50,100,200)"
    )
    rnn.add_argument("--steps", type=int, help="training steps per adding run (default 3000)")
    rnn.add_argument("--batch-size", type=int, help="global batch of the adding runs (default 64)")
    _add_rbm_parser(experiments)


def _add_rbm_parser(experiments):
    rbm = experiments.add_parser(
        "rbm", help="RBMs by contrastive divergence, RBM features, a deep belief network"
    )
    # RBM training runs on one device; a strategy only spreads the DBN's fine-tuning.
    _common_flags(rbm, ["default", "mirrored"])
    rbm.add_argument(
        "--dataset", default="digits", choices=DATASETS[:2],
        help="binarised images (default digits at 8×8; mnist needs a download)",
    )  # fmt: skip


def command_run(args, root):
    if args.devices < 1:
        raise UsageError("--devices must be positive")
    check = {"cnn": _check_cnn_flags, "rnn": _check_rnn_flags, "rbm": _check_rbm_flags}
    plan = check[args.experiment](args)  # before the slow import: a typo is answered at once
    tf, strategy = _strategy(args)
    if args.experiment == "cnn":
        return _run_cnn(args, root, tf, strategy, plan)
    if args.experiment == "rnn":
        return _run_rnn(args, root, strategy, plan)
    return _run_rbm(args, root, strategy, plan)


def _strategy(args):
    from .train import strategy as strategies

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
    return tf, made.get("strategy") or strategies.make_strategy(tf, args.strategy, args.devices)


def _load_splits(args):
    from .data import DatasetUnavailable, load_splits

    try:
        return load_splits(args.dataset, args.data_dir, download=args.download)
    except DatasetUnavailable as error:
        raise RunFailed(str(error)) from None


# --- cnn -------------------------------------------------------------------------


def _check_cnn_flags(args):
    from .experiments import cnn

    try:
        rows = cnn.select_rows([k for k in (args.rows or "").split(",") if k])
    except ValueError as error:
        raise UsageError(str(error)) from None
    if args.batch_size < 1 or (args.epochs is not None and args.epochs < 1):
        raise UsageError("--batch-size and --epochs must be positive")
    if args.patience < 0:
        raise UsageError("--patience must be 0 (never stop early) or more")
    return rows


def _run_cnn(args, root, tf, strategy, rows):
    from .experiments import cnn

    build_network = _load(args.impl, root, "network", "build_network")
    for row in rows:
        _preflight(lambda: _run_once(lambda: build_network(**row.network)), args.impl)
    splits = _load_splits(args)
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
    _print_table(table)
    print(f"Book setup: {cnn.BOOK_SETUP}.")
    print(f"Wrote {out}/results.csv, learning_curves.png, filters.png, and per-row logs.")
    return 0


# --- rnn -------------------------------------------------------------------------


def _check_rnn_flags(args):
    from dataclasses import replace

    from .experiments.rnn_setup import QUICK, Setup

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
    for flag, field in (("steps", "steps"), ("batch_size", "batch_size")):
        value = getattr(args, flag)
        if value is not None:
            if value < 1:
                raise UsageError(f"--{flag.replace('_', '-')} must be positive")
            changes[field] = value
    if "steps" in changes:
        changes["eval_every"] = min(setup.eval_every, changes["steps"])
    return replace(setup, **changes)


def _run_rnn(args, root, strategy, setup):
    from .experiments import rnn

    cells = {
        "rnn": _load(args.impl, root, "rnn", "SimpleRNNCell"),
        "lstm": _load(args.impl, root, "lstm", "LSTMCell"),
    }
    for kind, cell in cells.items():
        _preflight(
            lambda: _run_once(lambda: rnn.sequence_model(cell, kind, 4, (3, 2), 1)), args.impl
        )
    splits = _load_splits(args)
    out = Path(args.out or f"runs/rnn-{args.dataset}-{args.impl}")
    print(
        f"Training the {args.impl}' cells ({strategy.num_replicas_in_sync} replica(s), "
        f"{args.strategy} strategy), into {out}/"
    )
    adding, digits = rnn.run(strategy, cells, splits, out, setup, seed=args.seed)
    _print_table(adding)
    print()
    _print_table(digits)
    print(
        f"Adding problem: {setup.steps} steps of batch {setup.batch_size}, Adam "
        f"(learning rate {setup.learning_rate}, gradient norm clipped to 1), {setup.units} "
        "units; the LSTM's forget-gate bias starts at 1."
    )
    print(
        f"Wrote {out}/adding.csv, sequential_digits.csv, adding_curves.png, "
        "gradient_norms.png, and per-run logs."
    )
    return 0


# --- rbm -------------------------------------------------------------------------


def _check_rbm_flags(args):
    from .experiments.rbm_setup import QUICK, Setup

    return QUICK if args.quick else Setup()


def _try_rbm(modules):
    import numpy as np

    rbm = modules["rbm"].RBM(3)
    rbm.build((None, 4))
    rbm.contrastive_divergence(np.zeros((2, 4), np.float32), k=1)
    stack = modules["dbn"].greedy_pretrain(np.zeros((2, 4), np.float32), (3,), lambda r, d: None)
    modules["dbn"].build_classifier(stack, 2)


def _run_rbm(args, root, strategy, setup):
    from .data.binary_images import load_binary
    from .data.pipeline import DatasetUnavailable
    from .experiments import rbm

    modules = {
        "rbm": _module(args.impl, root, "rbm", "RBM"),
        "dbn": _module(args.impl, root, "dbn", "greedy_pretrain"),
    }
    _preflight(lambda: _try_rbm(modules), args.impl)
    try:
        data = load_binary(args.dataset, args.data_dir, download=args.download)
    except DatasetUnavailable as error:
        raise RunFailed(str(error)) from None
    out = Path(args.out or f"runs/rbm-{args.dataset}-{args.impl}")
    print(f"Training the {args.impl}' RBM and DBN on binarised {args.dataset}, into {out}/")
    tables = rbm.run(strategy, modules, data, out, setup, seed=args.seed)
    for name, table in tables.items():
        _print_table(table)
        print()
    print(
        f"RBMs: mini-batches of {setup.batch_size}, learning rate {setup.learning_rate}; "
        f"likelihood exact over all 2^{setup.ll_hidden} hidden states, on the test split."
    )
    print(
        f"Wrote {out}/likelihood.csv, speed.csv, features.csv, dbn.csv, likelihood.png, "
        "filters.png, samples.png."
    )
    return 0


# --- shared ----------------------------------------------------------------------


def _print_table(table):
    import pandas as pd

    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(table.to_string(index=False))


def _module(impl, root, module, name):
    """The module (exercises/<module>.py or solutions/<module>.py) holding `name`."""
    import sys

    return sys.modules[_load(impl, root, module, name).__module__]


def _load(impl, root, module, name):
    from .grader.loading import FolderImplementation, PackageImplementation, Unavailable

    if impl == "solutions" and is_release():
        raise RunFailed(f"{NO_SOLUTIONS}: train your own layers with --impl exercises")
    source = (
        PackageImplementation("solutions") if impl == "solutions" else FolderImplementation(root)
    )
    try:
        return source.get(module, name)
    except Unavailable as unavailable:
        raise RunFailed(unavailable.reason.splitlines()[0]) from None


def _run_once(build_model):
    """Build the model and run one input of zeros through it."""
    import numpy as np

    model = build_model()
    model(np.zeros((1,) + tuple(model.input_shape[1:]), np.float32), training=False)


def _preflight(attempt, impl):
    """Run `attempt()` (build a model, run one input), so that an unwritten or broken
    layer is one line here, not a traceback in the middle of training."""
    from .grader.stubs import STUB_MESSAGE
    from .grader.student_errors import explain

    try:
        attempt()
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
