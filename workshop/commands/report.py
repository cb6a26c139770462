"""`workshop report GRADES_DIR`: the class report of a graded batch, as report.html and
PNG figures (workshop/class_report.py)."""

from pathlib import Path

from ..errors import UsageError
from .command import Command


def add_arguments(parser):
    parser.add_argument(
        "grades",
        metavar="GRADES_DIR",
        help="the --out folder of workshop grade (or of gradebook merge), or a folder of "
        "Gradescope results.json files",
    )
    parser.add_argument("--out", help="where to write the report (default GRADES_DIR/report)")


def run(args, root):
    from ..class_report import load, write

    grades = Path(args.grades)
    if not grades.is_dir() or not load(grades):
        raise UsageError(
            f"{args.grades} holds no graded submissions (submissions/*/grade.json, or "
            "Gradescope results.json files our autograder wrote): give the --out folder of "
            "workshop grade or of workshop gradebook merge, or a folder of results.json"
        )
    page = write(grades, args.out)
    print(f"Wrote {page} and its figures: open it in a browser.")
    return 0


COMMAND = Command(
    "report",
    "the class report of a graded batch: mistakes by share, pass rates, timeouts",
    add_arguments,
    run,
    needs_root=False,
)
