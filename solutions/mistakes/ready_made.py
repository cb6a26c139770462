"""Right numbers from ready-made ops: what the 'write it yourself' rule must catch."""

import keras
import tensorflow as tf
from keras import ops

from solutions.conv import Conv2D
from solutions.lstm import LSTMCell
from solutions.pooling import L2Pool2D, MaxPool2D
from solutions.rnn import SimpleRNNCell


@keras.saving.register_keras_serializable(package="mistakes")
class ReadyMadeConv2D(Conv2D):
    def call(self, inputs):
        z = tf.nn.conv2d(inputs, self.kernel, self.strides, "VALID") + self.bias
        return self.activation(z)


@keras.saving.register_keras_serializable(package="mistakes")
class ReadyMadeMaxPool2D(MaxPool2D):
    def call(self, inputs):
        return ops.max_pool(inputs, self.pool_size, self.strides, padding="valid")


@keras.saving.register_keras_serializable(package="mistakes")
class ReadyMadeL2Pool2D(L2Pool2D):
    def call(self, inputs):
        area = float(self.pool_size[0] * self.pool_size[1])
        mean = ops.average_pool(ops.square(inputs), self.pool_size, self.strides, padding="valid")
        total = mean * area
        nonzero = total > 0
        root = ops.sqrt(ops.where(nonzero, total, ops.ones_like(total)))
        return ops.where(nonzero, root, ops.zeros_like(total))


# Keras cells kept outside the graded cell, so that they add no weights to it.
_KERAS_CELLS = {}


@keras.saving.register_keras_serializable(package="mistakes")
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


@keras.saving.register_keras_serializable(package="mistakes")
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
