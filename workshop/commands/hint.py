"""`workshop hint`: one more hint for an exercise each time."""

from .command import Command
from .picking import pick_exercises


def add_arguments(parser):
    parser.add_argument("exercise", metavar="EXERCISE")


def run(args, root):
    exercise = pick_exercises([args.exercise])[0]
    from ..state import State

    state = State(root)
    tier, text = state.next_hint(exercise.slug, exercise.hints)
    state.save()
    print(f"Exercise {exercise.id} ({exercise.slug}), hint {tier} of {len(exercise.hints)}:")
    print(f"  {text}")
    if tier == len(exercise.hints):
        print("  That is the last hint; the docstring in the stub has the formula and shapes.")
    return 0


COMMAND = Command("hint", "one more hint for an exercise each time", add_arguments, run)
