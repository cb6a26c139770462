# exercise: maxpool (1.2)
# family: term/floor/clip/epsilon left out
# mistake: You start the running maximum from zeros, which adds a floor at 0: a window of negative activations gives 0 instead of its largest (negative) value.
"""Exercises 1.2 and 1.3: max pooling and L2 pooling."""

import keras
from keras import ops

from workshop.shapes import pair, valid_length


class _Pool2D(keras.layers.Layer):
    """What the two pooling layers share: arguments, output shape and config."""

    def __init__(self, pool_size=2, strides=None, **kwargs):
        super().__init__(**kwargs)
        self.pool_size = pair(pool_size, "pool_size")
        self.strides = self.pool_size if strides is None else pair(strides, "strides")

    def compute_output_shape(self, input_shape):
        batch, height, width, channels = input_shape
        return (
            batch,
            valid_length(height, self.pool_size[0], self.strides[0]),
            valid_length(width, self.pool_size[1], self.strides[1]),
            channels,
        )

    def get_config(self):
        config = super().get_config()
        config.update({"pool_size": self.pool_size, "strides": self.strides})
        return config


@keras.saving.register_keras_serializable(package="exercises")
class MaxPool2D(_Pool2D):
    """Max pooling: each unit outputs the largest activation in its window (notes §1.3).

        y[n, i, j, c] = max_{(p, q) in window} x[n, s·i + p, s·j + q, c]

    Each feature map is pooled on its own. With the notes' 2×2 windows and stride 2, a
    24×24 feature map becomes 12×12.

    Args:
        pool_size: int or pair of ints `(ph, pw)`. Window size. Defaults to 2.
        strides: int or pair of ints. Defaults to `pool_size` (windows do not overlap).

    Input shape:  `(batch, height, width, channels)`
    Output shape: `(batch, H', W', channels)` with
        H' = floor((height - ph) / stride_h) + 1,  W' = floor((width - pw) / stride_w) + 1

    Example:
    >>> import numpy as np
    >>> x = np.arange(16.0).reshape(1, 4, 4, 1)
    >>> MaxPool2D(2)(x).numpy()[0, :, :, 0].tolist()
    [[5.0, 7.0], [13.0, 15.0]]
    """

    def call(self, inputs):
        windows = list(_windows(inputs, self.pool_size, self.strides))
        result = ops.zeros_like(windows[0])
        for window in windows:
            result = ops.maximum(result, window)
        return result


@keras.saving.register_keras_serializable(package="exercises")
class L2Pool2D(_Pool2D):
    """L2 pooling: the square root of the sum of squares in each window (notes §1.3).

        y[n, i, j, c] = sqrt( Σ_{(p, q) in window} x[n, s·i + p, s·j + q, c]² )

    The notes define it as a sum, not a mean: a window of four ones gives 2, not 1.
    The square root has an infinite slope at 0, and after a ReLU whole windows are
    often 0; there the output is 0 and its gradient is taken to be 0, not NaN.

    Args:
        pool_size: int or pair of ints `(ph, pw)`. Window size. Defaults to 2.
        strides: int or pair of ints. Defaults to `pool_size` (windows do not overlap).

    Input shape:  `(batch, height, width, channels)`
    Output shape: `(batch, H', W', channels)` with
        H' = floor((height - ph) / stride_h) + 1,  W' = floor((width - pw) / stride_w) + 1

    Example:
    >>> import numpy as np
    >>> L2Pool2D(2)(np.ones((1, 4, 4, 1))).numpy()[0, :, :, 0].tolist()
    [[2.0, 2.0], [2.0, 2.0]]
    """

    def call(self, inputs):
        total = _reduce_windows(ops.square(inputs), self.pool_size, self.strides, ops.sum, ops.add)
        # The double `where` keeps NaN out of the gradient: sqrt never sees a 0.
        nonzero = total > 0
        safe = ops.where(nonzero, total, ops.ones_like(total))
        return ops.where(nonzero, ops.sqrt(safe), ops.zeros_like(total))


def _windows(inputs, pool_size, strides):
    """Yield, for each offset (p, q) inside the window, the strided slice
    x[:, s·i + p, s·j + q, :] over all output positions (i, j): (batch, H', W', channels)."""
    (ph, pw), (sh, sw) = pool_size, strides
    out_h = valid_length(inputs.shape[1], ph, sh)
    out_w = valid_length(inputs.shape[2], pw, sw)
    for p in range(ph):
        for q in range(pw):
            yield inputs[:, p : p + (out_h - 1) * sh + 1 : sh, q : q + (out_w - 1) * sw + 1 : sw, :]


def _reduce_windows(inputs, pool_size, strides, reduce, combine):
    """Reduce every window to one value: (batch, H', W', channels).

    Windows that tile the input (stride = pool size, the usual case) are two extra
    axes after a reshape, reduced by `reduce` (e.g. ops.max). Other strides
    combine the strided slices pairwise (`combine`, e.g. ops.maximum).
    """
    (ph, pw), (sh, sw) = pool_size, strides
    if (ph, pw) == (sh, sw):
        out_h = valid_length(inputs.shape[1], ph, sh)
        out_w = valid_length(inputs.shape[2], pw, sw)
        tiles = ops.reshape(
            inputs[:, : out_h * ph, : out_w * pw, :], (-1, out_h, ph, out_w, pw, inputs.shape[-1])
        )  # (batch, H', ph, W', pw, channels)
        # One axis at a time: TensorFlow reduces a single axis several times faster.
        return reduce(reduce(tiles, axis=4), axis=2)
    windows = _windows(inputs, pool_size, strides)
    result = next(windows)
    for window in windows:
        result = combine(result, window)
    return result
