"""`workshop release`: write the student copy, without solutions, with reference results."""

from pathlib import Path

from ..edition import NO_SOLUTIONS, is_release
from ..errors import RunFailed, UsageError
from ..quiet import import_tensorflow
from .command import Command


def add_arguments(parser):
    parser.add_argument("out", help="a new folder for the student copy")


def run(args, root):
    from .. import release
    from ..grader.seeding import DEFAULT_SEED

    if is_release():
        raise UsageError(f"{NO_SOLUTIONS}: build releases from the instructors' repository")
    out = Path(args.out)
    if out.exists():
        raise UsageError(f"{out} exists already: give a new folder")
    import_tensorflow()
    try:
        release.build(root, out, DEFAULT_SEED)
    except release.LeakFound as leak:
        raise RunFailed(f"the release in {out} gives solutions away, do not ship it: {leak}")
    print(
        f"Wrote the student copy to {out}/: no solutions/, tests/ or benchmarks/; reference "
        f"results for seed {DEFAULT_SEED} in workshop/reference_data/; leak scan clean."
    )
    return 0


COMMAND = Command(
    "release",
    "write the student copy: no solutions, reference results stored",
    add_arguments,
    run,
)
