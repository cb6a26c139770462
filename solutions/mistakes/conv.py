"""Wrong Conv2D layers, one realistic mistake each."""

import keras
from keras import ops

from solutions.conv import Conv2D, _receptive_fields
from workshop.shapes import valid_length

register = keras.saving.register_keras_serializable(package="mistakes")


def _correlate(layer, inputs, kernel, kernel_size=None, strides=None):
    kernel_size = kernel_size or layer.kernel_size
    fields = _receptive_fields(inputs, kernel_size, strides or layer.strides)
    weights = ops.reshape(kernel, (-1, layer.filters))
    return ops.matmul(fields, weights)  # (batch, H', W', filters), no bias


@register
class FlippedKernelConv2D(Conv2D):
    """Convolution in the mathematician's sense: the kernel turned by 180 degrees."""

    def call(self, inputs):
        flipped = ops.flip(ops.flip(self.kernel, axis=0), axis=1)
        return self.activation(_correlate(self, inputs, flipped) + self.bias)


@register
class TransposedFieldConv2D(Conv2D):
    """Rows and columns of the field swapped: a[j+m, k+l] w[l, m]."""

    def call(self, inputs):
        swapped = ops.transpose(self.kernel, (1, 0, 2, 3))
        kh, kw = self.kernel_size
        z = _correlate(self, inputs, swapped, kernel_size=(kw, kh))
        return self.activation(z + self.bias)


@register
class NoBiasConv2D(Conv2D):
    def call(self, inputs):
        return self.activation(_correlate(self, inputs, self.kernel))


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


@register
class OffByOneConv2D(Conv2D):
    """The field stops one position early: range(H - kh) instead of range(H - kh + 1)."""

    def call(self, inputs):
        z = _correlate(self, inputs, self.kernel) + self.bias
        return self.activation(z[:, :-1, :-1, :])


@register
class StrideIgnoredConv2D(Conv2D):
    def call(self, inputs):
        z = _correlate(self, inputs, self.kernel, strides=(1, 1)) + self.bias
        return self.activation(z)


@register
class NoActivationConv2D(Conv2D):
    def call(self, inputs):
        return _correlate(self, inputs, self.kernel) + self.bias
