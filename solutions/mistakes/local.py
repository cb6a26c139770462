"""Wrong locally connected layers, one realistic mistake each."""

import keras
import numpy as np
from keras import ops

from solutions.local import LocallyConnected2D, _receptive_fields
from solutions.mistakes import known

register = keras.saving.register_keras_serializable(package="mistakes")


def _local(layer, fields, kernel=None, bias=None):
    kernel = layer.kernel if kernel is None else kernel
    bias = layer.bias if bias is None else bias
    return layer.activation(ops.einsum("nhwk,hwkf->nhwf", fields, kernel) + bias)


def _fields_in_order(layer, inputs, offsets, axis):
    """Receptive fields built from one strided slice per offset (l, m), taken in the
    given order and stacked on `axis`: the orders students get wrong."""
    sh, sw = layer.strides
    out_h, out_w = layer.compute_output_shape(inputs.shape)[1:3]
    slices = [
        inputs[:, l : l + sh * (out_h - 1) + 1 : sh, m : m + sw * (out_w - 1) + 1 : sw, :]
        for l, m in offsets
    ]
    size = len(offsets) * inputs.shape[-1]
    return ops.reshape(ops.stack(slices, axis=axis), (-1, out_h, out_w, size))


@known(
    "2.1",
    "shared-weights",
    "weights shared after all: that is Conv2D; each position (j, k) has its own matrix "
    "kernel[j, k]",
)
@register
class SharedWeightsLocallyConnected2D(LocallyConnected2D):
    """Every position uses the first position's weights."""

    def call(self, inputs):
        fields = _receptive_fields(inputs, self.kernel_size, self.strides)
        z = ops.einsum("nhwk,kf->nhwf", fields, self.kernel[0, 0]) + self.bias
        return self.activation(z)


@known(
    "2.1",
    "field-order",
    "field ordered (c, l, m): the kernel's rows run (l, m, c), index (l * kw + m) * "
    "in_channels + c, as Conv2D's kernel.reshape(-1, filters)",
)
@register
class ChannelsFirstFieldLocallyConnected2D(LocallyConnected2D):
    """Stacks the slices on the last axis, so the field vector runs (c, l, m)."""

    def call(self, inputs):
        kh, kw = self.kernel_size
        offsets = [(l, m) for l in range(kh) for m in range(kw)]
        return _local(self, _fields_in_order(self, inputs, offsets, axis=-1))


@known(
    "2.1",
    "shared-bias",
    "one bias per feature map: the bias is untied too, bias[j, k, f] at position (j, k), "
    "not bias[0, 0, f] everywhere",
)
@register
class SharedBiasLocallyConnected2D(LocallyConnected2D):
    """The first position's bias everywhere."""

    def call(self, inputs):
        fields = _receptive_fields(inputs, self.kernel_size, self.strides)
        return _local(self, fields, bias=self.bias[0, 0])


@known(
    "2.1",
    "field-order-mlc",
    "field ordered (m, l, c): the kernel's rows run (l, m, c), row (l * kw + m) * "
    "in_channels + c; take the offsets l (down the rows) in the outer loop",
)
@register
class ColumnsFirstFieldLocallyConnected2D(LocallyConnected2D):
    """Stacks the slices with the column offset m outermost."""

    def call(self, inputs):
        kh, kw = self.kernel_size
        offsets = [(l, m) for m in range(kw) for l in range(kh)]
        return _local(self, _fields_in_order(self, inputs, offsets, axis=3))


@known(
    "2.1",
    "bias-shape",
    "Conv2D's bias, shape (filters,): keep the stub's build, one bias per position and "
    "map, shape (H', W', filters)",
)
@register
class BiasShapeLocallyConnected2D(LocallyConnected2D):
    """Builds Conv2D's bias, one per feature map, in place of one per position."""

    def build(self, input_shape):
        out_h, out_w = self.compute_output_shape(input_shape)[1:3]
        kh, kw = self.kernel_size
        self.kernel = self.add_weight(
            name="kernel",
            shape=(out_h, out_w, kh * kw * input_shape[-1], self.filters),
            initializer="glorot_uniform",
        )
        self.bias = self.add_weight(name="bias", shape=(self.filters,), initializer="zeros")

    def call(self, inputs):
        fields = _receptive_fields(inputs, self.kernel_size, self.strides)
        return _local(self, fields)


@known(
    "2.1",
    "stride-ignored",
    "stride ignored: the field must move `strides` pixels at a time",
)
@register
class StrideIgnoredLocallyConnected2D(LocallyConnected2D):
    """Fields at every pixel, cut to the output's size."""

    def call(self, inputs):
        out_h, out_w = self.kernel.shape[:2]
        fields = _receptive_fields(inputs, self.kernel_size, (1, 1))[:, :out_h, :out_w, :]
        return _local(self, fields)


@known(
    "2.1",
    "off-by-one",
    "output one row and column too small: there are H - kh + 1 positions, not H - kh",
)
@register
class OffByOneLocallyConnected2D(LocallyConnected2D):
    def call(self, inputs):
        fields = _receptive_fields(inputs, self.kernel_size, self.strides)[:, :-1, :-1, :]
        return _local(self, fields, self.kernel[:-1, :-1], self.bias[:-1, :-1])


@known(
    "2.1",
    "no-activation",
    "activation missing: apply self.activation (σ) after adding the bias",
)
@register
class NoActivationLocallyConnected2D(LocallyConnected2D):
    def call(self, inputs):
        fields = _receptive_fields(inputs, self.kernel_size, self.strides)
        return ops.einsum("nhwk,hwkf->nhwf", fields, self.kernel) + self.bias


@known(
    "2.1",
    "ready-made-op",
    "gathers the fields with a convolution (ops.conv with one-hot filters)",
    diagnosed=False,
)
@register
class ReadyMadeLocallyConnected2D(LocallyConnected2D):
    """A convolution with one-hot filters copies each field's pixels: a ready-made im2col."""

    def call(self, inputs):
        kh, kw = self.kernel_size
        channels = inputs.shape[-1]
        size = kh * kw * channels
        one_hot = np.eye(size, dtype="float32").reshape(kh, kw, channels, size)
        fields = ops.conv(inputs, one_hot, strides=self.strides, padding="valid")
        return _local(self, fields)
