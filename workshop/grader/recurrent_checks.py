"""Checks only a recurrent cell has: the final states under a padding mask, and agreement
with Keras's own recurrent layer once its weights are mapped into the cell's layout."""

import keras
import numpy as np

from .compare import compare
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


class CannotMap(Exception):
    """The cell's weights are not the stub's, so given weights cannot be put in."""


def _run(cell, weights, x, mask=None):
    """The cell in keras.layers.RNN, returning the sequence of outputs and final states."""
    rnn = keras.layers.RNN(cell, return_sequences=True, return_state=True)
    rnn.build(tuple(x.shape))
    shapes = [tuple(int(d) for d in w.shape) for w in rnn.weights]
    if shapes != [w.shape for w in weights]:
        raise CannotMap(
            f"the cell's weights have shapes {shapes}, not {[w.shape for w in weights]}: "
            "keep the weights the stub creates"
        )
    rnn.set_weights(weights)
    outputs = rnn(x, mask=mask)
    return [np.asarray(value) for value in outputs]


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


def check_masking(exercise, student_class, reference_class, inputs, seed, describe):
    """With padding masked out, the outputs and final states equal the reference's."""
    compared = 0
    for i, (case, x) in enumerate(zip(exercise.cases, inputs)):
        if x.shape[1] < 2:
            continue  # one step: nothing to mask
        compared += 1
        mask = padding_mask(i, seed, x.shape[0], x.shape[1])
        reference = keras.layers.RNN(reference_class(**case.config))
        reference.build(tuple(x.shape))
        shapes = [tuple(w.shape) for w in reference.weights]
        weights = random_weights(shapes, seed, i)
        expected = _run(reference_class(**case.config), weights, x, mask)
        try:
            got = _run(student_class(**case.config), weights, x, mask)
        except CannotMap as error:
            return False, f"{describe(i)}: {error}"
        problem = _compare_runs(f"{describe(i)} with padding masked", expected, got)
        if problem:
            return False, problem
    return True, (
        f"with padded sequences masked, outputs and final states match on {compared} cases"
    )


def check_twin(exercise, student_class, inputs, seed, describe):
    """The cell, with weights mapped from keras.layers.<twin>, computes what that layer does."""
    make_twin, map_weights = TWINS[exercise.keras_twin]
    for i, (case, x) in enumerate(zip(exercise.cases, inputs)):
        twin = make_twin(case.config["units"])
        twin.build(tuple(x.shape))
        kernel, recurrent_kernel, bias = (w.numpy() for w in twin.weights[:3])
        rng = rng_for(seed, "twin", i)
        kernel, recurrent_kernel = (
            (rng.standard_normal(w.shape) / np.sqrt(w.shape[0])).astype(np.float32)
            for w in (kernel, recurrent_kernel)
        )
        bias = (0.5 * rng.standard_normal(bias.shape)).astype(np.float32)
        twin.set_weights([kernel, recurrent_kernel, bias])
        expected = [np.asarray(value) for value in twin(x)]
        cell = student_class(**case.config)
        mapped = map_weights(kernel, recurrent_kernel, bias)
        try:
            got = _run(cell, mapped, x)
        except CannotMap as error:
            return False, f"{describe(i)}: {error}"
        problem = _compare_runs(
            f"{describe(i)} against keras.layers.{exercise.keras_twin}", expected, got
        )
        if problem:
            return False, problem
    return True, (
        f"with keras.layers.{exercise.keras_twin}'s weights mapped in, gives that layer's "
        f"outputs and final states on {len(inputs)} cases"
    )
