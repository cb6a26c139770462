# exercise: lrn (2.4)
# family: off-by-one
# mistake: Your window keeps channels with |i - j| < r instead of ≤ r, so it has 2r - 1 channels and misses i - r and i + r (with r = 0 it is empty).
"""Exercise 2.4: local response normalisation, as in KSH's network."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="exercises")
class LocalResponseNormalization(keras.layers.Layer):
    """Local response normalisation across channels, as in KSH's network (notes §2.2;
    Krizhevsky, Sutskever and Hinton 2012, "ImageNet classification with deep
    convolutional neural networks", §3.3).

    Each activation is divided by k plus α times the summed squares of the activations
    at the same position in the channels from i − r to i + r (its own included), all to
    the power β ("lateral inhibition": big responses in neighbouring kernel maps
    compete):

        b[n, y, x, i] = a[n, y, x, i] / (k + α · Σ_j a[n, y, x, j]²)^β

    the sum over j from max(0, i − r) to min(C − 1, i + r), with C channels and
    r = `depth_radius`. The window has n = 2r + 1 channels and is cut
    at the first and last channel (no wrap-around). KSH used n = 5, k = 2, α = 10⁻⁴ and
    β = 0.75. α multiplies the sum itself, as in KSH's paper and
    `tf.nn.local_response_normalization`; Caffe's LRN divides α by n first, which is
    another layer.

    Args:
        depth_radius: int r ≥ 0, channels on each side in the window. Defaults to 2.
        bias: float k > 0. Defaults to 2.
        alpha: float α ≥ 0. Defaults to 1e-4.
        beta: float β. Defaults to 0.75.

    Input shape:  `(batch, height, width, channels)`
    Output shape: the same.

    Example:
    >>> import numpy as np
    >>> x = np.array([[[[1.0, 2.0, 3.0]]]])
    >>> layer = LocalResponseNormalization(depth_radius=1, bias=1.0, alpha=1.0, beta=1.0)
    >>> [round(float(b), 4) for b in layer(x)[0, 0, 0]]  # 1/(1+5), 2/(1+14), 3/(1+13)
    [0.1667, 0.1333, 0.2143]
    """

    def __init__(self, depth_radius=2, bias=2.0, alpha=1e-4, beta=0.75, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(depth_radius, int) or isinstance(depth_radius, bool) or depth_radius < 0:
            raise ValueError(
                f"`depth_radius` must be an int >= 0. Received: depth_radius={depth_radius!r}"
            )
        if not bias > 0:
            raise ValueError(f"`bias` must be positive. Received: bias={bias!r}")
        if not alpha >= 0:
            raise ValueError(f"`alpha` must be >= 0. Received: alpha={alpha!r}")
        self.depth_radius = depth_radius
        self.bias = float(bias)
        self.alpha = float(alpha)
        self.beta = float(beta)

    def call(self, inputs):
        channels = inputs.shape[-1]
        # The window as a C×C band of ones: one matmul sums every channel's neighbours,
        # cut at the first and last channel, and is several times faster to
        # differentiate than 2r + 1 shifted slices.
        offsets = ops.arange(channels)[:, None] - ops.arange(channels)[None, :]
        band = ops.cast(ops.abs(offsets) < self.depth_radius, inputs.dtype)
        total = ops.matmul(ops.square(inputs), band)
        # d^-β as exp(−β·log d), d ≥ k > 0: TensorFlow's pow and its gradient are 3.7×
        # slower on CPU (fwd + bwd of a 64×28×28×32 batch: 44 ms against 12 ms).
        scale = ops.exp(-self.beta * ops.log(self.bias + self.alpha * total))
        return inputs * scale

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "depth_radius": self.depth_radius,
                "bias": self.bias,
                "alpha": self.alpha,
                "beta": self.beta,
            }
        )
        return config
