# exercise: local (2.1)
# family: wrong loss/sign/activation/default
# mistake: Your slices step by 1 (the default stride) instead of by the stride, so with strides=2 field (j, k) starts at (j, k) instead of (s·j, s·k).
"""Exercise 2.1: a locally connected layer, LRMD's untied local filters."""

import keras
from keras import ops

from workshop.shapes import pair, valid_length


@keras.saving.register_keras_serializable(package="exercises")
class LocallyConnected2D(keras.layers.Layer):
    """A locally connected layer: local receptive fields, but no shared weights (notes §2.1;
    Le et al. 2012, "Building high-level features using large scale unsupervised
    learning", §3; Nielsen ch. 6, "Local receptive fields").

    The same formula as Exercise 1.1's Conv2D, with one difference: the weights and the
    bias depend on the output position (j, k). Conv2D, for comparison:

      y[n, j, k, f] = σ( b[f]       + Σ_l Σ_m Σ_c w[l, m, c, f]       · x[n, s·j+l, s·k+m, c] )

    LocallyConnected2D:

      y[n, j, k, f] = σ( b[j, k, f] + Σ_l Σ_m Σ_c w[j, k, l, m, c, f] · x[n, s·j+l, s·k+m, c] )

    LRMD (Le et al.) untie the weights so that each part of the image learns its own
    filters; the price is a kernel H'·W' times larger than a convolution's.

    'Valid' padding and strides as in Conv2D: a 28×28 input with a 5×5 field gives 24×24
    positions, each with its own 5·5·channels × filters weights.

    Args:
        filters: int. Number of feature maps.
        kernel_size: int or pair of ints `(kh, kw)`. Size of the local receptive field.
        strides: int or pair of ints. How far the field moves each step. Defaults to 1.
        activation: the activation σ, a name or a callable. Defaults to `None`
            (the identity).

    Weights (built for one input height and width):
        kernel: `(H', W', kh * kw * in_channels, filters)`. Row (l, m, c) of position
            (j, k) is at index (l * kw + m) * in_channels + c, the order of Conv2D's
            `kernel.reshape(-1, filters)`.
        bias: `(H', W', filters)`, one bias per position and feature map.

    Input shape:  `(batch, height, width, in_channels)`
    Output shape: `(batch, H', W', filters)` with
        H' = floor((height - kh) / stride_h) + 1,  W' = floor((width - kw) / stride_w) + 1

    Example:
    >>> import numpy as np
    >>> layer = LocallyConnected2D(3, 2)
    >>> tuple(layer(np.zeros((1, 5, 4, 2))).shape), tuple(layer.kernel.shape)
    ((1, 4, 3, 3), (4, 3, 8, 3))
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
        _, height, width, in_channels = input_shape
        if height is None or width is None:
            raise ValueError(
                "LocallyConnected2D needs the input's height and width to build: each "
                f"position has its own weights. Received: input_shape={input_shape}"
            )
        out_h, out_w = self.compute_output_shape(input_shape)[1:3]
        kh, kw = self.kernel_size
        self.kernel = self.add_weight(
            name="kernel",
            shape=(out_h, out_w, kh * kw * in_channels, self.filters),
            initializer="glorot_uniform",
        )
        self.bias = self.add_weight(
            name="bias", shape=(out_h, out_w, self.filters), initializer="zeros"
        )

    def call(self, inputs):
        fields = _receptive_fields(inputs, self.kernel_size, self.strides)
        # Each position (h, w) multiplies its own field by its own matrix.
        z = ops.einsum("nhwk,hwkf->nhwf", fields, self.kernel) + self.bias
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
    """Every receptive field as one vector: (batch, H', W', kh * kw * channels), ordered
    (l, m, c). One strided slice per offset (l, m), stacked on a new axis."""
    (kh, kw), (sh, sw) = kernel_size, strides
    _, height, width, channels = inputs.shape
    out_h, out_w = valid_length(height, kh, sh), valid_length(width, kw, sw)
    slices = [
        inputs[:, l : l + out_h, m : m + out_w, :]
        for l in range(kh)
        for m in range(kw)
    ]
    fields = ops.stack(slices, axis=3)  # (batch, H', W', kh * kw, channels)
    return ops.reshape(fields, (-1, out_h, out_w, kh * kw * channels))
