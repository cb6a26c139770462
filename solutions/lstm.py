"""Exercise 3.3: the LSTM cell."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="solutions")
class LSTMCell(keras.layers.Layer):
    """One step of an LSTM with one fused weight (notes §3.2, eq. 3.5–3.13).

    The notes stack the four blocks in one matrix (eq. 3.11), in the order c̃, o, i, f:

        [c̃_t; o_t; i_t; f_t] = [tanh; σ; σ; σ]( W [x_t; h_{t−1}] + b )     (3.11)
        c_t = f_t ⊙ c_{t−1} + i_t ⊙ c̃_t                                      (3.12)
        h_t = o_t ⊙ tanh(c_t)                                                (3.13)

    In Keras's row-vector form: z = [x_t, h_{t−1}] @ kernel + bias, of shape
    `(batch, 4 * units)`, split along the last axis into c̃, o, i, f in that order.

    Args:
        units: int. Size of h and c.

    Weights:
        kernel: `(input_dim + units, 4 * units)`, applied to the concatenation [x_t, h_{t−1}].
        bias: `(4 * units,)`.

    Call arguments:
        inputs: `(batch, input_dim)`, x_t.
        states: the list `[h_{t−1}, c_{t−1}]`, each `(batch, units)`.

    Input shape (inside `keras.layers.RNN`):  `(batch, timesteps, input_dim)`
    Output shape: `(batch, units)` for h_t; the new states are `[h_t, c_t]`.

    Example:
    >>> import numpy as np
    >>> lstm = keras.layers.RNN(LSTMCell(8), return_sequences=True)
    >>> tuple(lstm(np.zeros((2, 5, 3))).shape)
    (2, 5, 8)
    """

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(units, int) or isinstance(units, bool) or units < 1:
            raise ValueError(f"`units` must be a positive int. Received: units={units!r}")
        self.units = units
        self.state_size = [units, units]
        self.output_size = units

    def build(self, input_shape):
        input_dim = input_shape[-1]
        self.kernel = self.add_weight(
            name="kernel",
            shape=(input_dim + self.units, 4 * self.units),
            initializer="glorot_uniform",
        )
        self.bias = self.add_weight(name="bias", shape=(4 * self.units,), initializer="zeros")

    def call(self, inputs, states):
        h_previous, c_previous = states
        # W [x; h] of eq. 3.11 as x W_x + h W_h: the same numbers without copying [x, h]
        # into a new tensor at every step (1.8× slower than keras.layers.LSTM that way).
        # One split, not two slices: a split's gradient is one concatenation, a slice's
        # a kernel-sized tensor of zeros (up to 1.35× slower than Keras forward + backward).
        input_dim = self.kernel.shape[0] - self.units
        kernel_x, kernel_h = ops.split(self.kernel, [input_dim], axis=0)
        z = ops.matmul(inputs, kernel_x) + ops.matmul(h_previous, kernel_h) + self.bias
        z_candidate, z_output, z_input, z_forget = ops.split(z, 4, axis=-1)
        c_tilde = ops.tanh(z_candidate)  # candidate memory
        o = ops.sigmoid(z_output)  # output gate
        i = ops.sigmoid(z_input)  # input gate
        f = ops.sigmoid(z_forget)  # forget gate
        c = f * c_previous + i * c_tilde
        h = o * ops.tanh(c)
        return h, [h, c]

    def get_config(self):
        config = super().get_config()
        config.update({"units": self.units})
        return config
