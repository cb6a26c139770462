"""`workshop autograder OUT`: a Gradescope programming assignment's autograder.zip
(instructors)."""

import secrets
from pathlib import Path

from ..edition import NO_SOLUTIONS, is_release
from ..errors import RunFailed, UsageError
from ..grader.seeding import PRACTICE_HIDDEN_SEED, refused_hidden_seed
from .command import Command
from .picking import pick_exercises

VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")


def add_arguments(parser):
    parser.add_argument("out", help="the folder to write autograder.zip into")
    parser.add_argument("--exercises", help="comma-separated ids or names (default all)")
    parser.add_argument(
        "--points",
        help="the assignment's points, as NAME=POINTS,... (default each exercise's own)",
    )
    parser.add_argument("--seed", type=int, help="seed of the public checks' inputs")
    parser.add_argument(
        "--hidden-seed",
        type=int,
        help="seed of the hidden cases (default a new random one, printed: keep it)",
    )
    parser.add_argument("--no-hidden", action="store_true", help="public checks only")
    parser.add_argument(
        "--time-limit", type=float, default=60.0, help="seconds per stage of checks (default 60)"
    )
    parser.add_argument("--memory-gb", type=float, default=8.0, help="memory cap per worker")
    parser.add_argument("--disk-mb", type=float, default=512.0, help="disk cap per worker")
    parser.add_argument(
        "--isolation",
        choices=("auto", "landlock", "none"),
        default="auto",
        help="the walls around student code, as for workshop grade",
    )
    parser.add_argument(
        "--hidden-visibility",
        choices=VISIBILITIES,
        default="after_published",
        help="when students see their hidden cases' results (default after_published)",
    )
    parser.add_argument(
        "--late",
        choices=("grade", "refuse"),
        default="grade",
        help="a submission after its due date: graded with a note (default), or 0 saying why",
    )


def run(args, root):
    if is_release():
        raise UsageError(f"{NO_SOLUTIONS}: build the autograder from the instructors' repository")
    exercises = pick_exercises([e for e in (args.exercises or "").split(",") if e])
    if (Path(args.out) / "autograder.zip").exists():
        raise UsageError(
            f"{args.out}/autograder.zip exists already (with its own hidden seed and key): "
            "give a new folder, or remove it first"
        )
    if args.time_limit <= 0 or args.memory_gb <= 0 or args.disk_mb <= 0:
        raise UsageError("--time-limit, --memory-gb and --disk-mb must be positive")
    from ..autograder.assignment import Assignment, parse_points
    from ..grader.seeding import DEFAULT_SEED

    try:
        points = parse_points(args.points, exercises)
    except ValueError as error:
        raise UsageError(str(error)) from None
    hidden_seed = args.hidden_seed
    if refused_hidden_seed(hidden_seed):
        raise UsageError(refused_hidden_seed(hidden_seed))
    while hidden_seed is None or hidden_seed == PRACTICE_HIDDEN_SEED:
        hidden_seed = secrets.randbelow(2**31 - 1) + 1
    assignment = Assignment(
        exercises=tuple(e.slug for e in exercises),
        points=points,
        seed=DEFAULT_SEED if args.seed is None else args.seed,
        hidden_seed=hidden_seed,
        with_hidden=not args.no_hidden,
        time_limit=args.time_limit,
        memory_gb=args.memory_gb,
        disk_mb=args.disk_mb,
        isolation=args.isolation,
        hidden_visibility=args.hidden_visibility,
        late=args.late,
    )
    from ..autograder.build import build
    from ..quiet import import_tensorflow
    from ..release import LeakFound

    import_tensorflow()
    try:
        zip_path = build(root, args.out, assignment)
    except LeakFound as leak:
        raise RunFailed(f"the autograder would give solutions away, not written: {leak}")
    print(
        f"Wrote {zip_path}: {len(exercises)} exercise(s), {assignment.total:g} points, hidden "
        f"seed {hidden_seed} (keep it to regrade with workshop grade --hidden-seed). Upload "
        "it on Gradescope under Configure Autograder (a Ubuntu 22.04 image)."
    )
    return 0


COMMAND = Command(
    "autograder",
    "write autograder.zip for a Gradescope programming assignment (instructors)",
    add_arguments,
    run,
)
