"""Wrong pooling layers, one realistic mistake each."""

import keras
from keras import ops

from solutions.pooling import L2Pool2D, MaxPool2D, _windows

register = keras.saving.register_keras_serializable(package="mistakes")


def _window_sum(layer, inputs, transform=lambda x: x, strides=None):
    windows = _windows(inputs, layer.pool_size, strides or layer.strides)
    total = transform(next(windows))
    for window in windows:
        total = total + transform(window)
    return total


def _area(layer):
    return float(layer.pool_size[0] * layer.pool_size[1])


@register
class SumMaxPool2D(MaxPool2D):
    """Adds up the window instead of taking its maximum."""

    def call(self, inputs):
        return _window_sum(self, inputs)


@register
class MeanMaxPool2D(MaxPool2D):
    """Averages the window instead of taking its maximum."""

    def call(self, inputs):
        return _window_sum(self, inputs) / _area(self)


@register
class StrideOneMaxPool2D(MaxPool2D):
    """Moves the window one pixel at a time whatever the stride."""

    def call(self, inputs):
        windows = _windows(inputs, self.pool_size, (1, 1))
        result = next(windows)
        for window in windows:
            result = ops.maximum(result, window)
        return result


@register
class OffByOneMaxPool2D(MaxPool2D):
    """Drops the last row and column of windows."""

    def call(self, inputs):
        return super().call(inputs)[:, :-1, :-1, :]


@register
class MeanL2Pool2D(L2Pool2D):
    """Average pooling: the mean of the window, no squares, no root."""

    def call(self, inputs):
        return _window_sum(self, inputs) / _area(self)


@register
class NoRootL2Pool2D(L2Pool2D):
    """The sum of squares without the square root."""

    def call(self, inputs):
        return _window_sum(self, inputs, ops.square)


@register
class RootMeanSquareL2Pool2D(L2Pool2D):
    """The root of the mean of squares: divides by the window size."""

    def call(self, inputs):
        total = _window_sum(self, inputs, ops.square) / _area(self)
        return ops.sqrt(ops.maximum(total, 1e-30))


@register
class MaxL2Pool2D(L2Pool2D):
    """Max pooling where L2 pooling was asked for."""

    def call(self, inputs):
        return MaxPool2D.call(self, inputs)


@register
class StrideOneL2Pool2D(L2Pool2D):
    """Moves the window one pixel at a time whatever the stride."""

    def call(self, inputs):
        return ops.sqrt(ops.maximum(_window_sum(self, inputs, ops.square, strides=(1, 1)), 1e-30))


@register
class UnguardedL2Pool2D(L2Pool2D):
    """Plain sqrt: right forward, NaN gradient for an all-zero window."""

    def call(self, inputs):
        return ops.sqrt(_window_sum(self, inputs, ops.square))
