"""Wrong pooling layers, one realistic mistake each."""

import keras
from keras import ops

from solutions.mistakes import known
from solutions.pooling import L2Pool2D, MaxPool2D, _windows
from workshop.shapes import valid_length

register = keras.saving.register_keras_serializable(package="mistakes")


def _window_sum(layer, inputs, transform=lambda x: x, strides=None):
    windows = _windows(inputs, layer.pool_size, strides or layer.strides)
    total = transform(next(windows))
    for window in windows:
        total = total + transform(window)
    return total


def _area(layer):
    return float(layer.pool_size[0] * layer.pool_size[1])


@known("1.2", "window-sum", "window sum: max pooling takes the largest value, not the sum")
@register
class SumMaxPool2D(MaxPool2D):
    """Adds up the window instead of taking its maximum."""

    def call(self, inputs):
        return _window_sum(self, inputs)


@known(
    "1.2",
    "window-mean",
    "window average: that is average pooling; max pooling takes the largest value",
)
@register
class MeanMaxPool2D(MaxPool2D):
    """Averages the window instead of taking its maximum."""

    def call(self, inputs):
        return _window_sum(self, inputs) / _area(self)


@known(
    "1.2",
    "stride-one",
    "windows moved one pixel at a time: use `strides` (by default the pool size, so "
    "windows do not overlap)",
)
@register
class StrideOneMaxPool2D(MaxPool2D):
    """Moves the window one pixel at a time whatever the stride."""

    def call(self, inputs):
        windows = _windows(inputs, self.pool_size, (1, 1))
        result = next(windows)
        for window in windows:
            result = ops.maximum(result, window)
        return result


@known(
    "1.2",
    "off-by-one",
    "output one row and column too small: there are floor((H - ph) / s) + 1 windows",
)
@register
class OffByOneMaxPool2D(MaxPool2D):
    """Drops the last row and column of windows."""

    def call(self, inputs):
        return super().call(inputs)[:, :-1, :-1, :]


@known("1.3", "mean", "average pooling: L2 pooling squares, sums and takes the square root")
@register
class MeanL2Pool2D(L2Pool2D):
    """Average pooling: the mean of the window, no squares, no root."""

    def call(self, inputs):
        return _window_sum(self, inputs) / _area(self)


@known("1.3", "no-sqrt", "square root missing: you return the sum of squares")
@register
class NoRootL2Pool2D(L2Pool2D):
    """The sum of squares without the square root."""

    def call(self, inputs):
        return _window_sum(self, inputs, ops.square)


@known(
    "1.3",
    "rms",
    "divided by the window size: the notes take the root of the SUM of squares, not the mean",
)
@register
class RootMeanSquareL2Pool2D(L2Pool2D):
    """The root of the mean of squares: divides by the window size."""

    def call(self, inputs):
        total = _window_sum(self, inputs, ops.square) / _area(self)
        return ops.sqrt(ops.maximum(total, 1e-30))


@known("1.3", "max", "max pooling: L2 pooling is sqrt(Σ x²) over the window")
@register
class MaxL2Pool2D(L2Pool2D):
    """Max pooling where L2 pooling was asked for."""

    def call(self, inputs):
        return MaxPool2D.call(self, inputs)


@known(
    "1.3",
    "stride-one",
    "windows moved one pixel at a time: use `strides` (by default the pool size, so "
    "windows do not overlap)",
)
@register
class StrideOneL2Pool2D(L2Pool2D):
    """Moves the window one pixel at a time whatever the stride."""

    def call(self, inputs):
        return ops.sqrt(ops.maximum(_window_sum(self, inputs, ops.square, strides=(1, 1)), 1e-30))


@known(
    "1.3",
    "nan-gradient",
    "NaN gradient for an all-zero window: sqrt'(0) is infinite; take the root only "
    "where the sum is positive (ops.where twice) so the gradient there is 0",
)
@register
class UnguardedL2Pool2D(L2Pool2D):
    """Plain sqrt: right forward, NaN gradient for an all-zero window."""

    def call(self, inputs):
        return ops.sqrt(_window_sum(self, inputs, ops.square))


@known("1.2", "ready-made-op", "uses keras.ops.max_pool", diagnosed=False)
@register
class ReadyMadeMaxPool2D(MaxPool2D):
    def call(self, inputs):
        return ops.max_pool(inputs, self.pool_size, self.strides, padding="valid")


@known("1.3", "ready-made-op", "uses keras.ops.average_pool", diagnosed=False)
@register
class ReadyMadeL2Pool2D(L2Pool2D):
    def call(self, inputs):
        area = float(self.pool_size[0] * self.pool_size[1])
        mean = ops.average_pool(ops.square(inputs), self.pool_size, self.strides, padding="valid")
        total = mean * area
        nonzero = total > 0
        root = ops.sqrt(ops.where(nonzero, total, ops.ones_like(total)))
        return ops.where(nonzero, root, ops.zeros_like(total))


@known(
    "1.2",
    "max-from-zero",
    "the running maximum starts at 0: a window of negative values then gives 0, not its "
    "largest value; start from the first slice of the window (or −∞)",
)
@register
class FromZeroMaxPool2D(MaxPool2D):
    def call(self, inputs):
        return ops.maximum(super().call(inputs), 0.0)


@known(
    "1.2",
    "tiles-out-of-order",
    "windows of pixels far apart: reshaping the rows as (window offset, window) gathers "
    "pixels H' apart; reshape as (window, offset), (-1, H', ph, W', pw, C), so each "
    "window is a block of neighbours",
)
@register
class ScatteredTilesMaxPool2D(MaxPool2D):
    def call(self, inputs):
        (ph, pw), (sh, sw) = self.pool_size, self.strides
        if (ph, pw) != (sh, sw):
            return super().call(inputs)
        out_h = valid_length(inputs.shape[1], ph, sh)
        out_w = valid_length(inputs.shape[2], pw, sw)
        tiles = ops.reshape(
            inputs[:, : out_h * ph, : out_w * pw, :], (-1, ph, out_h, pw, out_w, inputs.shape[-1])
        )
        return ops.max(ops.max(tiles, axis=3), axis=1)
