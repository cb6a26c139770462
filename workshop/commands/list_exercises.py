"""`workshop list`: the exercises, their points and the student's last status."""

from .command import Command


def add_arguments(parser):
    pass


def run(args, root):
    from .. import catalog
    from ..state import State

    state = State(root)
    print(f"{'id':<5} {'name':<9} {'points':>6}  {'last check':<16} title")
    for exercise in catalog.EXERCISES:
        seen = state.progress(exercise.slug)
        status = f"{seen['status']} {seen['points']:g}" if seen else "not checked yet"
        print(
            f"{exercise.id:<5} {exercise.slug:<9} {exercise.max_points:>6g}  {status:<16} "
            f"{exercise.title}"
        )
    return 0


COMMAND = Command("list", "the exercises, their points and your last status", add_arguments, run)
