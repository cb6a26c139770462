"""`workshop check`: grade the student's exercises (all by default) and say what is wrong."""

from pathlib import Path

from ..edition import is_release, version_note
from ..errors import UsageError
from ..quiet import import_tensorflow
from .command import Command
from .picking import pick_exercises


def add_arguments(parser):
    parser.add_argument(
        "exercises", nargs="*", metavar="EXERCISE", help="id or name, e.g. 1.1 or conv"
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--seed", type=int, help="seed for the random inputs and weights")
    parser.add_argument(
        "--rehearse",
        action="store_true",
        help="also run every check on the hidden cases, as grading does (other shapes, "
        "a practice hidden seed)",
    )
    add_time_limit(parser)


def add_time_limit(parser):
    parser.add_argument(
        "--time-limit",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="seconds for each stage of your code before it is stopped (default 60)",
    )


def checked_time_limit(args):
    if not args.time_limit > 0:
        raise UsageError("--time-limit must be a positive number of seconds")
    return args.time_limit


def run(args, root):
    exercises = pick_exercises(args.exercises)  # before the slow import: typos answer at once
    time_limit = checked_time_limit(args)
    import_tensorflow()
    from .. import report
    from ..grader import results
    from ..grader.seeding import PRACTICE_HIDDEN_SEED

    seed = seed_to_use(args.seed, "--seed")
    if not args.json:
        print(where_graded(args.root, root), flush=True)
        note = version_note() if is_release() else None
        if note:
            print(note, flush=True)
    hidden_seed = PRACTICE_HIDDEN_SEED if args.rehearse else None
    graded, _ = grade_and_remember(exercises, root, seed, time_limit, hidden_seed)
    if args.json:
        print(report.as_json(graded, seed))
    else:
        print(report.text(graded, seed, "workshop check"))
    return 0 if all(r.status == results.PASSED for r in graded) else 1


def seed_to_use(seed, how_to_leave_it_out):
    """The seed to grade with (the default when None). A student copy stores the
    reference results for the default seed and the practice seeds: any other is a
    UsageError."""
    from ..grader.seeding import DEFAULT_SEED, PRACTICE_SEEDS

    seed = DEFAULT_SEED if seed is None else seed
    if is_release() and seed not in (DEFAULT_SEED, *PRACTICE_SEEDS):
        practice = " and ".join(str(s) for s in PRACTICE_SEEDS)
        raise UsageError(
            f"this student copy stores the reference results for seed {DEFAULT_SEED} "
            f"(the default) and the practice seeds {practice}: use one of them, or leave "
            f"out {how_to_leave_it_out}"
        )
    return seed


def grade_and_remember(exercises, root, seed, time_limit, hidden_seed=None):
    """Grade the exercises of `root`/exercises/ as `workshop check` does (also in a
    notebook; with `hidden_seed`, the hidden cases too) and keep the results in
    .workshop/state.json; returns (results, state)."""
    from ..grader.grading import grade
    from ..grader.loading import FolderImplementation
    from ..state import State

    graded = grade(
        exercises, FolderImplementation(root), seed, hidden_seed=hidden_seed, time_limit=time_limit
    )
    state = State(root)
    for result in graded:
        state.record(result)
    state.save()
    return graded, state


def where_graded(given, root):
    """One line: which exercises/ folder is graded, and a word when it is not the one
    here but the one installed with the workshop (a wheel's, in site-packages)."""
    exercises = root / "exercises"
    here = Path.cwd().resolve()
    if given is None and root != here and root not in here.parents:
        return (
            f"No exercises/ folder here or above: grading the one installed with the "
            f"workshop, {exercises}/. `workshop init DIR` writes a folder of your own."
        )
    return f"Grading {exercises}/"


COMMAND = Command("check", "grade exercises (all by default)", add_arguments, run)
