"""The student side of the checks only a recurrent cell has: its runs under a padding
mask, and with Keras's own recurrent layer's weights mapped into the cell's layout."""

import keras
import numpy as np

from ..observing import caught
from ..seeding import random_weights, rng_for


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

    return [
        caught(one, case, x, i) if x.shape[1] >= 2 else None
        for i, (case, x) in enumerate(zip(exercise.cases, inputs))
    ]


def twin_weights(exercise, case, x, seed, index):
    """keras.layers.<twin> with seeded weights, and those weights in the cell's layout."""
    make_twin, map_weights = TWINS[exercise.options.keras_twin]
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
