"""Submissions per minute for `workshop grade` on a made-up class.

Student i has finished the first i mod (n + 1) of the n exercise files (8 in 2026-11;
the reference's code, re-registered as the student's), the rest are the stubs: the
class runs from nothing to full marks. Every exercise is graded, public and hidden checks.

    python benchmarks/grading_throughput.py --students 50 -j 2
"""

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from workshop import catalog  # noqa: E402

# Each module once, in the catalog's order: student i writes the first i % (len + 1).
ORDER = tuple(dict.fromkeys(e.module for e in catalog.EXERCISES))


def make_class(folder, students):
    for i in range(students):
        mine = folder / f"student{i:03d}" / "exercises"
        mine.mkdir(parents=True)
        for module in ORDER[: i % (len(ORDER) + 1)]:
            text = (REPO / "solutions" / f"{module}.py").read_text()
            (mine / f"{module}.py").write_text(
                text.replace('package="solutions"', 'package="exercises"')
            )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=50)
    parser.add_argument("-j", "--jobs", type=int, default=2)
    parser.add_argument("--no-hidden", action="store_true")
    parser.add_argument("--isolation", help="passed to workshop grade (default: its own)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="class-"))
    try:
        make_class(work / "class", args.students)
        command = [
            sys.executable,
            "-m",
            "workshop",
            "grade",
            str(work / "class"),
            "--out",
            str(work / "grades"),
            "-j",
            str(args.jobs),
        ]
        if args.no_hidden:
            command.append("--no-hidden")
        if args.isolation:
            command += ["--isolation", args.isolation]
        started = time.monotonic()
        done = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
        seconds = time.monotonic() - started
        if done.returncode != 0:
            sys.exit(done.stderr[-3000:])
        print("\n".join(done.stdout.splitlines()[:2]))  # the isolation; the reference's time
        book = pd.read_csv(work / "grades" / "gradebook.csv")
        totals = [f"{t:g}" for t in sorted(set(book["total"]))]
        unexpected = book[book["notes"].fillna("").str.contains("timed out|ended|could not")]
        print(
            f"{args.students} submissions, -j {args.jobs}: {seconds / 60:.1f} min, "
            f"{args.students / seconds * 60:.1f} submissions per minute; totals seen: "
            f"{', '.join(totals)}; rows with a timeout or crash: {len(unexpected)}; "
            f"{book['seconds'].mean():.1f} s per submission on the runner's clock"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
