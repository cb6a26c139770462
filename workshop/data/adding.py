"""The adding problem (Hochreiter & Schmidhuber 1997, experiment 4), generated on the fly.

Each sequence has T steps of pairs (value, marker): the values are uniform in [0, 1];
exactly two markers are 1, one in the first half and one in the second half (the
setting of Le et al. 2015 and Arjovsky et al. 2016). The target is the sum of the two
marked values. Predicting the mean, 1, gives the variance of that sum, 2/12 ≈ 0.167:
the baseline a network that learned nothing reaches.

Batches come from TensorFlow's stateless generator, seeded by (seed, index), so batch
`index` is the same on every run, every replica and every worker.
"""

import tensorflow as tf

BASELINE_MSE = 2.0 / 12.0  # Var(u1 + u2) for independent uniforms on [0, 1]
TEST_INDEX = -1  # the test set's stream; training batches use indices 0, 1, 2, ...


def adding_batch(seed, index, batch_size, steps):
    """One batch: x `(batch_size, steps, 2)` float32, y `(batch_size, 1)` float32.

    >>> x, y = adding_batch(0, 0, 4, 10)
    >>> tuple(x.shape), tuple(y.shape)
    ((4, 10, 2), (4, 1))
    >>> [int(n) for n in tf.reduce_sum(x[..., 1], axis=1)]
    [2, 2, 2, 2]
    """
    if steps < 2:
        raise ValueError(f"the adding problem needs at least 2 steps. Received: steps={steps}")
    key = tf.stack([tf.cast(seed, tf.int64), tf.cast(index, tf.int64)])
    values = tf.random.stateless_uniform((batch_size, steps), seed=key)
    half = steps // 2
    first = tf.random.stateless_uniform(
        (batch_size,), seed=key + [0, 1 << 40], minval=0, maxval=half, dtype=tf.int64
    )
    second = tf.random.stateless_uniform(
        (batch_size,), seed=key + [0, 2 << 40], minval=half, maxval=steps, dtype=tf.int64
    )
    markers = tf.one_hot(first, steps) + tf.one_hot(second, steps)
    x = tf.stack([values, markers], axis=-1)
    y = tf.reduce_sum(values * markers, axis=1, keepdims=True)
    return x, y


def adding_test_set(seed, size, steps):
    """A held-out set of `size` sequences, from a stream no training batch uses."""
    return adding_batch(seed, TEST_INDEX, size, steps)


def adding_train_batches(seed, batch_size, steps, count):
    """`count` fresh training batches as a tf.data pipeline (one global batch each)."""
    return (
        tf.data.Dataset.range(count)
        .map(lambda index: adding_batch(seed, index, batch_size, steps))
        .prefetch(tf.data.AUTOTUNE)
    )
