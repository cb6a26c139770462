"""A small network of KSH's shape (Krizhevsky, Sutskever and Hinton 2012, Figure 2),
in one column or in two columns on two devices as KSH split it over two GPUs.

Five convolutional layers and three fully connected ones:

    conv1 5×5 → LRN → pool → conv2 → LRN → pool → conv3 → conv4 → conv5 → pool
      → FC → dropout → FC → dropout → softmax

In two columns every layer's kernels are halved between the columns, and a column
reads only its own column's maps, except at conv3 and the fully connected layers,
which read both (the paper's §3.2: "the kernels of layer 3 take input from all kernel
maps in layer 2"). Each column's weights are created, and its layers run, under
`tf.device` of its own device. With `devices=None` the same two-column wiring runs on
one device: that is the net the split one is checked against.

The student's (or the reference's) `LocalResponseNormalization` is passed in; the
convolutions and pooling are Keras's, since the lessons here are elsewhere.
"""

import keras
import tensorflow as tf
from keras import ops


class CentredHeNormal(keras.initializers.HeNormal):
    """He's normal start with each unit's incoming weights shifted to sum to zero.

    A ReLU layer's outputs are all positive, so with zero-mean random weights the next
    layer's input is mostly one part common to every image, x̄ Σᵢ wᵢ, and a small part
    that tells the images apart. With Σᵢ wᵢ = 0 per unit the common part is gone at the
    start: W[..., j] -= mean(W[..., j]) over the unit's fan-in.
    """

    def __call__(self, shape, dtype=None):
        weights = super().__call__(shape, dtype)
        return weights - ops.mean(weights, axis=tuple(range(len(shape) - 1)), keepdims=True)


INITIALIZERS = {"he_normal_centred": CentredHeNormal}


def initializer_of(name):
    """A Keras initializer's name, or one of this module's (INITIALIZERS) made."""
    return INITIALIZERS[name]() if name in INITIALIZERS else name


class KshNet(keras.Model):
    """KSH's network at workshop scale.

    Args:
        num_classes: int.
        convs: `(maps, kernel size)` of each conv layer, maps for the whole net (split
            between columns); KSH's five, or fewer (three, as their CIFAR-10 net).
        units: units of each hidden fully connected layer, for the whole net.
        activation: "relu" or "tanh".
        lrn: a LocalResponseNormalization class, or None for none.
        pool_size: 3 (KSH's overlapping 3×3 pooling, stride 2) or 2 (2×2, stride 2).
        dropout: rate before the second and third fully connected layers (KSH: 0.5).
        columns: 1 or 2.
        devices: one device name per column, or None (everything where TF puts it).
        initializer: of every conv kernel (He's normal: ReLU nets this deep start faster).
        fc_initializer: of the hidden fully connected layers' kernels (Keras's Glorot).
        bias_start: the biases of every layer but the softmax layer start here (KSH:
            1 in conv2, conv4, conv5 and the fully connected layers, "to provide the
            ReLUs with positive inputs").
        pixel_mean: `(channels,)` subtracted from every pixel first, or None.
    """

    def __init__(
        self,
        num_classes,
        convs=((32, 5), (32, 3), (48, 3), (48, 3), (32, 3)),
        units=256,
        activation="relu",
        lrn=None,
        pool_size=3,
        dropout=0.5,
        columns=1,
        devices=None,
        initializer="he_normal",
        fc_initializer="glorot_uniform",
        bias_start=0.0,
        pixel_mean=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        # KSH's one preprocessing step: the training set's mean pixel subtracted.
        self.pixel_mean = None if pixel_mean is None else [float(v) for v in pixel_mean]
        if devices is not None and len(devices) != columns:
            raise ValueError(f"{columns} column(s) need {columns} device(s); got {devices}")
        if any(maps % columns for maps, _ in convs) or units % columns:
            raise ValueError(f"every width must split into {columns} equal columns")
        self.columns = columns
        self.devices = list(devices) if devices else [None] * columns

        def conv(index):
            return [
                keras.layers.Conv2D(
                    convs[index][0] // columns,
                    convs[index][1],
                    padding="same",
                    activation=activation,
                    kernel_initializer=initializer_of(initializer),
                    bias_initializer=keras.initializers.Constant(bias_start),
                    name=f"conv{index + 1}_column{c + 1}",
                )
                for c in range(columns)
            ]

        def per_column(make):
            return [make(c) for c in range(columns)]

        self.convs = [conv(i) for i in range(len(convs))]
        # Pooling after conv1, conv2 and the last conv layer, as KSH's.
        self.pooled = {0, 1, len(convs) - 1}
        self.norms = [
            per_column(lambda c, i=i: lrn(name=f"lrn{i + 1}_column{c + 1}")) if lrn else None
            for i in range(2)
        ]
        self.pool = keras.layers.MaxPooling2D(pool_size, strides=2, padding="same")
        self.flatten = keras.layers.Flatten()
        self.hidden = [
            per_column(
                lambda c, i=i: keras.layers.Dense(
                    units // columns,
                    activation=activation,
                    kernel_initializer=initializer_of(fc_initializer),
                    bias_initializer=keras.initializers.Constant(bias_start),
                    name=f"fc{i + 6}_column{c + 1}",
                )
            )
            for i in range(2)
        ]
        self.drop = keras.layers.Dropout(dropout) if dropout else None
        # Biases start at 0, not at KSH's 1 (§5), and the softmax layer keeps Keras's
        # Glorot start: with biases of 1 the first softmax was 58% sure of one class, and
        # with N(0, 0.01) weights into it the net never left chance (docs/experiments/ksh.md).
        self.classifier = keras.layers.Dense(
            num_classes, activation="softmax", name="fc8", dtype="float32"
        )

    def build(self, input_shape):
        # One eager pass on zeros builds every sublayer inside its column's device
        # scope. (Keras's default build traces `call` symbolically, and variables made
        # there are lifted out of the trace, and out of its device scopes.)
        self.call(ops.zeros((1,) + tuple(input_shape[1:])))

    def _columns(self, layers, inputs, training=None):
        """Each column's layer on its own input, under its own device."""
        outputs = []
        for layer, x, device in zip(layers, inputs, self.devices):
            with tf.device(device):
                outputs.append(layer(x, training=training) if training is not None else layer(x))
        return outputs

    def _everywhere(self, xs):
        """Every column's maps, concatenated: what a cross-column layer reads."""
        return [ops.concatenate(xs, axis=-1) if len(xs) > 1 else xs[0]] * self.columns

    def call(self, images, training=False):
        if self.pixel_mean is not None:
            images = images - ops.convert_to_tensor(self.pixel_mean, images.dtype)
        xs = [images] * self.columns
        for i, layers in enumerate(self.convs):
            if i == 2:  # conv3 reads both columns
                xs = self._everywhere(xs)
            xs = self._columns(layers, xs)
            if i < 2 and self.norms[i]:
                xs = self._columns(self.norms[i], xs)
            if i in self.pooled:
                xs = self._columns([self.pool] * self.columns, xs)
        xs = self._columns([self.flatten] * self.columns, xs)
        for i, layers in enumerate(self.hidden):
            if i and self.drop:  # dropout on fc6's units, each column its own
                xs = self._columns([self.drop] * self.columns, xs, training)
            xs = self._columns(layers, self._everywhere(xs))
        if self.drop:
            xs = self._columns([self.drop] * self.columns, xs, training)
        with tf.device(self.devices[0]):
            return self.classifier(self._everywhere(xs)[0])
