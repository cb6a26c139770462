"""Record everything grading produces, so that a refactoring can be shown to change none
of it: compare two snapshots with `diff -r`.

What is recorded (into OUT/, paths of the repository and the work folder replaced by
REPO and WORK, timings left out):
- `selfcheck.txt`: `workshop selfcheck` (solutions, stubs, every known mistake);
- `check-*.txt` / `check-*.json`: `workshop check` on the untouched stubs and on the
  independent implementations in tests/implementations/, as text and as JSON;
- `list.txt`, `hint-*.txt`: `workshop list` and four `workshop hint conv`;
- `corpus/`: `workshop grade tests/submissions` (every exercise, public and hidden);
- `independent/`: `workshop grade` of the independent implementations as a class;
- `class/`: `workshop grade` of the made-up class of benchmarks/grading_throughput.py;
- `release/`: the reference records a student release stores (`workshop release`).

    python tools/grading_snapshot.py OUT [--repo PATH] [--students 50]

`--repo` grades with another checkout's code (say, a `git worktree` of the commit
before a change). `--inputs-from` takes what is graded (the stubs, laid under every submission too,
tests/implementations, tests/submissions and the made-up class's generator) from another
checkout (`--root` of every command), so that a change to those files cannot hide a
change in grading: run both snapshots with the same `--inputs-from`.
"""

import argparse
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
WORK = Path("/tmp/workshop-snapshot-work")  # one fixed place: messages name their paths

# Independent correct answers, laid out as two students (tests/implementations/).
INDEPENDENT = {
    "first": {
        "conv": "conv_loops.py",
        "pooling": "pooling_stacked.py",
        "network": "network_sequential.py",
        "rnn": "rnn_complete.py",
        "lstm": "lstm_sliced.py",
        "boltzmann": "boltzmann_loops.py",
        "rbm": "rbm_einsum.py",
        "dbn": "dbn_sequential.py",
    },
    "second": {"conv": "conv_shifted.py", "rnn": "rnn_einsum.py"},
}
CORPUS_FLAGS = ("--time-limit", "4", "--memory-gb", "3", "-j", "2")
# Files a batch writes that hold timings, process ids or the worker's raw output.
VOLATILE = {"output.log", "progress.txt", "stack.txt", "skip.txt"}


def cli(repo, *args, cwd=None):
    done = subprocess.run(
        [sys.executable, "-m", "workshop", *args],
        cwd=cwd or repo,
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(repo)),
        timeout=3600,
    )
    return done


def normalise(text, repo):
    text = text.replace(str(WORK), "WORK").replace(str(repo), "REPO")
    return re.sub(r"\(\d+ s\)", "(N s)", text)


def student_root(inputs, name, files):
    """A checkout of the stubs with some modules replaced by independent answers."""
    root = WORK / "roots" / name
    shutil.copytree(inputs / "exercises", root / "exercises")
    splicer = inputs / "tests" / "splice.py"  # answers hold only the bodies since 2026-11-30
    splice = _load(splicer).splice if splicer.is_file() else (lambda stub, answer: answer)
    for module, implementation in files.items():
        answer = (inputs / "tests" / "implementations" / implementation).read_text()
        stub = (inputs / "exercises" / f"{module}.py").read_text()
        (root / "exercises" / f"{module}.py").write_text(splice(stub, answer))
    return root


def keep_batch(out_dir, target, repo):
    """Copy a batch's outputs, normalised, without the files that hold timings."""
    for path in sorted(out_dir.rglob("*")):
        relative = path.relative_to(out_dir)
        if not path.is_file() or path.name in VOLATILE or relative.parts[0] == "work":
            continue
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix in (".json", ".txt", ".csv", ".py"):
            destination.write_text(normalise(path.read_text(encoding="utf-8"), repo))
        else:
            shutil.copy(path, destination)


def write(out, name, done, repo):
    (out / name).write_text(
        f"exit {done.returncode}\n--- stdout\n{normalise(done.stdout, repo)}"
        f"--- stderr\n{normalise(done.stderr, repo)}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--repo", default=str(HERE))
    parser.add_argument("--inputs-from", default=None, help="checkout whose inputs are graded")
    parser.add_argument("--students", type=int, default=50)
    args = parser.parse_args()
    repo, out = Path(args.repo).resolve(), Path(args.out).resolve()
    inputs = Path(args.inputs_from or repo).resolve()
    out.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)

    step = print
    step("selfcheck")
    write(out, "selfcheck.txt", cli(repo, "--root", str(inputs), "selfcheck"), repo)

    stubs = student_root(inputs, "stubs", {})
    for name, files in (("stubs", None), *INDEPENDENT.items()):
        root = stubs if files is None else student_root(inputs, name, files)
        step(f"check {name}")
        write(out, f"check-{name}.txt", cli(repo, "--root", str(root), "check"), repo)
        write(out, f"check-{name}.json", cli(repo, "--root", str(root), "check", "--json"), repo)
    write(out, "list.txt", cli(repo, "--root", str(stubs), "list"), repo)
    for tier in range(4):
        write(out, f"hint-{tier}.txt", cli(repo, "--root", str(stubs), "hint", "conv"), repo)

    step("grade the corpus")
    done = cli(
        repo,
        "--root",
        str(inputs),
        "grade",
        str(inputs / "tests" / "submissions"),
        "--out",
        str(WORK / "corpus"),
        *CORPUS_FLAGS,
    )
    write(out, "grade-corpus.txt", _without_progress(done), repo)
    keep_batch(WORK / "corpus", out / "corpus", repo)

    step("grade the independent implementations")
    independent = WORK / "independent-class"
    for name, files in INDEPENDENT.items():
        (independent / name).mkdir(parents=True)
        shutil.copytree(WORK / "roots" / name / "exercises", independent / name / "exercises")
    done = cli(
        repo, "--root", str(inputs), "grade", str(independent), "--out", str(WORK / "independent")
    )
    write(out, "grade-independent.txt", _without_progress(done), repo)
    keep_batch(WORK / "independent", out / "independent", repo)

    step(f"grade a made-up class of {args.students}")
    throughput = _load(inputs / "benchmarks" / "grading_throughput.py")
    throughput.make_class(WORK / "class", args.students)
    done = cli(
        repo,
        "--root",
        str(inputs),
        "grade",
        str(WORK / "class"),
        "--out",
        str(WORK / "class-grades"),
    )
    write(out, "grade-class.txt", _without_progress(done), repo)
    keep_batch(WORK / "class-grades", out / "class", repo)

    step("release")
    done = cli(repo, "--root", str(inputs), "release", str(WORK / "release"))
    write(out, "release.txt", done, repo)
    if (WORK / "release" / "workshop" / "reference_data").is_dir():
        keep_batch(WORK / "release" / "workshop" / "reference_data", out / "release", repo)
    step(f"snapshot in {out}")


def _without_progress(done):
    """The command's output without its progress bar and timings (they differ run to run)."""
    lines = [
        line
        for line in done.stdout.splitlines()
        if not line.startswith("[") and not line.startswith("Reference results ready")
    ]
    return subprocess.CompletedProcess(
        done.args, done.returncode, "\n".join(lines) + "\n", done.stderr
    )


def _load(path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


if __name__ == "__main__":
    main()
