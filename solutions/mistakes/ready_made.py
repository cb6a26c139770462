"""Right numbers from ready-made ops: what the 'write it yourself' rule must catch."""

import keras
import tensorflow as tf
from keras import ops

from solutions.conv import Conv2D
from solutions.pooling import L2Pool2D, MaxPool2D


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
