"""Attack (found by a red-team trial): every pooling window from TensorFlow's ready-made
frame extractor, tf.signal.frame, whose name was on no list, and whose graph is only
slices, gathers and reshapes, all allowed. Expected: `frame` is a ready-made gatherer
of receptive fields, as extract_patches is, and the source rule names it: both
exercises fail "no ready-made op" and nothing else (9/10 each)."""

import keras
from keras import ops

from workshop.shapes import pair, valid_length


class _Pool2D(keras.layers.Layer):
    def __init__(self, pool_size=2, strides=None, **kwargs):
        super().__init__(**kwargs)
        self.pool_size = pair(pool_size, "pool_size")
        self.strides = self.pool_size if strides is None else pair(strides, "strides")

    def compute_output_shape(self, input_shape):
        batch, height, width, channels = input_shape
        return (batch, valid_length(height, self.pool_size[0], self.strides[0]),
                valid_length(width, self.pool_size[1], self.strides[1]), channels)

    def get_config(self):
        config = super().get_config()
        config.update({"pool_size": self.pool_size, "strides": self.strides})
        return config


import tensorflow as tf


def _windows(inputs, pool_size, strides):
    """Every window, from TensorFlow's ready-made frame extractor (tf.signal.frame):
    (batch, H', ph, W', pw, channels). No slicing written here."""
    (ph, pw), (sh, sw) = pool_size, strides
    rows = tf.signal.frame(inputs, ph, sh, axis=1)
    return tf.signal.frame(rows, pw, sw, axis=3)


@keras.saving.register_keras_serializable(package="exercises")
class MaxPool2D(_Pool2D):
    def call(self, inputs):
        return ops.max(_windows(inputs, self.pool_size, self.strides), axis=(2, 4))


@keras.saving.register_keras_serializable(package="exercises")
class L2Pool2D(_Pool2D):
    def call(self, inputs):
        squares = ops.sum(ops.square(_windows(inputs, self.pool_size, self.strides)), axis=(2, 4))
        positive = squares > 0
        return ops.where(positive, ops.sqrt(ops.where(positive, squares, 1.0)), 0.0)
