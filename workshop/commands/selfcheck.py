"""`workshop selfcheck`: prove the grader on the solutions, the stubs and every mistake."""

from ..edition import NO_SOLUTIONS, is_release
from ..errors import UsageError
from ..quiet import import_tensorflow
from .command import Command


def add_arguments(parser):
    parser.add_argument("exercises", nargs="*", metavar="EXERCISE", help="id or name (default all)")
    parser.add_argument("--seed", type=int, help="seed for the random inputs and weights")


def run(args, root):
    if is_release():
        raise UsageError(f"{NO_SOLUTIONS}: selfcheck runs in the instructors' repository")
    from .. import selfcheck
    from ..grader.seeding import DEFAULT_SEED
    from .picking import pick_exercises

    exercises = pick_exercises(args.exercises)  # all when none are named
    import_tensorflow()
    seed = DEFAULT_SEED if args.seed is None else args.seed
    report = selfcheck.run(list(exercises), root, seed)
    if report.ok:
        print(f"selfcheck passed (seed {seed})")
        return 0
    print(f"selfcheck FAILED (seed {seed}):")
    for problem in report.problems:
        print(f"  - {problem}")
    return 1


COMMAND = Command(
    "selfcheck",
    "prove the grader: solutions full marks, stubs 0, every mistake caught",
    add_arguments,
    run,
)
