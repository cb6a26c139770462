"""The `workshop` command: list, check, watch, hint, selfcheck, run, grade and release.

Arguments are parsed before TensorFlow is imported, so a typo is answered at once.
"""

import argparse
import sys
from pathlib import Path

from .edition import NO_SOLUTIONS, is_release
from .errors import USAGE_EXIT, RunFailed, UsageError
from .quiet import import_tensorflow
from .run_command import add_run_parser, command_run


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
    watch = commands.add_parser(
        "watch", help="check an exercise again each time you save its file (Ctrl-C stops)"
    )
    watch.add_argument("exercises", nargs="+", metavar="EXERCISE", help="id or name")
    watch.add_argument(
        "--interval", type=float, default=1.0, help="seconds between looks (default 1)"
    )
    watch.add_argument("--times", type=int, help="stop after this many checks")
    release = commands.add_parser(
        "release", help="write the student copy: no solutions, reference results stored"
    )
    release.add_argument("out", help="a new folder for the student copy")
    selfcheck = commands.add_parser(
        "selfcheck", help="prove the grader: solutions full marks, stubs 0, every mistake caught"
    )
    selfcheck.add_argument("--seed", type=int, help="seed for the random inputs and weights")
    grade = commands.add_parser(
        "grade", help="grade a folder of submissions into a gradebook (instructors)"
    )
    grade.add_argument("submissions", help="a folder of per-student folders or .zip files")
    grade.add_argument("--out", required=True, help="where the gradebook and feedback go")
    grade.add_argument("-j", "--jobs", type=int, default=2, help="submissions at once")
    grade.add_argument("--exercises", help="comma-separated ids or names (default all)")
    grade.add_argument("--seed", type=int, help="seed for the random inputs and weights")
    grade.add_argument("--hidden-seed", type=int, help="seed for the hidden cases")
    grade.add_argument(
        "--no-hidden", action="store_true", help="run the public checks only (no hidden cases)"
    )
    grade.add_argument(
        "--time-limit", type=float, default=60.0,
        help="seconds per stage of checks (default 60)",
    )  # fmt: skip
    grade.add_argument("--no-fork", action="store_true", help=argparse.SUPPRESS)
    grade.add_argument(
        "--memory-gb", type=float, default=8.0, help="memory cap per worker (default 8)"
    )
    add_run_parser(commands)
    return parser


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
    print(f"{'id':<5} {'name':<9} {'points':>6}  {'last check':<16} title")
    for exercise in catalog.EXERCISES:
        seen = state.progress(exercise.slug)
        status = f"{seen['status']} {seen['points']:g}" if seen else "not checked yet"
        print(
            f"{exercise.id:<5} {exercise.slug:<9} {exercise.max_points:>6g}  {status:<16} {exercise.title}"
        )
    return 0


def command_check(args, root):
    exercises = pick_exercises(args.exercises)  # before the slow import: typos answer at once
    import_tensorflow()
    from . import report
    from .grader import results
    from .grader.loading import FolderImplementation
    from .grader.grading import DEFAULT_SEED, grade
    from .state import State

    seed = DEFAULT_SEED if args.seed is None else args.seed
    if is_release() and seed != DEFAULT_SEED:
        raise UsageError(f"this student copy stores the reference results for seed "
                         f"{DEFAULT_SEED} only: leave out --seed")  # fmt: skip
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


def command_watch(args, root):
    import time

    exercises = pick_exercises(args.exercises)
    if args.interval <= 0 or (args.times is not None and args.times < 1):
        raise UsageError("--interval and --times must be positive")
    import_tensorflow()
    from . import report
    from .grader.loading import FolderImplementation
    from .grader.grading import DEFAULT_SEED, grade
    from .state import State

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
                graded = grade(exercises, FolderImplementation(root), DEFAULT_SEED)
                state = State(root)
                for result in graded:
                    state.record(result)
                state.save()
                print(f"--- {time.strftime('%H:%M:%S')} check {checks}")
                print(report.text(graded, DEFAULT_SEED, "workshop check"))
                print(f"Watching exercises/ for changes to {names} (Ctrl-C stops).", flush=True)
            time.sleep(args.interval)
    except KeyboardInterrupt:
        print("Stopped watching.")
    return 0


def command_release(args, root):
    from . import release
    from .grader.grading import DEFAULT_SEED

    if is_release():
        raise UsageError(f"{NO_SOLUTIONS}: build releases from the instructors' repository")
    out = Path(args.out)
    if out.exists():
        raise UsageError(f"{out} exists already: give a new folder")
    import_tensorflow()
    try:
        release.build(root, out, DEFAULT_SEED)
    except release.LeakFound as leak:
        raise RunFailed(f"the release in {out} gives solutions away, do not ship it: {leak}")
    print(
        f"Wrote the student copy to {out}/: no solutions/, tests/ or benchmarks/; reference "
        f"results for seed {DEFAULT_SEED} in workshop/reference_data/; leak scan clean."
    )
    return 0


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
    if is_release():
        raise UsageError(f"{NO_SOLUTIONS}: selfcheck runs in the instructors' repository")
    from . import catalog, selfcheck
    from .grader.grading import DEFAULT_SEED

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


def command_grade(args, root):
    if is_release():
        raise UsageError(f"{NO_SOLUTIONS}: grade a class from the instructors' repository")
    exercises = pick_exercises([e for e in (args.exercises or "").split(",") if e])
    if args.jobs < 1 or args.time_limit <= 0 or args.memory_gb <= 0:
        raise UsageError("-j, --time-limit and --memory-gb must be positive")
    submissions = Path(args.submissions)
    if not submissions.is_dir():
        raise UsageError(f"{submissions} is not a folder: give the folder of submissions")
    import_tensorflow()  # the runner judges: it computes the reference itself
    from .batch.runner import BatchSettings, grade_batch
    from .grader.hidden import DEFAULT_HIDDEN_SEED
    from .grader.grading import DEFAULT_SEED

    settings = BatchSettings(
        exercises=tuple(e.slug for e in exercises),
        seed=DEFAULT_SEED if args.seed is None else args.seed,
        hidden_seed=DEFAULT_HIDDEN_SEED if args.hidden_seed is None else args.hidden_seed,
        with_hidden=not args.no_hidden,
        time_limit=args.time_limit,
        memory_gb=args.memory_gb,
        jobs=args.jobs,
    )
    # Every module is laid over the stubs: exercises import each other (network -> conv).
    table = grade_batch(submissions, args.out, settings, root / "exercises", _modules(),
                        use_zygote=not args.no_fork)  # fmt: skip
    print(
        f"Wrote {args.out}/gradebook.csv ({len(table)} submissions), and per submission "
        "results.json (Gradescope), feedback.txt and grade.json under submissions/."
    )
    return 0


def _modules():
    from . import catalog

    return sorted({e.module for e in catalog.EXERCISES})


COMMANDS = {
    "list": command_list,
    "check": command_check,
    "hint": command_hint,
    "selfcheck": command_selfcheck,
    "run": command_run,
    "grade": command_grade,
    "watch": command_watch,
    "release": command_release,
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
        again = args is not None and args.command in ("run", "grade")
        resume = " (run the same command again to resume)" if again else ""
        print(f"workshop: interrupted{resume}", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
