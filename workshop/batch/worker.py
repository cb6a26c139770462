"""The student side of one submission, in a process of its own.

The runner starts this (forked from a process that has TensorFlow imported already,
see zygote.py, or as `python -m workshop.batch.worker`) with the submission's own
folder AREA: the submission laid out in AREA/copy, records to AREA/records. Before it
imports any student file it walls itself in (isolation.py: Landlock and seccomp, then
the audit hook of sandbox.py as a second wall): from then on it can write only inside
AREA and read only what grading needs. It runs the student's code stage by stage and
writes what each stage recorded, as data (JSON + .npz, grader/evidence.py), to
AREA/records; it computes no score and has no reference to compare with. Before each
stage it writes a line to AREA/progress.txt (exercise, variant, stage), so the runner,
which keeps the time itself, can charge a hang or a crash to that stage alone, kill
this process and start another for the rest.

A unit is SLUG:VARIANT, the variant "public" (the seed and cases students see) or
"hidden" (other cases and seed, grader/hidden.py).
"""

import argparse
import faulthandler
import inspect
import os
import resource
import signal
import sys
import tempfile
from pathlib import Path

from .area import PACKAGE_ROOT, Area

ISOLATION_FAILED = 86  # the exit code that tells the runner to stop the batch


def _limit(kind, amount):
    soft, hard = resource.getrlimit(kind)
    if hard != resource.RLIM_INFINITY:
        amount = min(amount, hard)
    resource.setrlimit(kind, (amount, amount))  # the hard limit too (seccomp: no raising)


def parse(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("area", help="the submission's own folder (area.py)")
    parser.add_argument("units", nargs="*", help="slug:public or slug:hidden")
    parser.add_argument(
        "--check-walls",
        action="store_true",
        help="wall in and exit 0 (no student code): tells a real failure from a forged one",
    )
    parser.add_argument("--never-readable", action="append", default=[])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--hidden-seed", type=int, default=0)
    parser.add_argument("--isolation", default="none", help="none, or landlock:ABI[:seccomp]")
    parser.add_argument("--memory-gb", type=float, default=8.0)
    parser.add_argument("--file-mb", type=float, default=64.0)
    parser.add_argument("--unreadable", action="append", default=[])
    parser.add_argument("--threads", type=int, default=0, help="TensorFlow's pools (0: its own)")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse(argv)
    _limit(resource.RLIMIT_AS, int(args.memory_gb * (1 << 30)))
    _limit(resource.RLIMIT_FSIZE, int(args.file_mb * (1 << 20)))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the cap fails, not the process
    area = Area(args.area)
    root, records = area.copy, area.records
    scratch = area.scratch
    scratch.mkdir(exist_ok=True)
    os.environ["TMPDIR"] = tempfile.tempdir = str(scratch)  # keras saves to a temp folder
    # Started on its own (--no-fork), Keras loads inside the walls: ~/.keras is unreadable.
    os.environ["KERAS_HOME"] = str(scratch / "keras")
    stack = open(area.stack, "w", encoding="utf-8")
    faulthandler.register(signal.SIGUSR1, file=stack, all_threads=False)

    from . import isolation

    os.chdir(root)  # relative paths land in the submission's own copy
    try:  # first: started on its own (no fork server), TensorFlow loads inside the walls
        readable = isolation.readable_paths(PACKAGE_ROOT, args.never_readable)
        isolation.restrict(isolation.parse(args.isolation), readable, [area.folder])
    except (OSError, ValueError, isolation.IsolationUnavailable) as error:
        print(f"workshop: the worker could not wall itself in: {error}", file=sys.stderr)
        os._exit(ISOLATION_FAILED)
    if args.check_walls:
        os._exit(0)
    from ..quiet import import_tensorflow, threads_setter

    import_tensorflow(before_first_op=threads_setter(args.threads), first_op=False)
    from .. import catalog
    from ..grader import evidence, hidden
    from ..grader.loading import FolderImplementation
    from ..grader.observing import observe
    from . import sandbox

    skip = set(area.skip.read_text(encoding="utf-8").splitlines()) if area.skip.exists() else set()
    progress = open(area.progress, "a", encoding="utf-8", buffering=1)
    sandbox.install(
        writable=[area.folder], unreadable=args.unreadable, readable_inside=[area.folder]
    )
    implementation = FolderImplementation(root)
    for unit in args.units:
        slug, variant = unit.split(":")
        exercise, seed = hidden.pick(catalog.find(slug), variant, args.seed, args.hidden_seed)
        stem = f"{slug}.{variant}"
        stages = [s for s in exercise.kind.stages(exercise) if f"{stem}.{s}" not in skip]

        def started(stage, stem=stem):
            progress.write(f"{stem}\t{stage}\n")

        def recorded(stage, record, stem=stem):
            evidence.write(record, records / f"{stem}.{stage}")

        started("load")
        found = observe(
            exercise, implementation, seed, stages, on_record=recorded, on_start=started
        )
        if found.unavailable:
            evidence.write(list(found.unavailable), records / f"{stem}.unavailable")
        else:
            evidence.write(_origins(implementation, exercise), records / f"{stem}.origin")
    progress.write("done\n")
    progress.close()
    os._exit(0)  # skip interpreter teardown: student objects may hang in finalisers


def _origins(implementation, exercise):
    """The file each graded object's code comes from (None where there is no file)."""
    found = []
    for name in exercise.graded_names:
        try:
            found.append(
                str(
                    Path(inspect.getsourcefile(implementation.get(exercise.module, name))).resolve()
                )
            )
        except Exception:  # a builtin, or an object without a source file
            found.append(None)
    return found


if __name__ == "__main__":
    sys.exit(main())
