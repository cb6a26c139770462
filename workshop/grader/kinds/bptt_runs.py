"""Grading of an exercise whose answer is a pair of NumPy functions: the forward pass of
the RNN of eq. 3.1–3.4 and its backpropagation through time."""

import numpy as np
import tensorflow as tf

from . import exercise as base
from . import numeric
from .compare import Tolerance, compare
from .evidence import Observation
from .observe import rng_for

TOLERANCE = Tolerance(atol=1e-5, rtol=1e-4)  # float32 work by students passes too
PARAMETERS = ("U", "W", "b", "V", "c")


def make_case(case, seed, index):
    """Inputs, targets, h0 and parameters for one (batch, T, input_dim, units, classes)."""
    batch, steps, inputs, units, classes = case.input_shape
    rng = rng_for(seed, "bptt", index)
    shapes = {"U": (inputs, units), "W": (units, units), "b": (units,), "V": (units, classes),
              "c": (classes,)}  # fmt: skip
    return {
        "x": rng.standard_normal((batch, steps, inputs)),
        "targets": rng.integers(0, classes, (batch, steps)),
        "h0": 0.5 * rng.standard_normal((batch, units)),
        "parameters": {n: 0.6 * rng.standard_normal(s) for n, s in shapes.items()},
    }


def observe(forward, backward, data):
    observation = Observation()
    try:
        h, y_hat = forward(data["x"], data["h0"], **data["parameters"])
        observation.extra["h"] = np.asarray(h, dtype=np.float64)
        observation.output = np.asarray(y_hat, dtype=np.float64)
        observation.output_kind = "y_hat"
        loss, grads = backward(data["x"], data["targets"], data["h0"], **data["parameters"])
        observation.extra["loss"] = float(loss)
        grads = {name: np.asarray(value, dtype=np.float64) for name, value in dict(grads).items()}
        observation.grads = grads
        observation.weight_shapes = tuple(sorted((n, g.shape) for n, g in grads.items()))
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # student code may raise anything, even SystemExit
        observation.error = error
    return observation


def autodiff(data):
    """The gradients by tf.GradientTape through a TensorFlow forward pass."""
    variables = {n: tf.Variable(v) for n, v in dict(data["parameters"], h0=data["h0"]).items()}
    x, targets = data["x"], data["targets"]
    with tf.GradientTape() as tape:
        h, loss = variables["h0"], 0.0
        for t in range(x.shape[1]):
            h = tf.tanh(variables["b"] + h @ variables["W"] + x[:, t] @ variables["U"])
            logits = variables["c"] + h @ variables["V"]
            loss += tf.reduce_sum(
                tf.nn.sparse_softmax_cross_entropy_with_logits(targets[:, t], logits)
            )
    return float(loss), {n: g.numpy() for n, g in tape.gradient(loss, variables).items()}


def stages(exercise):
    return ["cases"]


def reference_stages(exercise):
    """The stages whose reference records the judge reads (what a release stores)."""
    return ["cases"]


def primary(exercise, record):
    """The first stage's observations (one per case)."""
    return base.runs_of(record)


def run_stage(exercise, stage, implementation, seed):
    forward = implementation.get(exercise.module, "rnn_forward")
    backward = implementation.get(exercise.module, "bptt")
    data = [make_case(case, seed, i) for i, case in enumerate(exercise.cases)]
    return [observe(forward, backward, d) for d in data]


_TAPE = {}


def _tape_gradients(exercise, seed):
    """tf.GradientTape's gradients for every case (the judge's own, kept per seed)."""
    key = (exercise.id, repr(exercise.cases), seed)
    if key not in _TAPE:
        data = [make_case(case, seed, i) for i, case in enumerate(exercise.cases)]
        _TAPE[key] = [autodiff(d)[1] for d in data]
    return _TAPE[key]


def judge(exercise, stage_records, book, seed, source_dir, result, source_tree=None):
    mine = primary(exercise, stage_records["cases"])
    ref = book.stage(exercise, "cases", seed)

    def describe(i):
        batch, steps, inputs, units, classes = exercise.cases[i].input_shape
        return f"case {i + 1} (batch {batch}, T={steps}, input {inputs}, units {units}, {classes} classes)"

    error = numeric.first_error(mine, describe, source_dir)  # every check reports it

    def check_forward():
        if error:
            return False, error
        for i, (m, r) in enumerate(zip(mine, ref)):
            for what, expected, got in (
                ("h", r.extra["h"], m.extra["h"]),
                ("ŷ", r.output, m.output),
            ):
                comparison = compare(f"rnn_forward's {what}", expected, got, TOLERANCE)
                if not comparison.ok:
                    return False, f"{describe(i)}: {comparison.summary}"
        return True, f"h and ŷ match on {len(mine)} cases ({TOLERANCE})"

    def check_loss():
        if error:
            return False, error
        for i, (m, r) in enumerate(zip(mine, ref)):
            comparison = compare(
                "loss", np.array(r.extra["loss"]), np.array(m.extra["loss"]), TOLERANCE
            )
            if not comparison.ok:
                return (
                    False,
                    f"{describe(i)}: {comparison.summary}: L sums −log ŷ over time and batch",
                )
        return True, "the loss matches"

    def check_names():
        if error:
            return False, error
        for i, (m, r) in enumerate(zip(mine, ref)):
            if tuple(m.weight_shapes) != tuple(r.weight_shapes):
                return (
                    False,
                    f"{describe(i)}: expected gradients {dict(r.weight_shapes)}, got {dict(m.weight_shapes)}",
                )
        return True, "a gradient for every parameter and h0, with its shape"

    def check_against(expected_of, label):
        if error:
            return False, error
        for i, m in enumerate(mine):
            expected = expected_of(i)
            for name in PARAMETERS + ("h0",):
                if name not in m.grads:
                    return False, f"{describe(i)}: no gradient for {name}"
                comparison = compare(f"∂L/∂{name}", expected[name], m.grads[name], TOLERANCE)
                if not comparison.ok:
                    return False, f"{describe(i)}: {comparison.summary} ({label})"
        return True, f"every gradient matches {label} on {len(mine)} cases ({TOLERANCE})"

    checks = (
        ("rnn_forward: h and ŷ", "cases", check_forward),
        ("bptt: loss", "cases", check_loss),
        ("bptt: gradient names and shapes", "cases", check_names),
        ("bptt: gradients", "cases", lambda: check_against(lambda i: ref[i].grads, "the reference")),
        ("bptt vs tf.GradientTape", "cases", lambda: check_against(
            lambda i: _tape_gradients(exercise, seed)[i], "tf.GradientTape")),
    )  # fmt: skip
    base.run_checks(result, checks, exercise.points, source_dir, stages=stage_records)
    if not all(c.passed for c in result.checks):
        result.diagnoses.extend(
            base.diagnose(exercise, book, mine, ref, TOLERANCE, TOLERANCE, seed)
        )
