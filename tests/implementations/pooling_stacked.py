"""Exercises 1.2 and 1.3: max pooling and L2 pooling.

Only what a student writes: tests/splice.py lays it over the current stub."""


class MaxPool2D:
    def call(self, inputs):
        # Every window gathered on a new axis, then reduced: another route than the
        # reference's running maximum.
        return ops.max(_stacked_windows(inputs, self.pool_size, self.strides), axis=-1)


class L2Pool2D:
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
