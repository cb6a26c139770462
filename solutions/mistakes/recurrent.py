"""Wrong recurrent cells, one realistic mistake each."""

import keras
import tensorflow as tf
from keras import ops

from solutions.lstm import LSTMCell
from solutions.mistakes import known
from solutions.rnn import SimpleRNNCell

register = keras.saving.register_keras_serializable(package="mistakes")


@known("3.1", "no-tanh", "tanh missing: h_t = tanh(b + h_{t-1} W + x_t U) (eq. 3.2)")
@register
class NoTanhRNNCell(SimpleRNNCell):
    """A linear recurrence: tanh forgotten."""

    def call(self, inputs, states):
        h = self.b + ops.matmul(states[0], self.W) + ops.matmul(inputs, self.U)
        return h, [h]


@known("3.1", "no-recurrence", "h_{t-1} is never used: add h_{t-1} W, the recurrence of eq. 3.1")
@register
class NoRecurrenceRNNCell(SimpleRNNCell):
    """h_{t−1} never used: every step sees only its own input."""

    def call(self, inputs, states):
        h = ops.tanh(self.b + ops.matmul(inputs, self.U))
        return h, [h]


@known(
    "3.1",
    "transposed-W",
    "W transposed: with row vectors the recurrence is h_{t-1} @ W (the notes' W h is "
    "the column-vector form of the same thing)",
)
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


@known(
    "3.3",
    "keras-gate-order",
    "gate blocks in Keras's order (i, f, c̃, o): the notes stack c̃, o, i, f (eq. 3.11)",
)
@register
class KerasGateOrderLSTMCell(LSTMCell):
    """Blocks read in Keras's order i, f, c̃, o instead of the notes' c̃, o, i, f."""

    def call(self, inputs, states):
        h_previous, c_previous = states
        z_i, z_f, z_c, z_o = _gates(self, inputs, h_previous)
        c = ops.sigmoid(z_f) * c_previous + ops.sigmoid(z_i) * ops.tanh(z_c)
        h = ops.sigmoid(z_o) * ops.tanh(c)
        return h, [h, c]


@known(
    "3.3",
    "h-before-x",
    "[h_{t-1}, x_t] concatenated: the kernel's first input_dim rows multiply x_t, so the "
    "concatenation is [x_t, h_{t-1}] (eq. 3.11)",
)
@register
class HiddenFirstLSTMCell(LSTMCell):
    """The gates computed from [h_{t−1}, x_t] instead of [x_t, h_{t−1}]: the kernel's
    rows meet the wrong vectors."""

    def call(self, inputs, states):
        h_previous, c_previous = states
        z = ops.matmul(ops.concatenate([h_previous, inputs], axis=-1), self.kernel) + self.bias
        z_c, z_o, z_i, z_f = ops.split(z, 4, axis=-1)
        c = ops.sigmoid(z_f) * c_previous + ops.sigmoid(z_i) * ops.tanh(z_c)
        h = ops.sigmoid(z_o) * ops.tanh(c)
        return h, [h, c]


@known(
    "3.3",
    "forget-on-candidate",
    "forget and input gates swapped: c_t = f ⊙ c_{t-1} + i ⊙ c̃_t (eq. 3.12)",
)
@register
class ForgetOnCandidateLSTMCell(LSTMCell):
    """c_t = i ⊙ c_{t−1} + f ⊙ c̃_t: the forget gate applied to the candidate."""

    def call(self, inputs, states):
        h_previous, c_previous = states
        z_c, z_o, z_i, z_f = _gates(self, inputs, h_previous)
        c = ops.sigmoid(z_i) * c_previous + ops.sigmoid(z_f) * ops.tanh(z_c)
        h = ops.sigmoid(z_o) * ops.tanh(c)
        return h, [h, c]


@known("3.3", "no-tanh-on-cell", "tanh missing: h_t = o ⊙ tanh(c_t) (eq. 3.13)")
@register
class NoTanhOnCellLSTMCell(LSTMCell):
    """h_t = o ⊙ c_t: tanh missing on the cell state (eq. 3.13)."""

    def call(self, inputs, states):
        h_previous, c_previous = states
        z_c, z_o, z_i, z_f = _gates(self, inputs, h_previous)
        c = ops.sigmoid(z_f) * c_previous + ops.sigmoid(z_i) * ops.tanh(z_c)
        h = ops.sigmoid(z_o) * c
        return h, [h, c]


