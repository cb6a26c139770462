"""Wrong local response normalisations, one realistic mistake each."""

import keras
import tensorflow as tf
from keras import ops

from solutions.mistakes import known
from solutions.response import LocalResponseNormalization

register = keras.saving.register_keras_serializable(package="mistakes")


def _window_sum(values, low, high):
    """Σ of values[..., i + d] for d in [low, high], channels outside cut (zero)."""
    channels = values.shape[-1]
    padded = ops.pad(values, [[0, 0], [0, 0], [0, 0], [-low, high]])
    total = ops.zeros_like(values)
    for d in range(0, high - low + 1):
        total = total + padded[..., d : d + channels]
    return total


def _normalise(layer, inputs, total=None, alpha=None, power_of_sum_only=False):
    r = layer.depth_radius
    total = _window_sum(ops.square(inputs), -r, r) if total is None else total
    alpha = layer.alpha if alpha is None else alpha
    if power_of_sum_only:
        return inputs / (layer.bias + ops.power(alpha * total, layer.beta))
    return inputs / ops.power(layer.bias + alpha * total, layer.beta)


@known(
    "2.4",
    "alpha-over-n",
    "α divided by the window's size n = 2r + 1, as Caffe's LRN does: KSH (and "
    "tf.nn.local_response_normalization) multiply the sum of squares by α itself",
)
@register
class AlphaOverNLocalResponseNormalization(LocalResponseNormalization):
    def call(self, inputs):
        return _normalise(self, inputs, alpha=self.alpha / (2 * self.depth_radius + 1))


@known(
    "2.4",
    "alpha-over-window",
    "α divided by the number of channels in the (cut) window: KSH (and "
    "tf.nn.local_response_normalization) multiply the sum of squares by α itself",
)
@register
class AlphaOverWindowLocalResponseNormalization(LocalResponseNormalization):
    def call(self, inputs):
        r, channels = self.depth_radius, inputs.shape[-1]
        inside = [min(channels - 1, i + r) - max(0, i - r) + 1 for i in range(channels)]
        total = _window_sum(ops.square(inputs), -r, r) / ops.convert_to_tensor(inside, "float32")
        return _normalise(self, inputs, total=total)


@known(
    "2.4",
    "wrap-around",
    "the window wraps around the channels: near the first and last channel it is cut "
    "(the missing channels count as 0), not continued from the other end",
)
@register
class WrapAroundLocalResponseNormalization(LocalResponseNormalization):
    def call(self, inputs):
        squares = ops.square(inputs)
        total = squares
        for d in range(1, self.depth_radius + 1):
            total = total + ops.roll(squares, d, axis=-1) + ops.roll(squares, -d, axis=-1)
        return _normalise(self, inputs, total=total)


@known(
    "2.4",
    "short-window",
    "a window of 2r channels: j runs from i − r to i + r inclusive, 2r + 1 channels",
)
@register
class ShortWindowLocalResponseNormalization(LocalResponseNormalization):
    def call(self, inputs):
        r, channels = self.depth_radius, inputs.shape[-1]
        padded = ops.pad(ops.square(inputs), [[0, 0], [0, 0], [0, 0], [r, r]])
        total = ops.zeros_like(inputs)
        for d in range(2 * r):  # one slice short: range(2 * r + 1)
            total = total + padded[..., d : d + channels]
        return _normalise(self, inputs, total=total)


@known(
    "2.4",
    "one-sided-window",
    "the window runs over the next 2r channels only: it is centred on channel i, from "
    "i − r to i + r (pad r zero channels on each side)",
)
@register
class OneSidedLocalResponseNormalization(LocalResponseNormalization):
    def call(self, inputs):
        r = self.depth_radius
        return _normalise(self, inputs, total=_window_sum(ops.square(inputs), 0, 2 * r))


@known(
    "2.4",
    "no-padding",
    "the output lost 2r channels: only channels with a whole window were kept; pad r "
    "zero channels at each end so that every channel keeps its (cut) window",
)
@register
class NoPaddingLocalResponseNormalization(LocalResponseNormalization):
    def call(self, inputs):
        r, channels = self.depth_radius, inputs.shape[-1]
        squares = ops.square(inputs)
        kept = channels - 2 * r
        total = squares[..., 0:kept]
        for d in range(1, 2 * r + 1):
            total = total + squares[..., d : d + kept]
        return _normalise(self, inputs[..., r : r + kept], total=total)


@known(
    "2.4",
    "no-squares",
    "the activations summed, not their squares: the sum is of a[j]²",
)
@register
class NoSquaresLocalResponseNormalization(LocalResponseNormalization):
    def call(self, inputs):
        r = self.depth_radius
        return _normalise(self, inputs, total=_window_sum(inputs, -r, r))


@known(
    "2.4",
    "own-channel-left-out",
    "the channel's own square left out of the sum: j runs over i too",
)
@register
class OwnChannelLeftOutLocalResponseNormalization(LocalResponseNormalization):
    def call(self, inputs):
        r = self.depth_radius
        squares = ops.square(inputs)
        return _normalise(self, inputs, total=_window_sum(squares, -r, r) - squares)


@known(
    "2.4",
    "spatial-window",
    "the window runs over neighbouring positions of one channel (that is local contrast "
    "normalisation's window); LRN's runs over neighbouring channels at one position",
)
@register
class SpatialWindowLocalResponseNormalization(LocalResponseNormalization):
    def call(self, inputs):
        r = self.depth_radius
        size = 2 * r + 1
        squares = ops.square(inputs)
        # Σ over the (2r+1)×(2r+1) neighbourhood of each channel, zero-padded.
        total = ops.average_pool(squares, size, strides=1, padding="same") * (size * size)
        return _normalise(self, inputs, total=total)


@known(
    "2.4",
    "power-of-sum-only",
    "β applied to α·Σ alone: raise the whole k + α·Σ to the power β",
)
@register
class PowerOfSumOnlyLocalResponseNormalization(LocalResponseNormalization):
    def call(self, inputs):
        return _normalise(self, inputs, power_of_sum_only=True)


@known(
    "2.4",
    "ready-made-op",
    "uses tf.nn.local_response_normalization",
    diagnosed=False,
)
@register
class ReadyMadeLocalResponseNormalization(LocalResponseNormalization):
    def call(self, inputs):
        return tf.nn.local_response_normalization(
            inputs, self.depth_radius, self.bias, self.alpha, self.beta
        )


@known(
    "2.4",
    "window-one-short",
    "the window one channel short on each side: it runs over |i − j| ≤ r, n = 2r + 1 "
    "channels, r included (< r leaves out the two ends)",
)
@register
class NarrowWindowLocalResponseNormalization(LocalResponseNormalization):
    def call(self, inputs):
        r = max(self.depth_radius - 1, 0)
        total = _window_sum(ops.square(inputs), -r, r) if self.depth_radius else 0.0 * inputs
        return _normalise(self, inputs, total=total)


@known(
    "2.4",
    "over-the-width",
    "the window slides over the image's width (axis 2), not over the channels: LRN "
    "sums a[i]² over the neighbouring feature maps j at the same pixel (the last axis)",
)
@register
class OverWidthLocalResponseNormalization(LocalResponseNormalization):
    def call(self, inputs):
        r, width = self.depth_radius, inputs.shape[2]
        padded = ops.pad(ops.square(inputs), [[0, 0], [0, 0], [r, r], [0, 0]])
        total = ops.zeros_like(inputs)
        for d in range(2 * r + 1):
            total = total + padded[:, :, d : d + width, :]
        return _normalise(self, inputs, total=total)
