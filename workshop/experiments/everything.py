"""`workshop run all`: every experiment's run, one after another, each in a process of
its own (an experiment fixes its devices before TensorFlow starts), into one folder,
then one HTML page (page.py) with every table, figure and sign of learning.

Resumable: an experiment that finished with the same settings is kept (its
`NAME.finished.json` says so); an interrupted one is run again, and resumes what it can
itself (cnn's rows, dqn's checkpoints, rnn's runs)."""

import json
import subprocess
import sys
import time
from pathlib import Path

from ..errors import RunFailed, UsageError
from .page import finished_file, output_file, write_page
from .registry import experiments


def add_arguments(parser):
    parser.add_argument(
        "--quick", action="store_true", help="every experiment's smoke run (about 8 minutes)"
    )
    parser.add_argument(
        "--only", help="comma-separated experiments, in the order given (default: all, A-Z)"
    )
    parser.add_argument("--impl", choices=["solutions", "exercises"], default=None,
                        help="whose layers to train (each experiment's default)")  # fmt: skip
    parser.add_argument(
        "--precision", choices=["float32", "mixed"], default="float32",
        help="every experiment's --precision (default float32)",
    )  # fmt: skip
    parser.add_argument(
        "--jit-compile", action="store_true", help="every experiment with --jit-compile"
    )
    parser.add_argument("--out", default="runs/all", help="output folder (default runs/all)")
    parser.add_argument(
        "--data-dir", help="TensorFlow Datasets folder (default ~/.cache/nndl-workshop)"
    )
    parser.add_argument(
        "--fresh", action="store_true", help="run every experiment again, finished or not"
    )


def chosen(only):
    """The experiments `--only` names (all when empty), or one usage line."""
    found = experiments()
    names = [name for name in (only or "").split(",") if name] or sorted(found)
    unknown = [name for name in names if name not in found]
    if unknown:
        raise UsageError(f"unknown experiment(s) {', '.join(unknown)}; choose from "
                         f"{', '.join(sorted(found))}")  # fmt: skip
    return [found[name] for name in names]


def command_for(experiment, args, root, folder):
    """`python -m workshop run NAME ...` for one experiment into `folder`."""
    command = [sys.executable, "-m", "workshop"]
    if root is not None:
        command += ["--root", str(root)]
    command += ["run", experiment.name, "--out", str(folder)]
    if args.quick:
        command.append("--quick")
    if args.impl:
        command += ["--impl", args.impl]
    command += ["--precision", args.precision] + (["--jit-compile"] if args.jit_compile else [])
    if args.data_dir and experiment.datasets:
        command += ["--data-dir", args.data_dir]
    return command


def settings_of(args):
    return {"quick": bool(args.quick), "impl": args.impl, "precision": args.precision,
            "jit_compile": bool(args.jit_compile)}  # fmt: skip


def run(args, root, say=print):
    """Run each chosen experiment (or keep it, finished), then write index.html; returns
    the exit code: 0 when every experiment finished."""
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    plan = chosen(args.only)
    failed = []
    for number, experiment in enumerate(plan, 1):
        folder = out / experiment.name
        stamp, output = finished_file(out, experiment.name), output_file(out, experiment.name)
        if not args.fresh and stamp.is_file():
            done = json.loads(stamp.read_text(encoding="utf-8"))
            if done.get("settings") == settings_of(args) and done.get("exit code") == 0:
                say(f"[{number}/{len(plan)}] {experiment.name}: finished before, kept")
                continue
        say(f"[{number}/{len(plan)}] {experiment.name}: running, its output also in {output}")
        code, seconds = _run_one(command_for(experiment, args, root, folder), output)
        stamp.write_text(
            json.dumps({"settings": settings_of(args), "exit code": code,
                        "seconds": round(seconds, 1)}, indent=1),
            encoding="utf-8",
        )  # fmt: skip
        if code:
            failed.append(experiment.name)
            say(f"   {experiment.name} stopped with exit code {code}: see {output}")
        else:
            say(f"   {experiment.name}: {seconds:.0f} s")
    page = write_page(out, plan)
    say(f"Wrote {page}: every table and figure, open it in a browser.")
    if failed:
        raise RunFailed(
            f"{len(failed)} experiment(s) did not finish ({', '.join(failed)}); the others "
            f"are on the page. Run the same command again to retry them."
        )
    return 0


def _run_one(command, output):
    """Run `command`, its output to the terminal and to `output`; returns (exit code,
    seconds)."""
    started = time.perf_counter()
    with open(output, "w", encoding="utf-8") as log:
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
        )
        try:
            for line in process.stdout:
                sys.stdout.write("   " + line)
                sys.stdout.flush()
                log.write(line)
            code = process.wait()
        except BaseException:  # Ctrl-C: stop the experiment too, keep what it wrote
            process.terminate()
            process.wait()
            raise
    return code, time.perf_counter() - started
