"""`workshop grade`: grade a folder of submissions into a gradebook (instructors)."""

import argparse
from pathlib import Path

from ..edition import NO_SOLUTIONS, is_release
from ..errors import RunFailed, UsageError
from ..grader.seeding import refused_hidden_seed
from .command import Command
from .picking import pick_exercises


def add_arguments(parser):
    parser.add_argument("submissions", help="a folder of per-student folders or .zip files")
    parser.add_argument("--out", required=True, help="where the gradebook and feedback go")
    parser.add_argument("-j", "--jobs", type=int, default=2, help="submissions at once")
    parser.add_argument("--exercises", help="comma-separated ids or names (default all)")
    parser.add_argument("--seed", type=int, help="seed for the random inputs and weights")
    parser.add_argument("--hidden-seed", type=int, help="seed for the hidden cases")
    parser.add_argument(
        "--no-hidden", action="store_true", help="run the public checks only (no hidden cases)"
    )
    parser.add_argument(
        "--time-limit", type=float, default=60.0, help="seconds per stage of checks (default 60)"
    )
    parser.add_argument("--no-fork", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--memory-gb", type=float, default=8.0, help="memory cap per worker (default 8)"
    )
    parser.add_argument(
        "--disk-mb", type=float, default=512.0, help="disk cap per worker (default 512)"
    )
    parser.add_argument(
        "--isolation",
        choices=("auto", "landlock", "none"),
        default="auto",
        help="the walls around student code: every one the machine can give, and refuse "
        "without Landlock (auto, landlock), or none (the gradebook says so)",
    )
    parser.add_argument(
        "--shard",
        metavar="K/N",
        help="grade the K-th of N parts of the class (every N-th submission by name); "
        "join the parts with workshop gradebook merge",
    )
    parser.add_argument(
        "--key-file",
        help="the class's signing key (workshop gradebook key FILE), the same for every "
        "shard: it also draws the judge's fresh inputs (default: one made in --out)",
    )
    parser.add_argument(
        "--keep-work",
        action="store_true",
        help="keep each submission's records (OUT/submissions/NAME/records) and the "
        "reference's after judging",
    )


def run(args, root):
    if is_release():
        raise UsageError(f"{NO_SOLUTIONS}: grade a class from the instructors' repository")
    exercises = pick_exercises([e for e in (args.exercises or "").split(",") if e])
    if args.jobs < 1 or args.time_limit <= 0 or args.memory_gb <= 0 or args.disk_mb <= 0:
        raise UsageError("-j, --time-limit, --memory-gb and --disk-mb must be positive")
    refused = refused_hidden_seed(args.hidden_seed)
    if refused:
        raise UsageError(refused)
    shard = _shard(args.shard)
    key = _key(args.key_file)
    submissions = Path(args.submissions)
    if not submissions.is_dir():
        raise UsageError(f"{submissions} is not a folder: give the folder of submissions")
    from ..batch.isolation import IsolationUnavailable, probe

    try:
        probe(args.isolation)  # before the slow import: a machine without it hears at once
    except IsolationUnavailable as error:
        raise RunFailed(str(error)) from None
    from .. import catalog
    from ..batch.runner import BatchSettings, grade_batch
    from ..grader.hidden import DEFAULT_HIDDEN_SEED
    from ..grader.seeding import DEFAULT_SEED

    settings = BatchSettings(
        exercises=tuple(e.slug for e in exercises),
        seed=DEFAULT_SEED if args.seed is None else args.seed,
        hidden_seed=DEFAULT_HIDDEN_SEED if args.hidden_seed is None else args.hidden_seed,
        with_hidden=not args.no_hidden,
        time_limit=args.time_limit,
        memory_gb=args.memory_gb,
        disk_mb=args.disk_mb,
        jobs=args.jobs,
        isolation=args.isolation,
        keep_work=args.keep_work,
        shard=shard,
    )
    # Every module is laid over the stubs: exercises import each other (network -> conv).
    modules = sorted({e.module for e in catalog.EXERCISES})
    try:
        table = grade_batch(
            submissions,
            args.out,
            settings,
            root / "exercises",
            modules,
            use_zygote=not args.no_fork,
            key=key,
        )
    except IsolationUnavailable as error:
        raise RunFailed(f"a grading worker could not wall itself in: {error}") from None
    print(
        f"Wrote {args.out}/gradebook.csv ({len(table)} submissions), and per submission "
        "results.json (Gradescope), feedback.txt and grade.json under submissions/."
    )
    return 0


def _shard(text):
    """(K, N) from "K/N"; (1, 1) when not given."""
    if text is None:
        return (1, 1)
    k, _, n = text.partition("/")
    try:
        k, n = int(k), int(n)
    except ValueError:
        raise UsageError(f"--shard {text}: give K/N, as 2/8 for the second of 8") from None
    if not 1 <= k <= n:
        raise UsageError(f"--shard {text}: K must be from 1 to N")
    return (k, n)


def _key(path):
    if path is None:
        return None
    try:
        key = Path(path).read_bytes()
    except OSError as error:
        raise UsageError(f"--key-file {path}: {error.strerror}") from None
    if len(key) < 16:
        raise UsageError(f"--key-file {path}: too short; make one with workshop gradebook key")
    return key


COMMAND = Command(
    "grade",
    "grade a folder of submissions into a gradebook (instructors)",
    add_arguments,
    run,
    resumable=True,
)
