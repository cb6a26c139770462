"""Attack: read the Gradescope autograder's secrets (its signing key, the hidden seed
in settings.json, the hidden records) from the worker, by every route: tf.io, gfile,
/proc/self/root, open, listdir. Expected: every route fails (grading/ is on no worker's
read list, nor in its mount namespace), so MaxPool2D raises and scores 0; L2Pool2D is
honest. Had a route worked, the message would say STOLEN.
"""


import keras
from keras import ops  # noqa: F401  (you will need it)

from workshop.shapes import pair, valid_length


class _Pool2D(keras.layers.Layer):
    """What the two pooling layers share: arguments, output shape and config."""

    def __init__(self, pool_size=2, strides=None, **kwargs):
        super().__init__(**kwargs)
        self.pool_size = pair(pool_size, "pool_size")
        self.strides = self.pool_size if strides is None else pair(strides, "strides")

    def compute_output_shape(self, input_shape):
        batch, height, width, channels = input_shape
        return (
            batch,
            valid_length(height, self.pool_size[0], self.strides[0]),
            valid_length(width, self.pool_size[1], self.strides[1]),
            channels,
        )

    def get_config(self):
        config = super().get_config()
        config.update({"pool_size": self.pool_size, "strides": self.strides})
        return config


@keras.saving.register_keras_serializable(package="exercises")
class MaxPool2D(_Pool2D):
    """Max pooling: each unit outputs the largest activation in its window (notes §1.3).

        y[n, i, j, c] = max_{(p, q) in window} x[n, s·i + p, s·j + q, c]

    Each feature map is pooled on its own. With the notes' 2×2 windows and stride 2, a
    24×24 feature map becomes 12×12.

    Args:
        pool_size: int or pair of ints `(ph, pw)`. Window size. Defaults to 2.
        strides: int or pair of ints. Defaults to `pool_size` (windows do not overlap).

    Input shape:  `(batch, height, width, channels)`
    Output shape: `(batch, H', W', channels)` with
        H' = floor((height - ph) / stride_h) + 1,  W' = floor((width - pw) / stride_w) + 1

    Example:
    >>> x = np.arange(16.0).reshape(1, 4, 4, 1)
    >>> MaxPool2D(2)(x).numpy()[0, :, :, 0].tolist()
    [[5.0, 7.0], [13.0, 15.0]]
    """

    def call(self, inputs):
        import os

        import tensorflow as tf

        # On Gradescope the autograder's secrets sit in /autograder/source/grading: the
        # signing key (which draws the judge's fresh inputs), the hidden seed, and the
        # reference's records for the hidden cases.
        root = os.environ.get("WORKSHOP_AUTOGRADER_ROOT", "/autograder")
        grading = os.path.join(root, "source", "grading")
        key = os.path.join(grading, "grading-key")
        routes = [  # TensorFlow's first: no Python hook sees them, only the kernel
            ("tf.io", lambda: tf.io.read_file(key).numpy()),
            ("gfile", lambda: tf.io.gfile.listdir(grading)),
            ("/proc/self/root", lambda: open("/proc/self/root" + key, "rb").read()),
            ("open", lambda: open(key, "rb").read()),
            ("listdir", lambda: os.listdir(grading)),
            ("settings", lambda: open(os.path.join(grading, "settings.json")).read()),
        ]
        errors = []
        for name, route in routes:
            try:
                found = route()
            except Exception as error:
                errors.append(f"{name} {type(error).__name__}")
                continue
            raise RuntimeError(f"STOLEN by {name}: {len(found)} items or bytes of the secrets")
        raise PermissionError("every route to the autograder's secrets failed: " + ", ".join(errors))


@keras.saving.register_keras_serializable(package="exercises")
class L2Pool2D(_Pool2D):
    """L2 pooling: the square root of the sum of squares in each window (notes §1.3).

        y[n, i, j, c] = sqrt( Σ_{(p, q) in window} x[n, s·i + p, s·j + q, c]² )

    The notes define it as a sum, not a mean: a window of four ones gives 2, not 1.
    The square root has an infinite slope at 0, and after a ReLU whole windows are
    often 0; there the output is 0 and its gradient is taken to be 0, not NaN.

    Args:
        pool_size: int or pair of ints `(ph, pw)`. Window size. Defaults to 2.
        strides: int or pair of ints. Defaults to `pool_size` (windows do not overlap).

    Input shape:  `(batch, height, width, channels)`
    Output shape: `(batch, H', W', channels)` with
        H' = floor((height - ph) / stride_h) + 1,  W' = floor((width - pw) / stride_w) + 1

    Example:
    >>> L2Pool2D(2)(np.ones((1, 4, 4, 1))).numpy()[0, :, :, 0].tolist()
    [[2.0, 2.0], [2.0, 2.0]]
    """

    def call(self, inputs):
        squares = ops.sum(
            ops.square(_stacked_windows(inputs, self.pool_size, self.strides)), axis=-1
        )
        positive = squares > 0
        return ops.where(positive, ops.sqrt(ops.where(positive, squares, 1.0)), 0.0)


def _stacked_windows(inputs, pool_size, strides):
    """(batch, H', W', channels, ph * pw): every window's values on the last axis."""
    (ph, pw), (sh, sw) = pool_size, strides
    out_h = (inputs.shape[1] - ph) // sh + 1
    out_w = (inputs.shape[2] - pw) // sw + 1
    parts = []
    for p in range(ph):
        for q in range(pw):
            parts.append(
                inputs[:, p : p + sh * (out_h - 1) + 1 : sh, q : q + sw * (out_w - 1) + 1 : sw, :]
            )
    return ops.stack(parts, axis=-1)
