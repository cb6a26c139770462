"""The parts of `workshop run` every experiment shares: the common flags, the strategy,
loading the reference's or the student's objects, the one-line preflight, the data."""

import sys

from ..edition import NO_SOLUTIONS, is_release
from ..errors import RunFailed, UsageError
from ..quiet import import_tensorflow


def add_common_flags(parser, experiment):
    parser.add_argument(
        "--impl",
        choices=["solutions", "exercises"],
        default="exercises" if is_release() else "solutions",
        help="whose layers to train: the reference or yours (default solutions; "
        "exercises in a student copy)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="a smoke run: 20 s to about a minute on 2 CPU cores"
    )
    parser.add_argument("--strategy", choices=list(experiment.strategies), default="default")
    parser.add_argument(
        "--devices",
        type=int,
        default=2,
        help="mirrored without GPUs: how many logical CPU devices (default 2)",
    )
    if "parameter_server" in experiment.strategies:
        parser.add_argument(
            "--workers",
            type=int,
            default=2,
            help="parameter_server without TF_CONFIG: in-process workers (default 2)",
        )
        parser.add_argument(
            "--ps",
            type=int,
            default=1,
            help="parameter_server without TF_CONFIG: its parameter servers (default 1)",
        )
    parser.add_argument(
        "--precision",
        choices=["float32", "mixed"],
        default="float32",
        help="mixed: layers compute in float16 on GPUs (with a loss scale), bfloat16 on "
        "CPUs, and keep float32 weights (default float32)",
    )
    parser.add_argument(
        "--jit-compile",
        action="store_true",
        help="compile each training step's forward and backward pass with XLA",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", help=f"output folder (default {experiment.default_out_help})")
    if not experiment.datasets:  # an experiment that makes its own data (an environment)
        return
    parser.add_argument(
        "--data-dir", help="TensorFlow Datasets folder (default ~/.cache/nndl-workshop)"
    )
    parser.add_argument(
        "--download",
        action="store_true",
        help="let TensorFlow Datasets download a data set that is not prepared",
    )
    parser.add_argument(
        "--dataset",
        default=experiment.datasets[0],
        choices=list(experiment.datasets),
        help=experiment.dataset_help,
    )


def make_strategy(args):
    """TensorFlow, configured for the strategy before its first op, and the strategy."""
    from ..train import strategy as strategies

    made = {}

    def configure(tf):  # before the first op: devices and collectives are fixed after it
        if args.strategy == "mirrored":
            strategies.split_cpu(tf, args.devices)
        elif getattr(args, "model_parallel", 1) > 1:  # a model that places its own layers
            strategies.split_cpu(tf, args.model_parallel)
        if args.strategy == "multiworker":
            made["strategy"] = strategies.make_strategy(tf, "multiworker")

    try:
        tf = import_tensorflow(configure)
    except ValueError as error:
        raise UsageError(str(error)) from None
    from ..train import levers  # imports Keras: after TensorFlow's quiet import

    levers.configure(tf, args.precision, args.jit_compile)
    return tf, made.get("strategy") or strategies.make_strategy(
        tf,
        args.strategy,
        args.devices,
        workers=getattr(args, "workers", 2),
        ps=getattr(args, "ps", 1),
    )


def describe_strategy(args, strategy):
    """E.g. "2 replica(s), mirrored strategy" or "2 worker(s) + 1 ps, parameter_server"."""
    if args.strategy == "parameter_server":
        from ..train.strategy import cluster_shape

        workers, ps = cluster_shape(strategy)
        return f"{workers} worker(s) + {ps} ps, asynchronous parameter_server strategy"
    return f"{strategy.num_replicas_in_sync} replica(s), {args.strategy} strategy"


def load_splits(args):
    from ..data import DatasetUnavailable, load_splits

    try:
        return load_splits(args.dataset, args.data_dir, download=args.download)
    except DatasetUnavailable as error:
        raise RunFailed(str(error)) from None


def implementation(impl, root):
    """Where `workshop run` takes what an experiment needs: the reference package, or the
    student's exercises/ folder. One for all of an experiment's needs: a second folder
    implementation would import exercises/ afresh and drop the first one's modules from
    sys.modules, where `module_of` finds them."""
    from ..grader.loading import FolderImplementation, PackageImplementation

    if impl == "solutions" and is_release():
        raise RunFailed(f"{NO_SOLUTIONS}: train your own layers with --impl exercises")
    return PackageImplementation("solutions") if impl == "solutions" else FolderImplementation(root)


def load(source, module, name):
    """`name` from solutions/<module>.py or the student's exercises/<module>.py, as
    `source` (from `implementation`) holds them."""
    from ..grader.loading import Unavailable

    try:
        return source.get(module, name)
    except Unavailable as unavailable:
        raise RunFailed(unavailable.reason.splitlines()[0]) from None


def module_of(loaded):
    """The module (exercises/<module>.py or solutions/<module>.py) an object comes from."""
    return sys.modules[loaded.__module__]


def run_once(build_model):
    """Build the model and run one input of zeros through it."""
    import numpy as np

    model = build_model()
    model(np.zeros((1,) + tuple(model.input_shape[1:]), np.float32), training=False)


def preflight(attempt, impl):
    """Run `attempt()` (build a model, run one input), so that an unwritten or broken
    layer is one line here, not a traceback in the middle of training."""
    from ..grader.stubs import STUB_MESSAGE
    from ..grader.student_errors import explain

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


def print_table(table, width=None):
    """A results table as a person reads it: numbers rounded (whole numbers without
    ".0", others to 4 significant digits, 1 decimal from 1000 on), "–" where there is
    no value, and columns wrapped to the terminal's width (80 when not a terminal)."""
    import shutil

    width = width or shutil.get_terminal_size((80, 24)).columns
    shown = table.astype(object).map(shown_number) if len(table) else table
    print(shown.to_string(index=False, line_width=width))


def shown_number(value):
    """A table cell as a person reads it (print_table's rule); anything else unchanged."""
    import math
    import numbers

    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return value
    if float(value).is_integer():
        return f"{int(value)}"
    if abs(value) >= 1000:
        return f"{value:.1f}"
    return f"{value:.4g}"


def write_learned(signs, path):
    """learning.csv: one row per `Learned` sign, with its verdict."""
    import pandas as pd

    rows = [
        {
            "measure": sign.measure,
            "value": sign.value,
            "chance": sign.chance,
            "noise (3 sd)": sign.noise,
            "higher is better": sign.higher_is_better,
            "beyond chance": sign.beyond_chance,
            "smoke run": sign.smoke,
        }
        for sign in signs
    ]
    pd.DataFrame(rows).to_csv(path, index=False)


def write_settings(args, strategy, path):
    """run.json: what the results in the folder were made with."""
    import json

    from ..train import levers

    settings = {
        "experiment": args.experiment,
        "impl": args.impl,
        "quick": bool(args.quick),
        "seed": args.seed,
        "strategy": describe_strategy(args, strategy),
        **levers.record(),
    }
    if getattr(args, "dataset", None):
        settings["dataset"] = args.dataset
    path.write_text(json.dumps(settings, indent=1) + "\n")


def write_throughput(path):
    """throughput.csv: each training loop's samples per second in this process
    (train/meter.py), its first calls (tracing, compiling) kept apart."""
    import pandas as pd

    from ..train import meter

    pd.DataFrame(meter.rows()).to_csv(path, index=False)
