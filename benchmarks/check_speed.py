"""How long `workshop check` takes a student, and where the time goes: the import of
TensorFlow and Keras shown apart from the grading, cold (a fresh process, as `workshop
check` runs) and warm (a second round in one process, as `workshop watch` runs), and the
time `workshop watch` takes to report after a save.

    python benchmarks/check_speed.py                       # this checkout
    python benchmarks/check_speed.py --tree ../old-checkout --exercises conv,maxpool,lstm

Each exercise is graded with the reference's answer dropped into a scratch copy of the
stubs (`package="solutions"` renamed), so every check runs; medians of --repeats runs.
--tree times another checkout (a `git worktree` of an older commit) the same way, for a
before/after comparison on one machine.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

IMPORT_ONLY = (
    "from workshop.quiet import import_tensorflow; import_tensorflow(); import keras; "
    "import workshop.cli"
)
WARM = """
import sys, time
from pathlib import Path
from workshop.quiet import import_tensorflow
import_tensorflow()
from workshop import catalog
from workshop.grader.grading import DEFAULT_SEED, grade
from workshop.grader.loading import FolderImplementation
exercise = catalog.find(sys.argv[1])
times = []
for _ in range(3):
    started = time.perf_counter()
    grade([exercise], FolderImplementation(Path(sys.argv[2])), DEFAULT_SEED)
    times.append(time.perf_counter() - started)
print("WARM", times[0], min(times[1:]))
"""


def _scratch(tree, modules):
    root = Path(tempfile.mkdtemp(prefix="check-speed-"))
    (root / "exercises").mkdir()
    for path in (tree / "exercises").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        if path.stem in modules and (tree / "solutions" / path.name).exists():
            text = (tree / "solutions" / path.name).read_text(encoding="utf-8")
            text = text.replace('package="solutions"', 'package="exercises"')
        (root / "exercises" / path.name).write_text(text, encoding="utf-8")
    return root


def _run(tree, root, *args, timeout=600):
    env = dict(os.environ, PYTHONPATH=str(tree), TF_CPP_MIN_LOG_LEVEL="3")
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, *args], cwd=root, env=env, capture_output=True, text=True, timeout=timeout
    )
    return time.perf_counter() - started, done


def _watch_latency(tree, root, slug, module):
    """Seconds from a save to the next report of `workshop watch`."""
    env = dict(os.environ, PYTHONPATH=str(tree), TF_CPP_MIN_LOG_LEVEL="3")
    watch = subprocess.Popen(
        [sys.executable, "-m", "workshop", "watch", slug, "--interval", "0.2", "--times", "2"],
        cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    try:
        for line in watch.stdout:
            if line.startswith("Total"):
                break
        path = root / "exercises" / f"{module}.py"
        path.write_text(path.read_text() + "\n# saved again\n")
        saved = time.perf_counter()
        for line in watch.stdout:
            if line.startswith("Total"):
                return time.perf_counter() - saved
    finally:
        watch.kill()
    return float("nan")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", default=str(Path(__file__).resolve().parents[1]))
    parser.add_argument("--exercises", default="conv,maxpool,network,lrn,lstm,rbm,replay")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    tree = Path(args.tree).resolve()
    sys.path.insert(0, str(tree))
    from workshop import catalog

    exercises = [catalog.find(s) for s in args.exercises.split(",") if catalog.find(s)]
    root = _scratch(tree, {e.module for e in exercises} | {"conv", "pooling"})
    imports = [_run(tree, root, "-c", IMPORT_ONLY)[0] for _ in range(args.repeats)]
    imported = statistics.median(imports)
    print(f"{tree}: importing TensorFlow, Keras and the workshop: {imported:.2f} s (median)")
    print(f"{'exercise':<12} {'check':>8} {'beyond import':>14} {'warm 1st':>9} {'warm':>7} "
          f"{'watch':>7}  points")  # fmt: skip
    for exercise in exercises:
        runs = [_run(tree, root, "-m", "workshop", "check", exercise.slug)
                for _ in range(args.repeats)]  # fmt: skip
        cold = statistics.median(t for t, _ in runs)
        points = next((ln for ln in runs[-1][1].stdout.splitlines() if ln.startswith("Total")), "")
        _, warm = _run(tree, root, "-c", WARM, exercise.slug, str(root))
        try:
            first, again = (float(x) for x in warm.stdout.split("WARM")[1].split()[:2])
        except (IndexError, ValueError):  # an older tree grades through another API
            first = again = float("nan")
        latency = _watch_latency(tree, root, exercise.slug, exercise.module)
        print(
            f"{exercise.slug:<12} {cold:>7.2f}s {cold - imported:>13.2f}s {first:>8.2f}s "
            f"{again:>6.2f}s {latency:>6.2f}s  {points.split('.')[0]}"
        )


if __name__ == "__main__":
    main()
