# exercise: inception (2.6)
# family: off-by-one
# mistake: Your max pooling window is 2×2; the inception module's pooling branch uses a 3×3 window (stride 1, padding 'same').
"""Exercise 2.6: GoogLeNet's inception module."""

import keras
from keras import ops

NAMES = ("f1", "f3_reduce", "f3", "f5_reduce", "f5", "pool_proj")


@keras.saving.register_keras_serializable(package="exercises")
class InceptionModule(keras.layers.Layer):
    """GoogLeNet's inception module (notes §2.3; Szegedy et al. 2015, "Going deeper
    with convolutions", §4 and Figure 2(b)).

    Four branches read the same input, and their outputs are concatenated on the
    channels, in this order:

      1. a 1×1 convolution to f1 maps;
      2. a 1×1 *reduction* to f3_reduce maps, then a 3×3 convolution to f3 maps;
      3. a 1×1 reduction to f5_reduce maps, then a 5×5 convolution to f5 maps;
      4. 3×3 max pooling (stride 1, padding 'same'), then a 1×1 *projection* to
         pool_proj maps.

    Every convolution, the reductions and the projection included, has stride 1,
    padding 'same' and a bias, and is followed by a ReLU. The output keeps the input's
    height and width and has f1 + f3 + f5 + pool_proj channels.

    Why the reductions: from C channels, a 5×5 convolution to f5 maps costs 25·C·f5
    multiply-adds per position; through a reduction to f5_reduce ≪ C maps it costs
    C·f5_reduce + 25·f5_reduce·f5. Module 3a (C = 192; 64, 96, 128, 16, 32, 32) has
    163,696 weights with its reductions and projection (the paper's Table 1 says
    159K), against 387,296 for the naive module of Figure 2(a), which has neither.

    Here Keras's `Conv2D` and `MaxPooling2D` are yours to use: the lesson is the module.

    Args:
        f1, f3_reduce, f3, f5_reduce, f5, pool_proj: positive ints, the maps of each
            convolution, named as in the paper's Table 1.

    Weights: `build` creates the sublayers as attributes, in this order, and builds each
    on the shape it will see, so that every weight exists before the first call (the
    grader gives yours and the reference's the same values in this order):
        self.branch1 (1×1, f1), self.reduce3 (1×1, f3_reduce), self.branch3 (3×3, f3),
        self.reduce5 (1×1, f5_reduce), self.branch5 (5×5, f5), self.pool (3×3 max
        pooling), self.projection (1×1, pool_proj).

    Input shape:  `(batch, height, width, C)`
    Output shape: `(batch, height, width, f1 + f3 + f5 + pool_proj)`

    Example:
    >>> import numpy as np
    >>> module = InceptionModule(64, 96, 128, 16, 32, 32)  # GoogLeNet's 3a
    >>> module.build((None, 28, 28, 192))
    >>> tuple(module(np.zeros((1, 28, 28, 192))).shape), module.count_params()
    ((1, 28, 28, 256), 163696)
    """

    def __init__(self, f1, f3_reduce, f3, f5_reduce, f5, pool_proj, **kwargs):
        super().__init__(**kwargs)
        values = (f1, f3_reduce, f3, f5_reduce, f5, pool_proj)
        for name, value in zip(NAMES, values):
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"`{name}` must be a positive int. Received: {name}={value!r}")
        self.f1, self.f3_reduce, self.f3, self.f5_reduce, self.f5, self.pool_proj = values

    def build(self, input_shape):
        def conv(filters, size):
            return keras.layers.Conv2D(filters, size, padding="same", activation="relu")

        channels = tuple(input_shape[:-1])
        self.branch1 = conv(self.f1, 1)
        self.reduce3 = conv(self.f3_reduce, 1)
        self.branch3 = conv(self.f3, 3)
        self.reduce5 = conv(self.f5_reduce, 1)
        self.branch5 = conv(self.f5, 5)
        self.pool = keras.layers.MaxPooling2D(2, strides=1, padding="same")
        self.projection = conv(self.pool_proj, 1)
        self.branch1.build(input_shape)
        self.reduce3.build(input_shape)
        self.branch3.build(channels + (self.f3_reduce,))
        self.reduce5.build(input_shape)
        self.branch5.build(channels + (self.f5_reduce,))
        self.pool.build(input_shape)
        self.projection.build(input_shape)

    def call(self, inputs):
        return ops.concatenate(
            [
                self.branch1(inputs),
                self.branch3(self.reduce3(inputs)),
                self.branch5(self.reduce5(inputs)),
                self.projection(self.pool(inputs)),
            ],
            axis=-1,
        )

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.f1 + self.f3 + self.f5 + self.pool_proj,)

    def get_config(self):
        config = super().get_config()
        config.update({name: getattr(self, name) for name in NAMES})
        return config
