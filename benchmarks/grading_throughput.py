"""Submissions per minute for `workshop grade` on a made-up class.

Student i has finished the first i mod (n + 1) of the n exercise files (20 in 2026-12;
the reference's code, re-registered as the student's), the rest are the stubs: the
class runs from nothing to full marks. Every exercise is graded, public and hidden checks.

    python benchmarks/grading_throughput.py --students 50 -j 2
    python benchmarks/grading_throughput.py --students 50 -j 2 --against-none

`--against-none` grades the same class behind the walls and with `--isolation none`,
in the order none, walls, walls, none (so that a machine whose speed drifts within the
hour drifts alike for both), and prints what the walls cost as a ratio of the times:
this machine's absolute speed is not steady enough to compare across runs.
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


def grade(work, args, isolation, round_number):
    """One batch of the class into its own folder; returns its seconds and totals."""
    out = work / f"grades-{round_number}"
    command = [sys.executable, "-m", "workshop", "grade", str(work / "class"), "--out", str(out)]
    command += ["-j", str(args.jobs)]
    if args.no_hidden:
        command.append("--no-hidden")
    if isolation:
        command += ["--isolation", isolation]
    started = time.monotonic()
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    seconds = time.monotonic() - started
    if done.returncode != 0:
        sys.exit(done.stderr[-3000:])
    print("\n".join(done.stdout.splitlines()[:2]))  # the isolation; the reference's time
    book = pd.read_csv(out / "gradebook.csv")
    totals = [f"{t:g}" for t in sorted(set(book["total"]))]
    unexpected = book[book["notes"].fillna("").str.contains("timed out|ended|could not")]
    print(
        f"{args.students} submissions, -j {args.jobs}: {seconds / 60:.1f} min, "
        f"{args.students / seconds * 60:.1f} submissions per minute; totals seen: "
        f"{', '.join(totals)}; rows with a timeout or crash: {len(unexpected)}; "
        f"{book['seconds'].mean():.1f} s per submission on the runner's clock"
    )
    shutil.rmtree(out, ignore_errors=True)
    return seconds, totals


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=50)
    parser.add_argument("-j", "--jobs", type=int, default=2)
    parser.add_argument("--no-hidden", action="store_true")
    parser.add_argument("--isolation", help="passed to workshop grade (default: its own)")
    parser.add_argument(
        "--against-none", action="store_true", help="the walls' cost, as a ratio of times"
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="class-"))
    try:
        make_class(work / "class", args.students)
        if not args.against_none:
            grade(work, args, args.isolation, 0)
            return
        times = {"none": [], "walls": []}
        for number, kind in enumerate(("none", "walls", "walls", "none")):
            seconds, totals = grade(work, args, "none" if kind == "none" else None, number)
            times[kind].append(seconds)
            print(f"round {number + 1} ({kind}): {seconds:.0f} s")
        ratio = sum(times["walls"]) / sum(times["none"])
        print(
            f"the walls' time over --isolation none's: {ratio:.3f} "
            f"({', '.join(f'{t:.0f}' for t in times['walls'])} s against "
            f"{', '.join(f'{t:.0f}' for t in times['none'])} s): the walls cost "
            f"{100 * (ratio - 1):+.1f}%"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
