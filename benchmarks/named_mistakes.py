"""How many wrong versions written apart from the grader are caught, and how many named.

Each file of tests/wrong/ is one mistake made in an exercise's module: which module, then
the answer's lines and the lines the student wrote instead (index.csv says which
exercise, the family and what a teacher would say). The module is the solution with that
change, graded alone, the other modules being the solutions, as `workshop check` grades
it. Prints, per exercise, caught and
named of the wrong versions, and the name given to each, so a person can judge whether
it misleads; with --csv, writes one row per wrong version.

    python benchmarks/named_mistakes.py [--only SLUG,...] [--csv runs/named.csv]
"""

import argparse
import csv
import re
import shutil
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WRONG = REPO / "tests" / "wrong"
sys.path.insert(0, str(REPO))


def correct_root(folder):
    """exercises/ holding the solutions (as a student who solved everything)."""
    target = folder / "exercises"
    shutil.copytree(REPO / "exercises", target)
    for module in (REPO / "solutions").glob("*.py"):
        if module.name != "__init__.py":
            (target / module.name).write_text(solution_text(module.stem), encoding="utf-8")
    return target


CHANGE = re.compile(
    r"<<<<<<< the answer\n(?P<old>.*?)=======\n(?P<new>.*?)>>>>>>> the mistake\n", re.S
)


def solution_text(module):
    """solutions/<module>.py as a student's exercises/<module>.py."""
    text = (REPO / "solutions" / f"{module}.py").read_text(encoding="utf-8")
    return text.replace('"solutions"', '"exercises"')


def wrong_version(name):
    """(module, text) of the wrong version in tests/wrong/<name>: the solution changed."""
    change = (WRONG / name).read_text(encoding="utf-8")
    module = re.search(r"^# module: (\w+)$", change, re.M).group(1)
    text = solution_text(module)
    for block in CHANGE.finditer(change):
        if text.count(block["old"]) != 1:
            raise SystemExit(
                f"tests/wrong/{name} no longer applies to solutions/{module}.py: the "
                "answer's lines it changes are not there once; write it again"
            )
        text = text.replace(block["old"], block["new"])
    return module, text


def grade_wrong_versions(rows, seed):
    from workshop import catalog
    from workshop.grader import results
    from workshop.grader.grading import grade
    from workshop.grader.loading import FolderImplementation

    graded = []
    for row in rows:
        exercise = catalog.find(row["slug"])
        with tempfile.TemporaryDirectory(prefix="wrong-") as tmp:
            target = correct_root(Path(tmp))
            module, text = wrong_version(row["file"])
            (target / f"{module}.py").write_text(text, encoding="utf-8")
            (result,) = grade([exercise], FolderImplementation(tmp), seed)
        graded.append(
            {
                **row,
                "status": result.status,
                "points": result.points,
                "caught": result.status != results.PASSED or result.points < result.max_points,
                "named": bool(result.diagnoses),
                "names": " | ".join(result.diagnoses),
                "failed": ", ".join(c.name for c in result.checks if not c.passed),
            }
        )
        print(
            f"{row['file']:<58} {result.points:>4g}  "
            f"{'named' if result.diagnoses else ('CAUGHT' if graded[-1]['caught'] else 'MISSED')}"
            f"  {graded[-1]['names'][:110]}",
            flush=True,
        )
    return graded


def table(graded):
    by_slug = defaultdict(list)
    for row in graded:
        by_slug[row["slug"]].append(row)
    lines = ["| exercise | wrong versions | caught | named |", "|---|---|---|---|"]
    for slug, rows in by_slug.items():
        caught = sum(r["caught"] for r in rows)
        named = sum(r["named"] for r in rows)
        lines.append(f"| {slug} | {len(rows)} | {caught} | {named} |")
    caught = sum(r["caught"] for r in graded)
    named = sum(r["named"] for r in graded)
    lines.append(
        f"| all | {len(graded)} | {caught} | {named} ({100 * named / max(len(graded), 1):.0f}%) |"
    )
    return "\n".join(lines)


def table_by_family(graded):
    by_family = defaultdict(list)
    for row in graded:
        by_family[row["family"]].append(row)
    lines = ["| family | wrong versions | caught | named |", "|---|---|---|---|"]
    for family, rows in sorted(by_family.items()):
        caught = sum(r["caught"] for r in rows)
        named = sum(r["named"] for r in rows)
        lines.append(f"| {family} | {len(rows)} | {caught} | {named} |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated exercise slugs")
    parser.add_argument("--csv", help="write one row per wrong version here")
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args(argv)
    from workshop.grader.grading import DEFAULT_SEED

    with open(WRONG / "index.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    if args.only:
        wanted = set(args.only.split(","))
        rows = [r for r in rows if r["slug"] in wanted]
    graded = grade_wrong_versions(rows, DEFAULT_SEED if args.seed is None else args.seed)
    print(table(graded))
    print()
    print(table_by_family(graded))
    if args.csv:
        Path(args.csv).parent.mkdir(parents=True, exist_ok=True)
        with open(args.csv, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(graded[0]))
            writer.writeheader()
            writer.writerows(graded)


if __name__ == "__main__":
    main()
