"""Import TensorFlow without its start-up chatter on stderr.

TensorFlow's C++ side prints CUDA-probing lines ("Could not find cuda drivers...")
before any Python setting can stop them. They worry students and bury the grader's
own messages, so the import runs with file descriptor 2 sent to a temporary file,
which is replayed only if the import fails.
"""

import contextlib
import os
import sys
import tempfile


def import_tensorflow(before_first_op=None, first_op=True):
    """Import TensorFlow quietly; `before_first_op(tf)` runs before any device is
    created, the only moment logical devices can still be configured.

    `first_op=False` leaves TensorFlow without a runtime (no thread pools yet), so the
    process can still fork safely (batch/zygote.py); the CUDA probe then speaks on the
    first op instead."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if "tensorflow" in sys.modules:
        if before_first_op is not None:
            before_first_op(sys.modules["tensorflow"])
        return sys.modules["tensorflow"]
    with captured_stderr():
        import tensorflow as tf

        if before_first_op is not None:
            before_first_op(tf)
        if first_op:
            tf.constant(0)  # the device probe prints on first use, not on import
    tf.get_logger().setLevel("ERROR")
    import absl.logging
    import keras

    absl.logging.set_verbosity(absl.logging.ERROR)
    keras.config.disable_traceback_filtering()  # keep exceptions as the student raised them
    return tf


@contextlib.contextmanager
def captured_stderr():
    """File descriptor 2 sent to a temporary file, replayed only if the block fails."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile(mode="w+b") as captured:
        os.dup2(captured.fileno(), 2)
        try:
            yield
        except BaseException:
            os.dup2(saved, 2)
            captured.seek(0)
            sys.stderr.write(captured.read().decode(errors="replace"))
            raise
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def warm_up_xla(tf):
    """Compile one tiny function with XLA quietly: its C++ side logs two lines on the
    first compilation of a process ("Compiled cluster using XLA!"), past
    TF_CPP_MIN_LOG_LEVEL, and only once."""
    with captured_stderr():
        tf.function(lambda: tf.constant(1.0) + 1.0, jit_compile=True)()


def threads_setter(threads):
    """Before the first op: at most `threads` threads in each of TensorFlow's pools.
    With as many workers as cores, a pool per core in each only adds threads that spin
    for the same cores (with -j 8 on 8 cores, 64 of them). On 2 cores with -j 2 the
    50-student benchmark measured the same either way, within the machine's noise."""

    def set_threads(tf):
        if threads > 0:
            tf.config.threading.set_intra_op_parallelism_threads(threads)
            tf.config.threading.set_inter_op_parallelism_threads(threads)

    return set_threads
