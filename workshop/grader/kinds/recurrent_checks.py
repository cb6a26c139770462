"""The trusted side of the checks only a recurrent cell has: the final states under a
padding mask, and agreement with Keras's own recurrent layer (run here, on the trusted
side) once its weights are mapped into the cell's layout."""

import numpy as np

from ..common_checks import FORWARD_TOLERANCE
from ..compare import compare
from .layer_runs import make_input
from .recurrent_runs import twin_weights


def _compare_runs(label, expected, got):
    """Compare [sequence, state_1, ...] runs; a failure message or None."""
    if len(got) != len(expected):
        return (
            f"{label}: the RNN returned {len(got) - 1} final state(s), expected "
            f"{len(expected) - 1}: `call` must return (output, [every new state])"
        )
    names = ["output sequence"] + [f"final state {k}" for k in range(len(expected) - 1)]
    for name, e, g in zip(names, expected, got):
        comparison = compare(name, e, g, FORWARD_TOLERANCE)
        if not comparison.ok:
            return f"{label}: {comparison.summary}"
    return None


def _unusable(record):
    return f"raised {record.explained}" if hasattr(record, "explained") else None


def judge_masking(mine, ref, describe):
    """With padding masked out, the outputs and final states equal the reference's."""
    compared = 0
    for i, (m, r) in enumerate(zip(mine, ref)):
        if r is None:
            continue  # one step: nothing to mask
        compared += 1
        problem = _unusable(m)
        if problem:
            return False, f"{describe(i)} with padding masked {problem}"
        if m["shapes"] != r["shapes"]:
            return False, (
                f"{describe(i)}: the cell's weights have shapes {m['shapes']}, not "
                f"{r['shapes']}: keep the weights the stub creates"
            )
        problem = _compare_runs(f"{describe(i)} with padding masked", r["runs"], m["runs"])
        if problem:
            return False, problem
    return True, (
        f"with padded sequences masked, outputs and final states match on {compared} cases"
    )


_TWIN_RUNS = {}


def _twin_expected(exercise, seed):
    """keras.layers.<twin>'s runs on every case, computed once per exercise and seed."""
    key = (exercise.id, repr(exercise.cases), seed)
    if key not in _TWIN_RUNS:
        inputs = [make_input(case, seed, i) for i, case in enumerate(exercise.cases)]
        _TWIN_RUNS[key] = []
        for i, (case, x) in enumerate(zip(exercise.cases, inputs)):
            twin, mapped = twin_weights(exercise, case, x, seed, i)
            shapes = [tuple(w.shape) for w in mapped]
            _TWIN_RUNS[key].append((shapes, [np.asarray(value) for value in twin(x)]))
    return _TWIN_RUNS[key]


def judge_twin(exercise, mine, seed, describe):
    """The cell, with weights mapped from keras.layers.<twin>, computes what that layer
    does: the layer runs here, on the trusted side."""
    expected_runs = _twin_expected(exercise, seed)
    for i, (m, (shapes, expected)) in enumerate(zip(mine, expected_runs)):
        problem = _unusable(m)
        if problem:
            twin = exercise.options.keras_twin
            return False, f"{describe(i)} with keras.layers.{twin}'s weights {problem}"
        if m["runs"] is None:
            return False, (
                f"{describe(i)}: the cell's weights have shapes {m['shapes']}, not {shapes}: "
                "keep the weights the stub creates"
            )
        problem = _compare_runs(
            f"{describe(i)} against keras.layers.{exercise.options.keras_twin}", expected, m["runs"]
        )
        if problem:
            return False, problem
    return True, (
        f"with keras.layers.{exercise.options.keras_twin}'s weights mapped in, gives that layer's "
        f"outputs and final states on {len(expected_runs)} cases"
    )
