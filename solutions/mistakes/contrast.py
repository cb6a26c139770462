"""Wrong local contrast normalisations, one realistic mistake each."""

import keras
import tensorflow as tf
from keras import ops

from solutions.contrast import LocalContrastNormalization
from solutions.mistakes import known

register = keras.saving.register_keras_serializable(package="mistakes")


def _normalise(
    layer,
    inputs,
    renormalise=True,
    across_channels=True,
    subtract=True,
    divide=True,
    guard=True,
    window=None,
    batch_mean=False,
    floor=True,
):
    """The reference's computation with one step done wrongly."""
    window = layer.window if window is None else window
    kernel = ops.convert_to_tensor(window[:, :, None, None])

    def blur(maps):  # each channel on its own, zero-padded
        blurred = [
            ops.conv(maps[..., i : i + 1], kernel, padding="same") for i in range(maps.shape[-1])
        ]
        return ops.concatenate(blurred, axis=-1)

    def pool(values):  # over the window, and the channels unless per channel
        if across_channels:
            values = ops.mean(values, axis=-1, keepdims=True)
        total = blur(values)
        return total / blur(ops.ones_like(values)) if renormalise else total

    v = inputs - pool(inputs) if subtract else inputs
    variance = pool(ops.square(v))
    if guard:
        positive = variance > 0
        sigma = ops.where(positive, ops.sqrt(ops.where(positive, variance, 1.0)), 0.0)
    else:
        sigma = ops.sqrt(variance)
    if not divide:
        return v
    axes = (0, 1, 2, 3) if batch_mean else (1, 2, 3)
    c = ops.mean(sigma, axis=axes, keepdims=True)
    denominator = ops.maximum(c, sigma)
    if floor:
        denominator = ops.maximum(denominator, layer.epsilon)
    return v / denominator


@known(
    "2.2",
    "zeros-at-borders",
    "borders averaged with the zero padding: divide each window's sum by the weight "
    "inside the image (blur a map of ones), so a border pixel is normalised by its own "
    "neighbourhood",
)
@register
class ZeroBordersLocalContrastNormalization(LocalContrastNormalization):
    def call(self, inputs):
        return _normalise(self, inputs, renormalise=False)


@known(
    "2.2",
    "per-channel",
    "each channel normalised on its own: the window covers all channels, so the local "
    "mean and σ average over the channels too",
)
@register
class PerChannelLocalContrastNormalization(LocalContrastNormalization):
    def call(self, inputs):
        return _normalise(self, inputs, across_channels=False)


@known(
    "2.2",
    "no-subtraction",
    "the subtractive step is missing: v = x − (local mean) comes first, and σ is computed from v",
)
@register
class NoSubtractionLocalContrastNormalization(LocalContrastNormalization):
    def call(self, inputs):
        return _normalise(self, inputs, subtract=False)


@known(
    "2.2",
    "no-division",
    "the divisive step is missing: divide v by max(mean σ, σ, ε)",
)
@register
class NoDivisionLocalContrastNormalization(LocalContrastNormalization):
    def call(self, inputs):
        return _normalise(self, inputs, divide=False)


@known(
    "2.2",
    "box-window",
    "a uniform window: the weights are the Gaussian self.window, not 1 / (2r+1)²",
)
@register
class BoxWindowLocalContrastNormalization(LocalContrastNormalization):
    def call(self, inputs):
        box = self.window * 0.0 + 1.0 / self.window.size
        return _normalise(self, inputs, window=box)


@known(
    "2.2",
    "batch-mean",
    "mean σ over the whole batch: c is the mean of σ over each image's own positions",
)
@register
class BatchMeanLocalContrastNormalization(LocalContrastNormalization):
    def call(self, inputs):
        return _normalise(self, inputs, batch_mean=True)


@known(
    "2.2",
    "no-floor",
    "no floor ε: on a flat image v and σ are rounding error, and v / max(mean σ, σ) is "
    "noise or NaN; divide by max(mean σ, σ, ε)",
)
@register
class NoFloorLocalContrastNormalization(LocalContrastNormalization):
    def call(self, inputs):
        return _normalise(self, inputs, floor=False)


@known(
    "2.2",
    "nan-gradient",
    "NaN gradient where a whole window is 0: sqrt'(0) is infinite; take the root only "
    "where σ² is positive (ops.where twice) so the gradient there is 0",
)
@register
class UnguardedLocalContrastNormalization(LocalContrastNormalization):
    def call(self, inputs):
        return _normalise(self, inputs, guard=False)


@known(
    "2.2",
    "one-channel",
    "one output channel: subtract the local mean from every channel of x, so the output "
    "has x's shape",
)
@register
class OneChannelLocalContrastNormalization(LocalContrastNormalization):
    """Normalises the channels' mean instead of each channel."""

    def call(self, inputs):
        return _normalise(self, ops.mean(inputs, axis=-1, keepdims=True))


@known(
    "2.2",
    "ready-made-op",
    "uses tf.nn.local_response_normalization for the divisive step",
    diagnosed=False,
)
@register
class ReadyMadeLocalContrastNormalization(LocalContrastNormalization):
    def call(self, inputs):
        v = _normalise(self, inputs, divide=False)
        return tf.nn.local_response_normalization(v, depth_radius=self.radius)