@known(
    "3.3",
    "hidden-for-cell",
    "h_{t-1} used where c_{t-1} belongs: the forget gate scales the old cell state",
)
@register
class HiddenForCellLSTMCell(LSTMCell):
    """c_t = f ⊙ h_{t−1} + i ⊙ c̃_t: the hidden state used where the cell state belongs."""

    def call(self, inputs, states):
        h_previous, _ = states
        z_c, z_o, z_i, z_f = _gates(self, inputs, h_previous)
        c = ops.sigmoid(z_f) * h_previous + ops.sigmoid(z_i) * ops.tanh(z_c)
        h = ops.sigmoid(z_o) * ops.tanh(c)
        return h, [h, c]


@known("3.1", "two-biases", "a second bias: eq. 3.1 has one bias b, shape (units,)")
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


@known(
    "3.1",
    "column-vectors",
    "h_t returned as (units, batch): Keras works with rows, (batch, units)",
)
@register
class ColumnVectorRNNCell(SimpleRNNCell):
    """The notes' column vectors kept: h_t comes out as (units, batch)."""

    def call(self, inputs, states):
        h = ops.tanh(self.b + ops.matmul(states[0], self.W) + ops.matmul(inputs, self.U))
        return ops.transpose(h), [h]


@known(
    "3.3",
    "separate-weights",
    "one matrix per gate: this exercise uses the fused kernel of eq. 3.11, (input_dim + "
    "units, 4 * units), applied to [x_t, h_{t-1}]",
)
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


# Keras cells kept outside the graded cell, so that they add no weights to it.
_KERAS_CELLS = {}


@known("3.1", "ready-made-op", "uses keras.layers.SimpleRNNCell", diagnosed=False)
@register
class ReadyMadeSimpleRNNCell(SimpleRNNCell):
    """Hands each step to Keras's own SimpleRNNCell, fed the notes' weights."""

    def build(self, input_shape):
        super().build(input_shape)
        cell = keras.layers.SimpleRNNCell(self.units)
        cell.build(input_shape)
        _KERAS_CELLS[id(self)] = cell

    def call(self, inputs, states):
        cell = _KERAS_CELLS[id(self)]
        cell.kernel.assign(self.U)
        cell.recurrent_kernel.assign(self.W)
        cell.bias.assign(self.b)
        h, _ = cell.call(inputs, states)
        return h, [h]


@known("3.3", "ready-made-op", "uses TensorFlow's fused LSTMBlockCell", diagnosed=False)
@register
class ReadyMadeLSTMCell(LSTMCell):
    """Runs TensorFlow's fused LSTM kernel on the notes' weights, gate blocks reordered."""

    def call(self, inputs, states):
        h_previous, c_previous = states
        c_block, o_block, i_block, f_block = ops.split(self.kernel, 4, axis=-1)
        c_bias, o_bias, i_bias, f_bias = ops.split(self.bias, 4, axis=-1)
        result = tf.raw_ops.LSTMBlockCell(
            x=inputs,
            cs_prev=c_previous,
            h_prev=h_previous,
            w=ops.concatenate([i_block, c_block, f_block, o_block], axis=-1),
            wci=tf.zeros([self.units]),
            wcf=tf.zeros([self.units]),
            wco=tf.zeros([self.units]),
            b=ops.concatenate([i_bias, c_bias, f_bias, o_bias], axis=-1),
            forget_bias=0.0,
            cell_clip=-1.0,
            use_peephole=False,
        )
        return result.h, [result.h, result.cs]


@known(
    "3.1",
    "state-not-updated",
    "the state is not carried on: return h_t as both the output and the new state, "
    "[h_t], so the next step sees h_t as its h_{t-1}",
)
@register
class StaleStateRNNCell(SimpleRNNCell):
    """The new state is the old one: every step sees the initial state."""

    def call(self, inputs, states):
        h, _ = super().call(inputs, states)
        return h, [states[0] if isinstance(states, (list, tuple)) else states]


@known(
    "3.3",
    "output-from-old-cell",
    "h_t from the old memory: h_t = o ⊙ tanh(c_t), with the c_t just computed, not c_{t-1} "
    "(eq. 3.13)",
)
@register
class OldCellOutputLSTMCell(LSTMCell):
    def call(self, inputs, states):
        h_previous, c_previous = states
        o = ops.sigmoid(_gates(self, inputs, h_previous)[1])
        _, (_, c) = super().call(inputs, states)
        h = o * ops.tanh(c_previous)
        return h, [h, c]
