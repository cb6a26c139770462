"""The judge's runs of a submission's exported graphs, in a process of their own.

A student's layer hands over each case's traced call as a GraphDef (grader/graphs.py);
this process, forked from the fork server like a worker but running no student file
(only the workshop's code is on its path), reads those records from the runner's
folder, lists each graph's ops against the exercise's allow list, runs the graphs on
the cases' inputs and on fresh ones from a seed no student process ever sees (the
runner's, drawn from the batch's key), and streams what it found to the runner
(channel.py) as the unit's "graph runs" record.

The graphs are the student's data, so this process is walled in as a worker is
(isolation.py), with the records folder readable: a graph made to crash or hang
TensorFlow, or to fill memory, costs that exercise's checks and nothing else.
"""

import os
import resource
import signal
import sys

from .area import PACKAGE_ROOT, Area
from .worker import ISOLATION_FAILED, _limit, parse, settle_in


def main(argv=None, in_pid_namespace=False):
    args = parse(argv)
    from . import channel, isolation, jail

    walls = isolation.parse(args.isolation)
    _limit(resource.RLIMIT_AS, int(args.memory_gb * (1 << 30)))
    _limit(resource.RLIMIT_FSIZE, int(args.file_mb * (1 << 20)))
    _limit(resource.RLIMIT_CORE, 0)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    area = Area(args.area)
    stream = channel.open_for_worker(args.channel)
    records = args.records
    try:
        if walls.namespaces and not in_pid_namespace:
            jail.become_init()
        readable = isolation.readable_paths(PACKAGE_ROOT, args.never_readable) + [records]
        isolation.wall_in(
            walls, area.folder, readable, args.sent, args.uid, args.disk_bytes, args.cgroup_procs
        )
    except (OSError, ValueError, isolation.IsolationUnavailable) as error:
        print(f"workshop: the graph judge could not wall itself in: {error}", file=sys.stderr)
        os._exit(ISOLATION_FAILED)
    settle_in(area)
    from ..quiet import import_tensorflow, threads_setter

    import_tensorflow(before_first_op=threads_setter(args.threads), first_op=False)
    from .. import catalog
    from ..grader import evidence, hidden
    from ..grader.evidence import clean

    for unit in args.units:
        slug, variant = unit.split(":")
        exercise, seed = hidden.pick(catalog.find(slug), variant, args.seed, args.hidden_seed)
        stem = f"{slug}.{variant}"
        for stage in exercise.kind.trusted_stages(exercise):
            stream.progress(stem, stage)
            found = {}
            for name in exercise.kind.trusted_inputs(exercise):
                path = os.path.join(records, f"{stem}.{name}")
                if os.path.exists(f"{path}.json"):
                    try:
                        found[name] = evidence.read(path)
                    except evidence.BadRecord:
                        continue
            try:
                record = exercise.kind.run_trusted(exercise, stage, found, seed, args.fresh_seed)
            except Exception as error:  # records of the right format but nonsense content
                record = error
            stream.record(f"{stem}.{stage}", *evidence.encode(clean(record)))
    stream.done()
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
