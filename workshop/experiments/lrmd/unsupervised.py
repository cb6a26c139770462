"""Training one LRMD layer (stack.py) without labels: Adam on its objective, the
decoding columns kept at norm ≤ 1 after every step."""

import time

import keras
import numpy as np

from ...train import levers
from ...train.meter import Meter


def train_unsupervised(tf, layer, images, epochs, batch_size, learning_rate, lam, seed):
    """Adam on the objective; returns the history as a list of dicts: epoch 0 is the
    objective before any step (so that one epoch shows where it started), then each
    epoch's mean over its steps."""
    optimizer = keras.optimizers.Adam(learning_rate)
    weights = layer.weights

    optimizer = levers.loss_scaled(optimizer)
    gradients_of = levers.gradient_function(
        tf, lambda batch: layer.objective(batch, lam), weights, optimizer
    )

    @tf.function
    def step(batch):
        loss, gradients, error, sparsity = gradients_of(batch)
        optimizer.apply_gradients(zip(gradients, weights))
        layer.constrain()
        return loss, error, sparsity

    @tf.function
    def measure(batch):
        return layer.objective(batch, lam)

    rng, meter = np.random.default_rng(seed), Meter("LRMD objective")
    history = [_row(0, _mean(tf, measure, images, batch_size))]
    for epoch in range(1, epochs + 1):
        order = rng.permutation(len(images))
        sums = np.zeros(3)
        batches = 0
        for start in range(0, len(order) - batch_size + 1, batch_size):
            batch = tf.constant(images[order[start : start + batch_size]])
            called = time.perf_counter()
            values = [float(v) for v in step(batch)]
            meter.add(batch_size, time.perf_counter() - called, values[0])
            sums += values
            batches += 1
        history.append(_row(epoch, sums / max(batches, 1)))
    return history


def _mean(tf, measure, images, batch_size):
    """The objective's three terms, averaged over the batches of `images` in order."""
    sums, batches = np.zeros(3), 0
    for start in range(0, len(images) - batch_size + 1, batch_size):
        sums += [float(v) for v in measure(tf.constant(images[start : start + batch_size]))]
        batches += 1
    return sums / max(batches, 1)


def _row(epoch, terms):
    loss, error, sparsity = terms
    return {"epoch": epoch, "objective": loss, "reconstruction": error, "pooling": sparsity}
