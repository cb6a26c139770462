"""Why the LSTM wins (notes §3.1–3.2): the adding problem at growing lengths, the
gradient that reaches early time steps, and digits read one row at a time.

For each length T, a tanh RNN and an LSTM, both built from the workshop's cells (the
reference's or the student's), get the same number of steps, the same batches and the
same optimiser. The table gives the test MSE beside the baseline of always predicting
the mean (about 0.167), and the share of test sequences within 0.04 of the target, the
criterion of Hochreiter & Schmidhuber (1997).
"""

import json
import time
from dataclasses import asdict
from pathlib import Path

import keras
import numpy as np
import pandas as pd
import tensorflow as tf

from ...data.adding import BASELINE_MSE, adding_test_set, adding_train_batches
from ...train.steps import StepsConfig, squared_error, train_steps
from ..folders import fresh_dir
from .setup import Setup  # noqa: F401  (the experiment's settings)

CELLS = ("rnn", "lstm")
CELL_NAMES = {"rnn": "tanh RNN", "lstm": "LSTM"}
WITHIN = 0.04  # Hochreiter & Schmidhuber's criterion: an absolute error below 0.04
SOLVED_MSE = 0.01


# --- models ----------------------------------------------------------------------


def forget_bias_to_one(cell):
    """Start the LSTM's forget gate open (bias 1, as keras.layers.LSTM's unit_forget_bias):
    the cell state then carries information across many steps from the first update.
    The gate blocks are c̃, o, i, f (eq. 3.11), so f is the last quarter of the bias."""
    bias = np.asarray(cell.bias).copy()
    bias[3 * cell.units :] = 1.0
    cell.bias.assign(bias)


def sequence_model(cell_class, kind, units, input_shape, outputs, activation=None, steps=None):
    """Input sequence -> RNN(cell) -> last h -> Dense(outputs). `steps=(T, features)`
    first reshapes each input (an image read row by row) into a sequence."""
    inputs = keras.Input(input_shape)
    sequence = keras.layers.Reshape(steps)(inputs) if steps else inputs
    cell = cell_class(units)
    h = keras.layers.RNN(cell, name=kind)(sequence)
    model = keras.Model(inputs, keras.layers.Dense(outputs, activation=activation)(h))
    if kind == "lstm":
        forget_bias_to_one(cell)
    return model


def hidden_state_gradient_norms(model, x, y):
    """‖∂L/∂h_t‖ for t = 1..T: the total derivative, through every later step.

    The sequence is unrolled by hand with a zero added to each h_t; the gradient of the
    loss with respect to that zero is ∂L/∂h_t. Averaged over the batch. `model` is a
    `sequence_model` on the adding problem (L = the MSE).
    """
    cell = next(layer for layer in model.layers if isinstance(layer, keras.layers.RNN)).cell
    head = model.layers[-1]
    batch, steps = int(x.shape[0]), int(x.shape[1])
    sizes = cell.state_size if isinstance(cell.state_size, (list, tuple)) else [cell.state_size]
    zeros = tf.zeros((steps, batch, sizes[0]))
    with tf.GradientTape() as tape:
        tape.watch(zeros)
        states = [tf.zeros((batch, size)) for size in sizes]
        for t in range(steps):
            _, states = cell(x[:, t], states)
            states = list(states) if isinstance(states, (list, tuple)) else [states]
            # h_t, perturbed by nothing (in the cell's compute dtype under a mixed policy)
            states[0] = states[0] + tf.cast(zeros[t], states[0].dtype)
        loss = tf.reduce_mean(tf.square(tf.cast(head(states[0]), tf.float32) - y))
    gradient = tape.gradient(loss, zeros)  # (steps, batch, units)
    return np.asarray(tf.reduce_mean(tf.norm(gradient, axis=-1), axis=1))


# --- runs ------------------------------------------------------------------------


def _done(folder, settings):
    """The finished result in `folder` when it was made with `settings`, else None:
    an interrupted experiment redoes only the runs that had not finished."""
    result = fresh_dir(folder, settings) / "result.json"
    return json.loads(result.read_text()) if result.exists() else None


