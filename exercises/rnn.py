"""Exercise 3.1: the recurrent cell of a plain (Elman) RNN."""

import keras
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
