"""Checks only a recurrent cell has: the final states under a padding mask, and agreement
with Keras's own recurrent layer once its weights are mapped into the cell's layout."""

import keras
import numpy as np

from .compare import compare
from .exercise import caught
from .numeric import FORWARD_TOLERANCE
from .observe import random_weights, rng_for


def _lstm_twin(units):
    return keras.layers.LSTM(units, return_sequences=True, return_state=True)


def _lstm_weights(kernel, recurrent_kernel, bias):
    """Keras stacks the gate blocks i, f, c̃, o and keeps the input and recurrent parts
    apart; the notes' fused kernel (eq. 3.11) is [x, h] -> c̃, o, i, f."""

    def notes_order(matrix):
        i, f, c, o = np.split(matrix, 4, axis=-1)
        return np.concatenate([c, o, i, f], axis=-1)

    return [notes_order(np.concatenate([kernel, recurrent_kernel], axis=0)), notes_order(bias)]


def _simple_rnn_twin(units):
    return keras.layers.SimpleRNN(units, return_sequences=True, return_state=True)


def _simple_rnn_weights(kernel, recurrent_kernel, bias):
    return [kernel, recurrent_kernel, bias]  # U, W, b: the same layout


# Keras layer name -> (make the layer, map its [kernel, recurrent_kernel, bias] to the cell's).
TWINS = {
    "LSTM": (_lstm_twin, _lstm_weights),
    "SimpleRNN": (_simple_rnn_twin, _simple_rnn_weights),
}


def _run(cell, weights, x, mask=None):
    """The cell in keras.layers.RNN with the given weights: the sequence of outputs and
    the final states, or None when the cell's weights have other shapes."""
    rnn = keras.layers.RNN(cell, return_sequences=True, return_state=True)
    rnn.build(tuple(x.shape))
    shapes = [tuple(int(d) for d in w.shape) for w in rnn.weights]
    if shapes != [w.shape for w in weights]:
        return {"shapes": shapes, "runs": None}
    rnn.set_weights(weights)
    outputs = rnn(x, mask=mask)
    return {"shapes": shapes, "runs": [np.asarray(value) for value in outputs]}


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


def padding_mask(case_index, seed, batch, steps):
    """Each sequence keeps a random prefix (at least one step); the rest is padding."""
    lengths = rng_for(seed, "lengths", case_index).integers(1, steps + 1, size=batch)
    lengths[0] = steps  # one full-length sequence
    return np.arange(steps)[None, :] < lengths[:, None]


def record_masking(exercise, cell_class, inputs, seed):
    """Per case of more than one step: the cell's run with padding masked out, under
    weights seeded by the cell's own weight shapes (the judge compares the shapes)."""

    def one(case, x, i):
        mask = padding_mask(i, seed, x.shape[0], x.shape[1])
        probe = keras.layers.RNN(cell_class(**case.config))
        probe.build(tuple(x.shape))
        weights = random_weights([tuple(int(d) for d in w.shape) for w in probe.weights], seed, i)
        return _run(cell_class(**case.config), weights, x, mask)

    return [caught(one, case, x, i) if x.shape[1] >= 2 else None
            for i, (case, x) in enumerate(zip(exercise.cases, inputs))]  # fmt: skip


def _unusable(record):
    return f"raised {record.explained}" if hasattr(record, "explained") else None


def judge_masking(exercise, mine, ref, describe):
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


def twin_weights(exercise, case, x, seed, index):
    """keras.layers.<twin> with seeded weights, and those weights in the cell's layout."""
    make_twin, map_weights = TWINS[exercise.keras_twin]
    twin = make_twin(case.config["units"])
    twin.build(tuple(x.shape))
    kernel, recurrent_kernel, bias = (w.numpy() for w in twin.weights[:3])
    rng = rng_for(seed, "twin", index)
    kernel, recurrent_kernel = (
        (rng.standard_normal(w.shape) / np.sqrt(w.shape[0])).astype(np.float32)
        for w in (kernel, recurrent_kernel)
    )
    bias = (0.5 * rng.standard_normal(bias.shape)).astype(np.float32)
    twin.set_weights([kernel, recurrent_kernel, bias])
    return twin, map_weights(kernel, recurrent_kernel, bias)


def record_twin(exercise, cell_class, inputs, seed):
    """Per case: the cell's run with the Keras layer's weights mapped into its layout."""

    def one(case, x, i):
        _, mapped = twin_weights(exercise, case, x, seed, i)
        return _run(cell_class(**case.config), mapped, x)

    return [caught(one, case, x, i) for i, (case, x) in enumerate(zip(exercise.cases, inputs))]


_TWIN_RUNS = {}


def _twin_expected(exercise, seed):
    """keras.layers.<twin>'s runs on every case, computed once per exercise and seed."""
    from .layer_grading import make_input

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
            return (
                False,
                f"{describe(i)} with keras.layers.{exercise.keras_twin}'s weights {problem}",
            )
        if m["runs"] is None:
            return False, (
                f"{describe(i)}: the cell's weights have shapes {m['shapes']}, not {shapes}: "
                "keep the weights the stub creates"
            )
        problem = _compare_runs(
            f"{describe(i)} against keras.layers.{exercise.keras_twin}", expected, m["runs"]
        )
        if problem:
            return False, problem
    return True, (
        f"with keras.layers.{exercise.keras_twin}'s weights mapped in, gives that layer's "
        f"outputs and final states on {len(expected_runs)} cases"
    )
