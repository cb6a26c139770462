"""Training an RBM by contrastive divergence: CD-k, or persistent CD (PCD, Tieleman 2008).

Plain stochastic gradient *ascent* on the log-likelihood, with the RBM's own
`contrastive_divergence` estimates: w ← w + η · (positive − negative statistics). One
epoch is one `tf.function` call looping over the shuffled mini-batches, so Python's
per-step overhead does not dominate these small models. Single device: the estimates
need the chain's state, which this loop keeps in one place.
"""

import time
from dataclasses import dataclass

import keras
import numpy as np
import tensorflow as tf

from .meter import Meter


@dataclass(frozen=True)
class RBMConfig:
    epochs: int = 30
    batch_size: int = 10
    learning_rate: float = 0.05
    k: int = 1  # Gibbs steps per estimate
    persistent: bool = False  # PCD: the negative chain continues across updates
    seed: int = 0


def fit_rbm(rbm, x, config, after_epoch=None):
    """Train the built `rbm` on `x` `(n, n_visible)` in place.

    `after_epoch(epoch, seconds)` is called after each epoch (e.g. to measure the
    likelihood); the seconds are the epoch's training time alone. Returns the list of
    those training times.
    """
    x = tf.constant(np.asarray(x, dtype=np.float32))
    n = int(x.shape[0])
    batch = min(config.batch_size, n)
    steps = n // batch
    draws = keras.random.SeedGenerator(config.seed)
    order = np.random.default_rng(config.seed)
    weights = {
        "kernel": rbm.kernel,
        "visible_bias": rbm.visible_bias,
        "hidden_bias": rbm.hidden_bias,
    }
    # PCD's chain: one fantasy particle per batch row, started at random training images.
    chain = tf.Variable(tf.gather(x, order.choice(n, batch, replace=False)), trainable=False)

    # The CD updates are not a loss's gradients: no loss scale, and no backward pass for
    # XLA to compile. Compiling the whole epoch instead was measured on 2 CPU cores at
    # 65 s of compiling and 250× fewer samples a second (benchmarks/device_check.py).
    @tf.function
    def epoch(permutation):
        for step in tf.range(steps):
            v = tf.gather(x, permutation[step * batch : (step + 1) * batch])
            start = chain if config.persistent else None
            grads, chain_end = rbm.contrastive_divergence(v, k=config.k, seed=draws, start=start)
            for name, variable in weights.items():
                variable.assign_add(config.learning_rate * grads[name])
            if config.persistent:
                chain.assign(chain_end)

    seconds, meter = [], Meter("contrastive divergence")
    for number in range(1, config.epochs + 1):
        started = time.perf_counter()
        epoch(tf.constant(order.permutation(n), dtype=tf.int32))
        seconds.append(time.perf_counter() - started)
        meter.add(steps * batch, seconds[-1])
        if after_epoch:
            after_epoch(number, seconds[-1])
    return seconds


def new_rbm(rbm_class, hidden, n_visible, seed):
    """A built RBM whose initial weights depend only on `seed`."""
    import keras

    keras.utils.set_random_seed(seed)
    rbm = rbm_class(hidden)
    rbm.build((None, n_visible))
    return rbm
