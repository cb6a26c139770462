"""Wrong Conv2D layers, one realistic mistake each."""

import keras
import tensorflow as tf
from keras import ops

from solutions.conv import Conv2D, _receptive_fields
from solutions.mistakes import known
from workshop.shapes import valid_length

register = keras.saving.register_keras_serializable(package="mistakes")


def _correlate(layer, inputs, kernel, kernel_size=None, strides=None):
    kernel_size = kernel_size or layer.kernel_size
    fields = _receptive_fields(inputs, kernel_size, strides or layer.strides)
    weights = ops.reshape(kernel, (-1, layer.filters))
    return ops.matmul(fields, weights)  # (batch, H', W', filters), no bias


@known(
    "1.1",
    "flipped-kernel",
    "flipped kernel: your output is a true convolution (kernel turned 180°); the notes' "
    "formula pairs w[l, m] with a[j+l, k+m], cross-correlation, no flip",
)
@register
class FlippedKernelConv2D(Conv2D):
    """Convolution in the mathematician's sense: the kernel turned by 180 degrees."""

    def call(self, inputs):
        flipped = ops.flip(ops.flip(self.kernel, axis=0), axis=1)
        return self.activation(_correlate(self, inputs, flipped) + self.bias)


@known(
    "1.1",
    "transposed-field",
    "rows and columns swapped: w[l, m] must meet a[j+l, k+m], with l down the rows "
    "(height) and m along the columns (width)",
)
@register
class TransposedFieldConv2D(Conv2D):
    """Rows and columns of the field swapped: a[j+m, k+l] w[l, m]."""

    def call(self, inputs):
        swapped = ops.transpose(self.kernel, (1, 0, 2, 3))
        kh, kw = self.kernel_size
        z = _correlate(self, inputs, swapped, kernel_size=(kw, kh))
        return self.activation(z + self.bias)


@known("1.1", "no-bias", "bias missing: add the shared bias b of each feature map")
@register
class NoBiasConv2D(Conv2D):
    def call(self, inputs):
        return self.activation(_correlate(self, inputs, self.kernel))


@known(
    "1.1",
    "bias-per-position",
    "one bias per position: the notes share ONE bias per feature map, shape (filters,)",
)
@register
class BiasPerPositionConv2D(Conv2D):
    """A separate bias for every hidden neuron instead of one per feature map."""

    def build(self, input_shape):
        kh, kw = self.kernel_size
        out_h = valid_length(input_shape[1], kh, self.strides[0])
        out_w = valid_length(input_shape[2], kw, self.strides[1])
        self.kernel = self.add_weight(name="kernel", shape=(kh, kw, input_shape[-1], self.filters))
        self.bias = self.add_weight(name="bias", shape=(out_h, out_w, self.filters))

    def call(self, inputs):
        return self.activation(_correlate(self, inputs, self.kernel) + self.bias)


@known(
    "1.1",
    "off-by-one",
    "output one row and column too small: there are H - kh + 1 positions, not H - kh",
)
@register
class OffByOneConv2D(Conv2D):
    """The field stops one position early: range(H - kh) instead of range(H - kh + 1)."""

    def call(self, inputs):
        z = _correlate(self, inputs, self.kernel) + self.bias
        return self.activation(z[:, :-1, :-1, :])


@known("1.1", "stride-ignored", "stride ignored: the field must move `strides` pixels at a time")
@register
class StrideIgnoredConv2D(Conv2D):
    def call(self, inputs):
        z = _correlate(self, inputs, self.kernel, strides=(1, 1)) + self.bias
        return self.activation(z)


@known(
    "1.1",
    "no-activation",
    "activation missing: apply self.activation (σ) after adding the bias",
)
@register
class NoActivationConv2D(Conv2D):
    def call(self, inputs):
        return _correlate(self, inputs, self.kernel) + self.bias


@known("1.1", "ready-made-op", "uses tf.nn.conv2d", diagnosed=False)
@register
class ReadyMadeConv2D(Conv2D):
    def call(self, inputs):
        z = tf.nn.conv2d(inputs, self.kernel, self.strides, "VALID") + self.bias
        return self.activation(z)
