"""A small GoogLeNet (Szegedy et al. 2015, Table 1 and Figure 3) for 28×28 crops, built
from the student's (or the reference's) `InceptionModule`:

    stem: conv 5×5 → max pool 3×3/2 → LRN → conv 1×1 → conv 3×3 → LRN → max pool 3×3/2
    inception 3a → inception 3b → max pool 3×3/2 → inception 4a
    global average pooling → dropout 0.4 → softmax

No big fully connected layers: global average pooling replaces them, as in the paper
("it was found that a move from fully connected layers to average pooling improved
the top-1 accuracy by about 0.6%"). The widths are GoogLeNet's divided by 4.
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
):
    """A functional Keras model from `input_shape` images to softmax probabilities;
    `pixel_mean` `(channels,)`, if given, is subtracted first."""
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
    for index, maps in enumerate(modules):
        if index == 2:
            x = keras.layers.MaxPooling2D(3, strides=2, padding="same")(x)
        x = inception_module(*maps)(x)
    x = keras.layers.GlobalAveragePooling2D()(x)
    if dropout:
        x = keras.layers.Dropout(dropout)(x)
    outputs = keras.layers.Dense(num_classes, activation="softmax", dtype="float32")(x)
    return keras.Model(inputs, outputs)


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
