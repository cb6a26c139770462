"""Exercises 3.1 and 3.2: the recurrent cell of a plain (Elman) RNN, and
backpropagation through time by hand."""

import keras
import numpy as np  # noqa: F401  (you will need it)
from keras import ops  # noqa: F401  (you will need it)


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
        # Exercise 3.1: h_t = tanh(b + h_{t-1} W + x_t U); return h_t and the new
        # states [h_t]. states[0] is h_{t-1}.
        raise NotImplementedError("Exercise 3.1: SimpleRNNCell.call")

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
    # Exercise 3.2: loop over t = 1..T with NumPy: h = tanh(b + h_prev @ W + x[:, t] @ U),
    # o = c + h @ V, y_hat = softmax(o) (subtract the row max first); stack over time.
    raise NotImplementedError("Exercise 3.2: rnn_forward")


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
    # Exercise 3.2: run rnn_forward, compute the loss, then go backwards from t = T
    # with the equations above, carrying δh from each step to the one before.
    raise NotImplementedError("Exercise 3.2: bptt")
