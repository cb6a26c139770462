"""`workshop watch`: check exercises again each time their files are saved."""

from ..errors import UsageError
from ..quiet import import_tensorflow
from .check import add_time_limit, checked_time_limit
from .command import Command
from .picking import pick_exercises


def add_arguments(parser):
    parser.add_argument("exercises", nargs="+", metavar="EXERCISE", help="id or name")
    parser.add_argument(
        "--interval", type=float, default=1.0, help="seconds between looks (default 1)"
    )
    parser.add_argument("--times", type=int, help="stop after this many checks")
    add_time_limit(parser)


def run(args, root):
    import time

    exercises = pick_exercises(args.exercises)
    time_limit = checked_time_limit(args)
    if args.interval <= 0 or (args.times is not None and args.times < 1):
        raise UsageError("--interval and --times must be positive")
    import_tensorflow()
    from .. import report
    from ..grader.seeding import DEFAULT_SEED
    from .check import grade_and_remember

    folder = root / "exercises"
    names = ", ".join(e.slug for e in exercises)

    def stamp():  # polling, not file events: works on network drives and WSL too
        return sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in folder.glob("*.py"))

    seen, checks = None, 0
    try:
        while args.times is None or checks < args.times:
            now = stamp()
            if now != seen:
                seen, checks = now, checks + 1
                graded, _ = grade_and_remember(exercises, root, DEFAULT_SEED, time_limit)
                print(f"--- {time.strftime('%H:%M:%S')} check {checks}")
                print(report.text(graded, DEFAULT_SEED, "workshop check"))
                print(f"Watching exercises/ for changes to {names} (Ctrl-C stops).", flush=True)
            time.sleep(args.interval)
    except KeyboardInterrupt:
        print("Stopped watching.")
    return 0


COMMAND = Command(
    "watch",
    "check an exercise again each time you save its file (Ctrl-C stops; twice while a check runs)",
    add_arguments,
    run,
)
