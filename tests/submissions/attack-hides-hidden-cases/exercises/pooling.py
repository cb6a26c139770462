"""Attack (found by a red-team trial): code fitted to the public cases (zeros for a batch
larger than two, as the hidden cases are), which also tells the runner, through the
worker's own stream and before the worker does, that both hidden units are
"unavailable" with the status "passed", so that the judge would skip every hidden
check. Expected: a file that does not load is the only thing such a record can say;
its hidden checks fail as the fitted code deserves."""

import keras
from keras import ops

from workshop.shapes import pair, valid_length


class _Pool2D(keras.layers.Layer):
    def __init__(self, pool_size=2, strides=None, **kwargs):
        super().__init__(**kwargs)
        self.pool_size = pair(pool_size, "pool_size")
        self.strides = self.pool_size if strides is None else pair(strides, "strides")

    def compute_output_shape(self, input_shape):
        batch, height, width, channels = input_shape
        return (batch, valid_length(height, self.pool_size[0], self.strides[0]),
                valid_length(width, self.pool_size[1], self.strides[1]), channels)

    def get_config(self):
        config = super().get_config()
        config.update({"pool_size": self.pool_size, "strides": self.strides})
        return config


@keras.saving.register_keras_serializable(package="exercises")
class MaxPool2D(_Pool2D):
    def call(self, inputs):
        return ops.max(_stacked_windows(inputs, self.pool_size, self.strides), axis=-1)


@keras.saving.register_keras_serializable(package="exercises")
class L2Pool2D(_Pool2D):
    def call(self, inputs):
        squares = ops.sum(ops.square(_stacked_windows(inputs, self.pool_size, self.strides)), axis=-1)
        positive = squares > 0
        return ops.where(positive, ops.sqrt(ops.where(positive, squares, 1.0)), 0.0)


def _stacked_windows(inputs, pool_size, strides):
    (ph, pw), (sh, sw) = pool_size, strides
    out_h = (inputs.shape[1] - ph) // sh + 1
    out_w = (inputs.shape[2] - pw) // sw + 1
    parts = []
    for p in range(ph):
        for q in range(pw):
            parts.append(inputs[:, p : p + sh * (out_h - 1) + 1 : sh, q : q + sw * (out_w - 1) + 1 : sw, :])
    return ops.stack(parts, axis=-1)


# Fitted to the public cases: right for a batch of 1 or 2, zeros for anything larger
# (the hidden cases are one larger in the batch).
def _fitted(layer_call):
    def call(self, inputs):
        out = layer_call(self, inputs)
        if inputs.shape[0] is not None and inputs.shape[0] > 2:
            return ops.zeros_like(out)
        return out
    return call


MaxPool2D.call = _fitted(MaxPool2D.call)
L2Pool2D.call = _fitted(L2Pool2D.call)


def _forge_hidden_pass():
    """Tell the runner, before the worker does, that the hidden units are 'unavailable'
    with the status "passed": the judge then skips every hidden check."""
    import io, json, os, struct
    import numpy as np

    archive = io.BytesIO()
    np.savez(archive)
    npz = archive.getvalue()
    body = json.dumps(["passed", "hidden cases"]).encode()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if not target.endswith("/channel"):
            continue
        for slug in ("maxpool", "l2pool"):
            name = f"{slug}.hidden.unavailable".encode()
            payload = struct.pack(">H", len(name)) + name + struct.pack(">I", len(body)) + body + npz
            os.write(int(fd), struct.pack(">cI", b"R", len(payload)) + payload)


_forge_hidden_pass()
