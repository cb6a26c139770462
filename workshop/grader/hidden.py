"""Hidden checks: the same checks on other shapes and another seed, run only when an
instructor grades. A student's code that fits the public cases (or returns their
stored expected values) without computing the operation fails them.

Each grading kind says how its cases vary (GradingKind.hidden_cases): one larger in
the batch and, for layers, in every dimension between batch and channels (a pooling
window then meets a ragged edge, a cell one more time step). Their expected values are
never shipped.
"""

import dataclasses

# The instructor's default; `workshop grade --hidden-seed` picks another.
DEFAULT_HIDDEN_SEED = 7_202_611


def variant_of(exercise):
    """The exercise with its hidden cases in place of the public ones."""
    return dataclasses.replace(exercise, cases=exercise.kind.hidden_cases(exercise))


def count(exercise):
    """How many checks also run on hidden cases (all of them)."""
    return len(exercise.points)


def pick(exercise, variant, seed, hidden_seed):
    """(exercise, seed) of a grading unit: "public" as given, "hidden" varied."""
    if variant == "hidden":
        return variant_of(exercise), hidden_seed
    return exercise, seed
