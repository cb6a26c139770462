"""Exercise 2.2: local contrast normalisation, as in LRMD's stack."""

import keras
import numpy as np
from keras import ops


@keras.saving.register_keras_serializable(package="solutions")
class LocalContrastNormalization(keras.layers.Layer):
    """Local contrast normalisation: subtract the local mean, then divide by the local
    standard deviation (notes §2.1; Jarrett et al. 2009, "What is the best multi-stage
    architecture for object recognition?", §2; Le et al. 2012, §3).

    A Gaussian window w (over a (2r+1)×(2r+1) neighbourhood and all C channels, summing
    to 1) gives, for each image, position (j, k) and channel c:

        v[j, k, c] = x[j, k, c] − Σ_{p,q,i} w[p, q] x[j+p, k+q, i] / C      (subtractive)
        σ[j, k]    = sqrt( Σ_{p,q,i} w[p, q] v[j+p, k+q, i]² / C )          (local std)
        y[j, k, c] = v[j, k, c] / max(mean_{j,k} σ, σ[j, k], ε)             (divisive)

    The mean of σ is taken over each image's positions. Near the borders the window
    leaves the image: zero-pad, and divide each weighted sum by the weight that falls
    inside the image (Σ of w[p, q] over the positions that exist), so a border pixel is
    normalised by its own neighbourhood, not by zeros. The floor ε is this
    implementation's (Jarrett et al. divide by max(mean σ, σ)): on a flat image v and σ
    are only rounding error, and the output must be ≈ 0, not noise or NaN. Where a whole
    window is 0, σ is 0: its gradient must be 0 there, not NaN (sqrt'(0) is infinite).

    Args:
        radius: int r. The window is (2r+1)×(2r+1). Defaults to 4 (LRMD's 9×9).
        sigma: float. The Gaussian's standard deviation, in pixels. Defaults to 2.
        epsilon: float ε, the floor of the divisor. Defaults to 0.01.

    `self.window` holds w: shape (2r+1, 2r+1), summing to 1, in the layer's compute
    dtype (float32; float16 under mixed precision, as the inputs).

    Input shape:  `(batch, height, width, channels)`
    Output shape: the same.

    Example:
    >>> x = np.random.default_rng(0).standard_normal((1, 6, 6, 3))
    >>> y = LocalContrastNormalization(1)(x)
    >>> tuple(y.shape), round(float(np.std(y)), 1)
    ((1, 6, 6, 3), 0.9)
    >>> flat = LocalContrastNormalization(1)(np.full((1, 4, 4, 2), 3.0))
    >>> bool(np.abs(flat).max() < 1e-3)
    True
    """

    def __init__(self, radius=4, sigma=2.0, epsilon=0.01, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(radius, int) or isinstance(radius, bool) or radius < 1:
            raise ValueError(f"`radius` must be a positive int. Received: radius={radius!r}")
        if not sigma > 0:
            raise ValueError(f"`sigma` must be positive. Received: sigma={sigma!r}")
        if not epsilon > 0:
            raise ValueError(f"`epsilon` must be positive. Received: epsilon={epsilon!r}")
        self.radius = radius
        self.sigma = float(sigma)
        self.epsilon = float(epsilon)
        offsets = np.arange(-radius, radius + 1)
        gauss = np.exp(-(offsets**2) / (2.0 * self.sigma**2))
        window = np.outer(gauss, gauss)
        self._window = window / window.sum()

    @property
    def window(self):
        """w as a NumPy array in the layer's compute dtype: float32, or float16 under
        Keras's mixed_float16 policy (the dtype the inputs arrive in)."""
        return self._window.astype(self.compute_dtype)

    def call(self, inputs):
        kernel = ops.convert_to_tensor(self.window[:, :, None, None])

        def blur(one_channel):  # the window's weighted sum at every position, zero-padded
            return ops.conv(one_channel, kernel, strides=1, padding="same")

        inside = blur(ops.ones_like(inputs[..., :1]))  # the weight inside the image
        mean = blur(ops.mean(inputs, axis=-1, keepdims=True)) / inside
        v = inputs - mean
        variance = blur(ops.mean(ops.square(v), axis=-1, keepdims=True)) / inside
        positive = variance > 0
        sigma = ops.where(positive, ops.sqrt(ops.where(positive, variance, 1.0)), 0.0)
        c = ops.mean(sigma, axis=(1, 2, 3), keepdims=True)
        return v / ops.maximum(ops.maximum(c, sigma), self.epsilon)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"radius": self.radius, "sigma": self.sigma, "epsilon": self.epsilon})
        return config
