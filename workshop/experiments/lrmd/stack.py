"""One LRMD layer (notes §2.1; Le et al. 2012, §3), trained without labels.

Local contrast normalisation, then a locally connected layer (the encoding weights W₁,
untied across positions), then L2 pooling of neighbouring feature maps at each
position. The objective is Exercise 2.3's at every position p, with that position's own
encoding and decoding weights:

    L = Σ_images Σ_p ‖W₂ₚ W₁ₚᵀ xₚ − xₚ‖²  +  λ Σ_images Σ_p Σ_i √(ε + (H (W₁ₚᵀ xₚ)²)_i)

where xₚ is the (normalised) receptive field at p, and each column of W₂ₚ is kept to
norm ≤ 1 (`LrmdLayer.constrain`: the objective has no scale of its own). LRMD
reconstruct the whole input from overlapping fields; each field reconstructs itself
here, which keeps the decoder a per-position matrix (say so when comparing). The
encoder is the reference's or the student's `LocallyConnected2D` (2.1), the
normalisation their `LocalContrastNormalization` (2.2) and H their `pooling_matrix`
(2.3). Imported after TensorFlow.
"""

import keras
import numpy as np
from keras import ops

from .stack_shape import StackShape  # noqa: F401  (the shapes this module builds)


def build_classifier(layers, shape, input_shape, num_classes, eps):
    """The LRMD layer with a softmax on top, trained with labels end to end: the
    model the strategies race on (and `--strategy` trains)."""
    inputs = keras.Input(tuple(input_shape))
    x = layers["LocalContrastNormalization"](shape.lcn_radius, shape.lcn_sigma)(inputs)
    x = layers["LocallyConnected2D"](shape.maps, shape.kernel, strides=shape.stride)(x)
    x = MapPooling(np.asarray(layers["pooling_matrix"](shape.maps, shape.pool)), eps)(x)
    x = keras.layers.Flatten()(x)
    outputs = keras.layers.Dense(num_classes, activation="softmax", dtype="float32")(x)
    return keras.Model(inputs, outputs, name="lrmd_classifier")


@keras.saving.register_keras_serializable(package="workshop")
class MapPooling(keras.layers.Layer):
    """L2 pooling of neighbouring feature maps at each position: p = √(ε + H z²), with
    H fixed (Exercise 2.3's `pooling_matrix`).

    Args:
        pooling: `(m, k)` array H, pooling unit i's weights over the k maps.
        eps: float ε ≥ 0 under the root.

    Input shape:  `(batch, height, width, k)`
    Output shape: `(batch, height, width, m)`
    """

    def __init__(self, pooling, eps, **kwargs):
        super().__init__(**kwargs)
        self.pooling = np.asarray(pooling, np.float32)
        if self.pooling.ndim != 2:
            raise ValueError(
                f"`pooling` must be an (m, k) matrix. Received shape {self.pooling.shape}"
            )
        if not eps >= 0:
            raise ValueError(f"`eps` must be >= 0. Received: eps={eps!r}")
        self.eps = float(eps)

    def call(self, inputs):
        squares = ops.einsum("bhwk,mk->bhwm", ops.square(inputs), self.pooling)
        return ops.sqrt(self.eps + squares)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.pooling.shape[0],)

    def get_config(self):
        return {**super().get_config(), "pooling": self.pooling.tolist(), "eps": self.eps}


class LrmdLayer:
    """The layer's parts, built for one input shape; `encode` gives the pooled features."""

    def __init__(self, tf, layers, shape, input_shape, seed, eps):
        self.tf, self.shape = tf, shape
        keras.utils.set_random_seed(seed)
        self.normalise = layers["LocalContrastNormalization"](shape.lcn_radius, shape.lcn_sigma)
        self.encoder = layers["LocallyConnected2D"](shape.maps, shape.kernel, strides=shape.stride)
        sample = np.zeros((1,) + tuple(input_shape), np.float32)
        fields = self.encoder(self.normalise(sample))
        positions_h, positions_w = int(fields.shape[1]), int(fields.shape[2])
        field_size = shape.kernel * shape.kernel * input_shape[-1]
        self.pool = MapPooling(np.asarray(layers["pooling_matrix"](shape.maps, shape.pool)), eps)
        # Untied decoding weights W₂, one (field, maps) matrix per position.
        rng = np.random.default_rng(seed)
        self.decoder = tf.Variable(
            rng.normal(
                0, 1 / np.sqrt(shape.maps), (positions_h, positions_w, field_size, shape.maps)
            ),
            dtype=tf.float32,
            name="W2",
        )
        self.positions = (positions_h, positions_w)

    @property
    def weights(self):
        """What the objective trains: W₁ (the layer's kernel) and W₂. The layer's bias
        is left at 0: the objective has none."""
        return [self.encoder.kernel, self.decoder]

    def constrain(self):
        """Each decoding column (one per position and map) back to norm ≤ 1.

        The objective alone does not fix the scale: W₁ → a·W₁, W₂ → W₂/a leaves the
        reconstruction as it is and multiplies the pooling term by about a, so a < 1
        lowers it for nothing. Unconstrained, training takes that way out (the pooling
        term falls, the filters stay noise: measured), as sparse coding would without
        a bound on its dictionary."""
        norms = self.tf.norm(self.decoder, axis=2, keepdims=True)
        self.decoder.assign(self.decoder / self.tf.maximum(norms, 1.0))

    def fields(self, normalised):
        """The receptive field xₚ of every position, in the kernel's row order."""
        k, s = self.shape.kernel, self.shape.stride
        return self.tf.image.extract_patches(
            normalised, [1, k, k, 1], [1, s, s, 1], [1, 1, 1, 1], "VALID"
        )

    def objective(self, images, lam):
        """Mean over the batch of the per-position reconstruction + λ·pooling cost,
        and its two terms."""
        tf = self.tf
        normalised = self.normalise(images)
        codes = self.encoder(normalised)  # W₁ₚᵀ xₚ: (batch, H', W', maps)
        # Under a mixed policy the products run in the layers' compute dtype, the sums
        # of squares in float32.
        rebuilt = tf.einsum("bhwk,hwdk->bhwd", codes, tf.cast(self.decoder, codes.dtype))
        residual = tf.cast(rebuilt, tf.float32) - tf.cast(self.fields(normalised), tf.float32)
        error = tf.reduce_sum(tf.square(residual), axis=[1, 2, 3])
        sparsity = tf.reduce_sum(tf.cast(self.pool(codes), tf.float32), axis=[1, 2, 3])
        return (
            tf.reduce_mean(error + lam * sparsity),
            tf.reduce_mean(error),
            tf.reduce_mean(sparsity),
        )

    def encode(self, images):
        """The L2-pooled features, (n, H', W', pooling units), as NumPy."""
        return _in_batches(lambda x: self.pool(self.encoder(self.normalise(x))), images)

    def normalised(self, images):
        return _in_batches(self.normalise, images)

    def filters(self, position=None):
        """W₁ at one position (default the centre), as (maps, kernel, kernel) images of
        the first channel."""
        kernel = np.asarray(self.encoder.kernel)
        j, k = position or (self.positions[0] // 2, self.positions[1] // 2)
        size = self.shape.kernel
        channels = kernel.shape[2] // (size * size)
        return kernel[j, k].reshape(size, size, channels, -1)[:, :, 0, :].transpose(2, 0, 1)


def _in_batches(compute, images, batch=256):
    """`compute` over `images` a batch at a time, concatenated as NumPy."""
    return np.concatenate(
        [
            np.asarray(compute(images[start : start + batch]), np.float32)
            for start in range(0, len(images), batch)
        ]
    )
