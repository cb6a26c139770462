"""A small GoogLeNet (Szegedy et al. 2015, Table 1 and Figure 3) for 28×28 crops, built
from the student's (or the reference's) `InceptionModule`:

    stem: conv 5×5 → max pool 3×3/2 → LRN → conv 1×1 → conv 3×3 → LRN → max pool 3×3/2
    inception 3a → inception 3b → max pool 3×3/2 → inception 4a
    global average pooling → dropout 0.4 → softmax

No big fully connected layers: global average pooling replaces them, as in the paper
("it was found that a move from fully connected layers to average pooling improved
the top-1 accuracy by about 0.6%"). The widths are GoogLeNet's divided by 4.

With `auxiliary=True`, one auxiliary classifier reads module 3b's output, the middle
of this net, as the paper's two read 4a's and 4d's (§5, Figure 3): average pooling,
a 1×1 convolution, a fully connected ReLU layer, dropout 0.7 and a softmax, at a
quarter of the paper's widths (128 → 32 maps, 1024 → 256 units). In training the net
returns [main, auxiliary] probabilities and the loop adds the auxiliary's loss times
0.3 (`TrainConfig.auxiliary_weight`); at inference the auxiliary is not computed.
"""

import keras
import tensorflow as tf

# (f1, f3_reduce, f3, f5_reduce, f5, pool_proj): 3a, 3b and 4a of Table 1, divided by 4.
MODULES = ((16, 24, 32, 4, 8, 8), (32, 32, 48, 8, 24, 16), (48, 24, 52, 4, 12, 16))


def build_googlenet(
    inception_module,
    lrn,
    num_classes,
    input_shape,
    modules=MODULES,
    stem=(32, 48),
    dropout=0.4,
    pixel_mean=None,
    auxiliary=False,
):
    """A Keras model from `input_shape` images to softmax probabilities; `pixel_mean`
    `(channels,)`, if given, is subtracted first; `auxiliary`: with one auxiliary
    classifier after the second module (a `WithAuxiliary`)."""
    relu = {"activation": "relu", "padding": "same", "kernel_initializer": "he_normal"}
    inputs = keras.Input(shape=input_shape)
    x = inputs
    if pixel_mean is not None:
        x = keras.layers.Rescaling(1.0, offset=[-float(v) for v in pixel_mean])(x)
    x = keras.layers.Conv2D(stem[0], 5, **relu)(x)
    x = keras.layers.MaxPooling2D(3, strides=2, padding="same")(x)
    x = lrn()(x) if lrn else x
    x = keras.layers.Conv2D(stem[0], 1, **relu)(x)
    x = keras.layers.Conv2D(stem[1], 3, **relu)(x)
    x = lrn()(x) if lrn else x
    x = keras.layers.MaxPooling2D(3, strides=2, padding="same")(x)
    side = None
    for index, maps in enumerate(modules):
        if index == 2:
            x = keras.layers.MaxPooling2D(3, strides=2, padding="same")(x)
        x = inception_module(*maps)(x)
        if index == 1 and auxiliary:
            side = auxiliary_classifier(x, num_classes)
    x = keras.layers.GlobalAveragePooling2D()(x)
    if dropout:
        x = keras.layers.Dropout(dropout)(x)
    outputs = keras.layers.Dense(num_classes, activation="softmax", dtype="float32")(x)
    if side is None:
        return keras.Model(inputs, outputs)
    return WithAuxiliary(keras.Model(inputs, [outputs, side]), keras.Model(inputs, outputs))


def auxiliary_classifier(x, num_classes, maps=32, units=256):
    """The paper's auxiliary classifier (§5) at a quarter of its widths: average pooling
    (5×5/3 on 14×14 there; 3×3/2 on our 7×7), 1×1 conv, FC + ReLU, dropout 0.7, softmax."""
    x = keras.layers.AveragePooling2D(3, strides=2)(x)
    x = keras.layers.Conv2D(maps, 1, activation="relu", kernel_initializer="he_normal")(x)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dense(units, activation="relu", kernel_initializer="he_normal")(x)
    x = keras.layers.Dropout(0.7)(x)
    return keras.layers.Dense(num_classes, activation="softmax", dtype="float32", name="auxiliary")(
        x
    )


class WithAuxiliary(keras.Model):
    """A net with an auxiliary classifier: in training, [main, auxiliary] probabilities
    (`full`); at inference the main net alone (`main`, the same layers without the
    auxiliary's), so that evaluation, ten crops and the multiply-adds count see the
    net the paper keeps ("at inference time, these auxiliary networks are discarded")."""

    def __init__(self, full, main, **kwargs):
        super().__init__(**kwargs)
        self.full, self.main = full, main

    def call(self, images, training=False):
        return self.full(images, training=True) if training else self.main(images)


def multiply_adds(model, image_shape):
    """Multiply-adds of one forward pass on one image, as TensorFlow's profiler counts
    the frozen graph's floating-point operations (a multiply-add is two; the few adds of
    biases and the comparisons of pooling are counted too, and are under 2% here)."""
    from tensorflow.python.framework.convert_to_constants import (
        convert_variables_to_constants_v2,
    )

    spec = tf.TensorSpec((1,) + tuple(image_shape), tf.float32)
    concrete = tf.function(lambda x: model(x, training=False)).get_concrete_function(spec)
    graph = convert_variables_to_constants_v2(concrete).graph
    options = (
        tf.compat.v1.profiler.ProfileOptionBuilder(
            tf.compat.v1.profiler.ProfileOptionBuilder.float_operation()
        )
        .with_empty_output()
        .build()
    )
    flops = tf.compat.v1.profiler.profile(graph=graph, options=options).total_float_ops
    return flops // 2
