"""The trusted side of the BPTT exercise: each check compares the student's h, ŷ, loss
and gradients with the reference's, or with tf.GradientTape's, and returns
(passed, message)."""

import numpy as np

from ..compare import Tolerance, compare
from .bptt_runs import make_case

TOLERANCE = Tolerance(atol=1e-5, rtol=1e-4)  # float32 work by students passes too
PARAMETERS = ("U", "W", "b", "V", "c")


def autodiff(data):
    """The gradients by tf.GradientTape through a TensorFlow forward pass."""
    import tensorflow as tf  # only the judge and the tests run this

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


_TAPE = {}


def tape_gradients(exercise, seed):
    """tf.GradientTape's gradients for every case (the judge's own, kept per seed)."""
    key = (exercise.id, repr(exercise.cases), seed)
    if key not in _TAPE:
        data = [make_case(case, seed, i) for i, case in enumerate(exercise.cases)]
        _TAPE[key] = [autodiff(d)[1] for d in data]
    return _TAPE[key]


def describe(exercise, i):
    batch, steps, inputs, units, classes = exercise.cases[i].input_shape
    return (
        f"case {i + 1} (batch {batch}, T={steps}, input {inputs}, units {units}, {classes} classes)"
    )


def check_forward(mine, ref, describe, error):
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


def check_loss(mine, ref, describe, error):
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


def check_names(mine, ref, describe, error):
    if error:
        return False, error
    for i, (m, r) in enumerate(zip(mine, ref)):
        if tuple(m.weight_shapes) != tuple(r.weight_shapes):
            return (
                False,
                f"{describe(i)}: expected gradients {dict(r.weight_shapes)}, "
                f"got {dict(m.weight_shapes)}",
            )
    return True, "a gradient for every parameter and h0, with its shape"


def check_against(mine, expected_of, label, describe, error):
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
