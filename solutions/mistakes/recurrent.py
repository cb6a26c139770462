"""Wrong recurrent cells, one realistic mistake each."""

import keras
from keras import ops

from solutions.lstm import LSTMCell
from solutions.rnn import SimpleRNNCell

register = keras.saving.register_keras_serializable(package="mistakes")


@register
class NoTanhRNNCell(SimpleRNNCell):
    """A linear recurrence: tanh forgotten."""

    def call(self, inputs, states):
        h = self.b + ops.matmul(states[0], self.W) + ops.matmul(inputs, self.U)
        return h, [h]


@register
class NoRecurrenceRNNCell(SimpleRNNCell):
    """h_{t−1} never used: every step sees only its own input."""

    def call(self, inputs, states):
        h = ops.tanh(self.b + ops.matmul(inputs, self.U))
        return h, [h]


@register
class TransposedRecurrenceRNNCell(SimpleRNNCell):
    """W applied from the wrong side (the notes' column-vector W h, not h W)."""

    def call(self, inputs, states):
        h = ops.tanh(
            self.b + ops.matmul(states[0], ops.transpose(self.W)) + ops.matmul(inputs, self.U)
        )
        return h, [h]


def _gates(cell, inputs, h_previous):
    z = ops.matmul(ops.concatenate([inputs, h_previous], axis=-1), cell.kernel) + cell.bias
    return ops.split(z, 4, axis=-1)


@register
class KerasGateOrderLSTMCell(LSTMCell):
    """Blocks read in Keras's order i, f, c̃, o instead of the notes' c̃, o, i, f."""

    def call(self, inputs, states):
        h_previous, c_previous = states
        z_i, z_f, z_c, z_o = _gates(self, inputs, h_previous)
        c = ops.sigmoid(z_f) * c_previous + ops.sigmoid(z_i) * ops.tanh(z_c)
        h = ops.sigmoid(z_o) * ops.tanh(c)
        return h, [h, c]


@register
class ForgetOnCandidateLSTMCell(LSTMCell):
    """c_t = i ⊙ c_{t−1} + f ⊙ c̃_t: the forget gate applied to the candidate."""

    def call(self, inputs, states):
        h_previous, c_previous = states
        z_c, z_o, z_i, z_f = _gates(self, inputs, h_previous)
        c = ops.sigmoid(z_i) * c_previous + ops.sigmoid(z_f) * ops.tanh(z_c)
        h = ops.sigmoid(z_o) * ops.tanh(c)
        return h, [h, c]


@register
class NoTanhOnCellLSTMCell(LSTMCell):
    """h_t = o ⊙ c_t: tanh missing on the cell state (eq. 3.13)."""

    def call(self, inputs, states):
        h_previous, c_previous = states
        z_c, z_o, z_i, z_f = _gates(self, inputs, h_previous)
        c = ops.sigmoid(z_f) * c_previous + ops.sigmoid(z_i) * ops.tanh(z_c)
        h = ops.sigmoid(z_o) * c
        return h, [h, c]


@register
class HiddenForCellLSTMCell(LSTMCell):
    """c_t = f ⊙ h_{t−1} + i ⊙ c̃_t: the hidden state used where the cell state belongs."""

    def call(self, inputs, states):
        h_previous, _ = states
        z_c, z_o, z_i, z_f = _gates(self, inputs, h_previous)
        c = ops.sigmoid(z_f) * h_previous + ops.sigmoid(z_i) * ops.tanh(z_c)
        h = ops.sigmoid(z_o) * ops.tanh(c)
        return h, [h, c]


@register
class TwoBiasesRNNCell(SimpleRNNCell):
    """A second bias for the recurrence: eq. 3.1 has one bias b."""

    def build(self, input_shape):
        super().build(input_shape)
        self.b_h = self.add_weight(name="b_h", shape=(self.units,), initializer="zeros")

    def call(self, inputs, states):
        a = self.b + self.b_h + ops.matmul(states[0], self.W) + ops.matmul(inputs, self.U)
        h = ops.tanh(a)
        return h, [h]


@register
class ColumnVectorRNNCell(SimpleRNNCell):
    """The notes' column vectors kept: h_t comes out as (units, batch)."""

    def call(self, inputs, states):
        h = ops.tanh(self.b + ops.matmul(states[0], self.W) + ops.matmul(inputs, self.U))
        return ops.transpose(h), [h]


@register
class SeparateWeightsLSTMCell(LSTMCell):
    """Eight matrices W_c, U_c, W_o, ... as in eq. 3.7–3.10, not the fused kernel of eq. 3.11."""

    def build(self, input_shape):
        input_dim, units = input_shape[-1], self.units
        self.gate_weights = {}
        for gate in ("c", "o", "i", "f"):
            self.gate_weights[gate] = (
                self.add_weight(name=f"W_{gate}", shape=(input_dim, units)),
                self.add_weight(name=f"U_{gate}", shape=(units, units)),
                self.add_weight(name=f"b_{gate}", shape=(units,), initializer="zeros"),
            )

    def call(self, inputs, states):
        h_previous, c_previous = states

        def z(gate):
            W, U, b = self.gate_weights[gate]
            return ops.matmul(inputs, W) + ops.matmul(h_previous, U) + b

        c = ops.sigmoid(z("f")) * c_previous + ops.sigmoid(z("i")) * ops.tanh(z("c"))
        h = ops.sigmoid(z("o")) * ops.tanh(c)
        return h, [h, c]
