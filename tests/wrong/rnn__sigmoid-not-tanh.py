# exercise: rnn (3.1)
# family: wrong loss/sign/activation/default
# mistake: Your hidden state uses a sigmoid; the RNN of eq. 3.2 uses tanh.
"""Exercises 3.1 and 3.2: the recurrent cell of a plain (Elman) RNN, and
backpropagation through time by hand."""

import keras
import numpy as np
from keras import ops


@keras.saving.register_keras_serializable(package="exercises")
class SimpleRNNCell(keras.layers.Layer):
    """One step of a tanh RNN (notes §3.1, eq. 3.1–3.2).

    The notes write column vectors:

        a(t) = b + W h(t−1) + U x(t)        (3.1)
        h(t) = tanh(a(t))                   (3.2)

    Keras multiplies row vectors, so the weights are stored transposed and one step is

        h_t = tanh(b + h_{t−1} W + x_t U)

    Wrapped in `keras.layers.RNN`, the cell runs over a whole sequence.

    Args:
        units: int. Size of the hidden state h.

    Weights:
        U: `(input_dim, units)`, input to hidden.
        W: `(units, units)`, hidden to hidden (the recurrence).
        b: `(units,)`, the bias.

    Call arguments:
        inputs: `(batch, input_dim)`, x_t.
        states: a list holding h_{t−1}, `(batch, units)`.

    Input shape (inside `keras.layers.RNN`):  `(batch, timesteps, input_dim)`
    Output shape: `(batch, units)` for h_t; the new states are `[h_t]`.

    Example:
    >>> rnn = keras.layers.RNN(SimpleRNNCell(8), return_sequences=True)
    >>> tuple(rnn(np.zeros((2, 5, 3))).shape)
    (2, 5, 8)
    """

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(units, int) or isinstance(units, bool) or units < 1:
            raise ValueError(f"`units` must be a positive int. Received: units={units!r}")
        self.units = units
        self.state_size = units
        self.output_size = units

    def build(self, input_shape):
        input_dim = input_shape[-1]
        self.U = self.add_weight(
            name="U", shape=(input_dim, self.units), initializer="glorot_uniform"
        )
        self.W = self.add_weight(name="W", shape=(self.units, self.units), initializer="orthogonal")
        self.b = self.add_weight(name="b", shape=(self.units,), initializer="zeros")

    def call(self, inputs, states):
        h_previous = states[0] if isinstance(states, (list, tuple)) else states
        h = ops.sigmoid(self.b + ops.matmul(h_previous, self.W) + ops.matmul(inputs, self.U))
        return h, [h]

    def get_config(self):
        config = super().get_config()
        config.update({"units": self.units})
        return config


def rnn_forward(x, h0, U, W, b, V, c):
    """The whole RNN of eq. 3.1–3.4 over a sequence, in NumPy (notes §3.1).

        a(t) = b + h(t−1) W + x(t) U        (3.1, row vectors)
        h(t) = tanh(a(t))                   (3.2)
        o(t) = c + h(t) V                   (3.3)
        ŷ(t) = softmax(o(t))                (3.4)

    Args:
        x: `(batch, T, input_dim)`, the inputs x(1) ... x(T).
        h0: `(batch, units)`, the initial state h(0).
        U: `(input_dim, units)`. W: `(units, units)`. b: `(units,)`.
        V: `(units, output_dim)`. c: `(output_dim,)`.

    Returns:
        `(h, y_hat)`: the states h(1) ... h(T), `(batch, T, units)`, and the softmax
        outputs ŷ(1) ... ŷ(T), `(batch, T, output_dim)`.

    Example:
    >>> h, y_hat = rnn_forward(np.zeros((2, 3, 4)), np.zeros((2, 5)), np.zeros((4, 5)),
    ...                        np.zeros((5, 5)), np.zeros(5), np.zeros((5, 2)), np.zeros(2))
    >>> h.shape, y_hat.shape, float(y_hat[0, 0, 0])
    ((2, 3, 5), (2, 3, 2), 0.5)
    """
    x = np.asarray(x, dtype=np.float64)
    h_previous = np.asarray(h0, dtype=np.float64)
    states, outputs = [], []
    for t in range(x.shape[1]):
        h = np.tanh(b + h_previous @ W + x[:, t] @ U)  # (batch, units)
        o = c + h @ V  # (batch, output_dim)
        o = o - o.max(axis=-1, keepdims=True)  # softmax is shift-invariant: no overflow
        y_hat = np.exp(o) / np.exp(o).sum(axis=-1, keepdims=True)
        states.append(h)
        outputs.append(y_hat)
        h_previous = h
    return np.stack(states, axis=1), np.stack(outputs, axis=1)


