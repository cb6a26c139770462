"""One submission's grading, in a process of its own: `python -m workshop.batch.worker`.

The batch runner starts this with the submission laid out in ROOT, a memory cap and a
file-size cap; it reads PROGRESS to see which exercise runs (so a hang or a crash is
charged to that exercise alone) and collects one JSON line per graded exercise.

Guards, each scoring the exercise 0 with the reason:
- imports: student files that import `solutions` or `workshop` (the reference and the
  grader) are found in their source before anything runs;
- provenance: every graded object must come from the submission's own files;
- tampering: the functions that compute scores are recorded before the student's code
  runs and compared after each exercise; a submission that replaced one is caught.
"""

import argparse
import ast
import json
import os
import resource
import signal
import sys
from pathlib import Path

FORBIDDEN_PACKAGES = ("solutions", "workshop")
ALLOWED = ("workshop.shapes",)  # the stubs' own helper for sizes


def forbidden_imports(path):
    """(line, module) for each import of the reference or the grader in a file."""
    try:
        tree = ast.parse(Path(path).read_text(encoding="utf-8", errors="replace"))
    except SyntaxError:
        return []  # the grader reports syntax errors itself
    found = []
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "__import__":
            names = [a.value for a in node.args[:1] if isinstance(a, ast.Constant)]
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "import_module":
            names = [a.value for a in node.args[:1] if isinstance(a, ast.Constant)]
        for name in names:
            if not isinstance(name, str) or name in ALLOWED:
                continue
            if name.split(".")[0] in FORBIDDEN_PACKAGES:
                found.append((node.lineno, name))
    return found


def guarded_functions():
    """The objects scores depend on, by name; identity is compared before and after."""
    import numpy as np

    from ..grader import compare, exercise, numeric, probe_grading, results

    return {
        "numpy.asarray": (np, "asarray"),
        "numpy.abs": (np, "abs"),
        "numpy.allclose": (np, "allclose"),
        "numpy.isnan": (np, "isnan"),
        "grader.compare.compare": (compare, "compare"),
        "grader.compare.close": (compare, "close"),
        "grader.exercise.run_checks": (exercise, "run_checks"),
        "grader.exercise.finish": (exercise, "finish"),
        "grader.numeric.check_forward": (numeric, "check_forward"),
        "grader.numeric.check_gradients": (numeric, "check_gradients"),
        "grader.probe_grading.grade": (probe_grading, "grade"),
        "grader.results.CheckResult.points": (results.CheckResult, "points"),
        "grader.results.ExerciseResult.points": (results.ExerciseResult, "points"),
    }


def snapshot(guarded):
    return {name: getattr(owner, attr) for name, (owner, attr) in guarded.items()}


def _limit(kind, amount):
    soft, hard = resource.getrlimit(kind)
    if hard != resource.RLIM_INFINITY:
        amount = min(amount, hard)
    resource.setrlimit(kind, (amount, hard))


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("root")
    parser.add_argument("exercises", nargs="+")
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--results", required=True)
    parser.add_argument("--progress", required=True)
    parser.add_argument("--memory-gb", type=float, default=8.0)
    parser.add_argument("--file-mb", type=float, default=64.0)
    args = parser.parse_args(argv)

    _limit(resource.RLIMIT_AS, int(args.memory_gb * (1 << 30)))
    _limit(resource.RLIMIT_FSIZE, int(args.file_mb * (1 << 20)))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the cap fails, not the process
    root = Path(args.root).resolve()
    os.chdir(root)  # student code that writes relative paths writes into its own copy

    from ..quiet import import_tensorflow

    import_tensorflow()
    from .. import catalog
    from ..grader import results
    from ..grader.loading import FolderImplementation
    from ..grading import reference

    guarded = guarded_functions()
    before = snapshot(guarded)
    implementation = FolderImplementation(root)
    ref = reference()
    progress = open(args.progress, "a", encoding="utf-8", buffering=1)
    output = open(args.results, "a", encoding="utf-8", buffering=1)
    for slug in args.exercises:
        exercise = catalog.find(slug)
        progress.write(slug + "\n")
        result = _guarded_grade(exercise, implementation, ref, args.seed, root, results)
        changed = [name for name, obj in snapshot(guarded).items() if obj is not before[name]]
        if changed:
            result = results.zero(exercise, args.seed, "the submission replaced part of the "
                           f"grader or NumPy ({', '.join(changed)}): not graded")  # fmt: skip
            output.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
            for name, (owner, attr) in guarded.items():  # the next exercises get clean ones
                setattr(owner, attr, before[name])
            continue
        output.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
    progress.write("done\n")
    output.close()
    os._exit(0)  # skip interpreter teardown: student objects may hang in finalisers


def _guarded_grade(exercise, implementation, ref, seed, root, results):
    source = root / "exercises" / f"{exercise.module}.py"
    found = forbidden_imports(source)
    if found:
        line, name = found[0]
        return results.zero(
            exercise,
            seed,
            f"exercises/{exercise.module}.py line {line} "
            f"imports `{name}`: submissions may not use the reference or the grader",
        )
    result = exercise.grade(implementation, ref, seed)
    try:
        origin = _origin(implementation, exercise)
    except Exception:  # the grade already says why the object is missing
        return result
    if origin is not None and not origin.is_relative_to(root / "exercises"):
        return results.zero(exercise, seed, f"the graded {exercise.name} comes from {origin}, "
                     "not from your own exercises/ files: not graded")  # fmt: skip
    return result


def _origin(implementation, exercise):
    import inspect

    names = getattr(exercise, "names", None) or (exercise.name,)
    for name in names:
        obj = implementation.get(exercise.module, name)
        try:
            path = Path(inspect.getsourcefile(obj)).resolve()
        except TypeError:
            continue
        if not path.is_relative_to(implementation.source_dir):
            return path
    return None


if __name__ == "__main__":
    sys.exit(main())