def adding_run(strategy, cell_class, kind, length, setup, seed, folder, log):
    """Train one cell on one length; write history.csv, gradient_norms.csv, result.json."""
    config = StepsConfig(
        steps=setup.steps,
        batch_size=setup.batch_size,
        learning_rate=setup.learning_rate,
        eval_every=setup.eval_every,
        seed=seed,
    )
    settings = {"cell": kind, "length": length, "units": setup.units, "config": asdict(config)}
    finished = _done(folder, settings)
    if finished:
        log(f"== adding T={length}, {CELL_NAMES[kind]}: done before, kept")
        return finished
    log(f"== adding T={length}, {CELL_NAMES[kind]}: {setup.steps} steps")
    test_x, test_y = adding_test_set(seed + 1, setup.test_size, length)
    probe = (test_x[:128], test_y[:128])
    initial = {}

    def build():
        model = sequence_model(cell_class, kind, setup.units, (length, 2), 1)
        initial["norms"] = hidden_state_gradient_norms(model, *probe)
        return model

    result = train_steps(
        strategy,
        build,
        adding_train_batches(seed, setup.batch_size, length, setup.steps),
        (test_x, test_y),
        config,
        log=lambda line: log("   " + line),
    )
    errors = np.sqrt(squared_error(result.model, test_x, test_y))
    history = result.history
    solved = history[history["test_mse"] < SOLVED_MSE]["step"]
    outcome = {
        "task": "adding",
        "T": length,
        "cell": CELL_NAMES[kind],
        "test MSE": round(float(np.mean(errors**2)), 4),
        "baseline MSE": round(BASELINE_MSE, 4),
        f"% within {WITHIN}": round(100 * float(np.mean(errors < WITHIN)), 1),
        f"first step with MSE < {SOLVED_MSE}": int(solved.iloc[0]) if len(solved) else None,
        "seconds": round(result.seconds, 1),
    }
    history.to_csv(folder / "history.csv", index=False)
    norms = pd.DataFrame(
        {
            "t": np.arange(1, length + 1),
            "initial": initial["norms"],
            "trained": hidden_state_gradient_norms(result.model, *probe),
        }
    )
    norms.to_csv(folder / "gradient_norms.csv", index=False)
    (folder / "result.json").write_text(json.dumps(outcome, indent=1))
    return outcome


def digits_run(strategy, cell_class, kind, splits, setup, seed, folder, log):
    """Classify the digits read row by row: 28 steps of 28 pixels, the last h -> softmax."""
    from ...train.loop import TrainConfig, train

    height, width = splits.image_shape[:2]
    config = TrainConfig(
        epochs=setup.digits_epochs,
        batch_size=setup.digits_batch_size,
        learning_rate=setup.digits_learning_rate,
        optimizer="adam",
        global_clipnorm=1.0,
        seed=seed,
        verbose=0,
    )
    log(f"== sequential {splits.name}, {CELL_NAMES[kind]}: {height} steps of {width} pixels")

    def build():
        return sequence_model(
            cell_class,
            kind,
            setup.digits_units,
            splits.image_shape,
            splits.num_classes,
            activation="softmax",
            steps=(height, width * splits.image_shape[2]),
        )

    settings = {"cell": kind, "units": setup.digits_units, "config": asdict(config)}
    result = train(strategy, build, splits, splits.train, config, fresh_dir(folder, settings))
    return {
        "task": f"sequential {splits.name}",
        "T": height,
        "cell": CELL_NAMES[kind],
        "test accuracy %": round(100 * result.test_accuracy, 2),
        "best epoch": result.best_epoch,
        "epochs": len(result.history),
        "seconds": round(result.seconds, 1),
    }


def run(strategy, cells, splits, out_dir, setup, seed=0, log=print):
    """Every adding run, the gradient plot and the sequential digits; returns the two
    tables (and writes them, with the figures, into `out_dir`)."""
    from .figures import adding_curves, gradient_norms

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    adding = []
    for length in setup.lengths:
        for kind in CELLS:
            folder = out_dir / "adding" / f"T{length}-{kind}"
            adding.append(adding_run(strategy, cells[kind], kind, length, setup, seed, folder, log))
    adding_table = pd.DataFrame(adding)
    solved = f"first step with MSE < {SOLVED_MSE}"
    adding_table[solved] = adding_table[solved].astype("Int64")  # a step, or <NA>: never
    adding_table.to_csv(out_dir / "adding.csv", index=False)
    adding_curves(out_dir / "adding", setup.lengths, CELLS, out_dir / "adding_curves.png")
    gradient_norms(out_dir / "adding", setup.gradient_length, CELLS, out_dir / "gradient_norms.png")

    digits = []
    for kind in CELLS:
        started = time.perf_counter()
        outcome = digits_run(
            strategy, cells[kind], kind, splits, setup, seed, out_dir / "digits" / kind, log
        )
        outcome["seconds"] = round(time.perf_counter() - started, 1)
        digits.append(outcome)
    digits_table = pd.DataFrame(digits)
    digits_table.to_csv(out_dir / "sequential_digits.csv", index=False)
    return adding_table, digits_table
