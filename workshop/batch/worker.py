"""The student side of one exercise of one submission, in a process of its own.

The runner starts this (forked from a process that has TensorFlow imported already,
see zygote.py, or as `python -m workshop.batch.worker`) for one exercise: its public
and hidden units, AREA its folder. Before it imports any student file it opens the
runner's FIFO (channel.py) and walls itself in (isolation.py): from then on it can
write only inside AREA, read only what grading needs, and tell the runner things
only through that stream. It runs the student's code stage by stage and streams, for
each stage, a progress frame as it starts and its record (JSON + .npz,
grader/evidence.py) as soon as it exists; it computes no score and has no reference
to compare with. The runner keeps the time itself, and started this process for
this exercise alone: a hang or a crash here is charged to this exercise, whatever
the process says.

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

ISOLATION_FAILED = 86  # the exit code that tells the runner to check the walls


def _limit(kind, amount):
    soft, hard = resource.getrlimit(kind)
    if hard != resource.RLIM_INFINITY:
        amount = min(amount, hard)
    resource.setrlimit(kind, (amount, amount))  # the hard limit too (seccomp: no raising)


def parse(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("area", help="the exercise's own folder (area.py)")
    parser.add_argument("units", nargs="*", help="slug:public or slug:hidden")
    parser.add_argument(
        "--check-walls",
        action="store_true",
        help="wall in and exit 0 (no student code): tells a real failure from a forged one",
    )
    parser.add_argument("--channel", help="the runner's FIFO (channel.py)")
    parser.add_argument("--stack", help="the runner's file for stack dumps (SIGUSR1)")
    parser.add_argument("--sent", help="the submission laid out (its exercises/ is copied)")
    parser.add_argument("--skip", action="append", default=[], help="slug.variant.stage done")
    parser.add_argument("--records", help="graph_judge.py: the runner's records, read only")
    parser.add_argument("--fresh-seed", type=int, default=0, help="graph_judge.py: its inputs")
    parser.add_argument("--never-readable", action="append", default=[])
    parser.add_argument("--unreadable", action="append", default=[])
    parser.add_argument("--cgroup-procs", action="append", default=[])
    parser.add_argument("--uid", type=int, default=0)
    parser.add_argument("--disk-bytes", type=int, default=512 << 20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--hidden-seed", type=int, default=0)
    parser.add_argument("--isolation", default="none", help="isolation.Isolation, as JSON")
    parser.add_argument("--memory-gb", type=float, default=8.0)
    parser.add_argument("--file-mb", type=float, default=64.0)
    parser.add_argument("--threads", type=int, default=0, help="TensorFlow's pools (0: its own)")
    return parser.parse_args(argv)


def main(argv=None, in_pid_namespace=False):
    """`in_pid_namespace`: forked by a fork server that made one (zygote.py); started
    on its own, the worker makes its own."""
    args = parse(argv)
    from . import channel, isolation, jail

    walls = isolation.parse(args.isolation)
    _limit(resource.RLIMIT_AS, int(args.memory_gb * (1 << 30)))
    _limit(resource.RLIMIT_FSIZE, int(args.file_mb * (1 << 20)))
    _limit(resource.RLIMIT_CORE, 0)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the cap fails, not the process
    area = Area(args.area)
    stream = channel.open_for_worker(args.channel) if args.channel else None
    if args.stack:
        stack = open(args.stack, "a", encoding="utf-8")
        faulthandler.register(signal.SIGUSR1, file=stack, all_threads=False)
    try:  # first: started on its own (no fork server), TensorFlow loads inside the walls
        if walls.namespaces and not in_pid_namespace:
            jail.become_init()
        readable = isolation.readable_paths(PACKAGE_ROOT, args.never_readable)
        isolation.wall_in(
            walls,
            area.folder,
            readable,
            args.sent,
            args.uid,
            args.disk_bytes,
            args.cgroup_procs,
        )
    except (OSError, ValueError, isolation.IsolationUnavailable) as error:
        print(f"workshop: the worker could not wall itself in: {error}", file=sys.stderr)
        os._exit(ISOLATION_FAILED)
    if args.check_walls:
        os._exit(0)
    settle_in(area)
    from ..quiet import import_tensorflow, threads_setter

    import_tensorflow(before_first_op=threads_setter(args.threads), first_op=False)
    from .. import catalog
    from ..grader import evidence, hidden
    from ..grader.loading import FolderImplementation
    from ..grader.observing import observe
    from . import sandbox

    sandbox.install(
        writable=[area.folder], unreadable=args.unreadable, readable_inside=[area.folder]
    )
    implementation = FolderImplementation(area.copy)
    skip = set(args.skip)
    for unit in args.units:
        slug, variant = unit.split(":")
        exercise, seed = hidden.pick(catalog.find(slug), variant, args.seed, args.hidden_seed)
        stem = f"{slug}.{variant}"
        stages = [s for s in exercise.kind.stages(exercise) if f"{stem}.{s}" not in skip]

        def started(stage, stem=stem):
            stream.progress(stem, stage)

        def recorded(stage, record, stem=stem):
            stream.record(f"{stem}.{stage}", *evidence.encode(record))

        started("load")
        found = observe(
            exercise, implementation, seed, stages, on_record=recorded, on_start=started
        )
        if found.unavailable:
            recorded("unavailable", list(found.unavailable))
        else:
            recorded("origin", _origins(implementation, exercise))
    stream.done()
    os._exit(0)  # skip interpreter teardown: student objects may hang in finalisers


def settle_in(area):
    """Work in the folder's scratch: temporary files, Keras's home, relative paths."""
    scratch = area.scratch
    scratch.mkdir(exist_ok=True)
    os.environ["TMPDIR"] = tempfile.tempdir = str(scratch)  # keras saves to a temp folder
    os.environ["KERAS_HOME"] = str(scratch / "keras")  # ~/.keras is not there
    os.chdir(scratch)  # relative paths land in its own scratch
    sys.dont_write_bytecode = True  # the copy is read-only: no __pycache__ beside it


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
