"""Exercise 1.1: a convolutional layer with local receptive fields and shared weights."""

import functools

import keras
import numpy as np
from keras import ops

from workshop.shapes import pair, valid_length


@keras.saving.register_keras_serializable(package="solutions")
class Conv2D(keras.layers.Layer):
    """A convolutional layer: every feature map shares one kernel and one bias (notes §1.2).

    The notes' equation for hidden neuron (j, k) of one feature map, with a 5×5 field:

        σ( b + Σ_{l=0}^{4} Σ_{m=0}^{4} w_{l,m} a_{j+l, k+m} )

    With several input channels c and feature maps f, and stride s:

        y[n, j, k, f] = σ( b[f] + Σ_l Σ_m Σ_c w[l, m, c, f] · x[n, s·j + l, s·k + m, c] )

    This is cross-correlation (the kernel is not flipped) with 'valid' padding: the
    receptive field never leaves the image, so a 28×28 input and a 5×5 field give 24×24.

    Args:
        filters: int. Number of feature maps.
        kernel_size: int or pair of ints `(kh, kw)`. Size of the local receptive field.
        strides: int or pair of ints. How far the field moves each step. Defaults to 1.
        activation: the activation σ, a name or a callable. Defaults to `None`
            (the identity).

    Weights:
        kernel: `(kh, kw, in_channels, filters)`, the shared weights w.
        bias: `(filters,)`, one shared bias b per feature map.

    Input shape:  `(batch, height, width, in_channels)`
    Output shape: `(batch, H', W', filters)` with
        H' = floor((height - kh) / stride_h) + 1,  W' = floor((width - kw) / stride_w) + 1

    Example:
    >>> tuple(Conv2D(20, 5)(np.zeros((1, 28, 28, 1))).shape)
    (1, 24, 24, 20)
    """

    def __init__(self, filters, kernel_size, strides=1, activation=None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(filters, int) or isinstance(filters, bool) or filters < 1:
            raise ValueError(f"`filters` must be a positive int. Received: filters={filters!r}")
        self.filters = filters
        self.kernel_size = pair(kernel_size, "kernel_size")
        self.strides = pair(strides, "strides")
        self.activation = keras.activations.get(activation)

    def build(self, input_shape):
        in_channels = input_shape[-1]
        kh, kw = self.kernel_size
        self.kernel = self.add_weight(
            name="kernel",
            shape=(kh, kw, in_channels, self.filters),
            initializer="glorot_uniform",
        )
        self.bias = self.add_weight(name="bias", shape=(self.filters,), initializer="zeros")

    def call(self, inputs):
        kh, kw = self.kernel_size
        fields = _receptive_fields(inputs, self.kernel_size, self.strides)
        # (batch, H', W', kh * kw * in_channels) @ (kh * kw * in_channels, filters)
        weights = ops.reshape(self.kernel, (kh * kw * inputs.shape[-1], self.filters))
        z = ops.matmul(fields, weights) + self.bias  # (batch, H', W', filters)
        return self.activation(z)

    def compute_output_shape(self, input_shape):
        batch, height, width, _ = input_shape
        return (
            batch,
            valid_length(height, self.kernel_size[0], self.strides[0]),
            valid_length(width, self.kernel_size[1], self.strides[1]),
            self.filters,
        )

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "filters": self.filters,
                "kernel_size": self.kernel_size,
                "strides": self.strides,
                "activation": keras.activations.serialize(self.activation),
            }
        )
        return config


def _receptive_fields(inputs, kernel_size, strides):
    """Every local receptive field as one vector: (batch, H', W', kh * kw * channels).

    One gather (an "im2col"): `_field_index` lists, for each output position (j, k)
    and each offset (l, m), the pixel (s·j + l, s·k + m) it reads. The vector is
    ordered (l, m, c), the order of `kernel.reshape(-1, filters)`. A gather's
    gradient is one scatter-add, several times cheaper than that of many slices.
    """
    _, height, width, channels = inputs.shape
    index = _field_index(height, width, kernel_size, strides)  # (H', W', kh * kw)
    out_h, out_w, field = index.shape
    if channels >= _CHANNELS_FOR_BATCH_MAJOR:
        # Each gathered row is one pixel's channels, already in the vector's order:
        # no transpose before or after.
        pixels = ops.reshape(inputs, (-1, height * width, channels))
        fields = ops.take(pixels, index.reshape(-1), axis=1)  # (batch, H' W' kh kw, channels)
        return ops.reshape(fields, (-1, out_h, out_w, field * channels))
    # Few channels: rows of one float are slow to copy, so gather pixels first, each
    # row a whole (batch, channels) slab, and transpose once afterwards.
    pixels = ops.transpose(ops.reshape(inputs, (-1, height * width, channels)), (1, 0, 2))
    fields = ops.take(pixels, index.reshape(-1), axis=0)  # (H' W' kh kw, batch, channels)
    fields = ops.reshape(fields, (out_h, out_w, field, -1, channels))
    fields = ops.transpose(fields, (3, 0, 1, 2, 4))  # (batch, H', W', kh kw, channels)
    return ops.reshape(fields, (-1, out_h, out_w, field * channels))


# Measured on CPU (benchmarks/conv_pool_speed.py and docs/performance.md): with 8 or
# more channels the batch-major gather wins every pass, with 1 it loses forward 4× to
# pixels-first; 3 channels were a draw.
_CHANNELS_FOR_BATCH_MAJOR = 4


@functools.lru_cache(maxsize=64)
def _field_index(height, width, kernel_size, strides):
    """index[j, k, l * kw + m] = (s_h·j + l) · width + (s_w·k + m), the flat pixel."""
    (kh, kw), (sh, sw) = kernel_size, strides
    rows = sh * np.arange(valid_length(height, kh, sh))[:, None] + np.arange(kh)  # (H', kh)
    cols = sw * np.arange(valid_length(width, kw, sw))[:, None] + np.arange(kw)  # (W', kw)
    index = rows[:, None, :, None] * width + cols[None, :, None, :]  # (H', W', kh, kw)
    return index.reshape(index.shape[0], index.shape[1], kh * kw).astype(np.int32)
