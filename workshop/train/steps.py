"""Regression trained for a fixed budget of steps on fresh batches, under a strategy.

The epoch loop (`loop.py`) suits a fixed training set; tasks that draw a new batch at
every step, such as the adding problem, have no epochs and are compared at equal
numbers of steps instead. The same distribution pattern: the model and optimiser are
built in `strategy.scope()`, each step runs with `strategy.run`, and the loss is the
per-example squared error averaged over the global batch.
"""

import time
from dataclasses import dataclass

import keras
import numpy as np
import pandas as pd
import tensorflow as tf

from . import levers
from .meter import Meter
from .strategy import clip_across_replicas

STEPS_PER_CALL = 50


@dataclass
class StepsConfig:
    steps: int = 2000
    batch_size: int = 64  # global: split across replicas
    learning_rate: float = 0.01
    global_clipnorm: float = 1.0  # the whole gradient's norm is clipped to this (RNNs explode)
    eval_every: int = 100
    seed: int = 0


@dataclass
class StepsResult:
    history: pd.DataFrame  # step, loss (training, mean over the last steps), test_mse
    model: keras.Model
    seconds: float


def squared_error(model, x, y, batch=512):
    """Per-example squared errors of `model` on (x, y), computed in slices."""
    errors = []
    for start in range(0, int(x.shape[0]), batch):
        prediction = np.asarray(model(x[start : start + batch], training=False), np.float32)
        errors.append(
            np.sum((np.asarray(prediction) - np.asarray(y[start : start + batch])) ** 2, -1)
        )
    return np.concatenate(errors)


def train_steps(strategy, build_model, batches, test, config, log=None):
    """Train `build_model()` on the dataset `batches` (global batches, at least
    `config.steps` of them) with Adam; every `eval_every` steps record the test MSE on
    `test = (x, y)`. `log(text)` receives one line per evaluation."""
    started = time.perf_counter()
    keras.utils.set_random_seed(config.seed)
    with strategy.scope():
        model = build_model()
        optimizer = levers.loss_scaled(keras.optimizers.Adam(learning_rate=config.learning_rate))
        optimizer.build(model.trainable_variables)
    global_batch = config.batch_size
    iterator = iter(strategy.experimental_distribute_dataset(batches))

    def replica_loss(x, y):
        prediction = levers.as_float32(tf, model(x, training=True))
        per_example = tf.reduce_sum(tf.square(prediction - y), axis=-1)
        return (tf.nn.compute_average_loss(per_example, global_batch_size=global_batch),)

    gradients_of = levers.gradient_function(tf, replica_loss, model.trainable_variables, optimizer)

    def step(x, y):
        loss, gradients = gradients_of(x, y)
        clipnorm = levers.clipnorm_for(optimizer, config.global_clipnorm)
        gradients = clip_across_replicas(tf, gradients, clipnorm)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        return loss

    @tf.function
    def run_steps(count):
        total = tf.constant(0.0)
        for _ in tf.range(count):
            loss = strategy.run(step, args=next(iterator))
            total += strategy.reduce(tf.distribute.ReduceOp.SUM, loss, axis=None)
        return total

    test_x, test_y = test
    rows = [
        {
            "step": 0,
            "loss": np.nan,
            "test_mse": float(np.mean(squared_error(model, test_x, test_y))),
        }
    ]
    done = 0
    meter = Meter("steps loop")
    while done < config.steps:
        count = min(
            STEPS_PER_CALL, config.eval_every - done % config.eval_every, config.steps - done
        )
        called = time.perf_counter()
        total = float(run_steps(tf.constant(count)))
        meter.add(count * global_batch, time.perf_counter() - called, total / count)
        done += count
        if done % config.eval_every == 0 or done == config.steps:
            mse = float(np.mean(squared_error(model, test_x, test_y)))
            rows.append({"step": done, "loss": total / count, "test_mse": mse})
            if log:
                loss = total / count
                log(f"step {done}/{config.steps}: training loss {loss:.4f}, test MSE {mse:.4f}")
    return StepsResult(pd.DataFrame(rows), model, time.perf_counter() - started)
