"""Hidden checks: the same checks on other shapes and another seed, run only when an
instructor grades. A student's code that fits the public cases (or returns their
stored expected values) without computing the operation fails them.

The hidden cases are the public ones one larger in the batch and, for layers, in
every dimension between batch and channels (a pooling window then meets a ragged
edge, a cell one more time step). Their expected values are never shipped.
"""

import dataclasses

from .exercise import Case

# The instructor's default; `workshop grade --hidden-seed` picks another.
DEFAULT_HIDDEN_SEED = 7_202_611


def _varied(case, spatial):
    shape = list(case.input_shape)
    shape[0] += 1
    if spatial:
        for axis in range(1, len(shape) - 1):
            shape[axis] += 1
    return Case(case.config, tuple(shape), case.zero_window)


def variant_of(exercise):
    """The exercise with its hidden cases in place of the public ones."""
    kind = exercise.grading.__name__.rsplit(".", 1)[-1]
    spatial = kind == "layer_grading"
    cases = tuple(_varied(case, spatial) for case in exercise.cases)
    if kind == "function_grading":  # (batch, T, input, units, classes): one more step too
        cases = tuple(Case(c.config, (c.input_shape[0], c.input_shape[1] + 1)
                           + tuple(c.input_shape[2:])) for c in cases)  # fmt: skip
    return dataclasses.replace(exercise, cases=cases)


def count(exercise):
    """How many checks also run on hidden cases (all of them)."""
    return len(exercise.points)


def pick(exercise, variant, seed, hidden_seed):
    """(exercise, seed) of a grading unit: "public" as given, "hidden" varied."""
    if variant == "hidden":
        return variant_of(exercise), hidden_seed
    return exercise, seed
