"""Epochs over arrays held in memory, on any loss of the student's, under a strategy.

`loop.py` trains on cross-entropy; the adversarial objective (Exercise 2.10) and the
sequence likelihood (2.8) are losses the student writes, so they get this smaller loop:
each replica takes its share of a shuffled batch, the loss (a batch mean) is divided by
the number of replicas and the gradients summed. A loss written in NumPy passes the
grader but cannot be traced: the step then runs eagerly instead of being refused."""

import time

import numpy as np
import tensorflow as tf

from . import levers
from .meter import Meter


def runs_in_a_graph(function, *specs):
    """Whether `function` traces inside tf.function for inputs of these TensorSpecs.
    Student code in NumPy passes the grader (which calls it eagerly) but cannot run in a
    graph: an experiment then calls it eagerly rather than refuse code that is right."""
    try:
        tf.function(function).get_concrete_function(*specs)
        return True
    except Exception:  # any failure to trace means: call it eagerly instead
        return False


def fit_arrays(strategy, model, optimizer, loss, arrays, epochs, batch_size, shuffle_seed,
               after_epoch=None):  # fmt: skip
    """Train `model` (built with `optimizer` in strategy.scope(), wrapped by
    `levers.loss_scaled`) on `loss(*batch)`, a batch mean, for `epochs` passes over
    `arrays`; epoch e (from 1) shuffles with shuffle_seed + e. `after_epoch(epoch,
    mean loss, seconds of training so far)` is called after each, its own time not
    counted. Returns (seconds of training, whether the step ran as a graph)."""
    replicas = strategy.num_replicas_in_sync

    def replica_loss(*batch):
        return (tf.cast(loss(*batch), tf.float32) / replicas,)

    specs = [tf.TensorSpec((None,) + a.shape[1:], tf.as_dtype(a.dtype)) for a in arrays]
    graph = runs_in_a_graph(loss, *specs)
    # A loss that runs only eagerly cannot be compiled either.
    gradients_of = levers.gradient_function(
        tf, replica_loss, model.trainable_variables, optimizer, compile=graph
    )

    def step(*batch):
        value, gradients = gradients_of(*batch)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        return value

    def distributed(batch):
        return strategy.reduce(tf.distribute.ReduceOp.SUM, strategy.run(step, args=batch), None)

    run_batch = tf.function(distributed) if graph else distributed
    meter = Meter("array loop")
    started, outside = time.perf_counter(), 0.0  # outside: after_epoch's own time
    for epoch in range(1, epochs + 1):
        batches = (
            tf.data.Dataset.from_tensor_slices(tuple(arrays))
            .shuffle(len(arrays[0]), seed=shuffle_seed + epoch)
            .batch(batch_size, drop_remainder=True)
        )
        losses = []
        for batch in strategy.experimental_distribute_dataset(batches):
            called = time.perf_counter()
            losses.append(float(run_batch(batch)))
            meter.add(batch_size, time.perf_counter() - called, losses[-1])
        if after_epoch:
            called = time.perf_counter()
            after_epoch(epoch, float(np.mean(losses)), called - started - outside)
            outside += time.perf_counter() - called
    return time.perf_counter() - started - outside, graph