def bptt(x, targets, h0, U, W, b, V, c):
    """Backpropagation through time for the RNN of eq. 3.1–3.4, by hand (notes §3.1).

    The loss is the cross-entropy summed over time and over the batch:

        L = Σ_n Σ_t −log ŷ(t)[n, targets[n, t]]

    Going backwards from t = T, with δh(T+1) = 0:

        ∂L/∂o(t) = ŷ(t) − onehot(targets(t))
        ∂L/∂h(t) = ∂L/∂o(t) Vᵀ + δh(t+1)          (the gradient from later steps)
        ∂L/∂a(t) = ∂L/∂h(t) ⊙ (1 − h(t)²)
        δh(t)    = ∂L/∂a(t) Wᵀ                     (carried to step t − 1)

    and each parameter's gradient is the sum of its contributions over all steps:
    ∂L/∂V = Σ_t h(t)ᵀ ∂L/∂o(t), ∂L/∂c = Σ_t ∂L/∂o(t), ∂L/∂U = Σ_t x(t)ᵀ ∂L/∂a(t),
    ∂L/∂W = Σ_t h(t−1)ᵀ ∂L/∂a(t), ∂L/∂b = Σ_t ∂L/∂a(t); ∂L/∂h(0) = δh(1).

    Args:
        x: `(batch, T, input_dim)`. targets: `(batch, T)` integer classes.
        h0, U, W, b, V, c: as in `rnn_forward`.

    Returns:
        `(loss, grads)`: the loss L (a float) and a dict with the gradient of L for
        each of "U", "W", "b", "V", "c" and "h0", each the shape of its parameter.

    Example:
    >>> loss, grads = bptt(np.zeros((2, 3, 4)), np.zeros((2, 3), int), np.zeros((2, 5)),
    ...                    np.zeros((4, 5)), np.zeros((5, 5)), np.zeros(5),
    ...                    np.zeros((5, 2)), np.zeros(2))
    >>> round(loss, 4), sorted(grads), grads["c"].tolist()
    (4.1589, ['U', 'V', 'W', 'b', 'c', 'h0'], [-3.0, 3.0])
    """
    x = np.asarray(x, dtype=np.float64)
    h, y_hat = rnn_forward(x, h0, U, W, b, V, c)
    batch, steps = targets.shape
    rows, times = np.arange(batch)[:, None], np.arange(steps)[None, :]
    loss = float(-np.log(y_hat[rows, times, targets]).sum())
    d_o = y_hat.copy()
    d_o[rows, times, targets] -= 1.0  # ∂L/∂o(t), (batch, T, output_dim)
    grads = {
        name: np.zeros_like(np.asarray(p, dtype=np.float64))
        for name, p in (("U", U), ("W", W), ("b", b), ("V", V), ("c", c))
    }
    h_from_later = np.zeros_like(h[:, 0])  # δh(T+1) = 0
    for t in reversed(range(steps)):
        h_before = h[:, t - 1] if t > 0 else np.asarray(h0, dtype=np.float64)
        grads["V"] += h[:, t].T @ d_o[:, t]
        grads["c"] += d_o[:, t].sum(axis=0)
        d_h = d_o[:, t] @ np.asarray(V).T + h_from_later  # ∂L/∂h(t)
        d_a = d_h * (1.0 - h[:, t] ** 2)  # through tanh
        grads["U"] += x[:, t].T @ d_a
        grads["W"] += h_before.T @ d_a
        grads["b"] += d_a.sum(axis=0)
        h_from_later = d_a @ np.asarray(W).T  # δh(t), to step t − 1
    grads["h0"] = h_from_later
    return loss, grads
